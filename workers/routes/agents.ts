import { Hono } from "hono";
import { z } from "zod";
import { and, asc, eq } from "drizzle-orm";
import { requireAuth, issueToken, type AuthEnv } from "../http/auth";
import { HttpError, invalidField, unwrap } from "../http/problem";
import { jsonBody, paramsOf } from "../http/validate";
import { db } from "../../db/client";
import { agents, routingConfig } from "../../db/schema";
import { deskStub } from "../../objects/routing-desk";
import { deskAgent } from "../../db/desk-roster";
import { AgentStatus } from "../../shared/routing/schemas";
import { AgentRouting, RoutingConfig } from "../../shared/routing-config";
import { Id, newId, now } from "../../shared/ids";
import { idempotent } from "../http/idempotency";

const Params = z.object({ id: Id });

export const CreateAgent = z.object({
  name: z.string().min(1).max(200),
  email: z.email().max(320),
  role: z.enum(["agent", "supervisor", "admin"]).default("agent"),
  routing: AgentRouting.optional(),
});

type Row = typeof agents.$inferSelect;
const toJson = (a: Row) => ({ id: a.id, name: a.name, email: a.email, role: a.role, routing: a.routing, csat: a.csat, created_at: a.createdAt });

async function findAgent(env: Env, tenantId: string, id: string): Promise<Row> {
  const agent = await db(env).select().from(agents).where(and(eq(agents.tenantId, tenantId), eq(agents.id, id))).get();
  if (!agent) throw new HttpError(404, "not found", "no such agent");
  return agent;
}

export const agentRoutes = new Hono<AuthEnv>()
  .post("/", requireAuth("api"), idempotent(), jsonBody(CreateAgent), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const b = c.req.valid("json");
    const row: Row = { id: newId("agt"), tenantId, name: b.name, email: b.email, role: b.role, routing: b.routing ?? null, csat: null, createdAt: now() };
    const inserted = await db(c.env).insert(agents).values(row).onConflictDoNothing().returning();
    if (inserted.length === 0) throw new HttpError(409, "conflict", `an agent with e-mail ${b.email} already exists`);
    await deskStub(c.env, tenantId).upsertAgent(tenantId, deskAgent(row));
    return c.json(toJson(row), 201);
  })
  .get("/", requireAuth("api", "agent"), async (c) => {
    const rows = await db(c.env).select().from(agents).where(eq(agents.tenantId, c.get("principal").tenantId)).orderBy(asc(agents.createdAt)).all();
    return c.json({ data: rows.map(toJson) });
  })
  /** Skills, teams, languages and capacity: stored in D1 (authoritative), pushed to the desk at once. */
  .put("/:id/routing", requireAuth("api"), paramsOf(Params), jsonBody(AgentRouting), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const agent = await findAgent(c.env, tenantId, c.req.valid("param").id);
    const routing = c.req.valid("json");
    if (routing.schedule_calendar_id !== undefined) {
      const row = await db(c.env).select({ body: routingConfig.body }).from(routingConfig).where(eq(routingConfig.tenantId, tenantId)).get();
      const calendars = RoutingConfig.parse(row?.body ?? {}).calendars;
      if (!calendars.some((k) => k.id === routing.schedule_calendar_id)) throw invalidField("schedule_calendar_id", "no calendar with this id in the routing configuration");
    }
    await db(c.env).update(agents).set({ routing }).where(and(eq(agents.tenantId, tenantId), eq(agents.id, agent.id)));
    await deskStub(c.env, tenantId).upsertAgent(tenantId, deskAgent({ ...agent, routing }));
    return c.json(toJson({ ...agent, routing }));
  })
  /** Presence normally comes from the console's desk socket; this is for integrations (e.g. a phone system). */
  .put("/:id/status", requireAuth("api", "agent"), paramsOf(Params), jsonBody(z.object({ status: AgentStatus })), async (c) => {
    const p = c.get("principal");
    const id = c.req.valid("param").id;
    if (p.kind === "agent" && p.agentId !== id && p.role === "agent") throw new HttpError(403, "forbidden", "agents set only their own status");
    unwrap(await deskStub(c.env, p.tenantId).setStatus(p.tenantId, id, c.req.valid("json").status));
    return c.json({ id, status: c.req.valid("json").status });
  })
  /** The tenant's backend (SSO) exchanges its API key for a short-lived agent token for the console. */
  .post("/:id/token", requireAuth("api"), idempotent(), paramsOf(Params), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const agent = await findAgent(c.env, tenantId, c.req.valid("param").id);
    return c.json(await issueToken(c.env, { kind: "agent", sub: agent.id, tid: tenantId, role: agent.role, name: agent.name }), 201);
  });
