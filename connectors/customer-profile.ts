import { z } from "zod";
import { openCrm, type CrmContact } from "./crm-config";
import { callConnector } from "./guard";
import { customerValue } from "../shared/routing-config";
import { now } from "../shared/ids";
import { TtlCache } from "../shared/ttl-cache";
import type { ConversationSnapshot } from "../shared/events";

/** What a customer lookup may answer; everything is optional and unknown fields are ignored. */
const CrmAnswer = z.object({
  tier: z.string().max(40).optional(),
  lifetime_value: z.number().nonnegative().optional(),
  orders: z.array(z.object({ id: z.string() }).loose()).max(50).optional(),
});
type CrmAnswer = z.infer<typeof CrmAnswer>;

export type CustomerProfile = { tier: string; lifetime_value: number; customer_value: number; source: "crm" | "d1"; orders: number };

const LOOKUP_TIMEOUT_MS = 1500;
const LOOKUP_CACHE_MS = 5 * 60_000;
const cache = new TtlCache<CrmAnswer>(10_000, LOOKUP_CACHE_MS);

/** The CRM answer for one contact: cached, bounded by a timeout, and skipped while the tenant's lookup circuit is open. */
async function fromCrm(env: Env, tenantId: string, sealed: string, contact: CrmContact): Promise<CrmAnswer | null> {
  const key = `${tenantId}\u0000${contact.id}`;
  const hit = cache.get(key, now());
  if (hit) return hit;
  const crm = await openCrm(env, tenantId, sealed);
  if (!crm?.url) return null;
  const r = await callConnector(env, tenantId, "lookup", { url: crm.url, token: crm.token, body: { contact }, timeoutMs: LOOKUP_TIMEOUT_MS }, CrmAnswer);
  if (!r.ok) return null;
  cache.set(key, r.value, now());
  return r.value;
}

/**
 * The customer profile (R2.1), read once per routing and never per message: the linked contact in D1
 * (a channel identity resolves to its contact through the conversation index), enriched by the tenant's
 * CRM when one is configured and answering; otherwise routing goes on with the stored profile.
 */
export async function customerProfile(env: Env, c: ConversationSnapshot): Promise<CustomerProfile> {
  const row = await env.DB.prepare(
    `SELECT ct.id, ct.email, ct.phone, ct.external_user_id, ct.tier, ct.lifetime_value AS ltv, t.crm_lookup AS crm
       FROM tenants t LEFT JOIN contacts ct ON ct.tenant_id = t.id
        AND ct.id IN (?2, (SELECT contact_id FROM conversations WHERE tenant_id = ?1 AND id = ?3))
      WHERE t.id = ?1 LIMIT 1`,
  )
    .bind(c.tenant_id, c.contact_id, c.id)
    .first<{ id: string | null; email: string | null; phone: string | null; external_user_id: string | null; tier: string | null; ltv: number | null; crm: string | null }>();
  let tier = row?.tier ?? "standard";
  let ltv = row?.ltv ?? 0;
  let orders = 0;
  let source: CustomerProfile["source"] = "d1";
  if (row?.crm) {
    const contact = { id: row.id ?? c.contact_id, email: row.email, phone: row.phone, external_user_id: row.external_user_id };
    const crm = await fromCrm(env, c.tenant_id, row.crm, contact);
    if (crm) {
      source = "crm";
      tier = crm.tier ?? tier;
      ltv = crm.lifetime_value ?? ltv;
      orders = crm.orders?.length ?? 0;
    }
  }
  return { tier, lifetime_value: ltv, customer_value: customerValue(tier, ltv), source, orders };
}
