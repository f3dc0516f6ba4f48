import { Hono } from "hono";
import { z } from "zod";
import { and, asc, eq, gt, or } from "drizzle-orm";
import { requireAuth, type AuthEnv } from "../http/auth";
import { HttpError, invalidField } from "../http/problem";
import { jsonBody, queryOf } from "../http/validate";
import { db } from "../../db/client";
import { webhookEndpoints } from "../../db/schema";
import { endpointStub, forgetEndpoints } from "../webhooks/endpoints";
import { secretOwner } from "../../objects/webhook-endpoint";
import { EventPattern } from "../../shared/webhooks/events";
import { webhookUrlProblem } from "../../shared/webhooks/url";
import { seal } from "../../shared/sealing";
import { toBase64 } from "../../shared/crypto";
import { newId, now } from "../../shared/ids";
import { idempotent } from "../http/idempotency";

/** How long a rotated-out secret keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

const Url = z.string().min(1).max(2048);
const Events = z.array(EventPattern).min(1).max(50);

export const CreateWebhookEndpoint = z.object({ url: Url, events: Events, description: z.string().max(500).optional(), enabled: z.boolean().default(true) });
export const UpdateWebhookEndpoint = z
  .object({ url: Url.optional(), events: Events.optional(), description: z.string().max(500).nullable().optional(), enabled: z.boolean().optional() })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: "change at least one of url, events, description, enabled" });
export const WebhookEndpointsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().regex(/^\d+:[A-Za-z0-9_]+$/, "opaque cursor from a previous page").optional(),
});
export const DeliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().regex(/^\d+$/, "opaque cursor from a previous page").optional(),
  state: z.enum(["pending", "failed", "delivered", "dead"]).optional(),
});

export const WebhookEndpointView = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  disabled_at: z.number().nullable(),
  disabled_reason: z.string().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
});

type Row = typeof webhookEndpoints.$inferSelect;

const view = (r: Row): z.infer<typeof WebhookEndpointView> => ({
  id: r.id,
  url: r.url,
  description: r.description,
  events: r.events,
  enabled: r.enabled,
  disabled_at: r.disabledAt,
  disabled_reason: r.disabledReason,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

/** 24 random bytes, as the Standard Webhooks libraries generate: this exact string is the key that signs. */
const newSecret = () => `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(24)))}`;

function checkedUrl(env: Env, url: string): string {
  const problem = webhookUrlProblem(url, (env.ENVIRONMENT as string) === "development");
  if (problem) throw invalidField("url", problem);
  return url;
}

async function owned(env: Env, tenantId: string, id: string): Promise<Row> {
  const row = await db(env).select().from(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id))).get();
  if (!row) throw new HttpError(404, "not found", `no webhook endpoint ${id}`);
  return row;
}

/** Outgoing webhook endpoints (docs/webhooks.md). The secret is shown once, at creation and at each rotation. */
export const webhookEndpointRoutes = new Hono<AuthEnv>()
  .use(requireAuth("api"))
  .post("/", idempotent(), jsonBody(CreateWebhookEndpoint), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const body = c.req.valid("json");
    const url = checkedUrl(c.env, body.url);
    const id = newId("whe");
    const secret = newSecret();
    const t = now();
    await endpointStub(c.env, id).create({ id, tenant_id: tenantId, url, events: body.events, enabled: body.enabled, secret_sealed: await seal(c.env.CHANNEL_KEY, secretOwner(tenantId, id), secret) });
    const row: Row = { id, tenantId, url, description: body.description ?? null, events: body.events, enabled: body.enabled, disabledAt: null, disabledReason: null, createdAt: t, updatedAt: t };
    await db(c.env).insert(webhookEndpoints).values(row);
    forgetEndpoints(tenantId);
    return c.json({ ...view(row), secret }, 201);
  })
  .get("/", queryOf(WebhookEndpointsQuery), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const q = c.req.valid("query");
    const filters = [eq(webhookEndpoints.tenantId, tenantId)];
    if (q.cursor) {
      const [at, id] = q.cursor.split(":") as [string, string];
      filters.push(or(gt(webhookEndpoints.createdAt, Number(at)), and(eq(webhookEndpoints.createdAt, Number(at)), gt(webhookEndpoints.id, id)))!);
    }
    const rows = await db(c.env).select().from(webhookEndpoints).where(and(...filters)).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id)).limit(q.limit + 1).all();
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return c.json({ data: page.map(view), next_cursor: rows.length > q.limit && last ? `${last.createdAt}:${last.id}` : null });
  })
  .get("/:id", async (c) => {
    const row = await owned(c.env, c.get("principal").tenantId, c.req.param("id"));
    return c.json({ ...view(row), ...(await endpointStub(c.env, row.id).health()) });
  })
  .patch("/:id", jsonBody(UpdateWebhookEndpoint), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const row = await owned(c.env, tenantId, c.req.param("id"));
    const body = c.req.valid("json");
    const url = body.url === undefined ? row.url : checkedUrl(c.env, body.url);
    const enabled = body.enabled ?? row.enabled;
    const reenabled = enabled && !row.enabled;
    const next: Row = {
      ...row,
      url,
      events: body.events ?? row.events,
      description: body.description === undefined ? row.description : body.description,
      enabled,
      disabledAt: reenabled ? null : row.disabledAt,
      disabledReason: reenabled ? null : row.disabledReason,
      updatedAt: now(),
    };
    await endpointStub(c.env, row.id).update({ url, events: next.events, enabled });
    await db(c.env).update(webhookEndpoints).set(next).where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, row.id)));
    forgetEndpoints(tenantId);
    return c.json(view(next));
  })
  .post("/:id/rotate", idempotent(), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const row = await owned(c.env, tenantId, c.req.param("id"));
    const secret = newSecret();
    const until = now() + ROTATION_OVERLAP_MS;
    await endpointStub(c.env, row.id).rotate(await seal(c.env.CHANNEL_KEY, secretOwner(tenantId, row.id), secret), until);
    return c.json({ id: row.id, secret, previous_secret_expires_at: until });
  })
  .delete("/:id", async (c) => {
    const tenantId = c.get("principal").tenantId;
    const row = await owned(c.env, tenantId, c.req.param("id"));
    await db(c.env).delete(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, row.id)));
    await endpointStub(c.env, row.id).remove();
    forgetEndpoints(tenantId);
    return c.body(null, 204);
  })
  .get("/:id/deliveries", queryOf(DeliveriesQuery), async (c) => {
    const row = await owned(c.env, c.get("principal").tenantId, c.req.param("id"));
    const q = c.req.valid("query");
    const page = await endpointStub(c.env, row.id).deliveries(q.limit, q.cursor ? Number(q.cursor) : null, q.state ?? null);
    if (!page) throw new HttpError(404, "not found", `no webhook endpoint ${row.id}`);
    return c.json(page);
  })
  .post("/:id/deliveries/:deliveryId/redeliver", idempotent(), async (c) => {
    const row = await owned(c.env, c.get("principal").tenantId, c.req.param("id"));
    const delivery = await endpointStub(c.env, row.id).redeliver(c.req.param("deliveryId"));
    if (!delivery) throw new HttpError(404, "not found", `no delivery ${c.req.param("deliveryId")}`);
    return c.json(delivery, 202);
  });
