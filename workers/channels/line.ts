/**
 * LINE Messaging API. X-Line-Signature is base64(HMAC-SHA256(raw body, channel secret)); a webhook holds
 * an `events` array (empty when LINE checks the URL) and names the bot it is for in `destination`, which is
 * checked against the tenant's `bot_user_id` when one is set. Threads are the group, room or user the event
 * came from; in groups and rooms the contact is the user who wrote.
 *
 * Messages become typed parts, postbacks choices, `messageEdited` and `unsend` changes of the message they
 * name, and group membership or a block (unfollow) an event. Follow, video-viewing, beacon, account-link and
 * membership events are account life-cycle or analytics, not conversation, and are deliberately not stored
 * (docs/channels/line.md lists every event and why). LINE sends no webhook for reactions.
 */
import { z } from "zod";
import { hmac, sha256Hex, timingSafeEqual, toBase64 } from "../../shared/crypto";
import type { ContentPart, TextEntity } from "../../shared/message";
import { ChannelError, clip, count, epochMs, httpOutcome, httpUrl, jsonBody, jsonOrNull, ProviderId, textOf, textParts, trimSlash, uriPart, validated, withPrompts } from "./adapter";
import type { ChannelAdapter, ContactHint, InboundItem, OutgoingPart, ProviderRequest, SendOutcome } from "./adapter";

export const LineConfig = z.object({
  channel_secret: z.string().min(1),
  channel_access_token: z.string().min(1),
  api_base: z.url({ protocol: /^https?$/ }).default("https://api.line.me"),
  /** Message content (images, files …) is served from a separate host; the media proxy fetches it there. */
  data_api_base: z.url({ protocol: /^https?$/ }).default("https://api-data.line.me"),
  /**
   * The bot's user id (U + 32 hex, the webhook's `destination`). When set, a delivery for another bot is refused
   * with 403: channels that share a secret cannot feed each other's conversations. Optional for existing tenants.
   */
  bot_user_id: z.string().min(1).max(64).optional(),
});
export type LineConfig = z.infer<typeof LineConfig>;

const Source = z.object({
  type: z.string(),
  userId: ProviderId.optional(),
  groupId: ProviderId.optional(),
  roomId: ProviderId.optional(),
});
type Source = z.infer<typeof Source>;

const Content = z.object({
  type: z.enum(["line", "external"]),
  originalContentUrl: z.string().optional(),
});

const Span = { index: z.int().nonnegative(), length: z.int().positive() };

const Message = z.object({
  id: ProviderId,
  type: z.string(),
  text: z.string().optional(),
  quoteToken: z.string().max(1000).optional(),
  quotedMessageId: z.string().max(512).optional(),
  markAsReadToken: z.string().max(1000).optional(),
  emojis: z.array(z.object({ ...Span, productId: z.string().max(100), emojiId: z.string().max(100) })).max(100).optional(),
  mention: z.object({ mentionees: z.array(z.object({ ...Span, type: z.string().max(20), userId: z.string().max(512).optional(), isSelf: z.boolean().optional() })).max(100) }).optional(),
  contentProvider: Content.optional(),
  imageSet: z.object({ id: z.string(), index: z.number().optional(), total: z.number().optional() }).optional(),
  duration: z.number().optional(),
  fileName: z.string().optional(),
  fileSize: z.number().optional(),
  title: z.string().optional(),
  address: z.string().optional(),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
  packageId: z.string().optional(),
  stickerId: z.string().optional(),
  stickerResourceType: z.string().optional(),
  keywords: z.array(z.string()).optional(),
});
type Message = z.infer<typeof Message>;

const Common = z.object({ timestamp: z.number().optional(), source: Source, webhookEventId: z.string().max(100).optional(), mode: z.string().optional() });
type Common = z.infer<typeof Common>;
const MessageEvent = Common.extend({ message: Message });
const PostbackEvent = Common.extend({ postback: z.object({ data: z.string(), params: z.record(z.string(), z.unknown()).optional() }) });
const UnsendEvent = Common.extend({ unsend: z.object({ messageId: ProviderId }) });
const Members = z.object({ members: z.array(z.object({ userId: ProviderId.optional() })).max(500) });
const MemberJoinedEvent = Common.extend({ joined: Members });
const MemberLeftEvent = Common.extend({ left: Members });

const Payload = z.object({ destination: z.string().optional(), events: z.array(z.object({ type: z.string() }).loose()) });

/** The gateway's media proxy for LINE-hosted content (workers/routes/media-line.ts), on the webhook's origin. */
function proxyUrl(messageId: string, webhookUrl: string): string {
  return new URL(`/v1/media/line/${uriPart(messageId)}`, webhookUrl).toString();
}

const MEDIA = new Set(["image", "video", "audio", "file"]);

/**
 * Mentions as entities. LINE's index and length count UTF-16 units of `text` like TextEntity does; a span that
 * does not fit the text is dropped rather than pointing at the wrong characters.
 */
function mentionEntities(m: Message, text: string): TextEntity[] {
  return (m.mention?.mentionees ?? [])
    .filter((x) => x.index + x.length <= text.length)
    .map((x) => ({ type: "mention" as const, offset: x.index, length: x.length }));
}

function messageParts(m: Message, webhookUrl: string): ContentPart[] {
  if (m.type === "text") {
    const [part] = textParts(m.text);
    if (part?.type !== "text") return [];
    const entities = mentionEntities(m, part.text);
    return [entities.length ? { ...part, entities } : part];
  }
  if (m.type === "location") {
    if (m.latitude === undefined || m.longitude === undefined) throw new ChannelError(422, "a location message without coordinates");
    return [{ type: "location", latitude: m.latitude, longitude: m.longitude, name: clip(m.title, 255), address: clip(m.address, 1000) }];
  }
  if (m.type === "sticker") {
    // A message sticker carries the words its sender typed on it; other stickers are an image LINE does not hand out.
    if (m.text) return textParts(m.text);
    const words = (m.keywords ?? []).slice(0, 5).join(", ");
    return [{ type: "unsupported", provider_type: "sticker", description: clip(`LINE sticker${words ? ` (${words})` : ""}`, 1000) }];
  }
  if (!MEDIA.has(m.type)) return [{ type: "unsupported", provider_type: clip(m.type, 100) || "unknown", description: `a LINE ${clip(m.type, 50)} message` }];
  const external = m.contentProvider?.type === "external";
  const url = external ? httpUrl(m.contentProvider?.originalContentUrl) : proxyUrl(m.id, webhookUrl);
  if (!url) return [{ type: "unsupported", provider_type: m.type, description: `an externally hosted ${m.type} whose URL cannot be kept` }];
  if (m.type === "image") return [{ type: "image", url }];
  if (m.type === "file") return [{ type: "file", url, name: clip(m.fileName, 255), size: count(m.fileSize) }];
  const duration_s = m.duration !== undefined && m.duration >= 0 ? m.duration / 1000 : undefined;
  return [{ type: m.type === "video" ? "video" : "audio", url, duration_s }];
}

function messageMetadata(e: Common, m: Message): Record<string, unknown> {
  const metadata: Record<string, unknown> = { ...sourceMetadata(e) };
  // Needed to quote this message in a reply (Messaging API `quoteToken` on text and sticker messages).
  if (m.quoteToken) metadata.quote_token = m.quoteToken;
  if (m.markAsReadToken) metadata.mark_as_read_token = m.markAsReadToken;
  if (m.quotedMessageId) metadata.reply_to = m.quotedMessageId;
  if (MEDIA.has(m.type) && m.contentProvider?.type !== "external") metadata.media = [{ id: m.id }];
  if (m.imageSet) metadata.image_set = m.imageSet;
  // LINE emoji render as "(love)" in `text`; which emoji it is only these ids say.
  if (m.emojis?.length) metadata.emojis = m.emojis.map((x) => ({ index: x.index, length: x.length, product_id: x.productId, emoji_id: x.emojiId }));
  if (m.mention?.mentionees.length) {
    metadata.mentions = m.mention.mentionees.map((x) => ({ index: x.index, length: x.length, type: x.type, ...(x.userId ? { user_id: x.userId } : {}), ...(x.isSelf ? { is_self: true } : {}) }));
  }
  if (m.type === "sticker") {
    metadata.sticker = { package_id: m.packageId, sticker_id: m.stickerId, resource_type: m.stickerResourceType, keywords: m.keywords };
  }
  return metadata;
}

/**
 * Where an event came from. In a group or room the userId is withheld when the user has not consented (and for
 * users of LINE on desktop); such messages are kept under a contact standing for the chat and marked.
 */
function sourceMetadata(e: Common): Record<string, unknown> {
  const chat = e.source.type === "group" || e.source.type === "room";
  return { source_type: e.source.type, ...(chat && !e.source.userId ? { sender_unknown: true } : {}), ...(e.mode === "standby" ? { mode: "standby" } : {}) };
}

function threadOf(source: Source): string {
  const thread = source.groupId ?? source.roomId ?? source.userId;
  if (!thread) throw new ChannelError(422, "event source has no userId, groupId or roomId");
  return thread;
}

function base(e: Common): { externalThreadId: string; contact: ContactHint; occurredAt?: number } {
  const thread = threadOf(e.source);
  const at = epochMs(e.timestamp);
  return { externalThreadId: thread, contact: { externalId: e.source.userId ?? thread }, ...(at ? { occurredAt: at } : {}) };
}

/** LINE keeps webhookEventId across redeliveries, which is what makes it a dedupe key for events without a message id. */
function eventId(type: string, e: Common): string {
  return `${type}:${e.webhookEventId ?? `${threadOf(e.source)}:${e.source.userId ?? ""}:${e.timestamp ?? 0}`}`;
}

/** Something that happened in the chat, stored as a system message: it neither routes nor reopens. */
function chatEvent(type: string, e: Common, text: string, metadata: Record<string, unknown> = {}): InboundItem {
  return { kind: "message", ...base(e), providerMessageId: eventId(type, e), parts: textParts(text), metadata: { line_event: type, ...sourceMetadata(e), ...metadata }, event: true };
}

const chatName = (source: Source) => (source.type === "room" ? "this chat" : "this group");

function memberIds(members: z.infer<typeof Members>): string[] {
  return members.members.flatMap((m) => (m.userId ? [m.userId] : []));
}

function item(event: { type: string }, webhookUrl: string): InboundItem | null {
  switch (event.type) {
    case "message": {
      const e = validated(event, MessageEvent);
      const parts = messageParts(e.message, webhookUrl);
      if (parts.length === 0) return null;
      return { kind: "message", ...base(e), providerMessageId: e.message.id, parts, metadata: messageMetadata(e, e.message) };
    }
    case "messageEdited": {
      // Edits may arrive out of order; the one with the latest timestamp is the text as it now stands.
      const e = validated(event, MessageEvent);
      const parts = messageParts(e.message, webhookUrl);
      if (parts.length === 0) return null;
      const quote = e.message.quoteToken ? { metadata: { quote_token: e.message.quoteToken } } : {};
      return { kind: "change", ...base(e), providerMessageId: e.message.id, change: { type: "edit", parts, ...quote } };
    }
    case "unsend": {
      const e = validated(event, UnsendEvent);
      return { kind: "change", ...base(e), providerMessageId: e.unsend.messageId, change: { type: "retract" } };
    }
    case "postback": {
      const e = validated(event, PostbackEvent);
      const params = e.postback.params;
      // A date/time picker's choice is in params; otherwise the data string is all LINE sends back.
      const picked = ["datetime", "date", "time"].map((k) => params?.[k]).find((v): v is string => typeof v === "string" && v.length > 0);
      const value = clip(picked ?? e.postback.data, 1000);
      if (!value) return null;
      return { kind: "message", ...base(e), providerMessageId: eventId("postback", e), parts: [{ type: "choice", value }], metadata: { ...sourceMetadata(e), payload: e.postback.data, ...(params ? { params } : {}) } };
    }
    case "unfollow":
      // Replies to this user fail from now on; the agent should know why.
      return chatEvent("unfollow", validated(event, Common), "The customer blocked the LINE account");
    case "join": {
      const e = validated(event, Common);
      return chatEvent("join", e, `The LINE account was added to ${chatName(e.source)}`);
    }
    case "leave": {
      const e = validated(event, Common);
      return chatEvent("leave", e, `The LINE account left ${chatName(e.source)}`);
    }
    case "memberJoined": {
      const e = validated(event, MemberJoinedEvent);
      const ids = memberIds(e.joined);
      return chatEvent("memberJoined", e, `Joined ${chatName(e.source)}: ${ids.join(", ") || "a member"}`, { members: ids });
    }
    case "memberLeft": {
      const e = validated(event, MemberLeftEvent);
      const ids = memberIds(e.left);
      return chatEvent("memberLeft", e, `Left ${chatName(e.source)}: ${ids.join(", ") || "a member"}`, { members: ids });
    }
    default:
      // follow, videoPlayComplete, beacon, accountLink, membership and the module/partner events: see the header.
      return null;
  }
}

/** Push messages need an https URL LINE can fetch; what LINE cannot show natively goes out as text. */
function outgoing(part: OutgoingPart): Record<string, unknown> {
  const https = (url: string) => url.startsWith("https://");
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "quick_replies":
      return {
        type: "text",
        text: part.text,
        quickReply: {
          items: part.options.map((o) => {
            if (o.value.length > 300) throw new ChannelError(422, "LINE postback data is limited to 300 characters");
            return { type: "action", action: { type: "postback", label: o.label.slice(0, 20), data: o.value, displayText: o.label } };
          }),
        },
      };
    case "image":
      return https(part.url) ? { type: "image", originalContentUrl: part.url, previewImageUrl: part.url } : { type: "text", text: textOf([part]) };
    case "audio":
      return https(part.url) && part.duration_s
        ? { type: "audio", originalContentUrl: part.url, duration: Math.round(part.duration_s * 1000) }
        : { type: "text", text: textOf([part]) };
    case "location": {
      const coords = `${part.latitude}, ${part.longitude}`;
      return { type: "location", title: (part.name ?? part.address ?? coords).slice(0, 100), address: (part.address ?? coords).slice(0, 100), latitude: part.latitude, longitude: part.longitude };
    }
    // Video needs a separate preview image and files cannot be pushed at all; cards would need templates.
    default:
      return { type: "text", text: textOf([part]) };
  }
}

/** X-Line-Retry-Key makes a retried push idempotent; it must be a UUID, so one is derived from our message id. */
async function retryKey(messageId: string, batch: number): Promise<string> {
  const h = await sha256Hex(`${messageId}:${batch}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16] ?? "0", 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const Pushed = z.object({ sentMessages: z.array(z.object({ id: z.string() })).min(1) });

export const lineAdapter: ChannelAdapter<LineConfig> = {
  name: "line",
  config: LineConfig,

  async verify(req, config) {
    const given = req.headers.get("x-line-signature");
    if (!given) throw new ChannelError(401, "missing X-Line-Signature header");
    const expected = toBase64(await hmac("SHA-256", config.channel_secret, req.rawBody));
    if (!timingSafeEqual(given.trim(), expected)) throw new ChannelError(401, "X-Line-Signature does not match the body signed with the channel secret");
  },

  async parse(req, config) {
    const payload = jsonBody(req.rawBody, Payload);
    if (config.bot_user_id && payload.destination !== config.bot_user_id) {
      throw new ChannelError(403, "the webhook is for another LINE bot (destination is not this channel's bot_user_id)");
    }
    const items: InboundItem[] = [];
    for (const event of payload.events) {
      const found = item(event, req.url);
      if (found) items.push(found);
    }
    return { items };
  },

  async send(reply, config) {
    const messages = withPrompts(reply.parts).map(outgoing);
    const requests: ProviderRequest[] = [];
    // A push takes at most five messages.
    for (let i = 0; i * 5 < messages.length; i++) {
      requests.push({
        url: `${trimSlash(config.api_base)}/v2/bot/message/push`,
        method: "POST",
        headers: {
          authorization: `Bearer ${config.channel_access_token}`,
          "content-type": "application/json",
          "x-line-retry-key": await retryKey(reply.messageId, i),
        },
        body: JSON.stringify({ to: reply.externalThreadId, messages: messages.slice(i * 5, i * 5 + 5) }),
      });
    }
    return requests;
  },

  sendOutcome(status, body): SendOutcome {
    const pushed = Pushed.safeParse(jsonOrNull(body));
    const id = pushed.success ? pushed.data.sentMessages[0]?.id : undefined;
    // 409 with a retry key: LINE already accepted this very push, so the retry has nothing left to do.
    if (status === 409) return id ? { ok: true, providerMessageId: id } : { ok: true };
    return httpOutcome(status, body, id);
  },
};
