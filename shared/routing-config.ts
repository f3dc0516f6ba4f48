import { z } from "zod";
import { Agent, Calendar, DeskSettings, Queue, RoutingRule, Task } from "./routing/schemas";
import { Id } from "./ids";

/** A tenant's whole routing configuration, as the admin API takes it and the desk receives it. */
export const RoutingConfig = z
  .object({
    settings: DeskSettings.partial().default({}),
    queues: z.array(Queue).max(200).default([]),
    calendars: z.array(Calendar).max(50).default([]),
    rules: z.array(RoutingRule).max(500).default([]),
    /** Where a conversation goes when no rule matches. */
    default_queue_id: Id.default("default"),
  })
  .superRefine((c, ctx) => {
    const queues = new Set(c.queues.map((q) => q.id));
    const calendars = new Set(c.calendars.map((k) => k.id));
    if (c.queues.length && !queues.has(c.default_queue_id)) ctx.addIssue({ code: "custom", path: ["default_queue_id"], message: "no queue with this id" });
    c.rules.forEach((r, i) => {
      if (!queues.has(r.queue_id) && r.queue_id !== "default") ctx.addIssue({ code: "custom", path: ["rules", i, "queue_id"], message: "no queue with this id" });
    });
    c.queues.forEach((q, i) => {
      if (q.calendar_id && !calendars.has(q.calendar_id)) ctx.addIssue({ code: "custom", path: ["queues", i, "calendar_id"], message: "no calendar with this id" });
    });
  })
  .meta({ id: "RoutingConfig" });
export type RoutingConfig = z.infer<typeof RoutingConfig>;

/** A tenant that has configured no queues still routes: everything goes to one default queue. */
export function queuesOf(config: RoutingConfig): Queue[] {
  return config.queues.length ? config.queues : [Queue.parse({ id: "default", name: "Default" })];
}

/** The routing part of an agent, edited through the admin API. */
export const AgentRouting = Agent.pick({ skills: true, teams: true, languages: true, capacity: true, schedule_calendar_id: true, shifts: true });
export type AgentRouting = z.infer<typeof AgentRouting>;

/** What a conversation tells the desk when it needs an agent (the customer profile is added by the caller). */
export const RoutingRequest = z.object({
  intent: z.string().max(100).optional(),
  language: z.string().min(2).max(35).optional(),
  /** Only agents who speak `language` may take it, whatever the queue says. */
  language_required: z.boolean().optional(),
  required_skills: Task.shape.required_skills.optional(),
  priority: z.int().min(-100).max(100).optional(),
  complexity: z.number().min(0).max(1).optional(),
  sentiment: z.number().min(-1).max(1).optional(),
  attributes: Task.shape.attributes.optional(),
});
export type RoutingRequest = z.infer<typeof RoutingRequest>;

export const TransferTarget = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("agent"), agent_id: Id }),
  z.object({ kind: z.literal("team"), team: Id }),
  z.object({ kind: z.literal("queue"), queue_id: Id }),
]);
export type TransferTarget = z.infer<typeof TransferTarget>;

const TIER_VALUE = new Map(Object.entries({ vip: 1, platinum: 1, gold: 0.75, silver: 0.5, standard: 0.25, basic: 0.1 }));

/**
 * Customer value in 0–1 for the score: the tier sets the floor, lifetime value lifts it on a log scale
 * (10 → 0.2, 1,000 → 0.6, 100,000 → 1), so one huge order does not outweigh a loyal tier.
 */
export function customerValue(tier: string, lifetimeValue: number): number {
  const fromTier = TIER_VALUE.get(tier.toLowerCase()) ?? 0.25;
  const fromLtv = lifetimeValue > 0 ? Math.min(1, Math.log10(lifetimeValue + 1) / 5) : 0;
  return Math.max(fromTier, fromLtv);
}
