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
import { ChannelError, epochMs, httpOutcome, jsonBody, jsonOrNull, textOf, trimSlash, withPrompts } from "./adapter";
import { content, forwarded, Update, type Message, type ReactionType, type User } from "./telegram-content";
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

function contact(user: z.infer<typeof User> | undefined, chatId: number): InboundMessage["contact"] {
  if (!user) return { externalId: String(chatId) };
  const name = [user.first_name, user.last_name].filter(Boolean).join(" ");
  return { externalId: String(user.id), ...(name ? { name } : {}) };
}

/**
 * A message, or an edit of one: the edit names the message it changes (its id stays the original's) and carries
 * the whole new content, so the conversation keeps the earlier text as history. Service messages (joins, pins …)
 * have no content and yield nothing.
 */
function messageItem(m: Message, webhookUrl: string, edited: boolean, business?: string): InboundItem | null {
  if (m.from?.is_bot) return null;
  const { parts, media } = content(m, webhookUrl);
  if (parts.length === 0) return null;
  const id = `${m.chat.id}:${m.message_id}`;
  const metadata: Record<string, unknown> = {};
  if (media.length > 0) metadata.media = media;
  if (m.reply_to_message) metadata.reply_to = `${m.chat.id}:${m.reply_to_message.message_id}`;
  if (m.from?.username) metadata.username = m.from.username;
  const origin = forwarded(m);
  if (origin) metadata.forwarded = origin;
  if (business) metadata.business_connection_id = business;
  const occurredAt = epochMs(edited ? m.edit_date : m.date);
  const base = { externalThreadId: String(m.chat.id), providerMessageId: id, contact: contact(m.from, m.chat.id), ...(occurredAt ? { occurredAt } : {}) };
  if (edited) return { kind: "change", ...base, change: { type: "edit", parts, metadata } };
  return { kind: "message", ...base, parts, metadata };
}

/** One reaction update says what the user's reactions were and are; each difference is one change. */
function reactionItems(r: NonNullable<z.infer<typeof Update>["message_reaction"]>): InboundItem[] {
  const label = (t: z.infer<typeof ReactionType>) => (t.type === "emoji" ? t.emoji : t.type === "custom_emoji" ? `custom:${t.custom_emoji_id}` : t.type === "paid" ? "⭐" : undefined);
  const before = new Set(r.old_reaction.map(label).filter((e): e is string => !!e));
  const after = new Set(r.new_reaction.map(label).filter((e): e is string => !!e));
  const who = r.user ? contact(r.user, r.chat.id) : { externalId: `chat:${r.actor_chat?.id ?? r.chat.id}`, ...(r.actor_chat?.title ? { name: r.actor_chat.title } : {}) };
  const base = { kind: "change" as const, externalThreadId: String(r.chat.id), providerMessageId: `${r.chat.id}:${r.message_id}`, contact: who, occurredAt: epochMs(r.date) };
  return [
    ...[...before].filter((e) => !after.has(e)).map((emoji): InboundItem => ({ ...base, change: { type: "reaction", emoji, remove: true } })),
    ...[...after].filter((e) => !before.has(e)).map((emoji): InboundItem => ({ ...base, change: { type: "reaction", emoji } })),
  ];
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
    case "contact": {
      const phone = part.phones?.[0]?.number;
      if (phone) return ["sendContact", { phone_number: phone, first_name: part.name }];
      return ["sendMessage", { text: textOf([part]) }];
    }
    case "call_event":
    case "choice":
    case "form":
    case "product":
    case "unsupported":
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
    for (const [m, edited] of [[update.message, false], [update.edited_message, true], [update.business_message, false], [update.edited_business_message, true]] as const) {
      const item = m && messageItem(m, req.url, edited, m.business_connection_id);
      if (item) items.push(item);
    }
    const deleted = update.deleted_business_messages;
    for (const id of deleted?.message_ids ?? []) {
      items.push({ kind: "change", externalThreadId: String(deleted!.chat.id), providerMessageId: `${deleted!.chat.id}:${id}`, contact: { externalId: String(deleted!.chat.id) }, change: { type: "retract" } });
    }
    if (update.message_reaction) items.push(...reactionItems(update.message_reaction));
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
      parts: [{ type: "choice", value: q.data.slice(0, 1000), ...(label ? { label: label.slice(0, 255) } : {}) }],
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
