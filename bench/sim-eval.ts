/**
 * The paired policy evaluation: every policy runs on the same seeded routing-trace/v1 traces, and weighted is
 * compared with each baseline seed by seed (docs/routing.md, "Evaluation").
 */
import { run } from "../shared/routing/simulation.ts";
import type { Policy } from "../shared/routing/schemas.ts";
import { metrics, paired, scorecard } from "../shared/routing/scorecard.ts";
import type { Paired, Scorecard } from "../shared/routing/scorecard.ts";
import { TraceV1, fromV1 } from "../shared/routing/trace-v1.ts";
import { POOLS, SCENARIOS, generate } from "./traces/scenarios.ts";
import type { ScenarioName } from "./traces/scenarios.ts";

/** CLI name → desk policy, weighted first: the columns of the table. */
export const COMPARED: [string, Policy][] = [
  ["weighted", "weighted"],
  ["fifo-skill-pack", "fifo_skill_pack"],
  ["fifo-skill", "fifo_skill"],
  ["round-robin", "round_robin_blind"],
];

export type Evaluation = {
  scenario: ScenarioName;
  description: string;
  seeds: number[];
  /** Per policy (CLI name), one scorecard per seed. */
  per_seed: Record<string, Scorecard[]>;
  /** weighted − baseline, per baseline and metric key. */
  paired: Record<string, Record<string, Paired>>;
};

export function evaluate(scenario: ScenarioName, seeds: number): Evaluation {
  const list = Array.from({ length: seeds }, (_, i) => i + 1);
  const per_seed: Record<string, Scorecard[]> = Object.fromEntries(COMPARED.map(([n]) => [n, []]));
  for (const seed of list) {
    const v1 = TraceV1.parse(generate(scenario, seed));
    const trace = fromV1(v1, `${scenario}-${seed}`);
    for (const [name, policy] of COMPARED) per_seed[name]!.push(scorecard(v1, run(trace, policy), POOLS));
  }
  const paired_: Evaluation["paired"] = {};
  for (const [name] of COMPARED.slice(1)) {
    paired_[name] = Object.fromEntries(metrics(POOLS).map((m) => [m.key, paired(per_seed.weighted!, per_seed[name]!, m)]));
  }
  return { scenario, description: SCENARIOS[scenario].description, seeds: list, per_seed, paired: paired_ };
}

export function renderTable(e: Evaluation): string {
  const baselines = COMPARED.slice(1).map(([n]) => n);
  const contacts = e.per_seed.weighted!.reduce((s, c) => s + c.contacts, 0) / e.seeds.length;
  const head = ["metric", ...COMPARED.map(([n]) => n), ...baselines.map((b) => `w − ${b} (wins)`)];
  const rows = metrics(POOLS).map((m) => {
    const p = e.paired[baselines[0]!]![m.key]!;
    const means = [p.mean, ...baselines.map((b) => e.paired[b]![m.key]!.baseline_mean)];
    const diffs = baselines.map((b) => {
      const d = e.paired[b]![m.key]!;
      return `${fmt(m.key, d.mean_diff, true)}${m.better === null ? "" : ` (${d.wins}/${d.seeds})`}`;
    });
    return [m.label, ...means.map((v) => fmt(m.key, v, false)), ...diffs];
  });
  return [
    `### ${e.scenario} — ${e.seeds.length} seeds, ${Math.round(contacts)} contacts per seed on average`,
    e.description,
    "",
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** Rates as percentages (differences in points), lifetime value in whole units. */
function fmt(key: string, v: number, signed: boolean): string {
  const sign = signed && v > 0 ? "+" : "";
  if (key === "ltv_abandoned") return `${sign}${Math.round(v).toLocaleString("en-US")}`;
  return `${sign}${(100 * v).toFixed(1)}${signed ? "" : " %"}`;
}
