import { OutboundJob } from "../../shared/outbound";
import { admit, closedBreaker, record, type BreakerState } from "../../shared/circuit-breaker";
import { now } from "../../shared/ids";
import { loadChannel } from "../channels/store";
import { conversationStub } from "../../objects/conversation-stub";
import { db } from "../../db/client";
import { providerMessages } from "../../db/schema";
import type { SendOutcome } from "../channels/adapter";
import { describeError } from "./retry";

/** Must match `max_retries` of the outbound consumer in wrangler.toml: the last attempt marks the message failed. */
export const OUTBOUND_MAX_RETRIES = 6;

/** Exponential backoff by attempt: 10 s, 20 s, 40 s … capped at 10 minutes. */
export function backoffSeconds(attempts: number): number {
  return Math.min(10 * 2 ** (attempts - 1), 600);
}

/** One breaker per tenant channel, per isolate: a provider outage stops hammering it from here. */
const breakers = new Map<string, BreakerState>();

async function deliver(env: Env, job: OutboundJob): Promise<SendOutcome & { providerMessageId?: string }> {
  const loaded = await loadChannel(env, job.tenant_id, job.channel);
  if (!loaded) return { ok: false, retryable: false, reason: `channel ${job.channel} is not configured` };
  const { adapter, config } = loaded;
  const requests = await adapter.send(
    {
      messageId: job.message.id,
      externalThreadId: job.external_thread_id,
      parts: job.message.parts,
      ...(job.in_reply_to ? { inReplyTo: job.in_reply_to } : {}),
      references: job.references,
      metadata: { ...job.thread_context, ...job.message.metadata },
    },
    config,
  );
  let providerMessageId: string | undefined;
  for (const req of requests) {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
    const outcome = adapter.sendOutcome(res.status, await res.text());
    if (!outcome.ok) return outcome;
    providerMessageId ??= outcome.providerMessageId ?? req.providerMessageId;
  }
  return providerMessageId ? { ok: true, providerMessageId } : { ok: true };
}

export async function consumeOutbound(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    const parsed = OutboundJob.safeParse(msg.body);
    if (!parsed.success) {
      console.error(JSON.stringify({ level: "error", msg: "invalid outbound job", id: msg.id }));
      msg.retry();
      continue;
    }
    try {
      await handleJob(env, msg, parsed.data);
    } catch (err) {
      // The conversation object or D1 failed around the send: only this job goes back, the rest of the batch goes on.
      const { tenant_id: tenant, conversation_id: conversation } = parsed.data;
      console.error(JSON.stringify({ level: "error", msg: "outbound job failed; retrying", id: msg.id, tenant, conversation, error: describeError(err) }));
      msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
    }
  }
}

async function handleJob(env: Env, msg: Message<unknown>, job: OutboundJob): Promise<void> {
  const stub = conversationStub(env, job.tenant_id, job.conversation_id);
  const key = `${job.tenant_id}\u0000${job.channel}`;
  const gate = admit(breakers.get(key) ?? closedBreaker(), now());
  breakers.set(key, gate.next);
  if (!gate.allowed) {
    msg.retry({ delaySeconds: Math.ceil(gate.retryInMs / 1000) });
    return;
  }
  let outcome: SendOutcome;
  try {
    outcome = await deliver(env, job);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // Adapter refusals (ChannelError 422) cannot succeed later; network errors can.
    outcome = { ok: false, retryable: !(err as { status?: number }).status, reason };
  }
  breakers.set(key, record(breakers.get(key) ?? closedBreaker(), outcome.ok || !outcome.retryable, now()));
  if (outcome.ok) {
    await stub.delivery({ messageId: job.message.id }, "sent", undefined, outcome.providerMessageId);
    if (outcome.providerMessageId) {
      await db(env)
        .insert(providerMessages)
        .values({ tenantId: job.tenant_id, channel: job.channel, providerMessageId: outcome.providerMessageId, conversationId: job.conversation_id, messageId: job.message.id, createdAt: now() })
        .onConflictDoNothing();
    }
    msg.ack();
  } else if (!outcome.retryable) {
    await stub.delivery({ messageId: job.message.id }, "failed", outcome.reason);
    msg.ack();
  } else if (msg.attempts > OUTBOUND_MAX_RETRIES) {
    // Out of retries: the agent sees the failure now; the job goes on to the dead-letter queue.
    await stub.delivery({ messageId: job.message.id }, "failed", `gave up after ${msg.attempts} attempts: ${outcome.reason}`);
    msg.retry();
  } else {
    msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
  }
}
