import type { Context } from "hono";
import { z } from "zod";
import { and, eq } from "drizzle-orm";
import { HttpError } from "../http/problem";
import { defineRoute, router } from "../http/route";
import { isChannelName } from "../channels/registry";
import { loadChannel } from "../channels/store";
import { applyInbound, planInbound, type InboundBatch } from "../channels/ingest";
import { storeBlobs } from "../channels/blobs";
import { refuseReplay } from "../channels/replay";
import { ChannelError, type InboundRequest, type InboundStatus, type ProviderResponse } from "../channels/adapter";
import { conversationStub } from "../../objects/conversation-stub";
import { db } from "../../db/client";
import { providerMessages } from "../../db/schema";
import { Id, now } from "../../shared/ids";
import type { ChannelName } from "../../shared/message";

/** Providers send small payloads; anything bigger is not a webhook we understand. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;
/** Past this, the conversation object is treated as overloaded and the work is buffered in the inbound queue. */
const APPLY_TIMEOUT_MS = 3_000;

async function readBody(req: Request): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_WEBHOOK_BYTES) throw new HttpError(413, "payload too large", `webhooks are limited to ${MAX_WEBHOOK_BYTES} bytes`);
  const body = new Uint8Array(await req.arrayBuffer());
  if (body.byteLength > MAX_WEBHOOK_BYTES) throw new HttpError(413, "payload too large", `webhooks are limited to ${MAX_WEBHOOK_BYTES} bytes`);
  return body;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

/**
 * Persist first, then answer: the provider's 2xx means the message is in the conversation's SQLite, or, when
 * the object is overloaded or unreachable, in the inbound queue, whose consumer applies it later. Replays are
 * harmless either way because the provider message id is the idempotency key.
 */
export async function deliverInbound(env: Env, batches: InboundBatch[]): Promise<void> {
  await Promise.all(
    batches.map(async (b) => {
      try {
        await withTimeout(applyInbound(env, b), APPLY_TIMEOUT_MS);
      } catch (err) {
        console.warn(JSON.stringify({ level: "warn", msg: "conversation unavailable; buffering inbound", conversation: b.conversation_id, error: String(err) }));
        await env.INBOUND.send(b);
      }
    }),
  );
}

/** Status callbacks that do not name their thread are found through the id recorded at send time. */
export async function applyOrphanStatuses(env: Env, tenantId: string, channel: string, statuses: InboundStatus[]): Promise<void> {
  for (const s of statuses) {
    const row = await db(env)
      .select()
      .from(providerMessages)
      .where(and(eq(providerMessages.tenantId, tenantId), eq(providerMessages.channel, channel), eq(providerMessages.providerMessageId, s.providerMessageId)))
      .get();
    if (row) await conversationStub(env, tenantId, row.conversationId).delivery({ messageId: row.messageId }, s.status, s.reason);
  }
}

const tag = ["Provider webhooks"];

const Params = z.object({
  tenant: z.string().describe("The tenant's id"),
  channel: z.string().describe("A configured channel: telegram, whatsapp, messenger, instagram, slack, line, wechat, sms, voice, … or custom:<slug>"),
});

/**
 * What providers send, documented but not validated here: each adapter verifies the signature over the raw bytes,
 * then parses them itself.
 */
const Delivery = {
  required: true,
  description: "The provider's payload, exactly as it signed it",
  content: {
    "application/json": { schema: { type: "object" as const } },
    "application/x-www-form-urlencoded": { schema: { type: "object" as const } },
    "text/xml": { schema: { type: "string" as const } },
  },
};

const Received = z.object({ ok: z.literal(true) });

/** Whatever the provider expects back: `{"ok":true}` unless its protocol asks for something else. */
const Acknowledgement = {
  description: "Received (stored, or buffered for the conversation): the answer the provider's protocol expects",
  content: {
    "application/json": { schema: z.union([Received, z.record(z.string(), z.unknown()).describe("A channel's own JSON answer (a Telegram callback answer, a Slack command acknowledgement)")]) },
    "text/plain": { schema: z.string().describe("An echoed challenge, or the acknowledgement text the provider expects") },
    "text/xml": { schema: z.string().describe("TwiML") },
  },
};

function reply(r: ProviderResponse | undefined): Response {
  if (!r) return Response.json({ ok: true } satisfies z.infer<typeof Received>);
  return new Response(r.body, { status: r.status, headers: { "content-type": r.contentType } });
}

/** The channel's adapter and the request as adapters read it; unknown tenants and channels are 404s. */
async function delivery(c: Context<{ Bindings: Env }>, tenant: string, channel: string) {
  if (!Id.safeParse(tenant).success) throw new HttpError(404, "not found", "no such tenant");
  if (!isChannelName(channel)) throw new HttpError(404, "unsupported channel", `no channel named ${channel}`);
  const loaded = await loadChannel(c.env, tenant, channel);
  if (!loaded) throw new HttpError(404, "unsupported channel", `channel ${channel} is not configured for this tenant`);
  const inbound: InboundRequest = { method: c.req.method, url: c.req.url, headers: c.req.raw.headers, rawBody: await readBody(c.req.raw) };
  return { ...loaded, inbound };
}

/** An adapter's refusal as a problem: its status, titled for what failed. */
function refused(err: unknown): never {
  if (err instanceof ChannelError) {
    const title = err.status === 401 ? "invalid signature" : err.status === 403 ? "forbidden" : "invalid payload";
    throw new HttpError(err.status, title, err.message);
  }
  throw err;
}

/**
 * Provider deliveries and handshakes. Providers authenticate by signing (verified in each adapter), so no guard runs
 * and no per-address limit applies: a provider delivers in bursts from a few addresses.
 */
export const webhookRoutes = router<{ Bindings: Env }>()
  .openapi(
    defineRoute({
      method: "get", path: "/{tenant}/{channel}", tags: tag, access: "public", guard: false,
      summary: "A provider's subscription handshake (Meta's hub.challenge, WeChat's echostr), verified by the channel's secret",
      request: { params: Params },
      responses: { 200: Acknowledgement },
      errors: [400, 401, 403, 405, 413, 422],
    }),
    async (c) => {
      const { tenant, channel } = c.req.valid("param");
      const { adapter, config, inbound } = await delivery(c, tenant, channel);
      try {
        const r = adapter.handshake ? await adapter.handshake(inbound, config, now()) : null;
        if (!r) throw new HttpError(405, "method not allowed", "this channel takes POST deliveries");
        return reply(r);
      } catch (err) {
        refused(err);
      }
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/{tenant}/{channel}", tags: tag, access: "public", guard: false,
      summary: "A provider's delivery, signed by it: messages, statuses and events, persisted before the answer",
      request: { params: Params, body: Delivery },
      responses: { 200: Acknowledgement },
      errors: [401, 403],
    }),
    async (c) => {
      const { tenant, channel } = c.req.valid("param");
      const { adapter, config, inbound } = await delivery(c, tenant, channel);
      const t = now();
      try {
        await adapter.verify(inbound, config, t);
        const replay = adapter.replayKey?.(inbound, config);
        if (replay) await refuseReplay(c.env, tenant, channel, replay, inbound.rawBody, t);
        const parsed = await adapter.parse(inbound, config);
        const { batches, orphanStatuses } = await planInbound(tenant, channel as ChannelName, await storeBlobs(c.env, tenant, channel as ChannelName, new URL(c.req.url).origin, parsed.items), t);
        await deliverInbound(c.env, batches);
        if (orphanStatuses.length) c.executionCtx.waitUntil(applyOrphanStatuses(c.env, tenant, channel, orphanStatuses));
        return reply(parsed.response);
      } catch (err) {
        refused(err);
      }
    },
  );
