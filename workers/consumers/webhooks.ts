import { z } from "zod";
import { WEBHOOK_EVENT_TYPES, type WebhookQueueMessage } from "../../shared/webhooks/events";
import { endpointStub, subscriptionsOf, deliveriesFor } from "../webhooks/endpoints";
import { describeError, retryDelaySeconds } from "./retry";

const Event = z.object({
  event_id: z.string(),
  tenant_id: z.string(),
  order_key: z.string(),
  rank: z.number(),
  payload: z.object({ type: z.enum(WEBHOOK_EVENT_TYPES), timestamp: z.string(), data: z.record(z.string(), z.unknown()) }),
});
const Message = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("deliver"), tenant_id: z.string(), endpoint_id: z.string(), events: z.array(Event) }),
  z.object({ kind: z.literal("fanout"), tenant_id: z.string(), exclude_endpoint_id: z.string(), events: z.array(Event) }),
]);

/** A notice for the tenant's endpoints (but the one it is about) becomes deliveries like any event. */
async function expand(env: Env, m: WebhookQueueMessage): Promise<Extract<WebhookQueueMessage, { kind: "deliver" }>[]> {
  if (m.kind === "deliver") return [m];
  const subs = (await subscriptionsOf(env, [m.tenant_id])).get(m.tenant_id) ?? [];
  return deliveriesFor(
    m.tenant_id,
    subs.filter((s) => s.id !== m.exclude_endpoint_id),
    m.events,
  ) as Extract<WebhookQueueMessage, { kind: "deliver" }>[];
}

/**
 * webhooks → each endpoint's object, which stores a delivery once by its webhook-id and sends it from its alarm. A
 * message is acknowledged once stored there; a failure retries it, finally into the dead-letter queue.
 */
export async function consumeWebhooks(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  await Promise.all(
    batch.messages.map(async (msg) => {
      const parsed = Message.safeParse(msg.body);
      if (!parsed.success) {
        console.error(JSON.stringify({ level: "error", msg: "invalid webhooks message", id: msg.id, issues: parsed.error.issues.slice(0, 3) }));
        return msg.retry();
      }
      try {
        for (const d of await expand(env, parsed.data)) await endpointStub(env, d.endpoint_id).enqueue(d.events);
        msg.ack();
      } catch (err) {
        console.error(JSON.stringify({ level: "error", msg: "webhook enqueue failed; retrying", id: msg.id, attempts: msg.attempts, error: describeError(err) }));
        msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
      }
    }),
  );
}
