/**
 * Telegram Bot API. setWebhook's secret_token comes back in X-Telegram-Bot-Api-Secret-Token on every
 * update; there is no body signature. Threads are the chat id. Message ids are only unique within a
 * chat, so provider message ids are "<chat id>:<message id>", inbound and outbound alike.
 *
 * Media arrive as file ids. Every Bot API file URL (getFile, /file/bot<token>/…) embeds the bot token, and
 * part URLs are stored, shown to agents and sent in outgoing webhooks, so the part URL is the gateway's own
 * authenticated proxy, /v1/media/telegram/<file id> on the webhook's origin (workers/routes/media.ts),
 * which resolves the file with the token server-side.
 */
import { z } from "zod";
import { timingSafeEqual } from "../../shared/crypto";
import type { ContentPart } from "../../shared/message";
import { ChannelError, clip, count, epochMs, httpOutcome, jsonBody, jsonOrNull, ProviderId, textOf, textParts, trimSlash, uriPart, withPrompts } from "./adapter";
import type { ChannelAdapter, InboundItem, InboundMessage, OutgoingPart, ProviderRequest, SendOutcome } from "./adapter";

export const TelegramConfig = z.object({
  bot_token: z.string().regex(/^[0-9]+:[A-Za-z0-9_-]+$/, "a bot token looks like 123456:ABC-DEF…"),
  /** The secret_token given to setWebhook: 1-256 characters A-Z, a-z, 0-9, _ and -. */
  secret_token: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/),
  api_base: z.url({ protocol: /^https?$/ }).default("https://api.telegram.org"),
  /** Where file downloads are served, when not api_base (a local Bot API server or a test stub). */
  file_base: z.url({ protocol: /^https?$/ }).optional(),
});
export type TelegramConfig = z.infer<typeof TelegramConfig>;

const User = z.object({
  id: z.number(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});
/** A file id becomes a path segment of the proxy URL; "." and ".." would be resolved away as dot segments. */
const FileId = ProviderId.refine((id) => id !== "." && id !== "..", "not a Telegram file id");
const File = z.object({
  file_id: FileId,
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
  file_size: z.number().optional(),
  duration: z.number().optional(),
});
const Location = z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });
const Message = z.object({
  message_id: z.number(),
  date: z.number().optional(),
  edit_date: z.number().optional(),
  chat: z.object({ id: z.number() }),
  from: User.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(z.object({ file_id: FileId })).optional(),
  document: File.optional(),
  voice: File.optional(),
  audio: File.optional(),
  video: File.optional(),
  video_note: File.optional(),
  sticker: z.object({ emoji: z.string().optional() }).optional(),
  location: Location.optional(),
  venue: z.object({ location: Location, title: z.string(), address: z.string() }).optional(),
  contact: z.object({ phone_number: z.string(), first_name: z.string().optional() }).optional(),
  reply_to_message: z.object({ message_id: z.number() }).optional(),
  reply_markup: z
    .object({ inline_keyboard: z.array(z.array(z.object({ text: z.string(), callback_data: z.string().optional() }))) })
    .optional(),
});
type Message = z.infer<typeof Message>;

const Update = z.object({
  update_id: z.number(),
  message: Message.optional(),
  edited_message: Message.optional(),
  callback_query: z
    .object({ id: ProviderId, from: User, message: Message.optional(), data: z.string().optional() })
    .optional(),
});

/** The gateway's media proxy for a file id, on the origin the webhook arrived at; no credentials in it. */
export function telegramMediaUrl(fileId: string, webhookUrl: string): string {
  return new URL(`/v1/media/telegram/${uriPart(fileId)}`, webhookUrl).toString();
}

/** Parts and the file ids behind them. Service messages (joins, pins …) have no content and yield none. */
function content(m: Message, webhookUrl: string): { parts: ContentPart[]; media: { id: string; mime_type?: string }[] } {
  const media: { id: string; mime_type?: string }[] = [];
  const file = (f: { file_id: string; mime_type?: string }) => {
    media.push({ id: f.file_id, ...(f.mime_type ? { mime_type: f.mime_type } : {}) });
    return { url: telegramMediaUrl(f.file_id, webhookUrl), mime_type: clip(f.mime_type, 100) };
  };
  const parts: ContentPart[] = [...textParts(m.text)];
  // Telegram sends each photo in several sizes, smallest first.
  const photo = m.photo?.at(-1);
  if (photo) parts.push({ type: "image", ...file(photo), caption: clip(m.caption, 4000) });
  if (m.document) parts.push({ type: "file", ...file(m.document), name: clip(m.document.file_name, 255), size: count(m.document.file_size) });
  for (const a of [m.voice, m.audio]) if (a) parts.push({ type: "audio", ...file(a), duration_s: count(a.duration) });
  for (const v of [m.video, m.video_note]) if (v) parts.push({ type: "video", ...file(v), duration_s: count(v.duration) });
  if (!photo) parts.push(...textParts(m.caption));
  if (m.sticker) parts.push(...textParts(`(sticker${m.sticker.emoji ? ` ${m.sticker.emoji}` : ""})`));
  const place = m.venue?.location ?? m.location;
  if (place) parts.push({ type: "location", ...place, name: clip(m.venue?.title, 255), address: clip(m.venue?.address, 1000) });
  if (m.contact) parts.push(...textParts(`(contact) ${[m.contact.first_name, m.contact.phone_number].filter(Boolean).join(" ")}`));
  return { parts, media };
}

function contact(user: z.infer<typeof User> | undefined, chatId: number): InboundMessage["contact"] {
  if (!user) return { externalId: String(chatId) };
  const name = [user.first_name, user.last_name].filter(Boolean).join(" ");
  return { externalId: String(user.id), ...(name ? { name } : {}) };
}

function messageItem(m: Message, webhookUrl: string, edited: boolean): InboundMessage | null {
  if (m.from?.is_bot) return null;
  const { parts, media } = content(m, webhookUrl);
  if (parts.length === 0) return null;
  const id = `${m.chat.id}:${m.message_id}`;
  const metadata: Record<string, unknown> = {};
  if (media.length > 0) metadata.media = media;
  if (m.reply_to_message) metadata.reply_to = `${m.chat.id}:${m.reply_to_message.message_id}`;
  if (m.from?.username) metadata.username = m.from.username;
  if (edited) Object.assign(metadata, { edited: true, edit_of: id });
  const item: InboundMessage = {
    kind: "message",
    externalThreadId: String(m.chat.id),
    providerMessageId: edited ? `${id}:edit:${m.edit_date ?? 0}` : id,
    contact: contact(m.from, m.chat.id),
    parts,
    metadata,
  };
  const at = epochMs(edited ? m.edit_date : m.date);
  if (at) item.occurredAt = at;
  return item;
}

function chatRequest(config: TelegramConfig, method: string, chatId: string, body: Record<string, unknown>): ProviderRequest {
  return {
    url: `${trimSlash(config.api_base)}/bot${config.bot_token}/${method}`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ chat_id: chatId, ...body }),
  };
}

/** callback_data is limited to 64 bytes; a longer value would be cut and come back as a different answer. */
function callbackData(value: string): string {
  if (new TextEncoder().encode(value).length > 64) throw new ChannelError(422, "Telegram button values are limited to 64 bytes");
  return value;
}

function outgoing(part: OutgoingPart): [method: string, body: Record<string, unknown>] {
  switch (part.type) {
    case "text":
      return ["sendMessage", { text: part.text }];
    case "quick_replies": {
      const inline_keyboard = part.options.map((o) => [{ text: o.label, callback_data: callbackData(o.value) }]);
      return ["sendMessage", { text: part.text, reply_markup: { inline_keyboard } }];
    }
    case "image":
      return ["sendPhoto", { photo: part.url, ...(part.caption ? { caption: part.caption } : {}) }];
    case "file":
      return ["sendDocument", { document: part.url }];
    case "audio":
      return ["sendAudio", { audio: part.url, ...(part.duration_s ? { duration: Math.round(part.duration_s) } : {}) }];
    case "video":
      return ["sendVideo", { video: part.url, ...(part.duration_s ? { duration: Math.round(part.duration_s) } : {}) }];
    case "location": {
      const at = { latitude: part.latitude, longitude: part.longitude };
      return part.name && part.address ? ["sendVenue", { ...at, title: part.name, address: part.address }] : ["sendLocation", at];
    }
    case "card": {
      const text = textOf([{ ...part, buttons: [] }]);
      const rows = (part.buttons ?? []).map((b) => [b.url ? { text: b.label, url: b.url } : { text: b.label, callback_data: callbackData(b.value ?? b.label) }]);
      const markup = rows.length ? { reply_markup: { inline_keyboard: rows } } : {};
      return part.image_url ? ["sendPhoto", { photo: part.image_url, caption: text, ...markup }] : ["sendMessage", { text, ...markup }];
    }
    case "call_event":
      return ["sendMessage", { text: textOf([part]) }];
  }
}

const Sent = z.object({ ok: z.literal(true), result: z.object({ message_id: z.number(), chat: z.object({ id: z.number() }) }) });
const Refused = z.object({ ok: z.literal(false), description: z.string().optional() });

export const telegramAdapter: ChannelAdapter<TelegramConfig> = {
  name: "telegram",
  config: TelegramConfig,

  async verify(req, config) {
    const given = req.headers.get("x-telegram-bot-api-secret-token");
    if (!given) throw new ChannelError(401, "missing X-Telegram-Bot-Api-Secret-Token header");
    if (!timingSafeEqual(given, config.secret_token)) throw new ChannelError(401, "X-Telegram-Bot-Api-Secret-Token does not match the configured secret_token");
  },

  async parse(req) {
    const update = jsonBody(req.rawBody, Update);
    const items: InboundItem[] = [];
    for (const [m, edited] of [[update.message, false], [update.edited_message, true]] as const) {
      const item = m && messageItem(m, req.url, edited);
      if (item) items.push(item);
    }
    const q = update.callback_query;
    if (!q?.data) return { items };
    // The button's label is what the customer saw and tapped; the update carries only its data.
    const label = q.message?.reply_markup?.inline_keyboard.flat().find((b) => b.callback_data === q.data)?.text;
    // A private chat's id is the user's id, so a callback from an inline message still finds the chat.
    const chatId = q.message?.chat.id ?? q.from.id;
    items.push({
      kind: "message",
      externalThreadId: String(chatId),
      providerMessageId: `callback:${q.id}`,
      contact: contact(q.from, chatId),
      parts: textParts(label ?? q.data),
      metadata: { payload: q.data, ...(q.message ? { reply_to: `${chatId}:${q.message.message_id}` } : {}) },
    });
    // Answering in the webhook response stops the button's spinner without another API call.
    return { items, response: { status: 200, contentType: "application/json", body: JSON.stringify({ method: "answerCallbackQuery", callback_query_id: q.id }) } };
  },

  async send(reply, config) {
    return withPrompts(reply.parts).map((p) => {
      const [method, body] = outgoing(p);
      return chatRequest(config, method, reply.externalThreadId, body);
    });
  },

  sendOutcome(status, body): SendOutcome {
    const json = jsonOrNull(body);
    if (status < 200 || status >= 300) return httpOutcome(status, body);
    const sent = Sent.safeParse(json);
    if (sent.success) return { ok: true, providerMessageId: `${sent.data.result.chat.id}:${sent.data.result.message_id}` };
    const refused = Refused.safeParse(json);
    if (refused.success) return { ok: false, retryable: false, reason: refused.data.description ?? "Telegram answered ok: false" };
    return { ok: true };
  },
};
