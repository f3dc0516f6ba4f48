import { z } from "zod";
import type { CrmContact, CrmLookup } from "./crm-config";
import { callConnector, type CallResult } from "./guard";
import type { TicketView } from "../shared/tickets";

const Created = z.object({ id: z.union([z.string().min(1).max(256), z.number()]).transform(String), url: z.url({ protocol: /^https?$/ }).optional() });
export type ExternalTicket = { id: string; url: string | null };

/** Off the hot path (the tickets queue): an external system may take a while to create a ticket. */
const TICKETS_TIMEOUT_MS = 10_000;

/**
 * Creates the ticket in the tenant's external system: POST {tickets_url} {ticket, contact} → {id, url?}. The ticket's
 * own id is the Idempotency-Key, so a retry after a lost answer finds the ticket it already created there.
 */
export async function createExternalTicket(env: Env, tenantId: string, crm: CrmLookup & { tickets_url: string }, ticket: TicketView, contact: CrmContact | null): Promise<CallResult<ExternalTicket>> {
  const { external_id: _e, external_url: _u, sync_status: _s, sync_error: _r, ...fields } = ticket;
  const r = await callConnector(
    env,
    tenantId,
    "tickets",
    { url: crm.tickets_url, token: crm.token, body: { ticket: fields, contact }, timeoutMs: TICKETS_TIMEOUT_MS, headers: { "idempotency-key": ticket.id } },
    Created,
  );
  return r.ok ? { ok: true, value: { id: r.value.id, url: r.value.url ?? null } } : r;
}
