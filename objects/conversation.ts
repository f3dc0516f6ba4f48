import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { ConversationStore, type AppendExtras, type DeskOp } from "./conversation-store";
import { deliverDeskOp, deskOpFor, type ActOptions } from "./conversation-desk";
import { assistantStub, type Analysis, type BotTurn, type Outcome } from "./assistant";
import { EMPTY_INSIGHTS, customerText, observeMessage, withEntities, withFlag, type Insights, type QualityFlag } from "../shared/bot/insights";
import { ClientFrame, MAX_FRAME_BYTES, ParticipantRef, assertNever, type ErrorCode, type ServerFrame } from "../shared/protocol";
import { SocketGate } from "./socket-gate";
import { transition, type InternalAction, type StateAction } from "../shared/conversation-state";
import { packEvents, type ContactHint, type ConversationSnapshot, type EventEnvelope } from "../shared/events";
import type { ChannelName, DeliveryStatus, MessageInput, Sender, StandardMessage } from "../shared/message";
import { identityHash, timingSafeEqual } from "../shared/crypto";
import type { Result } from "../shared/result";
import { Id, now } from "../shared/ids";
import { TtlCache } from "../shared/ttl-cache";
import { ConversationSurvey, type SurveyJob } from "./conversation-survey";
import { ConversationChanges } from "./conversation-changes";
import { factsOf } from "../shared/analytics/tracker";
import type { MessageChange } from "../shared/message-change";
import type { RoutingRequest } from "../shared/routing-config";
import type { ConversationFacts } from "../shared/analytics/facts";

/** What the gateway has verified about a socket; kept in the WebSocket attachment so it survives hibernation. */
export const SocketIdentity = z.object({
  participant: ParticipantRef,
  /** Visitor identity verification: the user id and the hash presented on the handshake. */
  userId: z.string().optional(),
  userHash: z.string().optional(),
  /** When the token the socket was opened with expires (epoch ms): the socket ends then (TOKEN_EXPIRED). */
  expiresAt: z.int().optional(),
});
export type SocketIdentity = z.infer<typeof SocketIdentity>;

export const CONNECT_HEADER = "x-edgedesk-identity";
/** Close code for a socket whose token expired: clients reconnect with a fresh token and resume. */
export const TOKEN_EXPIRED = 4401;
export const IDENTITY_SECRET_HEADER = "x-edgedesk-identity-secret";

export type Actor = { kind: "customer" | "agent" | "bot" | "system" | "api"; id: string };
export type CreateInit = {
  tenantId: string;
  conversationId: string;
  channel: ChannelName;
  contactId: string;
  subject?: string | null;
  externalThreadId?: string | null;
  actor: Actor;
};
export type Posted = { message: StandardMessage; duplicate: boolean };
/** Work for the tenant's assistant, carried by the outbox: a customer turn while the bot holds the conversation, or an outcome to learn from. */
export type BotJob = { op: "turn"; message_id: string; text: string; contact_id: string; channel: string } | { op: "outcome"; outcome: Outcome };

const BOT = { kind: "bot", id: "bot" } as const satisfies Actor;

/**
 * One verified inbound item from a channel adapter, addressed to its deterministic conversation. `sentAt` is the
 * provider's send time; `event` marks something that happened (a call, an auto-reply) rather than the customer
 * writing; `routing` asks for a person with these hints (an IVR choice).
 */
export type Ingest = {
  init: CreateInit & { contact: ContactHint };
  sender: Sender;
  input: MessageInput;
  providerMessageId: string;
  sentAt?: number;
  event?: boolean;
  routing?: RoutingRequest;
};
/** An edit, retraction or reaction reported by a provider, for the message it names. */
export type IngestChange = { providerMessageId: string; sender: Sender; change: MessageChange; at?: number };
/** How a message is written besides its content: the provider's id and send time, and whether it is a channel event. */
export type PostOptions = { providerMessageId?: string; sentAt?: number; event?: boolean; from?: WebSocket };

const EVENT_BATCH = 100;
const OUTBOX_RETRY_MS = 10_000;
const EVENT_COALESCE_MS = 250;
const HISTORY_PAGE = 500;

const notFound = { ok: false, status: 404, title: "not found", detail: "no such conversation" } as const;

/**
 * One conversation: the only writer of its messages. Hibernatable WebSockets fan out every change;
 * a transactional outbox carries domain events to the `events` queue after they are durable.
 */
export class Conversation extends DurableObject<Env> {
  private readonly store: ConversationStore;
  private readonly survey: ConversationSurvey;
  private readonly changes: ConversationChanges;
  private readonly identities = new WeakMap<WebSocket, SocketIdentity>();
  private readonly gate = new SocketGate(MAX_FRAME_BYTES, this.env);
  /** Frames are applied strictly in arrival order even when one of them awaits (identity check). */
  private tail: Promise<void> = Promise.resolve();
  private flushing: Promise<void> | null = null;
  private alarmArmed = false;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** HMACs already computed for this conversation's customers; bounded, since every user id adds one. */
  private readonly expectedHashes = new TtlCache<string>(64, 3_600_000);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new ConversationStore(ctx.storage);
    this.changes = new ConversationChanges({ store: this.store, broadcast: (f) => this.broadcast(f), scheduleFlush: (urgent) => this.scheduleFlush(urgent), post: (sender, input, opts) => this.post(sender, input, opts) });
    this.survey = new ConversationSurvey({ store: this.store, env, broadcast: (f, except) => this.broadcast(f, except), scheduleFlush: (urgent) => this.scheduleFlush(urgent) });
    ctx.blockConcurrencyWhile(() => this.store.load());
  }

  async create(init: CreateInit & { contact?: ContactHint }): Promise<Result<{ conversation: ConversationSnapshot; created: boolean }>> {
    if (this.store.exists) {
      const existing = this.store.snapshot();
      if (existing.tenant_id !== init.tenantId) return notFound;
      return { ok: true, value: { conversation: existing, created: false } };
    }
    const bot = await this.botTakes(init.tenantId, init.channel);
    await this.store.create({
      tenantId: init.tenantId,
      conversationId: init.conversationId,
      channel: init.channel,
      bot,
      status: "open",
      contactId: init.contactId,
      subject: init.subject ?? null,
      externalThreadId: init.externalThreadId ?? null,
      identitySecret: null,
    });
    this.store.emitCreated(init.actor, init.contact);
    this.scheduleFlush();
    return { ok: true, value: { conversation: this.store.snapshot(), created: true } };
  }

  /** A bot that cannot be asked is a bot that is off: routing must never wait on the AI layer. */
  private async botTakes(tenantId: string, channel: string): Promise<boolean> {
    try {
      return await assistantStub(this.env, tenantId).botFor(tenantId, channel);
    } catch (err) {
      console.warn(JSON.stringify({ level: "warn", msg: "assistant unreachable; the conversation goes straight to routing", tenant: tenantId, error: String(err) }));
      return false;
    }
  }

  get(): Result<ConversationSnapshot> {
    return this.store.exists ? { ok: true, value: this.store.snapshot() } : notFound;
  }

  history(afterSeq: number, limit: number): Result<{ messages: StandardMessage[]; last_seq: number }> {
    if (!this.store.exists) return notFound;
    return { ok: true, value: { messages: this.store.after(afterSeq, limit), last_seq: this.store.seq } };
  }

  /**
   * A channel delivery in one round trip: the conversation is found or created from its deterministic name,
   * and the provider's message id is the idempotency key, so a provider retry stores nothing new.
   */
  async ingest(items: Ingest[]): Promise<Result<Posted[]>> {
    const out: Posted[] = [];
    for (const item of items) {
      const created = await this.create(item.init);
      if (!created.ok) return created;
      const wantsPerson = !item.event || item.routing !== undefined;
      if (wantsPerson && this.store.current.status === "closed" && !this.store.byClientMsgId(item.input.client_msg_id) && !this.survey.answerOf(item.sender, item.input)) {
        this.apply("resume", { kind: "customer", id: item.init.contactId });
      }
      const r = this.post(item.sender, item.input, { providerMessageId: item.providerMessageId, sentAt: item.sentAt, event: item.event });
      if (!r.ok) return r;
      out.push(r.value);
      if (item.routing && !r.value.duplicate) this.askForPerson(item.init.contactId, item.routing, customerText(item.input.parts));
    }
    return { ok: true, value: out };
  }

  /** An IVR choice or a call: the conversation goes to a person with these hints unless one already has it. */
  private askForPerson(contactId: string, routing: RoutingRequest, text: string): void {
    const customer = { kind: "customer", id: contactId } as const;
    if (this.store.current.status === "resolved") this.apply("reopen", customer);
    if (this.store.current.status === "open") this.apply("queue", customer, { routing, ...(text ? { text } : {}) });
    this.scheduleFlush();
  }

  /** Edits, retractions and reactions from a provider (objects/conversation-changes.ts). */
  change(items: IngestChange[]): Result<StandardMessage[]> {
    if (!this.store.exists) return notFound;
    return { ok: true, value: this.changes.fromProvider(items) };
  }

  /** "Delivered/read up to here" (Messenger and Instagram watermarks) applied to every reply it covers. */
  watermark(status: "delivered" | "read", upTo: number): Result<number> {
    if (!this.store.exists) return notFound;
    const covered = this.store.outboundThrough(upTo, status);
    for (const m of covered) this.delivery({ messageId: m.id }, status);
    return { ok: true, value: covered.length };
  }

  /** Delivery progress from the outbound consumer (by message id) or a provider status callback (by provider id). */
  delivery(ref: { messageId?: string; providerMessageId?: string }, status: Exclude<DeliveryStatus, "pending">, reason?: string, providerMessageId?: string): Result<StandardMessage | null> {
    if (!this.store.exists) return notFound;
    const target = ref.messageId ?? (ref.providerMessageId ? this.store.byProviderId(ref.providerMessageId)?.id : undefined);
    if (!target) return { ok: true, value: null };
    const updated = this.store.setDelivery(target, status, reason ?? null, providerMessageId);
    if (updated) {
      this.broadcast({ type: "delivery", message_id: updated.id, seq: updated.seq, status, ...(reason ? { reason } : {}) });
      this.scheduleFlush();
    }
    return { ok: true, value: updated };
  }

  /** `from` is the sending socket: it gets an ack carrying id and seq, not an echo of its own message. */
  post(sender: Sender, input: MessageInput, opts: PostOptions = {}): Result<Posted> {
    if (!this.store.exists) return notFound;
    const { providerMessageId, from } = opts;
    const prior = this.store.byClientMsgId(input.client_msg_id);
    if (prior) return { ok: true, value: { message: prior, duplicate: true } };
    if (opts.event) return this.recordEvent(sender, input, opts);
    const answer = this.survey.answerOf(sender, input);
    if (answer) return this.survey.record(sender, input, answer, opts);
    if (sender.kind === "customer" && this.store.current.survey) this.store.setSurvey(null);
    const status = this.store.current.status;
    if (status === "closed") return { ok: false, status: 409, title: "conversation closed", detail: "a closed conversation takes no new messages" };
    if (status === "resolved" && sender.kind === "customer") this.apply("reopen", { kind: "customer", id: sender.id });
    const customer = sender.kind === "customer";
    const text = customer ? customerText(input.parts) : "";
    const open = customer && this.store.current.status === "open";
    const toBot = open && this.store.current.bot;
    const extras: AppendExtras = customer && text ? observeMessage(this.store.insights<Insights>() ?? EMPTY_INSIGHTS, this.store.seq + 1, text, now()) : {};
    if (toBot) {
      const m = this.store.current;
      extras.botTurn = (message) => ({ op: "turn", message_id: message.id, text, contact_id: m.contactId, channel: m.channel } satisfies BotJob);
    }
    const message = this.store.append({
      client_msg_id: input.client_msg_id,
      channel: this.store.current.channel as ChannelName,
      direction: customer ? "inbound" : "outbound",
      sender,
      parts: input.parts,
      metadata: input.metadata ?? {},
      ...(opts.sentAt !== undefined ? { sent_at: opts.sentAt } : {}),
    }, providerMessageId, extras);
    this.broadcast({ type: "message", message }, from);
    // Without the bot, a customer who writes in an open conversation is waiting for a person.
    const routed = open && !toBot;
    if (routed) this.apply("queue", { kind: "system", id: "router" }, { text });
    // A reply to a provider, a routing request or a bot turn is waited on; a plain chat message's event can ride along later.
    this.scheduleFlush(routed || toBot || message.delivery !== undefined);
    return { ok: true, value: { message, duplicate: false } };
  }

  /**
   * What the channel reported (a call ringing, an IVR choice, an auto-reply): kept in the conversation, in any
   * state, as an inbound system message that is nobody's reply and asks nobody for anything.
   */
  private recordEvent(sender: Sender, input: MessageInput, opts: PostOptions): Result<Posted> {
    const message = this.store.append(
      {
        client_msg_id: input.client_msg_id,
        channel: this.store.current.channel as ChannelName,
        direction: "inbound",
        sender: sender.kind === "system" ? sender : { kind: "system", id: this.store.current.channel },
        parts: input.parts,
        metadata: input.metadata ?? {},
        ...(opts.sentAt !== undefined ? { sent_at: opts.sentAt } : {}),
      },
      opts.providerMessageId,
      {},
    );
    this.broadcast({ type: "message", message });
    this.scheduleFlush(false);
    return { ok: true, value: { message, duplicate: false } };
  }

  /** The conversation's metrics so far, with where its status stands, for live views. */
  facts(): Result<{ status: string; channel: string; facts: ConversationFacts }> {
    if (!this.store.exists) return notFound;
    const m = this.store.current;
    return { ok: true, value: { status: m.status, channel: m.channel, facts: factsOf(m.analytics) } };
  }

  insights(): Result<Insights> {
    if (!this.store.exists) return notFound;
    return { ok: true, value: this.store.insights<Insights>() ?? EMPTY_INSIGHTS };
  }

  /** A quality flag raised elsewhere (the desk's SLA timers): recorded here, where the agent reads insights. */
  flag(flag: QualityFlag, detail?: string): Result<Insights> {
    if (!this.store.exists) return notFound;
    const insights = withFlag(this.store.insights<Insights>() ?? EMPTY_INSIGHTS, flag, now(), detail);
    this.store.setInsights(insights, { flag, ...(detail ? { detail } : {}) });
    this.scheduleFlush(false);
    return { ok: true, value: insights };
  }

  private recordAnalysis(a: Analysis, extra: Partial<Insights> = {}): void {
    const i = this.store.insights<Insights>() ?? EMPTY_INSIGHTS;
    const intent = a.intent.intent === "unknown" && i.intent ? i.intent : { intent: a.intent.intent, confidence: a.intent.confidence, provider: a.intent.provider };
    this.store.setInsights({ ...withEntities(i, a.entities), intent, lang: a.lang, ...extra });
  }

  /** Applies the assistant's turn; every step is idempotent, since the outbox may deliver a turn twice. */
  private applyTurn(job: Extract<BotJob, { op: "turn" }>, turn: BotTurn): void {
    if (turn.analysis) this.recordAnalysis(turn.analysis, turn.predicted ? { predicted: turn.predicted } : {});
    if (turn.parts.length) this.post({ ...BOT, name: turn.sender_name }, { client_msg_id: `bot:${job.message_id}`, parts: turn.parts });
    if (this.store.current.status !== "open") return;
    if (turn.action === "resolve") this.apply("resolve", BOT);
    else if (turn.handoff || turn.action === "skip") {
      if (turn.handoff) this.store.setInsights({ ...(this.store.insights<Insights>() ?? EMPTY_INSIGHTS), handoff: { reason: turn.handoff.reason, at: now() } });
      this.apply("queue", BOT, { routing: turn.handoff?.routing ?? {}, text: job.text });
    }
  }

  /**
   * A failed turn must not hold the outbox (and every event behind it) hostage: the customer goes to a person
   * instead, and a lost outcome only costs the policy one lesson.
   */
  private async runBot(job: BotJob): Promise<void> {
    const m = this.store.current;
    const assistant = assistantStub(this.env, m.tenantId);
    try {
      if (job.op === "outcome") await assistant.outcome(m.tenantId, m.conversationId, job.outcome);
      else this.applyTurn(job, await assistant.turn(m.tenantId, { conversation_id: m.conversationId, message_id: job.message_id, contact_id: job.contact_id, channel: job.channel, text: job.text }));
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "bot job failed; a person takes over", op: job.op, conversation: m.conversationId, error: String(err) }));
      if (job.op === "turn" && this.store.current.status === "open") this.apply("queue", { kind: "system", id: "router" }, { text: job.text });
    }
  }

  act(action: StateAction, actor: Actor, opts: ActOptions = {}): Result<ConversationSnapshot> {
    if (!this.store.exists) return notFound;
    if (action === "assign" && !Id.safeParse(opts.assigneeId).success) return { ok: false, status: 422, title: "invalid request", detail: "assignee_id: an agent id is required to assign" };
    if (action === "transfer" && !opts.transferTo) return { ok: false, status: 422, title: "invalid request", detail: "transfer_to: required to transfer" };
    const r = this.apply(action, actor, opts);
    if (!r.ok) return r;
    this.scheduleFlush();
    return r;
  }

  /** Live queue position for the customer (#10059); not stored, the desk re-sends it when it changes. */
  queueStatus(position: number, estimatedWaitS: number | null): void {
    this.broadcast({ type: "queue", position, estimated_wait_s: estimatedWaitS });
  }

  /** A system message (out-of-hours reply, desk notices), idempotent by its key. */
  systemNotice(key: string, text: string): Result<Posted> {
    return this.post({ kind: "system", id: "desk" }, { client_msg_id: key.slice(0, 128), parts: [{ type: "text", text }] });
  }

  private apply(action: InternalAction, actor: Actor, opts: ActOptions = {}): Result<ConversationSnapshot> {
    const m = this.store.current;
    const from = m.status as ConversationSnapshot["status"];
    const t = transition(from, action);
    if (!t.ok) return { ok: false, status: 409, title: "illegal state change", detail: t.reason };
    const keepsAssignee = action === "resolve" || action === "close";
    const assigneeId = action === "assign" ? opts.assigneeId! : keepsAssignee ? m.assigneeId : null;
    if (action === "assign" && opts.queueId) this.store.noteRouting({ queue: opts.queueId, team: opts.team ?? null });
    const type = (
      { queue: "conversation.queued", assign: "conversation.assigned", transfer: "conversation.transferred", resolve: "conversation.resolved", reopen: "conversation.reopened", resume: "conversation.reopened", close: "conversation.closed" } as const
    )[action];
    const snapshot = this.store.update(
      { status: t.to, assigneeId, lastAgentId: m.assigneeId ?? m.lastAgentId },
      { type, actor, ...(opts.note ? { note: opts.note } : {}) },
      opts.fromDesk ? undefined : deskOpFor(action, from, actor, opts),
    );
    this.broadcast({ type: "state", conversation: snapshot });
    // Nobody is asked about a wait they gave up on.
    if ((action === "resolve" || action === "close") && !(from === "queued" && actor.kind === "customer")) {
      this.store.enqueueSurvey({ trigger: action === "resolve" ? "resolved" : "closed", rev: snapshot.rev } satisfies SurveyJob);
    }
    // A customer who leaves while the bot still holds the conversation is the policy's worst outcome.
    if (m.bot && from === "open" && (action === "close" || action === "resolve") && (actor.kind === "customer" || actor.kind === "system")) {
      this.store.enqueueBot({ op: "outcome", outcome: { kind: "abandoned" } } satisfies BotJob);
    }
    return { ok: true, value: snapshot };
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    if (!this.store.exists) return new Response("no such conversation", { status: 404 });
    const identity = SocketIdentity.safeParse(JSON.parse(request.headers.get(CONNECT_HEADER) ?? "null"));
    if (!identity.success) return new Response("missing identity", { status: 400 });
    const who = identity.data;
    if (who.participant.kind === "customer") {
      if (who.participant.id !== this.store.current.contactId) return new Response("not your conversation", { status: 403 });
      this.store.setIdentitySecret(request.headers.get(IDENTITY_SECRET_HEADER));
    }
    const query = new URL(request.url).searchParams;
    const lastSeq = Math.max(0, Number(query.get("last_seq") ?? 0) || 0);
    const sinceRev = Number(query.get("since_rev") ?? NaN);
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [who.participant.kind, who.participant.id]);
    server.serializeAttachment(who);
    this.identities.set(server, who);
    this.store.join(who.participant);
    this.send(server, { type: "welcome", conversation: this.store.snapshot(), you: who.participant, resumed_from: lastSeq });
    for (let after = lastSeq; ; ) {
      const page = this.store.after(after, HISTORY_PAGE);
      for (const message of page) this.send(server, { type: "message", message });
      if (page.length < HISTORY_PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    // Messages the client already has but that changed while it was away (edits, reactions, deliveries).
    if (lastSeq > 0 && Number.isSafeInteger(sinceRev) && sinceRev >= 0) {
      for (const message of this.store.changedSince(sinceRev, lastSeq)) this.send(server, { type: "message_update", message });
    }
    this.broadcast({ type: "presence", participant: who.participant, status: "online" }, server);
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    if (this.expired(ws)) return Promise.resolve();
    // Refused before queueing: a flood must not delay the frames of everyone else on the conversation.
    if (this.gate.refuse(ws, data, (r) => this.fail(ws, r.code, r.message))) return Promise.resolve();
    this.tail = this.tail.then(() => this.onFrame(ws, data)).catch((err) => {
      console.error(JSON.stringify({ level: "error", msg: "frame failed", error: String(err) }));
      this.send(ws, { type: "error", code: "internal", message: "the frame could not be processed" });
    });
    return this.tail;
  }

  private async onFrame(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
    } catch {
      return this.fail(ws, "invalid_json", "the frame is not valid JSON");
    }
    const parsed = ClientFrame.safeParse(raw);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
      const cmid = (raw as { client_msg_id?: unknown } | null)?.client_msg_id;
      return this.fail(ws, "invalid_frame", detail, typeof cmid === "string" ? cmid : undefined);
    }
    const who = this.identity(ws);
    if (who.participant.kind === "customer" && !(await this.identityHolds(who))) {
      this.fail(ws, "identity_invalid", "identity verification failed; start a new session");
      ws.close(4001, "identity verification failed");
      return;
    }
    const frame = parsed.data;
    switch (frame.type) {
      case "message": {
        let r: Result<Posted>;
        try {
          r = this.post(this.senderOf(who), frame, { from: ws });
        } catch (err) {
          // Nothing was stored (the write rolled back): the client may retry the same client_msg_id.
          console.error(JSON.stringify({ level: "error", msg: "message not stored", error: String(err) }));
          return this.fail(ws, "internal", "the message was not stored; retry it", frame.client_msg_id);
        }
        if (!r.ok) return this.fail(ws, r.status === 409 ? "closed" : "invalid_frame", r.detail ?? r.title, frame.client_msg_id);
        const { message, duplicate } = r.value;
        this.send(ws, { type: "ack", client_msg_id: frame.client_msg_id, message_id: message.id, seq: message.seq, duplicate });
        return;
      }
      case "typing":
        return this.broadcast({ type: "typing", participant: who.participant, on: frame.on }, ws);
      case "read": {
        const seq = this.store.markRead(who.participant, frame.seq);
        this.broadcast({ type: "read", participant: who.participant, seq });
        this.scheduleFlush();
        return;
      }
      case "ping":
        return this.send(ws, { type: "pong" });
      case "edit":
      case "retract":
      case "react": {
        const refused = this.changes.fromFrame(frame, this.senderOf(who));
        if (refused) this.fail(ws, refused.code, refused.message);
        return;
      }
      default:
        assertNever(frame);
    }
  }

  private senderOf(who: SocketIdentity): Sender {
    const kind = who.participant.kind === "supervisor" ? "agent" : who.participant.kind;
    return { kind, id: who.participant.id, ...(who.participant.name ? { name: who.participant.name } : {}) };
  }

  /** Re-checked on every customer frame against the tenant secret the conversation holds now. */
  private async identityHolds(who: SocketIdentity): Promise<boolean> {
    const secret = this.store.current.identitySecret;
    if (!secret) return true;
    if (!who.userId || !who.userHash) return false;
    const key = `${secret}\u0000${who.userId}`;
    let expected = this.expectedHashes.get(key, now());
    if (!expected) {
      expected = await identityHash(who.userId, secret);
      this.expectedHashes.set(key, expected, now());
    }
    return timingSafeEqual(expected, who.userHash);
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    const who = this.identity(ws);
    const stillHere = this.ctx.getWebSockets(who.participant.id).some((s) => s !== ws && s.readyState === WebSocket.OPEN);
    if (!stillHere) this.broadcast({ type: "presence", participant: who.participant, status: "offline" }, ws);
    try {
      ws.close(code === 1005 ? 1000 : code, "closing");
    } catch {
      // already closed by the runtime
    }
  }

  private identity(ws: WebSocket): SocketIdentity {
    let who = this.identities.get(ws);
    if (!who) {
      who = ws.deserializeAttachment() as SocketIdentity;
      this.identities.set(ws, who);
    }
    return who;
  }

  private send(ws: WebSocket, frame: ServerFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // the peer is gone; its close handler tidies up
    }
  }

  private fail(ws: WebSocket, code: ErrorCode, message: string, clientMsgId?: string): void {
    this.send(ws, { type: "error", code, message, ...(clientMsgId ? { client_msg_id: clientMsgId } : {}) });
  }

  /**
   * Ends a socket whose token has expired, checked whenever it sends or would be sent something: a token that
   * lapsed (or was replaced after a revoked sign-in) reads and writes nothing more on the socket it opened.
   */
  private expired(ws: WebSocket, at = Date.now()): boolean {
    const expiresAt = this.identity(ws).expiresAt;
    if (expiresAt === undefined || at < expiresAt) return false;
    try {
      ws.close(TOKEN_EXPIRED, "token expired");
    } catch {
      // already closing
    }
    return true;
  }

  private broadcast(frame: ServerFrame, except?: WebSocket): void {
    const text = JSON.stringify(frame);
    const at = Date.now();
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except || this.expired(ws, at)) continue;
      try {
        ws.send(text);
      } catch {
        // closing socket
      }
    }
  }

  /** Sends outbox rows to the events queue; the alarm is the safety net if this instance dies first. */
  /**
   * Sends outbox rows to their queues. Events may wait EVENT_COALESCE_MS so a burst of messages shares one
   * queue send; what a provider or the desk is waiting for goes at once. The alarm is the safety net if this
   * instance dies first.
   */
  private scheduleFlush(urgent = true): void {
    if (!urgent) {
      this.armAlarm();
      this.flushTimer ??= setTimeout(() => {
        this.flushTimer = null;
        this.scheduleFlush();
      }, EVENT_COALESCE_MS);
      return;
    }
    if (this.flushing) return;
    this.flushing = this.flush()
      .catch((err) => console.error(JSON.stringify({ level: "warn", msg: "outbox flush failed; the alarm retries", error: String(err) })))
      .finally(() => {
        this.flushing = null;
      });
  }

  private armAlarm(): void {
    if (this.alarmArmed) return;
    this.alarmArmed = true;
    this.ctx.storage.setAlarm(now() + OUTBOX_RETRY_MS).catch(() => {
      this.alarmArmed = false;
    });
  }

  private async flush(): Promise<void> {
    let rows = this.store.pendingEvents(EVENT_BATCH);
    if (rows.length === 0) return;
    this.armAlarm();
    for (; rows.length > 0; rows = this.store.pendingEvents(EVENT_BATCH)) {
      const events = rows.filter((r) => r.queue === "events");
      const outbound = rows.filter((r) => r.queue === "outbound");
      await Promise.all([
        ...packEvents(events.map((r) => r.body)).map((chunk) => this.env.EVENTS.send({ events: chunk } satisfies EventEnvelope)),
        outbound.length ? this.env.OUTBOUND.sendBatch(outbound.map((r) => ({ body: JSON.parse(r.body) }))) : null,
      ]);
      this.store.markEventsSent(events.map((r) => r.rowid));
      if (outbound.length) this.store.ackNow(outbound.map((r) => r.id));
      // Desk operations go one at a time, in order: the desk must see enqueue before finish.
      for (const r of rows.filter((x) => x.queue === "desk")) {
        const found = await deliverDeskOp(this.env, this.store.snapshot(), this.store.current.lastAgentId, JSON.parse(r.body) as DeskOp, this.store.insights<Insights>());
        if (found.queue) this.store.noteRouting({ queue: found.queue });
        if (found.analysis) this.recordAnalysis(found.analysis);
        if (found.repeated) this.flag("repeated_contact", found.repeated);
        this.store.ackNow([r.id]);
      }
      for (const r of rows.filter((x) => x.queue === "survey")) {
        await this.survey.ask(JSON.parse(r.body) as SurveyJob);
        this.store.ackNow([r.id]);
      }
      // A turn's own writes (the bot's reply, a handoff) are new outbox rows, sent by the next round of this loop.
      for (const r of rows.filter((x) => x.queue === "bot")) {
        await this.runBot(JSON.parse(r.body) as BotJob);
        this.store.ackNow([r.id]);
      }
    }
  }

  /** Fires after a flush that may not have finished; a failed flush re-arms it. */
  override async alarm(): Promise<void> {
    this.alarmArmed = false;
    if (!this.store.exists) return;
    this.scheduleFlush();
    await this.flushing;
    this.store.purgeSent();
  }
}
