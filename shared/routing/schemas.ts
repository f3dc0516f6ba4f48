import { z } from "zod";
import { ChannelName } from "../message";
import { Id } from "../ids";

/**
 * Routing configuration and the routed unit of work, as plain JSON. The desk Durable Object stores and
 * receives exactly these shapes; the admin API validates against them.
 */

const id = Id;
const name = z.string().min(1).max(200);
const skillName = z.string().min(1).max(64);
const language = z.string().min(2).max(35);

/** Capacity is counted per channel class: a voice call, a chat and an e-mail load an agent differently. */
export const ChannelClass = z.enum(["voice", "chat", "email"]);
export type ChannelClass = z.infer<typeof ChannelClass>;
export const CHANNEL_CLASSES = ChannelClass.options;

export function channelClass(channel: string): ChannelClass {
  if (channel === "voice") return "voice";
  if (channel === "email") return "email";
  return "chat";
}

/**
 * Skill level 1–5; fractions allowed, so a 0–1 proficiency p (a trace's, or an HR system's) is level 5p.
 * 0 would mean "not held", which is said by leaving the skill out.
 */
export const Proficiency = z.number().gt(0).max(5);

export const AgentSkill = z.object({ skill: skillName, proficiency: Proficiency });
export type AgentSkill = z.infer<typeof AgentSkill>;

/**
 * A requirement: the skill at `min_proficiency` or better. `required` bars agents without it (until a target
 * relaxes it); `preferred` only raises the score of agents who have it.
 */
export const RequiredSkill = z.object({ skill: skillName, min_proficiency: Proficiency.default(1), mode: z.enum(["required", "preferred"]).default("required") });
export type RequiredSkill = z.infer<typeof RequiredSkill>;

/**
 * How many contacts of each class fill an agent. Under the shared model (the default) one contact of class c
 * uses 1/capacity[c] of the agent's one budget and a mix may not exceed it: 1 call, or 3 chats, or 2 chats and an
 * e-mail… Under the per-channel model each class has its own budget.
 */
export const Capacity = z.object({
  voice: z.int().min(0).max(10),
  chat: z.int().min(0).max(50),
  email: z.int().min(0).max(200),
});
export type Capacity = z.infer<typeof Capacity>;

export const AgentStatus = z.enum(["available", "away", "busy", "offline"]);
export type AgentStatus = z.infer<typeof AgentStatus>;

export const Agent = z.object({
  id,
  name,
  skills: z.array(AgentSkill).max(100).default([]),
  teams: z.array(id).max(50).default([]),
  languages: z.array(language).max(20).default([]),
  capacity: Capacity.default({ voice: 1, chat: 3, email: 5 }),
  status: AgentStatus.default("offline"),
  /** Weekly shifts with exceptions (a calendar of the desk); no new work outside them. */
  schedule_calendar_id: id.optional(),
  /** One-off shifts (epoch ms); with a schedule, the agent is on shift in either. */
  shifts: z
    .array(z.object({ start: z.number(), end: z.number() }).refine((s) => s.start < s.end, "start must be before end"))
    .max(200)
    .default([]),
  /** Rolling customer satisfaction, 0–5; null until the agent has ratings. */
  csat: z.number().min(0).max(5).nullable().default(null),
});
export type Agent = z.infer<typeof Agent>;

/** The seed's score weights; configurable per queue. */
export const Weights = z.object({
  customer_value: z.number().min(0).max(10),
  complexity: z.number().min(0).max(10),
  agent_match: z.number().min(0).max(10),
});
export type Weights = z.infer<typeof Weights>;
export const DEFAULT_WEIGHTS: Weights = { customer_value: 0.3, complexity: 0.4, agent_match: 0.3 };

const timeout_s = z.number().positive().max(7 * 86_400).optional();

/**
 * One overflow step: who may take the conversation while this target is current. A target with a
 * timeout hands over to the next one when it runs out; the last target never times out.
 * `skills` without `value` means the conversation's own required skills; `relax_to` caps the proficiency
 * demanded of each (1 = "has the skill at all"), which is how a queue relaxes before giving up on skills.
 */
export const Target = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("team"), value: id, timeout_s }),
  z.object({ kind: z.literal("agents"), value: z.array(id).min(1).max(100), timeout_s }),
  z.object({
    kind: z.literal("skills"),
    value: z.array(RequiredSkill).max(20).optional(),
    relax_to: Proficiency.optional(),
    timeout_s,
  }),
  z.object({ kind: z.literal("any"), timeout_s }),
]);
export type Target = z.infer<typeof Target>;

export const Queue = z.object({
  id,
  name,
  required_skills: z.array(RequiredSkill).max(20).default([]),
  /** Higher is served first; conversations compare priority before anything else. */
  priority: z.int().min(-100).max(100).default(0),
  sla_first_response_s: z.number().positive().max(30 * 86_400).default(60),
  targets: z
    .array(Target)
    .min(1)
    .max(10)
    .default([{ kind: "skills", timeout_s: 120 }, { kind: "any" }]),
  weights: Weights.default(DEFAULT_WEIGHTS),
  calendar_id: id.optional(),
  /** Offer a returning customer's conversation to their last agent first. */
  sticky: z.boolean().default(false),
  /** How long the last agent is waited for when they are available but full. */
  sticky_timeout_s: z.number().positive().max(3600).default(30),
  out_of_hours_message: z.string().max(2000).optional(),
  /** `required`: only agents who speak the conversation's language are offered it. */
  language: z.enum(["preferred", "required"]).default("preferred"),
  /**
   * Which of the eligible agents gets the next contact: `pack` the most loaded who has room (keeps whole agents
   * free for calls, the strategy a voice-heavy centre needs), `spread` the least loaded.
   */
  strategy: z.enum(["pack", "spread"]).default("pack"),
  /** Agents with a scarce skill or language are kept for the work that needs it (see desk-offers.ts). */
  protect_scarce: z.boolean().default(true),
});
export type Queue = z.infer<typeof Queue>;

const Scalar = z.union([z.string().max(500), z.number(), z.boolean()]);
export type Scalar = z.infer<typeof Scalar>;

export const RuleField = z.union([
  z.enum(["channel", "intent", "language", "tier", "sentiment", "in_business_hours"]),
  z.string().regex(/^attributes\.[A-Za-z0-9_.-]{1,64}$/, "custom attributes are named attributes.<key>"),
]);
export type RuleField = z.infer<typeof RuleField>;

export const Condition = z
  .object({
    field: RuleField,
    op: z.enum(["eq", "in", "gte", "lte", "exists"]),
    value: z.union([Scalar, z.array(Scalar).max(100)]).optional(),
    /** The calendar `in_business_hours` is evaluated against. */
    calendar_id: id.optional(),
  })
  .refine((c) => c.field !== "in_business_hours" || c.calendar_id !== undefined, "in_business_hours needs a calendar_id")
  .refine(
    (c) => (c.op === "exists" ? c.value === undefined || typeof c.value === "boolean" : c.value !== undefined),
    "exists takes true/false (default true); the other operators need a value",
  )
  .refine((c) => (c.op === "in") === Array.isArray(c.value), "`in` takes a list, the other operators a single value")
  .refine((c) => (c.op !== "gte" && c.op !== "lte") || typeof c.value === "number", "gte/lte compare numbers");
export type Condition = z.infer<typeof Condition>;

/** All conditions must hold; rules are tried in order and the first match picks the queue. */
export const RoutingRule = z.object({
  id,
  name: name.optional(),
  when: z.array(Condition).max(20).default([]),
  queue_id: id,
});
export type RoutingRule = z.infer<typeof RoutingRule>;

const Weekday = z.enum(["sun", "mon", "tue", "wed", "thu", "fri", "sat"]);
export type Weekday = z.infer<typeof Weekday>;
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "HH:MM, 00:00–24:00");

export const Calendar = z.object({
  id,
  name: name.optional(),
  timezone: z.string().refine(validTimezone, "unknown IANA time zone"),
  /** Opening intervals in local time; an interval that crosses midnight is written as two. */
  hours: z
    .array(
      z
        .object({ days: z.array(Weekday).min(1).max(7), open: clock, close: clock })
        .refine((h) => h.open < h.close, "open must be before close"),
    )
    .max(50),
  /** Local dates (YYYY-MM-DD) closed all day. */
  holidays: z.array(z.iso.date()).max(400).default([]),
});
export type Calendar = z.infer<typeof Calendar>;

/** Whether a string names a time zone this runtime knows (Intl throws a RangeError for anything else). */
export function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A conversation waiting for an agent, with what the router knows about it (R2.1 profile, R3 NLP). */
export const Task = z.object({
  conversation_id: id,
  channel: ChannelName,
  language: language.nullable().default(null),
  intent: z.string().max(100).nullable().default(null),
  required_skills: z.array(RequiredSkill).max(20).default([]),
  tier: z.string().max(40).default("standard"),
  /** From the customer profile: lifetime value and tier folded into 0–1. */
  customer_value: z.number().min(0).max(1).default(0),
  /** From intent and history: 0 = routine, 1 = needs the most senior agent. */
  complexity: z.number().min(0).max(1).default(0.5),
  sentiment: z.number().min(-1).max(1).default(0),
  priority: z.int().min(-100).max(100).default(0),
  arrived_at: z.number(),
  last_agent_id: id.nullable().default(null),
  attributes: z.record(z.string().max(64), Scalar).default({}),
  /** The language is required for this conversation whatever its queue says. */
  language_required: z.boolean().default(false),
});
export type Task = z.infer<typeof Task>;

/**
 * `weighted` is edgedesk's policy. The others are baselines to compare it with: `fifo` (longest idle agent),
 * `least_busy`, `round_robin` (in rotation, within the queue's targets), and the yardstick's three, which ignore
 * queue targets and priorities and serve contacts oldest first: `fifo_skill` (an agent who holds the required
 * skills, least loaded first), `fifo_skill_pack` (the same, most loaded first), `round_robin_blind` (anyone with
 * room, skill- and language-blind, in rotation).
 */
export const Policy = z.enum(["weighted", "fifo", "round_robin", "least_busy", "fifo_skill", "fifo_skill_pack", "round_robin_blind"]);
export type Policy = z.infer<typeof Policy>;

/** Desk-wide knobs; every field has a default so `{}` is a valid configuration. */
export const DeskSettings = z.object({
  policy: Policy.default("weighted"),
  /** How long an agent has to accept an offer before it moves on. */
  offer_timeout_s: z.number().positive().max(600).default(20),
  /** A missed offer means the agent is not at the desk: set them away instead of offering them more. */
  away_on_missed_offer: z.boolean().default(true),
  /** An agent who rejected, missed or handed over a conversation is not offered it again for this long. */
  reoffer_after_s: z.number().min(0).max(86_400).default(300),
  /** A lost console socket becomes `away` after this long, so a network blip does not drop an agent. */
  disconnect_grace_s: z.number().min(0).max(3600).default(60),
  /** How long a transfer to a named agent or team waits before the queue's own targets take over. */
  transfer_timeout_s: z.number().positive().max(86_400).default(60),
  /** Ranking bonus per SLA period waited (see score.ts rankTask). */
  ageing_per_sla: z.number().min(0).max(10).default(0.5),
  sla_warning_ratio: z.number().gt(0).lt(1).default(0.8),
  /** Priority added to a conversation when it breaches its SLA. */
  escalation_bump: z.int().min(0).max(100).default(1),
  /** `shared`: one budget per agent across channel classes (Capacity); `per_channel`: a budget per class. */
  capacity_model: z.enum(["shared", "per_channel"]).default("shared"),
  /** While an agent holds a contact of the key's class, no new contact of the listed classes is offered. */
  blocks: z
    .object({ voice: z.array(ChannelClass), chat: z.array(ChannelClass), email: z.array(ChannelClass) })
    .default({ voice: ["voice", "chat"], chat: [], email: [] }),
  /**
   * Tier priority with ageing: a contact of a tier ranks as if it had waited this many seconds longer. Top tiers
   * jump the queue, and since everyone's wait grows alike nobody starves.
   */
  tier_head_start_s: z.record(z.string().max(40), z.number().min(0).max(86_400)).default({ platinum: 60, vip: 60, gold: 30, silver: 10 }),
  /**
   * Early overflow (weighted): a contact moves to its next target at once when its expected wait under the current
   * one exceeds this share of its queue's first-response SLA and someone in the next target has room now. 0: only
   * timeouts move it.
   */
  early_overflow_share: z.number().min(0).max(10).default(4 / 3),
  /** A skill or language held by at most this share of the agents on shift is scarce. */
  scarce_share: z.number().min(0).max(1).default(0.25),
  /** Work that arrived this recently counts as forecast work for a scarce pool. */
  forecast_window_s: z.number().min(0).max(86_400).default(300),
  /** Handle time assumed per channel class until the desk has observed some. */
  default_handle_s: z
    .object({ voice: z.number().positive(), chat: z.number().positive(), email: z.number().positive() })
    .default({ voice: 300, chat: 600, email: 1800 }),
});
export type DeskSettings = z.infer<typeof DeskSettings>;
