import { DeskSettings } from "./schemas";
import type { Agent, AgentStatus, Calendar, Queue, Target, Task } from "./schemas";
import type { AgentState, Breakdown, Carried, DeskInit, DeskState, Effect, Offer, TransferNote, TransferTo, WaitReason } from "./desk-types";
import { capacitySignal, declinedBy, offerable, dropOffer, effectivePriority, expireOffer, release, revokeAgentOffers, revokeOffer, setStatus, staffed } from "./desk-offers";
import { rankTask, scoreAgent } from "./score";
import { settle, settleIfDue } from "./desk-settle";
import { enqueue, requeueAssigned, transferTargets } from "./desk-queueing";
import { dict } from "../dict";
import { fits } from "./desk-capacity";
import { rememberArrival, stillAwaited } from "./desk-scarcity";
import { rememberHandled, rememberQueueArrival, rememberSettled } from "./desk-estimates";

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

export type {
  AgentState,
  Assignment,
  Breakdown,
  DeskConfig,
  DeskInit,
  DeskState,
  Effect,
  Offer,
  TransferNote,
  TransferTo,
  WaitReason,
  Waiting,
} from "./desk-types";
export { effectivePriority } from "./desk-offers";

export function createDesk(init: DeskInit, now: number): DeskState {
  const state: DeskState = {
    config: {
      settings: DeskSettings.parse(init.settings ?? {}),
      queues: byId(init.queues ?? []),
      calendars: byId(init.calendars ?? []),
    },
    agents: dict(),
    waiting: dict(),
    offers: dict(),
    assignments: dict(),
    seq: 0,
    rr_last: null,
    handle_ms: { voice: [], chat: [], email: [] },
    settled: { voice: [], chat: [], email: [] },
    queue_stats: dict(),
    last_arrival: dict(),
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
    if (change.queues) {
      c.queues = byId(change.queues);
      // A removed queue's traffic describes nothing any more; its conversations already waiting keep their copy.
      for (const id of Object.keys(this.state.queue_stats)) if (!c.queues[id]) delete this.state.queue_stats[id];
    }
    if (change.calendars) c.calendars = byId(change.calendars);
    return settle(this.state, [], now, true);
  }

  upsertAgent(agent: Agent, now: number): Effect[] {
    const fx: Effect[] = [];
    const old = this.state.agents[agent.id];
    if (!old) {
      this.state.agents[agent.id] = freshAgent(agent, now);
      return settle(this.state, fx, now, true);
    }
    const wasAvailable = old.status === "available";
    // The new profile replaces the old one whole (a schedule removed is gone); only live state carries over.
    this.state.agents[agent.id] = { ...agent, load: old.load, idle_since: old.idle_since, disconnected_at: old.disconnected_at };
    if (agent.status !== "available") revokeAgentOffers(this.state, agent.id, now, fx);
    else if (!wasAvailable) this.state.agents[agent.id]!.idle_since = now;
    return settle(this.state, fx, now, true);
  }

  /** Outstanding offers are revoked and the agent's conversations go back to their queues. */
  removeAgent(agentId: string, now: number): Effect[] {
    if (!this.state.agents[agentId]) return this.invalid("remove_agent", "unknown_agent", now);
    const fx: Effect[] = [];
    revokeAgentOffers(this.state, agentId, now, fx);
    for (const a of Object.values(this.state.assignments)) {
      if (a.agent_id === agentId) requeueAssigned(this.state, a, { kind: "queue", queue_id: a.queue.id }, "agent removed", now, fx);
    }
    delete this.state.agents[agentId];
    return settle(this.state, fx, now, true);
  }

  agentStatus(agentId: string, status: AgentStatus, now: number): Effect[] {
    const agent = this.state.agents[agentId];
    if (!agent) return this.invalid("agent_status", "unknown_agent", now);
    const fx: Effect[] = [];
    setStatus(this.state, agent, status, "set", now, fx);
    return settle(this.state, fx, now, true);
  }

  connect(agentId: string, now: number): Effect[] {
    const agent = this.state.agents[agentId];
    if (!agent) return this.invalid("connect", "unknown_agent", now);
    agent.disconnected_at = null;
    return settle(this.state, [], now, true);
  }

  /** Offers to a dropped console cannot be seen, so they go back now; the agent turns away after the grace. */
  disconnect(agentId: string, now: number): Effect[] {
    const agent = this.state.agents[agentId];
    if (!agent) return this.invalid("disconnect", "unknown_agent", now);
    const fx: Effect[] = [];
    agent.disconnected_at ??= now;
    revokeAgentOffers(this.state, agentId, now, fx);
    return settle(this.state, fx, now, true);
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
    enqueue(this.state, task, queue, targets, { sla: "start", transfers: 0, notes: [], declined: dict() }, now, fx);
    const w = this.state.waiting[id];
    if (w) rememberArrival(this.state, w, now);
    rememberQueueArrival(this.state, queueId, now);
    return settle(this.state, fx, now, true);
  }

  accept(offerId: string, agentId: string, now: number): Effect[] {
    const offer = this.checkOffer("accept", offerId, agentId, now);
    if (Array.isArray(offer)) return offer;
    const w = this.state.waiting[offer.conversation_id]!;
    delete this.state.offers[offerId];
    delete this.state.waiting[offer.conversation_id];
    rememberSettled(this.state, w, now, false);
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
    // A contact a scarce pool waits for holds its agents back until it is answered: answering the last one frees them.
    return stillAwaited(this.state, w, now) ? settleIfDue(this.state, fx, now) : settle(this.state, fx, now, true);
  }

  reject(offerId: string, agentId: string, now: number): Effect[] {
    const offer = this.checkOffer("reject", offerId, agentId, now);
    if (Array.isArray(offer)) return offer;
    const fx: Effect[] = [];
    dropOffer(this.state, offer, now, true);
    fx.push({ type: "offer_revoked", offer_id: offerId, conversation_id: offer.conversation_id, agent_id: agentId, reason: "rejected" });
    return settle(this.state, fx, now, true);
  }

  /** The offer's timer ran out (or the caller gives up on it early). */
  expire(offerId: string, now: number): Effect[] {
    const offer = this.state.offers[offerId];
    if (!offer) return this.invalid("expire", "unknown_offer", now);
    const fx: Effect[] = [];
    expireOffer(this.state, offer, now, fx);
    return settle(this.state, fx, now, true);
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
      requeueAssigned(s, assigned, to, note, now, fx);
    } else if (w) {
      if (w.offer_id) revokeOffer(s, s.offers[w.offer_id]!, "transferred", now, fx);
      delete s.waiting[conversationId];
      const queue = to.kind === "queue" ? s.config.queues[to.queue_id]! : w.queue;
      const entry: TransferNote = { at: now, from_agent_id: null, to, note };
      fx.push({ type: "transferred", conversation_id: conversationId, from_agent_id: null, to, note });
      // Still unanswered: the first-response clock keeps running.
      const carried: Carried = { sla: w, transfers: w.transfers + 1, notes: [...w.notes, entry], declined: w.declined };
      enqueue(s, w.task, queue, transferTargets(s, to, queue), carried, now, fx);
    } else {
      return this.invalid("transfer", "unknown_conversation", now);
    }
    return settle(this.state, fx, now, true);
  }

  /**
   * An agent took a waiting conversation by hand. It is theirs at once, whatever their status, as long as they
   * have room (capacity is never exceeded): an offer made to someone else is withdrawn, and the breakdown
   * records the pair's score with the claiming agent as the only candidate.
   */
  claim(conversationId: string, agentId: string, now: number): Effect[] {
    const s = this.state;
    const w = s.waiting[conversationId];
    const agent = s.agents[agentId];
    if (!w) return this.invalid("claim", s.assignments[conversationId] ? "already_assigned" : "unknown_conversation", now);
    if (!agent) return this.invalid("claim", "unknown_agent", now);
    const fx: Effect[] = [];
    if (w.offer_id) {
      const offer = s.offers[w.offer_id]!;
      if (offer.agent_id === agentId) return this.accept(offer.offer_id, agentId, now);
      revokeOffer(s, offer, "transferred", now, fx);
    }
    if (!fits(agent, w.class, s.config.settings)) return [...fx, ...this.invalid("claim", "no_room", now)];
    delete s.waiting[conversationId];
    const score = scoreAgent(w.queue.weights, w.task, w.requirements, agent, capacitySignal(s, w, agent));
    agent.load[w.class] += 1;
    s.seq += 1;
    const offerId = `clm_${s.seq}`;
    const waited = now - Math.max(w.enqueued_at, w.not_before);
    const breakdown: Breakdown = {
      policy: s.config.settings.policy,
      conversation_id: conversationId,
      agent_id: agentId,
      queue_id: w.queue.id,
      decided_at: now,
      target: { index: w.target, kind: w.targets[w.target]!.kind, ...(w.target_reason ? { reason: w.target_reason } : {}) },
      rank: rankTask(w.queue.weights, w.task, effectivePriority(w), waited, w.queue.sla_first_response_s * 1000, s.config.settings.ageing_per_sla),
      score,
      candidates: [{ agent_id: agentId, agent_match: score.agent_match, score: score.score }],
    };
    s.assignments[conversationId] = { conversation_id: conversationId, agent_id: agentId, class: w.class, queue: w.queue, task: w.task, assigned_at: now, transfers: w.transfers, notes: w.notes, breakdown };
    fx.push({ type: "assigned", offer_id: offerId, conversation_id: conversationId, agent_id: agentId, queue_id: w.queue.id, waited_ms: now - w.enqueued_at, transfers: w.transfers, notes: w.notes, breakdown });
    return settle(this.state, fx, now, true);
  }

  resolve(conversationId: string, now: number): Effect[] {
    const s = this.state;
    const fx: Effect[] = [];
    const a = s.assignments[conversationId];
    const w = s.waiting[conversationId];
    if (a) {
      delete s.assignments[conversationId];
      release(s, a.agent_id, a.class, now);
      const handled = now - a.assigned_at;
      rememberHandled(s, a.class, a.queue.id, handled);
      fx.push({ type: "resolved", conversation_id: conversationId, agent_id: a.agent_id, handle_ms: handled });
    } else if (w) {
      if (w.offer_id) revokeOffer(s, s.offers[w.offer_id]!, "resolved", now, fx);
      delete s.waiting[conversationId];
      fx.push({ type: "resolved", conversation_id: conversationId, agent_id: null, handle_ms: null });
    } else {
      return this.invalid("resolve", "unknown_conversation", now);
    }
    return settle(this.state, fx, now, "capacity");
  }

  /** The customer left while waiting; an outstanding offer is withdrawn so no agent joins an empty room. */
  abandon(conversationId: string, now: number): Effect[] {
    const s = this.state;
    const w = s.waiting[conversationId];
    if (!w) return this.invalid("abandon", s.assignments[conversationId] ? "already_assigned" : "unknown_conversation", now);
    const fx: Effect[] = [];
    if (w.offer_id) revokeOffer(s, s.offers[w.offer_id]!, "abandoned", now, fx);
    delete s.waiting[conversationId];
    rememberSettled(s, w, now, true);
    fx.push({ type: "abandoned", conversation_id: conversationId, queue_id: w.queue.id, waited_ms: now - w.task.arrived_at });
    return settle(this.state, fx, now, "capacity");
  }

  /** The alarm handler: process every deadline due by `now` (offer timeouts, overflow, SLA), then dispatch. */
  tick(now: number): Effect[] {
    return settle(this.state, [], now, true);
  }

  /** Make offers for whatever can be offered now, without processing deadlines. */
  dispatch(now: number): Effect[] {
    return settle(this.state, [], now, false);
  }

  /** Why a conversation is still waiting, or null if it is not waiting. */
  waitReason(conversationId: string, now: number): WaitReason | null {
    const w = this.state.waiting[conversationId];
    if (!w) return null;
    if (w.offer_id) return "offered";
    if (w.not_before > now) return "out_of_hours";
    const atWork = staffed(this.state, w, now, false);
    if (atWork.length === 0) return "no_staffed_agent";
    if (atWork.every((a) => declinedBy(w, a.id, now))) return "declined_by_all";
    return "agents_busy";
  }

  /** Agents who could be offered this conversation right now (available, room, in the current target). */
  eligibleAgents(conversationId: string, now: number): string[] {
    const w = this.state.waiting[conversationId];
    if (!w || w.offer_id || w.not_before > now) return [];
    return offerable(this.state, w, now).map((a) => a.id);
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
    // A refusal may follow a change (claim revokes the offer before finding no room): it settles in full.
    return settle(this.state, [{ type: "invalid", action, reason }], now, true);
  }

  private checkOffer(action: string, offerId: string, agentId: string, now: number): Offer | Effect[] {
    const offer = this.state.offers[offerId];
    if (!offer) return this.invalid(action, "unknown_offer", now);
    if (offer.agent_id !== agentId) return this.invalid(action, "not_your_offer", now);
    // An answer that arrives after the deadline loses the race to the timer, whether or not the alarm ran yet.
    if (now >= offer.expires_at) return this.invalid(action, "offer_expired", now);
    return offer;
  }
}

function freshAgent(agent: Agent, now: number): AgentState {
  return { ...agent, load: { voice: 0, chat: 0, email: 0 }, idle_since: now, disconnected_at: null };
}

function byId<T extends { id: string }>(items: readonly T[]): Record<string, T> {
  return dict(items.map((item) => [item.id, item] as const));
}
