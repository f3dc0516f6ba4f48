/// <reference types="vite/client" />
import fc from "fast-check";
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContentPart } from "../../shared/message";
import { ChannelError } from "../../workers/channels/adapter";
import type { InboundRequest, OutboundReply, ParseResult } from "../../workers/channels/adapter";
import { instagramAdapter as adapter } from "../../workers/channels/instagram";
import { MessagingConfig } from "../../workers/channels/messenger";
import attachmentFixture from "../fixtures/instagram/attachment.json?raw";
import postbackFixture from "../fixtures/instagram/postback.json?raw";
import seenFixture from "../fixtures/instagram/seen.json?raw";
import textFixture from "../fixtures/instagram/text.json?raw";
import { signInstagram } from "../signers/instagram";

const config = MessagingConfig.parse({ app_secret: "ig-app-secret", verify_token: "edgedesk-verify", access_token: "IGQtoken", api_base: "https://graph.test/v21.0" });
const HOOK = "https://edge.test/webhooks/instagram/ten_1";
const NOW = 1_750_000_000_000;
const FIXTURES = [textFixture, attachmentFixture, seenFixture, postbackFixture];
const THREAD = { externalThreadId: "IGID:IGSID", contact: { externalId: "IGSID" } };

function req(body: string | Uint8Array, headers?: Record<string, string>, method = "POST", url = HOOK): InboundRequest {
  const rawBody = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return { method, url, headers: new Headers(headers ?? (typeof body === "string" ? signInstagram(body, config, url, NOW) : {})), rawBody };
}

async function statusOf(p: Promise<unknown>): Promise<number | "ok"> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof ChannelError) return e.status;
    throw e;
  }
}

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

describe("instagram parse never crashes", () => {
  const paths = (v: unknown, at: (string | number)[] = []): (string | number)[][] =>
    v && typeof v === "object" ? [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, Array.isArray(v) ? Number(k) : k]))] : [at];
  const put = (v: unknown, path: (string | number)[], x: unknown): unknown => {
    if (path.length === 0) return x;
    const copy = (v && typeof v === "object" ? structuredClone(v) : {}) as Record<string | number, unknown>;
    const [head, ...rest] = path as [string | number, ...(string | number)[]];
    copy[head] = put(copy[head], rest, x);
    return copy;
  };
  // Values that have tripped parsers before: prototype keys, lone surrogates, empty strings, known type names.
  const leaf = fc.oneof(fc.jsonValue(), fc.constantFrom("toString", "__proto__", "\ud800", "", "https://x.test/a", "image", "text", "message", "postback", -1, 1e300, null, {}, []));
  const mutated = fc.constantFrom(...FIXTURES.map((f) => JSON.parse(f) as unknown)).chain((doc) =>
    fc
      .array(fc.tuple(fc.constantFrom(...paths(doc)), leaf), { minLength: 1, maxLength: 3 })
      .map((edits) => JSON.stringify(edits.reduce((d, [path, x]) => put(d, path, x), doc))),
  );
  const wellFormed = (r: ParseResult) =>
    r.items.every((i) => i.kind === "status" || (i.parts.length > 0 && i.parts.every((p) => ContentPart.safeParse(p).success)));

  it("any bytes, any JSON, any mutation of a documented payload → a well-formed result or a 400/422", async () => {
    const body = fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.json().map((s) => new TextEncoder().encode(s)), mutated.map((s) => new TextEncoder().encode(s)));
    await fc.assert(
      fc.asyncProperty(body, async (bytes) => {
        try {
          expect(wellFormed(await adapter.parse(req(bytes, {}), config))).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(ChannelError);
          expect([400, 422]).toContain((e as ChannelError).status);
        }
      }),
      { numRuns: 500 },
    );
  });
});
