/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import { ContentPart } from "../../shared/message";
import type { OutboundReply } from "../../workers/channels/adapter";
import { telegramAdapter as adapter, TelegramConfig } from "../../workers/channels/telegram";
import callbackFixture from "../fixtures/telegram/callback_query.json?raw";
import documentFixture from "../fixtures/telegram/document.json?raw";
import editedFixture from "../fixtures/telegram/edited_message.json?raw";
import textFixture from "../fixtures/telegram/text.json?raw";
import voiceFixture from "../fixtures/telegram/voice.json?raw";
import { signTelegram } from "../signers/telegram";
import { parseNeverCrashes } from "./never-crashes";
import { statusOf, webhookRequests } from "./support";

const config = TelegramConfig.parse({ bot_token: "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", secret_token: "edgedesk_Secret-1", api_base: "https://tg.test" });
const HOOK = "https://edge.test/webhooks/telegram/ten_1";
const NOW = 1_750_000_000_000;
const FIXTURES = [textFixture, editedFixture, documentFixture, voiceFixture, callbackFixture];
/** The gateway's media proxy on the webhook's origin: the bot token never appears in a stored URL. */
const FILE_URL = "https://edge.test/v1/media/telegram/AwADBAADbXXXXXXXXXXXGBdhD2l6_XX";
const TEST_USER = { externalId: "1111111", name: "Test Firstname Test Lastname" };

const req = webhookRequests(signTelegram, config, HOOK, NOW);

const parse = (body: string) => adapter.parse(req(body), config);
const message = (m: Record<string, unknown>) => JSON.stringify({ update_id: 1, message: { message_id: 7, date: 1441645532, chat: { id: -100123, type: "supergroup" }, from: { id: 42, first_name: "Ada" }, ...m } });
const reply = (parts: ContentPart[]): OutboundReply => ({ messageId: "msg_1", externalThreadId: "1111111", parts, metadata: {} });

describe("telegram secret token", () => {
  it("accepts the configured secret_token, rejects a missing or different one with 401", async () => {
    expect(await statusOf(adapter.verify(req(textFixture), config, NOW))).toBe("ok");
    expect(await statusOf(adapter.verify(req(textFixture, {}), config, NOW))).toBe(401);
    expect(await statusOf(adapter.verify(req(textFixture, { "x-telegram-bot-api-secret-token": "edgedesk_Secret-2" }), config, NOW))).toBe(401);
  });
});

describe("telegram documented updates", () => {
  it("message with text", async () => {
    expect(await parse(textFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "1111111",
          providerMessageId: "1111111:1365",
          contact: TEST_USER,
          parts: [{ type: "text", text: "/start" }],
          metadata: { username: "Testusername" },
          occurredAt: 1_441_645_532_000,
        },
      ],
    });
  });

  it("edited message: a change of the message it names, with the whole new content, at the edit's time", async () => {
    expect(await parse(editedFixture)).toEqual({
      items: [
        {
          kind: "change",
          externalThreadId: "1111111",
          providerMessageId: "1111111:1365",
          contact: TEST_USER,
          change: { type: "edit", parts: [{ type: "text", text: "Edited text" }], metadata: { username: "Testusername" } },
          occurredAt: 1_441_646_600_000,
        },
      ],
    });
  });

  it("message with a document: a file part at the gateway's media proxy URL, the file id in metadata", async () => {
    expect(await parse(documentFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "1111111",
          providerMessageId: "1111111:1365",
          contact: TEST_USER,
          parts: [{ type: "file", url: FILE_URL, name: "Testfile.pdf", mime_type: "application/pdf", size: 536392 }],
          metadata: { media: [{ id: "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX", mime_type: "application/pdf" }], username: "Testusername" },
          occurredAt: 1_441_645_532_000,
        },
      ],
    });
  });

  it("voice message: an audio part with its duration", async () => {
    expect((await parse(voiceFixture)).items).toMatchObject([
      { parts: [{ type: "audio", url: FILE_URL, mime_type: "audio/ogg", duration_s: 5 }], metadata: { media: [{ id: "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX", mime_type: "audio/ogg" }] } },
    ]);
  });

  it("callback query: the data as a choice and payload, answered in the webhook response", async () => {
    expect(await parse(callbackFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "1111111",
          providerMessageId: "callback:4382bfdwdsb323b2d9",
          contact: TEST_USER,
          parts: [{ type: "choice", value: "Data from button callback" }],
          metadata: { payload: "Data from button callback" },
        },
      ],
      response: { status: 200, contentType: "application/json", body: JSON.stringify({ method: "answerCallbackQuery", callback_query_id: "4382bfdwdsb323b2d9" }) },
    });
  });
});

describe("telegram other updates", () => {
  it("photo (largest size) with caption, location, venue", async () => {
    const photo = await parse(message({ photo: [{ file_id: "small", width: 90, height: 90 }, { file_id: "large", width: 1280, height: 1280 }], caption: "my order" }));
    expect(photo.items[0]).toMatchObject({
      externalThreadId: "-100123",
      providerMessageId: "-100123:7",
      contact: { externalId: "42", name: "Ada" },
      parts: [{ type: "image", url: "https://edge.test/v1/media/telegram/large", caption: "my order" }],
    });
    expect((await parse(message({ location: { latitude: 52.52, longitude: 13.405 } }))).items).toEqual([
      expect.objectContaining({ parts: [{ type: "location", latitude: 52.52, longitude: 13.405 }] }),
    ]);
    expect((await parse(message({ venue: { location: { latitude: 52.5, longitude: 13.4 }, title: "Store", address: "Main St 1" } }))).items).toEqual([
      expect.objectContaining({ parts: [{ type: "location", latitude: 52.5, longitude: 13.4, name: "Store", address: "Main St 1" }] }),
    ]);
  });

  it("media URLs never carry the bot token, and odd file ids stay inside the proxy path", async () => {
    const all = await Promise.all(
      [documentFixture, voiceFixture, message({ photo: [{ file_id: "a/b?c#d" }] }), message({ video: { file_id: "v", duration: 3 }, caption: "clip" })].map(parse),
    );
    const text = JSON.stringify(all);
    expect(text).not.toContain(config.bot_token);
    expect(text).not.toContain("tg.test");
    expect(all[2]!.items[0]).toMatchObject({ parts: [{ type: "image", url: "https://edge.test/v1/media/telegram/a%2Fb%3Fc%23d" }] });
    expect(all[3]!.items[0]).toMatchObject({ parts: [{ type: "video", url: "https://edge.test/v1/media/telegram/v", duration_s: 3 }, { type: "text", text: "clip" }] });
    expect(await statusOf(parse(message({ document: { file_id: ".." } })))).toBe(422);
  });

  it("a callback on one of our keyboards reads the tapped button's label", async () => {
    const body = JSON.stringify({
      update_id: 2,
      callback_query: {
        id: "cb1",
        from: { id: 42, is_bot: false, first_name: "Ada" },
        data: "size_m",
        message: { message_id: 9, date: 1, chat: { id: 42, type: "private" }, text: "Size?", reply_markup: { inline_keyboard: [[{ text: "S", callback_data: "size_s" }], [{ text: "M", callback_data: "size_m" }]] } },
      },
    });
    expect((await parse(body)).items).toEqual([
      { kind: "message", externalThreadId: "42", providerMessageId: "callback:cb1", contact: { externalId: "42", name: "Ada" }, parts: [{ type: "choice", value: "size_m", label: "M" }], metadata: { payload: "size_m", reply_to: "42:9" } },
    ]);
  });

  it("service messages and bots' messages yield nothing", async () => {
    expect(await parse(message({ new_chat_members: [{ id: 5, first_name: "Bob" }] }))).toEqual({ items: [] });
    expect(await parse(message({ from: { id: 99, is_bot: true, first_name: "OtherBot" }, text: "beep" }))).toEqual({ items: [] });
  });

  it("malformed → 400 / 422", async () => {
    expect(await statusOf(parse("nope"))).toBe(400);
    expect(await statusOf(parse(JSON.stringify({ message: { text: "no update_id" } })))).toBe(422);
    expect(await statusOf(parse(JSON.stringify({ update_id: 1, message: { message_id: 1, text: "no chat" } })))).toBe(422);
  });
});

describe("telegram send", () => {
  const calls = async (parts: ContentPart[]) => (await adapter.send(reply(parts), config)).map((r) => [r.url.split("/").at(-1), JSON.parse(r.body)]);

  it("sendMessage to the chat, as JSON", async () => {
    expect(await adapter.send(reply([{ type: "text", text: "Hello" }]), config)).toEqual([
      {
        url: "https://tg.test/bot123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11/sendMessage",
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ chat_id: "1111111", text: "Hello" }),
      },
    ]);
  });

  it("photo, document, location, venue and an inline keyboard for quick replies", async () => {
    expect(
      await calls([
        { type: "image", url: "https://cdn.test/a.jpg", caption: "here" },
        { type: "file", url: "https://cdn.test/r.pdf" },
        { type: "location", latitude: 52.52, longitude: 13.405 },
        { type: "location", latitude: 52.5, longitude: 13.4, name: "Store", address: "Main St 1" },
        { type: "quick_replies", text: "Size?", options: [{ label: "S", value: "size_s" }, { label: "M", value: "size_m" }] },
      ]),
    ).toEqual([
      ["sendPhoto", { chat_id: "1111111", photo: "https://cdn.test/a.jpg", caption: "here" }],
      ["sendDocument", { chat_id: "1111111", document: "https://cdn.test/r.pdf" }],
      ["sendLocation", { chat_id: "1111111", latitude: 52.52, longitude: 13.405 }],
      ["sendVenue", { chat_id: "1111111", latitude: 52.5, longitude: 13.4, title: "Store", address: "Main St 1" }],
      ["sendMessage", { chat_id: "1111111", text: "Size?", reply_markup: { inline_keyboard: [[{ text: "S", callback_data: "size_s" }], [{ text: "M", callback_data: "size_m" }]] } }],
    ]);
  });

  it("a button value over Telegram's 64-byte callback_data limit cannot be sent", async () => {
    expect(await statusOf(adapter.send(reply([{ type: "quick_replies", text: "?", options: [{ label: "long", value: "x".repeat(65) }] }]), config))).toBe(422);
  });
});

describe("telegram sendOutcome", () => {
  it("chat id and message id from result", () => {
    const body = JSON.stringify({ ok: true, result: { message_id: 1366, from: { id: 123456, is_bot: true, first_name: "Bot" }, chat: { id: 1111111, type: "private" }, date: 1441645600, text: "Hello" } });
    expect(adapter.sendOutcome(200, body)).toEqual({ ok: true, providerMessageId: "1111111:1366" });
  });

  it("400 is final, 429 (retry_after) and 5xx are retried", () => {
    expect(adapter.sendOutcome(400, JSON.stringify({ ok: false, error_code: 400, description: "Bad Request: chat not found" }))).toMatchObject({ ok: false, retryable: false });
    expect(adapter.sendOutcome(403, JSON.stringify({ ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" }))).toMatchObject({ ok: false, retryable: false });
    expect(adapter.sendOutcome(429, JSON.stringify({ ok: false, error_code: 429, description: "Too Many Requests: retry after 5", parameters: { retry_after: 5 } }))).toMatchObject({ ok: false, retryable: true });
    expect(adapter.sendOutcome(502, "Bad Gateway")).toMatchObject({ ok: false, retryable: true });
  });
});

parseNeverCrashes({
  name: "telegram",
  adapter,
  config,
  request: (bytes) => req(bytes, {}),
  fixtures: FIXTURES,
  noun: "update",
  numRuns: 500,
});
