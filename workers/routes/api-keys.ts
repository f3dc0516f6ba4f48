import { z } from "zod";
import { and, asc, eq } from "drizzle-orm";
import { HttpError } from "../http/problem";
import { defineRoute, json, jsonBody, noContent, router } from "../http/route";
import { forgetApiKey, scopesOf } from "../http/auth";
import { createApiKey } from "../tenants";
import { db } from "../../db/client";
import { apiKeys } from "../../db/schema";
import { SCOPES, Scope, covers } from "../../shared/api-scopes";
import { Id, now } from "../../shared/ids";
import { afterCursor, page, pageOf, PageQuery } from "../http/pagination";

export const CreateApiKey = z.object({
  name: z.string().min(1).max(100),
  scopes: z.array(Scope).min(1).max(SCOPES.length),
});
export const ApiKeysQuery = z.object({
  ...PageQuery,
});
const Params = z.object({ id: Id });

export const ApiKeyView = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe("The key's first characters, to recognise it by"),
    scopes: z.array(z.string()),
    created_at: z.int(),
    revoked_at: z.int().nullable(),
  })
  .meta({ id: "ApiKey" });
const ApiKeyPage = pageOf(ApiKeyView);

type Row = typeof apiKeys.$inferSelect;

const view = (r: Row): z.infer<typeof ApiKeyView> => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes,
  created_at: r.createdAt,
  revoked_at: r.revokedAt,
});

async function owned(env: Env, tenantId: string, id: string): Promise<Row> {
  const row = await db(env).select().from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id))).get();
  if (!row) throw new HttpError(404, "not found", `no API key ${id}`);
  return row;
}

const tag = ["API keys"];

/**
 * The tenant's own API keys (docs/security.md). A key is shown once, at creation; only its hash is stored. A key
 * can only issue keys within its own scopes, and may revoke any key of its tenant, itself included.
 */
export const apiKeyRoutes = router()
  .openapi(
    defineRoute({
      method: "post", path: "/", tags: tag, access: ["api"], idempotent: true,
      summary: "Create an API key with the given scopes; returns the key once",
      request: jsonBody(CreateApiKey),
      responses: { 201: json(ApiKeyView.extend({ key: z.string().describe("edk_…: shown only here") }), "The key") },
    }),
    async (c) => {
      const principal = c.get("principal");
      const body = c.req.valid("json");
      const scopes = [...new Set(body.scopes)];
      const beyond = scopes.filter((s) => !covers(scopesOf(principal), s));
      if (beyond.length > 0) throw new HttpError(403, "forbidden", `a key cannot grant scopes it does not hold: ${beyond.join(", ")}`);
      const key = await createApiKey(c.env, principal.tenantId, body.name, scopes);
      return c.json({ id: key.id, name: body.name, prefix: key.prefix, scopes, created_at: key.createdAt, revoked_at: null, key: key.key }, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/", tags: tag, access: ["api"],
      summary: "List API keys, revoked ones included, oldest first (never the key or its hash)",
      request: { query: ApiKeysQuery },
      responses: { 200: json(ApiKeyPage) },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const rows = await db(c.env)
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.tenantId, c.get("principal").tenantId), afterCursor(apiKeys.createdAt, apiKeys.id, q.cursor, "asc")))
        .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id))
        .limit(q.limit + 1)
        .all();
      return c.json(page(rows, q.limit, (r) => ({ at: r.createdAt, id: r.id }), view), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/{id}", tags: tag, access: ["api"],
      summary: "One API key",
      request: { params: Params },
      responses: { 200: json(ApiKeyView) },
    }),
    async (c) => c.json(view(await owned(c.env, c.get("principal").tenantId, c.req.valid("param").id)), 200),
  )
  .openapi(
    defineRoute({
      method: "delete", path: "/{id}", tags: tag, access: ["api"],
      summary: "Revoke an API key: refused at once where it was revoked, everywhere within a minute; revoking again changes nothing",
      request: { params: Params },
      responses: { 204: noContent },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const row = await owned(c.env, tenantId, c.req.valid("param").id);
      if (row.revokedAt === null) await db(c.env).update(apiKeys).set({ revokedAt: now() }).where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, row.id)));
      forgetApiKey(row.keyHash);
      return c.body(null, 204);
    },
  );
