import { and, eq } from "drizzle-orm";
import { db } from "../../db/client";
import { channels } from "../../db/schema";
import { openCredentials } from "../../connectors/credentials";
import { adapterFor } from "./registry";
import type { ChannelAdapter } from "./adapter";
import { now } from "../../shared/ids";
import { TtlCache } from "../../shared/ttl-cache";

/** What is encrypted at rest: the credentials and, for declarative channels, the spec (it holds a signing secret). */
export type SealedChannel = { config: unknown; spec: unknown };

export type LoadedChannel = { adapter: ChannelAdapter<unknown>; config: unknown };

/**
 * Decrypted channel configuration, cached per isolate: webhooks are hot and configuration is not.
 * The admin API evicts its own isolate's entry on change; other isolates converge within the TTL.
 */
const cache = new TtlCache<LoadedChannel | null>(10_000, 30_000);

export async function loadChannel(env: Env, tenantId: string, name: string): Promise<LoadedChannel | null> {
  const k = `${tenantId}\u0000${name}`;
  const hit = cache.get(k, now());
  if (hit !== undefined) return hit;
  const row = await db(env)
    .select()
    .from(channels)
    .where(and(eq(channels.tenantId, tenantId), eq(channels.name, name), eq(channels.enabled, true)))
    .get();
  let value: LoadedChannel | null = null;
  if (row) {
    const sealed = (await openCredentials(env, tenantId, name, row.configCiphertext)) as SealedChannel;
    const adapter = adapterFor(name, sealed.spec);
    if (adapter) value = { adapter, config: adapter.config.parse(sealed.config) };
  }
  cache.set(k, value, now());
  return value;
}

export function forgetChannel(tenantId: string, name: string): void {
  cache.delete(`${tenantId}\u0000${name}`);
}
