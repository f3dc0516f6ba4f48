/**
 * SMS/MMS through Twilio Programmable Messaging. One webhook URL takes incoming messages, the status callbacks
 * of messages we sent (both forms, answered with empty TwiML: no auto-reply) and, optionally, an Event Streams
 * webhook sink's messaging events (JSON CloudEvents signed with bodySHA256), which carry the same messages and
 * statuses with their provider timestamps.
 */
import { z } from "zod";
import { ContentPart } from "../../shared/message";
import type { DeliveryStatus } from "../../shared/message";
import { ChannelError, decodeJson, validated } from "./adapter";
import type { ChannelAdapter, InboundItem, InboundMessage, InboundRequest, InboundStatus, ParseResult } from "./adapter";
import { checkRecipient, isJsonDelivery, messageOutcome, messageRequest, phoneThread, splitPhoneThread, TwilioConfig, twilioParams, twilioTime, twiml, verifyTwilio } from "./twilio";

export type SmsConfig = TwilioConfig;

/** In-flight states (queued, accepted, sending, scheduled) tell the conversation nothing new. */
const STATUS = new Map<string, Exclude<DeliveryStatus, "pending">>(Object.entries({
  sent: "sent",
  delivered: "delivered",
  read: "read",
  undelivered: "failed",
  failed: "failed",
  canceled: "failed",
} satisfies Record<string, Exclude<DeliveryStatus, "pending">>));

/** Twilio's MMS limit; MediaUrl{N} past it is not something Twilio sends. */
const MAX_MEDIA = 10;

/** Each media item as the part its content type says: image, video or audio, and anything else a file. */
export function mediaPart(url: string, contentType: string | null): ContentPart {
  const mime = contentType?.trim().toLowerCase() || undefined;
  const typed = mime ? { url, mime_type: mime } : { url };
  const kind = mime?.split("/")[0];
  if (kind === "image" || kind === "audio" || kind === "video") return { type: kind, ...typed };
  return { type: "file", ...typed };
}

function checkedParts(parts: ContentPart[]): ContentPart[] {
  const checked = ContentPart.array().safeParse(parts);
  if (!checked.success) throw new ChannelError(422, `unusable message content: ${checked.error.issues[0]?.message}`);
  return checked.data;
}

function statusItem(sid: string, status: Exclude<DeliveryStatus, "pending">, code: string | undefined, message: string | undefined, ourNumber: string | null, customer: string | null, occurredAt?: number): InboundStatus {
  const item: InboundStatus = { kind: "status", providerMessageId: sid, status };
  if (code && code !== "0") item.reason = `Twilio error ${code}${message ? `: ${message}` : ""}`;
  if (ourNumber && customer) item.externalThreadId = phoneThread(ourNumber, customer);
  if (occurredAt) item.occurredAt = occurredAt;
  return item;
}

function parseForm(req: InboundRequest, config: SmsConfig): ParseResult {
  const p = twilioParams(req);
  const sid = p.get("MessageSid") ?? p.get("SmsSid");
  const from = p.get("From");
  const to = p.get("To");
  if (!sid) throw new ChannelError(422, "no MessageSid");

  const messageStatus = p.get("MessageStatus");
  if (messageStatus && messageStatus !== "received" && messageStatus !== "receiving") {
    // Outbound: From is our number and To the customer.
    checkRecipient(config, p.get("AccountSid"), from);
    const status = STATUS.get(messageStatus);
    if (!status) return { items: [], response: twiml() };
    return { items: [statusItem(sid, status, p.get("ErrorCode") ?? undefined, p.get("ErrorMessage") ?? undefined, from, to)], response: twiml() };
  }

  checkRecipient(config, p.get("AccountSid"), to);
  if (!from || !to) throw new ChannelError(422, "an incoming message needs From and To");
  const parts: ContentPart[] = [];
  const body = p.get("Body");
  if (body?.trim()) parts.push({ type: "text", text: body.slice(0, 16_000) });
  // Every MediaUrl{N} sent is kept whatever NumMedia says; one it announces but does not send is still shown.
  const declared = Number(p.get("NumMedia") ?? 0);
  for (let i = 0; i < MAX_MEDIA; i++) {
    const url = p.get(`MediaUrl${i}`);
    if (url) parts.push(mediaPart(url, p.get(`MediaContentType${i}`)));
    else if (i < declared) parts.push({ type: "unsupported", provider_type: "twilio_media", description: `media item ${i + 1} of ${declared} was announced without a URL` });
  }
  const checked = checkedParts(parts);
  if (checked.length === 0) return { items: [], response: twiml() };
  const segments = Number(p.get("NumSegments"));
  const item: InboundMessage = {
    kind: "message",
    externalThreadId: phoneThread(to, from),
    providerMessageId: sid,
    contact: { externalId: from, phone: from },
    parts: checked,
    metadata: { to, ...(Number.isSafeInteger(segments) && segments > 0 ? { num_segments: segments } : {}) },
  };
  return { items: [item], response: twiml() };
}

const Sid = z.string().min(1).max(64);
/** One Event Streams CloudEvent; `data` is read per type below, and other types are not messaging events. */
const CloudEvent = z.object({ type: z.string().max(200), data: z.record(z.string(), z.unknown()) });
const InboundData = z.object({
  messageSid: Sid,
  accountSid: Sid.optional(),
  from: z.string().min(1).max(64),
  to: z.string().min(1).max(64),
  body: z.string().max(16_000).optional(),
  numMedia: z.int().min(0).optional(),
  numSegments: z.int().min(0).optional(),
  timestamp: z.string().optional(),
});
const StatusData = z.object({
  messageSid: Sid,
  accountSid: Sid.optional(),
  from: z.string().max(64).optional(),
  to: z.string().max(64).optional(),
  errorCode: z.union([z.int(), z.string().max(16)]).optional(),
  timestamp: z.string().optional(),
});
const INBOUND_EVENT = "com.twilio.messaging.inbound-message.received";
const STATUS_EVENT = "com.twilio.messaging.message.";

/**
 * Event Streams messaging events (a sink sends one event, or an array when batch_events is on). The same
 * MessageSid as the form webhook's, so a tenant receiving both stores each message once.
 */
function parseEvents(req: InboundRequest, config: SmsConfig): ParseResult {
  const raw = decodeJson(req.rawBody);
  const events = validated(Array.isArray(raw) ? raw : [raw], CloudEvent.array().max(100));
  const items: InboundItem[] = [];
  for (const e of events) {
    if (e.type === INBOUND_EVENT) {
      const d = validated(e.data, InboundData);
      checkRecipient(config, d.accountSid ?? null, d.to);
      const parts: ContentPart[] = d.body?.trim() ? [{ type: "text", text: d.body }] : [];
      // The event counts media but carries no URLs: say so rather than lose that the customer sent some.
      if (d.numMedia) parts.push({ type: "unsupported", provider_type: "twilio_event_streams_media", description: `${d.numMedia} media item(s) not included in Event Streams events` });
      if (parts.length === 0) continue;
      const occurredAt = twilioTime(d.timestamp);
      items.push({
        kind: "message",
        externalThreadId: phoneThread(d.to, d.from),
        providerMessageId: d.messageSid,
        contact: { externalId: d.from, phone: d.from },
        parts: checkedParts(parts),
        metadata: { to: d.to, ...(d.numSegments ? { num_segments: d.numSegments } : {}) },
        ...(occurredAt ? { occurredAt } : {}),
      });
    } else if (e.type.startsWith(STATUS_EVENT)) {
      const d = validated(e.data, StatusData);
      checkRecipient(config, d.accountSid ?? null, d.from ?? null);
      const status = STATUS.get(e.type.slice(STATUS_EVENT.length));
      if (status) items.push(statusItem(d.messageSid, status, d.errorCode === undefined ? undefined : String(d.errorCode), undefined, d.from ?? null, d.to ?? null, twilioTime(d.timestamp)));
    }
  }
  return { items };
}

export const smsAdapter: ChannelAdapter<SmsConfig> = {
  name: "sms",
  config: TwilioConfig,

  async verify(req, config) {
    await verifyTwilio(req, config.auth_token);
  },

  async parse(req, config) {
    return isJsonDelivery(req) ? parseEvents(req, config) : parseForm(req, config);
  },

  async send(reply, config) {
    const { ourNumber, customer } = splitPhoneThread(reply.externalThreadId);
    return [messageRequest(config, ourNumber, customer, reply.parts)];
  },

  sendOutcome: messageOutcome,
};
