import { z } from "zod";
import { AgentStatus } from "./schemas";
import type { DeskState, Effect, Waiting } from "./desk-types";
import { localDay } from "../analytics/calendar";

/**
 * Live counters for supervisors, as plain values computed from the desk state at an instant. The desk state keeps
 * no dated history of answered and abandoned contacts (desk-estimates.ts remembers recent waits without times), so
 * today's outcomes are counted from the effects as they happen (countToday) and kept by the Durable Object.
 */

const count = z.int().nonnegative();
const ratio = z.number().min(0).max(1).nullable();

export const TodayCounters = z.object({
  /** Local day (YYYY-MM-DD) in the tenant's analytics time zone, the day boundary of its rollups. */
  day: z.iso.date(),
  answered: count,
  answered_within_sl: count,
  abandoned: count,
});
export type TodayCounters = z.infer<typeof TodayCounters>;

export const QueueLive = z.object({ waiting: count, longest_wait_ms: z.number().nonnegative().nullable(), sla_at_risk: count });
export type QueueLive = z.infer<typeof QueueLive>;

export const LiveCounters = z.object({
  waiting: count,
  longest_wait_ms: z.number().nonnegative().nullable(),
  /** Agents per status, plus those whose console socket is gone (whatever their status). */
  agents: z.object({ ...Object.fromEntries(AgentStatus.options.map((s) => [s, count])), disconnected: count } as Record<AgentStatus | "disconnected", typeof count>),
  offers_pending: count,
  assigned: count,
  /** Waiting contacts past their queue's SLA warning point (the desk's sla_warning instant) and not yet answered. */
  sla_at_risk: count,
  today: TodayCounters.extend({
    /** Answered within the queue's first-response SLA ÷ (answered + abandoned); null before any. */
    service_level: ratio,
    abandonment_rate: ratio,
  }),
  per_queue: z.record(z.string(), QueueLive),
});
export type LiveCounters = z.infer<typeof LiveCounters>;

/** Today's counters at `t`: `prev` while it is still its day, else a new day from zero. */
export function todayOf(prev: TodayCounters | null, t: number, tz: string): TodayCounters {
  const day = localDay(t, tz);
  return prev !== null && prev.day === day ? prev : { day, answered: 0, answered_within_sl: 0, abandoned: 0 };
}

/**
 * Past the desk's own SLA warning instant (desk-deadlines.ts processDue), whether or not a tick has seen it yet. A
 * contact warned in one queue and moved to another with a shorter SLA stays at risk: its clock kept running.
 * Never for a contact without a running first-response clock (answered before a transfer).
 */
function atRisk(w: Waiting, warnRatio: number, t: number): boolean {
  if (w.sla_due === null) return false;
  return w.sla_warned || t >= w.sla_due - w.queue.sla_first_response_s * 1000 * (1 - warnRatio);
}

/** `today` as todayOf gives it for `t`. */
export function liveCounters(state: DeskState, today: TodayCounters, t: number): LiveCounters {
  const agents = { ...(Object.fromEntries(AgentStatus.options.map((s) => [s, 0])) as Record<AgentStatus, number>), disconnected: 0 };
  for (const a of Object.values(state.agents)) {
    agents[a.status] += 1;
    if (a.disconnected_at !== null) agents.disconnected += 1;
  }
  const warnRatio = state.config.settings.sla_warning_ratio;
  const per_queue: Record<string, QueueLive> = {};
  for (const id of Object.keys(state.config.queues)) per_queue[id] = { waiting: 0, longest_wait_ms: null, sla_at_risk: 0 };
  let waiting = 0;
  let longest: number | null = null;
  let risk = 0;
  for (const w of Object.values(state.waiting)) {
    // A removed queue's contacts still wait in their copy of it, and are shown under its id.
    const q = (per_queue[w.queue.id] ??= { waiting: 0, longest_wait_ms: null, sla_at_risk: 0 });
    const waited = Math.max(0, t - w.enqueued_at);
    waiting += 1;
    q.waiting += 1;
    longest = Math.max(longest ?? 0, waited);
    q.longest_wait_ms = Math.max(q.longest_wait_ms ?? 0, waited);
    if (atRisk(w, warnRatio, t)) {
      risk += 1;
      q.sla_at_risk += 1;
    }
  }
  const settled = today.answered + today.abandoned;
  return {
    waiting,
    longest_wait_ms: longest,
    agents,
    offers_pending: Object.keys(state.offers).length,
    assigned: Object.keys(state.assignments).length,
    sla_at_risk: risk,
    today: {
      ...today,
      service_level: settled > 0 ? today.answered_within_sl / settled : null,
      abandonment_rate: settled > 0 ? today.abandoned / settled : null,
    },
    per_queue,
  };
}

/**
 * Today's outcomes after a command's effects (applied to `state` already), restarting on a new local day. An
 * `assigned` effect is a contact answered for the first time unless a transfer note says an agent had it before
 * (a re-assignment after a hand-over is no new answer); its own `waited_ms` (since it entered its current queue)
 * is compared with the queue's first-response SLA. Every `abandoned` effect counts. Returns a new object.
 */
export function countToday(prev: TodayCounters | null, effects: readonly Effect[], state: DeskState, t: number, tz: string): TodayCounters {
  const next = { ...todayOf(prev, t, tz) };
  for (const e of effects) {
    if (e.type === "abandoned") next.abandoned += 1;
    else if (e.type === "assigned" && e.notes.every((n) => n.from_agent_id === null)) {
      next.answered += 1;
      // The queue as the contact entered it, as the desk's own SLA clock uses it.
      const queue = state.assignments[e.conversation_id]?.queue ?? state.config.queues[e.queue_id];
      if (queue && e.waited_ms <= queue.sla_first_response_s * 1000) next.answered_within_sl += 1;
    }
  }
  return next;
}

/** Whether any effect changes today's outcomes: only then are they written. */
export function countsToday(effects: readonly Effect[]): boolean {
  return effects.some((e) => e.type === "assigned" || e.type === "abandoned");
}

/** What decides whether a push is news: everything but the waits, which grow with the clock alone. */
export function liveKey(c: LiveCounters): string {
  const { longest_wait_ms: _l, per_queue, ...rest } = c;
  const queues = Object.fromEntries(Object.entries(per_queue).map(([id, { longest_wait_ms: _q, ...q }]) => [id, q]));
  return JSON.stringify({ ...rest, per_queue: queues });
}
