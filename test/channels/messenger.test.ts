/// <reference types="vite/client" />
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContentPart } from "../../shared/message";
import type { OutboundReply } from "../../workers/channels/adapter";
import { messengerAdapter as adapter, MessengerConfig } from "../../workers/channels/messenger";
import attachmentFixture from "../fixtures/messenger/attachment.json?raw";
import deliveryFixture from "../fixtures/messenger/delivery.json?raw";
import editFixture from "../fixtures/messenger/edit.json?raw";
import postbackFixture from "../fixtures/messenger/postback.json?raw";
import reactionFixture from "../fixtures/messenger/reaction.json?raw";
import readFixture from "../fixtures/messenger/read.json?raw";
import textFixture from "../fixtures/messenger/text.json?raw";
import { signMessenger } from "../signers/messenger";
import { parseNeverCrashes } from "./never-crashes";
import { rejects, statusOf, webhookRequests } from "./support";

const config = MessengerConfig.parse({ app_secret: "messenger-app-secret", verify_token: "edgedesk-verify", access_token: "EAAGpage", api_base: "https://graph.test/v21.0" });
const HOOK = "https://edge.test/webhooks/messenger/ten_1";
const NOW = 1_750_000_000_000;
const FIXTURES = [textFixture, attachmentFixture, postbackFixture, deliveryFixture, reactionFixture, readFixture, editFixture];
const PAGE_THREAD = { externalThreadId: "<PAGE_ID>:<PSID>", contact: { externalId: "<PSID>" } };

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

  it("X-Hub-Signature (SHA-1) is ignored beside X-Hub-Signature-256 and refused alone", async () => {
    const sha1 = `sha1=${createHmac("sha1", config.app_secret).update(textFixture).digest("hex")}`;
    expect(await statusOf(adapter.verify(req(textFixture, { ...signMessenger(textFixture, config, HOOK, NOW), "x-hub-signature": "sha1=0000" }), config, NOW))).toBe("ok");
    await rejects(adapter.verify(req(textFixture, { "x-hub-signature": sha1 }), config, NOW), 401, "only the legacy SHA-1 X-Hub-Signature was sent; X-Hub-Signature-256 is required");
  });
});

describe("messenger documented payloads", () => {
  it("text message with a quick-reply payload: the text and the choice", async () => {
    expect(await parse(textFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "<PAGE_ID>:<PSID>",
          providerMessageId: "mid.1457764197618:41d102a3e1ae206a38",
          contact: { externalId: "<PSID>" },
          parts: [
            { type: "text", text: "hello, world!" },
            { type: "choice", value: "<DEVELOPER_DEFINED_PAYLOAD>", label: "hello, world!" },
          ],
          metadata: {},
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

  it("postback from the chat plugin: a choice, the payload its value and the button title its label", async () => {
    expect(await parse(postbackFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "PAGE-ID:USER-REF-ID",
          providerMessageId: "m_MESSAGE-ID",
          contact: { externalId: "USER-REF-ID" },
          parts: [{ type: "choice", value: "USER-DEFINED-PAYLOAD", label: "TITLE-FOR-THE-CTA" }],
          metadata: {},
          occurredAt: 1_527_459_824_000,
        },
      ],
    });
  });

  it("delivery receipt: every listed mid is delivered, and everything up to the watermark", async () => {
    expect(await parse(deliveryFixture)).toEqual({
      items: [
        { kind: "status", providerMessageId: "mid.1458668856218:ed81099e15d3f4f233", status: "delivered", externalThreadId: "<PAGE_ID>:<PSID>" },
        { kind: "watermark", externalThreadId: "<PAGE_ID>:<PSID>", status: "delivered", upTo: 1_458_668_856_253 },
      ],
    });
  });

  it("read receipt: a read watermark", async () => {
    expect(await parse(readFixture)).toEqual({ items: [{ kind: "watermark", externalThreadId: "<PAGE_ID>:<PSID>", status: "read", upTo: 1_458_668_856_253 }] });
  });

  it("reaction: a change of the message reacted to, one per person; unreact removes it", async () => {
    const reaction = (emoji: string | null) => ({
      kind: "change",
      ...PAGE_THREAD,
      providerMessageId: "<MID_OF_ReactedTo_Message>",
      change: { type: "reaction", emoji, replace: true },
      occurredAt: 1_458_668_856_463,
    });
    expect(await parse(reactionFixture)).toEqual({ items: [reaction("❤️")] });
    const unreact = reactionFixture.replace('"action": "react"', '"action": "unreact"');
    expect(unreact).not.toBe(reactionFixture);
    expect(await parse(unreact)).toEqual({ items: [reaction(null)] });
    // Older clients name the reaction without its emoji.
    expect(await parse(event({ reaction: { mid: "m_1", action: "react", reaction: "like" } }))).toMatchObject({ items: [{ change: { type: "reaction", emoji: "👍" } }] });
  });

  it("message edit: a change carrying the new text, on the message edited", async () => {
    expect(await parse(editFixture)).toEqual({
      items: [{ kind: "change", ...PAGE_THREAD, providerMessageId: "<MESSAGE_ID>", change: { type: "edit", parts: [{ type: "text", text: "<TEXT>" }], metadata: { num_edit: 1 } }, occurredAt: 1_458_668_856_463 }],
    });
  });
});

describe("messenger other events", () => {
  it("echoes of our own sends yield nothing", async () => {
    expect(await parse(event({ sender: { id: "PAGE" }, recipient: { id: "PSID" }, message: { mid: "m_echo", is_echo: true, app_id: 1517776481860111, text: "our reply" } }))).toEqual({ items: [] });
  });

  it("attachments: legacy locations, links as cards, reels as videos, product templates as products, anything else unsupported", async () => {
    const { items } = await parse(
      event({
        message: {
          mid: "m_2",
          attachments: [
            { type: "location", payload: { coordinates: { lat: 52.52, long: 13.405 } }, title: "Pin" },
            { type: "fallback", payload: { url: "https://example.com/article", title: "An article" } },
            { type: "fallback", url: "https://example.com/bare" },
            { type: "reel", payload: { url: "https://lookaside.fbsbx.com/reel.mp4", reel_video_id: 1234, title: "Look" } },
            { type: "template", payload: { product: { elements: [{ id: "3141", retailer_id: "SKU-1", title: "Blue shoe" }] } } },
            { type: "file", payload: { url: "https://cdn.test/r.pdf", title: "r.pdf" } },
            { type: "image", payload: { url: "https://cdn.test/sticker.png", sticker_id: 369239263222822 } },
            { type: "video" },
            { type: "poll", payload: { url: "https://example.com/poll" } },
          ],
        },
      }),
    );
    expect(items[0]).toMatchObject({
      parts: [
        { type: "location", latitude: 52.52, longitude: 13.405, name: "Pin" },
        { type: "card", title: "An article", buttons: [{ label: "Open", url: "https://example.com/article" }] },
        { type: "card", title: "https://example.com/bare", buttons: [{ label: "Open", url: "https://example.com/bare" }] },
        { type: "video", url: "https://lookaside.fbsbx.com/reel.mp4" },
        { type: "product", product_id: "SKU-1", title: "Blue shoe" },
        { type: "file", url: "https://cdn.test/r.pdf", name: "r.pdf" },
        { type: "image", url: "https://cdn.test/sticker.png" },
        { type: "unsupported", provider_type: "video" },
        { type: "unsupported", provider_type: "poll", description: "https://example.com/poll" },
      ],
      metadata: { reels: [{ type: "reel", id: "1234", title: "Look" }], stickers: ["369239263222822"] },
    });
    expect(JSON.stringify(items)).not.toMatch(/"text":"\(/);
  });

  it("a message with nothing in it is still said to have arrived", async () => {
    expect(await parse(event({ message: { mid: "m_3" } }))).toMatchObject({ items: [{ parts: [{ type: "unsupported", provider_type: "message" }] }] });
  });

  it("malformed → 400 / 422", async () => {
    expect(await statusOf(parse("]"))).toBe(400);
    expect(await statusOf(parse(JSON.stringify({ object: "instagram", entry: [] })))).toBe(422);
    expect(await statusOf(parse(event({ message: { text: "no mid" } })))).toBe(422);
  });
});

describe("messenger recipient check", () => {
  const pinned = MessengerConfig.parse({ ...config, page_id: "682498302938465" });
  const parsePinned = (body: string) => adapter.parse(req(body), pinned);

  it("with page_id set, only that Page's deliveries are accepted", async () => {
    const to = (entry: string, recipient: string) =>
      JSON.stringify({ object: "page", entry: [{ id: entry, messaging: [{ sender: { id: "PSID" }, recipient: { id: recipient }, timestamp: 1458692752478, message: { mid: "m_1", text: "hi" } }] }] });
    expect((await parsePinned(to("682498302938465", "682498302938465"))).items).toHaveLength(1);
    await rejects(parsePinned(to("111", "682498302938465")), 403);
    await rejects(parsePinned(to("682498302938465", "111")), 403);
    await rejects(parsePinned(textFixture), 403);
  });

  it("an echo's recipient is the customer and does not trip the check; without page_id every Page is accepted", async () => {
    const echo = JSON.stringify({ object: "page", entry: [{ id: "682498302938465", messaging: [{ sender: { id: "682498302938465" }, recipient: { id: "PSID" }, message: { mid: "m_echo", is_echo: true, text: "ours" } }] }] });
    expect(await parsePinned(echo)).toEqual({ items: [] });
    expect((await parse(textFixture)).items).toHaveLength(1);
  });

  it("page_id must be a Page id", () => {
    expect(MessengerConfig.safeParse({ ...config, page_id: "<PAGE_ID>" }).success).toBe(false);
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
