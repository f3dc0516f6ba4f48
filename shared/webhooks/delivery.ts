import { z } from "zod";

export const DeliveryState = z.enum(["pending", "failed", "delivered", "dead"]);

/** What an endpoint's delivery log shows of one delivery (GET /v1/webhook-endpoints/{id}/deliveries). */
export const DeliveryView = z
  .object({
    id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    state: DeliveryState,
    attempts: z.int(),
    last_status: z.int().nullable().describe("The receiver's last HTTP status"),
    last_error: z.string().nullable(),
    next_attempt_at: z.int().nullable().describe("Epoch ms of the next attempt while pending or failed"),
    created_at: z.int(),
    updated_at: z.int(),
    delivered_at: z.int().nullable(),
  })
  .meta({ id: "WebhookDelivery" });
export type DeliveryView = z.infer<typeof DeliveryView>;

export const DeliveryPage = z.object({ data: z.array(DeliveryView), next_cursor: z.string().nullable() }).meta({ id: "WebhookDeliveryPage" });
export type DeliveryPage = z.infer<typeof DeliveryPage>;

/** The endpoint object's view of its health, beside the endpoint's settings. */
export const EndpointHealth = z.object({
  open_deliveries: z.int(),
  breaker: z.enum(["closed", "open", "half_open"]),
  disabled_at: z.int().nullable(),
  disabled_reason: z.string().nullable(),
});
export type EndpointHealth = z.infer<typeof EndpointHealth>;
