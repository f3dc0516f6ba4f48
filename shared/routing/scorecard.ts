import type { ContactRecord, Run } from "./simulation";
import type { ContactV1, TraceV1 } from "./trace-v1";

/**
 * The evaluation's scorecard of one run of a routing-trace/v1 trace, and paired comparisons over seeds.
 * Service levels are answered within 20 s ÷ (answered + abandoned), over voice and chat only: an e-mail
 * answered in 20 s is not a service goal.
 */

/** A scarce pool to report on: contacts needing a skill, or in a language. */
export type Pool = { label: string; skill?: string; language?: string };

export type Scorecard = {
  contacts: number;
  sl_voice_chat: number;
  abandonment: number;
  right_skill_first_time: number;
  /** Voice and chat of the two highest tiers. */
  sl_top_tiers: number;
  ltv_abandoned: number;
  /** Voice and chat SL per pool label. */
  pools: Record<string, number>;
  mean_utilisation: number;
};

const THRESHOLD_MS = 20_000;

export function scorecard(v1: TraceV1, run: Run, pools: readonly Pool[]): Scorecard {
  const byId = new Map(v1.contacts.map((c) => [c.id, c]));
  const agents = new Map(v1.agents.map((a) => [a.id, a]));
  const rows = run.contacts.map((r) => ({ r, c: byId.get(r.arrival.id)! }));
  const live = rows.filter(({ c }) => c.channel !== "email");
  const top = new Set(v1.tiers.slice(-2));
  const answered = rows.filter(({ r }) => r.answered_at !== null);
  const abandoned = rows.filter(({ r }) => r.abandoned_at !== null && r.answered_at === null);
  return {
    contacts: rows.length,
    sl_voice_chat: serviceLevel(live),
    abandonment: ratio(abandoned.length, rows.length),
    right_skill_first_time: ratio(answered.filter(({ r, c }) => agents.get(r.first_agent!)!.skills[c.required_skill] !== undefined).length, answered.length),
    sl_top_tiers: serviceLevel(live.filter(({ c }) => top.has(c.tier))),
    ltv_abandoned: abandoned.reduce((s, { c }) => s + c.lifetime_value, 0),
    pools: Object.fromEntries(pools.map((p) => [p.label, serviceLevel(live.filter(({ c }) => inPool(p, c)))])),
    mean_utilisation: run.result.mean_utilisation,
  };
}

function inPool(p: Pool, c: ContactV1): boolean {
  return (p.skill === undefined || c.required_skill === p.skill) && (p.language === undefined || c.language === p.language);
}

function serviceLevel(rows: readonly { r: ContactRecord }[]): number {
  let within = 0;
  let settled = 0;
  for (const { r } of rows) {
    if (r.answered_at !== null) {
      settled++;
      if (r.answered_at - r.arrival.at_s * 1000 <= THRESHOLD_MS) within++;
    } else if (r.abandoned_at !== null) settled++;
  }
  return ratio(within, settled);
}

/** A scorecard field, flattened ("pools.zh"), and which way is better (null: neither, e.g. utilisation). */
export type Metric = { key: string; label: string; better: "higher" | "lower" | null };

export function metrics(pools: readonly Pool[]): Metric[] {
  return [
    { key: "sl_voice_chat", label: "SL voice+chat 20 s", better: "higher" },
    { key: "abandonment", label: "abandoned", better: "lower" },
    { key: "right_skill_first_time", label: "right skill first time", better: "higher" },
    { key: "sl_top_tiers", label: "SL top two tiers", better: "higher" },
    { key: "ltv_abandoned", label: "lifetime value abandoned", better: "lower" },
    ...pools.map((p) => ({ key: `pools.${p.label}`, label: `SL ${p.label}`, better: "higher" as const })),
    { key: "mean_utilisation", label: "mean utilisation", better: null },
  ];
}

export function valueOf(card: Scorecard, key: string): number {
  if (key.startsWith("pools.")) return card.pools[key.slice(6)] ?? 0;
  return card[key as Exclude<keyof Scorecard, "pools">];
}

export type Paired = { mean: number; mean_diff: number; baseline_mean: number; wins: number; ties: number; seeds: number };

/**
 * Per-seed paired difference `policy − baseline` (the same trace for both): its mean, and on how many seeds the
 * policy was strictly better (ties counted apart).
 */
export function paired(policy: readonly Scorecard[], baseline: readonly Scorecard[], metric: Metric): Paired {
  const diffs = policy.map((c, i) => valueOf(c, metric.key) - valueOf(baseline[i]!, metric.key));
  const better = (d: number) => (metric.better === "higher" ? d > 1e-12 : metric.better === "lower" ? d < -1e-12 : false);
  return {
    mean: mean(policy.map((c) => valueOf(c, metric.key))),
    baseline_mean: mean(baseline.map((c) => valueOf(c, metric.key))),
    mean_diff: mean(diffs),
    wins: diffs.filter(better).length,
    ties: diffs.filter((d) => Math.abs(d) <= 1e-12).length,
    seeds: diffs.length,
  };
}

export const mean = (xs: readonly number[]) => ratio(xs.reduce((s, x) => s + x, 0), xs.length);
const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);
