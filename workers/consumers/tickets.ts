import { and, eq, isNull, sql } from "drizzle-orm";
import { db } from "../../db/client";
import { contacts, tickets } from "../../db/schema";
import { openCrm, sealedCrm } from "../../connectors/crm-config";
import { createExternalTicket } from "../../connectors/tickets";
import { now } from "../../shared/ids";
import { TicketJob, announceTicket, ticketSynced, ticketView } from "../tickets";
import { describeError, retryDelaySeconds } from "./retry";

type Outcome = { done: true } | { done: false; retryInMs: number };

/**
 * The ticket in the tenant's external system, created once: a ticket that has its external id is not created again
 * (a redelivered message reports ticket.synced again, under the same event id), and the ticket id travels as the
 * Idempotency-Key for the case where the external system created it but its answer was lost.
 */
async function syncTicket(env: Env, tenantId: string, ticketId: string): Promise<Outcome> {
  const d = db(env);
  const mine = and(eq(tickets.tenantId, tenantId), eq(tickets.id, ticketId));
  const row = await d.select().from(tickets).where(mine).get();
  if (!row || row.syncStatus === "local") return { done: true };
  if (row.externalId) {
    await announceTicket(env, ticketSynced(row));
    return { done: true };
  }
  const crm = await openCrm(env, tenantId, await sealedCrm(env, tenantId));
  const waiting = and(mine, isNull(tickets.externalId));
  const t = now();
  if (!crm?.tickets_url) {
    await d.update(tickets).set({ syncStatus: "failed", syncError: "no tickets_url is configured any more", version: sql`${tickets.version} + 1`, updatedAt: t }).where(waiting);
    return { done: true };
  }
  const contact = row.contactId
    ? ((await d
        .select({ id: contacts.id, email: contacts.email, phone: contacts.phone, external_user_id: contacts.externalUserId })
        .from(contacts)
        .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, row.contactId)))
        .get()) ?? null)
    : null;
  const r = await createExternalTicket(env, tenantId, { ...crm, tickets_url: crm.tickets_url }, ticketView(row), contact);
  if (!r.ok) {
    await d.update(tickets).set({ syncStatus: "failed", syncError: r.detail.slice(0, 500), version: sql`${tickets.version} + 1`, updatedAt: now() }).where(waiting);
    return { done: false, retryInMs: r.retryInMs };
  }
  const synced = await d
    .update(tickets)
    .set({ externalId: r.value.id, externalUrl: r.value.url, syncStatus: "synced", syncError: null, version: sql`${tickets.version} + 1`, updatedAt: now() })
    .where(waiting)
    .returning()
    .get();
  // Another delivery of a message for this ticket stored its external id first: that one reports it.
  if (synced) await announceTicket(env, ticketSynced(synced));
  return { done: true };
}

/**
 * tickets → the events queue (the change's event) and the external system. At least once, and idempotent: events
 * carry ids fixed by the ticket and its version, and the external creation happens once per ticket. A failed creation
 * leaves the ticket `failed` with its error and is retried with backoff (past the breaker's cooldown), finally into
 * the dead-letter queue; the ticket itself is never lost, it lives in D1 from the request on.
 */
export async function consumeTickets(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    const parsed = TicketJob.safeParse(msg.body);
    if (!parsed.success) {
      console.error(JSON.stringify({ level: "error", msg: "invalid tickets message", id: msg.id, issues: parsed.error.issues.slice(0, 3) }));
      msg.retry();
      continue;
    }
    const job = parsed.data;
    try {
      let outcome: Outcome;
      if ("resync" in job) outcome = await syncTicket(env, job.resync.tenant_id, job.resync.ticket_id);
      else {
        await announceTicket(env, job.event);
        // A synced or local ticket has nothing to create; a failed one is tried again by any later change or the sweep.
        const waiting = job.event.ticket.sync_status === "pending" || job.event.ticket.sync_status === "failed";
        outcome = waiting ? await syncTicket(env, job.event.tenant_id, job.event.ticket.id) : { done: true };
      }
      if (outcome.done) msg.ack();
      else msg.retry({ delaySeconds: Math.max(retryDelaySeconds(msg.attempts), Math.ceil(outcome.retryInMs / 1000)) });
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "ticket job failed; retrying it", id: msg.id, attempts: msg.attempts, error: describeError(err) }));
      msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
    }
  }
}

