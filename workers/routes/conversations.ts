import { z } from "zod";
import { and, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import { authenticate, type Principal } from "../http/auth";
import { HttpError, invalidField, unwrap } from "../http/problem";
import { defineRoute, json, jsonBody, router } from "../http/route";
import { conversationStub, ConversationIdPattern } from "../../objects/conversation-stub";
import { db } from "../../db/client";
import { agents, conversations, contacts } from "../../db/schema";
import { deskStub } from "../../objects/routing-desk";
import { assistantStub } from "../../objects/assistant";
import { RoutingRequest, TransferTarget } from "../../shared/routing-config";
import { ChannelName, ClientMsgId, ContentPart, Metadata, Sender, StandardMessage, type Sender as SenderT } from "../../shared/message";
import { ConversationSnapshot } from "../../shared/events";
import { Insights } from "../../shared/bot/insights";
import { KbHit } from "../../shared/bot/dialog";
import { Explanation } from "../../shared/routing/breakdown";
import { ConversationStatus, StateAction } from "../../shared/conversation-state";
import { Id, newId, now } from "../../shared/ids";
import { CONNECT_HEADER, IDENTITY_SECRET_HEADER, type Actor, type SocketIdentity } from "../../objects/conversation";
import { checkOrigin, tenantById } from "../tenants";
import { createContact } from "../contacts";
import { identityHash, timingSafeEqual } from "../../shared/crypto";
import { loadSettings } from "../../objects/analytics-settings";
import { slThreshold } from "../../shared/analytics/settings";
import { ConversationLive, conversationLive } from "../../shared/analytics/live";
import { afterCursor, page, pageOf, PageQuery } from "../http/pagination";
import { containsPattern, LIKE_ESCAPE } from "../../shared/like";

/** Agent assist reads the customer's latest message among this many recent ones. */
const ASSIST_LOOKBACK = 50;

const Params = z.object({ id: z.string().regex(ConversationIdPattern, "no such conversation") });

export const CreateConversation = z.object({
  channel: ChannelName.default("api"),
  contact: z.object({
    id: z.string().max(64).optional(),
    name: z.string().max(255).optional(),
    email: z.email().max(320).optional(),
    phone: z.string().regex(/^\+[1-9]\d{6,14}$/, "E.164 phone number").optional(),
  }),
  subject: z.string().max(500).optional(),
  external_thread_id: z.string().max(255).optional(),
});

export const PostMessage = z.object({
  client_msg_id: ClientMsgId,
  parts: z.array(ContentPart).min(1).max(20),
  metadata: Metadata.optional(),
  sender: Sender.optional(),
});

export const ChangeState = z.object({
  action: StateAction,
  assignee_id: Id.optional(),
  note: z.string().max(2000).optional(),
  /** With `queue`: what the router should know (intent, language, required skills, priority …). */
  routing: RoutingRequest.optional(),
  /** With `transfer`: to an agent, a team or a queue. */
  transfer_to: TransferTarget.optional(),
});

/** `queued,assigned,open`: any of these statuses. */
const StatusList = z
  .string()
  .transform((s) => [...new Set(s.split(","))])
  .pipe(z.array(ConversationStatus).min(1))
  .describe(`One status or a comma-separated list of: ${ConversationStatus.options.join(", ")}`);

export const ListQuery = z.object({
  status: StatusList.optional(),
  q: z.string().trim().min(1).max(200).optional().describe("A conversation id, or a substring of the contact's name, e-mail or phone or of the subject"),
  channel: ChannelName.optional(),
  assignee_id: z.string().optional(),
  contact_id: z.string().optional(),
  ...PageQuery,
});

export const HistoryQuery = z.object({
  after_seq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function actorOf(p: Principal): Actor {
  switch (p.kind) {
    case "api":
      return { kind: "api", id: p.keyId };
    case "agent":
      return { kind: "agent", id: p.agentId };
    case "visitor":
      return { kind: "customer", id: p.contactId };
  }
}

/** Visitors may only touch their own conversation; the object enforces it, this avoids a round trip. */
async function visibleTo(env: Env, p: Principal, id: string) {
  const stub = conversationStub(env, p.tenantId, id);
  const snap = unwrap(await stub.get());
  if (p.kind === "visitor" && snap.contact_id !== p.contactId) throw new HttpError(404, "not found", "no such conversation");
  return { stub, snap };
}

/**
 * The stub for a call that answers 404 by itself when the conversation does not exist: only a visitor needs
 * the ownership read first, so keys and agents pay one object round trip, not two.
 */
async function stubFor(env: Env, p: Principal, id: string) {
  return p.kind === "visitor" ? (await visibleTo(env, p, id)).stub : conversationStub(env, p.tenantId, id);
}

const tag = ["Conversations"];

const ContactSummary = z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() });
const ConversationListItem = ConversationSnapshot.extend({ contact: ContactSummary.nullable().describe("The contact as the index has it; null until it is indexed") }).meta({
  id: "ConversationListItem",
});
const ConversationPage = pageOf(ConversationListItem).meta({ id: "ConversationPage" });
const MessagePage = z
  .object({
    data: z.array(StandardMessage),
    last_seq: z.int().nonnegative().describe("The conversation's latest seq"),
    next_after_seq: z.int().nonnegative().nullable().describe("Pass as after_seq for the next page; null at the end"),
  })
  .meta({ id: "MessagePage" });
const Assist = Insights.pick({ intent: true, sentiment: true, entities: true })
  .extend({
    message_id: z.string().nullable().describe("The customer message assisted with; null before the customer wrote"),
    text: z.string().nullable(),
    knowledge: z.array(KbHit),
    suggested_reply: z.string().nullable(),
  })
  .meta({ id: "AgentAssist" });

/** As the conversation object reads it: anything but a non-negative integer counts as absent. */
const lenientSeq = z.preprocess((v) => {
  const n = Number(v);
  return typeof v === "string" && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}, z.int().min(0).optional());

/**
 * The handshake's query, documented but never refused: the conversation object reads it from the URL as it always
 * has. Browsers cannot set Authorization on a WebSocket, hence the token here.
 */
const SocketQuery = z.object({
  token: z.preprocess((v) => (typeof v === "string" ? v : undefined), z.string().optional()).describe("An agent or visitor token, when no Authorization header can be sent"),
  last_seq: lenientSeq.describe("Resume: the messages after this seq follow `welcome`"),
  since_rev: lenientSeq.describe("With last_seq: the messages the client has that changed since this revision follow too (`message_update`)"),
});

type ConversationRow = typeof conversations.$inferSelect;

/** The index row as a snapshot: the events consumer writes it from snapshots, so its status is one of theirs. */
const indexed = (r: ConversationRow): ConversationSnapshot => ({
  id: r.id,
  tenant_id: r.tenantId,
  channel: r.channel,
  status: r.status as ConversationSnapshot["status"],
  contact_id: r.contactId,
  assignee_id: r.assigneeId,
  subject: r.subject,
  external_thread_id: r.externalThreadId,
  last_seq: r.lastSeq,
  last_message_at: r.lastMessageAt,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
  rev: r.rev,
});

export const conversationRoutes = router()
  .openapi(
    defineRoute({
      method: "post", path: "/", tags: tag, access: ["api"], idempotent: true,
      summary: "Create a conversation for a contact (an existing one by id, or a new one from the details given)",
      request: jsonBody(CreateConversation),
      responses: { 201: json(ConversationSnapshot, "The new conversation") },
    }),
    async (c) => {
      const p = c.get("principal");
      const body = c.req.valid("json");
      const d = db(c.env);
      let contactId = body.contact.id;
      if (contactId) {
        const found = await d.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.tenantId, p.tenantId), eq(contacts.id, contactId))).get();
        if (!found) throw invalidField("contact.id", "no such contact");
      } else {
        contactId = newId("ctc");
        const t = now();
        await createContact(c.env, d, { id: contactId, tenantId: p.tenantId, name: body.contact.name ?? null, email: body.contact.email ?? null, phone: body.contact.phone ?? null, createdAt: t, updatedAt: t });
      }
      const conversationId = newId("cnv");
      const r = unwrap(
        await conversationStub(c.env, p.tenantId, conversationId).create({
          tenantId: p.tenantId,
          conversationId,
          channel: body.channel,
          contactId,
          subject: body.subject ?? null,
          externalThreadId: body.external_thread_id ?? null,
          actor: actorOf(p),
        }),
      );
      return c.json(r.conversation, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/", tags: tag, access: ["api", "agent"],
      summary: "List conversations from the index, most recently updated first",
      request: { query: ListQuery },
      responses: { 200: json(ConversationPage) },
    }),
    async (c) => {
      const p = c.get("principal");
      const q = c.req.valid("query");
      const filters: (SQL | undefined)[] = [eq(conversations.tenantId, p.tenantId)];
      if (q.status) filters.push(inArray(conversations.status, q.status));
      if (q.q) {
        const like = containsPattern(q.q);
        filters.push(
          or(
            eq(conversations.id, q.q),
            ...[conversations.subject, contacts.name, contacts.email, contacts.phone].map((column) => sql`${column} LIKE ${like} ESCAPE ${LIKE_ESCAPE}`),
          ),
        );
      }
      if (q.channel) filters.push(eq(conversations.channel, q.channel));
      if (q.assignee_id) filters.push(eq(conversations.assigneeId, q.assignee_id));
      if (q.contact_id) filters.push(eq(conversations.contactId, q.contact_id));
      const rows = await db(c.env)
        .select({ conversation: conversations, contact: { id: contacts.id, name: contacts.name, email: contacts.email, phone: contacts.phone } })
        .from(conversations)
        .leftJoin(contacts, and(eq(contacts.tenantId, p.tenantId), eq(contacts.id, conversations.contactId)))
        .where(and(...filters, afterCursor(conversations.updatedAt, conversations.id, q.cursor, "desc")))
        .orderBy(desc(conversations.updatedAt), desc(conversations.id))
        .limit(q.limit + 1)
        .all();
      return c.json(page(rows, q.limit, (r) => ({ at: r.conversation.updatedAt, id: r.conversation.id }), (r) => ({ ...indexed(r.conversation), contact: r.contact })), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/{id}", tags: tag, access: ["api", "agent", "visitor"],
      summary: "A conversation's exact state (a visitor sees only their own)",
      request: { params: Params },
      responses: { 200: json(ConversationSnapshot) },
    }),
    async (c) => {
      const { snap } = await visibleTo(c.env, c.get("principal"), c.req.valid("param").id);
      return c.json(snap, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/{id}/messages", tags: tag, access: ["api", "agent", "visitor"],
      summary: "Page a conversation's messages in seq order",
      request: { params: Params, query: HistoryQuery },
      responses: { 200: json(MessagePage) },
    }),
    async (c) => {
      const stub = await stubFor(c.env, c.get("principal"), c.req.valid("param").id);
      const q = c.req.valid("query");
      const r = unwrap(await stub.history(q.after_seq, q.limit));
      const last = r.messages[r.messages.length - 1];
      return c.json({ data: r.messages, last_seq: r.last_seq, next_after_seq: last && last.seq < r.last_seq ? last.seq : null }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/{id}/messages", tags: tag, access: ["api", "agent", "visitor"], idempotent: true,
      summary: "Post a message; a repeated client_msg_id answers 200 with the message already stored",
      request: { params: Params, ...jsonBody(PostMessage) },
      responses: { 201: json(StandardMessage, "The stored message"), 200: json(StandardMessage, "The message stored earlier with this client_msg_id") },
      errors: [409],
    }),
    async (c) => {
      const p = c.get("principal");
      const body = c.req.valid("json");
      const sender = senderFor(p, body.sender);
      const stub = await stubFor(c.env, p, c.req.valid("param").id);
      const r = unwrap(await stub.post(sender, { client_msg_id: body.client_msg_id, parts: body.parts, metadata: body.metadata }));
      return r.duplicate ? c.json(r.message, 200) : c.json(r.message, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/{id}/state", tags: tag, access: ["api", "agent", "visitor"],
      summary: "Queue, assign, transfer, resolve, reopen or close (a visitor may only close)",
      request: { params: Params, ...jsonBody(ChangeState) },
      responses: { 200: json(ConversationSnapshot, "The conversation after the change") },
      errors: [409],
    }),
    async (c) => {
      const p = c.get("principal");
      const body = c.req.valid("json");
      // A customer can only end their own conversation (leaving the queue counts as abandonment).
      if (p.kind === "visitor" && body.action !== "close") throw new HttpError(403, "forbidden", "customers can only close their conversation");
      const stub = await stubFor(c.env, p, c.req.valid("param").id);
      const assigneeId = body.assignee_id ?? (body.action === "assign" && p.kind === "agent" ? p.agentId : undefined);
      if (body.action === "assign" && assigneeId) {
        if (p.kind === "agent" && p.role === "agent" && assigneeId !== p.agentId) throw new HttpError(403, "forbidden", "agents assign conversations only to themselves");
        if (!(await onRoster(c.env, p.tenantId, assigneeId))) throw invalidField("assignee_id", "no such agent");
      }
      if (body.transfer_to?.kind === "agent" && !(await onRoster(c.env, p.tenantId, body.transfer_to.agent_id))) throw invalidField("transfer_to.agent_id", "no such agent");
      const snap = unwrap(
        await stub.act(body.action, actorOf(p), {
          ...(assigneeId ? { assigneeId } : {}),
          ...(body.note ? { note: body.note } : {}),
          ...(body.routing ? { routing: body.routing } : {}),
          ...(body.transfer_to ? { transferTo: body.transfer_to } : {}),
        }),
      );
      return c.json(snap, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/{id}/routing", tags: tag, access: ["api", "agent"],
      summary: "Why did agent X get this? The decision in force and every offer made, with their score breakdowns",
      request: { params: Params },
      responses: { 200: json(Explanation) },
    }),
    async (c) => {
      const p = c.get("principal");
      const { snap } = await visibleTo(c.env, p, c.req.valid("param").id);
      return c.json(await deskStub(c.env, p.tenantId).explain(p.tenantId, snap.id), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/{id}/insights", tags: tag, access: ["api", "agent"],
      summary: "What the AI layer knows: intent, sentiment trend, entities, handoff reason and quality flags",
      request: { params: Params },
      responses: { 200: json(Insights) },
    }),
    async (c) => {
      const stub = await stubFor(c.env, c.get("principal"), c.req.valid("param").id);
      return c.json(unwrap(await stub.insights()), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/{id}/metrics", tags: tag, access: ["api", "agent"],
      summary: "Live metrics: waiting since, first response due (the tenant's service-level threshold), holding so far",
      request: { params: Params },
      responses: { 200: json(ConversationLive) },
    }),
    async (c) => {
      const p = c.get("principal");
      const stub = await stubFor(c.env, p, c.req.valid("param").id);
      const [{ status, channel, facts }, settings] = await Promise.all([stub.facts().then(unwrap), loadSettings(c.env, p.tenantId)]);
      return c.json(conversationLive(status, facts, slThreshold(settings, facts.queue ?? "", channel), now()), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/{id}/assist", tags: tag, access: ["api", "agent"],
      summary: "Agent assist: knowledge entries and a suggested reply for the customer's latest message",
      request: { params: Params },
      responses: { 200: json(Assist) },
    }),
    async (c) => {
      const p = c.get("principal");
      const stub = await stubFor(c.env, p, c.req.valid("param").id);
      const insights = unwrap(await stub.insights());
      const page = unwrap(await stub.history(0, 1)).last_seq;
      const recent = unwrap(await stub.history(Math.max(0, page - ASSIST_LOOKBACK), ASSIST_LOOKBACK)).messages;
      const latest = recent.filter((m) => m.sender.kind === "customer").at(-1);
      const text = latest ? latest.parts.map((x) => (x.type === "text" ? x.text : "")).join(" ").trim() : "";
      const assist = text ? await assistantStub(c.env, p.tenantId).assist(p.tenantId, text) : { knowledge: [], suggested_reply: null };
      return c.json({ message_id: latest?.id ?? null, text: text || null, intent: insights.intent, sentiment: insights.sentiment, entities: insights.entities, ...assist }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/{id}/ws", tags: tag, access: ["agent", "visitor"], guard: false,
      summary: "The conversation's WebSocket (docs/protocol.md): welcome, history since last_seq, then live frames",
      request: { params: Params, query: SocketQuery },
      responses: { 101: { description: "Switching Protocols" } },
      errors: [404, 426],
    }),
    async (c) => {
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new HttpError(426, "upgrade required", "connect with a WebSocket");
      const p = await authenticate(c.env, c.req.raw);
      if (p.kind === "api") throw new HttpError(403, "forbidden", "API keys cannot open conversation sockets; use an agent or visitor token");
      const tenant = await tenantById(c.env, p.tenantId);
      checkOrigin(c.env, tenant, c.req.header("origin"));
      const identity: SocketIdentity = {
        ...(p.kind === "agent"
          ? { participant: { id: p.agentId, kind: p.role === "agent" ? "agent" : "supervisor", name: p.name } }
          : { participant: { id: p.contactId, kind: "customer", ...(p.name ? { name: p.name } : {}) }, ...(p.userId ? { userId: p.userId } : {}), ...(p.userHash ? { userHash: p.userHash } : {}) }),
        ...(p.expiresAt !== undefined ? { expiresAt: p.expiresAt } : {}),
      };
      const headers = new Headers(c.req.raw.headers);
      headers.set(CONNECT_HEADER, JSON.stringify(identity));
      headers.delete(IDENTITY_SECRET_HEADER);
      if (p.kind === "visitor" && tenant.identityVerification) {
        if (!p.userId || !p.userHash || !timingSafeEqual(await identityHash(p.userId, tenant.identitySecret), p.userHash)) {
          throw new HttpError(401, "unauthorized", "identity verification failed");
        }
        headers.set(IDENTITY_SECRET_HEADER, tenant.identitySecret);
      }
      const res = await conversationStub(c.env, p.tenantId, c.req.valid("param").id).fetch(new Request(c.req.url, { headers }));
      if (res.status === 404 || res.status === 403) throw new HttpError(404, "not found", "no such conversation");
      return res;
    },
  );

/** The tenant's roster in D1 is authoritative: an id of another tenant's agent is simply not on it. */
async function onRoster(env: Env, tenantId: string, agentId: string): Promise<boolean> {
  const row = await db(env).select({ id: agents.id }).from(agents).where(and(eq(agents.tenantId, tenantId), eq(agents.id, agentId))).get();
  return row !== undefined;
}

function senderFor(p: Principal, requested: z.infer<typeof PostMessage>["sender"]): SenderT {
  switch (p.kind) {
    case "agent":
      return { kind: "agent", id: p.agentId, name: p.name };
    case "visitor":
      return { kind: "customer", id: p.contactId, ...(p.name ? { name: p.name } : {}) };
    case "api":
      return requested ?? { kind: "system", id: p.keyId };
  }
}
