import { z } from "zod";
import type { ConversationFacts } from "./facts";

/** One conversation's metrics right now (R4.1), from the facts its object keeps; instants in epoch ms. */
export const ConversationLive = z.object({
  status: z.string(),
  /** The wait in progress began here (null when nobody waits); `waited_ms` is how long so far. */
  waiting_since: z.number().nullable(),
  waited_ms: z.number().nullable(),
  /** A transfer's wait is part of a contact already answered. */
  transfer_wait: z.boolean(),
  first_customer_at: z.number().nullable(),
  first_response_ms: z.number().nullable(),
  /** The customer's first message is owed a reply by this instant (the service-level threshold); null once answered. */
  first_response_due_at: z.number().nullable(),
  first_response_overdue: z.boolean(),
  /** The agent's holding in progress, and all holding so far. */
  assigned_since: z.number().nullable(),
  handle_ms: z.number(),
  transfers: z.int(),
  reopens: z.int(),
  csat: z.int().nullable(),
  nps: z.int().nullable(),
});
export type ConversationLive = z.infer<typeof ConversationLive>;

export function conversationLive(status: string, f: ConversationFacts, thresholdS: number, t: number): ConversationLive {
  const due = f.first_customer_at !== null && f.first_response_ms === null ? f.first_customer_at + thresholdS * 1000 : null;
  return {
    status,
    waiting_since: f.queued_at,
    waited_ms: f.queued_at === null ? null : Math.max(0, t - f.queued_at),
    transfer_wait: f.transfer_wait,
    first_customer_at: f.first_customer_at,
    first_response_ms: f.first_response_ms,
    first_response_due_at: due,
    first_response_overdue: due !== null && t > due,
    assigned_since: f.assigned_at,
    handle_ms: f.handle_ms + (f.assigned_at === null ? 0 : Math.max(0, t - f.assigned_at)),
    transfers: f.transfers,
    reopens: f.reopens,
    csat: f.csat,
    nps: f.nps,
  };
}
