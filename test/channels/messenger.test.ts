/// <reference types="vite/client" />
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContentPart } from "../../shared/message";
import type { OutboundReply } from "../../workers/channels/adapter";
import { messengerAdapter as adapter, MessagingConfig } from "../../workers/channels/messenger";
import attachmentFixture from "../fixtures/messenger/attachment.json?raw";
import deliveryFixture from "../fixtures/messenger/delivery.json?raw";
import postbackFixture from "../fixtures/messenger/postback.json?raw";
import textFixture from "../fixtures/messenger/text.json?raw";
import { signMessenger } from "../signers/messenger";
import { parseNeverCrashes } from "./never-crashes";
import { statusOf, webhookRequests } from "./support";

const config = MessagingConfig.parse({ app_secret: "messenger-app-secret", verify_token: "edgedesk-verify", access_token: "EAAGpage", api_base: "https://graph.test/v21.0" });
const HOOK = "https://edge.test/webhooks/messenger/ten_1";
const NOW = 1_750_000_000_000;
const FIXTURES = [textFixture, attachmentFixture, postbackFixture, deliveryFixture];

const req = webhookRequests(signMessenger, config, HOOK, NOW);

const parse = (body: string) => adapter.parse(req(body), config);
const event = (e: Record<string, unknown>) => JSON.stringify({ object: "page", entry: [{ id: "PAGE", time: 1, messaging: [{ sender: { id: "PSID" }, recipient: { id: "PAGE" }, timestamp: 1458692752478, ...e }] }] });
const reply = (parts: ContentPart[]): OutboundReply => ({ messageId: "msg_1", externalThreadId: "PAGE:PSID", parts, metadata: {} });

describe("messenger handshake and signature", () => {
  it("answers the hub challenge, refuses a wrong token with 403", async () => {
    const get = (q: string) => req("", {}, "GET", `${HOOK}?${q}`);
    expect(await adapter.handshake!(get("hub.mode=subscribe&hub.verify_token=edgedesk-verify&hub.challenge=CHALLENGE_ACCEPTED"), config, NOW)).toEqual({
      status: 200,
      contentType: "text/plain",
      body: "CHALLENGE_ACCEPTED",
    });
    expect(await statusOf(adapter.handshake!(get("hub.mode=subscribe&hub.verify_token=nope&hub.challenge=x"), config, NOW))).toBe(403);
  });

  it("verifies X-Hub-Signature-256 against node:crypto; missing or wrong → 401", async () => {
    for (const body of FIXTURES) {
      const header = `sha256=${createHmac("sha256", config.app_secret).update(body).digest("hex")}`;
      expect(await statusOf(adapter.verify(req(body, { "x-hub-signature-256": header }), config, NOW))).toBe("ok");
    }
    expect(await statusOf(adapter.verify(req(textFixture, {}), config, NOW))).toBe(401);
    expect(await statusOf(adapter.verify(req(`${textFixture} `, signMessenger(textFixture, config, HOOK, NOW)), config, NOW))).toBe(401);
  });
});

describe("messenger documented payloads", () => {
  it("text message with a quick-reply payload", async () => {
    expect(await parse(textFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "<PAGE_ID>:<PSID>",
          providerMessageId: "mid.1457764197618:41d102a3e1ae206a38",
          contact: { externalId: "<PSID>" },
          parts: [{ type: "text", text: "hello, world!" }],
          metadata: { payload: "<DEVELOPER_DEFINED_PAYLOAD>" },
          occurredAt: 1_458_692_752_478,
        },
      ],
    });
  });

  it("message with an image attachment", async () => {
    expect(await parse(attachmentFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "682498302938465:<PSID>",
          providerMessageId: "mid.$cAAJdkrCd2ORnva8ErFhjGm0X_Q_c",
          contact: { externalId: "<PSID>" },
          parts: [{ type: "image", url: "https://scontent.xx.fbcdn.net/v/t1.15752-9/attachment.jpg" }],
          metadata: {},
          occurredAt: 1_518_479_195_308,
        },
      ],
    });
  });

  it("postback from the chat plugin: the button title as text, its payload in metadata", async () => {
    expect(await parse(postbackFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "PAGE-ID:USER-REF-ID",
          providerMessageId: "m_MESSAGE-ID",
          contact: { externalId: "USER-REF-ID" },
          parts: [{ type: "text", text: "TITLE-FOR-THE-CTA" }],
          metadata: { payload: "USER-DEFINED-PAYLOAD" },
          occurredAt: 1_527_459_824_000,
        },
      ],
    });
  });

  it("delivery receipt: every listed mid is delivered", async () => {
    expect(await parse(deliveryFixture)).toEqual({
      items: [{ kind: "status", providerMessageId: "mid.1458668856218:ed81099e15d3f4f233", status: "delivered", externalThreadId: "<PAGE_ID>:<PSID>" }],
    });
  });
});

describe("messenger other events", () => {
  it("echoes of our own sends and watermark-only read receipts yield nothing", async () => {
    expect(await parse(event({ message: { mid: "m_echo", is_echo: true, app_id: 1517776481860111, text: "our reply" } }))).toEqual({ items: [] });
    expect(await parse(event({ read: { watermark: 1458668856253 } }))).toEqual({ items: [] });
  });

  it("an edit is a new item on the same thread, marked edited", async () => {
    expect(await parse(event({ message_edit: { mid: "m_1", text: "fixed typo", num_edit: 1 } }))).toMatchObject({
      items: [{ externalThreadId: "PAGE:PSID", providerMessageId: "m_1:edit:1", parts: [{ type: "text", text: "fixed typo" }], metadata: { edited: true, edit_of: "m_1" } }],
    });
  });

  it("legacy location attachments and shares", async () => {
    const { items } = await parse(
      event({
        message: {
          mid: "m_2",
          attachments: [
            { type: "location", payload: { coordinates: { lat: 52.52, long: 13.405 } }, title: "Pin" },
            { type: "fallback", payload: { url: "https://example.com/article", title: "An article" } },
          ],
        },
      }),
    );
    expect(items[0]).toMatchObject({
      parts: [
        { type: "location", latitude: 52.52, longitude: 13.405, name: "Pin" },
        { type: "text", text: "(fallback) https://example.com/article" },
      ],
    });
  });

  it("malformed → 400 / 422", async () => {
    expect(await statusOf(parse("]"))).toBe(400);
    expect(await statusOf(parse(JSON.stringify({ object: "instagram", entry: [] })))).toBe(422);
    expect(await statusOf(parse(event({ message: { text: "no mid" } })))).toBe(422);
  });
});

describe("messenger send", () => {
  const bodies = async (parts: ContentPart[]) => (await adapter.send(reply(parts), config)).map((r) => JSON.parse(r.body));

  it("POSTs to /me/messages with the page token, messaging_type RESPONSE", async () => {
    expect(await adapter.send(reply([{ type: "text", text: "hello" }]), config)).toEqual([
      {
        url: "https://graph.test/v21.0/me/messages",
        method: "POST",
        headers: { authorization: "Bearer EAAGpage", "content-type": "application/json" },
        body: JSON.stringify({ recipient: { id: "PSID" }, messaging_type: "RESPONSE", message: { text: "hello" } }),
      },
    ]);
  });

  it("quick replies, attachments by URL and cards as a generic template", async () => {
    expect(
      await bodies([
        { type: "quick_replies", text: "Pick a color", options: [{ label: "Red", value: "RED" }, { label: "Green", value: "GREEN" }] },
        { type: "file", url: "https://cdn.test/r.pdf" },
        { type: "card", title: "Shoe", subtitle: "Size 42", image_url: "https://cdn.test/shoe.jpg", buttons: [{ label: "Buy", url: "https://shop.test/buy" }, { label: "More", value: "MORE" }] },
      ]),
    ).toEqual([
      {
        recipient: { id: "PSID" },
        messaging_type: "RESPONSE",
        message: {
          text: "Pick a color",
          quick_replies: [
            { content_type: "text", title: "Red", payload: "RED" },
            { content_type: "text", title: "Green", payload: "GREEN" },
          ],
        },
      },
      { recipient: { id: "PSID" }, messaging_type: "RESPONSE", message: { attachment: { type: "file", payload: { url: "https://cdn.test/r.pdf", is_reusable: false } } } },
      {
        recipient: { id: "PSID" },
        messaging_type: "RESPONSE",
        message: {
          attachment: {
            type: "template",
            payload: {
              template_type: "generic",
              elements: [
                {
                  title: "Shoe",
                  subtitle: "Size 42",
                  image_url: "https://cdn.test/shoe.jpg",
                  buttons: [
                    { type: "web_url", url: "https://shop.test/buy", title: "Buy" },
                    { type: "postback", title: "More", payload: "MORE" },
                  ],
                },
              ],
            },
          },
        },
      },
    ]);
  });

  it("a thread that is not <page>:<psid> cannot be answered", async () => {
    expect(await statusOf(adapter.send({ ...reply([{ type: "text", text: "x" }]), externalThreadId: "PSID" }, config))).toBe(422);
  });
});

describe("messenger sendOutcome", () => {
  it("reads message_id from the documented success answer", () => {
    const body = JSON.stringify({ recipient_id: "1254477777772919", message_id: "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P" });
    expect(adapter.sendOutcome(200, body)).toEqual({ ok: true, providerMessageId: "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P" });
  });

  it("final 4xx, transient Graph codes, 429 and 5xx", () => {
    const graph = (code: number) => JSON.stringify({ error: { message: "x", type: "OAuthException", code } });
    expect(adapter.sendOutcome(400, graph(100))).toMatchObject({ ok: false, retryable: false });
    expect(adapter.sendOutcome(400, graph(613))).toMatchObject({ ok: false, retryable: true });
    expect(adapter.sendOutcome(429, "")).toMatchObject({ ok: false, retryable: true });
    expect(adapter.sendOutcome(500, graph(2))).toMatchObject({ ok: false, retryable: true });
  });
});

parseNeverCrashes({
  name: "messenger",
  adapter,
  config,
  request: (bytes) => req(bytes, {}),
  fixtures: FIXTURES,
  numRuns: 500,
});
