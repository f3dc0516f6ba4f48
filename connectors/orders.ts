import { z } from "zod";
import { openCrm, sealedCrm, type CrmContact } from "./crm-config";
import { callConnector } from "./guard";
import { Order, type OrdersSource } from "../shared/orders";
import { TtlCache } from "../shared/ttl-cache";
import { now } from "../shared/ids";

/** An answer's orders are read one by one: one malformed order is dropped, not the customer's whole history. */
const OrdersAnswer = z.object({ orders: z.array(z.unknown()).max(100) });

export type OrdersLookup = { source: OrdersSource; orders: Order[] };

const ORDERS_TIMEOUT_MS = 1500;
/** Short: an order's status is what a customer asks about, and it moves while they wait. */
const ORDERS_CACHE_MS = 60_000;
const cache = new TtlCache<Order[]>(10_000, ORDERS_CACHE_MS);

/**
 * A contact's orders from the tenant's order system (POST {orders_url} {contact} → {orders}): cached for a minute,
 * bounded by a timeout and the tenant's orders circuit. Never throws: a failed lookup is `unavailable`, and the
 * caller (the profile, the bot) goes on without orders.
 */
export async function lookupOrders(env: Env, tenantId: string, sealed: string | null, contact: CrmContact): Promise<OrdersLookup> {
  const crm = await openCrm(env, tenantId, sealed);
  if (!crm?.orders_url) return { source: "not_configured", orders: [] };
  const key = `${tenantId}\u0000${contact.id}`;
  const hit = cache.get(key, now());
  if (hit) return { source: "crm", orders: hit };
  const r = await callConnector(env, tenantId, "orders", { url: crm.orders_url, token: crm.token, body: { contact }, timeoutMs: ORDERS_TIMEOUT_MS }, OrdersAnswer);
  if (!r.ok) return { source: "unavailable", orders: [] };
  const orders = r.value.orders.flatMap((o) => {
    const parsed = Order.safeParse(o);
    return parsed.success ? [parsed.data] : [];
  });
  cache.set(key, orders, now());
  return { source: "crm", orders };
}

/**
 * The orders of a conversation's customer: the contact the conversation names, or, for a channel conversation, the
 * contact its identity was linked to (the conversation index).
 */
export async function ordersOfConversation(env: Env, tenantId: string, contactId: string, conversationId: string): Promise<OrdersLookup> {
  const sealed = await sealedCrm(env, tenantId);
  if (!sealed) return { source: "not_configured", orders: [] };
  const row = await env.DB.prepare(
    `SELECT id, email, phone, external_user_id FROM contacts
      WHERE tenant_id = ?1 AND id IN (?2, (SELECT contact_id FROM conversations WHERE tenant_id = ?1 AND id = ?3)) LIMIT 1`,
  )
    .bind(tenantId, contactId, conversationId)
    .first<CrmContact>();
  return lookupOrders(env, tenantId, sealed, row ?? { id: contactId, email: null, phone: null, external_user_id: null });
}
