import { z } from "zod";

/** A ticket: follow-up work that outlives a conversation, kept in D1 and mirrored to the tenant's external system. */
export const TicketPriority = z.enum(["low", "normal", "high", "urgent"]);
export type TicketPriority = z.infer<typeof TicketPriority>;

export const TicketStatus = z.enum(["open", "pending", "on_hold", "solved", "closed"]);
export type TicketStatus = z.infer<typeof TicketStatus>;

/** `local`: no external system is configured; `pending` until the connector created it there, `failed` while it cannot. */
export const TicketSyncStatus = z.enum(["pending", "synced", "failed", "local"]);
export type TicketSyncStatus = z.infer<typeof TicketSyncStatus>;

export const TicketView = z
  .object({
    id: z.string(),
    conversation_id: z.string().nullable(),
    contact_id: z.string().nullable(),
    subject: z.string(),
    description: z.string().nullable(),
    priority: TicketPriority,
    status: TicketStatus,
    assignee_id: z.string().nullable(),
    due_at: z.number().nullable().describe("Epoch milliseconds"),
    external_id: z.string().nullable().describe("The ticket's id in the external system, once created there"),
    external_url: z.string().nullable(),
    sync_status: TicketSyncStatus,
    sync_error: z.string().nullable(),
    version: z.int().positive().describe("Bumped by every change"),
    created_at: z.number(),
    updated_at: z.number(),
  })
  .meta({ id: "Ticket" });
export type TicketView = z.infer<typeof TicketView>;

/** The fields a PATCH may change, which ticket.updated names. */
export const TICKET_EDITABLE = ["subject", "status", "priority", "assignee_id", "due_at"] as const;
export const TicketField = z.enum(TICKET_EDITABLE);
export type TicketField = z.infer<typeof TicketField>;
