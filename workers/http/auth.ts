import { createMiddleware } from "hono/factory";
import { sign, verify } from "hono/jwt";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { apiKeys } from "../../db/schema";
import { db } from "../../db/client";
import { sha256Hex } from "../../shared/crypto";
import { now } from "../../shared/ids";
import { TtlCache } from "../../shared/ttl-cache";
import { ADMIN_AGENT_SCOPES, allows, scopeFor } from "../../shared/api-scopes";
import { HttpError } from "./problem";
import { limitPrincipal } from "./rate-limit";

export const API_KEY_PREFIX = "edk_";

const TokenClaims = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("agent"), sub: z.string(), tid: z.string(), role: z.enum(["agent", "supervisor", "admin"]), name: z.string(), exp: z.number() }),
  z.object({
    kind: z.literal("visitor"),
    sub: z.string(),
    tid: z.string(),
    name: z.string().optional(),
    uid: z.string().optional(),
    uh: z.string().optional(),
    exp: z.number(),
  }),
]);
export type TokenClaims = z.infer<typeof TokenClaims>;

export type Principal =
  | { kind: "api"; tenantId: string; keyId: string; name: string; scopes: string[] }
  | { kind: "agent"; tenantId: string; agentId: string; role: "agent" | "supervisor" | "admin"; name: string; expiresAt?: number }
  | { kind: "visitor"; tenantId: string; contactId: string; name?: string; userId?: string; userHash?: string; expiresAt?: number };

export type AuthEnv = { Bindings: Env; Variables: { principal: Principal; requestId: string } };

const AGENT_TOKEN_TTL_S = 12 * 3600;
const VISITOR_TOKEN_TTL_S = 24 * 3600;
/** Console sign-in sessions renew their access token through a refresh token, so it can be short-lived. */
export const CONSOLE_TOKEN_TTL_S = 15 * 60;

type Unsigned = TokenClaims extends infer T ? (T extends TokenClaims ? Omit<T, "exp"> : never) : never;

export async function issueToken(env: Env, claims: Unsigned, ttlS?: number): Promise<{ token: string; expires_at: number }> {
  const ttl = ttlS ?? (claims.kind === "agent" ? AGENT_TOKEN_TTL_S : VISITOR_TOKEN_TTL_S);
  const exp = Math.floor(now() / 1000) + ttl;
  return { token: await sign({ ...claims, exp }, env.JWT_SECRET, "HS256"), expires_at: exp * 1000 };
}

async function principalFromToken(env: Env, token: string): Promise<Principal> {
  let payload: unknown;
  try {
    payload = await verify(token, env.JWT_SECRET, "HS256");
  } catch {
    throw new HttpError(401, "unauthorized", "invalid or expired token");
  }
  const claims = TokenClaims.safeParse(payload);
  if (!claims.success) throw new HttpError(401, "unauthorized", "invalid token claims");
  const c = claims.data;
  return c.kind === "agent"
    ? { kind: "agent", tenantId: c.tid, agentId: c.sub, role: c.role, name: c.name, expiresAt: c.exp * 1000 }
    : { kind: "visitor", tenantId: c.tid, contactId: c.sub, name: c.name, userId: c.uid, userHash: c.uh, expiresAt: c.exp * 1000 };
}

type ApiPrincipal = Extract<Principal, { kind: "api" }>;

/**
 * Resolved keys (with their scopes) are cached per isolate for a minute: a REST call then costs no D1 read.
 * Revocation takes effect everywhere within that minute, and at once in the isolate that revoked (`forgetApiKey`).
 */
const keyCache = new TtlCache<ApiPrincipal>(10_000, 60_000);

async function principalFromApiKey(env: Env, key: string): Promise<Principal> {
  const hash = await sha256Hex(key);
  const cached = keyCache.get(hash, now());
  if (cached) return cached;
  const row = await db(env)
    .select({ id: apiKeys.id, tenantId: apiKeys.tenantId, name: apiKeys.name, scopes: apiKeys.scopes })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)))
    .get();
  if (!row) throw new HttpError(401, "unauthorized", "unknown or revoked API key");
  const principal: ApiPrincipal = { kind: "api", tenantId: row.tenantId, keyId: row.id, name: row.name, scopes: row.scopes };
  keyCache.set(hash, principal, now());
  return principal;
}

/** Drops a revoked key from this isolate's cache (by its stored hash); other isolates notice within the minute. */
export function forgetApiKey(keyHash: string): void {
  keyCache.delete(keyHash);
}

/** Bearer credentials from the header, or `?token=` for WebSocket handshakes (browsers cannot set headers). */
export async function authenticate(env: Env, req: Request): Promise<Principal> {
  const header = req.headers.get("authorization");
  let credential = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!credential && req.headers.get("upgrade")?.toLowerCase() === "websocket") {
    credential = new URL(req.url).searchParams.get("token") ?? undefined;
  }
  if (!credential) throw new HttpError(401, "unauthorized", "missing bearer credentials");
  return credential.startsWith(API_KEY_PREFIX) ? principalFromApiKey(env, credential) : principalFromToken(env, credential);
}

/** The scopes a principal holds on API-key routes: an API key's own, an admin agent's ADMIN_AGENT_SCOPES, else none. */
export function scopesOf(p: Principal): readonly string[] {
  if (p.kind === "api") return p.scopes;
  return p.kind === "agent" && p.role === "admin" ? ADMIN_AGENT_SCOPES : [];
}

/**
 * Whether a principal may call a route open to `kinds`. Admin agents also pass where API keys do, on the tenant
 * configuration an API key's scopes name (ADMIN_AGENT_SCOPES); conversation data and integrations stay API-only.
 */
function admits(p: Principal, kinds: Principal["kind"][], method: string, path: string): boolean {
  if (kinds.includes(p.kind)) return true;
  return p.kind === "agent" && kinds.includes("api") && allows(scopesOf(p), scopeFor(method, path));
}

export const requireAuth = (...kinds: Principal["kind"][]) =>
  createMiddleware<AuthEnv>(async (c, next) => {
    // A route group may authenticate before a route does; the request is authenticated and counted once.
    const known = c.get("principal") as Principal | undefined;
    const principal = known ?? (await authenticate(c.env, c.req.raw));
    if (!admits(principal, kinds, c.req.method, c.req.path)) throw new HttpError(403, "forbidden", `${principal.kind} credentials cannot do this`);
    if (!known) {
      await limitPrincipal(c.env, principal);
      if (principal.kind === "api") {
        const required = scopeFor(c.req.method, c.req.path);
        if (!allows(principal.scopes, required)) throw new HttpError(403, "forbidden", `this API key lacks the scope ${required}`);
      }
      c.set("principal", principal);
    }
    await next();
  });
