import { z } from "zod";
import { AgentStatus, Capacity, ChannelClass } from "./routing/schemas";
import { WaitReason } from "./routing/desk-types";
import { Id } from "./ids";
import { LiveCounters } from "./routing/desk-live";

/** Frames an agent console sends on its desk socket. */
export const DeskClientFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("status"), status: AgentStatus }),
  z.object({ type: z.literal("accept"), offer_id: Id }),
  z.object({ type: z.literal("reject"), offer_id: Id }),
  z.object({ type: z.literal("ping") }),
]);
export type DeskClientFrame = z.infer<typeof DeskClientFrame>;

/** Desk frames are a status or an offer id: anything near this size is not one. */
export const MAX_DESK_FRAME_BYTES = 4 * 1024;

export const QueueSummary = z.object({
  waiting: z.int().nonnegative(),
  offered: z.int().nonnegative(),
  assigned: z.int().nonnegative(),
  agents_available: z.int().nonnegative(),
  oldest_wait_ms: z.number().nullable(),
});
export type QueueSummary = z.infer<typeof QueueSummary>;

/** GET /v1/routing/desk: the live desk as a supervisor's screen shows it. */
export const DeskOverview = z
  .object({
    summary: QueueSummary,
    live: LiveCounters,
    agents: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        status: AgentStatus,
        /** Assignments plus outstanding offers, per channel class. */
        load: z.record(ChannelClass, z.number()),
        capacity: Capacity,
        /** Share of the agent's capacity in use, 0…1 (shared/routing/desk-capacity.ts). */
        budget_used: z.number(),
        on_shift: z.boolean(),
        connected: z.boolean(),
      }),
    ),
    waiting: z.array(
      z.object({
        conversation_id: z.string(),
        queue_id: z.string(),
        intent: z.string().nullable(),
        language: z.string().nullable(),
        sentiment: z.number(),
        position: z.int().nullable(),
        estimated_wait_s: z.number().nullable(),
        waited_ms: z.number(),
        reason: WaitReason.nullable(),
      }),
    ),
    offers: z.array(z.object({ offer_id: z.string(), conversation_id: z.string(), agent_id: z.string(), expires_at: z.number() })),
  })
  .meta({ id: "DeskOverview" });
export type DeskOverview = z.infer<typeof DeskOverview>;

/** An offer as the console sees it; the breakdown (shared/routing/desk-types.ts) says why this agent. */
export const OfferFrame = z.object({
  offer_id: z.string(),
  conversation_id: z.string(),
  queue_id: z.string(),
  expires_at: z.number(),
  breakdown: z.unknown(),
});
export type OfferFrame = z.infer<typeof OfferFrame>;

/** Frames the desk sends. Supervisors additionally receive SLA alerts and the live queue summary. */
export const DeskServerFrame = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("hello"),
    agent_id: z.string(),
    status: AgentStatus.nullable(),
    offers: z.array(OfferFrame),
    queue: QueueSummary,
    /** Supervisors only: a new wallboard shows the counters at once instead of waiting for the next change. */
    live: LiveCounters.optional(),
  }),
  OfferFrame.extend({ type: z.literal("offer") }),
  z.object({ type: z.literal("offer_revoked"), offer_id: z.string(), conversation_id: z.string(), reason: z.string() }),
  z.object({ type: z.literal("offer_expired"), offer_id: z.string(), conversation_id: z.string() }),
  z.object({ type: z.literal("assigned"), offer_id: z.string(), conversation_id: z.string(), agent_id: z.string(), notes: z.array(z.unknown()) }),
  z.object({ type: z.literal("agent_status"), agent_id: z.string(), status: AgentStatus, reason: z.string() }),
  z.object({
    type: z.literal("alert"),
    kind: z.enum(["sla_warning", "sla_breach", "supervisor_alert", "quality_flag"]),
    conversation_id: z.string(),
    queue_id: z.string(),
    /** With quality_flag: which one (shared/bot/insights.ts QualityFlag) and why. */
    flag: z.string().optional(),
    detail: z.string().optional(),
  }),
  z.object({ type: z.literal("queue"), summary: QueueSummary }),
  /** Supervisors: the desk's live counters (shared/routing/desk-live.ts), on change at most once a second. */
  z.object({ type: z.literal("live"), counters: LiveCounters }),
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
]);
export type DeskServerFrame = z.infer<typeof DeskServerFrame>;
