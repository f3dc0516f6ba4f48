/// <reference types="vite/client" />
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContentPart } from "../../shared/message";
import type { OutboundReply } from "../../workers/channels/adapter";
import { instagramAdapter as adapter } from "../../workers/channels/instagram";
import { MessagingConfig } from "../../workers/channels/messenger";
import attachmentFixture from "../fixtures/instagram/attachment.json?raw";
import postbackFixture from "../fixtures/instagram/postback.json?raw";
import seenFixture from "../fixtures/instagram/seen.json?raw";
import textFixture from "../fixtures/instagram/text.json?raw";
import { signInstagram } from "../signers/instagram";
import { parseNeverCrashes } from "./never-crashes";
import { statusOf, webhookRequests } from "./support";

const config = MessagingConfig.parse({ app_secret: "ig-app-secret", verify_token: "edgedesk-verify", access_token: "IGQtoken", api_base: "https://graph.test/v21.0" });
const HOOK = "https://edge.test/webhooks/instagram/ten_1";
const NOW = 1_750_000_000_000;
const FIXTURES = [textFixture, attachmentFixture, seenFixture, postbackFixture];
const THREAD = { externalThreadId: "IGID:IGSID", contact: { externalId: "IGSID" } };

const req = webhookRequests(signInstagram, config, HOOK, NOW);

const parse = (body: string) => adapter.parse(req(body), config);
const reply = (parts: ContentPart[]): OutboundReply => ({ messageId: "msg_1", externalThreadId: "IGID:IGSID", parts, metadata: {} });

describe("instagram handshake and signature", () => {
  it("answers the hub challenge; a wrong token is 403", async () => {
    const get = (q: string) => req("", {}, "GET", `${HOOK}?${q}`);
    expect(await adapter.handshake!(get("hub.mode=subscribe&hub.verify_token=edgedesk-verify&hub.challenge=42"), config, NOW)).toEqual({ status: 200, contentType: "text/plain", body: "42" });
    expect(await statusOf(adapter.handshake!(get("hub.mode=subscribe&hub.verify_token=x&hub.challenge=42"), config, NOW))).toBe(403);
  });

  it("verifies X-Hub-Signature-256 against node:crypto; missing or wrong → 401", async () => {
    for (const body of FIXTURES) {
      const header = `sha256=${createHmac("sha256", config.app_secret).update(body).digest("hex")}`;
      expect(await statusOf(adapter.verify(req(body, { "x-hub-signature-256": header }), config, NOW))).toBe("ok");
    }
    expect(await statusOf(adapter.verify(req(textFixture, {}), config, NOW))).toBe(401);
    expect(await statusOf(adapter.verify(req(textFixture, signInstagram(textFixture, { app_secret: "other" }, HOOK, NOW)), config, NOW))).toBe(401);
  });
});

describe("instagram documented payloads", () => {
  it("text message", async () => {
    expect(await parse(textFixture)).toEqual({
      items: [{ kind: "message", ...THREAD, providerMessageId: "MESSAGE-ID", parts: [{ type: "text", text: "MESSAGE-TEXT" }], metadata: {}, occurredAt: 1_569_262_485_349 }],
    });
  });

  it("image attachment", async () => {
    expect(await parse(attachmentFixture)).toEqual({
      items: [
        {
          kind: "message",
          ...THREAD,
          providerMessageId: "MESSAGE-ID",
          parts: [{ type: "image", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17895695668004550" }],
          metadata: {},
          occurredAt: 1_569_262_485_349,
        },
      ],
    });
  });

  it("messaging_seen names the message read", async () => {
    expect(await parse(seenFixture)).toEqual({
      items: [{ kind: "status", providerMessageId: "MESSAGE-ID", status: "read", externalThreadId: "IGID:IGSID", occurredAt: 1_569_262_485_349 }],
    });
  });

  it("icebreaker postback: title as text, payload in metadata", async () => {
    expect(await parse(postbackFixture)).toEqual({
      items: [
        {
          kind: "message",
          ...THREAD,
          providerMessageId: "MESSAGE-ID",
          parts: [{ type: "text", text: "SELECTED-ICEBREAKER-REPLY-OR-CTA-BUTTON" }],
          metadata: { payload: "CUSTOMER-RESPONSE-PAYLOAD" },
          occurredAt: 1_569_262_485_349,
        },
      ],
    });
  });

  it("a Messenger (object: page) payload is the wrong shape here → 422; garbage → 400", async () => {
    expect(await statusOf(parse(JSON.stringify({ object: "page", entry: [] })))).toBe(422);
    expect(await statusOf(parse("\u0000"))).toBe(400);
  });
});

describe("instagram send", () => {
  it("POSTs to /me/messages without messaging_type; files go as links", async () => {
    const requests = await adapter.send(reply([{ type: "text", text: "hi" }, { type: "file", url: "https://cdn.test/r.pdf", name: "r.pdf" }]), config);
    expect(requests.map((r) => [r.url, r.headers.authorization, JSON.parse(r.body)])).toEqual([
      ["https://graph.test/v21.0/me/messages", "Bearer IGQtoken", { recipient: { id: "IGSID" }, message: { text: "hi" } }],
      ["https://graph.test/v21.0/me/messages", "Bearer IGQtoken", { recipient: { id: "IGSID" }, message: { text: "r.pdf https://cdn.test/r.pdf" } }],
    ]);
  });

  it("sendOutcome: message_id, then 4xx / 429 / 5xx", () => {
    expect(adapter.sendOutcome(200, JSON.stringify({ recipient_id: "IGSID", message_id: "aWdfZAG1f" }))).toEqual({ ok: true, providerMessageId: "aWdfZAG1f" });
    expect(adapter.sendOutcome(400, JSON.stringify({ error: { code: 100 } }))).toMatchObject({ ok: false, retryable: false });
    expect(adapter.sendOutcome(429, "")).toMatchObject({ ok: false, retryable: true });
    expect(adapter.sendOutcome(502, "")).toMatchObject({ ok: false, retryable: true });
  });
});

parseNeverCrashes({
  name: "instagram",
  adapter,
  config,
  request: (bytes) => req(bytes, {}),
  fixtures: FIXTURES,
  numRuns: 500,
});
