import { DurableObject } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { z } from "zod";
import { DeskStore, touchedBy, type Analytics, type DecisionOutcome } from "./routing-desk-store";
import { Desk, type Effect } from "../shared/routing/desk";
import type { Explanation } from "../shared/routing/breakdown";
import { observeQueue } from "../shared/routing/desk-estimates";
import { onShift, used } from "../shared/routing/desk-capacity";
import { Agent, type AgentStatus, type RoutingRule, type Task } from "../shared/routing/schemas";
import { selectQueue, type RoutingAttributes } from "../shared/routing/rules";
import { RoutingConfig, queuesOf, type TransferTarget } from "../shared/routing-config";
import { DeskClientFrame, MAX_DESK_FRAME_BYTES, type DeskServerFrame, type DeskOverview, type QueueSummary } from "../shared/desk-protocol";
import { SocketGate } from "./socket-gate";
import { assertNever } from "../shared/protocol";
import { agents, routingConfig } from "../db/schema";
import { conversationStub } from "./conversation-stub";
import type { Result } from "../shared/result";
import { now } from "../shared/ids";
import { countToday, countsToday, liveCounters, liveKey, todayOf, type LiveCounters, type TodayCounters } from "../shared/routing/desk-live";
import { activityChanges, type Presence } from "../shared/routing/desk-activity";
import { packEvents, type EventEnvelope } from "../shared/events";
import { loadSettings } from "./analytics-settings";

export const DESK_IDENTITY_HEADER = "x-edgedesk-desk-identity";
const DeskIdentity = z.object({ agent_id: z.string(), role: z.enum(["agent", "supervisor", "admin"]) });
type DeskIdentity = z.infer<typeof DeskIdentity>;

/** Supervisors' live counters go out at most this often when they change… */
const LIVE_THROTTLE_MS = 1000;
/**
 * …and, while anyone waits, at least this often even when no count changed: the longest waits grow with the clock
 * alone and no command would otherwise carry them to the wallboard. Five seconds keeps them fresh enough to read
 * while costing one alarm per five seconds, and only with a supervisor connected.
 */
const LIVE_HEARTBEAT_MS = 5000;
/** An alarm this close to the desk's deadline runs the tick (ticking early is harmless: every deadline is compared with now). */
const DEADLINE_SLACK_MS = 50;
/** Activity events read from the outbox per queue send (packEvents splits them further by size). */
const EVENT_BATCH = 100;
/** A failed send of activity events is tried again by the alarm after this long, if no command tries first. */
const EVENT_RETRY_MS = 10_000;

const OUTCOME: Partial<Record<Effect["type"], DecisionOutcome>> = { assigned: "accepted", offer_expired: "expired" };

/**
 * One desk per tenant: the only place assignment decisions are made. The pure desk (shared/routing/desk.ts)
 * decides; this object keeps its state in memory and in SQLite (one row per touched entity), carries out
 * the effects (offers on agents' desk sockets, assignments on conversations) and sets its alarm for the
 * next deadline. Name: `${tenantId}:desk`.
 */
export class RoutingDesk extends DurableObject<Env> {
  private readonly store: DeskStore;
  private desk: Desk | null = null;
  private tenantId = "";
  private rules: RoutingRule[] = [];
  private defaultQueue = "default";
  /** Today's answered and abandoned contacts (the desk state keeps no dated history), as stored in SQLite. */
  private today: TodayCounters | null = null;
  /** The tenant's analytics time zone: "today" on the wallboard is the day its rollups and reports call today. */
  private zone = "UTC";
  /** Each agent's activity interval in progress, as stored in SQLite. */
  private presence: Record<string, Presence> = {};
  /**
   * The single alarm serves the desk's own deadline (its state's `quiet_until`), the owed live push and the retry
   * of unsent activity events, whichever comes first.
   */
  private live: { pushed_at: number; key: string | null; due: number | null } = { pushed_at: -Infinity, key: null, due: null };
  private retryAt: number | null = null;
  private sendingEvents = false;
  /** Sockets accepted but not yet sent their hello, which carries the live counters: no live frame comes before it. */
  private readonly greeting = new Set<WebSocket>();
  private readonly gate = new SocketGate(MAX_DESK_FRAME_BYTES, this.env);
  /** What the alarm was last set to by this instance; undefined: not known. */
  private alarmAt: number | null | undefined = undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new DeskStore(ctx.storage);
    ctx.blockConcurrencyWhile(async () => {
      await this.store.migrate();
      const loaded = this.store.load();
      if (loaded) {
        this.tenantId = loaded.tenantId;
        this.rules = loaded.rules;
        this.desk = new Desk(loaded.state);
        const today = this.store.today();
        if (today) [this.zone, this.today] = [today.tz, today.counters];
        this.presence = this.store.presence();
        // The stored zone holds until D1 answers: a restart neither waits for it nor moves the day's bounds.
        void this.refreshZone(loaded.tenantId);
        // After a crash or a restart no console socket survived (after hibernation they all did): stored
        // presence is only what was true before.
        await this.syncConnections(Object.keys(loaded.state.agents));
      }
    });
  }

  /** First use: the authoritative configuration and roster come from D1; afterwards the admin API pushes changes. */
  private async ready(tenantId: string): Promise<Desk> {
    if (this.desk) return this.desk;
    const d = drizzle(this.env.DB);
    const [configRow, roster] = await Promise.all([
      d.select().from(routingConfig).where(eq(routingConfig.tenantId, tenantId)).get(),
      d.select().from(agents).where(eq(agents.tenantId, tenantId)).all(),
      this.refreshZone(tenantId),
    ]);
    if (this.desk) return this.desk;
    const config = RoutingConfig.parse(configRow?.body ?? {});
    this.tenantId = tenantId;
    this.rules = config.rules;
    this.defaultQueue = config.default_queue_id;
    const queues = queuesOf(config);
    this.desk = Desk.create(
      { settings: config.settings, queues, calendars: config.calendars, agents: roster.map((a) => Agent.parse({ id: a.id, name: a.name, ...(a.routing ?? {}), csat: a.csat })) },
      now(),
    );
    const analytics = this.analytics([], now());
    this.store.save(tenantId, this.desk.state, this.rules, "all", analytics.write);
    analytics.commit();
    await this.syncConnections(Object.keys(this.desk.state.agents));
    return this.desk;
  }

  /**
   * Connected means a live desk socket: an offer travels only on it. An agent the desk knows as connected
   * without one (new on the roster, or stale after a restart) is disconnected, so nothing is offered to a console
   * nobody has open; one with a socket it had counted as gone is connected again.
   */
  private async syncConnections(agentIds: string[]): Promise<void> {
    const desk = this.desk!;
    const t = now();
    for (const id of agentIds) {
      const agent = desk.state.agents[id];
      if (!agent) continue;
      const live = this.ctx.getWebSockets(id).some((s) => s.readyState === WebSocket.OPEN);
      if (live && agent.disconnected_at !== null) await this.run(desk.connect(id, t), { agents: [id] });
      else if (!live && agent.disconnected_at === null) await this.run(desk.disconnect(id, t), { agents: [id] });
    }
  }

  async configure(tenantId: string, config: RoutingConfig): Promise<void> {
    const desk = await this.ready(tenantId);
    this.rules = config.rules;
    this.defaultQueue = config.default_queue_id;
    const queues = queuesOf(config);
    await this.run(desk.configure({ settings: config.settings, queues, calendars: config.calendars }, now()), "all");
  }

  async upsertAgent(tenantId: string, agent: Agent): Promise<void> {
    const desk = await this.ready(tenantId);
    const current = desk.state.agents[agent.id];
    // The roster sync never overrides live presence: status belongs to the agent's console.
    await this.run(desk.upsertAgent({ ...agent, status: current?.status ?? agent.status }, now()), { agents: [agent.id] });
    if (!current) await this.syncConnections([agent.id]);
  }

  async setStatus(tenantId: string, agentId: string, status: AgentStatus): Promise<Result<null>> {
    const desk = await this.ready(tenantId);
    if (!desk.state.agents[agentId]) return { ok: false, status: 404, title: "not found", detail: "no such agent on this desk" };
    await this.run(desk.agentStatus(agentId, status, now()), { agents: [agentId] });
    return { ok: true, value: null };
  }

  /** A conversation needs an agent: rules pick the queue, then the desk offers it. Repeats are no-ops. */
  async enqueue(tenantId: string, task: Task, attrs: RoutingAttributes): Promise<{ queue_id: string; rule_id: string | null }> {
    const desk = await this.ready(tenantId);
    const t = now();
    const picked = this.pickQueue(desk, attrs, t);
    await this.run(desk.arrive(task, picked.queue_id, t), { conversations: [task.conversation_id] });
    return picked;
  }

  /** The queue a conversation with these attributes would enter now, without entering it (the bot asks, per queue). */
  async queueFor(tenantId: string, attrs: RoutingAttributes): Promise<string> {
    const desk = await this.ready(tenantId);
    return this.pickQueue(desk, attrs, now()).queue_id;
  }

  private pickQueue(desk: Desk, attrs: RoutingAttributes, t: number): { queue_id: string; rule_id: string | null } {
    const match = selectQueue(this.rules, attrs, t, desk.state.config.calendars);
    const queueId = match && desk.state.config.queues[match.queue_id] ? match.queue_id : desk.state.config.queues[this.defaultQueue] ? this.defaultQueue : Object.keys(desk.state.config.queues)[0]!;
    return { queue_id: queueId, rule_id: match?.rule_id ?? null };
  }

  async transfer(tenantId: string, conversationId: string, to: TransferTarget, note: string): Promise<Result<null>> {
    const desk = await this.ready(tenantId);
    const fx = desk.transfer(conversationId, to, note, now());
    const invalid = fx.find((e) => e.type === "invalid");
    await this.run(fx, { conversations: [conversationId] });
    return invalid ? { ok: false, status: 409, title: "transfer refused", detail: invalid.reason } : { ok: true, value: null };
  }

  /**
   * An agent took a waiting conversation by hand (REST assign): the desk counts it in their load. If they have
   * no room, the desk stops routing it instead (the assignment already happened on the conversation).
   */
  async claim(tenantId: string, conversationId: string, agentId: string): Promise<void> {
    const desk = await this.ready(tenantId);
    if (!desk.state.waiting[conversationId]) return;
    const t = now();
    let fx = desk.claim(conversationId, agentId, t);
    if (fx.some((e) => e.type === "invalid")) fx = [...fx.filter((e) => e.type !== "invalid"), ...desk.resolve(conversationId, t)];
    // The conversation is already assigned; the desk's "assigned" effect must not assign it again (but it was answered).
    await this.run(
      fx.filter((e) => !(e.type === "assigned" && e.conversation_id === conversationId)),
      { conversations: [conversationId], agents: [agentId] },
      fx,
    );
  }

  /** The conversation ended (resolved or closed) or the customer left while waiting. Unknown ids are fine. */
  async finish(tenantId: string, conversationId: string, how: "resolve" | "abandon"): Promise<void> {
    const desk = await this.ready(tenantId);
    const t = now();
    const fx = how === "abandon" && desk.state.waiting[conversationId] ? desk.abandon(conversationId, t) : desk.resolve(conversationId, t);
    await this.run(fx, { conversations: [conversationId] });
  }

  /** A conversation's quality flag (negative spike, repeat contact) on the supervisors' screens. */
  async flag(tenantId: string, conversationId: string, flag: string, detail?: string): Promise<void> {
    const desk = await this.ready(tenantId);
    const queueId = desk.state.waiting[conversationId]?.queue.id ?? "";
    this.toSupervisors({ type: "alert", kind: "quality_flag", conversation_id: conversationId, queue_id: queueId, flag, ...(detail ? { detail } : {}) });
  }

  async explain(tenantId: string, conversationId: string): Promise<Explanation> {
    const desk = await this.ready(tenantId);
    return { current: desk.explain(conversationId), decisions: this.store.decisions(conversationId) };
  }

  /** The queue's observed traffic, for a staffing estimate without given rates. */
  async observed(tenantId: string, queueId: string): Promise<ReturnType<typeof observeQueue>> {
    const desk = await this.ready(tenantId);
    return observeQueue(desk.state, queueId, now());
  }

  async overview(tenantId: string): Promise<DeskOverview> {
    const desk = await this.ready(tenantId);
    const s = desk.state;
    const t = now();
    return {
      summary: this.summary(),
      live: this.counters(t),
      agents: Object.values(s.agents).map((a) => ({
        id: a.id,
        name: a.name,
        status: a.status,
        load: a.load,
        capacity: a.capacity,
        budget_used: Math.round(used(a, s.config.settings) * 1000) / 1000,
        on_shift: onShift(a, t, s.config.calendars),
        connected: a.disconnected_at === null,
      })),
      waiting: Object.values(s.waiting)
        .map((w) => ({
          conversation_id: w.task.conversation_id,
          queue_id: w.queue.id,
          intent: w.task.intent,
          language: w.task.language,
          sentiment: w.task.sentiment,
          position: w.position,
          estimated_wait_s: w.estimate_s,
          waited_ms: t - w.enqueued_at,
          reason: desk.waitReason(w.task.conversation_id, t),
        }))
        .sort((a, b) => (a.position ?? 1e9) - (b.position ?? 1e9)),
      offers: Object.values(s.offers).map((o) => ({ offer_id: o.offer_id, conversation_id: o.conversation_id, agent_id: o.agent_id, expires_at: o.expires_at })),
    };
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const who = DeskIdentity.safeParse(JSON.parse(request.headers.get(DESK_IDENTITY_HEADER) ?? "null"));
    const tenantId = request.headers.get("x-edgedesk-tenant");
    if (!who.success || !tenantId) return new Response("missing identity", { status: 400 });
    const desk = await this.ready(tenantId);
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [who.data.agent_id, who.data.role === "agent" ? "agent" : "supervisor"]);
    server.serializeAttachment(who.data);
    const agent = desk.state.agents[who.data.agent_id];
    this.greeting.add(server);
    try {
      if (agent) await this.run(desk.connect(agent.id, now()), { agents: [agent.id] });
    } finally {
      this.greeting.delete(server);
    }
    const offers = Object.values(desk.state.offers)
      .filter((o) => o.agent_id === who.data.agent_id)
      .map((o) => ({ offer_id: o.offer_id, conversation_id: o.conversation_id, queue_id: o.breakdown.queue_id, expires_at: o.expires_at, breakdown: o.breakdown }));
    const live = who.data.role === "agent" ? {} : { live: this.counters(now()) };
    this.send(server, { type: "hello", agent_id: who.data.agent_id, status: agent?.status ?? null, offers, queue: this.summary(), ...live });
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    if (this.gate.refuse(ws, data, (r) => this.send(ws, { type: "error", ...r }))) return;
    const who = ws.deserializeAttachment() as DeskIdentity;
    let frame: DeskClientFrame;
    try {
      const parsed = DeskClientFrame.safeParse(JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data)));
      if (!parsed.success) return this.send(ws, { type: "error", code: "invalid_frame", message: parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ") });
      frame = parsed.data;
    } catch {
      return this.send(ws, { type: "error", code: "invalid_json", message: "the frame is not valid JSON" });
    }
    const desk = await this.ready(this.tenantId);
    const t = now();
    switch (frame.type) {
      case "status":
        if (!desk.state.agents[who.agent_id]) return this.send(ws, { type: "error", code: "unknown_agent", message: "you are not on this desk's roster" });
        return this.reply(ws, await this.run(desk.agentStatus(who.agent_id, frame.status, t), { agents: [who.agent_id] }));
      case "accept":
        return this.reply(ws, await this.run(desk.accept(frame.offer_id, who.agent_id, t), { agents: [who.agent_id], offers: [frame.offer_id] }));
      case "reject":
        return this.reply(ws, await this.run(desk.reject(frame.offer_id, who.agent_id, t), { agents: [who.agent_id], offers: [frame.offer_id] }));
      case "ping":
        return this.send(ws, { type: "pong" });
      default:
        assertNever(frame);
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    const who = ws.deserializeAttachment() as DeskIdentity;
    try {
      ws.close(code === 1005 ? 1000 : code, "closing");
    } catch {
      // already closed
    }
    const others = this.ctx.getWebSockets(who.agent_id).some((s) => s !== ws && s.readyState === WebSocket.OPEN);
    if (others || !this.desk?.state.agents[who.agent_id]) return;
    await this.run(this.desk.disconnect(who.agent_id, now()), { agents: [who.agent_id] });
  }

  /** The desk's deadline, a pending live push, a send retry, or several: the tick runs only when the deadline has come. */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    this.retryAt = null;
    if (!this.desk) return;
    const t = now();
    this.flushEvents();
    const deadline = this.desk.state.quiet_until;
    // A state stored before desks kept their deadline (undefined) ticks to learn it.
    if (deadline === undefined || (deadline !== null && deadline <= t + DEADLINE_SLACK_MS)) {
      await this.run(this.desk.tick(t), {});
      return;
    }
    this.pushLive(t);
    await this.syncAlarm();
  }

  private reply(ws: WebSocket, fx: Effect[]): void {
    for (const e of fx) if (e.type === "invalid") this.send(ws, { type: "error", code: e.reason, message: `${e.action} refused: ${e.reason}` });
  }

  /** Persists what the command touched, then carries out its effects. `counted`: the effects today's counters see (default fx). */
  private async run(fx: Effect[], args: { conversations?: string[]; agents?: string[]; offers?: string[] } | "all", counted: readonly Effect[] = fx): Promise<Effect[]> {
    const desk = this.desk!;
    const analytics = this.analytics(counted, now());
    try {
      this.store.save(this.tenantId, desk.state, this.rules, args === "all" ? "all" : touchedBy(fx, args), analytics.write);
    } catch (err) {
      // The command already changed the state in memory; what is stored is the truth, so memory goes back to it
      // and no effect of the command is carried out.
      this.desk = this.reload();
      throw err;
    }
    analytics.commit();
    this.flushEvents();
    for (const e of fx) {
      if (e.type === "offer") this.store.recordOffer(e.offer_id, e.breakdown);
      const outcome = e.type === "offer_revoked" ? (e.reason === "rejected" ? "rejected" : "revoked") : OUTCOME[e.type];
      if (outcome && "offer_id" in e) this.store.settleOffers(outcome, [e.offer_id]);
    }
    let queueChanged = false;
    for (const e of fx) {
      switch (e.type) {
        case "offer":
          queueChanged = true;
          this.toAgent(e.agent_id, { type: "offer", offer_id: e.offer_id, conversation_id: e.conversation_id, queue_id: e.queue_id, expires_at: e.expires_at, breakdown: e.breakdown });
          break;
        case "offer_expired":
          this.toAgent(e.agent_id, { type: "offer_expired", offer_id: e.offer_id, conversation_id: e.conversation_id });
          break;
        case "offer_revoked":
          this.toAgent(e.agent_id, { type: "offer_revoked", offer_id: e.offer_id, conversation_id: e.conversation_id, reason: e.reason });
          break;
        case "assigned":
          queueChanged = true;
          this.toAgent(e.agent_id, { type: "assigned", offer_id: e.offer_id, conversation_id: e.conversation_id, agent_id: e.agent_id, notes: e.notes });
          this.assignConversation(e.conversation_id, e.agent_id);
          break;
        case "queue_position":
          this.conversation(e.conversation_id, (c) => c.queueStatus(e.position, e.estimated_wait_s));
          break;
        case "out_of_hours":
          this.conversation(e.conversation_id, (c) => c.systemNotice(`ooh:${e.conversation_id}:${e.opens_at ?? "closed"}`, e.message ?? "We are closed right now; we will answer when we open."));
          break;
        case "agent_status":
          this.toAgent(e.agent_id, { type: "agent_status", agent_id: e.agent_id, status: e.status, reason: e.reason });
          this.toSupervisors({ type: "agent_status", agent_id: e.agent_id, status: e.status, reason: e.reason });
          break;
        case "sla_warning":
        case "sla_breach":
          // The agent who takes it sees why the customer is impatient: the flag lands on the conversation's insights.
          this.conversation(e.conversation_id, (c) => c.flag(e.type === "sla_warning" ? "long_wait" : "sla_breach", `queue ${e.queue_id}`));
          this.toSupervisors({ type: "alert", kind: e.type, conversation_id: e.conversation_id, queue_id: e.queue_id });
          break;
        case "supervisor_alert":
          this.toSupervisors({ type: "alert", kind: e.type, conversation_id: e.conversation_id, queue_id: e.queue_id });
          break;
        case "timer":
          // The deadline is the state's quiet_until as well: syncAlarm, below, sets the alarm from it.
          break;
        case "queued":
        case "abandoned":
        case "resolved":
        case "transferred":
        case "overflow":
          queueChanged = true;
          break;
        case "invalid":
          break;
        default:
          assertNever(e);
      }
    }
    if (queueChanged) this.toSupervisors({ type: "queue", summary: this.summary() });
    this.pushLive(now());
    await this.syncAlarm();
    return fx;
  }

  /**
   * What a command adds to analytics, for the state's own transaction: today's outcomes (only when `counted` has
   * any) and the agents' ended activity intervals. `commit` makes them this instance's once they are stored.
   */
  private analytics(counted: readonly Effect[], t: number): { write: Analytics; commit: () => void } {
    const state = this.desk!.state;
    const today = countsToday(counted) ? countToday(this.today, counted, state, t, this.zone) : null;
    const prev = this.presence;
    const { next, events } = activityChanges(prev, state, this.tenantId, t);
    const set = Object.fromEntries(Object.entries(next).filter(([id, p]) => prev[id] !== p));
    const drop = Object.keys(prev).filter((id) => !next[id]);
    return {
      write: { ...(today ? { today: { tz: this.zone, counters: today } } : {}), presence: { set, drop }, events },
      commit: () => {
        if (today) this.today = today;
        this.presence = next;
      },
    };
  }

  /** The tenant changed its analytics settings: "today" follows the new time zone from now on. */
  async analyticsSettingsChanged(tenantId: string): Promise<void> {
    await this.ready(tenantId);
    await this.refreshZone(tenantId);
  }

  private async refreshZone(tenantId: string): Promise<void> {
    try {
      this.zone = (await loadSettings(this.env, tenantId)).timezone;
    } catch (err) {
      console.error(JSON.stringify({ level: "warn", msg: "desk kept its time zone: analytics settings unreadable", error: String(err) }));
    }
  }

  private counters(t: number): LiveCounters {
    return liveCounters(this.desk!.state, todayOf(this.today, t, this.zone), t);
  }

  /**
   * Throttled live counters: a change (anything but the waits) goes out at once when the last push is at least
   * LIVE_THROTTLE_MS old, else at last push + LIVE_THROTTLE_MS; while anyone waits, a push also goes out
   * LIVE_HEARTBEAT_MS after the last. `live.due` is when the next one is owed; syncAlarm wakes the desk for it.
   */
  private pushLive(t: number): void {
    const live = this.live;
    const sockets = this.ctx.getWebSockets("supervisor").filter((ws) => !this.greeting.has(ws));
    if (!this.desk || sockets.length === 0) {
      live.due = null;
      return;
    }
    const counters = this.counters(t);
    const key = liveKey(counters);
    const changed = key !== live.key;
    if ((changed && t >= live.pushed_at + LIVE_THROTTLE_MS) || (counters.waiting > 0 && t >= live.pushed_at + LIVE_HEARTBEAT_MS)) {
      for (const ws of sockets) this.send(ws, { type: "live", counters });
      live.pushed_at = t;
      live.key = key;
      live.due = counters.waiting > 0 ? t + LIVE_HEARTBEAT_MS : null;
    } else if (changed) live.due = live.pushed_at + LIVE_THROTTLE_MS;
    else live.due = counters.waiting > 0 ? live.pushed_at + LIVE_HEARTBEAT_MS : null;
  }

  /** One alarm: the desk's deadline, the owed live push or the send retry, whichever is first. */
  private async syncAlarm(): Promise<void> {
    const quiet = this.desk?.state.quiet_until;
    // Deadline not known: keep whatever alarm is set (when it fires, the tick reports the deadline).
    const deadline = quiet === undefined ? await this.ctx.storage.getAlarm() : quiet;
    const times = [deadline, this.live.due, this.retryAt].filter((x): x is number => x !== null);
    const at = times.length ? Math.min(...times) : null;
    if (at === this.alarmAt) return;
    this.alarmAt = at;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }

  /**
   * Sends the outbox's activity events to the events queue, then deletes them: at least once, since the consumer
   * dedupes by event id. A failure leaves them for the next command, or for the alarm's retry if none comes.
   */
  private flushEvents(): void {
    if (this.sendingEvents) return;
    this.sendingEvents = true;
    this.sendEvents()
      .catch(async (err) => {
        console.error(JSON.stringify({ level: "warn", msg: "agent activity not sent; kept in the outbox", error: String(err) }));
        this.retryAt = now() + EVENT_RETRY_MS;
        await this.syncAlarm();
      })
      .catch((err) => console.error(JSON.stringify({ level: "warn", msg: "no retry alarm for agent activity; the next command sends it", error: String(err) })));
  }

  private async sendEvents(): Promise<void> {
    try {
      for (let rows = this.store.pendingEvents(EVENT_BATCH); rows.length; rows = this.store.pendingEvents(EVENT_BATCH)) {
        await Promise.all(packEvents(rows.map((r) => r.body)).map((events) => this.env.EVENTS.send({ events } satisfies EventEnvelope)));
        this.store.ackEvents(rows.map((r) => r.id));
      }
    } finally {
      // Cleared in the same turn as the last empty read: rows a command writes after it start a new send.
      this.sendingEvents = false;
    }
  }

  private reload(): Desk | null {
    const loaded = this.store.load();
    if (!loaded) return null;
    this.rules = loaded.rules;
    return new Desk(loaded.state);
  }

  /** The accepting agent becomes the assignee. A conversation that ended meanwhile is released from the desk. */
  private assignConversation(conversationId: string, agentId: string): void {
    this.conversation(conversationId, async (c) => {
      const r = await c.act("assign", { kind: "system", id: "desk" }, { assigneeId: agentId, fromDesk: true });
      if (!r.ok && r.status === 409 && this.desk) await this.run(this.desk.resolve(conversationId, now()), { conversations: [conversationId] });
    });
  }

  private conversation(conversationId: string, call: (c: ReturnType<typeof conversationStub>) => Promise<unknown>): void {
    call(conversationStub(this.env, this.tenantId, conversationId)).catch((err) =>
      console.error(JSON.stringify({ level: "error", msg: "desk could not reach a conversation", conversation: conversationId, error: String(err) })),
    );
  }

  private summary(): QueueSummary {
    const s = this.desk!.state;
    const waiting = Object.values(s.waiting);
    const t = now();
    return {
      waiting: waiting.length,
      offered: Object.keys(s.offers).length,
      assigned: Object.keys(s.assignments).length,
      agents_available: Object.values(s.agents).filter((a) => a.status === "available").length,
      oldest_wait_ms: waiting.length ? Math.max(...waiting.map((w) => t - w.enqueued_at)) : null,
    };
  }

  private toAgent(agentId: string, frame: DeskServerFrame): void {
    for (const ws of this.ctx.getWebSockets(agentId)) this.send(ws, frame);
  }

  private toSupervisors(frame: DeskServerFrame): void {
    for (const ws of this.ctx.getWebSockets("supervisor")) this.send(ws, frame);
  }

  private send(ws: WebSocket, frame: DeskServerFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // closing socket
    }
  }
}


export function deskStub(env: Env, tenantId: string) {
  return env.DESK.get(env.DESK.idFromName(`${tenantId}:desk`));
}
