import { z } from "zod";
import { openCredentials } from "./credentials";

const HttpUrl = z.url({ protocol: /^https?$/ }).max(2048);

/**
 * The tenant's CRM/ERP connector (docs/connectors.md), sealed in tenants.crm_lookup and never returned: the customer
 * lookup routing reads (R2.1), the order lookup the profile and the bot read, and where tickets are created. One bearer
 * token serves all three. A config from before orders and tickets ({url, token}) is still a valid one.
 */
export const CrmLookup = z
  .object({
    url: HttpUrl.optional().describe("Customer lookup: POST {contact} → {tier?, lifetime_value?}"),
    token: z.string().max(4096).optional().describe("Sent as `Authorization: Bearer …` to every URL here"),
    orders_url: HttpUrl.optional().describe("Order lookup: POST {contact} → {orders: [...]}"),
    tickets_url: HttpUrl.optional().describe("Ticket creation: POST {ticket, contact} → {id, url?}, with the ticket id as Idempotency-Key"),
  })
  .refine((c) => c.url !== undefined || c.orders_url !== undefined || c.tickets_url !== undefined, { message: "set at least one of url, orders_url, tickets_url" })
  .meta({ id: "CrmConnector" });
export type CrmLookup = z.infer<typeof CrmLookup>;

/** What the connector sends the external system about a customer. */
export type CrmContact = { id: string; email: string | null; phone: string | null; external_user_id: string | null };

/** The tenant's connector, or null when none is configured or the sealed config no longer opens or parses. */
export async function openCrm(env: Env, tenantId: string, sealed: string | null): Promise<CrmLookup | null> {
  if (!sealed) return null;
  try {
    return CrmLookup.parse(await openCredentials(env, tenantId, "crm", sealed));
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "CRM connector config does not open; connector calls skipped", tenant: tenantId, error: String(err) }));
    return null;
  }
}

/** The tenant's sealed connector config as stored. */
export async function sealedCrm(env: Env, tenantId: string): Promise<string | null> {
  const row = await env.DB.prepare("SELECT crm_lookup AS crm FROM tenants WHERE id = ?1").bind(tenantId).first<{ crm: string | null }>();
  return row?.crm ?? null;
}
