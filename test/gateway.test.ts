import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import worker from "../workers/index";
import { call, ok, tenant, text } from "./helpers";
import { signStandardWebhook } from "../shared/standard-webhooks";
import { threadConversationId } from "../workers/channels/ingest";
import { OUTBOUND_MAX_RETRIES } from "../workers/consumers/outbound";
import type { OutboundJob } from "../shared/outbound";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OUTBOUND_URL = "https://integrator.example/edgedesk";

async function apiTenant() {
  const t = await tenant();
  const put = await ok(call("/v1/channels/api", { method: "PUT", auth: t.key, json: { config: { secret: SECRET, outbound_url: OUTBOUND_URL } } }));
  return { ...t, put };
}

async function deliver(tenantId: string, body: unknown, opts: { secret?: string; ts?: number; drop?: string; raw?: string } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  const id = `msg_${crypto.randomUUID()}`;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(ts),
    "webhook-signature": await signStandardWebhook(opts.secret ?? SECRET, id, ts, raw),
  };
  if (opts.drop) delete headers[opts.drop];
  return call(`/webhooks/${tenantId}/api`, { method: "POST", body: raw, headers });
}

const inbound = (thread: string, messageId: string, t = "hello from the API") => ({
  thread_id: thread,
  message_id: messageId,
  contact: { external_id: "user-42", name: "Grace", email: "grace@example.com" },
  parts: text(t),
});

async function messagesOf(key: string, tenantId: string, thread: string) {
  const id = await threadConversationId(tenantId, "api", thread);
  const r = await call(`/v1/conversations/${id}/messages`, { auth: key });
  return { id, status: r.status, data: r.status === 200 ? ((await r.json()) as { data: { seq: number; id: string; delivery?: { status: string; reason?: string }; parts: unknown }[] }).data : [] };
}

afterEach(() => vi.restoreAllMocks());

describe("channel configuration", () => {
  it("stores credentials encrypted and never returns them", async () => {
    const t = await apiTenant();
    expect(t.put.config).toEqual({ secret: "••••", outbound_url: "••••" });
    expect(t.put.webhook_url).toMatch(new RegExp(`/webhooks/${t.id}/api$`));
    const row = await env.DB.prepare("SELECT config_ciphertext FROM channels WHERE tenant_id = ?").bind(t.id).first<{ config_ciphertext: string }>();
    expect(row!.config_ciphertext).not.toContain("MfKQ9r8");
    expect(row!.config_ciphertext).not.toContain("integrator");
    const listed = JSON.stringify(await ok(call("/v1/channels", { auth: t.key })));
    expect(listed).not.toContain("MfKQ9r8");
  });

  it("rejects a configuration the adapter cannot use, with the field named", async () => {
    const t = await tenant();
    const r = await call("/v1/channels/api", { method: "PUT", auth: t.key, json: { config: { secret: "plain", outbound_url: "ftp://x" } } });
    expect(r.status).toBe(422);
    const p = (await r.json()) as { errors: { field: string }[] };
    expect(p.errors.map((e) => e.field).sort()).toEqual(["config.outbound_url", "config.secret"]);
  });
});

describe("inbound webhooks", () => {
  it("stores a signed delivery once, in the thread's conversation, even when the provider retries", async () => {
    const t = await apiTenant();
    expect((await deliver(t.id, inbound("th-1", "p-1"))).status).toBe(200);
    expect((await deliver(t.id, inbound("th-1", "p-1"))).status).toBe(200);
    expect((await deliver(t.id, inbound("th-1", "p-2", "second"))).status).toBe(200);
    const { id, data } = await messagesOf(t.key, t.id, "th-1");
    expect(data.map((m) => m.parts)).toEqual([text("hello from the API"), text("second")]);
    const conv = await ok(call(`/v1/conversations/${id}`, { auth: t.key }));
    // Nobody but a person can answer yet, so the customer's message put the conversation in the queue.
    expect(conv).toMatchObject({ channel: "api", external_thread_id: "th-1", status: "queued" });
  });

  it("links the same customer across channels to one contact by e-mail", async () => {
    const t = await apiTenant();
    const first = await ok(call("/v1/conversations", { method: "POST", auth: t.key, json: { channel: "api", contact: { name: "Grace", email: "grace@example.com" } } }), 201);
    await deliver(t.id, inbound("th-link", "p-1"));
    const viaWebhook = await threadConversationId(t.id, "api", "th-link");
    await vi.waitFor(
      async () => {
        const contact = await ok(call(`/v1/contacts/${first.contact_id}`, { auth: t.key }));
        expect(contact.identities).toEqual([{ channel: "api", external_id: "user-42" }]);
        expect(contact.conversations.map((c: { id: string }) => c.id).sort()).toEqual([first.id, viaWebhook].sort());
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it("answers 401 and stores nothing for a bad signature, a stale timestamp or a missing header", async () => {
    const t = await apiTenant();
    const body = inbound("th-bad", "p-1");
    for (const r of [
      await deliver(t.id, body, { secret: "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }),
      await deliver(t.id, body, { ts: Math.floor(Date.now() / 1000) - 600 }),
      await deliver(t.id, body, { drop: "webhook-signature" }),
    ]) {
      expect(r.status).toBe(401);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await messagesOf(t.key, t.id, "th-bad")).status).toBe(404);
  });

  it("answers 400 for unparsable and 422 for ill-shaped bodies, storing nothing", async () => {
    const t = await apiTenant();
    expect((await deliver(t.id, null, { raw: "{nope" })).status).toBe(400);
    expect((await deliver(t.id, { thread_id: "th-x", message_id: "p", contact: {}, parts: [] })).status).toBe(422);
    expect((await messagesOf(t.key, t.id, "th-x")).status).toBe(404);
  });

  it("answers 404 unsupported channel for unknown or unconfigured channels", async () => {
    const t = await tenant();
    for (const path of [`/webhooks/${t.id}/myspace`, `/webhooks/${t.id}/telegram`, `/webhooks/${t.id}/custom:nothing`]) {
      const r = await call(path, { method: "POST", json: {} });
      expect(r.status).toBe(404);
      expect(((await r.json()) as { title: string }).title).toBe("unsupported channel");
    }
  });

  it("buffers verified work in the inbound queue when the conversation cannot take it, and applies it later", async () => {
    const t = await apiTenant();
    const sent: unknown[] = [];
    const send = env.INBOUND.send.bind(env.INBOUND);
    vi.spyOn(env.INBOUND, "send").mockImplementation(async (body, opts) => {
      sent.push(body);
      return send({ probe: true }, opts);
    });
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName(`${t.id}:${await threadConversationId(t.id, "api", "th-busy")}`));
    // Simulate an overloaded object: the RPC fails the way an overloaded Durable Object does.
    vi.spyOn(env.CONVERSATION, "get").mockReturnValue(Object.assign(Object.create(stub), { ingest: () => Promise.reject(new Error("Durable Object is overloaded")) }));
    expect((await deliver(t.id, inbound("th-busy", "p-1"))).status).toBe(200);
    vi.mocked(env.CONVERSATION.get).mockRestore();
    expect(sent).toHaveLength(1);
    expect((await messagesOf(t.key, t.id, "th-busy")).status).toBe(404);
    const batch = createMessageBatch("edgedesk-inbound", [{ id: "b1", timestamp: new Date(), attempts: 1, body: sent[0] }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["b1"]);
    expect((await messagesOf(t.key, t.id, "th-busy")).data.map((m) => m.parts)).toEqual([text("hello from the API")]);
  });
});

describe("outbound replies", () => {
  async function replyJob(t: Awaited<ReturnType<typeof apiTenant>>, thread: string) {
    await deliver(t.id, inbound(thread, "p-1"));
    const conversationId = await threadConversationId(t.id, "api", thread);
    const reply = await ok(call(`/v1/conversations/${conversationId}/messages`, { method: "POST", auth: t.agentToken, json: { client_msg_id: crypto.randomUUID(), parts: text("we are on it") } }), 201);
    expect(reply.delivery).toEqual({ status: "pending" });
    const job: OutboundJob = { tenant_id: t.id, conversation_id: conversationId, channel: "api", external_thread_id: thread, message: reply, in_reply_to: "p-1", references: ["p-1"], thread_context: {} };
    return { job, conversationId, messageId: reply.id as string };
  }

  async function runOutbound(job: OutboundJob, attempts: number) {
    const batch = createMessageBatch("edgedesk-outbound", [{ id: "o1", timestamp: new Date(), attempts, body: job }]);
    // The test harness records that a message was retried, not its delay, so the call itself is observed.
    const retry = vi.spyOn(batch.messages[0]!, "retry");
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    return { ...(await getQueueResult(batch, ctx)), retryCalls: retry.mock.calls };
  }

  const deliveryOf = async (key: string, conversationId: string, messageId: string) =>
    ((await ok(call(`/v1/conversations/${conversationId}/messages`, { auth: key }))).data as { id: string; delivery?: { status: string; reason?: string } }[]).find((m) => m.id === messageId)!.delivery;

  it("delivers a signed request to the provider and marks the message sent", async () => {
    const t = await apiTenant();
    const calls: Request[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      calls.push(new Request(input, init));
      return Response.json({ message_id: "ext-77" });
    });
    const { job, conversationId, messageId } = await replyJob(t, "th-out");
    const result = await runOutbound(job, 1);
    expect(result.explicitAcks).toEqual(["o1"]);
    const req = calls.find((r) => r.url === OUTBOUND_URL)!;
    expect(req.headers.get("webhook-signature")).toMatch(/^v1,/);
    expect(await req.json()).toMatchObject({ thread_id: "th-out", message_id: messageId, parts: text("we are on it") });
    expect(await deliveryOf(t.key, conversationId, messageId)).toMatchObject({ status: "sent" });
  });

  it("retries a provider failure with backoff, then succeeds", async () => {
    const t = await apiTenant();
    let fail = true;
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => (fail ? new Response("unavailable", { status: 503 }) : Response.json({ id: "ext-1" })));
    const { job, conversationId, messageId } = await replyJob(t, "th-retry");
    const first = await runOutbound(job, 1);
    expect(first.retryCalls).toEqual([[{ delaySeconds: 10 }]]);
    const second = await runOutbound(job, 2);
    expect(second.retryCalls).toEqual([[{ delaySeconds: 20 }]]);
    fail = false;
    expect((await runOutbound(job, 3)).explicitAcks).toEqual(["o1"]);
    expect(await deliveryOf(t.key, conversationId, messageId)).toMatchObject({ status: "sent" });
  });

  it("after the last retry marks the message failed with the reason and sends the job to the dead-letter queue", async () => {
    const t = await apiTenant();
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("still down", { status: 502 }));
    const { job, conversationId, messageId } = await replyJob(t, "th-dead");
    const last = await runOutbound(job, OUTBOUND_MAX_RETRIES + 1);
    expect(last.retryMessages.map((m) => m.msgId)).toEqual(["o1"]);
    expect(last.retryCalls).toEqual([[]]);
    expect(await deliveryOf(t.key, conversationId, messageId)).toMatchObject({ status: "failed", reason: expect.stringContaining("HTTP 502") });
  });

  it("a provider's status callback moves the delivery forward, never backwards", async () => {
    const t = await apiTenant();
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => Response.json({ message_id: "ext-9" }));
    const { job, conversationId, messageId } = await replyJob(t, "th-status");
    await runOutbound(job, 1);
    await deliver(t.id, { thread_id: "th-status", status: { message_id: "ext-9", status: "read" } });
    await deliver(t.id, { thread_id: "th-status", status: { message_id: "ext-9", status: "delivered" } });
    expect(await deliveryOf(t.key, conversationId, messageId)).toMatchObject({ status: "read" });
  });
});
