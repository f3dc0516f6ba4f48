import { applyInbound, InboundBatch } from "../channels/ingest";
import { describeError, retryDelaySeconds } from "./retry";

type Work = { msg: Message<unknown>; body: InboundBatch };

/**
 * Buffered channel work, applied when the conversation object is reachable again. Messages of one
 * conversation are applied in arrival order within a batch; across batches the provider message id keeps
 * replays harmless and `seq` records the order in which the conversation received them.
 * A message that fails is retried alone: holding the conversation's later messages back with it would spend
 * their attempts too, and one message the object always refuses would take them to the dead-letter queue.
 */
export async function consumeInbound(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  await Promise.all(
    [...byConversation(batch.messages).values()].map(async (list) => {
      list.sort((a, b) => a.body.received_at - b.body.received_at);
      for (const work of list) await applyOne(env, work);
    }),
  );
}

function byConversation(messages: readonly Message<unknown>[]): Map<string, Work[]> {
  const groups = new Map<string, Work[]>();
  for (const msg of messages) {
    const parsed = InboundBatch.safeParse(msg.body);
    if (!parsed.success) {
      console.error(JSON.stringify({ level: "error", msg: "invalid inbound batch", id: msg.id }));
      msg.retry();
      continue;
    }
    // Conversation objects are named per tenant, and so is their order.
    const key = `${parsed.data.tenant_id}\u0000${parsed.data.conversation_id}`;
    const list = groups.get(key) ?? [];
    list.push({ msg, body: parsed.data });
    groups.set(key, list);
  }
  return groups;
}

async function applyOne(env: Env, { msg, body }: Work): Promise<void> {
  try {
    await applyInbound(env, body);
    msg.ack();
  } catch (err) {
    console.warn(JSON.stringify({ level: "warn", msg: "inbound apply failed; retrying", id: msg.id, tenant: body.tenant_id, conversation: body.conversation_id, error: describeError(err) }));
    msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
  }
}
