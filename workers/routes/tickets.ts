import { z } from "zod";
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { HttpError, invalidField } from "../http/problem";
import { defineRoute, json, jsonBody, router } from "../http/route";
import type { Principal } from "../http/auth";
import { db, type Db } from "../../db/client";
import { agents, conversations, tickets } from "../../db/schema";
import { tenantById } from "../tenants";
import { enqueueTicketJob, ticketCreated, ticketUpdated, ticketView, type TicketRow } from "../tickets";
import { openCrm } from "../../connectors/crm-config";
import { ConversationIdPattern, conversationStub } from "../../objects/conversation-stub";
import { TICKET_EDITABLE, TicketPriority, TicketStatus, TicketView, type TicketField } from "../../shared/tickets";
import { Id, newId, now } from "../../shared/ids";
import { afterCursor, page, pageOf, PageQuery } from "../http/pagination";

const Subject = z.string().trim().min(1).max(300);
const DueAt = z.int().nonnegative().describe("Epoch milliseconds");

export const CreateTicket = z.object({
  conversation_id: Id.optional().describe("The conversation this ticket follows up; a conversation has at most one ticket"),
  subject: Subject,
  description: z.string().max(10_000).optional(),
  priority: TicketPriority.default("normal"),
  assignee_id: Id.optional().describe("An agent of the tenant"),
  due_at: DueAt.optional(),
});

export const UpdateTicket = z
  .object({ subject: Subject, status: TicketStatus, priority: TicketPriority, assignee_id: Id.nullable(), due_at: DueAt.nullable() })
  .partial()
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: `change at least one of ${TICKET_EDITABLE.join(", ")}` });

export const TicketsQuery = z.object({
  ...PageQuery,
  status: TicketStatus.optional(),
  priority: TicketPriority.optional(),
  assignee_id: Id.optional(),
  conversation_id: Id.optional(),
});

const Params = z.object({ id: z.string().regex(/^tkt_[a-f0-9]{32}$/, "no such ticket") });
const TicketPage = pageOf(TicketView);

function actorOf(p: Principal): { kind: "agent" | "api"; id: string } {
  if (p.kind === "agent") return { kind: "agent", id: p.agentId };
  if (p.kind === "api") return { kind: "api", id: p.keyId };
  throw new HttpError(403, "forbidden", "tickets are for API keys and agents");
}

type Patch = z.infer<typeof UpdateTicket>;

/** Tries a few times: a change in between (another PATCH, the connector's sync) moves the version this one read. */
async function patched(d: Db, tenantId: string, id: string, b: Patch): Promise<{ row: TicketRow; changes: TicketField[]; previous: Partial<Pick<TicketView, TicketField>> }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await owned(d, tenantId, id);
    const before = ticketView(current);
    const changes = TICKET_EDITABLE.filter((f) => b[f] !== undefined && b[f] !== before[f]);
    if (!changes.length) return { row: current, changes, previous: {} };
    const set = {
      ...(changes.includes("subject") ? { subject: b.subject! } : {}),
      ...(changes.includes("status") ? { status: b.status! } : {}),
      ...(changes.includes("priority") ? { priority: b.priority! } : {}),
      ...(changes.includes("assignee_id") ? { assigneeId: b.assignee_id ?? null } : {}),
      ...(changes.includes("due_at") ? { dueAt: b.due_at ?? null } : {}),
    };
    const row = await d
      .update(tickets)
      .set({ ...set, version: sql`${tickets.version} + 1`, updatedAt: now() })
      .where(and(eq(tickets.tenantId, tenantId), eq(tickets.id, id), eq(tickets.version, current.version)))
      .returning()
      .get();
    if (row) return { row, changes, previous: Object.fromEntries(changes.map((f) => [f, before[f]])) };
  }
  throw new HttpError(409, "conflict", "the ticket kept changing while this update was applied; read it and retry");
}

async function owned(d: Db, tenantId: string, id: string): Promise<TicketRow> {
  const row = await d.select().from(tickets).where(and(eq(tickets.tenantId, tenantId), eq(tickets.id, id))).get();
  if (!row) throw new HttpError(404, "not found", `no ticket ${id}`);
  return row;
}

async function checkAssignee(d: Db, tenantId: string, agentId: string | null | undefined): Promise<void> {
  if (!agentId) return;
  const found = await d.select({ id: agents.id }).from(agents).where(and(eq(agents.tenantId, tenantId), eq(agents.id, agentId))).get();
  if (!found) throw invalidField("assignee_id", "no such agent");
}

/** The conversation's customer: the contact its channel identity was linked to, else the one it was opened for. */
async function conversationContact(env: Env, d: Db, tenantId: string, conversationId: string): Promise<string> {
  const snapshot = ConversationIdPattern.test(conversationId) ? await conversationStub(env, tenantId, conversationId).get() : null;
  if (!snapshot?.ok) throw invalidField("conversation_id", "no such conversation");
  const indexed = await d
    .select({ contactId: conversations.contactId })
    .from(conversations)
    .where(and(eq(conversations.tenantId, tenantId), eq(conversations.id, conversationId)))
    .get();
  return indexed?.contactId ?? snapshot.value.contact_id;
}

const tag = ["Tickets"];

/**
 * Tickets (R5.4, docs/connectors.md): written to D1 at the request, then the tickets queue announces each change
 * (ticket.created, ticket.updated, ticket.synced) and creates the ticket in the tenant's external system when the
 * connector has a tickets_url (202, `sync_status: "pending"`); without one the ticket stays local (201).
 */
export const ticketRoutes = router()
  .openapi(
    defineRoute({
      method: "post", path: "/", tags: tag, access: ["api", "agent"], idempotent: true,
      summary: "Create a ticket, for a conversation or on its own; one ticket per conversation",
      request: jsonBody(CreateTicket),
      responses: { 201: json(TicketView, "Created; no external system is configured"), 202: json(TicketView, "Created; the external system's ticket follows (sync_status pending)") },
      errors: [409],
    }),
    async (c) => {
      const p = c.get("principal");
      const b = c.req.valid("json");
      const d = db(c.env);
      const [contactId, crm] = await Promise.all([
        b.conversation_id ? conversationContact(c.env, d, p.tenantId, b.conversation_id) : null,
        tenantById(c.env, p.tenantId).then((t) => openCrm(c.env, p.tenantId, t.crmLookup)),
        checkAssignee(d, p.tenantId, b.assignee_id),
      ]);
      const t = now();
      const row: TicketRow = {
        id: newId("tkt"),
        tenantId: p.tenantId,
        conversationId: b.conversation_id ?? null,
        contactId,
        subject: b.subject,
        description: b.description ?? null,
        priority: b.priority,
        status: "open",
        assigneeId: b.assignee_id ?? null,
        dueAt: b.due_at ?? null,
        externalId: null,
        externalUrl: null,
        syncStatus: crm?.tickets_url ? "pending" : "local",
        syncError: null,
        version: 1,
        createdAt: t,
        updatedAt: t,
      };
      const stored = await d.insert(tickets).values(row).onConflictDoNothing().returning().get();
      if (!stored) {
        const existing = await d.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.tenantId, p.tenantId), eq(tickets.conversationId, b.conversation_id!))).get();
        throw new HttpError(409, "conflict", `conversation ${b.conversation_id} already has ticket ${existing?.id}`);
      }
      await enqueueTicketJob(c.env, ticketCreated(stored, actorOf(p)));
      return stored.syncStatus === "pending" ? c.json(ticketView(stored), 202) : c.json(ticketView(stored), 201);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/", tags: tag, access: ["api", "agent"],
      summary: "List tickets, most recently changed first",
      request: { query: TicketsQuery },
      responses: { 200: json(TicketPage) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const q = c.req.valid("query");
      const filters: SQL[] = [eq(tickets.tenantId, tenantId)];
      if (q.status) filters.push(eq(tickets.status, q.status));
      if (q.priority) filters.push(eq(tickets.priority, q.priority));
      if (q.assignee_id) filters.push(eq(tickets.assigneeId, q.assignee_id));
      if (q.conversation_id) filters.push(eq(tickets.conversationId, q.conversation_id));
      const rows = await db(c.env)
        .select()
        .from(tickets)
        .where(and(...filters, afterCursor(tickets.updatedAt, tickets.id, q.cursor, "desc")))
        .orderBy(desc(tickets.updatedAt), desc(tickets.id))
        .limit(q.limit + 1)
        .all();
      return c.json(page(rows, q.limit, (r) => ({ at: r.updatedAt, id: r.id }), ticketView), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/{id}", tags: tag, access: ["api", "agent"],
      summary: "A ticket, with its state in the external system",
      request: { params: Params },
      responses: { 200: json(TicketView) },
    }),
    async (c) => c.json(ticketView(await owned(db(c.env), c.get("principal").tenantId, c.req.valid("param").id)), 200),
  )
  .openapi(
    defineRoute({
      method: "patch", path: "/{id}", tags: tag, access: ["api", "agent"],
      summary: "Change a ticket's subject, status, priority, assignee or due date; ticket.updated names what changed",
      request: { params: Params, ...jsonBody(UpdateTicket) },
      responses: { 200: json(TicketView) },
      errors: [409],
    }),
    async (c) => {
      const p = c.get("principal");
      const b = c.req.valid("json");
      const d = db(c.env);
      await checkAssignee(d, p.tenantId, b.assignee_id);
      const { row, changes, previous } = await patched(d, p.tenantId, c.req.valid("param").id, b);
      if (changes.length) await enqueueTicketJob(c.env, ticketUpdated(row, actorOf(p), changes, previous));
      return c.json(ticketView(row), 200);
    },
  );
