import { nextOpening } from "./calendar";
import { CHANNEL_CLASSES, DeskSettings, channelClass } from "./schemas";
import type { Agent, AgentStatus, Calendar, ChannelClass, Policy, Queue, RequiredSkill, Target, Task } from "./schemas";
import { meetsRequirements, rankTask, scoreAgent } from "./score";
import type { AgentScore, Rank } from "./score";

/**
 * The routing desk: the only place assignment decisions are made. One plain-JSON state, mutated by commands
 * that each return the effects the caller must carry out (send an offer, tell the customer their position,
 * set an alarm…). It reads time only from the `now` argument and draws no random numbers, so the Durable
 * Object and the simulator run the same decisions, and a state plus a command list replays exactly.
 *
 * Invariants (test/routing/desk-model.test.ts checks them after every command):
 *  - a conversation is waiting or assigned, never both, and has at most one outstanding offer;
 *  - an agent's load per channel class (assignments + outstanding offers) never exceeds its capacity;
 *  - after every command no offerable conversation is left waiting while an eligible agent has room.
 * Records are iterated in insertion order, which a JSON round trip preserves, and every choice between agents
 * or conversations has an explicit total order, so a restored state decides exactly like the original.
 */

export type TransferTo = { kind: "agent"; agent_id: string } | { kind: "team"; team: string } | { kind: "queue"; queue_id: string };
export type TransferNote = { at: number; from_agent_id: string | null; to: TransferTo; note: string };

export type AgentState = Agent & {
  /** Assignments plus outstanding offers, per channel class. */
  load: Record<ChannelClass, number>;
  /** When the agent last gained room or became available: FIFO and ties prefer the longest idle. */
  idle_since: number;
  /** The console socket dropped at this time; null while connected (or never known to be connected). */
  disconnected_at: number | null;
};

export type Waiting = {
  task: Task;
  /** The queue as it was when the conversation entered it, so configuration changes never strand it. */
  queue: Queue;
  class: ChannelClass;
  requirements: RequiredSkill[];
  enqueued_at: number;
  /** Nothing is offered before this instant (the queue's calendar opens). */
  not_before: number;
  /** First-response deadline; null once an agent has answered (after a transfer). */
  sla_due: number | null;
  sla_warned: boolean;
  sla_breached: boolean;
  /** Priority added by escalation. */
  bump: number;
  targets: Target[];
  target: number;
  target_since: number;
  /** Agents who rejected or missed this conversation (or handed it over), and until when they are skipped. */
  declined: Record<string, number>;
  offer_id: string | null;
  transfers: number;
  notes: TransferNote[];
  /** Last queue position and estimate sent to the customer, to send only changes. */
  position: number | null;
  estimate_s: number | null;
};

export type Breakdown = {
  policy: Policy;
  conversation_id: string;
  agent_id: string;
  queue_id: string;
  decided_at: number;
  target: { index: number; kind: Target["kind"] };
  /** Why this conversation went before others waiting (effective priority, then order_score parts). */
  rank: Rank;
  /** The seed's score for this (conversation, agent) pair: score.score is exactly the sum of score.parts. */
  score: AgentScore;
  /** Every eligible agent considered, best first by the policy (at most five). */
  candidates: { agent_id: string; agent_match: number; score: number }[];
};

export type Offer = {
  offer_id: string;
  conversation_id: string;
  agent_id: string;
  class: ChannelClass;
  offered_at: number;
  expires_at: number;
  breakdown: Breakdown;
};

export type Assignment = {
  conversation_id: string;
  agent_id: string;
  class: ChannelClass;
  queue: Queue;
  task: Task;
  assigned_at: number;
  transfers: number;
  notes: TransferNote[];
  breakdown: Breakdown;
};

export type DeskConfig = { settings: DeskSettings; queues: Record<string, Queue>; calendars: Record<string, Calendar> };

export type DeskState = {
  config: DeskConfig;
  agents: Record<string, AgentState>;
  waiting: Record<string, Waiting>;
  offers: Record<string, Offer>;
  assignments: Record<string, Assignment>;
  /** Source of offer ids. */
  seq: number;
  /** Round-robin cursor: the agent chosen last. */
  rr_last: string | null;
  /** Recent handle times per class (newest last), for estimated waits. */
  handle_ms: Record<ChannelClass, number[]>;
};

export type WaitReason = "offered" | "out_of_hours" | "no_staffed_agent" | "declined_by_all" | "agents_busy";

export type Effect =
  | { type: "queued"; conversation_id: string; queue_id: string; target: Target["kind"] }
  | { type: "offer"; offer_id: string; conversation_id: string; agent_id: string; queue_id: string; expires_at: number; breakdown: Breakdown }
  | { type: "offer_expired"; offer_id: string; conversation_id: string; agent_id: string }
  | {
      type: "offer_revoked";
      offer_id: string;
      conversation_id: string;
      agent_id: string;
      reason: "rejected" | "agent_unavailable" | "abandoned" | "resolved" | "transferred";
    }
  | {
      type: "assigned";
      offer_id: string;
      conversation_id: string;
      agent_id: string;
      queue_id: string;
      waited_ms: number;
      transfers: number;
      notes: TransferNote[];
      breakdown: Breakdown;
    }
  | { type: "transferred"; conversation_id: string; from_agent_id: string | null; to: TransferTo; note: string }
  | { type: "resolved"; conversation_id: string; agent_id: string | null; handle_ms: number | null }
  | { type: "abandoned"; conversation_id: string; queue_id: string; waited_ms: number }
  | { type: "queue_position"; conversation_id: string; queue_id: string; position: number; estimated_wait_s: number | null }
  | { type: "overflow"; conversation_id: string; queue_id: string; from: number; to: number; reason: "timeout" | "no_staffed_agent" | "sla_breach" }
  | { type: "sla_warning"; conversation_id: string; queue_id: string; due_at: number }
  | { type: "sla_breach"; conversation_id: string; queue_id: string; due_at: number; priority: number }
  | { type: "supervisor_alert"; conversation_id: string; queue_id: string; reason: "sla_breach" }
  | { type: "out_of_hours"; conversation_id: string; queue_id: string; message: string | null; opens_at: number | null }
  | { type: "agent_status"; agent_id: string; status: AgentStatus; reason: "set" | "missed_offer" | "disconnected" }
  | { type: "invalid"; action: string; reason: string }
  /** The earliest pending deadline; the Durable Object sets its alarm here (null: none). */
  | { type: "timer"; at: number | null };

export type DeskInit = {
  settings?: Partial<DeskSettings>;
  queues?: readonly Queue[];
  calendars?: readonly Calendar[];
  agents?: readonly Agent[];
};

/** What a conversation keeps when it re-enters a queue: a fresh SLA clock, none (already answered), or the running one. */
type Carried = {
  sla: "start" | "none" | Pick<Waiting, "sla_due" | "sla_warned" | "sla_breached" | "bump">;
  transfers: number;
  notes: TransferNote[];
  declined: Record<string, number>;
};

/** Handle times remembered per class for estimates. */
const HANDLE_WINDOW = 50;
/** A changed estimate is re-sent only when it moved by this much, so the widget is not spammed every second. */
const ESTIMATE_STEP_S = 30;
const CANDIDATES_SHOWN = 5;

export function createDesk(init: DeskInit, now: number): DeskState {
  const state: DeskState = {
    config: {
      settings: DeskSettings.parse(init.settings ?? {}),
      queues: byId(init.queues ?? []),
      calendars: byId(init.calendars ?? []),
    },
    agents: {},
    waiting: {},
    offers: {},
    assignments: {},
    seq: 0,
    rr_last: null,
    handle_ms: { voice: [], chat: [], email: [] },
  };
  for (const a of init.agents ?? []) state.agents[a.id] = freshAgent(a, now);
  return state;
}

/**
 * Commands over a DeskState. Each mutates `state` and returns effects; each ends by processing due
 * deadlines, dispatching offers, refreshing queue positions and reporting the next timer.
 */
export class Desk {
  state: DeskState;

  constructor(state: DeskState) {
    this.state = state;
  }

  static create(init: DeskInit, now: number): Desk {
    return new Desk(createDesk(init, now));
  }

  configure(change: { settings?: Partial<DeskSettings>; queues?: readonly Queue[]; calendars?: readonly Calendar[] }, now: number): Effect[] {
    const c = this.state.config;
    if (change.settings) c.settings = DeskSettings.parse({ ...c.settings, ...change.settings });
    if (change.queues) c.queues = byId(change.queues);
    if (change.calendars) c.calendars = byId(change.calendars);
    return this.settle([], now, true);
  }

  upsertAgent(agent: Agent, now: number): Effect[] {
    const fx: Effect[] = [];
    const old = this.state.agents[agent.id];
    if (!old) {
      this.state.agents[agent.id] = freshAgent(agent, now);
      return this.settle(fx, now, true);
    }
    const wasAvailable = old.status === "available";
    this.state.agents[agent.id] = { ...old, ...agent, load: old.load, idle_since: old.idle_since, disconnected_at: old.disconnected_at };
    if (agent.status !== "available") this.revokeAgentOffers(agent.id, now, fx);
    else if (!wasAvailable) this.state.agents[agent.id]!.idle_since = now;
    return this.settle(fx, now, true);
  }

  /** Outstanding offers are revoked and the agent's conversations go back to their queues. */
  removeAgent(agentId: string, now: number): Effect[] {
    if (!this.state.agents[agentId]) return this.invalid("remove_agent", "unknown_agent", now);
    const fx: Effect[] = [];
    this.revokeAgentOffers(agentId, now, fx);
    for (const a of Object.values(this.state.assignments)) {
      if (a.agent_id === agentId) this.requeueAssigned(a, { kind: "queue", queue_id: a.queue.id }, "agent removed", now, fx);
    }
    delete this.state.agents[agentId];
    return this.settle(fx, now, true);
  }

  agentStatus(agentId: string, status: AgentStatus, now: number): Effect[] {
    const agent = this.state.agents[agentId];
    if (!agent) return this.invalid("agent_status", "unknown_agent", now);
    const fx: Effect[] = [];
    this.setStatus(agent, status, "set", now, fx);
    return this.settle(fx, now, true);
  }

  connect(agentId: string, now: number): Effect[] {
    const agent = this.state.agents[agentId];
    if (!agent) return this.invalid("connect", "unknown_agent", now);
    agent.disconnected_at = null;
    return this.settle([], now, true);
  }

  /** Offers to a dropped console cannot be seen, so they go back now; the agent turns away after the grace. */
  disconnect(agentId: string, now: number): Effect[] {
    const agent = this.state.agents[agentId];
    if (!agent) return this.invalid("disconnect", "unknown_agent", now);
    const fx: Effect[] = [];
    agent.disconnected_at ??= now;
    this.revokeAgentOffers(agentId, now, fx);
    return this.settle(fx, now, true);
  }

  arrive(task: Task, queueId: string, now: number): Effect[] {
    const id = task.conversation_id;
    if (this.state.waiting[id] || this.state.assignments[id]) return this.invalid("arrive", "already_routed", now);
    const queue = this.state.config.queues[queueId];
    if (!queue) return this.invalid("arrive", "unknown_queue", now);
    const fx: Effect[] = [];
    const sticky = queue.sticky && task.last_agent_id !== null && this.state.agents[task.last_agent_id] !== undefined;
    const targets: Target[] = sticky
      ? [{ kind: "agents", value: [task.last_agent_id!], timeout_s: queue.sticky_timeout_s }, ...queue.targets]
      : [...queue.targets];
    this.enqueue(task, queue, targets, { sla: "start", transfers: 0, notes: [], declined: {} }, now, fx);
    return this.settle(fx, now, true);
  }

  accept(offerId: string, agentId: string, now: number): Effect[] {
    const offer = this.checkOffer("accept", offerId, agentId, now);
    if (Array.isArray(offer)) return offer;
    const w = this.state.waiting[offer.conversation_id]!;
    delete this.state.offers[offerId];
    delete this.state.waiting[offer.conversation_id];
    // The offer's reserved slot becomes the assignment's: load is unchanged.
    this.state.assignments[offer.conversation_id] = {
      conversation_id: offer.conversation_id,
      agent_id: agentId,
      class: offer.class,
      queue: w.queue,
      task: w.task,
      assigned_at: now,
      transfers: w.transfers,
      notes: w.notes,
      breakdown: offer.breakdown,
    };
    const fx: Effect[] = [
      {
        type: "assigned",
        offer_id: offerId,
        conversation_id: offer.conversation_id,
        agent_id: agentId,
        queue_id: w.queue.id,
        waited_ms: now - w.enqueued_at,
        transfers: w.transfers,
        notes: w.notes,
        breakdown: offer.breakdown,
      },
    ];
    return this.settle(fx, now, true);
  }

  reject(offerId: string, agentId: string, now: number): Effect[] {
    const offer = this.checkOffer("reject", offerId, agentId, now);
    if (Array.isArray(offer)) return offer;
    const fx: Effect[] = [];
    this.dropOffer(offer, now, true);
    fx.push({ type: "offer_revoked", offer_id: offerId, conversation_id: offer.conversation_id, agent_id: agentId, reason: "rejected" });
    return this.settle(fx, now, true);
  }

  /** The offer's timer ran out (or the caller gives up on it early). */
  expire(offerId: string, now: number): Effect[] {
    const offer = this.state.offers[offerId];
    if (!offer) return this.invalid("expire", "unknown_offer", now);
    const fx: Effect[] = [];
    this.expireOffer(offer, now, fx);
    return this.settle(fx, now, true);
  }

  /** Hand a waiting or assigned conversation to an agent, a team or a queue; its context and notes travel with it. */
  transfer(conversationId: string, to: TransferTo, note: string, now: number): Effect[] {
    const s = this.state;
    if (to.kind === "queue" && !s.config.queues[to.queue_id]) return this.invalid("transfer", "unknown_queue", now);
    if (to.kind === "agent" && !s.agents[to.agent_id]) return this.invalid("transfer", "unknown_agent", now);
    const fx: Effect[] = [];
    const assigned = s.assignments[conversationId];
    const w = s.waiting[conversationId];
    if (assigned) {
      if (to.kind === "agent" && to.agent_id === assigned.agent_id) return this.invalid("transfer", "same_agent", now);
      this.requeueAssigned(assigned, to, note, now, fx);
    } else if (w) {
      if (w.offer_id) this.revokeOffer(s.offers[w.offer_id]!, "transferred", now, fx);
      delete s.waiting[conversationId];
      const queue = to.kind === "queue" ? s.config.queues[to.queue_id]! : w.queue;
      const entry: TransferNote = { at: now, from_agent_id: null, to, note };
      fx.push({ type: "transferred", conversation_id: conversationId, from_agent_id: null, to, note });
      // Still unanswered: the first-response clock keeps running.
      const carried: Carried = { sla: w, transfers: w.transfers + 1, notes: [...w.notes, entry], declined: w.declined };
      this.enqueue(w.task, queue, this.transferTargets(to, queue), carried, now, fx);
    } else {
      return this.invalid("transfer", "unknown_conversation", now);
    }
    return this.settle(fx, now, true);
  }

  resolve(conversationId: string, now: number): Effect[] {
    const s = this.state;
    const fx: Effect[] = [];
    const a = s.assignments[conversationId];
    const w = s.waiting[conversationId];
    if (a) {
      delete s.assignments[conversationId];
      this.release(a.agent_id, a.class, now);
      const handled = now - a.assigned_at;
      const recent = s.handle_ms[a.class];
      recent.push(handled);
      if (recent.length > HANDLE_WINDOW) recent.shift();
      fx.push({ type: "resolved", conversation_id: conversationId, agent_id: a.agent_id, handle_ms: handled });
    } else if (w) {
      if (w.offer_id) this.revokeOffer(s.offers[w.offer_id]!, "resolved", now, fx);
      delete s.waiting[conversationId];
      fx.push({ type: "resolved", conversation_id: conversationId, agent_id: null, handle_ms: null });
    } else {
      return this.invalid("resolve", "unknown_conversation", now);
    }
    return this.settle(fx, now, true);
  }

  /** The customer left while waiting; an outstanding offer is withdrawn so no agent joins an empty room. */
  abandon(conversationId: string, now: number): Effect[] {
    const s = this.state;
    const w = s.waiting[conversationId];
    if (!w) return this.invalid("abandon", s.assignments[conversationId] ? "already_assigned" : "unknown_conversation", now);
    const fx: Effect[] = [];
    if (w.offer_id) this.revokeOffer(s.offers[w.offer_id]!, "abandoned", now, fx);
    delete s.waiting[conversationId];
    fx.push({ type: "abandoned", conversation_id: conversationId, queue_id: w.queue.id, waited_ms: now - w.task.arrived_at });
    return this.settle(fx, now, true);
  }

  /** The alarm handler: process every deadline due by `now` (offer timeouts, overflow, SLA), then dispatch. */
  tick(now: number): Effect[] {
    return this.settle([], now, true);
  }

  /** Make offers for whatever can be offered now, without processing deadlines. */
  dispatch(now: number): Effect[] {
    return this.settle([], now, false);
  }

  /** Why a conversation is still waiting, or null if it is not waiting. */
  waitReason(conversationId: string, now: number): WaitReason | null {
    const w = this.state.waiting[conversationId];
    if (!w) return null;
    if (w.offer_id) return "offered";
    if (w.not_before > now) return "out_of_hours";
    const staffed = this.staffed(w, now, false);
    if (staffed.length === 0) return "no_staffed_agent";
    if (staffed.every((a) => declinedBy(w, a.id, now))) return "declined_by_all";
    return "agents_busy";
  }

  /** Agents who could be offered this conversation right now (available, room, in the current target). */
  eligibleAgents(conversationId: string, now: number): string[] {
    const w = this.state.waiting[conversationId];
    if (!w || w.offer_id || w.not_before > now) return [];
    return this.staffed(w, now, true)
      .filter((a) => a.load[w.class] < a.capacity[w.class])
      .map((a) => a.id);
  }

  /** The decision behind an assignment or outstanding offer ("why did agent X get this?"). */
  explain(conversationId: string): Breakdown | null {
    const a = this.state.assignments[conversationId];
    if (a) return a.breakdown;
    const w = this.state.waiting[conversationId];
    return w?.offer_id ? this.state.offers[w.offer_id]!.breakdown : null;
  }

  // ---- internals ----

  private invalid(action: string, reason: string, now: number): Effect[] {
    return this.settle([{ type: "invalid", action, reason }], now, true);
  }

  private checkOffer(action: string, offerId: string, agentId: string, now: number): Offer | Effect[] {
    const offer = this.state.offers[offerId];
    if (!offer) return this.invalid(action, "unknown_offer", now);
    if (offer.agent_id !== agentId) return this.invalid(action, "not_your_offer", now);
    // An answer that arrives after the deadline loses the race to the timer, whether or not the alarm ran yet.
    if (now >= offer.expires_at) return this.invalid(action, "offer_expired", now);
    return offer;
  }

  private settle(fx: Effect[], now: number, deadlines: boolean): Effect[] {
    if (deadlines) this.processDeadlines(now, fx);
    const ranked = this.ranked(now);
    this.makeOffers(ranked, now, fx);
    this.refreshPositions(ranked, now, fx);
    fx.push({ type: "timer", at: this.nextDeadline(now) });
    return fx;
  }

  private enqueue(
    task: Task,
    queue: Queue,
    targets: Target[],
    carried: Carried,
    now: number,
    fx: Effect[],
  ): void {
    const calendar = queue.calendar_id === undefined ? undefined : this.state.config.calendars[queue.calendar_id];
    // An unknown calendar counts as always open: a misconfiguration must not silently park conversations.
    const opens = calendar ? nextOpening(calendar, now) : now;
    if (opens !== now) {
      fx.push({ type: "out_of_hours", conversation_id: task.conversation_id, queue_id: queue.id, message: queue.out_of_hours_message ?? null, opens_at: opens });
      // Never opens within a year: the conversation is not queued; the out-of-hours reply is all there is.
      if (opens === null) return;
    }
    const start = opens;
    this.state.waiting[task.conversation_id] = {
      task,
      queue,
      class: channelClass(task.channel),
      requirements: mergeRequirements(queue.required_skills, task.required_skills),
      enqueued_at: now,
      not_before: start,
      ...slaClock(carried.sla, start, queue),
      targets,
      target: 0,
      target_since: start,
      declined: { ...carried.declined },
      offer_id: null,
      transfers: carried.transfers,
      notes: carried.notes,
      position: null,
      estimate_s: null,
    };
    fx.push({ type: "queued", conversation_id: task.conversation_id, queue_id: queue.id, target: targets[0]!.kind });
  }

  private transferTargets(to: TransferTo, queue: Queue): Target[] {
    const timeout_s = this.state.config.settings.transfer_timeout_s;
    if (to.kind === "agent") return [{ kind: "agents", value: [to.agent_id], timeout_s }, ...queue.targets];
    if (to.kind === "team") return [{ kind: "team", value: to.team, timeout_s }, ...queue.targets];
    return [...queue.targets];
  }

  private requeueAssigned(a: Assignment, to: TransferTo, note: string, now: number, fx: Effect[]): void {
    const s = this.state;
    delete s.assignments[a.conversation_id];
    this.release(a.agent_id, a.class, now);
    const queue = to.kind === "queue" ? s.config.queues[to.queue_id] ?? a.queue : a.queue;
    const entry: TransferNote = { at: now, from_agent_id: a.agent_id, to, note };
    fx.push({ type: "transferred", conversation_id: a.conversation_id, from_agent_id: a.agent_id, to, note });
    // The transferring agent already answered, so there is no first-response SLA; they are not offered it back.
    const carried: Carried = { sla: "none", transfers: a.transfers + 1, notes: [...a.notes, entry], declined: { [a.agent_id]: now + this.reofferMs() } };
    this.enqueue(a.task, queue, this.transferTargets(to, queue), carried, now, fx);
  }

  private setStatus(agent: AgentState, status: AgentStatus, reason: "set" | "missed_offer" | "disconnected", now: number, fx: Effect[]): void {
    if (status === "available" && agent.status !== "available") agent.idle_since = now;
    agent.status = status;
    fx.push({ type: "agent_status", agent_id: agent.id, status, reason });
    if (status !== "available") this.revokeAgentOffers(agent.id, now, fx);
  }

  private reofferMs(): number {
    return this.state.config.settings.reoffer_after_s * 1000;
  }

  private release(agentId: string, cls: ChannelClass, now: number): void {
    const agent = this.state.agents[agentId];
    if (!agent) return;
    agent.load[cls] = Math.max(0, agent.load[cls] - 1);
    agent.idle_since = now;
  }

  /** Remove an offer and free its slot; `declined` keeps the agent from being offered the conversation again for a while. */
  private dropOffer(offer: Offer, now: number, declined: boolean): void {
    delete this.state.offers[offer.offer_id];
    this.release(offer.agent_id, offer.class, now);
    const w = this.state.waiting[offer.conversation_id];
    if (!w) return;
    w.offer_id = null;
    if (declined) w.declined[offer.agent_id] = now + this.reofferMs();
  }

  private revokeOffer(offer: Offer, reason: Extract<Effect, { type: "offer_revoked" }>["reason"], now: number, fx: Effect[]): void {
    this.dropOffer(offer, now, false);
    fx.push({ type: "offer_revoked", offer_id: offer.offer_id, conversation_id: offer.conversation_id, agent_id: offer.agent_id, reason });
  }

  private revokeAgentOffers(agentId: string, now: number, fx: Effect[]): void {
    for (const offer of Object.values(this.state.offers)) if (offer.agent_id === agentId) this.revokeOffer(offer, "agent_unavailable", now, fx);
  }

  private expireOffer(offer: Offer, now: number, fx: Effect[]): void {
    this.dropOffer(offer, now, true);
    fx.push({ type: "offer_expired", offer_id: offer.offer_id, conversation_id: offer.conversation_id, agent_id: offer.agent_id });
    const agent = this.state.agents[offer.agent_id];
    if (agent && this.state.config.settings.away_on_missed_offer && agent.status === "available") {
      this.setStatus(agent, "away", "missed_offer", now, fx);
    }
  }

  private processDeadlines(now: number, fx: Effect[]): void {
    const s = this.state;
    for (const offer of Object.values(s.offers).filter((o) => o.expires_at <= now)) {
      // An earlier expiry in this loop may have revoked this offer already (the agent was set away).
      if (s.offers[offer.offer_id]) this.expireOffer(offer, now, fx);
    }
    const grace = s.config.settings.disconnect_grace_s * 1000;
    for (const agent of Object.values(s.agents)) {
      if (agent.disconnected_at !== null && agent.disconnected_at + grace <= now && (agent.status === "available" || agent.status === "busy")) {
        this.setStatus(agent, "away", "disconnected", now, fx);
      }
    }
    const warnRatio = s.config.settings.sla_warning_ratio;
    for (const w of Object.values(s.waiting)) {
      const id = w.task.conversation_id;
      const qid = w.queue.id;
      if (w.sla_due !== null && !w.sla_breached) {
        const slaMs = w.queue.sla_first_response_s * 1000;
        if (!w.sla_warned && now >= w.sla_due - slaMs * (1 - warnRatio)) {
          w.sla_warned = true;
          fx.push({ type: "sla_warning", conversation_id: id, queue_id: qid, due_at: w.sla_due });
        }
        if (now >= w.sla_due) {
          w.sla_breached = true;
          w.bump += s.config.settings.escalation_bump;
          fx.push({ type: "sla_breach", conversation_id: id, queue_id: qid, due_at: w.sla_due, priority: effectivePriority(w) });
          fx.push({ type: "supervisor_alert", conversation_id: id, queue_id: qid, reason: "sla_breach" });
          if (w.target < w.targets.length - 1) this.advance(w, now, "sla_breach", fx);
        }
      }
      this.advanceTargets(w, now, fx);
    }
  }

  /** Move past targets whose timeout ran out, or where nobody who could take the conversation is at work. */
  private advanceTargets(w: Waiting, now: number, fx: Effect[]): void {
    if (w.not_before > now) return;
    while (w.target < w.targets.length - 1) {
      const deadline = this.targetDeadline(w);
      if (deadline !== null && deadline <= now) this.advance(w, deadline, "timeout", fx);
      else if (this.staffed(w, now, true).length === 0) this.advance(w, now, "no_staffed_agent", fx);
      else return;
    }
  }

  private advance(w: Waiting, since: number, reason: "timeout" | "no_staffed_agent" | "sla_breach", fx: Effect[]): void {
    const from = w.target;
    w.target += 1;
    w.target_since = since;
    fx.push({ type: "overflow", conversation_id: w.task.conversation_id, queue_id: w.queue.id, from, to: w.target, reason });
  }

  private targetDeadline(w: Waiting): number | null {
    const t = w.targets[w.target]!;
    if (w.target >= w.targets.length - 1 || t.timeout_s === undefined) return null;
    return w.target_since + t.timeout_s * 1000;
  }

  /** Agents at work (available, console connected) who match the current target; `excludeDeclined` drops refusers. */
  private staffed(w: Waiting, now: number, excludeDeclined: boolean): AgentState[] {
    const target = w.targets[w.target]!;
    return Object.values(this.state.agents).filter(
      (a) => a.status === "available" && a.disconnected_at === null && inTarget(a, target, w) && !(excludeDeclined && declinedBy(w, a.id, now)),
    );
  }

  private ranked(now: number): { w: Waiting; rank: Rank }[] {
    const s = this.state;
    const ageing = s.config.settings.ageing_per_sla;
    const list = Object.values(s.waiting)
      .filter((w) => w.offer_id === null)
      .map((w) => {
        const waited = now - Math.max(w.enqueued_at, w.not_before);
        return { w, rank: rankTask(w.queue.weights, w.task, effectivePriority(w), waited, w.queue.sla_first_response_s * 1000, ageing) };
      });
    const byScore = s.config.settings.policy === "weighted";
    return list.sort(
      (x, y) =>
        y.rank.priority - x.rank.priority ||
        (byScore ? y.rank.order_score - x.rank.order_score : 0) ||
        x.w.enqueued_at - y.w.enqueued_at ||
        cmp(x.w.task.conversation_id, y.w.task.conversation_id),
    );
  }

  private makeOffers(ranked: { w: Waiting; rank: Rank }[], now: number, fx: Effect[]): void {
    const s = this.state;
    let agents = Object.values(s.agents).filter((a) => a.status === "available" && a.disconnected_at === null && hasRoom(a));
    if (agents.length === 0) return;
    const policy = s.config.settings.policy;
    for (const { w, rank } of ranked) {
      if (w.not_before > now) continue;
      const target = w.targets[w.target]!;
      const eligible = agents.filter((a) => a.load[w.class] < a.capacity[w.class] && !declinedBy(w, a.id, now) && inTarget(a, target, w));
      if (eligible.length === 0) continue;
      const scored = eligible.map((a) => ({ agent: a, score: scoreAgent(w.queue.weights, w.task, w.requirements, a, a.load[w.class], a.capacity[w.class]) }));
      const ordered = this.order(policy, scored, w.class);
      const chosen = ordered[0]!;
      const agent = chosen.agent;
      if (policy === "round_robin") s.rr_last = agent.id;
      s.seq += 1;
      const offer: Offer = {
        offer_id: `ofr_${s.seq}`,
        conversation_id: w.task.conversation_id,
        agent_id: agent.id,
        class: w.class,
        offered_at: now,
        expires_at: now + s.config.settings.offer_timeout_s * 1000,
        breakdown: {
          policy,
          conversation_id: w.task.conversation_id,
          agent_id: agent.id,
          queue_id: w.queue.id,
          decided_at: now,
          target: { index: w.target, kind: target.kind },
          rank,
          score: chosen.score,
          candidates: ordered.slice(0, CANDIDATES_SHOWN).map((c) => ({ agent_id: c.agent.id, agent_match: c.score.agent_match, score: c.score.score })),
        },
      };
      s.offers[offer.offer_id] = offer;
      w.offer_id = offer.offer_id;
      agent.load[w.class] += 1;
      const { offer_id, conversation_id, expires_at, breakdown } = offer;
      fx.push({ type: "offer", offer_id, conversation_id, agent_id: agent.id, queue_id: w.queue.id, expires_at, breakdown });
      if (!hasRoom(agent)) {
        agents = agents.filter((a) => a !== agent);
        if (agents.length === 0) return;
      }
    }
  }

  /** Candidates best first under the policy; ties fall to the longest-idle agent, then the id. */
  private order<T extends { agent: AgentState; score: AgentScore }>(policy: Policy, scored: T[], cls: ChannelClass): T[] {
    const idle = (x: T, y: T) => x.agent.idle_since - y.agent.idle_since || cmp(x.agent.id, y.agent.id);
    switch (policy) {
      case "weighted":
        return scored.sort((x, y) => y.score.score - x.score.score || idle(x, y));
      case "fifo":
        return scored.sort(idle);
      case "least_busy":
        return scored.sort((x, y) => x.agent.load[cls] / x.agent.capacity[cls] - y.agent.load[cls] / y.agent.capacity[cls] || idle(x, y));
      case "round_robin": {
        const last = this.state.rr_last;
        const byId = scored.sort((x, y) => cmp(x.agent.id, y.agent.id));
        const next = last === null ? 0 : byId.findIndex((x) => x.agent.id > last);
        return next <= 0 ? byId : [...byId.slice(next), ...byId.slice(0, next)];
      }
    }
  }

  /** Over the ranking taken before offers were made: conversations offered since are no longer in line. */
  private refreshPositions(ranked: { w: Waiting; rank: Rank }[], now: number, fx: Effect[]): void {
    const perQueue = new Map<string, number>();
    for (const { w } of ranked) {
      if (w.offer_id !== null) continue;
      const position = (perQueue.get(w.queue.id) ?? 0) + 1;
      perQueue.set(w.queue.id, position);
      const estimate = this.estimateWait(w, position, now);
      const moved =
        position !== w.position ||
        (estimate === null) !== (w.estimate_s === null) ||
        (estimate !== null && w.estimate_s !== null && Math.abs(estimate - w.estimate_s) >= ESTIMATE_STEP_S);
      if (!moved) continue;
      w.position = position;
      w.estimate_s = estimate;
      fx.push({ type: "queue_position", conversation_id: w.task.conversation_id, queue_id: w.queue.id, position, estimated_wait_s: estimate });
    }
  }

  /**
   * position × mean recent handle time ÷ staffed slots: with every slot of the agents who may take the
   * conversation turning over once per handle time, the n-th in line waits about n turnovers. Null when nobody
   * who could take it is at work.
   */
  private estimateWait(w: Waiting, position: number, now: number): number | null {
    const slots = this.staffed(w, now, false).reduce((n, a) => n + a.capacity[w.class], 0);
    if (slots === 0) return null;
    const recent = this.state.handle_ms[w.class];
    const handleS = recent.length > 0 ? recent.reduce((x, y) => x + y, 0) / recent.length / 1000 : this.state.config.settings.default_handle_s[w.class];
    const closed = Math.max(0, w.not_before - now) / 1000;
    return Math.round(closed + (position * handleS) / slots);
  }

  private nextDeadline(now: number): number | null {
    const s = this.state;
    let next = Infinity;
    for (const o of Object.values(s.offers)) next = Math.min(next, o.expires_at);
    const grace = s.config.settings.disconnect_grace_s * 1000;
    for (const a of Object.values(s.agents)) {
      if (a.disconnected_at !== null && (a.status === "available" || a.status === "busy")) next = Math.min(next, a.disconnected_at + grace);
    }
    const warnRatio = s.config.settings.sla_warning_ratio;
    for (const w of Object.values(s.waiting)) {
      if (w.not_before > now) next = Math.min(next, w.not_before);
      if (w.sla_due !== null && !w.sla_breached) {
        next = Math.min(next, w.sla_warned ? w.sla_due : w.sla_due - w.queue.sla_first_response_s * 1000 * (1 - warnRatio));
      }
      const deadline = this.targetDeadline(w);
      if (deadline !== null) next = Math.min(next, deadline);
      for (const until of Object.values(w.declined)) if (until > now) next = Math.min(next, until);
    }
    return next === Infinity ? null : next;
  }
}

function freshAgent(agent: Agent, now: number): AgentState {
  return { ...agent, load: { voice: 0, chat: 0, email: 0 }, idle_since: now, disconnected_at: null };
}

function slaClock(sla: Carried["sla"], start: number, queue: Queue): Pick<Waiting, "sla_due" | "sla_warned" | "sla_breached" | "bump"> {
  if (sla === "start") return { sla_due: start + queue.sla_first_response_s * 1000, sla_warned: false, sla_breached: false, bump: 0 };
  if (sla === "none") return { sla_due: null, sla_warned: false, sla_breached: false, bump: 0 };
  return { sla_due: sla.sla_due, sla_warned: sla.sla_warned, sla_breached: sla.sla_breached, bump: sla.bump };
}

function declinedBy(w: Waiting, agentId: string, now: number): boolean {
  const until = w.declined[agentId];
  return until !== undefined && until > now;
}

function hasRoom(agent: AgentState): boolean {
  return CHANNEL_CLASSES.some((c) => agent.load[c] < agent.capacity[c]);
}

function inTarget(agent: AgentState, target: Target, w: Waiting): boolean {
  switch (target.kind) {
    case "any":
      return true;
    case "team":
      return agent.teams.includes(target.value);
    case "agents":
      return target.value.includes(agent.id);
    case "skills":
      return meetsRequirements(agent, target.value ?? w.requirements, target.relax_to);
  }
}

export function effectivePriority(w: Waiting): number {
  return w.queue.priority + w.task.priority + w.bump;
}

/** Queue and conversation requirements together; the stricter proficiency wins per skill. */
function mergeRequirements(a: readonly RequiredSkill[], b: readonly RequiredSkill[]): RequiredSkill[] {
  const need = new Map<string, number>();
  for (const r of [...a, ...b]) need.set(r.skill, Math.max(need.get(r.skill) ?? 0, r.min_proficiency));
  return [...need].map(([skill, min_proficiency]) => ({ skill, min_proficiency })).sort((x, y) => cmp(x.skill, y.skill));
}

function byId<T extends { id: string }>(items: readonly T[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const item of items) out[item.id] = item;
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
