import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Webhook } from "standardwebhooks";
import { app } from "../workers/app";
import { call, ok, tenant, until } from "./helpers";
import { conversationEvent, deliver, runQueue } from "./event-fixtures";
import type { DomainEvent } from "../shared/events";
import { webhookEventOf } from "../shared/webhooks/events";
import { MAX_ATTEMPTS } from "../shared/webhooks/policy";

/** Outgoing webhooks through the real pipeline: events consumer → webhooks queue → endpoint object → (stubbed) fetch. */

type Seen = { id: string; timestamp: string; signature: string; body: string; url: string };
const HOOK = "https://hooks.example.com/edgedesk";

/**
 * A receiver under HOOK answering by `answer`; every other fetch fails loudly. Each test's endpoints have a path of
 * their own (`hook`), so a retry left over from an earlier test is not counted here.
 */
let hook = HOOK;
function receiver(answer: (s: Seen, n: number) => number = () => 200) {
  const seen: Seen[] = [];
  const mine = (hook = `${HOOK}/${crypto.randomUUID()}`);
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    if (!req.url.startsWith("https://hooks.example.com/")) return new Response("unexpected", { status: 599 });
    if (!req.url.startsWith(mine)) return new Response("stale", { status: 200 });
    const s = { id: req.headers.get("webhook-id")!, timestamp: req.headers.get("webhook-timestamp")!, signature: req.headers.get("webhook-signature")!, body: await req.text(), url: req.url };
    seen.push(s);
    return new Response("ok", { status: answer(s, seen.length) });
  });
  return seen;
}

afterEach(() => vi.restoreAllMocks());

async function endpoint(key: string, json: Record<string, unknown> = {}) {
  return ok<{ id: string; secret: string; events: string[] }>(call("/v1/webhook-endpoints", { method: "POST", auth: key, json: { url: hook, events: ["*"], ...json } }), 201);
}

const deliveries = (key: string, id: string) => ok<{ data: { id: string; event_id: string; state: string; attempts: number; last_status: number | null }[] }>(call(`/v1/webhook-endpoints/${id}/deliveries`, { auth: key }));

let n = 0;
const events = (tenantId: string, conv: string, revs: number[]): DomainEvent[] => revs.map((r) => conversationEvent(tenantId, conv, r));
const send = (list: DomainEvent[], id = `m${++n}`) => deliver([{ id, body: { events: list } }]);

/** Moves the endpoint object's clock of retries forward: every waiting retry is due and the breaker's cooldown is over. */
async function fastForward(endpointId: string) {
  const stub = env.WEBHOOK_ENDPOINT.get(env.WEBHOOK_ENDPOINT.idFromName(endpointId));
  await runInDurableObject(stub, (_o, state) => {
    state.storage.sql.exec("UPDATE deliveries SET next_at = 0 WHERE state = 'failed'");
    state.storage.sql.exec("UPDATE endpoint SET breaker = json_set(breaker, '$.openedAt', 0)");
  });
  await runDurableObjectAlarm(stub);
}

describe("webhook endpoints API", () => {
  it("creates, lists, reads, updates and deletes; the secret is shown once", async () => {
    const t = await tenant();
    const created = await endpoint(t.key, { events: ["conversation.*", "csat.responded"], description: "CRM" });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const one = await ok(call(`/v1/webhook-endpoints/${created.id}`, { auth: t.key }));
    expect(one).toMatchObject({ id: created.id, url: hook, events: ["conversation.*", "csat.responded"], enabled: true, description: "CRM" });
    expect(JSON.stringify(one)).not.toContain(created.secret.slice(6));
    await endpoint(t.key);
    const page1 = await ok<{ data: { id: string }[]; next_cursor: string | null }>(call("/v1/webhook-endpoints?limit=1", { auth: t.key }));
    const page2 = await ok<{ data: { id: string }[]; next_cursor: string | null }>(call(`/v1/webhook-endpoints?limit=1&cursor=${page1.next_cursor}`, { auth: t.key }));
    expect(page1.data.map((e) => e.id)).toEqual([created.id]);
    expect(page2.data).toHaveLength(1);
    expect(page2.next_cursor).toBeNull();
    expect(JSON.stringify([page1, page2])).not.toContain("whsec_");
    const patched = await ok(call(`/v1/webhook-endpoints/${created.id}`, { method: "PATCH", auth: t.key, json: { events: ["message.created"], enabled: false } }));
    expect(patched).toMatchObject({ events: ["message.created"], enabled: false });
    expect(JSON.stringify(patched)).not.toContain("whsec_");
    expect((await call(`/v1/webhook-endpoints/${created.id}`, { method: "DELETE", auth: t.key })).status).toBe(204);
    expect((await call(`/v1/webhook-endpoints/${created.id}`, { auth: t.key })).status).toBe(404);
    // Another tenant's key sees nothing of it.
    const other = await tenant();
    expect((await call(`/v1/webhook-endpoints/${page2.data[0]!.id}`, { auth: other.key })).status).toBe(404);
  });

  it("refuses unknown event types and bad URLs with field-level problems", async () => {
    const t = await tenant();
    const res = await call("/v1/webhook-endpoints", { method: "POST", auth: t.key, json: { url: "ftp://x", events: ["conversation.*", "ticket.exploded", "nope.*"] } });
    expect(res.status).toBe(422);
    const problem = await res.json<{ errors: { field: string; message: string }[] }>();
    expect(problem.errors.map((e) => e.field).sort()).toEqual(["events.1", "events.2"]);
    const url = await call("/v1/webhook-endpoints", { method: "POST", auth: t.key, json: { url: "ftp://x", events: ["*"] } });
    expect(url.status).toBe(422);
    expect((await url.json<{ errors: { field: string }[] }>()).errors[0]!.field).toBe("url");
    expect((await call("/v1/webhook-endpoints", { method: "POST", auth: t.key, json: { url: HOOK, events: [] } })).status).toBe(422);
    expect((await call("/v1/webhook-endpoints", { method: "POST", auth: t.agentToken, json: { url: HOOK, events: ["*"] } })).status).toBe(403);
  });

  it("refuses http, private, loopback, link-local and metadata addresses outside development", async () => {
    const t = await tenant();
    const production = { ...env, ENVIRONMENT: "production" } as unknown as Env;
    const post = (url: string) =>
      app.request("/v1/webhook-endpoints", { method: "POST", headers: { authorization: `Bearer ${t.key}`, "content-type": "application/json" }, body: JSON.stringify({ url, events: ["*"] }) }, production);
    for (const url of ["http://hooks.example.com/x", "https://127.0.0.1/x", "https://localhost/x", "https://10.1.2.3/", "https://169.254.169.254/latest", "https://[::1]/", "https://[fe80::1]/", "https://[::ffff:127.0.0.1]/", "https://0x7f.1/", "https://metadata.google.internal/"]) {
      const res = await post(url);
      expect(res.status, url).toBe(422);
    }
    const created = await post("https://hooks.example.com/x");
    expect(created.status).toBe(201);
    const { id } = await created.json<{ id: string }>();
    const patch = await app.request(`/v1/webhook-endpoints/${id}`, { method: "PATCH", headers: { authorization: `Bearer ${t.key}`, "content-type": "application/json" }, body: JSON.stringify({ url: "https://192.168.0.10/" }) }, production);
    expect(patch.status).toBe(422);
  });
});

describe("webhook deliveries", () => {
  it("signs with the secret the API returned (verified by the standardwebhooks package), in the public payload shape", async () => {
    const t = await tenant();
    const seen = receiver();
    const ep = await endpoint(t.key, { events: ["message.*"] });
    await send(events(t.id, "cnv_sig", [1, 2]));
    await until(async () => seen.length, (x) => x >= 1);
    expect(seen).toHaveLength(1); // conversation.created is not subscribed
    const s = seen[0]!;
    const payload = new Webhook(ep.secret).verify(s.body, { "webhook-id": s.id, "webhook-timestamp": s.timestamp, "webhook-signature": s.signature }) as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(payload.type).toBe("message.created");
    expect(payload.timestamp).toBe(new Date(1002).toISOString());
    expect(payload.data).toMatchObject({ id: "evt_cnv_sig_2", conversation_id: "cnv_sig", message: { id: "msg_cnv_sig_2" } });
    expect(payload.data).not.toHaveProperty("metrics");
    expect(payload.data).not.toHaveProperty("facts");
    const log = await until(() => deliveries(t.key, ep.id), (d) => d.data[0]?.state === "delivered");
    expect(log.data[0]).toMatchObject({ id: s.id, event_id: "evt_cnv_sig_2", attempts: 1, last_status: 200 });
  });

  it("after a rotation, signs with both secrets; either verifies", async () => {
    const t = await tenant();
    const seen = receiver();
    const ep = await endpoint(t.key);
    const rotated = await ok<{ secret: string }>(call(`/v1/webhook-endpoints/${ep.id}/rotate`, { method: "POST", auth: t.key }));
    expect(rotated.secret).not.toBe(ep.secret);
    await send(events(t.id, "cnv_rot", [1]));
    await until(async () => seen.length, (x) => x >= 1);
    const s = seen[0]!;
    expect(s.signature.split(" ")).toHaveLength(2);
    const headers = { "webhook-id": s.id, "webhook-timestamp": s.timestamp, "webhook-signature": s.signature };
    expect(() => new Webhook(rotated.secret).verify(s.body, headers)).not.toThrow();
    expect(() => new Webhook(ep.secret).verify(s.body, headers)).not.toThrow();
    expect(() => new Webhook(`whsec_${btoa("x".repeat(24))}`).verify(s.body, headers)).toThrow();
  });

  it("sends a redelivered queue message once", async () => {
    const t = await tenant();
    const seen = receiver();
    const ep = await endpoint(t.key);
    const list = events(t.id, "cnv_dup", [1, 2]);
    await send(list, "dup-a");
    await send(list, "dup-b");
    await until(() => deliveries(t.key, ep.id), (d) => d.data.length === 2 && d.data.every((x) => x.state === "delivered"));
    const stub = env.WEBHOOK_ENDPOINT.get(env.WEBHOOK_ENDPOINT.idFromName(ep.id));
    expect(await stub.enqueue(list.map(webhookEventOf))).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.map((s) => s.id).sort()).toEqual([...new Set(seen.map((s) => s.id))].sort());
    expect(seen).toHaveLength(2);
  });

  it("retries a failing endpoint until the delivery is dead, keeps it in the log, and redelivers it through the API", async () => {
    const t = await tenant();
    let up = false;
    const seen = receiver(() => (up ? 200 : 503));
    const ep = await endpoint(t.key);
    await send(events(t.id, "cnv_dead", [1]));
    await until(async () => seen.length, (x) => x >= 1);
    for (let i = 0; i < 40; i++) {
      const d = (await deliveries(t.key, ep.id)).data[0]!;
      if (d.state === "dead") break;
      await fastForward(ep.id);
    }
    const dead = (await deliveries(t.key, ep.id)).data[0]!;
    expect(dead).toMatchObject({ state: "dead", attempts: MAX_ATTEMPTS, last_status: 503 });
    expect(seen.length).toBe(MAX_ATTEMPTS);
    expect(new Set(seen.map((s) => s.id)).size).toBe(1);
    up = true;
    const res = await call(`/v1/webhook-endpoints/${ep.id}/deliveries/${dead.id}/redeliver`, { method: "POST", auth: t.key });
    expect(res.status).toBe(202);
    const after = await until(() => deliveries(t.key, ep.id), (d) => d.data[0]?.state === "delivered");
    expect(after.data[0]).toMatchObject({ id: dead.id, attempts: 1, last_status: 200 });
    expect((await call(`/v1/webhook-endpoints/${ep.id}/deliveries/msg_nope/redeliver`, { method: "POST", auth: t.key })).status).toBe(404);
  }, 60_000); // a real alarm racing the fast-forward may wait out one breaker cooldown (10 s)

  it("keeps order per conversation while an endpoint fails and recovers; other conversations do not wait", async () => {
    const t = await tenant();
    // The first event of conversation A fails twice (then succeeds on its quick retries).
    let failures = 0;
    const seen = receiver((s) => (s.body.includes('"evt_cnv_ordA_1"') && failures++ < 2 ? 500 : 200));
    const ep = await endpoint(t.key);
    await send([...events(t.id, "cnv_ordA", [1, 2, 3]), ...events(t.id, "cnv_ordB", [1, 2])]);
    await until(() => deliveries(t.key, ep.id), (d) => d.data.length === 5 && d.data.every((x) => x.state === "delivered"));
    const order = seen.map((s) => (JSON.parse(s.body) as { data: { id: string } }).data.id);
    const a = order.filter((id) => id.includes("ordA"));
    expect(a).toEqual(["evt_cnv_ordA_1", "evt_cnv_ordA_1", "evt_cnv_ordA_1", "evt_cnv_ordA_2", "evt_cnv_ordA_3"]);
    // B was delivered completely before A's first event got through.
    expect(order.lastIndexOf("evt_cnv_ordB_2")).toBeLessThan(order.lastIndexOf("evt_cnv_ordA_1"));
  });

  it("retries a malformed webhooks queue message (then the dead-letter queue has it) and acknowledges good ones", async () => {
    const t = await tenant();
    receiver();
    const ep = await endpoint(t.key);
    const good = { kind: "deliver", tenant_id: t.id, endpoint_id: ep.id, events: events(t.id, "cnv_q", [1]).map(webhookEventOf) };
    const result = await runQueue<unknown>("edgedesk-webhooks", [
      { id: "bad", body: { kind: "nope" } },
      { id: "good", body: good },
    ]);
    expect(result.acked).toEqual(["good"]);
    expect(result.retried.map((r) => r.id)).toEqual(["bad"]);
  });

  it("disables an endpoint after sustained failure and tells the tenant's other endpoints", async () => {
    const t = await tenant();
    const seen = receiver((s) => (s.url.endsWith("/down") ? 500 : 200));
    const down = await endpoint(t.key, { url: `${hook}/down`, events: ["conversation.*"] });
    await endpoint(t.key, { url: `${hook}/watcher`, events: ["webhook_endpoint.disabled"] });
    await send(events(t.id, "cnv_dis", [1]));
    await until(async () => seen.length, (x) => x >= 1);
    const stub = env.WEBHOOK_ENDPOINT.get(env.WEBHOOK_ENDPOINT.idFromName(down.id));
    // A day of failures later, the next failed attempt disables it.
    await runInDurableObject(stub, (_o, state) => state.storage.sql.exec("UPDATE endpoint SET failing_since = 1"));
    await fastForward(down.id);
    const row = await until(() => ok(call(`/v1/webhook-endpoints/${down.id}`, { auth: t.key })), (r) => r.enabled === false);
    expect(row.disabled_reason).toContain("24 hours");
    const notice = await until(async () => seen.filter((s) => s.url.endsWith("/watcher")), (x) => x.length >= 1);
    expect(JSON.parse(notice[0]!.body)).toMatchObject({ type: "webhook_endpoint.disabled", data: { endpoint_id: down.id } });
  });
});
