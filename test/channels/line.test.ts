/// <reference types="vite/client" />
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContentPart } from "../../shared/message";
import type { OutboundReply } from "../../workers/channels/adapter";
import { lineAdapter as adapter, LineConfig } from "../../workers/channels/line";
import followFixture from "../fixtures/line/follow.json?raw";
import imageFixture from "../fixtures/line/image.json?raw";
import locationFixture from "../fixtures/line/location.json?raw";
import postbackFixture from "../fixtures/line/postback.json?raw";
import stickerFixture from "../fixtures/line/sticker.json?raw";
import textFixture from "../fixtures/line/text_group.json?raw";
import { signLine } from "../signers/line";
import { parseNeverCrashes } from "./never-crashes";
import { statusOf, webhookRequests } from "./support";

const config = LineConfig.parse({
  channel_secret: "8c570fa6dd201bb328f1c1eac23a96d8",
  channel_access_token: "line-channel-token",
  api_base: "https://line.test",
  data_api_base: "https://line-data.test",
});
const HOOK = "https://edge.test/webhooks/line/ten_1";
const NOW = 1_750_000_000_000;
const FIXTURES = [textFixture, imageFixture, locationFixture, stickerFixture, postbackFixture, followFixture];
const USER = { externalThreadId: "U4af4980629...", contact: { externalId: "U4af4980629..." } };

const req = webhookRequests(signLine, config, HOOK, NOW);

const parse = (body: string) => adapter.parse(req(body), config);
const reply = (parts: ContentPart[], messageId = "msg_1"): OutboundReply => ({ messageId, externalThreadId: "U4af4980629...", parts, metadata: {} });

describe("line signature", () => {
  it("accepts base64 HMAC-SHA256 computed independently (node:crypto) over the documented bytes", async () => {
    for (const body of FIXTURES) {
      const signature = createHmac("sha256", config.channel_secret).update(body).digest("base64");
      expect(await statusOf(adapter.verify(req(body, { "x-line-signature": signature }), config, NOW))).toBe("ok");
    }
  });

  it("rejects a missing signature, a changed body, a hex signature and another channel's secret with 401", async () => {
    const signed = signLine(textFixture, config, HOOK, NOW);
    expect(await statusOf(adapter.verify(req(textFixture, {}), config, NOW))).toBe(401);
    expect(await statusOf(adapter.verify(req(textFixture.replace("Morning", "Evening"), signed), config, NOW))).toBe(401);
    const hex = createHmac("sha256", config.channel_secret).update(textFixture).digest("hex");
    expect(await statusOf(adapter.verify(req(textFixture, { "x-line-signature": hex }), config, NOW))).toBe(401);
    expect(await statusOf(adapter.verify(req(textFixture, signLine(textFixture, { channel_secret: "other" }, HOOK, NOW)), config, NOW))).toBe(401);
  });
});

describe("line documented events", () => {
  it("text in a group: the group is the thread, the user the contact", async () => {
    expect(await parse(textFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "Ca56f94637c...",
          providerMessageId: "444573844083572737",
          contact: { externalId: "U4af4980629..." },
          parts: [{ type: "text", text: "@All @example Good Morning!! (love)" }],
          metadata: {},
          occurredAt: 1_462_629_479_859,
        },
      ],
    });
  });

  it("image sent by the user: the Get content URL, the message id and image set in metadata", async () => {
    expect(await parse(imageFixture)).toEqual({
      items: [
        {
          kind: "message",
          ...USER,
          providerMessageId: "354718705033693859",
          parts: [{ type: "image", url: "https://line-data.test/v2/bot/message/354718705033693859/content" }],
          metadata: { media: [{ id: "354718705033693859" }], image_set: { id: "E005D41A7288F41B65593ED38FF6E9834B046AB36A37921A56BC236F13A91855", index: 1, total: 2 } },
          occurredAt: 1_627_356_924_513,
        },
      ],
    });
  });

  it("location", async () => {
    expect(await parse(locationFixture)).toEqual({
      items: [
        {
          kind: "message",
          ...USER,
          providerMessageId: "325708",
          parts: [{ type: "location", latitude: 35.67966, longitude: 139.73669, name: "my location", address: "1-3 Kioicho, Chiyoda-ku, Tokyo, 102-8282 Japan" }],
          metadata: {},
          occurredAt: 1_462_629_479_859,
        },
      ],
    });
  });

  it("sticker: readable text, the sticker ids in metadata", async () => {
    const keywords = ["cony", "sally", "Staring", "hi", "whatsup", "line", "howdy", "HEY", "Peeking", "wave", "peek", "Hello", "yo", "greetings"];
    expect(await parse(stickerFixture)).toEqual({
      items: [
        {
          kind: "message",
          ...USER,
          providerMessageId: "1501597916",
          parts: [{ type: "text", text: "(sticker)" }],
          metadata: { sticker: { package_id: "11537", sticker_id: "52002738", resource_type: "ANIMATION", keywords } },
          occurredAt: 1_462_629_479_859,
        },
      ],
    });
  });

  it("postback from a date-time picker: the picked value as text, data as payload", async () => {
    expect(await parse(postbackFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "U91eeaf62d...",
          contact: { externalId: "U91eeaf62d..." },
          providerMessageId: "postback:01FZ74A0TDDPYRVKNK77XKC3ZR",
          parts: [{ type: "text", text: "2017-12-25T01:00" }],
          metadata: { payload: "storeId=12345", params: { datetime: "2017-12-25T01:00" } },
          occurredAt: 1_513_669_370_317,
        },
      ],
    });
  });

  it("follow is account life-cycle, not conversation; LINE's empty verification webhook is fine", async () => {
    expect(await parse(followFixture)).toEqual({ items: [] });
    expect(await parse(JSON.stringify({ destination: "Uxxxxxxxxxxxxxx", events: [] }))).toEqual({ items: [] });
  });
});

describe("line other events", () => {
  const event = (e: Record<string, unknown>) => JSON.stringify({ destination: "U1", events: [{ mode: "active", timestamp: 1_776_914_799_524, source: { type: "user", userId: "U9" }, webhookEventId: "01K", ...e }] });

  it("an edit keeps its message id apart from the original and is marked edited", async () => {
    expect((await parse(event({ type: "messageEdited", message: { type: "text", id: "610830548529053697", text: "Edited message" } }))).items).toEqual([
      {
        kind: "message",
        externalThreadId: "U9",
        contact: { externalId: "U9" },
        providerMessageId: "610830548529053697:edit:1776914799524",
        parts: [{ type: "text", text: "Edited message" }],
        metadata: { edited: true, edit_of: "610830548529053697" },
        occurredAt: 1_776_914_799_524,
      },
    ]);
  });

  it("externally hosted media keep their URL; files keep name and size", async () => {
    const video = event({ type: "message", message: { id: "325708", type: "video", duration: 60000, contentProvider: { type: "external", originalContentUrl: "https://example.com/original.mp4", previewImageUrl: "https://example.com/preview.jpg" } } });
    expect((await parse(video)).items[0]).toMatchObject({ parts: [{ type: "video", url: "https://example.com/original.mp4", duration_s: 60 }], metadata: {} });
    const file = event({ type: "message", message: { id: "325708", type: "file", fileName: "file.txt", fileSize: 2138 } });
    expect((await parse(file)).items[0]).toMatchObject({ parts: [{ type: "file", url: "https://line-data.test/v2/bot/message/325708/content", name: "file.txt", size: 2138 }] });
  });

  it("malformed → 400 / 422", async () => {
    expect(await statusOf(parse("{"))).toBe(400);
    expect(await statusOf(parse(JSON.stringify({ destination: "U1" })))).toBe(422);
    expect(await statusOf(parse(event({ type: "message", message: { type: "text", text: "no id" } })))).toBe(422);
    expect(await statusOf(parse(JSON.stringify({ events: [{ type: "message", source: { type: "user" }, message: { id: "1", type: "text", text: "x" } }] })))).toBe(422);
  });
});

describe("line send", () => {
  it("pushes to the thread with the channel access token and an idempotency retry key", async () => {
    const [push] = await adapter.send(reply([{ type: "text", text: "Hello, world" }]), config);
    expect(push).toMatchObject({
      url: "https://line.test/v2/bot/message/push",
      method: "POST",
      headers: { authorization: "Bearer line-channel-token", "content-type": "application/json" },
      body: JSON.stringify({ to: "U4af4980629...", messages: [{ type: "text", text: "Hello, world" }] }),
    });
    const key = push!.headers["x-line-retry-key"];
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const [again] = await adapter.send(reply([{ type: "text", text: "Hello, world" }]), config);
    expect(again!.headers["x-line-retry-key"]).toBe(key);
    const [other] = await adapter.send(reply([{ type: "text", text: "Hello, world" }], "msg_2"), config);
    expect(other!.headers["x-line-retry-key"]).not.toBe(key);
  });

  it("image, location and quick replies as postback actions; what LINE cannot push goes as text", async () => {
    const [push] = await adapter.send(
      reply([
        { type: "image", url: "https://cdn.test/a.jpg" },
        { type: "location", latitude: 35.67966, longitude: 139.73669, name: "my location", address: "1-3 Kioicho" },
        { type: "file", url: "https://cdn.test/r.pdf", name: "r.pdf" },
        { type: "quick_replies", text: "Which size?", options: [{ label: "S", value: "size=s" }, { label: "M", value: "size=m" }] },
      ]),
      config,
    );
    expect(JSON.parse(push!.body).messages).toEqual([
      { type: "image", originalContentUrl: "https://cdn.test/a.jpg", previewImageUrl: "https://cdn.test/a.jpg" },
      { type: "location", title: "my location", address: "1-3 Kioicho", latitude: 35.67966, longitude: 139.73669 },
      { type: "text", text: "r.pdf https://cdn.test/r.pdf" },
      {
        type: "text",
        text: "Which size?",
        quickReply: {
          items: [
            { type: "action", action: { type: "postback", label: "S", data: "size=s", displayText: "S" } },
            { type: "action", action: { type: "postback", label: "M", data: "size=m", displayText: "M" } },
          ],
        },
      },
    ]);
  });

  it("more than five messages are split over pushes, each with its own retry key", async () => {
    const parts = Array.from({ length: 6 }, (_, i): ContentPart => ({ type: "text", text: `line ${i}` }));
    const pushes = await adapter.send(reply(parts), config);
    expect(pushes.map((p) => JSON.parse(p.body).messages.length)).toEqual([5, 1]);
    expect(new Set(pushes.map((p) => p.headers["x-line-retry-key"])).size).toBe(2);
  });
});

describe("line sendOutcome", () => {
  it("sentMessages[0].id; 409 (retry key already accepted) is success", () => {
    expect(adapter.sendOutcome(200, JSON.stringify({ sentMessages: [{ id: "461230966842064897", quoteToken: "IStG5h1Tz7b..." }] }))).toEqual({ ok: true, providerMessageId: "461230966842064897" });
    expect(adapter.sendOutcome(409, JSON.stringify({ message: "The retry key is already accepted", sentMessages: [{ id: "461230966842064897" }] }))).toEqual({ ok: true, providerMessageId: "461230966842064897" });
  });

  it("400 is final, 429 and 5xx are retried", () => {
    expect(adapter.sendOutcome(400, JSON.stringify({ message: "The request body has 1 error(s)" }))).toMatchObject({ ok: false, retryable: false });
    expect(adapter.sendOutcome(429, JSON.stringify({ message: "You have reached your monthly limit." }))).toMatchObject({ ok: false, retryable: true });
    expect(adapter.sendOutcome(500, "")).toMatchObject({ ok: false, retryable: true });
  });
});

parseNeverCrashes({
  name: "line",
  adapter,
  config,
  request: (bytes) => req(bytes, {}),
  fixtures: FIXTURES,
  noun: "event",
  numRuns: 500,
});
