/**
 * Facebook Messenger, and through `messagingPlatform` also Instagram Messaging: both deliver the same
 * `entry[].messaging[]` events (object "page" or "instagram") and take replies on {api_base}/me/messages.
 * Threads are "<page or IG account id>:<PSID or IGSID>".
 *
 * Statuses: Messenger delivery receipts name their message ids and become "delivered"; Instagram's
 * messaging_seen names one and becomes "read". Messenger read receipts carry only a watermark ("all
 * before time T"), which names no message, so they are not mapped. Echoes of our own sends are skipped.
 */
import { z } from "zod";
import type { ChannelName, ContentPart } from "../../shared/message";
import { epochMs, httpUrl, jsonBody, ProviderId, textOf, textParts, trimSlash, withPrompts } from "./adapter";
import type { ChannelAdapter, InboundItem, InboundMessage, OutgoingPart, ProviderRequest } from "./adapter";
import { customerOf, GRAPH_API, graphOutcome, graphRequest, hubChallenge, verifyHubSignature } from "./meta";

export const MessagingConfig = z.object({
  app_secret: z.string().min(1),
  verify_token: z.string().min(1),
  /** Page access token (Messenger, Instagram via a Page) or Instagram user token (Instagram Login with api_base graph.instagram.com). */
  access_token: z.string().min(1),
  api_base: z.url({ protocol: /^https?$/ }).default(GRAPH_API),
});
export type MessagingConfig = z.infer<typeof MessagingConfig>;

/** Legacy (pre-v6) fallback and location attachments put title and url beside the payload, not in it. */
const Attachment = z.object({
  type: z.string(),
  title: z.string().optional(),
  url: z.string().optional(),
  payload: z
    .object({
      url: z.string().optional(),
      title: z.string().optional(),
      coordinates: z.object({ lat: z.number().min(-90).max(90), long: z.number().min(-180).max(180) }).optional(),
    })
    .nullish(),
});

const Event = z.object({
  sender: z.object({ id: ProviderId.optional(), user_ref: ProviderId.optional() }),
  recipient: z.object({ id: z.string().optional() }).optional(),
  timestamp: z.union([z.number(), z.string()]).optional(),
  message: z
    .object({
      mid: ProviderId,
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      quick_reply: z.object({ payload: z.string() }).optional(),
      reply_to: z.object({ mid: z.string().optional() }).optional(),
      attachments: z.array(Attachment).optional(),
    })
    .optional(),
  message_edit: z.object({ mid: ProviderId, text: z.string().optional(), num_edit: z.number().optional() }).optional(),
  postback: z.object({ mid: ProviderId.optional(), title: z.string().optional(), payload: z.string().optional() }).optional(),
  delivery: z.object({ mids: z.array(ProviderId).optional() }).optional(),
  read: z.object({ mid: ProviderId.optional() }).optional(),
});
type Event = z.infer<typeof Event>;

const MEDIA = { image: "image", video: "video", audio: "audio", file: "file" } as const;

function attachmentParts(a: z.infer<typeof Attachment>): ContentPart[] {
  const url = httpUrl(a.payload?.url ?? a.url);
  const coordinates = a.payload?.coordinates;
  const name = (a.payload?.title ?? a.title)?.slice(0, 255);
  if (coordinates) return [{ type: "location", latitude: coordinates.lat, longitude: coordinates.long, name }];
  if (url && Object.hasOwn(MEDIA, a.type)) return [{ type: MEDIA[a.type as keyof typeof MEDIA], url }];
  // Shares, reels, story mentions, fallbacks: the link (if any) is what the agent can follow.
  return textParts(`(${a.type})${url ? ` ${url}` : ""}`);
}

function received(e: Event, account: string, customer: string): InboundMessage | null {
  const base = { kind: "message" as const, externalThreadId: `${account}:${customer}`, contact: { externalId: customer } };
  const at = epochMs(e.timestamp);
  const when = at ? { occurredAt: at } : {};
  if (e.message && !e.message.is_echo) {
    const m = e.message;
    const metadata: Record<string, unknown> = {};
    if (m.quick_reply) metadata.payload = m.quick_reply.payload;
    if (m.reply_to?.mid) metadata.reply_to = m.reply_to.mid;
    const parts = [...textParts(m.text), ...(m.attachments ?? []).flatMap(attachmentParts)];
    return parts.length > 0 ? { ...base, providerMessageId: m.mid, parts, metadata, ...when } : null;
  }
  if (e.message_edit?.text) {
    const { mid, text, num_edit } = e.message_edit;
    return { ...base, providerMessageId: `${mid}:edit:${num_edit ?? e.timestamp ?? 0}`, parts: textParts(text), metadata: { edited: true, edit_of: mid }, ...when };
  }
  if (e.postback) {
    const { mid, title, payload } = e.postback;
    const parts = textParts(title ?? payload);
    if (parts.length === 0) return null;
    return { ...base, providerMessageId: mid ?? `postback:${customer}:${e.timestamp ?? 0}`, parts, metadata: { payload }, ...when };
  }
  return null;
}

function statuses(e: Event, thread: string): InboundItem[] {
  const at = epochMs(e.timestamp);
  const when = at ? { occurredAt: at } : {};
  const delivered = (e.delivery?.mids ?? []).map((mid): InboundItem => ({ kind: "status", providerMessageId: mid, status: "delivered", externalThreadId: thread, ...when }));
  const read: InboundItem[] = e.read?.mid ? [{ kind: "status", providerMessageId: e.read.mid, status: "read", externalThreadId: thread, ...when }] : [];
  return [...delivered, ...read];
}

type Options = { name: ChannelName; object: string; files: boolean; messagingType: boolean };

function outgoing(part: OutgoingPart, o: Options): Record<string, unknown> {
  switch (part.type) {
    case "text":
      return { text: part.text };
    case "quick_replies":
      return { text: part.text, quick_replies: part.options.map((q) => ({ content_type: "text", title: q.label.slice(0, 20), payload: q.value })) };
    case "image":
    case "audio":
    case "video":
      return { attachment: { type: part.type, payload: { url: part.url, is_reusable: false } } };
    case "file":
      return o.files ? { attachment: { type: "file", payload: { url: part.url, is_reusable: false } } } : { text: textOf([part]) };
    case "card": {
      const buttons = (part.buttons ?? []).slice(0, 3).map((b) =>
        b.url ? { type: "web_url", url: b.url, title: b.label } : { type: "postback", title: b.label, payload: b.value ?? b.label },
      );
      const element = { title: part.title.slice(0, 80), subtitle: part.subtitle?.slice(0, 80), image_url: part.image_url, ...(buttons.length ? { buttons } : {}) };
      return { attachment: { type: "template", payload: { template_type: "generic", elements: [element] } } };
    }
    case "location":
    case "call_event":
      return { text: textOf([part]) };
  }
}

const Payload = (object: string) =>
  z.object({
    object: z.literal(object),
    entry: z.array(z.object({ id: ProviderId, messaging: z.array(Event).optional(), standby: z.array(Event).optional() })),
  });

const SendResponse = z.object({ message_id: z.string() });

/** A Messenger-Platform channel; Messenger and Instagram differ only in these options. */
export function messagingPlatform(o: Options): ChannelAdapter<MessagingConfig> {
  const payloadSchema = Payload(o.object);
  return {
    name: o.name,
    config: MessagingConfig,

    async handshake(req, config) {
      return hubChallenge(req, config.verify_token);
    },

    async verify(req, config) {
      await verifyHubSignature(req, config.app_secret);
    },

    async parse(req) {
      const payload = jsonBody(req.rawBody, payloadSchema);
      const items: InboundItem[] = [];
      for (const entry of payload.entry) {
        // Standby: another app owns the thread (handover protocol); the conversation still happened.
        for (const e of [...(entry.messaging ?? []), ...(entry.standby ?? [])]) {
          const customer = e.sender.id ?? e.sender.user_ref;
          if (!customer) continue;
          const thread = `${entry.id}:${customer}`;
          const message = received(e, entry.id, customer);
          if (message) items.push(message);
          items.push(...statuses(e, thread));
        }
      }
      return { items };
    },

    async send(reply, config) {
      const recipient = { id: customerOf(reply.externalThreadId) };
      const url = `${trimSlash(config.api_base)}/me/messages`;
      return withPrompts(reply.parts).map(
        (p): ProviderRequest =>
          graphRequest(url, config.access_token, { recipient, ...(o.messagingType ? { messaging_type: "RESPONSE" } : {}), message: outgoing(p, o) }),
      );
    },

    sendOutcome(status, body) {
      return graphOutcome(status, body, (json) => {
        const r = SendResponse.safeParse(json);
        return r.success ? r.data.message_id : undefined;
      });
    },
  };
}

export const messengerAdapter = messagingPlatform({ name: "messenger", object: "page", files: true, messagingType: true });
export type MessengerConfig = MessagingConfig;
