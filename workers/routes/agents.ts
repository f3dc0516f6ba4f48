import { z } from "zod";
import { and, asc, eq } from "drizzle-orm";
import { issueToken } from "../http/auth";
import { HttpError, invalidField, unwrap } from "../http/problem";
import { defineRoute, json, jsonBody, noContent, router } from "../http/route";
import { db } from "../../db/client";
import { agents, routingConfig } from "../../db/schema";
import { deskStub } from "../../objects/routing-desk";
import { deskAgent } from "../../db/desk-roster";
import { AgentStatus } from "../../shared/routing/schemas";
import { AgentRouting, RoutingConfig } from "../../shared/routing-config";
import { Id, newId, now } from "../../shared/ids";
import { afterCursor, page, pageOf, PageQuery } from "../http/pagination";
import { enforceLimit } from "../http/rate-limit";
import { hashPassword, Password, verifyPassword } from "../../shared/password";
import { createMagicLink, revokeAgentSessions } from "../agent-sessions";

const Params = z.object({ id: Id });
const Role = z.enum(["agent", "supervisor", "admin"]);

export const CreateAgent = z.object({
  name: z.string().min(1).max(200),
  email: z.email().max(320),
  role: Role.default("agent"),
  routing: AgentRouting.optional(),
  /** For console sign-in; without one the agent signs in through magic links until one is set. Never returned. */
  password: Password.optional(),
});

const AgentView = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    role: Role,
    routing: AgentRouting.nullable(),
    csat: z.number().nullable().describe("Rolling customer satisfaction, 0–5; null until the agent has ratings"),
    created_at: z.int(),
  })
  .meta({ id: "Agent" });
const SetStatus = z.object({ status: AgentStatus });
const SetPassword = z.object({
  password: Password,
  current_password: z.string().max(256).optional().describe("Required when agents change their own password"),
});
const MagicLink = z
  .object({ url: z.string().describe("The console URL with the one-time code in its fragment; single use"), expires_at: z.int().describe("Epoch ms, 15 minutes from now") })
  .meta({ id: "MagicLink" });
const AgentToken = z.object({ token: z.string().describe("A JWT for the agent console"), expires_at: z.int().describe("Epoch ms") }).meta({ id: "AgentToken" });

type Row = typeof agents.$inferSelect;
const toJson = (a: Row): z.infer<typeof AgentView> => ({ id: a.id, name: a.name, email: a.email, role: a.role, routing: a.routing, csat: a.csat, created_at: a.createdAt });

async function findAgent(env: Env, tenantId: string, id: string): Promise<Row> {
  const agent = await db(env).select().from(agents).where(and(eq(agents.tenantId, tenantId), eq(agents.id, id))).get();
  if (!agent) throw new HttpError(404, "not found", "no such agent");
  return agent;
}

const tag = ["Agents"];

export const agentRoutes = router()
  .openapi(
    defineRoute({
      method: "post", path: "/", tags: tag, access: ["api"], idempotent: true,
      summary: "Create an agent",
      request: jsonBody(CreateAgent),
      responses: { 201: json(AgentView, "The new agent") },
      errors: [409],
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const b = c.req.valid("json");
      const row: Row = { id: newId("agt"), tenantId, name: b.name, email: b.email, role: b.role, routing: b.routing ?? null, csat: null, passwordHash: b.password ? await hashPassword(b.password) : null, createdAt: now() };
      const inserted = await db(c.env).insert(agents).values(row).onConflictDoNothing().returning();
      if (inserted.length === 0) throw new HttpError(409, "conflict", `an agent with e-mail ${b.email} already exists`);
      await deskStub(c.env, tenantId).upsertAgent(tenantId, deskAgent(row));
      return c.json(toJson(row), 201);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/", tags: tag, access: ["api", "agent"],
      summary: "List agents, oldest first",
      request: { query: z.object(PageQuery) },
      responses: { 200: json(pageOf(AgentView)) },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const rows = await db(c.env)
        .select()
        .from(agents)
        .where(and(eq(agents.tenantId, c.get("principal").tenantId), afterCursor(agents.createdAt, agents.id, q.cursor, "asc")))
        .orderBy(asc(agents.createdAt), asc(agents.id))
        .limit(q.limit + 1)
        .all();
      return c.json(page(rows, q.limit, (r) => ({ at: r.createdAt, id: r.id }), toJson), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "put", path: "/{id}/routing", tags: tag, access: ["api"],
      summary: "Set an agent's skills, teams, languages, capacity and schedule; stored in D1 and pushed to the desk at once",
      request: { params: Params, ...jsonBody(AgentRouting) },
      responses: { 200: json(AgentView) },
    }),
    async (c) => {
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
      return c.json(toJson({ ...agent, routing }), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "put", path: "/{id}/status", tags: tag, access: ["api", "agent"],
      // Presence normally comes from the console's desk socket; this is for integrations (e.g. a phone system).
      summary: "Set an agent's presence (agents: only their own; supervisors and admins: anyone's)",
      request: { params: Params, ...jsonBody(SetStatus) },
      responses: { 200: json(SetStatus.extend({ id: z.string() })) },
    }),
    async (c) => {
      const p = c.get("principal");
      const id = c.req.valid("param").id;
      const { status } = c.req.valid("json");
      if (p.kind === "agent" && p.agentId !== id && p.role === "agent") throw new HttpError(403, "forbidden", "agents set only their own status");
      unwrap(await deskStub(c.env, p.tenantId).setStatus(p.tenantId, id, status));
      return c.json({ id, status }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/{id}/token", tags: tag, access: ["api"], idempotent: true,
      // The tenant's backend (SSO) exchanges its API key for a short-lived agent token for the console.
      summary: "Mint a short-lived agent token for the console",
      request: { params: Params },
      responses: { 201: json(AgentToken, "The token") },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const agent = await findAgent(c.env, tenantId, c.req.valid("param").id);
      return c.json(await issueToken(c.env, { kind: "agent", sub: agent.id, tid: tenantId, role: agent.role, name: agent.name }), 201);
    },
  )
  .openapi(
    defineRoute({
      method: "put", path: "/{id}/password", tags: tag, access: ["api", "agent"],
      summary: "Set an agent's console password (agents: their own, with the current one; admins and API keys: anyone's); ends the agent's sessions",
      request: { params: Params, ...jsonBody(SetPassword) },
      responses: { 204: noContent },
      errors: [404, 429],
    }),
    async (c) => {
      const p = c.get("principal");
      const agent = await findAgent(c.env, p.tenantId, c.req.valid("param").id);
      const b = c.req.valid("json");
      const self = p.kind === "agent" && p.agentId === agent.id;
      if (p.kind === "agent" && !self && p.role !== "admin") throw new HttpError(403, "forbidden", "agents change only their own password");
      if (self && agent.passwordHash) {
        await enforceLimit(c.env.LOGIN_LIMITER, `password:${p.tenantId}:${agent.id}`, "too many password changes; wait a minute");
        if (!b.current_password || !(await verifyPassword(b.current_password, agent.passwordHash))) throw invalidField("current_password", "is not the current password");
      }
      await db(c.env).update(agents).set({ passwordHash: await hashPassword(b.password) }).where(and(eq(agents.tenantId, p.tenantId), eq(agents.id, agent.id)));
      await revokeAgentSessions(c.env, p.tenantId, agent.id);
      return c.body(null, 204);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/{id}/magic-link", tags: tag, access: ["api"],
      // The tenant's backend or an admin sends this link to the agent (e-mail, chat); the code is in the fragment.
      summary: "Make a one-time console sign-in link for an agent (15 minutes)",
      request: { params: Params },
      responses: { 201: json(MagicLink, "The link") },
      errors: [404],
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const agent = await findAgent(c.env, tenantId, c.req.valid("param").id);
      const link = await createMagicLink(c.env, tenantId, agent.id);
      return c.json({ url: `${new URL(c.req.url).origin}/console#magic=${link.code}`, expires_at: link.expires_at }, 201);
    },
  );
