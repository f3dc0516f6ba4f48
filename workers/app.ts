import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HttpError, renderError, problemResponse } from "./http/problem";
import type { AuthEnv } from "./http/auth";
import { requestId } from "./http/request-id";
import { apiCors } from "./http/cors";
import { defineRoute, json, router } from "./http/route";
import { z } from "zod";
import { conversationRoutes } from "./routes/conversations";
import { widgetRoutes } from "./routes/widget";
import { agentRoutes } from "./routes/agents";
import { tenantRoutes } from "./routes/tenant";
import { adminRoutes } from "./routes/admin";
import { channelRoutes } from "./routes/channels";
import { contactRoutes } from "./routes/contacts";
import { routingRoutes } from "./routes/routing";
import { mediaRoutes } from "./routes/media";
import { mediaFileRoutes } from "./routes/media-files";
import { whatsappMediaRoutes } from "./routes/media-whatsapp";
import { wechatMediaRoutes } from "./routes/media-wechat";
import { slackMediaRoutes } from "./routes/media-slack";
import { lineMediaRoutes } from "./routes/media-line";
import { kbRoutes } from "./routes/kb";
import { openApiDocument } from "./openapi";
import { webhookRoutes } from "./routes/webhooks";
import { nlpRoutes } from "./routes/nlp";
import { botRoutes } from "./routes/bot";
import { analyticsRoutes } from "./routes/analytics";
import { webhookEndpointRoutes } from "./routes/webhook-endpoints";
import { ticketRoutes } from "./routes/tickets";
import { apiKeyRoutes } from "./routes/api-keys";
import { auditLogRoutes } from "./routes/audit-log";
import { audit } from "./http/audit";
import { docsRoutes } from "./routes/docs";
import { cannedResponseRoutes } from "./routes/canned-responses";
import { noteRoutes } from "./routes/notes";
import { mediaUploadRoutes } from "./routes/media-uploads";
import { authRoutes } from "./routes/auth";

/** JSON bodies above this are refused before they are read; attachments travel by URL, not inline. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Longer URLs are refused as problem+json before any route parses them. Cloudflare's edge stops at 16 KB and
 * answers in its own format; no route of ours needs more than a short query and a token.
 */
export const MAX_URL_BYTES = 8 * 1024;

const jsonBodyLimit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new HttpError(413, "payload too large", `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
  },
});

/**
 * Uploads are the one raw-bytes body: their route counts the stream against its own limit (MAX_UPLOAD_BYTES) as
 * it reads it, instead of this middleware buffering a second copy first.
 */
const UPLOAD_PATH = "/v1/media/uploads";

/** The app itself: its OpenAPI registry collects every mounted route group's definitions. */
const root = new OpenAPIHono<AuthEnv>();

const metaRoutes = router()
  .openapi(defineRoute({ method: "get", path: "/health", tags: ["Meta"], access: "public", summary: "Liveness", responses: { 200: json(z.object({ ok: z.literal(true) })) } }), (c) =>
    c.json({ ok: true as const }, 200),
  )
  .openapi(
    defineRoute({ method: "get", path: "/openapi.json", tags: ["Meta"], access: "public", summary: "This document (OpenAPI 3.1); browsable at /docs", responses: { 200: json(z.looseObject({ openapi: z.string() })) } }),
    (c) => c.json(openApiDocument(root, new URL(c.req.url).origin), 200),
  );

export const app = root
  .use("*", requestId)
  .use("*", async (c, next) => {
    if (c.req.url.length > MAX_URL_BYTES) throw new HttpError(414, "URI too long", `URLs are limited to ${MAX_URL_BYTES} bytes`);
    await next();
  })
  .use("/v1/*", apiCors(root.openAPIRegistry))
  .use("/v1/*", (c, next) => (c.req.method === "POST" && c.req.path === UPLOAD_PATH ? next() : jsonBodyLimit(c, next)))
  .use("/v1/*", audit)
  .route("/v1/conversations", conversationRoutes)
  .route("/v1/conversations", noteRoutes)
  .route("/v1/widget", widgetRoutes)
  .route("/v1/auth", authRoutes)
  .route("/v1/agents", agentRoutes)
  .route("/v1/tenant", tenantRoutes)
  .route("/v1/admin", adminRoutes)
  .route("/v1/channels", channelRoutes)
  .route("/v1/contacts", contactRoutes)
  .route("/v1/routing", routingRoutes)
  .route("/v1/media/files", mediaFileRoutes)
  .route(UPLOAD_PATH, mediaUploadRoutes)
  .route("/v1/media", mediaRoutes)
  .route("/v1/media/whatsapp", whatsappMediaRoutes)
  .route("/v1/media/wechat", wechatMediaRoutes)
  .route("/v1/media/slack", slackMediaRoutes)
  .route("/v1/media/line", lineMediaRoutes)
  .route("/v1/kb", kbRoutes)
  .route("/v1/nlp", nlpRoutes)
  .route("/v1/bot", botRoutes)
  .route("/v1/analytics", analyticsRoutes)
  .route("/v1/webhook-endpoints", webhookEndpointRoutes)
  .route("/v1/tickets", ticketRoutes)
  .route("/v1/api-keys", apiKeyRoutes)
  .route("/v1/canned-responses", cannedResponseRoutes)
  .route("/v1/audit-log", auditLogRoutes)
  .route("/webhooks", webhookRoutes)
  .route("/docs", docsRoutes)
  .route("/v1", metaRoutes)
  .notFound((c) => problemResponse(404, "not found", "no such endpoint", undefined, { requestId: c.get("requestId") }))
  .onError(renderError);

export type App = typeof app;
