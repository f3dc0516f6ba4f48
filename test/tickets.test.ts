import { env } from "cloudflare:workers";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { call, ok, tenant, until, visitor } from "./helpers";
import { conversationEvent, deliver, runQueue } from "./event-fixtures";
import type { CrmStubStats } from "./connectors/stub-crm-server";
import type { TicketView } from "../shared/tickets";
import { FAILED_RETRY_MS, PENDING_GRACE_MS, sweepUnsyncedTickets } from "../workers/tickets-sweep";

/** Tickets through the real Worker: the API writes D1, the tickets queue announces and creates them in a CRM stub server. */

const stub = inject("crmStub");
const realFetch = globalThis.fetch;

afterEach(() => vi.restoreAllMocks());

async function withTickets(key: string, setup: Record<string, unknown> = {}) {
  const base = `${stub}/${crypto.randomUUID()}`;
  await realFetch(`${base}/setup`, { method: "POST", body: JSON.stringify(setup) });
  await ok(call("/v1/tenant", { method: "PATCH", auth: key, json: { crm_lookup: { tickets_url: `${base}/tickets`, token: "crm-secret" } } }));
  return {
    stats: async () => (await realFetch(`${base}/stats`)).json<CrmStubStats>(),
    heal: () => realFetch(`${base}/setup`, { method: "POST", body: JSON.stringify({ fail: { tickets: false } }) }),
  };
}

const create = (auth: string, json: Record<string, unknown>) => call("/v1/tickets", { method: "POST", auth, json });
const read = (key: string, id: string) => ok<TicketView>(call(`/v1/tickets/${id}`, { auth: key }));

/** The tickets queue message the API sent for a ticket's creation, as the consumer would get it again. */
const creationJob = (tenantId: string, t: TicketView) => ({ event: { id: `evt_${t.id}_v1`, tenant_id: tenantId, type: "ticket.created", occurred_at: t.created_at, ticket: t, actor: { kind: "api", id: "key" } } });

const eventsOf = (tenantId: string, stream: string) =>
  env.DB.prepare("SELECT id, type, rev FROM events WHERE tenant_id = ?1 AND conversation_id = ?2 ORDER BY rev, id").bind(tenantId, stream).all<{ id: string; type: string; rev: number }>().then((r) => r.results);

describe("tickets API", () => {
  it("creates a local ticket for a conversation (one per conversation), reads, lists, filters, pages and updates it", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const res = await create(t.agentToken, { conversation_id: v.conversationId, subject: "Refund the jacket", priority: "high", assignee_id: t.agentId, due_at: 1_900_000_000_000 });
    expect(res.status).toBe(201);
    const ticket = await res.json<TicketView>();
    expect(ticket).toMatchObject({ conversation_id: v.conversationId, contact_id: v.contactId, status: "open", priority: "high", assignee_id: t.agentId, sync_status: "local", external_id: null, version: 1 });
    const again = await create(t.key, { conversation_id: v.conversationId, subject: "Second" });
    expect(again.status).toBe(409);
    expect((await again.json<{ detail: string }>()).detail).toContain(ticket.id);
    const loose = await ok<TicketView>(create(t.key, { subject: "Call back", description: "About the invoice" }), 201);
    expect(loose).toMatchObject({ conversation_id: null, contact_id: null, priority: "normal" });

    expect(await read(t.key, ticket.id)).toEqual(ticket);
    const page1 = await ok<{ data: TicketView[]; next_cursor: string | null }>(call("/v1/tickets?limit=1", { auth: t.key }));
    const page2 = await ok<{ data: TicketView[]; next_cursor: string | null }>(call(`/v1/tickets?limit=1&cursor=${page1.next_cursor}`, { auth: t.key }));
    expect([...page1.data, ...page2.data].map((x) => x.id).sort()).toEqual([ticket.id, loose.id].sort());
    expect(page2.next_cursor).toBeNull();
    const high = await ok<{ data: TicketView[] }>(call(`/v1/tickets?priority=high&assignee_id=${t.agentId}`, { auth: t.key }));
    expect(high.data.map((x) => x.id)).toEqual([ticket.id]);
    const byConversation = await ok<{ data: TicketView[] }>(call(`/v1/tickets?conversation_id=${v.conversationId}&status=open`, { auth: t.key }));
    expect(byConversation.data.map((x) => x.id)).toEqual([ticket.id]);

    const patched = await ok<TicketView>(call(`/v1/tickets/${ticket.id}`, { method: "PATCH", auth: t.agentToken, json: { status: "solved", assignee_id: null, subject: "Refund the jacket" } }));
    expect(patched).toMatchObject({ status: "solved", assignee_id: null, version: 2 });
    expect((await ok<{ data: TicketView[] }>(call("/v1/tickets?status=open", { auth: t.key }))).data.map((x) => x.id)).toEqual([loose.id]);
  });

  it("refuses unknown conversations, agents and tickets, bad fields, other tenants and visitors", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const problem = async (res: Response, status: number) => {
      expect(res.status).toBe(status);
      return res.json<{ errors?: { field: string }[] }>();
    };
    expect((await problem(await create(t.key, { conversation_id: "cnv_0000000000000000", subject: "x" }), 422)).errors?.[0]?.field).toBe("conversation_id");
    expect((await problem(await create(t.key, { subject: "x", assignee_id: "agt_nobody" }), 422)).errors?.[0]?.field).toBe("assignee_id");
    expect((await problem(await create(t.key, { subject: "", priority: "whenever" }), 422)).errors?.map((e) => e.field).sort()).toEqual(["priority", "subject"]);
    await problem(await create(v.token, { subject: "x" }), 403);
    const mine = await ok<TicketView>(create(t.key, { subject: "Mine" }), 201);
    const other = await tenant();
    await problem(await call(`/v1/tickets/${mine.id}`, { auth: other.key }), 404);
    await problem(await call("/v1/tickets/tkt_nope", { auth: t.key }), 404);
    await problem(await call(`/v1/tickets/${mine.id}`, { method: "PATCH", auth: t.key, json: {} }), 422);
    await problem(await call(`/v1/tickets/${mine.id}`, { method: "PATCH", auth: other.key, json: { status: "closed" } }), 404);
  });

  it("replays a create with the same Idempotency-Key", async () => {
    const t = await tenant();
    const headers = { "idempotency-key": crypto.randomUUID() };
    const first = await ok<TicketView>(call("/v1/tickets", { method: "POST", auth: t.key, headers, json: { subject: "Once" } }), 201);
    const replay = await call("/v1/tickets", { method: "POST", auth: t.key, headers, json: { subject: "Once" } });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect((await replay.json<TicketView>()).id).toBe(first.id);
    expect((await ok<{ data: unknown[] }>(call("/v1/tickets", { auth: t.key }))).data).toHaveLength(1);
  });
});

describe("tickets in the external system", () => {
  it("answers 202 pending, creates the ticket there once through the queue, and a redelivered message creates nothing more", async () => {
    const t = await tenant();
    const crm = await withTickets(t.key);
    const v = await visitor(t.id);
    const res = await create(t.key, { conversation_id: v.conversationId, subject: "Broken zip", priority: "urgent" });
    expect(res.status).toBe(202);
    const pending = await res.json<TicketView>();
    expect(pending.sync_status).toBe("pending");
    const synced = await until(() => read(t.key, pending.id), (x) => x.sync_status === "synced");
    expect(synced).toMatchObject({ external_id: "EXT-1", external_url: "https://crm.example/tickets/EXT-1", sync_error: null });
    const stats = await crm.stats();
    expect(stats.tickets).toMatchObject({ requests: 1, authorization: "Bearer crm-secret", idempotency_keys: [pending.id] });
    expect(stats.tickets.last).toMatchObject({ ticket: { id: pending.id, subject: "Broken zip", priority: "urgent" }, contact: { id: v.contactId } });

    // At least once: the same message twice more, in one batch.
    const job = creationJob(t.id, pending);
    const result = await runQueue("edgedesk-tickets", [{ id: "again-1", body: job }, { id: "again-2", body: job }]);
    expect(result).toEqual({ acked: ["again-1", "again-2"], retried: [] });
    expect((await crm.stats()).tickets.requests).toBe(1);
    expect(await read(t.key, pending.id)).toEqual(synced);
    const logged = await until(() => eventsOf(t.id, `ticket:${pending.id}`), (e) => e.length >= 2);
    expect(logged.map((e) => [e.id, e.type])).toEqual([
      [`evt_${pending.id}_v1`, "ticket.created"],
      [`evt_${pending.id}_synced`, "ticket.synced"],
    ]);
  });

  it("marks the ticket failed with the error while the system fails, and creates it once the system is back", async () => {
    const t = await tenant();
    const crm = await withTickets(t.key, { fail: { tickets: true } });
    const pending = await ok<TicketView>(create(t.key, { subject: "Falls over" }), 202);
    const failed = await until(() => read(t.key, pending.id), (x) => x.sync_status === "failed");
    expect(failed.sync_error).toBe("answered 503");
    expect(failed.external_id).toBeNull();
    const retry = await runQueue("edgedesk-tickets", [{ id: "while-down", body: creationJob(t.id, pending) }]);
    expect(retry).toMatchObject({ acked: [], retried: [{ id: "while-down" }] });
    await crm.heal();
    const healed = await runQueue("edgedesk-tickets", [{ id: "after", attempts: 3, body: creationJob(t.id, pending) }]);
    expect(healed.acked).toEqual(["after"]);
    const synced = await read(t.key, pending.id);
    expect(synced).toMatchObject({ sync_status: "synced", external_id: "EXT-1", sync_error: null });
    const stats = await crm.stats();
    expect(stats.tickets.requests).toBeGreaterThanOrEqual(3);
    // Every attempt named the same ticket, so the external system made one of it.
    expect(new Set(stats.tickets.idempotency_keys)).toEqual(new Set([pending.id]));
  });

  it("retries a malformed tickets message (then the dead-letter queue has it)", async () => {
    expect(await runQueue("edgedesk-tickets", [{ id: "poison", body: { event: { type: "ticket.exploded" } } }])).toEqual({ acked: [], retried: [{ id: "poison", delaySeconds: undefined }] });
  });

  it("stops calling a failing system once the tenant's tickets circuit opens; the tickets wait, failed", async () => {
    const t = await tenant();
    const crm = await withTickets(t.key, { fail: { tickets: true } });
    const created: TicketView[] = [];
    for (let i = 0; i < 7; i++) created.push(await ok<TicketView>(create(t.key, { subject: `Ticket ${i}` }), 202));
    const all = await until(
      () => Promise.all(created.map((x) => read(t.key, x.id))),
      (list) => list.every((x) => x.sync_status === "failed"),
    );
    expect((await crm.stats()).tickets.requests).toBe(5);
    expect(all.filter((x) => x.sync_error === "tickets circuit open").length).toBeGreaterThanOrEqual(2);
  });
});

describe("the cron's sweep of unsynced tickets", () => {
  it("requeues a pending ticket whose queue message was lost and a failed one whose retries ran out; each is created once", async () => {
    const t = await tenant();
    const crm = await withTickets(t.key, { fail: { tickets: true } });
    const failing = await ok<TicketView>(create(t.key, { subject: "Gave up" }), 202);
    await until(() => read(t.key, failing.id), (x) => x.sync_status === "failed");
    // A ticket written by a request whose send to the queue failed: pending, and no message anywhere.
    const orphan = `tkt_${crypto.randomUUID().replaceAll("-", "")}`;
    const written = Date.now();
    await env.DB.prepare(
      "INSERT INTO tickets (id, tenant_id, subject, priority, status, sync_status, version, created_at, updated_at) VALUES (?1, ?2, 'Lost message', 'normal', 'open', 'pending', 1, ?3, ?3)",
    )
      .bind(orphan, t.id, written)
      .run();
    await crm.heal();
    const before = (await crm.stats()).tickets.requests;

    // Too early for either: nothing of this tenant's goes back to the queue.
    await sweepUnsyncedTickets(env, written + 1000);
    expect((await read(t.key, orphan)).sync_status).toBe("pending");

    await sweepUnsyncedTickets(env, Date.now() + Math.max(PENDING_GRACE_MS, FAILED_RETRY_MS) + 1000);
    const [a, b] = await until(
      () => Promise.all([read(t.key, failing.id), read(t.key, orphan)]),
      (list) => list.every((x) => x.sync_status === "synced"),
    );
    expect(a.external_id).toBeTruthy();
    expect(b.external_id).toBeTruthy();
    const stats = await crm.stats();
    expect(stats.tickets.requests - before).toBe(2);

    // Synced tickets are not swept again.
    await sweepUnsyncedTickets(env, Date.now() + 10 * FAILED_RETRY_MS);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await crm.stats()).tickets.requests).toBe(stats.tickets.requests);
  });
});

describe("ticket and contact events", () => {
  it("reach an endpoint subscribed to ticket.* and contact.*, in the public shape, and stay out of the rollups", async () => {
    const t = await tenant();
    await withTickets(t.key);
    const seen: { type: string; data: Record<string, any> }[] = [];
    const hook = `https://hooks.example.com/${crypto.randomUUID()}`;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const req = new Request(input, init);
      if (!req.url.startsWith("https://hooks.example.com/")) return realFetch(input, init);
      if (req.url === hook) seen.push(JSON.parse(await req.text()));
      return new Response("ok");
    });
    await ok(call("/v1/webhook-endpoints", { method: "POST", auth: t.key, json: { url: hook, events: ["ticket.*", "contact.*"] } }), 201);

    // A channel identity that starts a contact, through the events consumer.
    const contactId = `ctc_${crypto.randomUUID().replaceAll("-", "")}`;
    const conv = `cnv_${crypto.randomUUID().replaceAll("-", "")}`;
    const started = conversationEvent(t.id, conv, 1, { channel: "whatsapp", external_id: `+49170${Date.now() % 10_000_000}`, phone: "+491701234567", contactId });
    await deliver([{ id: `m-${conv}`, body: { events: [started] } }]);
    await deliver([{ id: `m-${conv}-again`, body: { events: [started] } }]);
    await ok(call(`/v1/contacts/${contactId}`, { method: "PATCH", auth: t.key, json: { tier: "gold", name: null } }));
    // Contacts the widget and the API create.
    const v = await visitor(t.id, { name: "Vic" });
    const api = await ok<{ contact_id: string }>(call("/v1/conversations", { method: "POST", auth: t.key, json: { channel: "api", contact: { name: "Ann", email: "ann@example.com" } } }), 201);

    const ticket = await ok<TicketView>(create(t.key, { subject: "Follow up", priority: "low" }), 202);
    await until(() => read(t.key, ticket.id), (x) => x.sync_status === "synced");
    await ok(call(`/v1/tickets/${ticket.id}`, { method: "PATCH", auth: t.key, json: { status: "pending", priority: "high" } }));

    await until(async () => seen.map((s) => s.type).sort(), (types) => types.length >= 7);
    await new Promise((r) => setTimeout(r, 300));
    const byType = (type: string) => seen.filter((s) => s.type === type);
    expect(seen.map((s) => s.type).sort()).toEqual(["contact.created", "contact.created", "contact.created", "contact.updated", "ticket.created", "ticket.synced", "ticket.updated"]);
    expect(byType("contact.created").map((s) => s.data.contact.id).sort()).toEqual([contactId, v.contactId, api.contact_id].sort());
    expect(byType("contact.created").find((s) => s.data.contact.id === api.contact_id)!.data.contact).toMatchObject({ name: "Ann", email: "ann@example.com" });
    expect(byType("contact.created").find((s) => s.data.contact.id === contactId)!.data).toMatchObject({ id: `evt_${contactId}_created`, contact: { id: contactId, phone: "+491701234567", tier: "standard" } });
    expect(byType("contact.updated")[0]!.data).toMatchObject({ contact: { id: contactId, tier: "gold" }, changes: ["tier"] });
    expect(byType("ticket.created")[0]!.data).toMatchObject({ ticket: { id: ticket.id, sync_status: "pending", version: 1 }, actor: { kind: "api" } });
    expect(byType("ticket.synced")[0]!.data).toMatchObject({ ticket: { id: ticket.id, sync_status: "synced", external_id: "EXT-1" } });
    expect(byType("ticket.updated")[0]!.data).toMatchObject({ ticket: { status: "pending", priority: "high" }, changes: ["status", "priority"], previous: { status: "open", priority: "low" } });

    // The rollups count the two conversations (widget, API) and nothing for ticket or contact events.
    const counted = () => env.DB.prepare("SELECT sum(n) AS n FROM rollup_hourly WHERE tenant_id = ?1 AND metric = 'conversations'").bind(t.id).first<{ n: number }>().then((r) => r?.n);
    await expect.poll(counted, { timeout: 10_000 }).toBe(2);
    expect((await eventsOf(t.id, `contact:${contactId}`)).map((e) => e.type)).toEqual(["contact.created", "contact.updated"]);
  });
});
