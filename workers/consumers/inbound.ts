import { applyInbound, InboundBatch } from "../channels/ingest";

/**
 * Buffered channel work, applied when the conversation object is reachable again. Messages of one
 * conversation are applied in arrival order within a batch; across batches the provider message id keeps
 * replays harmless and `seq` records the order in which the conversation received them.
 */
export async function consumeInbound(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const byConversation = new Map<string, { msg: Message<unknown>; body: InboundBatch }[]>();
  for (const msg of batch.messages) {
    const parsed = InboundBatch.safeParse(msg.body);
    if (!parsed.success) {
      console.error(JSON.stringify({ level: "error", msg: "invalid inbound batch", id: msg.id }));
      msg.retry();
      continue;
    }
    const list = byConversation.get(parsed.data.conversation_id) ?? [];
    list.push({ msg, body: parsed.data });
    byConversation.set(parsed.data.conversation_id, list);
  }
  await Promise.all(
    [...byConversation.values()].map(async (list) => {
      list.sort((a, b) => a.body.received_at - b.body.received_at);
      for (let i = 0; i < list.length; i++) {
        const { msg, body } = list[i]!;
        try {
          await applyInbound(env, body);
          msg.ack();
        } catch (err) {
          console.warn(JSON.stringify({ level: "warn", msg: "inbound apply failed; retrying", conversation: body.conversation_id, error: String(err) }));
          // Keep this conversation's order: what follows waits for the same retry.
          for (const rest of list.slice(i)) rest.msg.retry({ delaySeconds: Math.min(2 ** rest.msg.attempts, 300) });
          return;
        }
      }
    }),
  );
}
