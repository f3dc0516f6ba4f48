import { Hono } from "hono";
import { and, eq } from "drizzle-orm";
import { HttpError, problemResponse } from "../http/problem";
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

function reply(r: ProviderResponse | undefined): Response {
  if (!r) return Response.json({ ok: true });
  return new Response(r.body, { status: r.status, headers: { "content-type": r.contentType } });
}

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

export const webhookRoutes = new Hono<{ Bindings: Env }>().on(["GET", "POST"], "/:tenant/:channel", async (c) => {
  const { tenant, channel } = c.req.param();
  if (!Id.safeParse(tenant).success) return problemResponse(404, "not found", "no such tenant");
  if (!isChannelName(channel)) return problemResponse(404, "unsupported channel", `no channel named ${channel}`);
  const loaded = await loadChannel(c.env, tenant, channel);
  if (!loaded) return problemResponse(404, "unsupported channel", `channel ${channel} is not configured for this tenant`);
  const { adapter, config } = loaded;
  const inbound: InboundRequest = { method: c.req.method, url: c.req.url, headers: c.req.raw.headers, rawBody: await readBody(c.req.raw) };
  const t = now();
  try {
    if (c.req.method === "GET") {
      const r = adapter.handshake ? await adapter.handshake(inbound, config, t) : null;
      if (!r) throw new HttpError(405, "method not allowed", "this channel takes POST deliveries");
      return reply(r);
    }
    await adapter.verify(inbound, config, t);
    const replay = adapter.replayKey?.(inbound, config);
    if (replay) await refuseReplay(c.env, tenant, channel, replay, inbound.rawBody, t);
    const parsed = await adapter.parse(inbound, config);
    const { batches, orphanStatuses } = await planInbound(tenant, channel as ChannelName, await storeBlobs(c.env, tenant, channel as ChannelName, new URL(c.req.url).origin, parsed.items), t);
    await deliverInbound(c.env, batches);
    if (orphanStatuses.length) c.executionCtx.waitUntil(applyOrphanStatuses(c.env, tenant, channel, orphanStatuses));
    return reply(parsed.response);
  } catch (err) {
    if (err instanceof ChannelError) {
      const title = err.status === 401 ? "invalid signature" : err.status === 403 ? "forbidden" : "invalid payload";
      throw new HttpError(err.status, title, err.message);
    }
    throw err;
  }
});
