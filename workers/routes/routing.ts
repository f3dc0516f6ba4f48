import { z } from "zod";
import { eq } from "drizzle-orm";
import { HttpError, invalid, invalidField } from "../http/problem";
import { defineRoute, json, jsonBody, router } from "../http/route";
import { db } from "../../db/client";
import { routingConfig } from "../../db/schema";
import { deskStub, DESK_IDENTITY_HEADER } from "../../objects/routing-desk";
import { RoutingConfig, queuesOf } from "../../shared/routing-config";
import type { Queue } from "../../shared/routing/schemas";
import { Staffing, staffing } from "../../shared/routing/erlang";
import { DeskOverview } from "../../shared/desk-protocol";
import { checkOrigin, tenantById } from "../tenants";
import { Id, now } from "../../shared/ids";

/**
 * The bounds (100 contacts a second, an hour's patience) are far beyond a real queue and keep the
 * Erlang A evaluation, whose length grows with arrivals × patience, cheap enough for a request.
 * A rate left out is the one the desk observed on the queue (objects/routing-desk.ts observed).
 */
const MAX_ARRIVALS_PER_H = 360_000;
const MAX_AHT_S = 86_400;
const MAX_PATIENCE_S = 3_600;

export const StaffingQuery = z.object({
  queue: Id,
  /** Contacts per hour; omitted: the queue's arrivals over the last hour. */
  arrivals_per_h: z.coerce.number().positive().max(MAX_ARRIVALS_PER_H).optional(),
  /** Average handle time; omitted: the mean of the queue's last 50 resolutions. */
  aht_s: z.coerce.number().positive().max(MAX_AHT_S).optional(),
  /** Mean patience before abandoning (Erlang A); omitted: the queue's observed patience, or Erlang C if nobody gave up lately. */
  patience_s: z.coerce.number().positive().max(MAX_PATIENCE_S).optional(),
  target_sl: z.coerce.number().gt(0).lt(1).default(0.8),
  /** Default: the queue's first-response SLA. */
  within_s: z.coerce.number().min(0).max(86_400).optional(),
});

const Source = z.enum(["given", "observed"]);
const StaffingEstimate = z
  .intersection(
    Staffing,
    z.object({
      queue_id: z.string(),
      /** What the estimate was computed from, and whether each rate was given or observed on the queue. */
      inputs: z.object({
        arrivals_per_h: z.number(),
        aht_s: z.number(),
        patience_s: z.number().nullable(),
        target_sl: z.number(),
        within_s: z.number(),
        sources: z.object({ arrivals_per_h: Source, aht_s: Source, patience_s: Source.nullable() }),
        /** The desk's observation window, when any rate was left out. */
        observed_window_s: z.int().optional(),
      }),
    }),
  )
  .meta({ id: "StaffingEstimate" });

/** The queues the desk routes to: the configured ones, or the default queue of a tenant without any. */
async function tenantQueues(env: Env, tenantId: string): Promise<Queue[]> {
  const row = await db(env).select().from(routingConfig).where(eq(routingConfig.tenantId, tenantId)).get();
  return queuesOf(RoutingConfig.parse(row?.body ?? {}));
}

const tag = ["Routing"];

/** Routing configuration (D1 is authoritative; every change is pushed to the desk), live desk state, desk socket. */
export const routingRoutes = router()
  .openapi(
    defineRoute({
      method: "get", path: "/config", tags: tag, access: ["api", "agent"],
      summary: "Routing configuration",
      responses: { 200: json(RoutingConfig) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const row = await db(c.env).select().from(routingConfig).where(eq(routingConfig.tenantId, tenantId)).get();
      return c.json(RoutingConfig.parse(row?.body ?? {}), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "put", path: "/config", tags: tag, access: ["api"],
      summary: "Replace the routing configuration; the desk applies it at once",
      request: jsonBody(RoutingConfig),
      responses: { 200: json(RoutingConfig, "The configuration as stored, defaults filled in") },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const config = c.req.valid("json");
      await db(c.env)
        .insert(routingConfig)
        .values({ tenantId, body: config, updatedAt: now() })
        .onConflictDoUpdate({ target: routingConfig.tenantId, set: { body: config, updatedAt: now() } });
      await deskStub(c.env, tenantId).configure(tenantId, config);
      return c.json(config, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/staffing", tags: tag, access: ["api", "agent"],
      summary: "Staffing estimate for a queue (Erlang C, or Erlang A given patience); rates left out are the queue's observed ones",
      request: { query: StaffingQuery },
      responses: { 200: json(StaffingEstimate) },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const tenantId = c.get("principal").tenantId;
      const queue = (await tenantQueues(c.env, tenantId)).find((x) => x.id === q.queue);
      if (!queue) throw invalidField("queue", "no queue with this id");
      const seen = q.arrivals_per_h === undefined || q.aht_s === undefined || q.patience_s === undefined ? await deskStub(c.env, tenantId).observed(tenantId, queue.id) : null;
      const pick = (given: number | undefined, observed: number | null | undefined, max: number) =>
        given !== undefined ? { value: given, source: "given" as const } : observed != null ? { value: Math.min(max, observed), source: "observed" as const } : null;
      const arrivals = pick(q.arrivals_per_h, seen?.arrivals_per_h, MAX_ARRIVALS_PER_H);
      const aht = pick(q.aht_s, seen?.aht_s, MAX_AHT_S);
      const patience = pick(q.patience_s, seen?.patience_s, MAX_PATIENCE_S);
      const missing = [
        ...(arrivals ? [] : [{ field: "arrivals_per_h", message: "not given, and the desk has seen no arrivals on this queue in the last hour" }]),
        ...(aht ? [] : [{ field: "aht_s", message: "not given, and the desk has seen no resolutions on this queue yet" }]),
      ];
      if (!arrivals || !aht) throw invalid(missing);
      const inputs = {
        arrivals_per_h: arrivals.value,
        aht_s: aht.value,
        patience_s: patience?.value ?? null,
        target_sl: q.target_sl,
        within_s: q.within_s ?? queue.sla_first_response_s,
        sources: { arrivals_per_h: arrivals.source, aht_s: aht.source, patience_s: patience?.source ?? null },
        ...(seen ? { observed_window_s: seen.window_s } : {}),
      };
      const result = staffing({ arrivals_per_s: inputs.arrivals_per_h / 3600, handle_s: inputs.aht_s, patience_s: patience?.value, target_sl: inputs.target_sl, within_s: inputs.within_s });
      const estimate: z.infer<typeof StaffingEstimate> = { queue_id: queue.id, ...result, inputs };
      return c.json(estimate, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/desk", tags: tag, access: ["api", "agent"],
      summary: "Live desk: agents, waiting conversations, offers (agents: supervisors and admins only)",
      responses: { 200: json(DeskOverview) },
    }),
    async (c) => {
      const p = c.get("principal");
      if (p.kind === "agent" && p.role === "agent") throw new HttpError(403, "forbidden", "the live desk is for supervisors");
      return c.json(await deskStub(c.env, p.tenantId).overview(p.tenantId), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/desk/ws", tags: tag, access: ["agent"],
      summary: "Agent console desk socket: offers and presence; supervisors also get SLA alerts and live counters",
      request: { query: z.object({ token: z.string().optional().describe("The agent token, for browsers that cannot set Authorization on a WebSocket") }) },
      responses: { 101: { description: "Switching to the WebSocket protocol" } },
      errors: [426],
    }),
    async (c) => {
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new HttpError(426, "upgrade required", "connect with a WebSocket");
      const p = c.get("principal");
      if (p.kind !== "agent") throw new HttpError(403, "forbidden", "the desk socket is for agents");
      checkOrigin(c.env, await tenantById(c.env, p.tenantId), c.req.header("origin"));
      const headers = new Headers(c.req.raw.headers);
      headers.set(DESK_IDENTITY_HEADER, JSON.stringify({ agent_id: p.agentId, role: p.role }));
      headers.set("x-edgedesk-tenant", p.tenantId);
      return deskStub(c.env, p.tenantId).fetch(new Request(c.req.url, { headers }));
    },
  );
