import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { eq } from "drizzle-orm";
import { db } from "../../db/client";
import { tenants } from "../../db/schema";
import { HttpError } from "../http/problem";
import { jsonBody, paramsOf } from "../http/validate";
import { createApiKey } from "../tenants";
import { Id, newId, now } from "../../shared/ids";
import { randomToken, timingSafeEqual } from "../../shared/crypto";
import { idempotent } from "../http/idempotency";

/** Operator endpoints: provisioning tenants. Guarded by the ADMIN_TOKEN secret, not by a tenant key. */
const operator = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  const given = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? "";
  if (!c.env.ADMIN_TOKEN || !timingSafeEqual(given, c.env.ADMIN_TOKEN)) throw new HttpError(401, "unauthorized", "operator token required");
  await next();
});

/** The operator is one principal: its Idempotency-Keys share one space. */
const operatorKeys = idempotent(() => "operator");

export const CreateTenant = z.object({
  id: z.string().regex(/^ten_[a-z0-9_]{3,40}$/, "ten_<lowercase letters, digits, _>").optional(),
  name: z.string().min(1).max(200),
  allowed_origins: z.array(z.url()).max(50).default([]),
  identity_verification: z.boolean().default(false),
});

export const adminRoutes = new Hono<{ Bindings: Env }>()
  .use(operator)
  .post("/tenants", operatorKeys, jsonBody(CreateTenant), async (c) => {
    const body = c.req.valid("json");
    const id = body.id ?? newId("ten");
    const inserted = await db(c.env)
      .insert(tenants)
      .values({ id, name: body.name, identitySecret: randomToken(32), identityVerification: body.identity_verification, allowedOrigins: body.allowed_origins, createdAt: now() })
      .onConflictDoNothing()
      .returning({ id: tenants.id });
    if (inserted.length === 0) throw new HttpError(409, "conflict", `tenant ${id} already exists`);
    const key = await createApiKey(c.env, id, "default");
    return c.json({ id, name: body.name, api_key: key.key, api_key_id: key.id }, 201);
  })
  .post("/tenants/:id/api-keys", operatorKeys, paramsOf(z.object({ id: Id })), async (c) => {
    const id = c.req.valid("param").id;
    const found = await db(c.env).select({ id: tenants.id }).from(tenants).where(eq(tenants.id, id)).get();
    if (!found) throw new HttpError(404, "not found", "no such tenant");
    const key = await createApiKey(c.env, id, "operator-issued");
    return c.json({ api_key: key.key, api_key_id: key.id }, 201);
  });
