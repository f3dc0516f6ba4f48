import { Hono } from "hono";
import { z } from "zod";
import { and, asc, eq } from "drizzle-orm";
import { requireAuth, issueToken, type AuthEnv } from "../http/auth";
import { HttpError } from "../http/problem";
import { jsonBody } from "../http/validate";
import { db } from "../db/client";
import { agents } from "../db/schema";
import { newId, now } from "../../shared/ids";

const CreateAgent = z.object({
  name: z.string().min(1).max(200),
  email: z.email().max(320),
  role: z.enum(["agent", "supervisor", "admin"]).default("agent"),
});

const toJson = (a: typeof agents.$inferSelect) => ({ id: a.id, name: a.name, email: a.email, role: a.role, created_at: a.createdAt });

export const agentRoutes = new Hono<AuthEnv>()
  .post("/", requireAuth("api"), jsonBody(CreateAgent), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const b = c.req.valid("json");
    const row = { id: newId("agt"), tenantId, name: b.name, email: b.email, role: b.role, createdAt: now() };
    const inserted = await db(c.env).insert(agents).values(row).onConflictDoNothing().returning();
    if (inserted.length === 0) throw new HttpError(409, "conflict", `an agent with e-mail ${b.email} already exists`);
    return c.json(toJson(row), 201);
  })
  .get("/", requireAuth("api", "agent"), async (c) => {
    const rows = await db(c.env).select().from(agents).where(eq(agents.tenantId, c.get("principal").tenantId)).orderBy(asc(agents.createdAt)).all();
    return c.json({ data: rows.map(toJson) });
  })
  /** The tenant's backend (SSO) exchanges its API key for a short-lived agent token for the console. */
  .post("/:id/token", requireAuth("api"), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const agent = await db(c.env).select().from(agents).where(and(eq(agents.tenantId, tenantId), eq(agents.id, c.req.param("id")))).get();
    if (!agent) throw new HttpError(404, "not found", "no such agent");
    return c.json(await issueToken(c.env, { kind: "agent", sub: agent.id, tid: tenantId, role: agent.role, name: agent.name }), 201);
  });
