import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { eq } from "drizzle-orm";
import { db } from "../../db/client";
import { tenants } from "../../db/schema";
import { HttpError } from "../http/problem";
import { defineRoute, json, jsonBody, router } from "../http/route";
import { createApiKey } from "../tenants";
import { Id, newId, now } from "../../shared/ids";
import { randomToken, timingSafeEqual } from "../../shared/crypto";

/** Operator endpoints: provisioning tenants. Guarded by the ADMIN_TOKEN secret, not by a tenant key. */
const operator = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  const given = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? "";
  if (!c.env.ADMIN_TOKEN || !timingSafeEqual(given, c.env.ADMIN_TOKEN)) throw new HttpError(401, "unauthorized", "operator token required");
  await next();
});

export const CreateTenant = z.object({
  id: z.string().regex(/^ten_[a-z0-9_]{3,40}$/, "ten_<lowercase letters, digits, _>").optional(),
  name: z.string().min(1).max(200),
  allowed_origins: z.array(z.url()).max(50).default([]),
  identity_verification: z.boolean().default(false),
});

const ApiKey = z.string().describe("edk_…: the key itself, shown only here");
const IssuedKey = z.object({ api_key: ApiKey, api_key_id: z.string() }).meta({ id: "IssuedApiKey" });
const CreatedTenant = IssuedKey.extend({ id: z.string(), name: z.string() }).meta({ id: "CreatedTenant" });

const tag = ["Operator"];
/** The operator is one principal: its Idempotency-Keys share one space. */
const operatorScope = () => "operator";

export const adminRoutes = router<{ Bindings: Env }>()
  .openapi(
    defineRoute({
      method: "post", path: "/tenants", tags: tag, access: "operator", operator, idempotent: operatorScope,
      summary: "Create a tenant; returns its API key once",
      request: jsonBody(CreateTenant),
      responses: { 201: json(CreatedTenant, "The tenant with its first API key") },
      errors: [409],
    }),
    async (c) => {
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
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/tenants/{id}/api-keys", tags: tag, access: "operator", operator, idempotent: operatorScope,
      summary: "Issue another API key for a tenant",
      request: { params: z.object({ id: Id }) },
      responses: { 201: json(IssuedKey, "The new key, shown once") },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const found = await db(c.env).select({ id: tenants.id }).from(tenants).where(eq(tenants.id, id)).get();
      if (!found) throw new HttpError(404, "not found", "no such tenant");
      const key = await createApiKey(c.env, id, "operator-issued");
      return c.json({ api_key: key.key, api_key_id: key.id }, 201);
    },
  );
