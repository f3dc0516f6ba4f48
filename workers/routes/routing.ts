import { Hono } from "hono";
import { requireAuth, authenticate, type AuthEnv } from "../http/auth";
import { HttpError } from "../http/problem";
import { jsonBody } from "../http/validate";
import { db } from "../db/client";
import { routingConfig } from "../db/schema";
import { eq } from "drizzle-orm";
import { deskStub, DESK_IDENTITY_HEADER } from "../../objects/routing-desk";
import { RoutingConfig } from "../../shared/routing-config";
import { checkOrigin, tenantById } from "../tenants";
import { now } from "../../shared/ids";

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
