import { z } from "zod";
import { AgentStatus } from "./routing/schemas";

/** Frames an agent console sends on its desk socket. */
export const DeskClientFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("status"), status: AgentStatus }),
  z.object({ type: z.literal("accept"), offer_id: z.string().min(1).max(128) }),
  z.object({ type: z.literal("reject"), offer_id: z.string().min(1).max(128) }),
  z.object({ type: z.literal("ping") }),
]);
export type DeskClientFrame = z.infer<typeof DeskClientFrame>;

/**
 * Frames the desk sends. Offers carry the decision breakdown so the console can show why it was chosen;
 * supervisors additionally receive SLA alerts and the live queue summary.
 */
export type DeskServerFrame =
  | { type: "hello"; agent_id: string; status: string | null; offers: OfferFrame[]; queue: QueueSummary }
  | ({ type: "offer" } & OfferFrame)
  | { type: "offer_revoked"; offer_id: string; conversation_id: string; reason: string }
  | { type: "offer_expired"; offer_id: string; conversation_id: string }
  | { type: "assigned"; offer_id: string; conversation_id: string; agent_id: string; notes: unknown[] }
  | { type: "agent_status"; agent_id: string; status: string; reason: string }
  | { type: "alert"; kind: "sla_warning" | "sla_breach" | "supervisor_alert"; conversation_id: string; queue_id: string }
  | { type: "queue"; summary: QueueSummary }
  | { type: "pong" }
  | { type: "error"; code: string; message: string };

export type OfferFrame = { offer_id: string; conversation_id: string; queue_id: string; expires_at: number; breakdown: unknown };
export type QueueSummary = { waiting: number; offered: number; assigned: number; agents_available: number; oldest_wait_ms: number | null };
