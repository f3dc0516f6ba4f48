/**
 * Seeded routing-trace/v1 scenarios for the policy evaluation (docs/routing.md, "Evaluation").
 * `npm run simulate -- --scenario NAME --seed N --write-trace FILE` writes one as a file.
 *
 * What every scenario has: staggered shifts (an early shift leaves at 55 % of the horizon, a late one starts at
 * 30 %), one shared budget per agent (most take calls, chats and e-mail), a small VIP-skilled pool and a small
 * Chinese-speaking pool, four tiers with lognormal lifetime values. The arrival rate follows the staffing plan
 * (a forecast staffed to a target occupancy) and surges come on top, unforecast. Nothing here is fitted to any
 * policy's results: the parameters are the workforce-planning numbers stated in each spec.
 */
import { exponential, prng, weighted } from "../../shared/routing/random";
import type { Pool } from "../../shared/routing/scorecard";
import type { AgentV1, ChannelV1, ContactV1, TraceV1Input } from "../../shared/routing/trace-v1";

const HOUR = 3600;
const TIERS = ["standard", "silver", "gold", "platinum"] as const;
const TIER_MIX: [string, number][] = [["standard", 0.55], ["silver", 0.25], ["gold", 0.13], ["platinum", 0.07]];
/** Median lifetime value per tier; lognormal with σ = 0.9 around it. */
const LTV_MEDIAN: Record<string, number> = { standard: 150, silver: 800, gold: 4000, platinum: 20000 };
/** Share of a tier's contacts that need the VIP desk. */
const VIP_SHARE: Record<string, number> = { standard: 0, silver: 0, gold: 0.15, platinum: 0.6 };
const GENERAL: [string, number][] = [["billing", 0.4], ["tech", 0.4], ["sales", 0.2]];
/** Lognormal handle times (σ = 0.7) with these means, seconds. */
const HANDLE_MEAN: Record<ChannelV1, number> = { voice: 300, chat: 540, email: 420 };
/** Exponential patience, seconds: callers hang up, chatters close the tab, e-mailers give up in hours. */
const PATIENCE_MEAN: Record<ChannelV1, number> = { voice: 90, chat: 180, email: 6 * HOUR };
const CAPACITY = {
  blended: { voice: 1, chat: 3, email: 5 },
  digital: { chat: 3, email: 5 },
  phone: { voice: 1, email: 5 },
} as const;
type Kind = keyof typeof CAPACITY;
/** Shift patterns as shares of the horizon: early leaves mid-trace, late starts mid-trace. */
const SHIFTS: [string, [number, number], number][] = [
  ["early", [0, 0.55], 0.25],
  ["day", [0, 1], 0.35],
  ["mid", [0.15, 0.8], 0.15],
  ["late", [0.3, 1], 0.25],
];

/** Handling is slower off-skill or off-language (v1's formula); the plan expects a little of it. */
const PLANNED_SLOWDOWN = 1.15;

type Surge = { from: number; to: number; factor: number; zh_share?: number; vip_factor?: number };

type Spec = {
  description: string;
  horizon_s: number;
  agents: number;
  kinds: [Kind, number][];
  mix: Record<ChannelV1, number>;
  /** Planned occupancy of the on-shift budget outside surges. */
  occupancy: number;
  surges: Surge[];
  vip_agents: number;
  zh_agents: number;
  zh_share: number;
  /** E-mails waiting at the start (an overnight inbox), arriving in the first minute. */
  backlog_emails: number;
};

export const SCENARIOS = {
  "voice-blend": {
    description: "Voice-heavy blended centre: 55 % calls, 30 % chat, 15 % e-mail; a 45-minute surge at 140 % one hour in.",
    horizon_s: 4 * HOUR,
    agents: 32,
    kinds: [["blended", 0.7], ["phone", 0.2], ["digital", 0.1]],
    mix: { voice: 0.55, chat: 0.3, email: 0.15 },
    occupancy: 0.8,
    surges: [{ from: 1 * HOUR, to: 1.75 * HOUR, factor: 1.4 }],
    vip_agents: 4,
    zh_agents: 3,
    zh_share: 0.06,
    backlog_emails: 0,
  },
  "chat-email-backlog": {
    description: "Chat-heavy digital centre: 55 % chat, 30 % e-mail, 15 % calls, 150 e-mails waiting at the start; a 30-minute chat surge at 150 % after lunch.",
    horizon_s: 4 * HOUR,
    agents: 30,
    kinds: [["blended", 0.5], ["digital", 0.45], ["phone", 0.05]],
    mix: { voice: 0.15, chat: 0.55, email: 0.3 },
    occupancy: 0.8,
    surges: [{ from: 2.25 * HOUR, to: 2.75 * HOUR, factor: 1.5 }],
    vip_agents: 3,
    zh_agents: 3,
    zh_share: 0.06,
    backlog_emails: 150,
  },
  "scarce-pools-surge": {
    description: "Scarce pools under surge: a campaign in China doubles the rate for an hour, a quarter of it in Chinese, and VIP demand doubles with it.",
    horizon_s: 4 * HOUR,
    agents: 32,
    kinds: [["blended", 0.65], ["digital", 0.25], ["phone", 0.1]],
    mix: { voice: 0.35, chat: 0.45, email: 0.2 },
    occupancy: 0.75,
    surges: [{ from: 1.5 * HOUR, to: 2.5 * HOUR, factor: 1.35, zh_share: 0.25, vip_factor: 2 }],
    vip_agents: 3,
    zh_agents: 3,
    zh_share: 0.06,
    backlog_emails: 0,
  },
} satisfies Record<string, Spec>;
export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** The scarce pools every scenario reports on. */
export const POOLS: Pool[] = [
  { label: "vip", skill: "vip" },
  { label: "zh", language: "zh" },
];

export function generate(name: ScenarioName, seed: number): TraceV1Input {
  const spec: Spec = SCENARIOS[name];
  const rand = prng(seed * 7919 + name.length);
  const agents = roster(spec, rand);
  return {
    format: "routing-trace/v1",
    horizon_s: spec.horizon_s,
    skills: [...GENERAL.map(([s]) => s), "vip"],
    languages: ["en", "es", "zh"],
    channels: ["voice", "chat", "email"],
    tiers: [...TIERS],
    agents,
    contacts: contacts(spec, agents, rand),
  };
}

function roster(spec: Spec, rand: () => number): AgentV1[] {
  const out: AgentV1[] = [];
  for (let i = 0; i < spec.agents; i++) {
    // Specialists first, each pool spread over the shift patterns so it is staffed all day (as a planner would).
    const vip = i < spec.vip_agents;
    const zh = !vip && i < spec.vip_agents + spec.zh_agents;
    const k = vip ? i : zh ? i - spec.vip_agents : -1;
    const pattern = k >= 0 ? SHIFTS[[1, 0, 3, 2][k % 4]!]! : weighted(rand, SHIFTS.map((s) => [s, s[2]] as const));
    const kind: Kind = vip || zh ? "blended" : weighted(rand, spec.kinds);
    const jitter = () => (rand() - 0.5) * 1200;
    const start = Math.max(0, pattern[1][0] * spec.horizon_s + (pattern[1][0] > 0 ? jitter() : 0));
    const end = Math.min(spec.horizon_s, pattern[1][1] * spec.horizon_s + (pattern[1][1] < 1 ? jitter() : 0));
    const primary = weighted(rand, GENERAL);
    const skills: Record<string, number> = { [primary]: round(0.7 + 0.3 * rand(), 2) };
    for (const [s] of GENERAL) if (s !== primary && rand() < 0.4) skills[s] = round(0.5 + 0.3 * rand(), 2);
    if (vip) skills.vip = round(0.8 + 0.2 * rand(), 2);
    const languages = ["en"];
    if (rand() < 0.2) languages.push("es");
    if (zh) languages.push("zh");
    out.push({ id: `agt_${String(i + 1).padStart(2, "0")}`, languages, skills, capacity: { ...CAPACITY[kind] }, shift: { start: round(start, 0), end: round(end, 0) } });
  }
  return out;
}

/** Budget-seconds one contact takes on average, by the mix: a call the whole agent, a chat a third, an e-mail a fifth. */
function budgetPerContact(spec: Spec): number {
  const perClass: Record<ChannelV1, number> = { voice: 1, chat: 1 / 3, email: 1 / 5 };
  let b = 0;
  for (const ch of ["voice", "chat", "email"] as const) b += spec.mix[ch] * HANDLE_MEAN[ch] * PLANNED_SLOWDOWN * perClass[ch];
  return b;
}

function contacts(spec: Spec, agents: readonly AgentV1[], rand: () => number): ContactV1[] {
  const onShift = (t: number) => agents.filter((a) => a.shift!.start <= t && t < a.shift!.end).length;
  const surge = (t: number) => spec.surges.find((s) => s.from <= t && t < s.to);
  // Forecast staffed to the target occupancy: the planned rate follows the agents on shift; surges are on top.
  const rate = (t: number) => (spec.occupancy * onShift(t)) / budgetPerContact(spec) * (surge(t)?.factor ?? 1);
  const peak = Math.max(...Array.from({ length: 97 }, (_, k) => rate((k / 96) * spec.horizon_s))) * 1.01;
  const out: ContactV1[] = [];
  for (let k = 0; k < spec.backlog_emails; k++) out.push(contact(spec, rand() * 60, "email", rand, undefined));
  for (let t = exponential(rand, 1 / peak); t < spec.horizon_s; t += exponential(rand, 1 / peak)) {
    if (rand() >= rate(t) / peak) continue;
    out.push(contact(spec, t, weighted(rand, Object.entries(spec.mix) as [ChannelV1, number][]), rand, surge(t)));
  }
  out.sort((a, b) => a.t - b.t);
  return out.map((c, i) => ({ ...c, id: `c${String(i + 1).padStart(5, "0")}` }));
}

function contact(spec: Spec, t: number, channel: ChannelV1, rand: () => number, surge: Surge | undefined): ContactV1 {
  const tier = weighted(rand, TIER_MIX);
  const vip = rand() < VIP_SHARE[tier]! * (surge?.vip_factor ?? 1);
  const zhShare = surge?.zh_share ?? spec.zh_share;
  const u = rand();
  const language = u < zhShare ? "zh" : u < zhShare + 0.1 ? "es" : "en";
  return {
    id: "",
    t: round(t, 1),
    channel,
    language,
    required_skill: vip ? "vip" : weighted(rand, GENERAL),
    tier,
    lifetime_value: round(LTV_MEDIAN[tier]! * Math.exp(0.9 * normal(rand)), 0),
    complexity: round(Math.min(1, Math.max(0, (vip ? 0.6 : 0.35) + 0.5 * (rand() - 0.5))), 2),
    handle_time: Math.max(15, round(HANDLE_MEAN[channel] * Math.exp(0.7 * normal(rand) - 0.245), 0)),
    patience: Math.max(5, round(exponential(rand, PATIENCE_MEAN[channel]), 0)),
  };
}

/** Box–Muller; the −σ²/2 shift above keeps the lognormal's mean at HANDLE_MEAN. */
function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
