/**
 * Messenger Platform webhook events (`entry[].messaging[]`, the same for Messenger and Instagram) and what each
 * becomes: messages, edits, retractions, reactions, delivery and read receipts. docs/channels/meta-messaging.md
 * lists every event and the ones deliberately not kept.
 * https://developers.facebook.com/docs/messenger-platform/reference/webhook-events
 */
import { z } from "zod";
import type { ContentPart } from "../../shared/message";
import { clip, epochMs, httpUrl, ProviderId, textParts } from "./adapter";
import type { ContactHint, InboundItem } from "./adapter";

const Id = z.union([z.string(), z.number()]).transform(String);

const ProductElement = z.object({ id: Id.optional(), retailer_id: z.string().optional(), title: z.string().optional() });

/** Legacy (pre-v6) fallback and location attachments put title and url beside the payload, not in it. */
const Attachment = z.object({
  type: z.string(),
  title: z.string().optional(),
  url: z.string().optional(),
  payload: z
    .object({
      url: z.string().optional(),
      title: z.string().optional(),
      sticker_id: Id.optional(),
      reel_video_id: Id.optional(),
      coordinates: z.object({ lat: z.number().min(-90).max(90), long: z.number().min(-180).max(180) }).optional(),
      product: z.object({ elements: z.array(ProductElement).max(20) }).optional(),
    })
    .nullish(),
});
type Attachment = z.infer<typeof Attachment>;

export const Event = z.object({
  sender: z.object({ id: ProviderId.optional(), user_ref: ProviderId.optional() }),
  recipient: z.object({ id: z.string().optional() }).optional(),
  timestamp: z.union([z.number(), z.string()]).optional(),
  message: z
    .object({
      mid: ProviderId,
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      is_deleted: z.boolean().optional(),
      is_unsupported: z.boolean().optional(),
      quick_reply: z.object({ payload: z.string() }).optional(),
      reply_to: z.object({ mid: z.string().optional(), story: z.object({ id: z.string().optional(), url: z.string().optional() }).optional() }).optional(),
      attachments: z.array(Attachment).optional(),
    })
    .optional(),
  message_edit: z.object({ mid: ProviderId, text: z.string().optional(), num_edit: z.union([z.number(), z.string()]).optional() }).optional(),
  reaction: z.object({ mid: ProviderId, action: z.string(), emoji: z.string().optional(), reaction: z.string().optional() }).optional(),
  postback: z.object({ mid: ProviderId.optional(), title: z.string().optional(), payload: z.string().optional() }).optional(),
  delivery: z.object({ mids: z.array(ProviderId).optional(), watermark: z.union([z.number(), z.string()]).optional() }).optional(),
  read: z.object({ mid: ProviderId.optional(), watermark: z.union([z.number(), z.string()]).optional() }).optional(),
});
export type Event = z.infer<typeof Event>;

const MAX_PARTS = 20;

const MEDIA = { image: "image", video: "video", audio: "audio", file: "file" } as const;

/** Reels are videos someone else posted; the customer shared them into the chat. */
const REELS = new Set(["ig_reel", "reel"]);

/** Links to something outside the chat (a post, an article): a card the agent can open. */
const LINKS = new Set(["share", "fallback"]);

/** Older Messenger clients and some Instagram events name the reaction but not its emoji. */
const NAMED_REACTIONS: Record<string, string> = { like: "👍", love: "❤️", smile: "😆", laugh: "😂", wow: "😮", sad: "😢", angry: "😠", dislike: "👎" };

function unsupported(providerType: string, description?: string): ContentPart {
  return { type: "unsupported", provider_type: providerType.slice(0, 100) || "unknown", ...(description ? { description: description.slice(0, 1000) } : {}) };
}

function linkCard(title: string, url: string, label: string): ContentPart {
  return { type: "card", title: title.slice(0, 255), buttons: [{ label, url }] };
}

function attachmentParts(a: Attachment, meta: Record<string, unknown[]>): ContentPart[] {
  const url = httpUrl(a.payload?.url ?? a.url);
  const title = a.payload?.title ?? a.title;
  const coordinates = a.payload?.coordinates;
  if (coordinates) return [{ type: "location", latitude: coordinates.lat, longitude: coordinates.long, name: clip(title, 255) }];
  const products = a.payload?.product?.elements ?? [];
  if (products.length) {
    return products.flatMap((p): ContentPart[] => {
      const id = clip(p.retailer_id || p.id, 255);
      return id ? [{ type: "product", product_id: id, ...(p.title ? { title: p.title.slice(0, 255) } : {}) }] : [];
    });
  }
  if (!url) return [unsupported(a.type, "Meta sent this attachment without a usable URL")];
  if (Object.hasOwn(MEDIA, a.type)) {
    const kind = MEDIA[a.type as keyof typeof MEDIA];
    if (a.payload?.sticker_id) (meta.stickers ??= []).push(a.payload.sticker_id);
    return [kind === "file" && title ? { type: "file", url, name: title.slice(0, 255) } : { type: kind, url }];
  }
  if (REELS.has(a.type)) {
    (meta.reels ??= []).push({ type: a.type, ...(a.payload?.reel_video_id ? { id: a.payload.reel_video_id } : {}), ...(title ? { title: title.slice(0, 1000) } : {}) });
    return [{ type: "video", url }];
  }
  if (LINKS.has(a.type)) return [linkCard(title || url, url, "Open")];
  if (a.type === "story_mention") return [linkCard("Instagram story mention", url, "View story")];
  return [unsupported(a.type, url)];
}

type Context = { thread: string; contact: ContactHint; occurredAt?: number };

function messageItems(m: NonNullable<Event["message"]>, c: Context): InboundItem[] {
  const when = c.occurredAt ? { occurredAt: c.occurredAt } : {};
  // Instagram's unsend: the message named is withdrawn, with its content.
  if (m.is_deleted) return [{ kind: "change", externalThreadId: c.thread, providerMessageId: m.mid, contact: c.contact, change: { type: "retract" }, ...when }];
  const metadata: Record<string, unknown> = {};
  if (m.reply_to?.mid) metadata.reply_to = m.reply_to.mid;
  const story = m.reply_to?.story;
  if (story) metadata.reply_to_story = { ...(story.id ? { id: story.id } : {}), ...(httpUrl(story.url) ? { url: story.url } : {}) };
  const meta: Record<string, unknown[]> = {};
  const parts = [
    ...textParts(m.text),
    ...(m.quick_reply ? choice(m.quick_reply.payload, m.text) : []),
    ...(m.attachments ?? []).flatMap((a) => attachmentParts(a, meta)),
    ...(m.is_unsupported ? [unsupported("instagram_unsupported", "Instagram did not deliver this message's content (a GIF, sticker or another type it does not support)")] : []),
  ];
  Object.assign(metadata, meta);
  if (parts.length > MAX_PARTS) metadata.parts_omitted = parts.length - MAX_PARTS;
  const kept = parts.length ? parts.slice(0, MAX_PARTS) : [unsupported("message", "a message with no text and no attachment")];
  return [{ kind: "message", externalThreadId: c.thread, providerMessageId: m.mid, contact: c.contact, parts: kept, metadata, ...when }];
}

function choice(value: string, label: string | undefined): ContentPart[] {
  const v = value || label;
  return v ? [{ type: "choice", value: v.slice(0, 1000), ...(label ? { label: label.slice(0, 255) } : {}) }] : [];
}

/** Everything one event says, for the thread between the account and the customer. */
export function eventItems(e: Event, c: Context, customer: string): InboundItem[] {
  const when = c.occurredAt ? { occurredAt: c.occurredAt } : {};
  const items: InboundItem[] = [];
  // Echoes are our own sends (or the Page inbox's) coming back: the conversation has them already.
  if (e.message && !e.message.is_echo) items.push(...messageItems(e.message, c));
  if (e.message_edit?.text) {
    const { mid, text, num_edit } = e.message_edit;
    const count = Number(num_edit);
    items.push({
      kind: "change",
      externalThreadId: c.thread,
      providerMessageId: mid,
      contact: c.contact,
      change: { type: "edit", parts: textParts(text), ...(Number.isSafeInteger(count) ? { metadata: { num_edit: count } } : {}) },
      ...when,
    });
  }
  if (e.reaction) {
    const r = e.reaction;
    // One reaction per person: a new one replaces the old, "unreact" takes it back.
    const emoji = r.action === "unreact" ? null : r.emoji || NAMED_REACTIONS[r.reaction ?? ""] || r.reaction || null;
    if (r.action === "unreact" || emoji) {
      items.push({ kind: "change", externalThreadId: c.thread, providerMessageId: r.mid, contact: c.contact, change: { type: "reaction", emoji, replace: true }, ...when });
    }
  }
  if (e.postback) {
    const { mid, title, payload } = e.postback;
    const parts = choice(payload ?? "", title);
    if (parts.length) {
      const id = mid ?? `postback:${customer}:${e.timestamp ?? 0}`;
      items.push({ kind: "message", externalThreadId: c.thread, providerMessageId: id, contact: c.contact, parts, metadata: {}, ...when });
    }
  }
  for (const mid of e.delivery?.mids ?? []) items.push({ kind: "status", providerMessageId: mid, status: "delivered", externalThreadId: c.thread, ...when });
  const delivered = epochMs(e.delivery?.watermark);
  if (delivered) items.push({ kind: "watermark", externalThreadId: c.thread, status: "delivered", upTo: delivered });
  if (e.read?.mid) items.push({ kind: "status", providerMessageId: e.read.mid, status: "read", externalThreadId: c.thread, ...when });
  const read = epochMs(e.read?.watermark);
  if (read) items.push({ kind: "watermark", externalThreadId: c.thread, status: "read", upTo: read });
  return items;
}
