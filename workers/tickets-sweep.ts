import { and, asc, eq, lt, or } from "drizzle-orm";
import { db } from "../db/client";
import { tickets } from "../db/schema";
import type { TicketJob } from "./tickets";

/** A pending ticket this old has lost its queue message (the send failed after the row was written). */
export const PENDING_GRACE_MS = 15 * 60_000;

/** A failed ticket whose retries ran out is tried again this long after its last attempt. */
export const FAILED_RETRY_MS = 60 * 60_000;

const MAX_PER_RUN = 100;

/**
 * Tickets whose external creation is still owed, handed back to the tickets queue by the cron: the queue's retries
 * end in the dead-letter queue, and a request whose queue send failed left its ticket pending with no message at all.
 * The consumer creates each one at most once (it skips tickets that have their external id).
 */
export async function sweepUnsyncedTickets(env: Env, nowMs: number): Promise<number> {
  const owed = await db(env)
    .select({ tenant_id: tickets.tenantId, ticket_id: tickets.id })
    .from(tickets)
    .where(
      or(
        and(eq(tickets.syncStatus, "pending"), lt(tickets.updatedAt, nowMs - PENDING_GRACE_MS)),
        and(eq(tickets.syncStatus, "failed"), lt(tickets.updatedAt, nowMs - FAILED_RETRY_MS)),
      ),
    )
    .orderBy(asc(tickets.updatedAt))
    .limit(MAX_PER_RUN)
    .all();
  if (owed.length > 0) await env.TICKETS.sendBatch(owed.map((resync) => ({ body: { resync } satisfies TicketJob })));
  return owed.length;
}
