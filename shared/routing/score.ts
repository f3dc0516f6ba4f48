import { z } from "zod";
import type { Agent, RequiredSkill, Task, Weights } from "./schemas";

/** A requirement as scoring reads it; without a mode it is required. */
export type Requirement = Pick<RequiredSkill, "skill" | "min_proficiency"> & { mode?: RequiredSkill["mode"] };

/**
 * The seed's score, `customer_value×w_v + complexity×w_c + agent_match×w_m` (0.3/0.4/0.3 by default), made
 * exact. It is used twice (docs/routing.md has a worked example):
 *  - ranking waiting conversations: priority first, then the conversation's own terms plus an ageing term;
 *  - choosing among eligible agents: for a fixed conversation only agent_match differs, so the agent with the
 *    highest agent_match wins.
 * Every number returned is a sum of named parts, so "why did agent X get this?" is answered by the parts.
 */

/** How agent_match ∈ [0,1] is built from its signals (each ∈ [0,1]); sums to 1. */
export const MATCH_WEIGHTS = { skill: 0.4, spare_capacity: 0.25, language: 0.15, affinity: 0.1, csat: 0.1 } as const satisfies Record<keyof MatchSignals, number>;
const signal = z.number().min(0).max(1);
export const MatchSignals = z.object({ skill: signal, spare_capacity: signal, language: signal, affinity: signal, csat: signal });
export type MatchSignals = z.infer<typeof MatchSignals>;

/** Neutral CSAT signal for an agent without ratings yet: neither rewarded nor punished. */
const UNRATED_CSAT = 0.5;
/** Largest penalty (out of 1) for a proficiency that is a poor fit without being too low. */
const FIT_SPREAD = 0.5;

export const ScoreParts = z.object({
  customer_value: z.number(),
  complexity: z.number(),
  skill: z.number(),
  spare_capacity: z.number(),
  language: z.number(),
  affinity: z.number(),
  csat: z.number(),
});
export type ScoreParts = z.infer<typeof ScoreParts>;

/** A (conversation, agent) decision: `score` is exactly the sum of `parts` in key order. */
export const AgentScore = z.object({ score: z.number(), agent_match: signal, parts: ScoreParts, signals: MatchSignals });
export type AgentScore = z.infer<typeof AgentScore>;

/** Why a conversation was served before others: `order_score` is exactly the sum of `parts`. */
export const Rank = z.object({ priority: z.number(), order_score: z.number(), parts: z.object({ customer_value: z.number(), complexity: z.number(), ageing: z.number() }) });
export type Rank = z.infer<typeof Rank>;

export function proficiencyOf(agent: Pick<Agent, "skills">, skill: string): number {
  let best = 0;
  for (const s of agent.skills) if (s.skill === skill && s.proficiency > best) best = s.proficiency;
  return best;
}

/**
 * Fit of one proficiency `p` against a requirement `need` for a conversation of complexity `c`:
 *  - missing skill: 0;
 *  - below need: at most 0.5, proportional to p/need;
 *  - at or above need: rising with the headroom o = (p − need)/(5 − need) ∈ [0, 1] to 1 at level 5, as
 *    1 − (0.25 + 0.25·c)·(1 − o): the more proficient agent is the faster and the better one, and the more so
 *    for complex work (0.75–1 for routine, 0.5–1 for the most complex). Keeping experts free for the work only
 *    they can do is the scarce pools' job (desk-scarcity.ts), not a reason to hand routine work to the slowest.
 */
export function proficiencyFit(p: number, need: number, complexity: number): number {
  if (p <= 0) return 0;
  if (p < need) return (0.5 * p) / need;
  const headroom = need >= 5 ? 1 : Math.min(1, (p - need) / (5 - need));
  return 1 - FIT_SPREAD * (0.5 + 0.5 * complexity) * (1 - headroom);
}

/** Skill coverage × proficiency fit: the mean fit over requirements, a missing skill counting 0. */
export function skillSignal(agent: Pick<Agent, "skills">, requirements: readonly Requirement[], complexity: number): number {
  if (requirements.length === 0) return 1;
  let sum = 0;
  for (const r of requirements) sum += proficiencyFit(proficiencyOf(agent, r.skill), r.min_proficiency, complexity);
  return sum / requirements.length;
}

/** True when the agent holds every required skill at the demanded proficiency ("right agent"); preferred ones only score. */
export function meetsRequirements(agent: Pick<Agent, "skills">, requirements: readonly Requirement[], relaxTo = 5): boolean {
  return requirements.every((r) => r.mode === "preferred" || proficiencyOf(agent, r.skill) >= Math.min(r.min_proficiency, relaxTo));
}

export function speaks(agent: Pick<Agent, "languages">, language: string | null): boolean {
  if (language === null) return true;
  const want = primary(language);
  return agent.languages.some((l) => primary(l) === want);
}

/** Language tags come from a small set (the roster's and the conversations'): each is split once. */
const primaries = new Map<string, string>();
function primary(tag: string): string {
  let p = primaries.get(tag);
  if (p === undefined) {
    if (primaries.size > 1000) primaries.clear();
    primaries.set(tag, (p = tag.split("-")[0]!.toLowerCase()));
  }
  return p;
}

export type ScoreTask = Pick<Task, "customer_value" | "complexity" | "language" | "last_agent_id">;

/**
 * Score of offering `task` to `agent`. Requirements are the conversation's merged with its queue's.
 * `capacitySignal` ∈ [0,1] is the queue's strategy applied to the agent's budget (desk-offers.ts): under `spread`
 * the share left free after the offer, under `pack` the share in use after it.
 */
export function scoreAgent(
  weights: Weights,
  task: ScoreTask,
  requirements: readonly Requirement[],
  agent: Pick<Agent, "id" | "skills" | "languages" | "csat">,
  capacitySignal: number,
): AgentScore {
  const signals: MatchSignals = {
    skill: skillSignal(agent, requirements, task.complexity),
    spare_capacity: Math.min(1, Math.max(0, capacitySignal)),
    language: speaks(agent, task.language) ? 1 : 0,
    affinity: task.last_agent_id === agent.id ? 1 : 0,
    csat: agent.csat === null ? UNRATED_CSAT : agent.csat / 5,
  };
  const w = weights.agent_match;
  const parts: ScoreParts = {
    customer_value: weights.customer_value * task.customer_value,
    complexity: weights.complexity * task.complexity,
    skill: w * MATCH_WEIGHTS.skill * signals.skill,
    spare_capacity: w * MATCH_WEIGHTS.spare_capacity * signals.spare_capacity,
    language: w * MATCH_WEIGHTS.language * signals.language,
    affinity: w * MATCH_WEIGHTS.affinity * signals.affinity,
    csat: w * MATCH_WEIGHTS.csat * signals.csat,
  };
  const agent_match =
    MATCH_WEIGHTS.skill * signals.skill +
    MATCH_WEIGHTS.spare_capacity * signals.spare_capacity +
    MATCH_WEIGHTS.language * signals.language +
    MATCH_WEIGHTS.affinity * signals.affinity +
    MATCH_WEIGHTS.csat * signals.csat;
  return { score: sum(parts), agent_match, parts, signals };
}

/**
 * Rank of a waiting conversation. The ageing term grows by `ageingPerSla` for every SLA period waited, so
 * within one priority level any conversation eventually outranks every newcomer (whose terms are bounded by
 * w_v + w_c): nobody starves.
 */
export function rankTask(
  weights: Weights,
  task: Pick<Task, "customer_value" | "complexity">,
  priority: number,
  waitedMs: number,
  slaMs: number,
  ageingPerSla: number,
): Rank {
  const parts = {
    customer_value: weights.customer_value * task.customer_value,
    complexity: weights.complexity * task.complexity,
    ageing: (ageingPerSla * Math.max(0, waitedMs)) / slaMs,
  };
  return { priority, order_score: parts.customer_value + parts.complexity + parts.ageing, parts };
}

/** rankTask's order_score alone, to the bit (the same operations in the same order), without building the parts. */
export function orderScore(weights: Weights, task: Pick<Task, "customer_value" | "complexity">, waitedMs: number, slaMs: number, ageingPerSla: number): number {
  return weights.customer_value * task.customer_value + weights.complexity * task.complexity + (ageingPerSla * Math.max(0, waitedMs)) / slaMs;
}

function sum(parts: Record<string, number>): number {
  let total = 0;
  for (const v of Object.values(parts)) total += v;
  return total;
}
