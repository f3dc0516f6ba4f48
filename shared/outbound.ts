import { z } from "zod";
import { ChannelName, StandardMessage } from "./message";

/** A reply waiting to be delivered through its channel's provider; the `outbound` queue carries these. */
export const OutboundJob = z.object({
  tenant_id: z.string(),
  conversation_id: z.string(),
  channel: ChannelName,
  external_thread_id: z.string(),
  message: StandardMessage,
  /** Provider id of the latest customer message, for channels that thread replies (e-mail, Slack). */
  in_reply_to: z.string().optional(),
  /** Provider ids in the thread, oldest first (e-mail References). */
  references: z.array(z.string()).max(50),
  /** From the latest customer message: where a reply goes and under which subject (e-mail). */
  thread_context: z.object({ to: z.string().optional(), subject: z.string().optional() }),
});
export type OutboundJob = z.infer<typeof OutboundJob>;

/** Channels whose replies travel to a provider; web and app clients read them from their socket. */
export function deliversViaProvider(channel: ChannelName): boolean {
  return channel !== "web" && channel !== "app";
}

const RANK = { pending: 0, sent: 1, delivered: 2, read: 3 } as const;

/** Provider callbacks arrive out of order: delivery state only moves forward, and a failure cannot undo a delivery. */
export function deliveryAdvances(from: keyof typeof RANK | "failed" | null, to: keyof typeof RANK | "failed"): boolean {
  if (from === null) return true;
  if (from === "failed") return to !== "failed" && to !== "pending";
  if (to === "failed") return RANK[from] < RANK.delivered;
  return RANK[to] > RANK[from];
}
