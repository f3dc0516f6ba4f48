import { drizzle, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { and, asc, eq, gt, isNotNull, lte, not, sql } from "drizzle-orm";
import type { RoutingRequest, TransferTarget } from "../shared/routing-config";
import { deliversViaProvider, deliveryAdvances, type OutboundJob } from "../shared/outbound";
import migrations from "../migrations/conversation/migrations.js";
import * as schema from "./conversation-schema";
import type { ContactHint, ConversationSnapshot, DomainEvent, SurveyKind } from "../shared/events";
import type { SurveyState } from "../shared/analytics/survey-state";
import type { ChannelName, DeliveryStatus, StandardMessage } from "../shared/message";
import type { ConversationStatus } from "../shared/conversation-state";
import { newId, now } from "../shared/ids";
import type { ChangeKind } from "../shared/message-change";
import { factsOf, track, type Happening, type RoutingHint } from "../shared/analytics/tracker";

type Meta = typeof schema.meta.$inferSelect;

/** A watermark touches at most this many recent replies: older ones were settled by earlier reports. */
const WATERMARK_SCAN = 200;

/** What the conversation asks of the routing desk, delivered through the outbox in order. */
export type DeskOp =
  /** `text` is the customer message that asked for a person, for routing to read intent and sentiment from. */
  | { op: "enqueue"; routing: RoutingRequest; text?: string }
  | { op: "transfer"; to: TransferTarget; note: string }
  | { op: "claim"; agent_id: string }
  | { op: "finish"; how: "resolve" | "abandon" }
  /** A quality flag for the supervisors' screens. */
  | { op: "flag"; flag: string; detail?: string };

/** What a message write may carry besides the message, in the same transaction. */
export type AppendExtras = {
  insights?: unknown;
  flag?: { flag: string; detail?: string };
  /** The assistant's job for this customer message; given the stored message. */
  botTurn?: (message: StandardMessage) => unknown;
};
type Tx = Parameters<Parameters<DrizzleSqliteDODatabase<typeof schema>["transaction"]>[0]>[0];
type MessageRow = typeof schema.messages.$inferSelect;

/** Distributes Omit over a union, so each event kind keeps its own fields. */
type StateEvent = Extract<EventDraft, { actor: unknown }>;
type EventDraft = DomainEvent extends infer E ? (E extends DomainEvent ? Omit<E, "id" | "tenant_id" | "conversation_id" | "rev" | "occurred_at"> : never) : never;

/**
 * The conversation's SQLite through drizzle. Every method is synchronous: the object's single thread
 * plus synchronous SQL is what makes `seq` gapless and `client_msg_id` dedupe race-free.
 */
export class ConversationStore {
  readonly db: DrizzleSqliteDODatabase<typeof schema>;
  private meta: Meta | null = null;
  private lastSeq = 0;
  private lastAt: number | null = null;

  /**
   * Every event row at or below this rowid was accepted by the queue; they are deleted inside the next write
   * transaction, not one of their own. A watermark, not a list of ids: no statement's parameter count may grow
   * with traffic (SQLite in a Durable Object binds at most 100 parameters).
   */
  private eventsSentThrough = 0;
  /** The per-message statements, built once: query building is a measurable share of a message's CPU. */
  private readonly hot: ReturnType<ConversationStore["prepare"]>;

  constructor(private readonly storage: DurableObjectStorage) {
    this.db = drizzle(storage, { schema });
    this.hot = this.prepare();
  }

  private prepare() {
    const p = (name: string) => sql.placeholder(name);
    const m = schema.messages;
    return {
      insertMessage: this.db
        .insert(m)
        .values({
          seq: p("seq"),
          id: p("id"),
          clientMsgId: p("clientMsgId"),
          direction: p("direction"),
          senderKind: p("senderKind"),
          senderId: p("senderId"),
          senderName: p("senderName"),
          providerMessageId: p("providerMessageId"),
          parts: p("parts"),
          metadata: p("metadata"),
          deliveryStatus: p("deliveryStatus"),
          deliveryReason: p("deliveryReason"),
          deliveryAt: p("deliveryAt"),
          sentAt: p("sentAt"),
          createdAt: p("createdAt"),
        })
        .prepare(),
      byClientMsgId: this.db.select().from(m).where(eq(m.clientMsgId, p("clientMsgId"))).prepare(),
      bumpRev: this.db.update(schema.meta).set({ updatedAt: sql`${p("updatedAt")}`, rev: sql`${p("rev")}` }).where(eq(schema.meta.id, 1)).prepare(),
      insertOutbox: this.db.insert(schema.outbox).values({ id: p("id"), queue: p("queue"), body: p("body"), createdAt: p("createdAt") }).prepare(),
      deleteSentEvents: this.db
        .delete(schema.outbox)
        .where(and(eq(schema.outbox.queue, "events"), lte(sql`rowid`, p("through"))))
        .prepare(),
      setAnalytics: this.db.update(schema.meta).set({ analytics: sql`${p("analytics")}` }).where(eq(schema.meta.id, 1)).prepare(),
      deleteOutboxRow: this.db.delete(schema.outbox).where(eq(schema.outbox.id, p("id"))).prepare(),
    };
  }

  /** Only a created conversation has tables: reading a conversation that does not exist writes nothing. */
  async load(): Promise<void> {
    const exists = this.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray().length > 0;
    if (!exists) return;
    await migrate(this.db, migrations);
    this.meta = this.db.select().from(schema.meta).get() ?? null;
    const last = this.db.select({ seq: schema.messages.seq, at: schema.messages.createdAt }).from(schema.messages).orderBy(sql`seq DESC`).limit(1).get();
    this.lastSeq = last?.seq ?? 0;
    this.lastAt = last?.at ?? null;
  }

  get exists(): boolean {
    return this.meta !== null;
  }

  get current(): Meta {
    if (!this.meta) throw new Error("conversation does not exist");
    return this.meta;
  }

  async create(init: Omit<Meta, "id" | "createdAt" | "updatedAt" | "rev" | "assigneeId" | "lastAgentId" | "insights" | "analytics" | "survey">): Promise<void> {
    await migrate(this.db, migrations);
    const t = now();
    const row: Meta = { id: 1, assigneeId: null, lastAgentId: null, insights: null, analytics: null, survey: null, ...init, createdAt: t, updatedAt: t, rev: 0 };
    this.db.insert(schema.meta).values(row).run();
    this.meta = row;
  }

  snapshot(): ConversationSnapshot {
    const m = this.current;
    return {
      id: m.conversationId,
      tenant_id: m.tenantId,
      channel: m.channel as ChannelName,
      status: m.status as ConversationStatus,
      contact_id: m.contactId,
      assignee_id: m.assigneeId,
      subject: m.subject,
      external_thread_id: m.externalThreadId,
      last_seq: this.lastSeq,
      last_message_at: this.lastAt,
      created_at: m.createdAt,
      updated_at: m.updatedAt,
      rev: m.rev,
    };
  }

  get seq(): number {
    return this.lastSeq;
  }

  byClientMsgId(clientMsgId: string): StandardMessage | null {
    const row = this.hot.byClientMsgId.get({ clientMsgId });
    return row ? this.toMessage(row) : null;
  }

  after(seq: number, limit: number): StandardMessage[] {
    return this.db
      .select()
      .from(schema.messages)
      .where(gt(schema.messages.seq, seq))
      .orderBy(asc(schema.messages.seq))
      .limit(limit)
      .all()
      .map((r) => this.toMessage(r));
  }

  /**
   * Inserts the message, bumps the revision and writes its event (and, for a reply on a provider channel,
   * its delivery job) to the outbox in one transaction.
   */
  append(msg: Omit<StandardMessage, "id" | "seq" | "tenant_id" | "conversation_id" | "created_at">, providerMessageId?: string, extras: AppendExtras = {}): StandardMessage {
    return this.write((tx) => {
      const seq = this.lastSeq + 1;
      const created = now();
      const m = this.current;
      const viaProvider = msg.direction === "outbound" && m.externalThreadId !== null && deliversViaProvider(m.channel as ChannelName);
      const message: StandardMessage = {
        ...msg,
        ...(viaProvider ? { delivery: { status: "pending" as const } } : {}),
        id: newId("msg"),
        seq,
        tenant_id: this.current.tenantId,
        conversation_id: this.current.conversationId,
        created_at: created,
      };
      this.hot.insertMessage.run({
        seq,
        id: message.id,
        clientMsgId: message.client_msg_id,
        direction: message.direction,
        senderKind: message.sender.kind,
        senderId: message.sender.id,
        senderName: message.sender.name ?? null,
        providerMessageId: providerMessageId ?? null,
        parts: JSON.stringify(message.parts),
        metadata: JSON.stringify(message.metadata),
        deliveryStatus: message.delivery?.status ?? null,
        deliveryReason: message.delivery?.reason ?? null,
        deliveryAt: message.delivery?.at ?? null,
        sentAt: message.sent_at ?? null,
        createdAt: created,
      });
      this.lastSeq = seq;
      this.lastAt = created;
      this.bump(tx, extras.insights === undefined ? {} : { insights: JSON.stringify(extras.insights) });
      this.emit({ type: "message.created", conversation: this.snapshot(), message });
      if (extras.flag) {
        this.emit({ type: "conversation.flagged", conversation: this.snapshot(), flag: extras.flag.flag, ...(extras.flag.detail ? { detail: extras.flag.detail } : {}) } as EventDraft);
        tx.insert(schema.outbox).values({ id: newId("evt"), queue: "desk", body: JSON.stringify({ op: "flag", ...extras.flag } satisfies DeskOp), createdAt: created }).run();
      }
      if (viaProvider) this.enqueueDelivery(tx, message);
      // The bot's turn is durable with the message it answers: a crash between them cannot leave a customer unanswered.
      if (extras.botTurn) tx.insert(schema.outbox).values({ id: `bot_${message.id}`, queue: "bot", body: JSON.stringify(extras.botTurn(message)), createdAt: created }).run();
      return message;
    });
  }

  /** Applies a state change and records its event, carrying the new snapshot, atomically. */
  update(change: Partial<Pick<Meta, "status" | "assigneeId" | "lastAgentId">>, event: Omit<StateEvent, "conversation">, deskOp?: DeskOp): ConversationSnapshot {
    return this.write((tx) => {
      this.bump(tx, change);
      const conversation = this.snapshot();
      this.emit({ ...event, conversation } as EventDraft);
      if (deskOp) tx.insert(schema.outbox).values({ id: newId("evt"), queue: "desk", body: JSON.stringify(deskOp), createdAt: now() }).run();
      return conversation;
    });
  }

  insights<T>(): T | null {
    const raw = this.current.insights;
    return raw ? (JSON.parse(raw) as T) : null;
  }

  /** Insights are a derived view, not conversation state: no revision; a flag also becomes a domain event. */
  setInsights(insights: unknown, flag?: { flag: string; detail?: string }): void {
    const body = JSON.stringify(insights);
    this.write((tx) => {
      tx.update(schema.meta).set({ insights: body }).where(eq(schema.meta.id, 1)).run();
      this.meta = { ...this.current, insights: body };
      if (flag) this.emit({ type: "conversation.flagged", conversation: this.snapshot(), flag: flag.flag, ...(flag.detail ? { detail: flag.detail } : {}) } as EventDraft);
    });
  }

  /** The survey question asked at resolution, or none; set with the prompt's own write by the caller. */
  setSurvey(state: SurveyState | null): void {
    const survey = state ? JSON.stringify(state) : null;
    if (survey === this.current.survey) return;
    this.write((tx) => {
      tx.update(schema.meta).set({ survey }).where(eq(schema.meta.id, 1)).run();
      this.meta = { ...this.current, survey };
    });
  }

  /**
   * A customer's answer: its own revision (so the consumer keeps the facts it carries) and event, and the next
   * question or none, in one write. `agent_id` is who held the conversation when it was resolved.
   */
  recordSurvey(kind: SurveyKind, score: number, next: SurveyState | null, comment?: string): void {
    this.write((tx) => {
      this.bump(tx, { survey: next ? JSON.stringify(next) : null });
      const m = this.current;
      this.emit({ type: "survey.responded", conversation: this.snapshot(), survey: kind, score, agent_id: m.assigneeId ?? m.lastAgentId, ...(comment ? { comment } : {}) } as EventDraft);
    });
  }

  /** Asks the survey when the resolution's write has landed (the tenant's settings are read outside the write). */
  enqueueSurvey(body: unknown): void {
    this.write((tx) => {
      tx.insert(schema.outbox).values({ id: newId("evt"), queue: "survey", body: JSON.stringify(body), createdAt: now() }).run();
    });
  }

  /** A job for the assistant (an outcome it should learn from), sent like desk operations. */
  enqueueBot(body: unknown): void {
    this.write((tx) => {
      tx.insert(schema.outbox).values({ id: newId("evt"), queue: "bot", body: JSON.stringify(body), createdAt: now() }).run();
    });
  }

  /** Where the desk put the conversation: kept with its metrics for the events that follow, no event of its own. */
  noteRouting(hint: RoutingHint): void {
    if (!this.exists) return;
    const { facts } = track(factsOf(this.current.analytics), { type: "other" }, now(), hint);
    const analytics = JSON.stringify(facts);
    if (analytics === this.current.analytics) return;
    this.db.update(schema.meta).set({ analytics }).where(eq(schema.meta.id, 1)).run();
    this.meta = { ...this.current, analytics };
  }

  /** Identity refreshes are not domain changes: no revision, no event. */
  setIdentitySecret(secret: string | null): void {
    if (this.current.identitySecret === secret) return;
    this.db.update(schema.meta).set({ identitySecret: secret }).where(eq(schema.meta.id, 1)).run();
    this.meta = { ...this.current, identitySecret: secret };
  }

  emitCreated(actor: StateEvent["actor"], contact?: ContactHint): void {
    this.write(() => this.emit({ type: "conversation.created", conversation: this.snapshot(), actor, ...(contact ? { contact } : {}) }));
  }

  markRead(participant: { id: string; kind: string; name?: string }, seq: number): number {
    const upto = Math.min(seq, this.lastSeq);
    return this.write((tx) => {
      const row = tx.select().from(schema.participants).where(eq(schema.participants.id, participant.id)).get();
      if (row && row.lastReadSeq >= upto) return row.lastReadSeq;
      tx.insert(schema.participants)
        .values({ id: participant.id, kind: participant.kind, name: participant.name ?? null, lastReadSeq: upto, joinedAt: now() })
        .onConflictDoUpdate({ target: schema.participants.id, set: { lastReadSeq: upto } })
        .run();
      this.emit({ type: "message.read", participant_id: participant.id, seq: upto });
      return upto;
    });
  }

  join(participant: { id: string; kind: string; name?: string }): void {
    this.db
      .insert(schema.participants)
      .values({ id: participant.id, kind: participant.kind, name: participant.name ?? null, joinedAt: now() })
      .onConflictDoNothing()
      .run();
  }

  readStates(): { id: string; kind: string; lastReadSeq: number }[] {
    return this.db.select({ id: schema.participants.id, kind: schema.participants.kind, lastReadSeq: schema.participants.lastReadSeq }).from(schema.participants).all();
  }

  byProviderId(providerMessageId: string): StandardMessage | null {
    const row = this.db.select().from(schema.messages).where(eq(schema.messages.providerMessageId, providerMessageId)).get();
    return row ? this.toMessage(row) : null;
  }

  /** Records a delivery state reported by the outbound consumer or a provider callback; stale reports are ignored. */
  setDelivery(messageId: string, status: Exclude<DeliveryStatus, "pending">, reason: string | null, providerMessageId?: string): StandardMessage | null {
    return this.write((tx) => {
      const row = tx.select().from(schema.messages).where(eq(schema.messages.id, messageId)).get();
      // Only replies have a delivery: a provider status naming a customer's message must not mark it sent (S2).
      if (!row || row.direction !== "outbound" || !deliveryAdvances(row.deliveryStatus as DeliveryStatus | null, status)) return null;
      const at = now();
      this.bump(tx, {});
      const changedRev = this.current.rev;
      tx.update(schema.messages)
        .set({ deliveryStatus: status, deliveryReason: reason, deliveryAt: at, changedRev, ...(providerMessageId ? { providerMessageId } : {}) })
        .where(eq(schema.messages.id, messageId))
        .run();
      this.emit({
        type: "message.delivery",
        message_id: messageId,
        status,
        ...(reason ? { reason } : {}),
        ...(providerMessageId ?? row.providerMessageId ? { provider_message_id: providerMessageId ?? row.providerMessageId! } : {}),
      });
      return this.toMessage({ ...row, deliveryStatus: status, deliveryReason: reason, deliveryAt: at, changedRev, providerMessageId: providerMessageId ?? row.providerMessageId });
    });
  }

  byId(id: string): StandardMessage | null {
    const row = this.db.select().from(schema.messages).where(eq(schema.messages.id, id)).get();
    return row ? this.toMessage(row) : null;
  }

  /**
   * Stores an edit, retraction or reaction (shared/message-change.ts computed `next`) with its revision and a
   * `message.updated` event in one write; the returned message carries the revision as `changed_rev`.
   */
  changeMessage(next: StandardMessage, change: ChangeKind): StandardMessage {
    return this.write((tx) => {
      this.bump(tx, {});
      const changedRev = this.current.rev;
      tx.update(schema.messages)
        .set({
          parts: JSON.stringify(next.parts),
          metadata: JSON.stringify(next.metadata),
          editedAt: next.edited_at ?? null,
          edits: next.edits?.length ? JSON.stringify(next.edits) : null,
          retractedAt: next.retracted_at ?? null,
          reactions: next.reactions?.length ? JSON.stringify(next.reactions) : null,
          changedRev,
        })
        .where(eq(schema.messages.id, next.id))
        .run();
      const message = { ...next, changed_rev: changedRev };
      this.emit({ type: "message.updated", conversation: this.snapshot(), message, change });
      return message;
    });
  }

  /** Messages up to `throughSeq` changed after revision `sinceRev`: what a resuming client has not seen. */
  changedSince(sinceRev: number, throughSeq: number): StandardMessage[] {
    const m = schema.messages;
    return this.db
      .select()
      .from(m)
      .where(and(gt(m.changedRev, sinceRev), lte(m.seq, throughSeq)))
      .orderBy(asc(m.seq))
      .all()
      .map((r) => this.toMessage(r));
  }

  /** Replies sent through the provider at or before `upTo` whose delivery can still move to `status`. */
  outboundThrough(upTo: number, status: DeliveryStatus): StandardMessage[] {
    const m = schema.messages;
    return this.db
      .select()
      .from(m)
      .where(and(eq(m.direction, "outbound"), isNotNull(m.deliveryStatus), lte(m.createdAt, upTo)))
      .orderBy(sql`seq DESC`)
      .limit(WATERMARK_SCAN)
      .all()
      .filter((r) => deliveryAdvances(r.deliveryStatus as DeliveryStatus | null, status))
      .map((r) => this.toMessage(r));
  }

  /** Outbox rows still to send, oldest first; event rows already sent (awaiting their lazy delete) are skipped. */
  pendingEvents(limit: number): { rowid: number; id: string; queue: "events" | "outbound" | "desk" | "bot" | "survey"; body: string }[] {
    const o = schema.outbox;
    return this.db
      .select({ rowid: sql<number>`rowid`, id: o.id, queue: o.queue, body: o.body })
      .from(o)
      .where(this.eventsSentThrough > 0 ? not(and(eq(o.queue, "events"), lte(sql`rowid`, this.eventsSentThrough))!) : undefined)
      .orderBy(sql`rowid`)
      .limit(limit)
      .all();
  }

  /**
   * Sent event rows are forgotten lazily: each message would otherwise pay a second SQLite commit just to
   * delete its outbox row. If the object restarts before the delete, those events are sent again, which the
   * events consumer absorbs (it is idempotent by event id).
   *
   * `rowids` are the event rows of one `pendingEvents` page, which returns the oldest unsent rows first: every
   * unsent event row below the page's highest rowid is in the page, so the watermark may move up to it. Rows
   * inserted meanwhile get higher rowids than any row of the page, which still exist.
   */
  markEventsSent(rowids: number[]): void {
    if (rowids.length) this.eventsSentThrough = Math.max(this.eventsSentThrough, ...rowids);
  }

  /** Delivery jobs and desk operations are not idempotent everywhere downstream: they are deleted at once. */
  ackNow(ids: string[]): void {
    this.write(() => {
      for (const id of ids) this.hot.deleteOutboxRow.run({ id });
      this.deleteSentEvents();
    });
  }

  /** For the idle alarm: no write is coming to carry the deletes. */
  purgeSent(): void {
    if (this.eventsSentThrough > 0) this.ackNow([]);
  }

  /**
   * One write transaction. The in-memory mirrors of stored state (meta, last seq, the sent watermark) are
   * updated as the transaction goes; if it throws, SQLite rolls back and so do they, so a failed write leaves
   * the object exactly as it was (no seq used up, no revision skipped).
   */
  private write<T>(fn: (tx: Tx) => T): T {
    const saved = { meta: this.meta, lastSeq: this.lastSeq, lastAt: this.lastAt, eventsSentThrough: this.eventsSentThrough };
    try {
      return this.db.transaction(fn);
    } catch (err) {
      this.meta = saved.meta;
      this.lastSeq = saved.lastSeq;
      this.lastAt = saved.lastAt;
      this.eventsSentThrough = saved.eventsSentThrough;
      throw err;
    }
  }

  /**
   * Deleting every sent row resets the watermark: rowids are reused once the highest rows are gone, so a new row
   * could otherwise land below a stale watermark and be taken for sent.
   */
  private deleteSentEvents(): void {
    if (this.eventsSentThrough === 0) return;
    this.hot.deleteSentEvents.run({ through: this.eventsSentThrough });
    this.eventsSentThrough = 0;
  }

  private bump(tx: Tx, change: Partial<Meta>): void {
    const next = { ...this.current, ...change, updatedAt: now(), rev: this.current.rev + 1 };
    if (Object.keys(change).length === 0) this.hot.bumpRev.run({ updatedAt: next.updatedAt, rev: next.rev });
    else tx.update(schema.meta).set({ ...change, updatedAt: next.updatedAt, rev: next.rev }).where(eq(schema.meta.id, 1)).run();
    this.meta = next;
  }

  /** Every write transaction records an event, so this is where already-sent event rows are deleted. */
  private emit(draft: EventDraft): void {
    const m = this.current;
    const at = now();
    const analytics = this.analyticsFor(draft, at);
    const event = { ...draft, ...analytics, id: newId("evt"), tenant_id: m.tenantId, conversation_id: m.conversationId, rev: m.rev, occurred_at: at } as DomainEvent;
    this.deleteSentEvents();
    this.hot.insertOutbox.run({ id: event.id, queue: "events", body: JSON.stringify(event), createdAt: event.occurred_at });
  }

  /**
   * The event's metrics, computed in the write that records it; the facts ride along with every state change and with
   * any event that moved a metric, so the consumer's per-conversation row follows the newest of them.
   */
  private analyticsFor(draft: EventDraft, at: number): Pick<Extract<DomainEvent, { type: "conversation.created" }>, "metrics" | "facts"> {
    const h = happeningOf(draft, this.current.bot);
    if (h.type === "other") return {};
    const { facts, metrics } = track(factsOf(this.current.analytics), h, at);
    facts.intent = intentOf(this.current.insights) ?? facts.intent;
    const analytics = JSON.stringify(facts);
    // A change that adds nothing to the rollups (the customer's first message) is still kept: later deltas depend on it.
    if (analytics !== this.current.analytics) {
      this.hot.setAnalytics.run({ analytics });
      this.meta = { ...this.current, analytics };
    }
    if (!metrics && !("actor" in draft)) return {};
    return metrics ? { metrics, facts } : { facts };
  }

  private enqueueDelivery(tx: Tx, message: StandardMessage): void {
    const m = this.current;
    const thread = tx
      .select({ id: schema.messages.providerMessageId, direction: schema.messages.direction })
      .from(schema.messages)
      .where(isNotNull(schema.messages.providerMessageId))
      .orderBy(sql`seq DESC`)
      .limit(50)
      .all()
      .reverse();
    const lastInbound = thread.filter((r) => r.direction === "inbound").at(-1)?.id;
    const inboundMeta = JSON.parse(
      // The customer's own last message: a channel event (an auto-reply) must not redirect the answer.
      tx.select({ metadata: schema.messages.metadata }).from(schema.messages).where(eq(schema.messages.senderKind, "customer")).orderBy(sql`seq DESC`).limit(1).get()?.metadata ?? "{}",
    ) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === "string" ? v : undefined);
    const to = str(inboundMeta.reply_to);
    const subject = str(inboundMeta.subject);
    const job: OutboundJob = {
      tenant_id: m.tenantId,
      conversation_id: m.conversationId,
      channel: m.channel as ChannelName,
      external_thread_id: m.externalThreadId!,
      message,
      ...(lastInbound ? { in_reply_to: lastInbound } : {}),
      references: thread.map((r) => r.id!),
      thread_context: { ...(to ? { to } : {}), ...(subject ? { subject } : {}) },
    };
    tx.insert(schema.outbox).values({ id: `out_${message.id}`, queue: "outbound", body: JSON.stringify(job), createdAt: message.created_at }).run();
  }

  private toMessage(r: MessageRow): StandardMessage {
    const m = this.current;
    return {
      id: r.id,
      tenant_id: m.tenantId,
      conversation_id: m.conversationId,
      seq: r.seq,
      client_msg_id: r.clientMsgId,
      channel: m.channel as ChannelName,
      direction: r.direction as StandardMessage["direction"],
      sender: { kind: r.senderKind as StandardMessage["sender"]["kind"], id: r.senderId, ...(r.senderName ? { name: r.senderName } : {}) },
      parts: JSON.parse(r.parts),
      metadata: JSON.parse(r.metadata),
      ...(r.deliveryStatus ? { delivery: { status: r.deliveryStatus as "sent", ...(r.deliveryReason ? { reason: r.deliveryReason } : {}), ...(r.deliveryAt ? { at: r.deliveryAt } : {}) } } : {}),
      ...(r.sentAt !== null ? { sent_at: r.sentAt } : {}),
      ...(r.editedAt !== null ? { edited_at: r.editedAt } : {}),
      ...(r.edits ? { edits: JSON.parse(r.edits) } : {}),
      ...(r.retractedAt !== null ? { retracted_at: r.retractedAt } : {}),
      ...(r.reactions ? { reactions: JSON.parse(r.reactions) } : {}),
      ...(r.changedRev !== null ? { changed_rev: r.changedRev } : {}),
      created_at: r.createdAt,
    };
  }
}

function happeningOf(draft: EventDraft, bot: boolean): Happening {
  switch (draft.type) {
    case "conversation.created":
      return { type: draft.type, bot };
    case "message.created":
      return { type: draft.type, sender: draft.message.sender.kind };
    case "conversation.assigned":
      return { type: draft.type, actor: draft.actor.kind, assignee: draft.conversation.assignee_id ?? "" };
    case "conversation.queued":
    case "conversation.transferred":
    case "conversation.resolved":
    case "conversation.reopened":
    case "conversation.closed":
      return { type: draft.type, actor: draft.actor.kind };
    case "survey.responded":
      return { type: draft.type, survey: draft.survey, score: draft.score };
    default:
      return { type: "other" };
  }
}

/** The intent insights hold (shared/bot/insights.ts), without trusting their shape: analytics must not break a write. */
function intentOf(insights: string | null): string | null {
  if (!insights) return null;
  const intent = (JSON.parse(insights) as { intent?: { intent?: unknown } | null }).intent?.intent;
  return typeof intent === "string" && intent !== "unknown" ? intent : null;
}
