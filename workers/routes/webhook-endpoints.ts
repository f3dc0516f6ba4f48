import { z } from "zod";
import { and, asc, eq } from "drizzle-orm";
import { HttpError, invalidField } from "../http/problem";
import { defineRoute, json, jsonBody, noContent, router } from "../http/route";
import { db } from "../../db/client";
import { webhookEndpoints } from "../../db/schema";
import { endpointStub, forgetEndpoints } from "../webhooks/endpoints";
import { secretOwner } from "../../objects/webhook-endpoint";
import { EventPattern } from "../../shared/webhooks/events";
import { webhookUrlProblem } from "../../shared/webhooks/url";
import { seal } from "../../shared/sealing";
import { toBase64 } from "../../shared/crypto";
import { newId, now } from "../../shared/ids";
import { DeliveryPage, DeliveryState, DeliveryView, EndpointHealth } from "../../shared/webhooks/delivery";
import { afterCursor, page, pageOf, PageQuery } from "../http/pagination";

/** How long a rotated-out secret keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

const Url = z.string().min(1).max(2048);
const Events = z.array(EventPattern).min(1).max(50);

export const CreateWebhookEndpoint = z.object({ url: Url, events: Events, description: z.string().max(500).optional(), enabled: z.boolean().default(true) });
export const UpdateWebhookEndpoint = z
  .object({ url: Url.optional(), events: Events.optional(), description: z.string().max(500).nullable().optional(), enabled: z.boolean().optional() })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: "change at least one of url, events, description, enabled" });
export const WebhookEndpointsQuery = z.object(PageQuery);
export const DeliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().regex(/^\d+$/, "opaque cursor from a previous page").optional(),
  state: DeliveryState.optional(),
});

const Params = z.object({ id: z.string().min(1).max(64) });
const DeliveryParams = Params.extend({ deliveryId: z.string().min(1).max(64) });

export const WebhookEndpointView = z
  .object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  disabled_at: z.number().nullable(),
  disabled_reason: z.string().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
  })
  .meta({ id: "WebhookEndpoint" });
const EndpointWithHealth = WebhookEndpointView.extend(EndpointHealth.shape).meta({ id: "WebhookEndpointWithHealth" });
const EndpointPage = pageOf(WebhookEndpointView);
const Secret = z.string().describe("whsec_…: the key that signs deliveries; shown only here");

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

const tag = ["Webhook endpoints"];

/** Outgoing webhook endpoints (docs/webhooks.md). The secret is shown once, at creation and at each rotation. */
export const webhookEndpointRoutes = router()
  .openapi(
    defineRoute({
      method: "post", path: "/", tags: tag, access: ["api"], idempotent: true,
      summary: "Create an outgoing webhook endpoint; returns its signing secret once",
      request: jsonBody(CreateWebhookEndpoint),
      responses: { 201: json(WebhookEndpointView.extend({ secret: Secret }), "The endpoint with its signing secret") },
    }),
    async (c) => {
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
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/", tags: tag, access: ["api"],
      summary: "List webhook endpoints (secrets never returned), oldest first",
      request: { query: WebhookEndpointsQuery },
      responses: { 200: json(EndpointPage) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const q = c.req.valid("query");
      const rows = await db(c.env)
        .select()
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.tenantId, tenantId), afterCursor(webhookEndpoints.createdAt, webhookEndpoints.id, q.cursor, "asc")))
        .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id))
        .limit(q.limit + 1)
        .all();
      return c.json(page(rows, q.limit, (r) => ({ at: r.createdAt, id: r.id }), view), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/{id}", tags: tag, access: ["api"],
      summary: "A webhook endpoint with its delivery health",
      request: { params: Params },
      responses: { 200: json(EndpointWithHealth) },
    }),
    async (c) => {
      const row = await owned(c.env, c.get("principal").tenantId, c.req.valid("param").id);
      const health = await endpointStub(c.env, row.id).health();
      if (!health) throw new HttpError(404, "not found", `no webhook endpoint ${row.id}`);
      return c.json({ ...view(row), ...health }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "patch", path: "/{id}", tags: tag, access: ["api"],
      summary: "Change an endpoint's URL, events, description or enabled flag (re-enabling resumes waiting deliveries)",
      request: { params: Params, ...jsonBody(UpdateWebhookEndpoint) },
      responses: { 200: json(WebhookEndpointView) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const row = await owned(c.env, tenantId, c.req.valid("param").id);
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
      return c.json(view(next), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/{id}/rotate", tags: tag, access: ["api"], idempotent: true,
      summary: "Rotate the signing secret; the old one keeps signing beside it for 24 hours",
      request: { params: Params },
      responses: { 200: json(z.object({ id: z.string(), secret: Secret, previous_secret_expires_at: z.int() })) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const row = await owned(c.env, tenantId, c.req.valid("param").id);
      const secret = newSecret();
      const until = now() + ROTATION_OVERLAP_MS;
      await endpointStub(c.env, row.id).rotate(await seal(c.env.CHANNEL_KEY, secretOwner(tenantId, row.id), secret), until);
      return c.json({ id: row.id, secret, previous_secret_expires_at: until }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "delete", path: "/{id}", tags: tag, access: ["api"],
      summary: "Delete an endpoint and its delivery log",
      request: { params: Params },
      responses: { 204: noContent },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const row = await owned(c.env, tenantId, c.req.valid("param").id);
      await db(c.env).delete(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, row.id)));
      await endpointStub(c.env, row.id).remove();
      forgetEndpoints(tenantId);
      return c.body(null, 204);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/{id}/deliveries", tags: tag, access: ["api"],
      summary: "The endpoint's delivery log, newest first",
      request: { params: Params, query: DeliveriesQuery },
      responses: { 200: json(DeliveryPage) },
    }),
    async (c) => {
      const row = await owned(c.env, c.get("principal").tenantId, c.req.valid("param").id);
      const q = c.req.valid("query");
      const page = await endpointStub(c.env, row.id).deliveries(q.limit, q.cursor ? Number(q.cursor) : null, q.state ?? null);
      if (!page) throw new HttpError(404, "not found", `no webhook endpoint ${row.id}`);
      return c.json(page, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/{id}/deliveries/{deliveryId}/redeliver", tags: tag, access: ["api"], idempotent: true,
      summary: "Send a delivery again with a fresh set of attempts",
      request: { params: DeliveryParams },
      responses: { 202: json(DeliveryView, "The delivery, pending again") },
    }),
    async (c) => {
      const { id, deliveryId } = c.req.valid("param");
      const row = await owned(c.env, c.get("principal").tenantId, id);
      const delivery = await endpointStub(c.env, row.id).redeliver(deliveryId);
      if (!delivery) throw new HttpError(404, "not found", `no delivery ${deliveryId}`);
      return c.json(delivery, 202);
    },
  );
