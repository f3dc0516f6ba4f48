/**
 * The generic API channel: an integrator posts messages already in our shape, signed with Standard
 * Webhooks, and receives our replies at its outbound_url signed the same way, so one library covers both.
 *
 * Inbound bodies: {thread_id, message_id, contact: {external_id, name?, email?, phone?}, parts, metadata?, sent_at?}
 * or {status: {message_id, status: sent|delivered|read|failed, reason?}} for replies it delivered. A sender
 * with its own event shape sets `inbound_map` (the declarative channels' field pointers) instead.
 */
import { z } from "zod";
import { ContentPart, Metadata } from "../../shared/message";
import { isWebhookSecret, signStandardWebhook } from "../../shared/standard-webhooks";
import { ChannelError, decodeJson, httpOutcome, jsonOrNull, verifyStandardWebhookRequest } from "./adapter";
import type { ChannelAdapter, InboundItem } from "./adapter";
import { mappedItems } from "./declarative";
import { InboundMap } from "../../shared/declarative-channel";

export const ApiConfig = z.object({
  /** "whsec_" + base64 key, as Standard Webhooks libraries generate it. */
  secret: z.string().refine(isWebhookSecret, "secret must be whsec_<base64 of at least 16 bytes>"),
  outbound_url: z.url({ protocol: /^https?$/ }),
  /** Where the sender's own events keep a message's fields; bodies in edgedesk's shape are still accepted. */
  inbound_map: InboundMap.optional(),
});
export type ApiConfig = z.infer<typeof ApiConfig>;

const id = z.string().min(1).max(255);

const StatusBody = z.object({
  status: z.object({ message_id: id, status: z.enum(["sent", "delivered", "read", "failed"]), reason: z.string().max(1000).optional() }),
  thread_id: id.optional(),
});

const MessageBody = z.object({
  thread_id: id,
  message_id: id,
  contact: z.object({
    external_id: id,
    name: z.string().max(255).optional(),
    email: z.email().optional(),
    phone: z.string().max(32).optional(),
  }),
  parts: z.array(ContentPart).min(1).max(20),
  metadata: Metadata.optional(),
  /** When the message was sent on the integrator's side, epoch ms. */
  sent_at: z.int().positive().optional(),
});

/** edgedesk's own body shape, recognised by its keys before anything is validated. */
const ownShape = (body: unknown) => body !== null && typeof body === "object" && ("parts" in body || "status" in body);

function shapeError(error: z.ZodError): ChannelError {
  const issue = error.issues[0];
  return new ChannelError(422, `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
}

export const apiAdapter: ChannelAdapter<ApiConfig> = {
  name: "api",
  config: ApiConfig,

  async verify(req, config, nowMs) {
    await verifyStandardWebhookRequest(config.secret, req, nowMs);
  },

  async parse(req, config) {
    const body = decodeJson(req.rawBody);
    if (config.inbound_map && !ownShape(body)) return { items: mappedItems(config.inbound_map, body) };
    if (body !== null && typeof body === "object" && "status" in body) {
      const s = StatusBody.safeParse(body);
      if (!s.success) throw shapeError(s.error);
      const item: InboundItem = { kind: "status", providerMessageId: s.data.status.message_id, status: s.data.status.status };
      if (s.data.status.reason) item.reason = s.data.status.reason;
      if (s.data.thread_id) item.externalThreadId = s.data.thread_id;
      return { items: [item] };
    }
    const m = MessageBody.safeParse(body);
    if (!m.success) {
      if (!ownShape(body)) throw new ChannelError(422, "the body is not edgedesk's message shape; map your own with the channel's inbound_map");
      throw shapeError(m.error);
    }
    const { contact } = m.data;
    return {
      items: [
        {
          kind: "message",
          externalThreadId: m.data.thread_id,
          providerMessageId: m.data.message_id,
          contact: {
            externalId: contact.external_id,
            ...(contact.name ? { name: contact.name } : {}),
            ...(contact.email ? { email: contact.email } : {}),
            ...(contact.phone ? { phone: contact.phone } : {}),
          },
          parts: m.data.parts,
          metadata: m.data.metadata ?? {},
          ...(m.data.sent_at ? { occurredAt: m.data.sent_at } : {}),
        },
      ],
    };
  },

  async send(reply, config) {
    const body = JSON.stringify({
      type: "message",
      thread_id: reply.externalThreadId,
      message_id: reply.messageId,
      parts: reply.parts,
      ...(reply.inReplyTo ? { in_reply_to: reply.inReplyTo } : {}),
      metadata: reply.metadata,
    });
    // The id stays the same across retries so the receiver can deduplicate; the timestamp is fresh.
    const ts = Math.floor(Date.now() / 1000);
    return [
      {
        url: config.outbound_url,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": reply.messageId,
          "webhook-timestamp": String(ts),
          "webhook-signature": await signStandardWebhook(config.secret, reply.messageId, ts, body),
        },
        body,
      },
    ];
  },

  sendOutcome(status, body) {
    // an empty or non-JSON 2xx is still a delivery
    const parsed = jsonOrNull(body);
    const p = parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
    const providerId = typeof p.message_id === "string" ? p.message_id : typeof p.id === "string" ? p.id : undefined;
    return httpOutcome(status, body, providerId);
  },
};
