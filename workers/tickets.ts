import { z } from "zod";
import { tickets } from "../db/schema";
import { TicketEvent, type EventEnvelope } from "../shared/events";
import type { TicketField, TicketView } from "../shared/tickets";

export type TicketRow = typeof tickets.$inferSelect;

export const ticketView = (r: TicketRow): TicketView => ({
  id: r.id,
  conversation_id: r.conversationId,
  contact_id: r.contactId,
  subject: r.subject,
  description: r.description,
  priority: r.priority,
  status: r.status,
  assignee_id: r.assigneeId,
  due_at: r.dueAt,
  external_id: r.externalId,
  external_url: r.externalUrl,
  sync_status: r.syncStatus,
  sync_error: r.syncError,
  version: r.version,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

/**
 * A `tickets` queue message: a change to announce (ticket.created, ticket.updated), after which the consumer creates
 * the ticket in the external system if it is still waiting for that. Each change's event has one id, derived from
 * the ticket and its version, so a redelivered message announces nothing twice.
 */
export const TicketJob = z.union([
  z.object({ event: TicketEvent }),
  /** From the cron's sweep: only the external creation is owed, there is no change to announce. */
  z.object({ resync: z.object({ tenant_id: z.string(), ticket_id: z.string() }) }),
]);
export type TicketJob = z.infer<typeof TicketJob>;

type Actor = Extract<TicketEvent, { type: "ticket.created" }>["actor"];

export const ticketCreated = (r: TicketRow, actor: Actor): TicketEvent => ({
  id: `evt_${r.id}_v${r.version}`,
  tenant_id: r.tenantId,
  type: "ticket.created",
  occurred_at: r.createdAt,
  ticket: ticketView(r),
  actor,
});

export const ticketUpdated = (r: TicketRow, actor: Actor, changes: TicketField[], previous: Partial<Pick<TicketView, TicketField>>): TicketEvent => ({
  id: `evt_${r.id}_v${r.version}`,
  tenant_id: r.tenantId,
  type: "ticket.updated",
  occurred_at: r.updatedAt,
  ticket: ticketView(r),
  actor,
  changes,
  previous,
});

/** One synced event per ticket, whichever attempt or redelivery reports it. */
export const ticketSynced = (r: TicketRow): TicketEvent => ({ id: `evt_${r.id}_synced`, tenant_id: r.tenantId, type: "ticket.synced", occurred_at: r.updatedAt, ticket: ticketView(r) });

export async function enqueueTicketJob(env: Env, event: TicketEvent): Promise<void> {
  await env.TICKETS.send({ event } satisfies TicketJob);
}

export async function announceTicket(env: Env, event: TicketEvent): Promise<void> {
  await env.EVENTS.send({ events: [event] } satisfies EventEnvelope);
}
