import type { Agent, Policy } from "./schemas";
import { meetsRequirements } from "./score";
import type { BusyMeter } from "./sim-utilisation";
import type { ContactRecord, Counts, Trace } from "./simulation";

export type TierResult = { arrivals: number; answered: number; abandoned: number; service_level: number; asa_s: number };

export type SimResult = {
  trace: string;
  policy: Policy;
  arrivals: number;
  answered: number;
  abandoned: number;
  /** Still waiting when nothing more could happen (e.g. every eligible agent declined). */
  unfinished: number;
  asa_s: number;
  /** Share of answered + abandoned that waited at all. */
  p_wait: number;
  service_level: number;
  abandonment_rate: number;
  right_agent_first_time: number;
  sl_by_tier: Record<string, TierResult>;
  /** Per agent: budget-weighted busy time ÷ on-shift time within the horizon (sim-utilisation.ts). */
  utilisation: Record<string, number>;
  /** Σ busy ÷ Σ on-shift time over all agents: the team's utilisation, longer shifts weighing more. */
  mean_utilisation: number;
  offers: number;
  offers_expired: number;
  offers_rejected: number;
  transfers: number;
};

/** Service level = answered within the threshold ÷ (answered + abandoned); ASA over the answered. */
export function contactStats(records: readonly ContactRecord[], thresholdMs: number) {
  const answered = records.filter((r) => r.answered_at !== null);
  const abandoned = records.filter((r) => r.abandoned_at !== null && r.answered_at === null).length;
  const wait = (r: ContactRecord) => r.answered_at! - r.arrival.at_s * 1000;
  const within = answered.filter((r) => wait(r) <= thresholdMs).length;
  const waited = answered.filter((r) => wait(r) > 0).length + abandoned;
  return {
    answered,
    abandoned,
    asa_s: ratio(answered.reduce((s, r) => s + wait(r), 0) / 1000, answered.length),
    service_level: ratio(within, answered.length + abandoned),
    p_wait: ratio(waited, answered.length + abandoned),
  };
}

/** The first agent to answer held every required skill at the needed proficiency, and nobody handed it back. */
export function rightFirstTime(r: ContactRecord, agents: ReadonlyMap<string, Agent>): boolean {
  return r.first_agent !== null && !r.transferred && meetsRequirements(agents.get(r.first_agent)!, r.requirements);
}

export function summarise(
  trace: Trace,
  policy: Policy,
  records: readonly ContactRecord[],
  agents: ReadonlyMap<string, Agent>,
  meters: ReadonlyMap<string, BusyMeter>,
  counts: Counts,
): SimResult {
  const threshold = trace.sl_threshold_s * 1000;
  const all = contactStats(records, threshold);
  const right = all.answered.filter((r) => rightFirstTime(r, agents)).length;
  const sl_by_tier: Record<string, TierResult> = {};
  for (const tier of [...new Set(records.map((r) => r.arrival.tier))].sort()) {
    const rs = records.filter((r) => r.arrival.tier === tier);
    const t = contactStats(rs, threshold);
    sl_by_tier[tier] = { arrivals: rs.length, answered: t.answered.length, abandoned: t.abandoned, service_level: round(t.service_level), asa_s: round(t.asa_s) };
  }
  const utilisation: Record<string, number> = {};
  let busy = 0;
  let onShift = 0;
  for (const [id, m] of [...meters].sort(([a], [b]) => (a < b ? -1 : 1))) {
    utilisation[id] = round(ratio(m.busyMs, m.onShiftMs));
    busy += m.busyMs;
    onShift += m.onShiftMs;
  }
  return {
    trace: trace.name,
    policy,
    arrivals: records.length,
    answered: all.answered.length,
    abandoned: all.abandoned,
    unfinished: records.length - all.answered.length - all.abandoned,
    asa_s: round(all.asa_s),
    p_wait: round(all.p_wait),
    service_level: round(all.service_level),
    abandonment_rate: round(ratio(all.abandoned, records.length)),
    right_agent_first_time: round(ratio(right, all.answered.length)),
    sl_by_tier,
    utilisation,
    mean_utilisation: round(ratio(busy, onShift)),
    offers: counts.offers,
    offers_expired: counts.expired,
    offers_rejected: counts.rejected,
    transfers: counts.transfers,
  };
}

export const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);
const round = (x: number) => Math.round(x * 1e4) / 1e4;
