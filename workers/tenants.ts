import { eq } from "drizzle-orm";
import { db } from "../db/client";
import { tenants, apiKeys } from "../db/schema";
import { HttpError } from "./http/problem";
import { API_KEY_PREFIX } from "./http/auth";
import { newId, now } from "../shared/ids";
import { TtlCache } from "../shared/ttl-cache";
import { randomToken, sha256Hex } from "../shared/crypto";
import type { Scope } from "../shared/api-scopes";

export type Tenant = typeof tenants.$inferSelect;

/** Tenant settings change rarely and are read on every handshake: a short per-isolate cache. */
const cache = new TtlCache<Tenant>(10_000, 30_000);

export async function tenantById(env: Env, id: string): Promise<Tenant> {
  const hit = cache.get(id, now());
  if (hit) return hit;
  const tenant = await db(env).select().from(tenants).where(eq(tenants.id, id)).get();
  if (!tenant) throw new HttpError(404, "not found", "no such tenant");
  cache.set(id, tenant, now());
  return tenant;
}

export function forgetTenant(id: string): void {
  cache.delete(id);
}

/** Browsers send Origin on WebSocket handshakes and CORS requests; other clients do not and rely on their token. */
export function checkOrigin(env: Env, tenant: Tenant, origin: string | undefined): void {
  if (!origin) return;
  if (originAllowed(env, tenant, origin)) return;
  throw new HttpError(403, "forbidden", `origin ${origin} is not allowed for this tenant`);
}

export function originAllowed(env: Env, tenant: Tenant | null, origin: string): boolean {
  const own = env.ALLOWED_ORIGINS.split(",").map((s) => s.trim());
  return own.includes(origin) || (tenant?.allowedOrigins.includes(origin) ?? false);
}

/** Returns the key once; only its SHA-256 is stored. Keys hold every scope unless given fewer. */
export async function createApiKey(
  env: Env,
  tenantId: string,
  name: string,
  scopes: Scope[] = ["*"],
): Promise<{ id: string; key: string; prefix: string; scopes: Scope[]; createdAt: number }> {
  const key = `${API_KEY_PREFIX}${randomToken(24)}`;
  const id = newId("key");
  const prefix = key.slice(0, 12);
  const createdAt = now();
  await db(env).insert(apiKeys).values({ id, tenantId, name, keyHash: await sha256Hex(key), prefix, scopes, createdAt });
  return { id, key, prefix, scopes, createdAt };
}
