/**
 * WhatsApp Cloud API. One webhook carries customer messages and the delivery states of ours; replies go
 * to POST /{phone_number_id}/messages. Threads are "<phone_number_id>:<wa_id>", so the same customer
 * writing to two of the tenant's numbers is two conversations, as it is on the phone.
 *
 * Every WhatsApp Business Account of a Meta app is signed with the same app secret, so the signature alone does
 * not say which tenant a delivery is for: a payload whose `metadata.phone_number_id` is not the configured number
 * is refused (403) and nothing of it is stored. What each message type becomes: docs/channels/whatsapp.md.
 */
import { z } from "zod";
import type { DeliveryStatus } from "../../shared/message";
import { ChannelError, epochMs, jsonBody, ProviderId, validated, withPrompts } from "./adapter";
import type { ChannelAdapter, ContactHint, InboundItem } from "./adapter";
import { customerOf, GRAPH_API, graphOutcome, hubChallenge, verifyHubSignature } from "./meta";
import { errorText, Message, messageItem, ProviderError, proxyUrl } from "./whatsapp-inbound";
import { sendRequest } from "./whatsapp-send";

export const WhatsappConfig = z.object({
  app_secret: z.string().min(1),
  verify_token: z.string().min(1),
  access_token: z.string().min(1),
  phone_number_id: z.string().regex(/^[0-9]+$/),
  api_base: z.url({ protocol: /^https?$/ }).default(GRAPH_API),
});
export type WhatsappConfig = z.infer<typeof WhatsappConfig>;

const StatusUpdate = z.object({
  id: ProviderId,
  status: z.string(),
  timestamp: z.string().optional(),
  recipient_id: z.string().optional(),
  errors: z.array(ProviderError).optional(),
});

const MessagesValue = z.object({
  metadata: z.object({ phone_number_id: ProviderId, display_phone_number: z.string().optional() }),
  contacts: z.array(z.object({ wa_id: z.string().optional(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(Message).optional(),
  statuses: z.array(StatusUpdate).optional(),
});

const Payload = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(z.object({ changes: z.array(z.object({ field: z.string(), value: z.unknown().optional() })) })),
});

/**
 * "played" is a voice message listened to: as far as the agent cares, read. Other states ("deleted", "warning" of
 * the On-Premises API) are not deliveries. The `conversation` and `pricing` objects are billing, not conversation
 * content, and are not kept.
 */
const STATUS = new Map<string, Exclude<DeliveryStatus, "pending">>(Object.entries({
  sent: "sent",
  delivered: "delivered",
  read: "read",
  played: "read",
  failed: "failed",
} satisfies Record<string, Exclude<DeliveryStatus, "pending">>));


function contactOf(from: string, contacts: z.infer<typeof MessagesValue>["contacts"]): ContactHint {
  const name = contacts?.find((x) => x.wa_id === from)?.profile?.name;
  return { externalId: from, ...(name ? { name } : {}), ...(/^[0-9]{6,15}$/.test(from) ? { phone: `+${from}` } : {}) };
}

const SendResponse = z.object({ messages: z.array(z.object({ id: z.string() })).min(1) });

export const whatsappAdapter: ChannelAdapter<WhatsappConfig> = {
  name: "whatsapp",
  config: WhatsappConfig,

  async handshake(req, config) {
    return hubChallenge(req, config.verify_token);
  },

  async verify(req, config) {
    await verifyHubSignature(req, config.app_secret);
  },

  async parse(req, config) {
    const payload = jsonBody(req.rawBody, Payload);
    const mediaUrl = proxyUrl(req.url);
    const items: InboundItem[] = [];
    for (const change of payload.entry.flatMap((e) => e.changes)) {
      // Template reviews, quality ratings, account updates … arrive on the same URL and concern no conversation.
      if (change.field !== "messages") continue;
      const value = validated(change.value, MessagesValue);
      const phoneId = value.metadata.phone_number_id;
      if (phoneId !== config.phone_number_id) {
        throw new ChannelError(403, `this delivery is for phone number id ${phoneId}, not the number this channel is configured for`);
      }
      for (const m of value.messages ?? []) {
        items.push(messageItem(m, `${phoneId}:${m.from}`, contactOf(m.from, value.contacts), mediaUrl, epochMs(m.timestamp)));
      }
      for (const s of value.statuses ?? []) {
        const status = STATUS.get(s.status);
        if (!status) continue;
        const why = errorText(s.errors?.[0])?.slice(0, 1000);
        const at = epochMs(s.timestamp);
        items.push({
          kind: "status",
          providerMessageId: s.id,
          status,
          ...(why ? { reason: why } : {}),
          ...(s.recipient_id ? { externalThreadId: `${phoneId}:${s.recipient_id}` } : {}),
          ...(at ? { occurredAt: at } : {}),
        });
      }
    }
    return { items };
  },

  async send(reply, config) {
    const to = customerOf(reply.externalThreadId);
    return withPrompts(reply.parts).map((p) => sendRequest(to, p, config));
  },

  sendOutcome(status, body) {
    return graphOutcome(status, body, (json) => {
      const r = SendResponse.safeParse(json);
      return r.success ? r.data.messages[0]?.id : undefined;
    });
  },
};
