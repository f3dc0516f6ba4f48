/**
 * WhatsApp Cloud API inbound messages: the `messages[]` objects of a "messages" webhook and what each documented
 * type becomes. https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 *
 * Media ids need the tenant's access token to resolve (GET /{media-id}, then a download with the same token), so a
 * media part's URL is the gateway's proxy, /v1/media/whatsapp/<media id> on the webhook's origin
 * (workers/routes/media-whatsapp.ts), which never puts the token in anything stored.
 */
import { z } from "zod";
import type { ContentPart } from "../../shared/message";
import { ChannelError, clip, httpUrl, ProviderId, textParts, uriPart } from "./adapter";
import type { ContactHint, InboundItem } from "./adapter";
import { contactDetails, contactPart, SharedContact } from "./whatsapp-contacts";
import { flowFields } from "./whatsapp-form";

const Media = z.object({
  id: ProviderId,
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
});
type Media = z.infer<typeof Media>;

export const ProviderError = z.object({
  code: z.number().optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
});
export type ProviderError = z.infer<typeof ProviderError>;

const Reply = z.object({ id: z.string().min(1), title: z.string(), description: z.string().optional() });

/** Click-to-WhatsApp ad attribution: which ad the customer came from. */
const Referral = z.object({
  source_url: z.string().optional(),
  source_id: z.string().optional(),
  source_type: z.string().optional(),
  headline: z.string().optional(),
  body: z.string().optional(),
  media_type: z.string().optional(),
  ctwa_clid: z.string().optional(),
});

export const Message = z.object({
  from: ProviderId,
  id: ProviderId,
  timestamp: z.string().optional(),
  type: z.string(),
  group_id: z.string().optional(),
  context: z
    .object({
      id: z.string().optional(),
      forwarded: z.boolean().optional(),
      frequently_forwarded: z.boolean().optional(),
      referred_product: z.object({ catalog_id: z.string().optional(), product_retailer_id: ProviderId }).optional(),
    })
    .optional(),
  errors: z.array(ProviderError).optional(),
  referral: Referral.optional(),
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
      url: z.string().optional(),
    })
    .optional(),
  contacts: z.array(SharedContact).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: Reply.optional(),
      list_reply: Reply.optional(),
      nfm_reply: z.object({ name: z.string().optional(), body: z.string().optional(), response_json: z.string() }).optional(),
    })
    .optional(),
  button: z.object({ text: z.string(), payload: z.string().optional() }).refine((b) => b.payload || b.text, "a button reply names neither payload nor text").optional(),
  reaction: z.object({ message_id: ProviderId, emoji: z.string().optional() }).optional(),
  order: z
    .object({
      catalog_id: z.string().optional(),
      text: z.string().optional(),
      product_items: z
        .array(z.object({ product_retailer_id: ProviderId, quantity: z.number().optional(), item_price: z.number().optional(), currency: z.string().optional() }))
        .max(100),
    })
    .optional(),
  system: z.object({ body: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() }).optional(),
  unsupported: z.object({ type: z.string().optional() }).optional(),
});
export type Message = z.infer<typeof Message>;

/** A message holds at most 20 parts (MessageInput); the rest of a long order or contact list stays in metadata. */
const MAX_PARTS = 20;

export function errorText(e: ProviderError | undefined): string | undefined {
  if (!e) return undefined;
  const text = [e.code !== undefined ? `${e.code}` : undefined, e.title ?? e.message, e.error_data?.details].filter(Boolean).join(": ");
  return text || undefined;
}

const MEDIA_KIND = { image: "image", sticker: "image", audio: "audio", video: "video", document: "file" } as const;

function mediaPart(kind: (typeof MEDIA_KIND)[keyof typeof MEDIA_KIND], media: Media, url: string, sticker: boolean): ContentPart {
  // Stickers are WebP images; Meta documents the type and not every webhook repeats it.
  const mime_type = clip(media.mime_type, 100) ?? (sticker ? "image/webp" : undefined);
  if (kind === "image") return { type: "image", url, mime_type, caption: clip(media.caption, 4000) };
  if (kind === "file") return { type: "file", url, mime_type, name: clip(media.filename, 255) };
  return { type: kind, url, mime_type };
}

function choice(value: string, label: string | undefined): ContentPart {
  return { type: "choice", value: value.slice(0, 1000), ...(label ? { label: label.slice(0, 255) } : {}) };
}

/** A documented type without the object that carries it is not something Meta sends: refused, not guessed at. */
function missing(type: string): never {
  throw new ChannelError(422, `a ${type} message without its ${type} object`);
}

function unsupported(providerType: string, description: string | undefined): ContentPart {
  return { type: "unsupported", provider_type: providerType.slice(0, 100) || "unknown", ...(description ? { description: description.slice(0, 1000) } : {}) };
}

export type Content = { parts: ContentPart[]; metadata: Record<string, unknown>; event?: true };

/**
 * The typed parts of one message. Types Meta documents but edgedesk has no part for (polls, edits, which Cloud API
 * reports as `unsupported`) keep their type in an `unsupported` part, never a placeholder text.
 */
export function content(m: Message, mediaUrl: (id: string) => string): Content {
  const metadata: Record<string, unknown> = {};
  if (m.context?.id) metadata.reply_to = m.context.id;
  if (m.context?.frequently_forwarded) metadata.forwarded = "frequently";
  else if (m.context?.forwarded) metadata.forwarded = true;
  if (m.referral) metadata.referral = m.referral;
  if (m.group_id) metadata.group_id = m.group_id;
  const product = m.context?.referred_product;
  const referred: ContentPart[] = product
    ? [{ type: "product", product_id: product.product_retailer_id.slice(0, 255), ...(product.catalog_id ? { catalog_id: product.catalog_id.slice(0, 255) } : {}) }]
    : [];

  switch (m.type) {
    case "text":
      return { parts: [...textParts(m.text?.body), ...referred], metadata };
    case "image":
    case "sticker":
    case "audio":
    case "video":
    case "document": {
      const media = m[m.type] ?? missing(m.type);
      const kind = MEDIA_KIND[m.type];
      metadata.media = [{ id: media.id, ...(media.mime_type ? { mime_type: media.mime_type } : {}), ...(media.sha256 ? { sha256: media.sha256 } : {}), ...(media.voice ? { voice: true } : {}), ...(media.animated ? { animated: true } : {}) }];
      // Only image parts hold a caption; elsewhere it becomes the text beside the media.
      const caption = kind === "image" ? [] : textParts(media.caption);
      return { parts: [mediaPart(kind, media, mediaUrl(media.id), m.type === "sticker"), ...caption, ...referred], metadata };
    }
    case "location": {
      const { latitude, longitude, name, address, url } = m.location ?? missing(m.type);
      const link = httpUrl(url);
      return { parts: [{ type: "location", latitude, longitude, name: clip(name, 255), address: clip(address, 1000), ...(link ? { url: link } : {}) }], metadata };
    }
    case "contacts": {
      const cards = (m.contacts ?? missing(m.type)).flatMap((c) => {
        const part = contactPart(c);
        return part ? [{ part, details: contactDetails(c) }] : [];
      });
      if (cards.length === 0) return { parts: [unsupported("contacts", "a contacts message with no name, phone or e-mail in any card")], metadata };
      const kept = cards.slice(0, MAX_PARTS);
      // contact_details[i] belongs to parts[i]; null where the card had nothing beyond the part.
      if (kept.some((c) => c.details)) metadata.contact_details = kept.map((c) => c.details);
      if (cards.length > MAX_PARTS) metadata.contacts_omitted = cards.length - MAX_PARTS;
      return { parts: kept.map((c) => c.part), metadata };
    }
    case "interactive": {
      const i = m.interactive ?? missing(m.type);
      const reply = i.button_reply ?? i.list_reply;
      if (reply) return { parts: [choice(reply.id, reply.description ? `${reply.title} — ${reply.description}` : reply.title)], metadata };
      if (i.nfm_reply) {
        const { name, body, response_json } = i.nfm_reply;
        const form = flowFields(response_json);
        if (body) metadata.form_body = body.slice(0, 4000);
        if (form.note) metadata.form_note = form.note;
        return { parts: [{ type: "form", ...(name ? { name: name.slice(0, 255) } : {}), fields: form.fields }], metadata };
      }
      return { parts: [unsupported(`interactive:${i.type}`, undefined)], metadata };
    }
    case "button": {
      const b = m.button ?? missing(m.type);
      return { parts: [choice(b.payload || b.text, b.text)], metadata };
    }
    case "order": {
      const { catalog_id, text, product_items } = m.order ?? missing(m.type);
      metadata.order = { ...(catalog_id ? { catalog_id } : {}), items: product_items };
      const products = product_items.map((p): ContentPart => {
        const quantity = p.quantity !== undefined ? ` × ${p.quantity}` : "";
        const price = p.item_price !== undefined ? ` (${p.item_price}${p.currency ? ` ${p.currency}` : ""} each)` : "";
        return { type: "product", product_id: p.product_retailer_id.slice(0, 255), ...(catalog_id ? { catalog_id: catalog_id.slice(0, 255) } : {}), title: `${p.product_retailer_id}${quantity}${price}`.slice(0, 255) };
      });
      const parts = [...textParts(text), ...products];
      if (parts.length > MAX_PARTS) metadata.products_omitted = parts.length - MAX_PARTS;
      return { parts: parts.length ? parts.slice(0, MAX_PARTS) : [unsupported("order", "an order with no products")], metadata };
    }
    case "system": {
      // Something WhatsApp says about the customer (a new number), not their words: an event on the conversation.
      if (m.system?.wa_id) metadata.new_wa_id = m.system.wa_id;
      return { parts: [unsupported(`system:${m.system?.type ?? "unknown"}`, m.system?.body)], metadata, event: true };
    }
    case "request_welcome":
      return { parts: [unsupported("request_welcome", "The customer opened a chat with this number for the first time")], metadata, event: true };
    case "unsupported":
      return { parts: [unsupported(m.unsupported?.type ?? "unsupported", errorText(m.errors?.[0]))], metadata };
  }
  // A type newer than this adapter (or one Meta documents as "unknown"): kept as what it is.
  return { parts: [unsupported(m.type, errorText(m.errors?.[0]))], metadata };
}

/** Everything one inbound message becomes: a message, or a reaction on an earlier one. */
export function messageItem(m: Message, thread: string, contact: ContactHint, mediaUrl: (id: string) => string, occurredAt: number | undefined): InboundItem {
  const when = occurredAt ? { occurredAt } : {};
  if (m.type === "reaction") {
    const r = m.reaction ?? missing(m.type);
    // One reaction per person on WhatsApp; an empty or missing emoji is the customer taking theirs back.
    return { kind: "change", externalThreadId: thread, providerMessageId: r.message_id, contact, change: { type: "reaction", emoji: r.emoji || null, replace: true }, ...when };
  }
  const c = content(m, mediaUrl);
  if (c.parts.length === 0) throw new ChannelError(422, `message ${m.id} has no content`);
  return { kind: "message", externalThreadId: thread, providerMessageId: m.id, contact, parts: c.parts, metadata: c.metadata, ...when, ...(c.event ? { event: true } : {}) };
}

/** The gateway's media proxy for a media id, on the origin the webhook arrived at; no credentials in it. */
export function proxyUrl(webhookUrl: string): (id: string) => string {
  return (id) => new URL(`/v1/media/whatsapp/${uriPart(id)}`, webhookUrl).toString();
}
