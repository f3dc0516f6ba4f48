/**
 * LINE Messaging API. X-Line-Signature is base64(HMAC-SHA256(raw body, channel secret)); a webhook holds
 * an `events` array (empty when LINE checks the URL). Threads are the group, room or user the event came
 * from. Message events, edits and postbacks become messages; follow, unfollow, join, leave, unsend,
 * beacon, membership … are account life-cycle, not conversation, and are skipped.
 */
import { z } from "zod";
import { hmac, sha256Hex, timingSafeEqual, toBase64 } from "../../shared/crypto";
import type { ContentPart } from "../../shared/message";
import { ChannelError, clip, count, epochMs, httpOutcome, httpUrl, jsonBody, jsonOrNull, ProviderId, textOf, textParts, trimSlash, uriPart, validated, withPrompts } from "./adapter";
import type { ChannelAdapter, InboundItem, InboundMessage, OutgoingPart, ProviderRequest, SendOutcome } from "./adapter";

export const LineConfig = z.object({
  channel_secret: z.string().min(1),
  channel_access_token: z.string().min(1),
  api_base: z.url({ protocol: /^https?$/ }).default("https://api.line.me"),
  /** Message content (images, files …) is served from a separate host. */
  data_api_base: z.url({ protocol: /^https?$/ }).default("https://api-data.line.me"),
});
export type LineConfig = z.infer<typeof LineConfig>;

const Source = z.object({
  type: z.string(),
  userId: ProviderId.optional(),
  groupId: ProviderId.optional(),
  roomId: ProviderId.optional(),
});

const Content = z.object({
  type: z.enum(["line", "external"]),
  originalContentUrl: z.string().optional(),
});

const Message = z.object({
  id: ProviderId,
  type: z.string(),
  text: z.string().optional(),
  quotedMessageId: z.string().optional(),
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

const Common = z.object({ timestamp: z.number().optional(), source: Source, webhookEventId: z.string().optional() });
const MessageEvent = Common.extend({ message: Message });
const PostbackEvent = Common.extend({ postback: z.object({ data: z.string(), params: z.record(z.string(), z.unknown()).optional() }) });

const Payload = z.object({ destination: z.string().optional(), events: z.array(z.object({ type: z.string() }).loose()) });

/**
 * A message's content is fetched from the Get content endpoint (bearer token) by message id, unless the
 * sender's client hosted it elsewhere ("external"), in which case LINE hands over that URL.
 */
function contentUrl(m: Message, config: LineConfig): string | undefined {
  if (m.contentProvider?.type === "external") return httpUrl(m.contentProvider.originalContentUrl);
  return `${trimSlash(config.data_api_base)}/v2/bot/message/${uriPart(m.id)}/content`;
}

const MEDIA = new Set(["image", "video", "audio", "file"]);

function messageParts(m: Message, config: LineConfig): ContentPart[] {
  if (m.type === "text") return textParts(m.text);
  if (m.type === "location") {
    if (m.latitude === undefined || m.longitude === undefined) throw new ChannelError(422, "a location message without coordinates");
    return [{ type: "location", latitude: m.latitude, longitude: m.longitude, name: clip(m.title, 255), address: clip(m.address, 1000) }];
  }
  // The sticker image cannot be fetched; a message sticker's own text is all there is to read.
  if (m.type === "sticker") return textParts(m.text ?? "(sticker)");
  if (!MEDIA.has(m.type)) return textParts(`(${m.type} message)`);
  const url = contentUrl(m, config);
  // An external URL a part cannot hold still tells the agent what kind of thing was sent.
  if (!url) return textParts(`(${m.type})`);
  if (m.type === "image") return [{ type: "image", url }];
  if (m.type === "file") return [{ type: "file", url, name: clip(m.fileName, 255), size: count(m.fileSize) }];
  const duration_s = m.duration !== undefined && m.duration >= 0 ? m.duration / 1000 : undefined;
  return [{ type: m.type === "video" ? "video" : "audio", url, duration_s }];
}

function messageMetadata(m: Message): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (MEDIA.has(m.type) && m.contentProvider?.type !== "external") metadata.media = [{ id: m.id }];
  if (m.imageSet) metadata.image_set = m.imageSet;
  if (m.quotedMessageId) metadata.reply_to = m.quotedMessageId;
  if (m.type === "sticker") {
    metadata.sticker = { package_id: m.packageId, sticker_id: m.stickerId, resource_type: m.stickerResourceType, keywords: m.keywords };
  }
  return metadata;
}

function base(e: z.infer<typeof Common>): Pick<InboundMessage, "kind" | "externalThreadId" | "contact"> & { occurredAt?: number } {
  const thread = e.source.groupId ?? e.source.roomId ?? e.source.userId;
  if (!thread) throw new ChannelError(422, "event source has no userId, groupId or roomId");
  // In groups the userId is withheld unless the user consented; the group itself is then the only id.
  const at = epochMs(e.timestamp);
  return { kind: "message", externalThreadId: thread, contact: { externalId: e.source.userId ?? thread }, ...(at ? { occurredAt: at } : {}) };
}

/** Events with nothing to read (an empty text or postback) yield no message. */
function item(event: { type: string }, config: LineConfig): InboundMessage | null {
  if (event.type === "message" || event.type === "messageEdited") {
    const e = validated(event, MessageEvent);
    const parts = messageParts(e.message, config);
    if (parts.length === 0) return null;
    const metadata = messageMetadata(e.message);
    if (event.type === "message") return { ...base(e), providerMessageId: e.message.id, parts, metadata };
    // An edit keeps the original message id, so the edit time tells edits apart.
    return { ...base(e), providerMessageId: `${e.message.id}:edit:${e.timestamp ?? 0}`, parts, metadata: { ...metadata, edited: true, edit_of: e.message.id } };
  }
  if (event.type === "postback") {
    const e = validated(event, PostbackEvent);
    const params = e.postback.params;
    // A date/time picker's choice is in params; otherwise the data string is all LINE sends back.
    const picked = ["datetime", "date", "time"].map((k) => params?.[k]).find((v) => typeof v === "string");
    const parts = textParts(picked || e.postback.data);
    if (parts.length === 0) return null;
    // LINE keeps webhookEventId across redeliveries, which is what makes it a dedupe key.
    const id = e.webhookEventId ?? `${e.source.userId ?? ""}:${e.timestamp ?? 0}`;
    return { ...base(e), providerMessageId: `postback:${id}`, parts, metadata: { payload: e.postback.data, ...(params ? { params } : {}) } };
  }
  return null;
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
    case "video":
    case "file":
    case "card":
    case "call_event":
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
    const items: InboundItem[] = [];
    for (const event of payload.events) {
      const message = item(event, config);
      if (message) items.push(message);
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
