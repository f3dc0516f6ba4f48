import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import { db } from "../../db/client";
import { auditLog } from "../../db/schema";
import { auditChanges, auditedAction, firstParam } from "../../shared/audit";
import { newId, now } from "../../shared/ids";
import type { AuthEnv } from "./auth";

type Actor = { kind: "api" | "agent" | "operator"; id: string; name: string | null; tenantId: string | null };

/**
 * Records each successful configuration change (shared/audit.ts says which) as one audit_log row: who, which route,
 * on what, with the body sent, secrets redacted. Runs after the route, off the response path; a failed write is
 * logged and never fails the change it describes. Replays of an Idempotency-Key changed nothing and are not recorded.
 */
export const audit = createMiddleware<AuthEnv>(async (c, next) => {
  await next();
  if (c.res.status < 200 || c.res.status >= 300 || c.res.headers.get("idempotent-replayed") === "true") return;
  const pattern = routePath(c);
  const action = auditedAction(c.req.method, pattern);
  if (!action) return;
  const write = record(c, action, pattern).catch((err: unknown) =>
    console.error(JSON.stringify({ level: "error", msg: "audit write failed", request_id: c.get("requestId"), action, error: String(err) })),
  );
  try {
    c.executionCtx.waitUntil(write);
  } catch {
    // no execution context (a direct app.fetch): the write is awaited instead
    await write;
  }
});

async function record(c: Context<AuthEnv>, action: string, pattern: string): Promise<void> {
  const param = firstParam(pattern);
  const target = param ? (c.req.param(param) ?? null) : null;
  const actor = await actorOf(c, pattern, target);
  if (!actor?.tenantId) return;
  await db(c.env)
    .insert(auditLog)
    .values({
      id: newId("aud"),
      tenantId: actor.tenantId,
      at: now(),
      actorKind: actor.kind,
      actorId: actor.id,
      actorName: actor.name,
      action,
      target,
      status: c.res.status,
      requestId: c.get("requestId"),
      changes: auditChanges(action, await bodyOf(c)),
    });
}

/** The principal, or the operator on /v1/admin routes: its tenant is the path's, or the one it just created. */
async function actorOf(c: Context<AuthEnv>, pattern: string, target: string | null): Promise<Actor | null> {
  const p = c.get("principal") as AuthEnv["Variables"]["principal"] | undefined;
  if (p?.kind === "api") return { kind: "api", id: p.keyId, name: p.name, tenantId: p.tenantId };
  if (p?.kind === "agent") return { kind: "agent", id: p.agentId, name: p.name, tenantId: p.tenantId };
  if (p || !pattern.startsWith("/v1/admin/")) return null;
  const created = target ?? ((await c.res.clone().json().catch(() => null)) as { id?: unknown } | null)?.id;
  return { kind: "operator", id: "operator", name: null, tenantId: typeof created === "string" ? created : null };
}

/** The JSON body the route read (Hono caches it); none for bodiless requests. */
async function bodyOf(c: Context<AuthEnv>): Promise<unknown> {
  if (!c.req.header("content-type")?.includes("json")) return undefined;
  return c.req.json().catch(() => undefined);
}
