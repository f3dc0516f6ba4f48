/// <reference types="vite/client" />
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InboundRequest, OutboundReply } from "../../workers/channels/adapter";
import { apiAdapter } from "../../workers/channels/api";
import type { ApiConfig } from "../../workers/channels/api";
import { signStandardWebhook, verifyStandardWebhook, webhookKey } from "../../shared/standard-webhooks";
import messageMedia from "../fixtures/api/message-media.json?raw";
import messageText from "../fixtures/api/message-text.json?raw";
import statusFailed from "../fixtures/api/status-failed.json?raw";
import vectorBody from "../fixtures/api/standard-webhooks-vector.json?raw";
import senderEvents from "../fixtures/api/standard-webhooks-events.json?raw";
import { standardWebhookHeaders, standardWebhookSignature } from "../signers/api";
import { parseNeverCrashes } from "./never-crashes";
import { rejects } from "./support";

// The Standard Webhooks test vector (reference libraries' tests).
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS = 1614265330;
const EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const NOW = 1_700_000_000_000;
const config: ApiConfig = apiAdapter.config.parse({ secret: SECRET, outbound_url: "https://hooks.integrator.stub/edgedesk" });

function signed(body: string, headers = standardWebhookHeaders(SECRET, body, NOW, "msg_1")): InboundRequest {
  return { method: "POST", url: "https://edge.example/webhooks/api/ten_1", headers: new Headers(headers), rawBody: new TextEncoder().encode(body) };
}

describe("Standard Webhooks", () => {
  it("reproduces the published test vector", async () => {
    expect(vectorBody).toBe('{"test": 2432232314}');
    expect(await signStandardWebhook(SECRET, MSG_ID, TS, vectorBody)).toBe(EXPECTED);
    expect(standardWebhookSignature(SECRET, MSG_ID, TS, vectorBody)).toBe(EXPECTED);
    expect(await signStandardWebhook(SECRET, MSG_ID, TS, new TextEncoder().encode(vectorBody))).toBe(EXPECTED);
  });

  it("verifies the vector, also inside a rotated signature list, within the tolerance only", async () => {
    const headers = (signature: string) => ({ id: MSG_ID, timestamp: String(TS), signature });
    expect(await verifyStandardWebhook(SECRET, headers(EXPECTED), vectorBody, TS * 1000)).toEqual({ ok: true });
    expect(await verifyStandardWebhook(SECRET, headers(`v1,bm9wZQ== ${EXPECTED}`), vectorBody, TS * 1000 + 299_000)).toEqual({ ok: true });
    expect((await verifyStandardWebhook(SECRET, headers(EXPECTED), vectorBody, TS * 1000 + 301_000)).ok).toBe(false);
    expect((await verifyStandardWebhook(SECRET, headers(EXPECTED), vectorBody, TS * 1000 - 301_000)).ok).toBe(false);
    expect((await verifyStandardWebhook(SECRET, headers("v1,g0hM9SsE+OTPJTGt/tMIKtSyZlE3uFJELVlNIOLJ1OE="), vectorBody, TS * 1000)).ok).toBe(false);
    expect((await verifyStandardWebhook(SECRET, headers(EXPECTED.replace("v1,", "v2,")), vectorBody, TS * 1000)).ok).toBe(false);
    expect((await verifyStandardWebhook(SECRET, headers(EXPECTED), `${vectorBody} `, TS * 1000)).ok).toBe(false);
    expect((await verifyStandardWebhook(SECRET, { id: MSG_ID, timestamp: "1614265330.5", signature: EXPECTED }, vectorBody, TS * 1000)).ok).toBe(false);
    expect((await verifyStandardWebhook(SECRET, { id: null, timestamp: String(TS), signature: EXPECTED }, vectorBody, TS * 1000)).ok).toBe(false);
  });

  it("matches node:crypto for any id, time and body", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 4_000_000_000 }), fc.string(), async (id, ts, body) => {
        expect(await signStandardWebhook(SECRET, id, ts, body)).toBe(standardWebhookSignature(SECRET, id, ts, body));
      }),
    );
  });

  it("rejects secrets that are not base64", () => {
    expect(() => webhookKey("whsec_not base64!")).toThrow(TypeError);
    expect(apiAdapter.config.safeParse({ secret: "whsec_c2hvcnQ=", outbound_url: "https://x.example" }).success).toBe(false);
  });
});

describe("API channel verify", () => {
  it("accepts a signed request and refuses bad, stale or missing signatures with 401", async () => {
    await expect(apiAdapter.verify(signed(messageText), config, NOW)).resolves.toBeUndefined();
    await rejects(apiAdapter.verify(signed(messageText), config, NOW + 5 * 60_000 + 1_000), 401);
    const otherSecret = `whsec_${btoa("another secret, 24 bytes")}`;
    await rejects(apiAdapter.verify(signed(messageText, standardWebhookHeaders(otherSecret, messageText, NOW)), config, NOW), 401);
    await rejects(apiAdapter.verify({ ...signed(messageText), rawBody: new TextEncoder().encode(messageText.replace("1234", "1235")) }, config, NOW), 401);
    await rejects(apiAdapter.verify(signed(messageText, { "content-type": "application/json" }), config, NOW), 401);
  });
});

describe("API channel fixtures", () => {
  it("a text message with contact details; unknown fields are ignored", async () => {
    expect(await apiAdapter.parse(signed(messageText), config)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "order-1234",
          providerMessageId: "msg_2mXb1Q9",
          contact: { externalId: "cust_881", name: "Sam Lee", email: "sam@customer.example", phone: "+15558675310" },
          parts: [{ type: "text", text: "Where is my order #1234?" }],
          metadata: { order_id: "1234", source: "mobile-app" },
        },
      ],
    });
  });

  it("media and location parts pass through", async () => {
    expect((await apiAdapter.parse(signed(messageMedia), config)).items).toEqual([
      {
        kind: "message",
        externalThreadId: "order-1234",
        providerMessageId: "msg_2mXb1R0",
        contact: { externalId: "cust_881" },
        parts: [
          { type: "image", url: "https://cdn.customer.example/u/881/box.jpg", mime_type: "image/jpeg", caption: "the box" },
          { type: "location", latitude: 52.52, longitude: 13.405, name: "Drop-off point" },
        ],
        metadata: {},
      },
    ]);
  });

  it("a failed-delivery status", async () => {
    expect((await apiAdapter.parse(signed(statusFailed), config)).items).toEqual([
      { kind: "status", providerMessageId: "rep_01J9ZK", status: "failed", reason: "recipient blocked the app", externalThreadId: "order-1234" },
    ]);
  });

  it("malformed JSON is 400; the wrong shape is 422", async () => {
    await rejects(apiAdapter.parse(signed("{oops"), config), 400);
    await rejects(apiAdapter.parse(signed(vectorBody), config), 422);
    await rejects(apiAdapter.parse(signed(JSON.stringify({ ...JSON.parse(messageText), parts: [] })), config), 422);
    await rejects(apiAdapter.parse(signed(JSON.stringify({ ...JSON.parse(messageText), parts: [{ type: "image", url: "javascript:alert(1)" }] })), config), 422);
    await rejects(apiAdapter.parse(signed('{"status":{"message_id":"x","status":"exploded"}}'), config), 422);
  });
});

describe("API channel send", () => {
  const reply: OutboundReply = {
    messageId: "msg_out_1",
    externalThreadId: "order-1234",
    inReplyTo: "msg_2mXb1Q9",
    parts: [{ type: "text", text: "It ships today." }],
    metadata: { agent: "Ada" },
  };

  it("posts the standard reply JSON signed with Standard Webhooks", async () => {
    const [req, ...rest] = await apiAdapter.send(reply, config);
    expect(rest).toEqual([]);
    const body = JSON.stringify({ type: "message", thread_id: "order-1234", message_id: "msg_out_1", parts: reply.parts, in_reply_to: "msg_2mXb1Q9", metadata: { agent: "Ada" } });
    const ts = Number(req!.headers["webhook-timestamp"]);
    expect(Math.abs(ts * 1000 - Date.now())).toBeLessThan(60_000);
    expect(req).toEqual({
      url: "https://hooks.integrator.stub/edgedesk",
      method: "POST",
      headers: { "content-type": "application/json", "webhook-id": "msg_out_1", "webhook-timestamp": String(ts), "webhook-signature": standardWebhookSignature(SECRET, "msg_out_1", ts, body) },
      body,
    });
    // What we send, we accept: the receiving side of the same channel verifies it.
    await expect(apiAdapter.verify(signed(req!.body, req!.headers), config, ts * 1000)).resolves.toBeUndefined();
  });

  it("sendOutcome reads the integrator's message id", () => {
    expect(apiAdapter.sendOutcome(200, '{"message_id":"ext_9"}')).toEqual({ ok: true, providerMessageId: "ext_9" });
    expect(apiAdapter.sendOutcome(202, '{"id":"ext_10"}')).toEqual({ ok: true, providerMessageId: "ext_10" });
    expect(apiAdapter.sendOutcome(204, "")).toEqual({ ok: true });
    expect(apiAdapter.sendOutcome(410, "gone")).toMatchObject({ ok: false, retryable: false });
    expect(apiAdapter.sendOutcome(429, "")).toMatchObject({ ok: false, retryable: true });
    expect(apiAdapter.sendOutcome(500, "")).toMatchObject({ ok: false, retryable: true });
  });
});

const shaped = fc.record(
  { thread_id: fc.anything(), message_id: fc.string(), contact: fc.oneof(fc.anything(), fc.record({ external_id: fc.string() })), parts: fc.array(fc.anything(), { maxLength: 3 }), status: fc.anything() },
  { requiredKeys: [] },
);

parseNeverCrashes({
  name: "API",
  adapter: apiAdapter,
  config,
  request: (bytes) => ({ ...signed(""), rawBody: bytes }),
  cases: { "on arbitrary bytes and JSON": fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.json(), shaped.map((o) => JSON.stringify(o) ?? "null")) },
});

describe("a sender with its own event shape", () => {
  const [message, contact] = JSON.parse(senderEvents) as unknown[];
  const mapped = apiAdapter.config.parse({
    secret: SECRET,
    outbound_url: "https://hooks.integrator.stub/edgedesk",
    inbound_map: {
      when: { pointer: "/type", equals: ["message.created"] },
      thread_id: "/data/chat_id",
      message_id: "/data/id",
      text: "/data/body",
      contact_id: "/data/author/id",
      contact_name: "/data/author/display_name",
      contact_email: "/data/author/email",
      sent_at: "/timestamp",
    },
  });

  it("is refused with a 422 that says how to map it when no map is configured", async () => {
    const e = await rejects(apiAdapter.parse(signed(JSON.stringify(message)), config), 422);
    expect(e.message).toMatch(/inbound_map/);
  });

  it("is mapped by inbound_map: the message event becomes a message, other event types are acknowledged and ignored", async () => {
    expect((await apiAdapter.parse(signed(JSON.stringify(message)), mapped)).items).toEqual([
      {
        kind: "message",
        externalThreadId: "chat_481",
        providerMessageId: "m_7H2kq",
        contact: { externalId: "u_19", name: "Grace Hopper", email: "grace@example.com" },
        parts: [{ type: "text", text: "Is my order 1234 shipped yet?" }],
        metadata: {},
        occurredAt: Date.parse("2022-11-03T20:26:10.344Z"),
      },
    ]);
    expect((await apiAdapter.parse(signed(JSON.stringify(contact)), mapped)).items).toEqual([]);
  });

  it("edgedesk's own shape still works beside a map", async () => {
    expect((await apiAdapter.parse(signed(messageText), mapped)).items).toHaveLength(1);
  });
});
