import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { and, eq, lte } from "drizzle-orm";
import { db } from "../../db/client";
import { idempotencyKeys } from "../../db/schema";
import { sha256Hex } from "../../shared/crypto";
import { seal, unseal } from "../../shared/sealing";
import { now } from "../../shared/ids";
import type { AuthEnv } from "./auth";
import { HttpError } from "./problem";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";

/** A first response is replayed to repeats for this long. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/** Bigger responses are not stored: the key is released and a repeat runs the request again. */
export const MAX_STORED_BODY_BYTES = 64 * 1024;

/** A request that died without answering holds its key this long; then a repeat may take the key over. */
const LEASE_MS = 60_000;

/** One cron run deletes at most this many expired keys; the rest go next run. */
const MAX_PURGE = 10_000;

const KEY = /^[\x20-\x7e]{1,255}$/;

/** The replayed headers: what a client reads besides status and body. */
const KEPT_HEADERS = ["content-type", "location"] as const;

/** 5xx are left out so a retry can succeed; 409 and 429 describe a moment, not the request. */
const storable = (status: number) => (status >= 200 && status < 300) || (status >= 400 && status < 500 && status !== 409 && status !== 429);

/**
 * First responses carry secrets shown once (API keys, agent tokens, webhook signing secrets), so stored bodies are
 * sealed like channel credentials, bound to their scope and key.
 */
const sealOwner = (scope: string, key: string) => `idempotency:${scope}:${key}`;

/** Whose keys these are: a tenant's API keys share one space; agents and visitors each have their own. */
function principalScope(c: Context<AuthEnv>): string {
  const p = c.get("principal");
  switch (p.kind) {
    case "api":
      return `tenant:${p.tenantId}`;
    case "agent":
      return `agent:${p.tenantId}:${p.agentId}`;
    case "visitor":
      return `visitor:${p.tenantId}:${p.contactId}`;
  }
}

/**
 * `Idempotency-Key` for a POST that creates something; goes after authentication, before body validation. Without
 * the header the request runs as usual. With it, the first response (2xx and 4xx but 409/429, up to 64 KB) is kept
 * for 24 h under principal, method, path and key; a repeat with the same body gets it back with
 * `Idempotent-Replayed: true`, another body gets 422, and a repeat while the first still runs gets 409.
 */
export const idempotent = (scopeOf: (c: Context<AuthEnv>) => string = principalScope) =>
  createMiddleware<AuthEnv>(async (c, next) => {
    const key = c.req.header(IDEMPOTENCY_HEADER);
    if (key === undefined) return next();
    if (!KEY.test(key)) throw new HttpError(400, "invalid Idempotency-Key", `the ${IDEMPOTENCY_HEADER} header must be 1 to 255 printable ASCII characters`);
    const scope = `${scopeOf(c)} ${c.req.method} ${c.req.path}`;
    // Hono caches the body text, so the JSON validator after this reads the same bytes.
    const fingerprint = await sha256Hex(`${c.req.method}\n${c.req.path}\n${await c.req.text()}`);
    const d = db(c.env);
    const t = now();
    const lock = crypto.randomUUID();
    const fresh = { fingerprint, lock, status: null, headers: null, body: null, createdAt: t, expiresAt: t + LEASE_MS };
    // A new key is inserted; an expired one (or an abandoned lease) is taken over; a live one is left alone.
    const claimed = await d
      .insert(idempotencyKeys)
      .values({ scope, key, ...fresh })
      .onConflictDoUpdate({ target: [idempotencyKeys.scope, idempotencyKeys.key], set: fresh, setWhere: lte(idempotencyKeys.expiresAt, t) })
      .returning({ lock: idempotencyKeys.lock })
      .get();
    if (claimed?.lock !== lock) {
      const held = await d.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key))).get();
      if (held && held.fingerprint !== fingerprint) {
        throw new HttpError(422, "Idempotency-Key reused", `this ${IDEMPOTENCY_HEADER} was already used with a different request body`);
      }
      if (!held || held.status === null) throw new HttpError(409, "request in progress", `a request with this ${IDEMPOTENCY_HEADER} is still running; retry later`);
      const body = held.body === null ? "" : String(await unseal(c.env.CHANNEL_KEY, sealOwner(scope, key), held.body));
      const res = new Response(body || null, { status: held.status, headers: held.headers ?? {} });
      res.headers.set("idempotent-replayed", "true");
      return res;
    }

    await next();

    const mine = and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key), eq(idempotencyKeys.lock, lock));
    try {
      const body = storable(c.res.status) ? await c.res.clone().text() : undefined;
      if (body === undefined || new TextEncoder().encode(body).byteLength > MAX_STORED_BODY_BYTES) {
        await d.delete(idempotencyKeys).where(mine);
        return;
      }
      const headers: Record<string, string> = {};
      for (const h of KEPT_HEADERS) {
        const v = c.res.headers.get(h);
        if (v !== null) headers[h] = v;
      }
      const sealed = await seal(c.env.CHANNEL_KEY, sealOwner(scope, key), body);
      await d.update(idempotencyKeys).set({ status: c.res.status, headers, body: sealed, expiresAt: t + IDEMPOTENCY_TTL_MS }).where(mine);
    } catch (err) {
      // The request did its work; its answer stands. The key's lease runs out and a repeat then runs again.
      console.warn(JSON.stringify({ level: "warn", msg: "idempotency record not stored", request_id: c.get("requestId"), path: c.req.path, error: String(err) }));
    }
  });

/** Deletes expired keys (Cron Trigger); returns how many. */
export async function purgeExpiredIdempotencyKeys(env: Env, nowMs: number): Promise<number> {
  const r = await env.DB.prepare(`DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE expires_at <= ?1 LIMIT ${MAX_PURGE})`)
    .bind(nowMs)
    .run();
  return r.meta.changes ?? 0;
}
