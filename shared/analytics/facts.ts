import { z } from "zod";

/**
 * What one event adds to the rollups, decided by the conversation object when it writes the event: it is the only
 * writer of the conversation and sees its changes in order, so every delta is exact and fixed at emission. The
 * consumer only sums deltas of events it has not stored before, which makes the rollups independent of delivery
 * order and of duplicates. Durations are milliseconds.
 */
export const EventMetrics = z.object({
  /** Where the conversation stood when the event happened: the rollup dimensions besides hour and channel. */
  queue: z.string().nullable(),
  team: z.string().nullable(),
  agent: z.string().nullable(),
  created: z.literal(true).optional(),
  /** The bot held the conversation from its creation. */
  bot_handled: z.literal(true).optional(),
  /** The first reply (bot or person) to the customer's first message. */
  first_response_ms: z.number().nonnegative().optional(),
  /** The first reply by a person to the customer's first message. */
  first_human_response_ms: z.number().nonnegative().optional(),
  /** A wait in the queue that ended with an agent (answered) or with the customer gone (abandoned). */
  answered_wait_ms: z.number().nonnegative().optional(),
  abandoned_wait_ms: z.number().nonnegative().optional(),
  /** Time an agent held the conversation, reported when the holding ends (resolve, close, transfer, requeue). */
  handle_ms: z.number().nonnegative().optional(),
  /** The conversation ended after agents had held it: it counts once towards average handle time. */
  handled: z.literal(true).optional(),
  /** First assignment of this conversation to an agent: the denominator of the transfer rate. */
  first_assignment: z.literal(true).optional(),
  /** First transfer of this conversation. */
  first_transfer: z.literal(true).optional(),
  resolved_by: z.enum(["bot", "agent", "other"]).optional(),
  reopened: z.literal(true).optional(),
});
export type EventMetrics = z.infer<typeof EventMetrics>;

/**
 * One conversation's metrics so far, carried on its events; the consumer keeps the newest (by rev) per conversation.
 * First contact resolution and the behaviour patterns are computed from these rows.
 */
export const ConversationFacts = z.object({
  bot: z.boolean(),
  queue: z.string().nullable(),
  team: z.string().nullable(),
  agent: z.string().nullable(),
  intent: z.string().nullable(),
  first_customer_at: z.number().nullable(),
  first_response_ms: z.number().nullable(),
  first_human_response_ms: z.number().nullable(),
  /** Start of the wait in progress, and whether it is a transfer's (not a new contact for service level). */
  queued_at: z.number().nullable(),
  transfer_wait: z.boolean(),
  /** Start of the agent's holding in progress. */
  assigned_at: z.number().nullable(),
  answered: z.int().nonnegative(),
  abandoned: z.int().nonnegative(),
  wait_ms: z.number().nonnegative(),
  handle_ms: z.number().nonnegative(),
  /** Counted once towards average handle time. */
  handled: z.boolean(),
  transfers: z.int().nonnegative(),
  reopens: z.int().nonnegative(),
  agents: z.array(z.string()).max(20),
  resolutions: z.int().nonnegative(),
  first_resolved_at: z.number().nullable(),
  /** Agents who had held the conversation by its first resolution. */
  agents_at_first_resolution: z.int().nonnegative().nullable(),
  resolved_by: z.enum(["bot", "agent", "other"]).nullable(),
  /** The first reopening after the first resolution. */
  reopened_at: z.number().nullable(),
  ended_at: z.number().nullable(),
  csat: z.int().min(1).max(5).nullable(),
  nps: z.int().min(0).max(10).nullable(),
});
export type ConversationFacts = z.infer<typeof ConversationFacts>;

export const NO_FACTS: ConversationFacts = {
  bot: false,
  queue: null,
  team: null,
  agent: null,
  intent: null,
  first_customer_at: null,
  first_response_ms: null,
  first_human_response_ms: null,
  queued_at: null,
  transfer_wait: false,
  assigned_at: null,
  answered: 0,
  abandoned: 0,
  wait_ms: 0,
  handle_ms: 0,
  handled: false,
  transfers: 0,
  reopens: 0,
  agents: [],
  resolutions: 0,
  first_resolved_at: null,
  agents_at_first_resolution: null,
  resolved_by: null,
  reopened_at: null,
  ended_at: null,
  csat: null,
  nps: null,
};
