import { and, eq, inArray } from "drizzle-orm";
import { db } from "../../db/client";
import { webhookEndpoints } from "../../db/schema";
import { TtlCache } from "../../shared/ttl-cache";
import { now } from "../../shared/ids";
import { matchesAny, webhookEventOf, type WebhookEvent, type WebhookQueueMessage } from "../../shared/webhooks/events";
import type { DomainEvent } from "../../shared/events";

export type Subscription = { id: string; events: string[] };

/**
 * Each tenant's enabled endpoints, cached per isolate for half a minute: the events consumer asks for every batch,
 * and most tenants have none. Changes through the API forget the tenant here at once; other isolates within the TTL.
 */
const cache = new TtlCache<Subscription[]>(10_000, 30_000);

export function forgetEndpoints(tenantId: string): void {
  cache.delete(tenantId);
}

export const endpointStub = (env: Env, endpointId: string) => env.WEBHOOK_ENDPOINT.get(env.WEBHOOK_ENDPOINT.idFromName(endpointId));

export async function subscriptionsOf(env: Env, tenantIds: string[]): Promise<Map<string, Subscription[]>> {
  const t = now();
  const out = new Map<string, Subscription[]>();
  const missing: string[] = [];
  for (const id of tenantIds) {
    const hit = cache.get(id, t);
    if (hit) out.set(id, hit);
    else missing.push(id);
  }
  for (let i = 0; i < missing.length; i += 50) {
    const chunk = missing.slice(i, i + 50);
    const rows = await db(env)
      .select({ id: webhookEndpoints.id, tenantId: webhookEndpoints.tenantId, events: webhookEndpoints.events })
      .from(webhookEndpoints)
      .where(and(inArray(webhookEndpoints.tenantId, chunk), eq(webhookEndpoints.enabled, true)))
      .all();
    for (const tenantId of chunk) {
      const subs = rows.filter((r) => r.tenantId === tenantId).map((r) => ({ id: r.id, events: r.events }));
      cache.set(tenantId, subs, t);
      out.set(tenantId, subs);
    }
  }
  return out;
}

/** Queue messages stay well under the 128 KB limit: a large batch for one endpoint becomes several messages. */
const MESSAGE_BYTES = 96 * 1024;

function chunked(events: WebhookEvent[]): WebhookEvent[][] {
  const out: WebhookEvent[][] = [];
  let current: WebhookEvent[] = [];
  let size = 0;
  for (const e of events) {
    const bytes = JSON.stringify(e).length;
    if (current.length && size + bytes > MESSAGE_BYTES) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(e);
    size += bytes;
  }
  if (current.length) out.push(current);
  return out;
}

/** The messages for the endpoints of `subs` that subscribe to some of `events`. */
export function deliveriesFor(tenantId: string, subs: Subscription[], events: WebhookEvent[]): WebhookQueueMessage[] {
  return subs.flatMap((s) => chunked(events.filter((e) => matchesAny(s.events, e.payload.type))).map((list) => ({ kind: "deliver" as const, tenant_id: tenantId, endpoint_id: s.id, events: list })));
}

/** Change-data capture: stored domain events → the `webhooks` queue, only for tenants with matching endpoints. */
export async function fanOutEvents(env: Env, events: DomainEvent[]): Promise<number> {
  const byTenant = new Map<string, DomainEvent[]>();
  for (const e of events) {
    const list = byTenant.get(e.tenant_id);
    if (list) list.push(e);
    else byTenant.set(e.tenant_id, [e]);
  }
  const subs = await subscriptionsOf(env, [...byTenant.keys()]);
  const messages = [...byTenant].flatMap(([tenantId, list]) => {
    const endpoints = subs.get(tenantId) ?? [];
    return endpoints.length ? deliveriesFor(tenantId, endpoints, list.map(webhookEventOf)) : [];
  });
  await Promise.all(messages.map((m) => env.WEBHOOKS.send(m)));
  return messages.length;
}
