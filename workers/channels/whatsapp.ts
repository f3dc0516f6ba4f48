/**
 * WhatsApp Cloud API. One webhook carries customer messages and the delivery states of ours; replies go
 * to POST /{phone_number_id}/messages. Threads are "<phone_number_id>:<wa_id>", so the same customer
 * writing to two of the tenant's numbers is two conversations, as it is on the phone.
 */
import { z } from "zod";
import type { ContentPart, DeliveryStatus } from "../../shared/message";
import { ChannelError, clip, epochMs, jsonBody, ProviderId, textOf, textParts, trimSlash, uriPart, validated, withPrompts } from "./adapter";
import type { ChannelAdapter, InboundItem, InboundMessage, OutgoingPart, ProviderRequest } from "./adapter";
import { customerOf, GRAPH_API, graphOutcome, graphRequest, hubChallenge, verifyHubSignature } from "./meta";

export const WhatsappConfig = z.object({
  app_secret: z.string().min(1),
  verify_token: z.string().min(1),
  access_token: z.string().min(1),
  phone_number_id: z.string().regex(/^[0-9]+$/),
  api_base: z.url({ protocol: /^https?$/ }).default(GRAPH_API),
});
export type WhatsappConfig = z.infer<typeof WhatsappConfig>;

const Media = z.object({
  id: ProviderId,
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  voice: z.boolean().optional(),
});

const Message = z.object({
  from: ProviderId,
  id: ProviderId,
  timestamp: z.string().optional(),
  type: z.string(),
  context: z.object({ id: z.string().optional() }).optional(),
  text: z.object({ body: z.string() }).optional(),
  image: Media.optional(),
  sticker: Media.optional(),
  audio: Media.optional(),
  video: Media.optional(),
  document: Media.optional(),
  location: z
    .object({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      name: z.string().optional(),
      address: z.string().optional(),
    })
    .optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string(), title: z.string() }).optional(),
    })
    .optional(),
  button: z.object({ text: z.string(), payload: z.string().optional() }).optional(),
});
type Message = z.infer<typeof Message>;

const StatusUpdate = z.object({
  id: ProviderId,
  status: z.string(),
  timestamp: z.string().optional(),
  recipient_id: z.string().optional(),
  errors: z
    .array(
      z.object({
        code: z.number().optional(),
        title: z.string().optional(),
        message: z.string().optional(),
        error_data: z.object({ details: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

const MessagesValue = z.object({
  metadata: z.object({ phone_number_id: ProviderId }),
  contacts: z.array(z.object({ wa_id: z.string().optional(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(Message).optional(),
  statuses: z.array(StatusUpdate).optional(),
});

const Payload = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(z.object({ changes: z.array(z.object({ field: z.string(), value: z.unknown().optional() })) })),
});

/** "played" is a voice message listened to: as far as the agent cares, read. Other states are not deliveries. */
const STATUS = new Map<string, Exclude<DeliveryStatus, "pending">>(Object.entries({
  sent: "sent",
  delivered: "delivered",
  read: "read",
  played: "read",
  failed: "failed",
} satisfies Record<string, Exclude<DeliveryStatus, "pending">>));

/**
 * A media id resolves through GET {api_base}/{media-id} (bearer token) to a short-lived download URL,
 * so the stable Graph URL is what we store; the raw id rides in metadata.media.
 */
function mediaPart(kind: "image" | "audio" | "video" | "file", media: z.infer<typeof Media>, config: WhatsappConfig): ContentPart {
  const url = `${trimSlash(config.api_base)}/${uriPart(media.id)}`;
  const mime_type = clip(media.mime_type, 100);
  if (kind === "image") return { type: "image", url, mime_type, caption: clip(media.caption, 4000) };
  if (kind === "file") return { type: "file", url, mime_type, name: clip(media.filename, 255) };
  return { type: kind, url, mime_type };
}

const MEDIA_KIND = { image: "image", sticker: "image", audio: "audio", video: "video", document: "file" } as const;

/** Reactions and system notices (number changed) are not something the customer said; they are skipped. */
function content(m: Message, config: WhatsappConfig): { parts: ContentPart[]; metadata: Record<string, unknown> } | null {
  const metadata: Record<string, unknown> = {};
  if (m.context?.id) metadata.reply_to = m.context.id;
  if (m.type === "reaction" || m.type === "system") return null;
  if (m.type === "text") return { parts: textParts(m.text?.body), metadata };
  if (m.type === "location" && m.location) {
    const { latitude, longitude, name, address } = m.location;
    return { parts: [{ type: "location", latitude, longitude, name: clip(name, 255), address: clip(address, 1000) }], metadata };
  }
  if (m.type === "interactive" && m.interactive) {
    const reply = m.interactive.button_reply ?? m.interactive.list_reply;
    if (reply) return { parts: textParts(reply.title), metadata: { ...metadata, payload: reply.id } };
  }
  if (m.type === "button" && m.button) return { parts: textParts(m.button.text), metadata: { ...metadata, payload: m.button.payload } };
  if (Object.hasOwn(MEDIA_KIND, m.type)) {
    const key = m.type as keyof typeof MEDIA_KIND;
    const media = m[key];
    if (!media) throw new ChannelError(422, `a ${m.type} message without its ${m.type} object`);
    const kind = MEDIA_KIND[key];
    metadata.media = [{ id: media.id, mime_type: media.mime_type, ...(media.voice ? { voice: true } : {}) }];
    // Only image parts hold a caption; elsewhere it becomes the text beside the media.
    const caption = kind === "image" ? [] : textParts(media.caption);
    return { parts: [mediaPart(kind, media, config), ...caption], metadata };
  }
  // Contacts, orders, unsupported types …: the agent still needs to see that the customer wrote.
  return { parts: textParts(`(${m.type} message)`), metadata: { ...metadata, unsupported: m.type } };
}

function errorReason(errors: z.infer<typeof StatusUpdate>["errors"]): string | undefined {
  const e = errors?.[0];
  if (!e) return undefined;
  const details = e.error_data?.details;
  return [e.code !== undefined ? `${e.code}` : undefined, e.title ?? e.message, details].filter(Boolean).join(": ");
}

function request(to: string, part: OutgoingPart, config: WhatsappConfig): ProviderRequest {
  const url = `${trimSlash(config.api_base)}/${config.phone_number_id}/messages`;
  const message = (type: string, body: Record<string, unknown>) =>
    graphRequest(url, config.access_token, { messaging_product: "whatsapp", recipient_type: "individual", to, type, [type]: body });
  switch (part.type) {
    case "text":
      return message("text", { body: part.text });
    case "image":
      return message("image", { link: part.url, ...(part.caption ? { caption: part.caption } : {}) });
    case "file":
      return message("document", { link: part.url, ...(part.name ? { filename: part.name } : {}) });
    case "audio":
      return message("audio", { link: part.url });
    case "video":
      return message("video", { link: part.url });
    case "location":
      return message("location", { latitude: part.latitude, longitude: part.longitude, name: part.name, address: part.address });
    case "quick_replies":
      return message("interactive", interactive(part));
    case "card":
    case "call_event":
      return message("text", { body: textOf([part]) });
  }
}

/** Titles are display text and may be shortened; an id is the answer itself and must come back whole. */
function optionId(value: string, max: number): string {
  if (value.length > max) throw new ChannelError(422, `WhatsApp option ids are limited to ${max} characters`);
  return value;
}

/** Up to 3 options fit reply buttons; up to 10 a list; more cannot be offered as a choice on WhatsApp. */
function interactive(part: Extract<OutgoingPart, { type: "quick_replies" }>): Record<string, unknown> {
  const body = { text: part.text.slice(0, 1024) };
  if (part.options.length <= 3) {
    const buttons = part.options.map((o) => ({ type: "reply", reply: { id: optionId(o.value, 256), title: o.label.slice(0, 20) } }));
    return { type: "button", body, action: { buttons } };
  }
  if (part.options.length > 10) throw new ChannelError(422, "WhatsApp lists hold at most 10 options");
  const rows = part.options.map((o) => ({ id: optionId(o.value, 200), title: o.label.slice(0, 24) }));
  return { type: "list", body, action: { button: "Options", sections: [{ rows }] } };
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
    const items: InboundItem[] = [];
    for (const change of payload.entry.flatMap((e) => e.changes)) {
      // Template reviews, quality ratings, account updates … arrive on the same URL and concern no conversation.
      if (change.field !== "messages") continue;
      const value = validated(change.value, MessagesValue);
      const phoneId = value.metadata.phone_number_id;
      for (const m of value.messages ?? []) {
        const c = content(m, config);
        if (!c) continue;
        if (c.parts.length === 0) throw new ChannelError(422, `message ${m.id} has no content`);
        const name = value.contacts?.find((x) => x.wa_id === m.from)?.profile?.name;
        const item: InboundMessage = {
          kind: "message",
          externalThreadId: `${phoneId}:${m.from}`,
          providerMessageId: m.id,
          contact: { externalId: m.from, ...(name ? { name } : {}), ...(/^[0-9]{6,15}$/.test(m.from) ? { phone: `+${m.from}` } : {}) },
          parts: c.parts,
          metadata: c.metadata,
        };
        const at = epochMs(m.timestamp);
        if (at) item.occurredAt = at;
        items.push(item);
      }
      for (const s of value.statuses ?? []) {
        const status = STATUS.get(s.status);
        if (!status) continue;
        const item: InboundItem = { kind: "status", providerMessageId: s.id, status };
        const reason = errorReason(s.errors);
        if (reason) item.reason = reason;
        if (s.recipient_id) item.externalThreadId = `${phoneId}:${s.recipient_id}`;
        const at = epochMs(s.timestamp);
        if (at) item.occurredAt = at;
        items.push(item);
      }
    }
    return { items };
  },

  async send(reply, config) {
    const to = customerOf(reply.externalThreadId);
    return withPrompts(reply.parts).map((p) => request(to, p, config));
  },

  sendOutcome(status, body) {
    return graphOutcome(status, body, (json) => {
      const r = SendResponse.safeParse(json);
      return r.success ? r.data.messages[0]?.id : undefined;
    });
  },
};
