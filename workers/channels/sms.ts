/**
 * SMS/MMS through Twilio Programmable Messaging. One webhook URL takes both incoming messages and the
 * status callbacks of messages we sent; both are answered with empty TwiML (no auto-reply).
 */
import { ContentPart } from "../../shared/message";
import type { DeliveryStatus } from "../../shared/message";
import { ChannelError } from "./adapter";
import type { ChannelAdapter, InboundItem } from "./adapter";
import { messageOutcome, messageRequest, phoneThread, splitPhoneThread, TwilioConfig, twilioParams, twiml, verifyTwilio } from "./twilio";

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

function mediaPart(url: string, mime: string | null): ContentPart {
  const typed = mime ? { url, mime_type: mime } : { url };
  if (mime?.startsWith("image/")) return { type: "image", ...typed };
  if (mime?.startsWith("audio/")) return { type: "audio", ...typed };
  if (mime?.startsWith("video/")) return { type: "video", ...typed };
  return { type: "file", ...typed };
}

export const smsAdapter: ChannelAdapter<SmsConfig> = {
  name: "sms",
  config: TwilioConfig,

  async verify(req, config) {
    await verifyTwilio(req, config.auth_token);
  },

  async parse(req) {
    const p = twilioParams(req);
    const sid = p.get("MessageSid") ?? p.get("SmsSid");
    const from = p.get("From");
    const to = p.get("To");
    if (!sid) throw new ChannelError(422, "no MessageSid");

    const messageStatus = p.get("MessageStatus");
    if (messageStatus && messageStatus !== "received" && messageStatus !== "receiving") {
      const status = STATUS.get(messageStatus);
      if (!status) return { items: [], response: twiml() };
      const code = p.get("ErrorCode");
      const item: InboundItem = { kind: "status", providerMessageId: sid, status };
      if (code) item.reason = `Twilio error ${code}${p.get("ErrorMessage") ? `: ${p.get("ErrorMessage")}` : ""}`;
      // Outbound: From is our number and To the customer.
      if (from && to) item.externalThreadId = phoneThread(from, to);
      return { items: [item], response: twiml() };
    }

    if (!from || !to) throw new ChannelError(422, "an incoming message needs From and To");
    const parts: ContentPart[] = [];
    const body = p.get("Body");
    if (body?.trim()) parts.push({ type: "text", text: body });
    const numMedia = Math.min(Number(p.get("NumMedia") ?? 0) || 0, 10);
    for (let i = 0; i < numMedia; i++) {
      const url = p.get(`MediaUrl${i}`);
      if (url) parts.push(mediaPart(url, p.get(`MediaContentType${i}`)));
    }
    const checked = ContentPart.array().safeParse(parts);
    if (!checked.success) throw new ChannelError(422, `unusable message content: ${checked.error.issues[0]?.message}`);
    if (checked.data.length === 0) return { items: [], response: twiml() };
    return {
      items: [
        {
          kind: "message",
          externalThreadId: phoneThread(to, from),
          providerMessageId: sid,
          contact: { externalId: from, phone: from },
          parts: checked.data,
          metadata: { to, ...(p.get("NumSegments") ? { num_segments: Number(p.get("NumSegments")) } : {}) },
        },
      ],
      response: twiml(),
    };
  },

  async send(reply, config) {
    const { ourNumber, customer } = splitPhoneThread(reply.externalThreadId);
    return [messageRequest(config, ourNumber, customer, reply.parts)];
  },

  sendOutcome: messageOutcome,
};
