/**
 * What a Telegram update holds, as the Bot API documents it, and the typed parts it becomes. Every message type
 * is a part, metadata or a named `unsupported` part (docs/channels/telegram.md); service messages yield nothing.
 */
import { z } from "zod";
import type { ContentPart, TextEntity } from "../../shared/message";
import { clip, count, epochMs, httpUrl, ProviderId, textParts, uriPart } from "./adapter";

export const User = z.object({
  id: z.number(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});
/** A file id becomes a path segment of the proxy URL; "." and ".." would be resolved away as dot segments. */
export const FileId = ProviderId.refine((id) => id !== "." && id !== "..", "not a Telegram file id");
const File = z.object({
  file_id: FileId,
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
  file_size: z.number().optional(),
  duration: z.number().optional(),
});
const Location = z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });
const Entity = z.object({ type: z.string(), offset: z.number(), length: z.number(), url: z.string().optional(), language: z.string().optional(), user: User.optional() });
const Chat = z.object({ id: z.number(), title: z.string().optional(), username: z.string().optional(), type: z.string().optional() });
/** Bot API 7.0 `forward_origin`, and the fields it replaced, which older servers still send. */
const ForwardOrigin = z.object({
  type: z.string(),
  date: z.number().optional(),
  sender_user: User.optional(),
  sender_user_name: z.string().optional(),
  sender_chat: Chat.optional(),
  chat: Chat.optional(),
  message_id: z.number().optional(),
  author_signature: z.string().optional(),
});
export const Message = z.object({
  message_id: z.number(),
  date: z.number().optional(),
  edit_date: z.number().optional(),
  chat: Chat,
  from: User.optional(),
  text: z.string().optional(),
  entities: z.array(Entity).optional(),
  caption: z.string().optional(),
  caption_entities: z.array(Entity).optional(),
  photo: z.array(z.object({ file_id: FileId })).optional(),
  document: File.optional(),
  animation: File.optional(),
  voice: File.optional(),
  audio: File.optional(),
  video: File.optional(),
  video_note: File.optional(),
  sticker: z.object({ file_id: FileId, emoji: z.string().optional(), is_animated: z.boolean().optional(), is_video: z.boolean().optional() }).optional(),
  location: Location.optional(),
  venue: z.object({ location: Location, title: z.string(), address: z.string() }).optional(),
  contact: z.object({ phone_number: z.string(), first_name: z.string().optional(), last_name: z.string().optional(), user_id: z.number().optional(), vcard: z.string().optional() }).optional(),
  poll: z.object({ question: z.string(), options: z.array(z.object({ text: z.string() })).optional() }).optional(),
  dice: z.object({ emoji: z.string(), value: z.number() }).optional(),
  game: z.object({ title: z.string() }).optional(),
  invoice: z.object({ title: z.string() }).optional(),
  story: z.object({}).loose().optional(),
  giveaway: z.object({}).loose().optional(),
  forward_origin: ForwardOrigin.optional(),
  forward_from: User.optional(),
  forward_from_chat: Chat.optional(),
  forward_sender_name: z.string().optional(),
  forward_date: z.number().optional(),
  reply_to_message: z.object({ message_id: z.number() }).optional(),
  business_connection_id: z.string().max(255).optional(),
  reply_markup: z
    .object({ inline_keyboard: z.array(z.array(z.object({ text: z.string(), callback_data: z.string().optional() }))) })
    .optional(),
});
export type Message = z.infer<typeof Message>;

export const ReactionType = z.object({ type: z.string(), emoji: z.string().optional(), custom_emoji_id: z.string().optional() });
export const Update = z.object({
  update_id: z.number(),
  message: Message.optional(),
  edited_message: Message.optional(),
  /** Telegram Business: messages in chats the business account lets the bot answer. */
  business_message: Message.optional(),
  edited_business_message: Message.optional(),
  deleted_business_messages: z.object({ chat: Chat, message_ids: z.array(z.number()).max(1000) }).optional(),
  /** Needs "message_reaction" in setWebhook's allowed_updates; anonymous (channel) reactions carry actor_chat instead. */
  message_reaction: z
    .object({ chat: Chat, message_id: z.number(), user: User.optional(), actor_chat: Chat.optional(), date: z.number(), old_reaction: z.array(ReactionType), new_reaction: z.array(ReactionType) })
    .optional(),
  callback_query: z
    .object({ id: ProviderId, from: User, message: Message.optional(), data: z.string().optional() })
    .optional(),
});

/** The gateway's media proxy for a file id, on the origin the webhook arrived at; no credentials in it. */
export function telegramMediaUrl(fileId: string, webhookUrl: string): string {
  return new URL(`/v1/media/telegram/${uriPart(fileId)}`, webhookUrl).toString();
}

/** Parts and the file ids behind them. Service messages (joins, pins …) have no content and yield none. */
export function content(m: Message, webhookUrl: string): { parts: ContentPart[]; media: { id: string; mime_type?: string }[] } {
  const media: { id: string; mime_type?: string }[] = [];
  const file = (f: { file_id: string; mime_type?: string }) => {
    media.push({ id: f.file_id, ...(f.mime_type ? { mime_type: f.mime_type } : {}) });
    return { url: telegramMediaUrl(f.file_id, webhookUrl), mime_type: clip(f.mime_type, 100) };
  };
  const parts: ContentPart[] = [...formatted(m.text, m.entities)];
  // Telegram sends each photo in several sizes, smallest first.
  const photo = m.photo?.at(-1);
  if (photo) parts.push({ type: "image", ...file(photo), caption: clip(m.caption, 4000) });
  // A GIF arrives as both `animation` and `document`; the animation is what the customer sent.
  if (m.animation) parts.push({ type: "video", ...file(m.animation), duration_s: count(m.animation.duration) });
  else if (m.document) parts.push({ type: "file", ...file(m.document), name: clip(m.document.file_name, 255), size: count(m.document.file_size) });
  for (const a of [m.voice, m.audio]) if (a) parts.push({ type: "audio", ...file(a), duration_s: count(a.duration) });
  for (const v of [m.video, m.video_note]) if (v) parts.push({ type: "video", ...file(v), duration_s: count(v.duration) });
  if (!photo) parts.push(...formatted(m.caption, m.caption_entities));
  if (m.sticker) parts.push(sticker(m.sticker, file));
  const place = m.venue?.location ?? m.location;
  if (place) parts.push({ type: "location", ...place, name: clip(m.venue?.title, 255), address: clip(m.venue?.address, 1000) });
  if (m.contact) parts.push(contactCard(m.contact));
  parts.push(...unsupported(m));
  return { parts, media };
}

type TelegramEntity = z.infer<typeof Entity>;

/** Telegram's entity types in edgedesk's vocabulary; offsets are UTF-16 units in both. */
const ENTITY_TYPES: Record<string, TextEntity["type"]> = {
  bold: "bold",
  italic: "italic",
  underline: "underline",
  strikethrough: "strikethrough",
  spoiler: "spoiler",
  code: "code",
  pre: "pre",
  url: "link",
  text_link: "link",
  mention: "mention",
  text_mention: "mention",
  hashtag: "hashtag",
  cashtag: "hashtag",
  email: "email",
  phone_number: "phone",
  blockquote: "quote",
  expandable_blockquote: "quote",
};

/** A text part carrying the provider's formatting; entities that fall outside the (possibly cut) text are left out. */
function formatted(text: string | undefined, entities: TelegramEntity[] | undefined): ContentPart[] {
  const [part] = textParts(text);
  if (!part || part.type !== "text" || !entities?.length) return part ? [part] : [];
  const kept: TextEntity[] = [];
  for (const e of entities.slice(0, 100)) {
    if (!Number.isSafeInteger(e.offset) || !Number.isSafeInteger(e.length) || e.offset < 0 || e.length <= 0 || e.offset + e.length > part.text.length) continue;
    const type = ENTITY_TYPES[e.type] ?? "other";
    const url = e.type === "url" ? httpUrl(part.text.slice(e.offset, e.offset + e.length)) : e.type === "text_link" ? httpUrl(e.url) : undefined;
    kept.push({ type, offset: e.offset, length: e.length, ...(url ? { url } : {}), ...(e.type === "pre" && e.language ? { language: e.language.slice(0, 50) } : {}) });
  }
  return [kept.length ? { ...part, entities: kept } : part];
}

type FileRef = (f: { file_id: string; mime_type?: string }) => { url: string; mime_type?: string };

/** Static stickers are WebP images, video stickers WebM; animated ones are Lottie (.tgs), which only Telegram plays. */
function sticker(s: NonNullable<Message["sticker"]>, file: FileRef): ContentPart {
  if (s.is_video) return { type: "video", ...file({ file_id: s.file_id, mime_type: "video/webm" }) };
  if (s.is_animated) return { type: "file", ...file({ file_id: s.file_id, mime_type: "application/x-tgsticker" }), name: `sticker${s.emoji ? ` ${s.emoji}` : ""}.tgs` };
  return { type: "image", ...file({ file_id: s.file_id, mime_type: "image/webp" }), ...(s.emoji ? { caption: s.emoji } : {}) };
}

function contactCard(c: NonNullable<Message["contact"]>): ContentPart {
  const name = [c.first_name, c.last_name].filter(Boolean).join(" ") || c.phone_number;
  return { type: "contact", name: name.slice(0, 255), phones: [{ number: c.phone_number.slice(0, 64) }], ...(c.user_id ? { user_id: String(c.user_id) } : {}) };
}

/** Content Telegram documents that an agent cannot act on here: named, never dropped. */
function unsupported(m: Message): ContentPart[] {
  const out: ContentPart[] = [];
  const add = (provider_type: string, description?: string) => out.push({ type: "unsupported", provider_type, ...(description ? { description: description.slice(0, 1000) } : {}) });
  if (m.poll) add("poll", [m.poll.question, ...(m.poll.options ?? []).map((o) => `• ${o.text}`)].join("\n"));
  if (m.dice) add("dice", `${m.dice.emoji} ${m.dice.value}`);
  if (m.game) add("game", m.game.title);
  if (m.invoice) add("invoice", m.invoice.title);
  if (m.story) add("story");
  if (m.giveaway) add("giveaway");
  return out;
}

/** Where a forwarded message came from, as far as the sender's privacy settings let Telegram say. */
export function forwarded(m: Message): Record<string, unknown> | undefined {
  const o = m.forward_origin;
  const name = (u?: z.infer<typeof User>) => (u ? [u.first_name, u.last_name].filter(Boolean).join(" ") || u.username : undefined);
  if (o) {
    const chat = o.chat ?? o.sender_chat;
    return Object.fromEntries(
      Object.entries({
        type: o.type,
        name: name(o.sender_user) ?? o.sender_user_name ?? chat?.title,
        user_id: o.sender_user?.id,
        chat_id: chat?.id,
        username: o.sender_user?.username ?? chat?.username,
        message_id: o.message_id,
        signature: o.author_signature,
        date: epochMs(o.date),
      }).filter(([, v]) => v !== undefined),
    );
  }
  if (m.forward_from || m.forward_from_chat || m.forward_sender_name) {
    const chat = m.forward_from_chat;
    return Object.fromEntries(
      Object.entries({
        type: m.forward_from ? "user" : chat ? "chat" : "hidden_user",
        name: name(m.forward_from) ?? chat?.title ?? m.forward_sender_name,
        user_id: m.forward_from?.id,
        chat_id: chat?.id,
        date: epochMs(m.forward_date),
      }).filter(([, v]) => v !== undefined),
    );
  }
  return undefined;
}

