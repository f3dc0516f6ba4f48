import type { DomainEvent } from "../events";
import type { EventMetrics } from "./facts";
import { binOf } from "./bins";

export const HOUR_MS = 3_600_000;

/**
 * Rollup metrics. `n` counts and `total` sums (milliseconds for durations, points for scores). Duration metrics are
 * histograms over `bin` (shared/analytics/bins.ts); the rest use bin 0.
 */
export const METRIC = {
  conversations: "conversations",
  botHandled: "bot_handled",
  firstResponse: "frt",
  firstHumanResponse: "frt_human",
  answered: "answered",
  abandoned: "abandoned",
  handle: "handle",
  assigned: "assigned",
  transferred: "transferred",
  resolvedBot: "resolved_bot",
  resolvedAgent: "resolved_agent",
  resolvedOther: "resolved_other",
  reopened: "reopened",
  csat: "csat",
  nps: "nps",
  fcrEligible: "fcr_eligible",
  fcr: "fcr",
  staffed: "agent_staffed",
  occupied: "agent_occupied",
  idle: "agent_idle",
  load: "agent_load",
} as const;
export type Metric = (typeof METRIC)[keyof typeof METRIC];

/** One cell of the hourly rollup. Empty strings stand for "none" in the queue, team and agent dimensions. */
export type RollupDelta = { hour: number; channel: string; queue: string; team: string; agent: string; metric: Metric; bin: number; n: number; total: number };

type Dims = Pick<RollupDelta, "channel" | "queue" | "team" | "agent">;

const hourOf = (t: number) => Math.floor(t / HOUR_MS) * HOUR_MS;

/** What one event adds to the hourly rollups; every value was fixed when the event was written. */
export function contributions(e: DomainEvent): RollupDelta[] {
  if (e.type === "agent.status") return agentTime(e);
  if (!("conversation" in e)) return [];
  const metrics: EventMetrics | undefined = "metrics" in e ? e.metrics : undefined;
  const hour = hourOf(e.occurred_at);
  const dims: Dims = { channel: e.conversation.channel, queue: metrics?.queue ?? "", team: metrics?.team ?? "", agent: metrics?.agent ?? "" };
  const out: RollupDelta[] = [];
  const add = (metric: Metric, n: number, total = 0, bin = 0) => out.push({ hour, ...dims, metric, bin, n, total });
  if (e.type === "survey.responded") {
    add(e.survey === "csat" ? METRIC.csat : METRIC.nps, 1, e.score, e.score);
    return out;
  }
  if (!metrics) return out;
  const duration = (metric: Metric, ms: number | undefined) => ms !== undefined && add(metric, 1, ms, binOf(ms));
  if (metrics.created) add(METRIC.conversations, 1);
  if (metrics.bot_handled) add(METRIC.botHandled, 1);
  duration(METRIC.firstResponse, metrics.first_response_ms);
  duration(METRIC.firstHumanResponse, metrics.first_human_response_ms);
  duration(METRIC.answered, metrics.answered_wait_ms);
  duration(METRIC.abandoned, metrics.abandoned_wait_ms);
  if (metrics.handle_ms !== undefined || metrics.handled) add(METRIC.handle, metrics.handled ? 1 : 0, metrics.handle_ms ?? 0);
  if (metrics.first_assignment) add(METRIC.assigned, 1);
  if (metrics.first_transfer) add(METRIC.transferred, 1);
  if (metrics.resolved_by) add(metrics.resolved_by === "bot" ? METRIC.resolvedBot : metrics.resolved_by === "agent" ? METRIC.resolvedAgent : METRIC.resolvedOther, 1);
  if (metrics.reopened) add(METRIC.reopened, 1);
  return out;
}

/**
 * An agent's interval split at hour boundaries. Staffed is available or busy; occupied is staffed with at least one
 * conversation; idle is available with none; load is staffed time weighted by the share of capacity in use.
 */
function agentTime(e: Extract<DomainEvent, { type: "agent.status" }>): RollupDelta[] {
  const staffed = e.status === "available" || e.status === "busy";
  if (!staffed || e.to <= e.from) return [];
  const dims: Dims = { channel: "", queue: "", team: e.team ?? "", agent: e.agent_id };
  const out: RollupDelta[] = [];
  for (let start = e.from; start < e.to; ) {
    const hour = hourOf(start);
    const end = Math.min(e.to, hour + HOUR_MS);
    const ms = end - start;
    const add = (metric: Metric, total: number) => out.push({ hour, ...dims, metric, bin: 0, n: 0, total });
    add(METRIC.staffed, ms);
    if (e.conversations > 0) add(METRIC.occupied, ms);
    else if (e.status === "available") add(METRIC.idle, ms);
    if (e.load > 0) add(METRIC.load, ms * e.load);
    start = end;
  }
  return out;
}
