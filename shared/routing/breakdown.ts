import { z } from "zod";
import { Policy, Target } from "./schemas";
import { AgentScore, Rank } from "./score";

/** Why a contact moved past its first target. */
export const OverflowReason = z.enum(["timeout", "no_staffed_agent", "estimated_wait"]);
export type OverflowReason = z.infer<typeof OverflowReason>;

const TargetKind = z.enum(Target.options.map((o) => o.shape.kind.value));

/** Why this agent got this conversation: every number the decision was made from. */
export const Breakdown = z
  .object({
    policy: Policy,
    conversation_id: z.string(),
    agent_id: z.string(),
    queue_id: z.string(),
    decided_at: z.number(),
    /** The target the decision was made under and, past the first, why the contact had moved to it. */
    target: z.object({ index: z.int().nonnegative(), kind: TargetKind, reason: OverflowReason.optional() }),
    /** Why this conversation went before others waiting (effective priority, then order_score parts). */
    rank: Rank,
    /** The seed's score for this (conversation, agent) pair: score.score is exactly the sum of score.parts. */
    score: AgentScore,
    /** Every eligible agent considered, best first by the policy (at most five). */
    candidates: z.array(z.object({ agent_id: z.string(), agent_match: z.number(), score: z.number() })),
  })
  .meta({ id: "RoutingBreakdown" });
export type Breakdown = z.infer<typeof Breakdown>;

export const DecisionOutcome = z.enum(["offered", "accepted", "rejected", "expired", "revoked"]);

/** Routing state a caller can see: the decision in force and the latest 50 offers made, newest first. */
export const Explanation = z
  .object({
    current: z.union([Breakdown, z.null()]).describe("The decision behind the assignment or the outstanding offer; null when there is neither"),
    decisions: z.array(z.object({ offer_id: z.string(), agent_id: z.string(), decided_at: z.number(), outcome: DecisionOutcome, breakdown: Breakdown })),
  })
  .meta({ id: "RoutingExplanation" });
export type Explanation = z.infer<typeof Explanation>;
