/// <reference types="vite/client" />
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContentPart } from "../../shared/message";
import type { OutboundReply } from "../../workers/channels/adapter";
import { instagramAdapter as adapter, InstagramConfig } from "../../workers/channels/instagram";
import attachmentFixture from "../fixtures/instagram/attachment.json?raw";
import deletedFixture from "../fixtures/instagram/deleted.json?raw";
import postbackFixture from "../fixtures/instagram/postback.json?raw";
import quickReplyFixture from "../fixtures/instagram/quick_reply.json?raw";
import reactionFixture from "../fixtures/instagram/reaction.json?raw";
import reelFixture from "../fixtures/instagram/reel.json?raw";
import seenFixture from "../fixtures/instagram/seen.json?raw";
import shareFixture from "../fixtures/instagram/share.json?raw";
import storyMentionFixture from "../fixtures/instagram/story_mention.json?raw";
import storyReplyFixture from "../fixtures/instagram/story_reply.json?raw";
import textFixture from "../fixtures/instagram/text.json?raw";
import unreactFixture from "../fixtures/instagram/unreact.json?raw";
import unsupportedFixture from "../fixtures/instagram/unsupported.json?raw";
import { signInstagram } from "../signers/instagram";
import { parseNeverCrashes } from "./never-crashes";
import { rejects, statusOf, webhookRequests } from "./support";

const config = InstagramConfig.parse({ app_secret: "ig-app-secret", verify_token: "edgedesk-verify", access_token: "IGQtoken", api_base: "https://graph.test/v21.0" });
const HOOK = "https://edge.test/webhooks/instagram/ten_1";
const NOW = 1_750_000_000_000;
const FIXTURES = [
  textFixture,
  attachmentFixture,
  seenFixture,
  postbackFixture,
  deletedFixture,
  quickReplyFixture,
  reactionFixture,
  reelFixture,
  shareFixture,
  storyMentionFixture,
  storyReplyFixture,
  unreactFixture,
  unsupportedFixture,
];
const AT = { occurredAt: 1_569_262_485_349 };
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

  it("icebreaker postback: a choice, the payload its value and the title its label", async () => {
    expect(await parse(postbackFixture)).toEqual({
      items: [
        {
          kind: "message",
          ...THREAD,
          providerMessageId: "MESSAGE-ID",
          parts: [{ type: "choice", value: "CUSTOMER-RESPONSE-PAYLOAD", label: "SELECTED-ICEBREAKER-REPLY-OR-CTA-BUTTON" }],
          metadata: {},
          occurredAt: 1_569_262_485_349,
        },
      ],
    });
  });

  it("quick reply: the text and the choice", async () => {
    expect((await parse(quickReplyFixture)).items).toEqual([
      {
        kind: "message",
        ...THREAD,
        providerMessageId: "MESSAGE-ID",
        parts: [
          { type: "text", text: "MESSAGE-TEXT" },
          { type: "choice", value: "CUSTOMER-RESPONSE-PAYLOAD", label: "MESSAGE-TEXT" },
        ],
        metadata: {},
        ...AT,
      },
    ]);
  });

  it("reactions: react sets the customer's one reaction on the message, unreact removes it", async () => {
    const reaction = (emoji: string | null) => ({ kind: "change", ...THREAD, providerMessageId: "MESSAGE-ID", change: { type: "reaction", emoji, replace: true }, ...AT });
    expect((await parse(reactionFixture)).items).toEqual([reaction("❤️")]);
    expect((await parse(unreactFixture)).items).toEqual([reaction(null)]);
  });

  it("an unsent message is a retraction of it", async () => {
    expect((await parse(deletedFixture)).items).toEqual([{ kind: "change", ...THREAD, providerMessageId: "MESSAGE-ID", change: { type: "retract" }, ...AT }]);
  });

  it("a reel is a video; a share a card to open; a story mention a card to the story", async () => {
    expect((await parse(reelFixture)).items).toMatchObject([
      { parts: [{ type: "video", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17900532154071430" }], metadata: { reels: [{ type: "ig_reel", id: "17900532154071430", title: "REEL-CAPTION" }] } },
    ]);
    expect((await parse(shareFixture)).items).toMatchObject([
      { parts: [{ type: "card", buttons: [{ label: "Open", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17876532154071430" }] }] },
    ]);
    expect((await parse(storyMentionFixture)).items).toMatchObject([
      { parts: [{ type: "card", title: "Instagram story mention", buttons: [{ label: "View story", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17895695668004550" }] }] },
    ]);
  });

  it("a story reply: the text, with the story it answers in metadata", async () => {
    expect((await parse(storyReplyFixture)).items).toEqual([
      {
        kind: "message",
        ...THREAD,
        providerMessageId: "MESSAGE-ID",
        parts: [{ type: "text", text: "MESSAGE-TEXT" }],
        metadata: { reply_to_story: { id: "STORY-ID", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17895695668004550" } },
        ...AT,
      },
    ]);
  });

  it("content Instagram does not deliver (GIFs, stickers) is an unsupported part, not silence", async () => {
    expect((await parse(unsupportedFixture)).items).toMatchObject([{ kind: "message", parts: [{ type: "unsupported", provider_type: "instagram_unsupported" }] }]);
  });

  it("a Messenger (object: page) payload is the wrong shape here → 422; garbage → 400", async () => {
    expect(await statusOf(parse(JSON.stringify({ object: "page", entry: [] })))).toBe(422);
    expect(await statusOf(parse("\u0000"))).toBe(400);
  });
});

describe("instagram recipient check", () => {
  it("with ig_account_id set, deliveries for any other account are refused with 403", async () => {
    const pinned = InstagramConfig.parse({ ...config, ig_account_id: "17841405822304914" });
    const ours = textFixture.replaceAll('"IGID"', '"17841405822304914"');
    expect((await adapter.parse(req(ours), pinned)).items).toHaveLength(1);
    await rejects(adapter.parse(req(textFixture.replaceAll('"IGID"', '"17841400000000000"')), pinned), 403);
    await rejects(adapter.parse(req(ours.replace('"recipient": { "id": "17841405822304914" }', '"recipient": { "id": "1" }')), pinned), 403);
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
