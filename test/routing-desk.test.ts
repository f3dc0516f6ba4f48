import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { call, Client, DeskClient, ok, tenant, text, visitor } from "./helpers";
import { LiveCounters } from "../shared/routing/desk-live";
import { AgentActivity } from "../shared/events";
import type { DeskServerFrame } from "../shared/desk-protocol";

const skills = (...s: [string, number][]) => ({ skills: s.map(([skill, proficiency]) => ({ skill, proficiency })), teams: [], languages: ["en"], capacity: { voice: 1, chat: 1, email: 5 } });

async function staffedTenant(config: Record<string, unknown> = {}) {
  const t = await tenant();
  await ok(call("/v1/routing/config", { method: "PUT", auth: t.key, json: config }));
  await ok(call(`/v1/agents/${t.agentId}/routing`, { method: "PUT", auth: t.key, json: skills(["billing", 5]) }));
  const second = await ok(call("/v1/agents", { method: "POST", auth: t.key, json: { name: "Bob", email: `bob-${crypto.randomUUID()}@example.com`, routing: skills(["billing", 2]) } }), 201);
  const { token: secondToken } = await ok(call(`/v1/agents/${second.id}/token`, { method: "POST", auth: t.key }), 201);
  const ada = await DeskClient.open(t.agentToken);
  const bob = await DeskClient.open(secondToken);
  await ada.next("hello");
  await bob.next("hello");
  return { ...t, bobId: second.id as string, bobToken: secondToken as string, ada, bob };
}

async function customerWrites(tenantId: string) {
  const v = await visitor(tenantId);
  const c = await Client.open(v.conversationId, v.token);
  await c.next("welcome");
  c.send({ type: "message", client_msg_id: crypto.randomUUID(), parts: text("I was charged twice") });
  await c.next("ack");
  return { ...v, socket: c };
}

afterEach(() => vi.restoreAllMocks());

describe("routing desk", () => {
  it("offers a waiting conversation to the best agent; accepting assigns it, with the decision explained", async () => {
    const t = await staffedTenant({ queues: [{ id: "billing", name: "Billing", required_skills: [{ skill: "billing" }] }], default_queue_id: "billing" });
    t.ada.send({ type: "status", status: "available" });
    t.bob.send({ type: "status", status: "available" });
    await t.ada.next("agent_status");
    await t.bob.next("agent_status");
    const v = await customerWrites(t.id);
    const offer = await t.ada.next("offer", (f) => f.conversation_id === v.conversationId);
    t.ada.send({ type: "accept", offer_id: offer.offer_id });
    await t.ada.next("assigned", (f) => f.conversation_id === v.conversationId);
    const state = await v.socket.next("state", (f) => f.conversation.status === "assigned");
    expect(state.conversation.assignee_id).toBe(t.agentId);
    const why = await ok(call(`/v1/conversations/${v.conversationId}/routing`, { auth: t.key }));
    expect(why.current).toMatchObject({ agent_id: t.agentId, queue_id: "billing", policy: "weighted" });
    const parts = Object.values(why.current.score.parts as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(parts).toBeCloseTo(why.current.score.score, 9);
    expect(why.current.candidates.map((c: { agent_id: string }) => c.agent_id)).toEqual([t.agentId, t.bobId]);
    expect(why.decisions[0]).toMatchObject({ outcome: "accepted", agent_id: t.agentId });
  });

  it("moves on to the next agent when the offer is rejected or times out", async () => {
    const t = await staffedTenant({ settings: { offer_timeout_s: 1, away_on_missed_offer: false } });
    t.ada.send({ type: "status", status: "available" });
    await t.ada.next("agent_status");
    t.bob.send({ type: "status", status: "available" });
    await t.bob.next("agent_status");
    const v1 = await customerWrites(t.id);
    const first = await t.ada.next("offer", (f) => f.conversation_id === v1.conversationId);
    t.ada.send({ type: "reject", offer_id: first.offer_id });
    const toBob = await t.bob.next("offer", (f) => f.conversation_id === v1.conversationId);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await runDurableObjectAlarm(env.DESK.get(env.DESK.idFromName(`${t.id}:desk`)))).toBe(true);
    await t.bob.next("offer_expired", (f) => f.offer_id === toBob.offer_id);
    const why = await ok(call(`/v1/conversations/${v1.conversationId}/routing`, { auth: t.key }));
    expect(why.decisions.map((d: { outcome: string }) => d.outcome)).toEqual(["expired", "rejected"]);
  });

  it("never offers beyond capacity: the second customer waits and sees their queue position", async () => {
    const t = await staffedTenant();
    t.ada.send({ type: "status", status: "available" });
    await t.ada.next("agent_status");
    const v1 = await customerWrites(t.id);
    const offer = await t.ada.next("offer", (f) => f.conversation_id === v1.conversationId);
    t.ada.send({ type: "accept", offer_id: offer.offer_id });
    await t.ada.next("assigned");
    const v2 = await customerWrites(t.id);
    const position = await v2.socket.next("queue");
    expect(position.position).toBe(1);
    const desk = await ok(call("/v1/routing/desk", { auth: t.key }));
    expect(desk.waiting).toEqual([expect.objectContaining({ conversation_id: v2.conversationId, reason: "agents_busy" })]);
    expect(desk.agents.find((a: { id: string }) => a.id === t.agentId).load.chat).toBe(1);
    // Resolving the first frees the slot and the waiting customer is offered at once.
    await ok(call(`/v1/conversations/${v1.conversationId}/state`, { method: "POST", auth: t.agentToken, json: { action: "resolve" } }));
    await t.ada.next("offer", (f) => f.conversation_id === v2.conversationId);
  });

  it("an agent who takes a waiting conversation by hand carries it in their load; nobody else is offered it", async () => {
    const t = await staffedTenant();
    const v = await customerWrites(t.id);
    await v.socket.next("state", (f) => f.conversation.status === "queued");
    await ok(call(`/v1/conversations/${v.conversationId}/state`, { method: "POST", auth: t.agentToken, json: { action: "assign" } }));
    await expect
      .poll(async () => {
        const desk = await ok(call("/v1/routing/desk", { auth: t.key }));
        return { waiting: desk.waiting.length, load: desk.agents.find((a: { id: string }) => a.id === t.agentId).load.chat };
      }, { timeout: 5000 })
      .toEqual({ waiting: 0, load: 1 });
    t.bob.send({ type: "status", status: "available" });
    await t.bob.next("agent_status");
    const desk = await ok(call("/v1/routing/desk", { auth: t.key }));
    expect(desk.offers).toEqual([]);
    expect((await ok(call(`/v1/conversations/${v.conversationId}`, { auth: t.key }))).assignee_id).toBe(t.agentId);
  });

  it("records abandonment when the customer leaves while waiting", async () => {
    const t = await staffedTenant();
    const v = await customerWrites(t.id);
    await v.socket.next("state", (f) => f.conversation.status === "queued");
    await ok(call(`/v1/conversations/${v.conversationId}/state`, { method: "POST", auth: v.token, json: { action: "close" } }));
    await expect
      .poll(async () => (await ok(call("/v1/routing/desk", { auth: t.key }))).waiting.length, { timeout: 5000 })
      .toBe(0);
    const forbidden = await call(`/v1/conversations/${v.conversationId}/state`, { method: "POST", auth: v.token, json: { action: "resolve" } });
    expect(forbidden.status).toBe(403);
  });

  it("transfers to a named agent with a note; the conversation keeps its context", async () => {
    const t = await staffedTenant();
    t.ada.send({ type: "status", status: "available" });
    await t.ada.next("agent_status");
    t.bob.send({ type: "status", status: "available" });
    await t.bob.next("agent_status");
    const v = await customerWrites(t.id);
    const offer = await t.ada.next("offer", (f) => f.conversation_id === v.conversationId);
    t.ada.send({ type: "accept", offer_id: offer.offer_id });
    await t.ada.next("assigned");
    await v.socket.next("state", (f) => f.conversation.status === "assigned");
    await ok(call(`/v1/conversations/${v.conversationId}/state`, { method: "POST", auth: t.agentToken, json: { action: "transfer", transfer_to: { kind: "agent", agent_id: t.bobId }, note: "refund over my limit" } }));
    const toBob = await t.bob.next("offer", (f) => f.conversation_id === v.conversationId);
    t.bob.send({ type: "accept", offer_id: toBob.offer_id });
    const assigned = await t.bob.next("assigned", (f) => f.conversation_id === v.conversationId);
    expect(assigned.notes).toEqual([expect.objectContaining({ note: "refund over my limit", from_agent_id: t.agentId })]);
    const history = await ok(call(`/v1/conversations/${v.conversationId}/messages`, { auth: t.bobToken }));
    expect(history.data.map((m: { parts: unknown }) => m.parts)).toEqual([text("I was charged twice")]);
    const bad = await call(`/v1/conversations/${v.conversationId}/state`, { method: "POST", auth: t.key, json: { action: "transfer", transfer_to: { kind: "agent", agent_id: "agt_nobody" } } });
    expect(bad.status).toBe(422);
  });
});

describe("business hours", () => {
  it("answers out of hours with the queue's message and waits for opening instead of offering", async () => {
    // A calendar that is closed today: only open on the weekday that is not today, in UTC.
    const days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    const other = days[(new Date().getUTCDay() + 3) % 7]!;
    const t = await staffedTenant({
      calendars: [{ id: "office", timezone: "UTC", hours: [{ days: [other], open: "09:00", close: "17:00" }] }],
      queues: [{ id: "support", name: "Support", calendar_id: "office", out_of_hours_message: "We are closed; we answer Monday to Friday." }],
      default_queue_id: "support",
    });
    t.ada.send({ type: "status", status: "available" });
    await t.ada.next("agent_status");
    const v = await customerWrites(t.id);
    const notice = await v.socket.next("message", (f) => f.message.sender.kind === "system");
    expect(notice.message.parts).toEqual(text("We are closed; we answer Monday to Friday."));
    const desk = await ok(call("/v1/routing/desk", { auth: t.key }));
    expect(desk.waiting).toEqual([expect.objectContaining({ conversation_id: v.conversationId, reason: "out_of_hours" })]);
    expect(desk.offers).toEqual([]);
  });
});

describe("customer profile (R2.1)", () => {
  async function valueSeen(t: Awaited<ReturnType<typeof staffedTenant>>, contactTier?: string) {
    t.ada.send({ type: "status", status: "available" });
    await t.ada.next("agent_status");
    const v = await visitor(t.id);
    if (contactTier) await ok(call(`/v1/contacts/${v.contactId}`, { method: "PATCH", auth: t.key, json: { tier: contactTier } }));
    const c = await Client.open(v.conversationId, v.token);
    await c.next("welcome");
    c.send({ type: "message", client_msg_id: "hi", parts: text("hello") });
    await t.ada.next("offer", (f) => f.conversation_id === v.conversationId);
    const why = await ok(call(`/v1/conversations/${v.conversationId}/routing`, { auth: t.key }));
    return why.current.score.parts.customer_value as number;
  }

  it("uses the contact's stored tier, and the tenant's CRM when it answers", async () => {
    expect(await valueSeen(await staffedTenant(), "gold")).toBeCloseTo(0.3 * 0.75, 9);
    const t = await staffedTenant();
    await ok(call("/v1/tenant", { method: "PATCH", auth: t.key, json: { crm_lookup: { url: "https://crm.example/lookup", token: "crm-secret" } } }));
    const seen: { url: string; authorization: string | null }[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const req = new Request(input, init);
      seen.push({ url: req.url, authorization: req.headers.get("authorization") });
      return Response.json({ tier: "vip", lifetime_value: 250000, orders: [{ id: "o-1", total: 99 }] });
    });
    expect(await valueSeen(t)).toBeCloseTo(0.3 * 1, 9);
    expect(seen).toEqual([{ url: "https://crm.example/lookup", authorization: "Bearer crm-secret" }]);
  });

  it("routes on the stored profile when the CRM is down", async () => {
    const t = await staffedTenant();
    await ok(call("/v1/tenant", { method: "PATCH", auth: t.key, json: { crm_lookup: { url: "https://crm-down.example/lookup" } } }));
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("down", { status: 503 }));
    expect(await valueSeen(t)).toBeCloseTo(0.3 * 0.25, 9);
  });
});

describe("live counters for supervisors", () => {
  async function supervisorDesk(t: Awaited<ReturnType<typeof tenant>>) {
    const sup = await ok(call("/v1/agents", { method: "POST", auth: t.key, json: { name: "Sam", email: `sam-${crypto.randomUUID()}@example.com`, role: "supervisor" } }), 201);
    const { token } = await ok(call(`/v1/agents/${sup.id}/token`, { method: "POST", auth: t.key }), 201);
    const ws = await DeskClient.open(token);
    return { ws, hello: await ws.next("hello") };
  }
  const deskOf = (tenantId: string) => env.DESK.get(env.DESK.idFromName(`${tenantId}:desk`));
  const waitingOnDesk = async (key: string) => (await ok(call("/v1/routing/desk", { auth: key }))).waiting.length as number;

  it("a supervisor gets them on hello and again once a conversation waits; the overview has them too", async () => {
    const t = await tenant();
    const { ws, hello } = await supervisorDesk(t);
    expect(hello.live).toMatchObject({ waiting: 0, longest_wait_ms: null, offers_pending: 0 });
    // Nobody is available, so the conversation waits.
    await customerWrites(t.id);
    const live = await ws.next("live", (f) => f.counters.waiting === 1);
    expect(LiveCounters.parse(live.counters).per_queue.default).toMatchObject({ waiting: 1 });
    expect(live.counters.longest_wait_ms).not.toBeNull();
    const overview = await ok(call("/v1/routing/desk", { auth: t.key }));
    expect(LiveCounters.parse(overview.live)).toMatchObject({ waiting: 1, offers_pending: 0 });
  });

  it("pushes a burst of changes as one frame a second, and the growing waits alone every five seconds", async () => {
    const t = await tenant();
    const { ws } = await supervisorDesk(t);
    const pushed: LiveCounters[] = [];
    ws.ws.addEventListener("message", (e) => {
      const f = JSON.parse(e.data as string) as DeskServerFrame;
      if (f.type === "live") pushed.push(f.counters);
    });
    // The desk's clock stands still, ahead of the real one so no real alarm fires meanwhile: the burst is one instant.
    let clock = Date.now() + 60_000;
    vi.spyOn(Date, "now").mockImplementation(() => clock);
    const burst = 4;
    for (let i = 0; i < burst; i++) await customerWrites(t.id);
    await expect.poll(() => waitingOnDesk(t.key), { timeout: 10_000 }).toBe(burst);
    // A second later the alarm carries what changed since the first push.
    clock += 1000;
    expect(await runDurableObjectAlarm(deskOf(t.id))).toBe(true);
    await ws.next("live", (f) => f.counters.waiting === burst);
    // Nothing changes but the waits: no push two seconds on, one (the heartbeat) five seconds after the last.
    clock += 2000;
    expect(await runDurableObjectAlarm(deskOf(t.id))).toBe(true);
    clock += 3000;
    expect(await runDurableObjectAlarm(deskOf(t.id))).toBe(true);
    await ws.next("live", (f) => f.counters.longest_wait_ms! >= 6000);
    // The first arrival went out at once; the three after it waited for the second.
    expect(pushed.map((c) => [c.waiting, c.longest_wait_ms])).toEqual([
      [1, 0],
      [burst, 1000],
      [burst, 6000],
    ]);
  });

  it("counts today's abandonments and keeps them across a restart", async () => {
    const t = await tenant();
    const v = await customerWrites(t.id);
    await v.socket.next("state", (f) => f.conversation.status === "queued");
    await ok(call(`/v1/conversations/${v.conversationId}/state`, { method: "POST", auth: v.token, json: { action: "close" } }));
    const today = async () => LiveCounters.parse((await ok(call("/v1/routing/desk", { auth: t.key }))).live).today;
    await expect.poll(today, { timeout: 5000 }).toMatchObject({ answered: 0, abandoned: 1, abandonment_rate: 1, day: new Date().toISOString().slice(0, 10) });
    await abortAllDurableObjects();
    expect(await today()).toMatchObject({ abandoned: 1 });
  });
});

describe("agent activity through the desk object", () => {
  it("sends each ended interval to the events queue once stored, and empties the outbox", async () => {
    const t = await tenant();
    const ws = await DeskClient.open(t.agentToken);
    await ws.next("hello");
    ws.send({ type: "status", status: "available" });
    await ws.next("agent_status", (f) => f.status === "available");
    ws.send({ type: "status", status: "away" });
    await ws.next("agent_status", (f) => f.status === "away");
    const rows = await vi.waitFor(
      async () => {
        const r = await env.DB.prepare("SELECT payload FROM events WHERE tenant_id = ? AND type = 'agent.status' ORDER BY payload->>'from'").bind(t.id).all<{ payload: string }>();
        expect(r.results.length).toBeGreaterThanOrEqual(2);
        return r.results.map((x) => AgentActivity.parse(JSON.parse(x.payload)));
      },
      { timeout: 8000, interval: 50 },
    );
    const [offline, available] = rows.slice(-2);
    expect(offline).toMatchObject({ agent_id: t.agentId, status: "offline", next_status: "available", conversations: 0, load: 0 });
    expect(available).toMatchObject({ agent_id: t.agentId, status: "available", next_status: "away", from: offline!.to });
    expect(available!.id).toBe(`evt_agent_${t.id}_${t.agentId}_${available!.from}`);
    const staffed = await env.DB.prepare("SELECT sum(total) AS ms FROM rollup_hourly WHERE tenant_id = ? AND metric = 'agent_staffed' AND agent = ?").bind(t.id, t.agentId).first<{ ms: number }>();
    expect(staffed?.ms).toBe(available!.to - available!.from);
    const pending = () => runInDurableObject(env.DESK.get(env.DESK.idFromName(`${t.id}:desk`)), (_desk, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM desk_outbox").one().n);
    await expect.poll(pending, { timeout: 5000 }).toBe(0);
  });
});
