/**
 * Generates the simulator's traces from a seeded PRNG: Poisson arrivals (piecewise-constant rate, by
 * thinning), exponential handle times and patience, mixed skills, proficiency needs, languages and tiers.
 *
 *   node bench/traces/generate.ts                               rewrites bench/traces/*.json
 *   node bench/traces/generate.ts --seed-offset 3 --out /tmp/t   same specs, other seeds (robustness checks)
 *
 * The same seed always yields the same files, so a trace can be regenerated and diffed.
 */
import { writeFileSync } from "node:fs";
import { exponential, prng, weighted } from "../../shared/routing/random.ts";
import type { TraceInput } from "../../shared/routing/simulation.ts";

type Channel = "web" | "whatsapp" | "voice" | "email";
type Spec = {
  name: string;
  description: string;
  seed: number;
  /** [from_s, arrivals per hour] steps; the last step runs to duration_s. */
  rate: [number, number][];
  duration_s: number;
  channels: [Channel, number][];
  agents: number;
  /** Per channel: mean handle time and mean patience (null = waits forever), seconds. */
  handle_s: Record<Channel, number>;
  patience_s: Record<Channel, number | null>;
};

const SKILLS = ["billing", "tech", "sales", "account"] as const;
const SKILL_MIX: [string, number][] = [["billing", 0.3], ["tech", 0.35], ["sales", 0.2], ["account", 0.15]];
const TIERS: [string, number][] = [["platinum", 0.1], ["gold", 0.25], ["standard", 0.65]];
const TIER_VALUE: Record<string, [number, number]> = { platinum: [0.85, 1], gold: [0.55, 0.8], standard: [0.05, 0.4] };
const LANGUAGES: [string, number][] = [["en", 0.8], ["es", 0.15], ["de", 0.05]];

function queues(sla: number) {
  // Same overflow plan for every skill: the needed proficiency first, then anyone with the skill, then anyone.
  // Spread, as these traces were built for: under per-channel budgets packing keeps no whole agent free for calls.
  return SKILLS.map((skill) => ({
    id: skill,
    name: `${skill} support`,
    sla_first_response_s: sla,
    strategy: "spread" as const,
    targets: [
      { kind: "skills" as const, timeout_s: 45 },
      { kind: "skills" as const, relax_to: 1, timeout_s: 90 },
      { kind: "any" as const },
    ],
  }));
}

/** Primary proficiency of the k-th agent whose main skill it is: staffing follows the demand for each level. */
const LADDER = [5, 4, 3, 2, 4, 3, 2, 3];

function roster(rand: () => number, n: number) {
  // Main skills in proportion to traffic, so no skill is structurally understaffed.
  const primaries: string[] = [];
  for (const [skill, share] of SKILL_MIX) for (let k = 0; k < Math.max(1, Math.round(share * n)); k++) primaries.push(skill);
  const agents = [];
  for (let i = 0; i < n; i++) {
    const primary = primaries[i] ?? weighted(rand, SKILL_MIX);
    const rank = primaries.slice(0, i).filter((p) => p === primary).length;
    const skills = [{ skill: primary, proficiency: LADDER[rank % LADDER.length]! }];
    for (const extra of SKILLS) {
      if (extra !== primary && rand() < 0.35) skills.push({ skill: extra, proficiency: weighted(rand, [[1, 0.3], [2, 0.4], [3, 0.3]]) });
    }
    const languages = ["en"];
    if (rand() < 0.3) languages.push("es");
    if (rand() < 0.15) languages.push("de");
    agents.push({
      id: `agt_${String(i + 1).padStart(2, "0")}`,
      name: `Agent ${i + 1}`,
      skills,
      languages,
      capacity: { voice: 1, chat: 3, email: 5 },
      status: "available" as const,
      csat: round(3.5 + rand() * 1.4, 1),
      behaviour: {
        accept_after_s: round(2 + rand() * 4, 1),
        reject_probability: 0.03,
        miss_probability: 0.01,
        back_after_s: 60,
      },
    });
  }
  return agents;
}

function arrivals(spec: Spec, rand: () => number) {
  const peak = Math.max(...spec.rate.map(([, r]) => r)) / 3600;
  const rateAt = (t: number) => spec.rate.filter(([from]) => from <= t).at(-1)![1] / 3600;
  const out = [];
  for (let t = exponential(rand, 1 / peak); t < spec.duration_s; t += exponential(rand, 1 / peak)) {
    if (rand() >= rateAt(t) / peak) continue;
    const channel = weighted(rand, spec.channels);
    const skill = weighted(rand, SKILL_MIX);
    const tier = weighted(rand, TIERS);
    const [lo, hi] = TIER_VALUE[tier]!;
    // Mostly routine work, a tail of hard cases; the needed proficiency follows complexity, with some noise.
    const complexity = Math.min(1, Math.max(0, weighted(rand, [[0.15, 0.5], [0.5, 0.35], [0.85, 0.15]]) + (rand() - 0.5) * 0.3));
    const need = Math.min(5, Math.max(1, Math.round(1 + 4 * complexity + (rand() - 0.5))));
    const patience = spec.patience_s[channel];
    out.push({
      id: `c${String(out.length + 1).padStart(5, "0")}`,
      at_s: round(t, 1),
      channel,
      language: weighted(rand, LANGUAGES),
      intent: skill,
      skill,
      need,
      complexity: round(complexity, 2),
      tier,
      customer_value: round(lo + rand() * (hi - lo), 2),
      handle_s: Math.max(5, Math.round(exponential(rand, spec.handle_s[channel]))),
      patience_s: patience === null ? null : Math.max(5, Math.round(exponential(rand, patience))),
    });
  }
  return out;
}

function generate(spec: Spec): TraceInput {
  const rand = prng(spec.seed);
  const agents = roster(rand, spec.agents);
  return {
    name: spec.name,
    description: spec.description,
    seed: spec.seed,
    duration_s: spec.duration_s,
    sl_threshold_s: 20,
    // Capacity voice 1 / chat 3 / e-mail 5 meant a budget per channel: a call, three chats and five e-mails at once.
    settings: { capacity_model: "per_channel" },
    queues: queues(60),
    rules: SKILLS.map((skill) => ({ id: `intent-${skill}`, when: [{ field: "intent" as const, op: "eq" as const, value: skill }], queue_id: skill })),
    default_queue_id: "tech",
    agents,
    arrivals: arrivals(spec, rand),
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

const SPECS: Spec[] = [
  {
    name: "chat-skills",
    description: "Seven hours of web and WhatsApp chat at steady load: 14 agents, 4 skills, 3 customer tiers.",
    seed: 11,
    rate: [[0, 250]],
    duration_s: 7 * 3600,
    channels: [["web", 0.6], ["whatsapp", 0.4]],
    agents: 14,
    handle_s: { web: 420, whatsapp: 480, voice: 240, email: 600 },
    patience_s: { web: 240, whatsapp: 600, voice: 120, email: null },
  },
  {
    name: "omnichannel",
    description: "Voice, chat and e-mail together for seven hours: 18 agents with voice 1 / chat 3 / e-mail 5 capacity.",
    seed: 23,
    rate: [[0, 260]],
    duration_s: 7 * 3600,
    channels: [["voice", 0.35], ["web", 0.35], ["whatsapp", 0.15], ["email", 0.15]],
    agents: 18,
    handle_s: { web: 420, whatsapp: 480, voice: 300, email: 600 },
    patience_s: { web: 240, whatsapp: 600, voice: 120, email: null },
  },
  {
    name: "peak-hour",
    description: "Two 45-minute surges at 140 % of the normal rate over seven hours: 14 agents, impatient chat customers.",
    seed: 37,
    rate: [[0, 220], [3600, 310], [6300, 200], [12600, 220], [16200, 310], [18900, 200]],
    duration_s: 7 * 3600,
    channels: [["web", 0.7], ["whatsapp", 0.3]],
    agents: 14,
    handle_s: { web: 420, whatsapp: 480, voice: 240, email: 600 },
    patience_s: { web: 150, whatsapp: 400, voice: 90, email: null },
  },
];

const flag = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const seedOffset = Number(flag("--seed-offset") ?? 0);
const outDir = new URL(`${flag("--out") ?? "."}/`, flag("--out") ? `file://${process.cwd()}/` : import.meta.url);

for (const spec of SPECS) {
  const json = JSON.stringify(generate({ ...spec, seed: spec.seed + seedOffset }));
  writeFileSync(new URL(`${spec.name}.json`, outDir), json);
  console.log(`${spec.name}: ${(json.length / 1024).toFixed(0)} KB`);
}
