/**
 * Phone calls through Twilio Voice (R6.2): the incoming-call webhook is answered with TwiML, and call
 * progress, recordings and transcriptions become messages in the caller's phone-pair thread.
 *
 * Point the number's voice URL and its status callback at the same webhook URL. The answer TwiML points
 * the recording and transcription callbacks back at it too, adding ed_number/ed_customer to the query
 * because Twilio's recording status callback does not say who was on the call.
 */
import { z } from "zod";
import { ContentPart } from "../../shared/message";
import { ChannelError } from "./adapter";
import type { ChannelAdapter, InboundMessage, InboundRequest, ParseResult } from "./adapter";
import { messageOutcome, messageRequest, phoneThread, seconds, splitPhoneThread, TwilioConfig, twilioParams, twiml, verifyTwilio, xmlEscape } from "./twilio";

export const VoiceConfig = TwilioConfig.extend({
  /** Read to the caller before recording or queueing. */
  greeting: z.string().max(1000).default("Thanks for calling. Please leave a message after the tone and we will get back to you."),
  /** record: voicemail with transcription (the default); enqueue: hold in a Twilio queue for an agent. */
  answer: z.enum(["record", "enqueue"]).default("record"),
  queue: z.string().min(1).max(64).default("support"),
  max_recording_s: z.int().min(1).max(3600).default(120),
  /** Text replies in a voice conversation go out as SMS from this number; without it they are refused. */
  sms_from: z.string().min(1).optional(),
});
export type VoiceConfig = z.infer<typeof VoiceConfig>;

type CallEvent = Extract<ContentPart, { type: "call_event" }>["event"];
const CALL_EVENT = new Map<string, CallEvent>(Object.entries({
  queued: "initiated",
  initiated: "initiated",
  ringing: "ringing",
  "in-progress": "answered",
  completed: "completed",
  busy: "busy",
  "no-answer": "no_answer",
  failed: "failed",
  canceled: "canceled",
} satisfies Record<string, CallEvent>));

function callbackUrl(reqUrl: string, extra: Record<string, string>): string {
  const u = new URL(reqUrl);
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
  return u.toString();
}

function answerTwiml(req: InboundRequest, config: VoiceConfig, ourNumber: string, customer: string): string {
  const say = `<Say>${xmlEscape(config.greeting)}</Say>`;
  if (config.answer === "enqueue") return `${say}<Enqueue>${xmlEscape(config.queue)}</Enqueue>`;
  const thread = { ed_number: ourNumber, ed_customer: customer };
  const cb = xmlEscape(callbackUrl(req.url, thread));
  // Without an action, Twilio would fetch this same URL after recording and get the greeting again.
  const done = xmlEscape(callbackUrl(req.url, { ...thread, ed_event: "recorded" }));
  return `${say}<Record transcribe="true" maxLength="${config.max_recording_s}" action="${done}" recordingStatusCallback="${cb}" recordingStatusCallbackEvent="completed" transcribeCallback="${cb}"/>`;
}

function parts(list: ContentPart[]): ContentPart[] {
  const checked = ContentPart.array().min(1).safeParse(list);
  if (!checked.success) throw new ChannelError(422, `unusable call content: ${checked.error.issues[0]?.message}`);
  return checked.data;
}

export const voiceAdapter: ChannelAdapter<VoiceConfig> = {
  name: "voice",
  config: VoiceConfig,

  async verify(req, config) {
    await verifyTwilio(req, config.auth_token);
  },

  async parse(req, config): Promise<ParseResult> {
    const p = twilioParams(req);
    const query = new URL(req.url).searchParams;
    const callSid = p.get("CallSid");
    if (!callSid) throw new ChannelError(422, "no CallSid");
    if (query.get("ed_event") === "recorded") return { items: [], response: twiml("<Hangup/>") };

    // Our outbound calls have the customer in To; the thread is always <our number>:<customer>.
    const outbound = p.get("Direction")?.startsWith("outbound") ?? false;
    const ourNumber = query.get("ed_number") ?? (outbound ? p.get("From") : p.get("To"));
    const customer = query.get("ed_customer") ?? (outbound ? p.get("To") : p.get("From"));
    if (!ourNumber || !customer) throw new ChannelError(422, "cannot tell which phone numbers this call is between");
    const base = {
      kind: "message" as const,
      externalThreadId: phoneThread(ourNumber, customer),
      contact: { externalId: customer, phone: customer },
    };

    const transcriptionSid = p.get("TranscriptionSid");
    if (transcriptionSid) {
      const text = p.get("TranscriptionText")?.trim();
      if (p.get("TranscriptionStatus") !== "completed" || !text) return { items: [], response: twiml() };
      const item: InboundMessage = {
        ...base,
        providerMessageId: transcriptionSid,
        parts: parts([{ type: "text", text: text.slice(0, 16_000) }]),
        metadata: { transcript: true, call_sid: callSid, ...(p.get("RecordingSid") ? { recording_sid: p.get("RecordingSid") } : {}) },
      };
      return { items: [item], response: twiml() };
    }

    const recordingSid = p.get("RecordingSid");
    const recordingStatus = p.get("RecordingStatus");
    if (recordingSid && recordingStatus) {
      const url = p.get("RecordingUrl");
      if (recordingStatus !== "completed" || !url) return { items: [], response: twiml() };
      const item: InboundMessage = {
        ...base,
        providerMessageId: recordingSid,
        parts: parts([{ type: "audio", url, duration_s: seconds(p.get("RecordingDuration")) }]),
        metadata: { call_sid: callSid, recording_sid: recordingSid },
      };
      return { items: [item], response: twiml() };
    }

    const callStatus = p.get("CallStatus") ?? "";
    const event = CALL_EVENT.get(callStatus);
    if (!event) throw new ChannelError(422, `unknown CallStatus ${callStatus}`);
    const recordingUrl = p.get("RecordingUrl");
    const item: InboundMessage = {
      ...base,
      providerMessageId: `${callSid}:${callStatus}`,
      parts: parts([
        {
          type: "call_event",
          event,
          call_id: callSid,
          duration_s: seconds(p.get("CallDuration")),
          ...(recordingUrl ? { recording_url: recordingUrl } : {}),
        },
      ]),
      metadata: p.get("Direction") ? { direction: p.get("Direction") } : {},
    };
    // Status callbacks say where they come from; the voice URL request is the one that wants instructions.
    const isCallbackEvent = p.get("CallbackSource") === "call-progress-events";
    return { items: [item], response: isCallbackEvent ? twiml() : twiml(answerTwiml(req, config, ourNumber, customer)) };
  },

  async send(reply, config) {
    if (!config.sms_from) throw new ChannelError(422, "voice conversations cannot take text replies without sms_from");
    const { customer } = splitPhoneThread(reply.externalThreadId);
    return [messageRequest(config, config.sms_from, customer, reply.parts)];
  },

  sendOutcome: messageOutcome,
};
