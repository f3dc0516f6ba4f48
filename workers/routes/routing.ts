import { Hono } from "hono";
import { z } from "zod";
import { requireAuth, authenticate, type AuthEnv } from "../http/auth";
import { HttpError, invalidField } from "../http/problem";
import { jsonBody, queryOf } from "../http/validate";
import { db } from "../db/client";
import { routingConfig } from "../db/schema";
import { eq } from "drizzle-orm";
import { deskStub, DESK_IDENTITY_HEADER } from "../../objects/routing-desk";
import { RoutingConfig, queuesOf } from "../../shared/routing-config";
import type { Queue } from "../../shared/routing/schemas";
import { staffing } from "../../shared/routing/erlang";
import { checkOrigin, tenantById } from "../tenants";
import { Id, now } from "../../shared/ids";

/** Nothing measures arrival rates or handle times yet, so the caller must bring them. */
const measured = (what: string) => z.string({ error: `required: ${what}, until routing analytics can supply it` });

/**
 * The bounds (100 contacts a second, an hour's patience) are far beyond a real queue and keep the
 * Erlang A evaluation, whose length grows with arrivals × patience, cheap enough for a request.
 */
export const StaffingQuery = z.object({
  queue: Id,
  arrivals_per_h: measured("contacts per hour").pipe(z.coerce.number<string>().positive().max(360_000)),
  aht_s: measured("average handle time in seconds").pipe(z.coerce.number<string>().positive().max(86_400)),
  /** Mean patience before abandoning: given, the estimate is Erlang A; omitted, Erlang C. */
  patience_s: z.coerce.number().positive().max(3_600).optional(),
  target_sl: z.coerce.number().gt(0).lt(1).default(0.8),
  /** Default: the queue's first-response SLA. */
  within_s: z.coerce.number().min(0).max(86_400).optional(),
});

/** The queues the desk routes to: the configured ones, or the default queue of a tenant without any. */
async function tenantQueues(env: Env, tenantId: string): Promise<Queue[]> {
  const row = await db(env).select().from(routingConfig).where(eq(routingConfig.tenantId, tenantId)).get();
  return queuesOf(RoutingConfig.parse(row?.body ?? {}));
}

/** Routing configuration (D1 is authoritative; every change is pushed to the desk), live desk state, desk socket. */
export const routingRoutes = new Hono<AuthEnv>()
  .get("/config", requireAuth("api", "agent"), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const row = await db(c.env).select().from(routingConfig).where(eq(routingConfig.tenantId, tenantId)).get();
    return c.json(RoutingConfig.parse(row?.body ?? {}));
  })
  .put("/config", requireAuth("api"), jsonBody(RoutingConfig), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const config = c.req.valid("json");
    await db(c.env)
      .insert(routingConfig)
      .values({ tenantId, body: config, updatedAt: now() })
      .onConflictDoUpdate({ target: routingConfig.tenantId, set: { body: config, updatedAt: now() } });
    await deskStub(c.env, tenantId).configure(tenantId, config);
    return c.json(config);
  })
  .get("/staffing", requireAuth("api", "agent"), queryOf(StaffingQuery), async (c) => {
    const q = c.req.valid("query");
    const queue = (await tenantQueues(c.env, c.get("principal").tenantId)).find((x) => x.id === q.queue);
    if (!queue) throw invalidField("queue", "no queue with this id");
    const inputs = { arrivals_per_h: q.arrivals_per_h, aht_s: q.aht_s, patience_s: q.patience_s ?? null, target_sl: q.target_sl, within_s: q.within_s ?? queue.sla_first_response_s };
    const result = staffing({ arrivals_per_s: inputs.arrivals_per_h / 3600, handle_s: inputs.aht_s, patience_s: q.patience_s, target_sl: inputs.target_sl, within_s: inputs.within_s });
    return c.json({ queue_id: queue.id, ...result, inputs });
  })
  .get("/desk", requireAuth("api", "agent"), async (c) => {
    const p = c.get("principal");
    if (p.kind === "agent" && p.role === "agent") throw new HttpError(403, "forbidden", "the live desk is for supervisors");
    return c.json(await deskStub(c.env, p.tenantId).overview(p.tenantId));
  })
  .get("/desk/ws", async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new HttpError(426, "upgrade required", "connect with a WebSocket");
    const p = await authenticate(c.env, c.req.raw);
    if (p.kind !== "agent") throw new HttpError(403, "forbidden", "the desk socket is for agents");
    checkOrigin(c.env, await tenantById(c.env, p.tenantId), c.req.header("origin"));
    const headers = new Headers(c.req.raw.headers);
    headers.set(DESK_IDENTITY_HEADER, JSON.stringify({ agent_id: p.agentId, role: p.role }));
    headers.set("x-edgedesk-tenant", p.tenantId);
    return deskStub(c.env, p.tenantId).fetch(new Request(c.req.url, { headers }));
  });
