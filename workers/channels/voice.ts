/**
 * Phone calls through Twilio Voice (R6.2). The incoming-call webhook is answered with TwiML (the tenant's menu,
 * or the greeting and then a voicemail recording or a Twilio queue); everything the call does afterwards (its
 * progress, the caller's menu choice, the recording, its transcription) is a call event in the caller's
 * phone-pair thread: a system message, never the customer's words. Only the call's arrival (without a menu)
 * or the menu choice asks for a person.
 *
 * Point the number's voice URL and its status callback at the same webhook URL. Our TwiML points Twilio's
 * Gather, Record, recording and transcription callbacks back at it, adding ed_* markers to the query (Twilio
 * signs the whole URL): ed_number/ed_customer name the thread, since a recording callback does not say who was
 * on the call; ed_event says which callback this is; ed_attempt which menu attempt is being answered.
 */
import { z } from "zod";
import { ContentPart } from "../../shared/message";
import { ChannelError } from "./adapter";
import type { ChannelAdapter, InboundMessage, InboundRequest, ParseResult } from "./adapter";
import { checkRecipient, isJsonDelivery, messageOutcome, messageRequest, phoneThread, seconds, splitPhoneThread, TwilioConfig, twilioParams, twilioTime, twiml, verifyTwilio, xmlEscape } from "./twilio";
import { attemptOf, decide, describeRoute, gatherTwiml, IvrConfig, routingFor, sayTwiml } from "./voice-ivr";
import type { IvrRoute } from "./voice-ivr";

export const VoiceConfig = TwilioConfig.extend({
  /** Read to the caller before recording or queueing. */
  greeting: z.string().max(1000).default("Thanks for calling. Please leave a message after the tone and we will get back to you."),
  /** record: voicemail with transcription (the default); enqueue: hold in a Twilio queue for an agent. */
  answer: z.enum(["record", "enqueue"]).default("record"),
  /** The Twilio queue for `enqueue`; a menu choice with its own `queue` waits in that one instead. */
  queue: z.string().min(1).max(64).default("support"),
  max_recording_s: z.int().min(1).max(3600).default(120),
  /** Text replies in a voice conversation go out as SMS from this number; without it they are refused. */
  sms_from: z.string().min(1).optional(),
  /** A menu played before answering; without it every call is answered at once. */
  ivr: IvrConfig.optional(),
});
export type VoiceConfig = z.infer<typeof VoiceConfig>;

type CallEvent = Extract<ContentPart, { type: "call_event" }>;
const CALL_EVENT = new Map<string, CallEvent["event"]>(Object.entries({
  queued: "initiated",
  initiated: "initiated",
  ringing: "ringing",
  "in-progress": "answered",
  completed: "completed",
  busy: "busy",
  "no-answer": "no_answer",
  failed: "failed",
  canceled: "canceled",
} satisfies Record<string, CallEvent["event"]>));

type Thread = { ourNumber: string; customer: string };

function callbackUrl(reqUrl: string, thread: Thread, extra: Record<string, string> = {}): string {
  const u = new URL(reqUrl);
  for (const k of ["ed_event", "ed_attempt"]) u.searchParams.delete(k);
  u.searchParams.set("ed_number", thread.ourNumber);
  u.searchParams.set("ed_customer", thread.customer);
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
  return u.toString();
}

/** What the call does once it is answered (or the caller chose): the greeting, then a queue or a voicemail. */
function answerTwiml(req: InboundRequest, config: VoiceConfig, thread: Thread, route?: IvrRoute): string {
  const say = sayTwiml(config.greeting, config.ivr);
  if (config.answer === "enqueue") return `${say}<Enqueue>${xmlEscape(route?.queue ?? config.queue)}</Enqueue>`;
  const cb = xmlEscape(callbackUrl(req.url, thread));
  // Without an action, Twilio would fetch this same URL after recording and get the greeting again.
  const done = xmlEscape(callbackUrl(req.url, thread, { ed_event: "recorded" }));
  return `${say}<Record transcribe="true" maxLength="${config.max_recording_s}" action="${done}" recordingStatusCallback="${cb}" recordingStatusCallbackEvent="completed" transcribeCallback="${cb}"/>`;
}

function callEvent(part: Omit<CallEvent, "type">): ContentPart[] {
  const checked = ContentPart.array().min(1).safeParse([{ type: "call_event", ...part }]);
  if (!checked.success) throw new ChannelError(422, `unusable call content: ${checked.error.issues[0]?.message}`);
  return checked.data;
}

type EventBase = Omit<InboundMessage, "providerMessageId" | "parts">;

/** A Gather callback: the caller's keys or words pick an option, ask again, or end in the fallback. */
function menuChoice(req: InboundRequest, config: VoiceConfig, p: URLSearchParams, thread: Thread, callSid: string, base: EventBase): ParseResult {
  const ivr = config.ivr;
  // The menu was removed while the call was in it: answer the call as the channel now does.
  if (!ivr) return { items: [], response: twiml(answerTwiml(req, config, thread)) };
  const attempt = attemptOf(ivr, new URL(req.url).searchParams.get("ed_attempt"));
  const digits = p.get("Digits") || undefined;
  const speech = p.get("SpeechResult")?.trim().slice(0, 4000) || undefined;
  const rawConfidence = p.get("Confidence") ? Number(p.get("Confidence")) : NaN;
  const confidence = Number.isFinite(rawConfidence) ? rawConfidence : undefined;
  const decision = decide(ivr, { digits, speech, confidence }, attempt);
  const heard = {
    ...base,
    // One input per attempt: a redelivered callback is the same message.
    providerMessageId: `${callSid}:input:${attempt}`,
    metadata: { ...base.metadata, ivr_attempt: attempt, ...(confidence !== undefined ? { confidence } : {}) },
  };
  if (decision.kind === "retry") {
    const action = callbackUrl(req.url, thread, { ed_event: "gather", ed_attempt: String(decision.attempt) });
    // Silence leaves nothing to show; keys or words that matched nothing are still what the caller did.
    const items: InboundMessage[] = digits || speech ? [{ ...heard, parts: callEvent({ event: "input", call_id: callSid, digits, speech }) }] : [];
    return { items, response: twiml(gatherTwiml(ivr, action, decision.attempt)) };
  }
  const item: InboundMessage = {
    ...heard,
    parts: callEvent({ event: "input", call_id: callSid, digits, speech, route: describeRoute(decision.route) }),
    metadata: { ...heard.metadata, ivr_option: decision.option?.label ?? null },
    routing: routingFor(decision.route),
  };
  return { items: [item], response: twiml(answerTwiml(req, config, thread, decision.route)) };
}

export const voiceAdapter: ChannelAdapter<VoiceConfig> = {
  name: "voice",
  config: VoiceConfig,

  async verify(req, config) {
    await verifyTwilio(req, config.auth_token);
  },

  async parse(req, config): Promise<ParseResult> {
    if (isJsonDelivery(req)) throw new ChannelError(422, "the voice channel takes Twilio's voice webhooks (forms); Event Streams JSON is not accepted here");
    const p = twilioParams(req);
    const query = new URL(req.url).searchParams;
    const callSid = p.get("CallSid");
    if (!callSid) throw new ChannelError(422, "no CallSid");

    // Our outbound calls have the customer in To; the thread is always <our number>:<customer>.
    const outbound = p.get("Direction")?.startsWith("outbound") ?? false;
    const ourNumber = query.get("ed_number") ?? (outbound ? p.get("From") : p.get("To"));
    const customer = query.get("ed_customer") ?? (outbound ? p.get("To") : p.get("From"));
    checkRecipient(config, p.get("AccountSid"), ourNumber);
    if (!ourNumber || !customer) throw new ChannelError(422, "cannot tell which phone numbers this call is between");
    const thread = { ourNumber, customer };
    const occurredAt = twilioTime(p.get("Timestamp"));
    const base: EventBase = {
      kind: "message",
      externalThreadId: phoneThread(ourNumber, customer),
      contact: { externalId: customer, phone: customer },
      event: true,
      metadata: { call_sid: callSid, ...(p.get("Direction") ? { direction: p.get("Direction") } : {}) },
      ...(occurredAt ? { occurredAt } : {}),
    };

    const marker = query.get("ed_event");
    if (marker === "recorded") return { items: [], response: twiml("<Hangup/>") };
    if (marker === "gather") return menuChoice(req, config, p, thread, callSid, base);

    const transcriptionSid = p.get("TranscriptionSid");
    if (transcriptionSid) {
      const text = p.get("TranscriptionText")?.trim();
      if (p.get("TranscriptionStatus") !== "completed" || !text) return { items: [], response: twiml() };
      const recordingSid = p.get("RecordingSid");
      const item: InboundMessage = {
        ...base,
        providerMessageId: transcriptionSid,
        parts: callEvent({ event: "transcribed", call_id: callSid, transcript: text.slice(0, 16_000) }),
        metadata: { ...base.metadata, transcription_sid: transcriptionSid, ...(recordingSid ? { recording_sid: recordingSid } : {}) },
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
        parts: callEvent({ event: "recorded", call_id: callSid, recording_url: url, duration_s: seconds(p.get("RecordingDuration")) }),
        metadata: { ...base.metadata, recording_sid: recordingSid },
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
      parts: callEvent({ event, call_id: callSid, duration_s: seconds(p.get("CallDuration")), ...(recordingUrl ? { recording_url: recordingUrl } : {}) }),
    };
    // Status callbacks say where they come from; the voice URL request is the call arriving and wants instructions.
    if (p.get("CallbackSource") === "call-progress-events") return { items: [item], response: twiml() };
    // A call we placed was asked for by someone already: no menu, no routing.
    if (outbound) return { items: [item], response: twiml(answerTwiml(req, config, thread)) };
    if (config.ivr) {
      // The menu choice asks for a person, with its route; the arrival itself only records the call.
      const action = callbackUrl(req.url, thread, { ed_event: "gather", ed_attempt: "1" });
      return { items: [item], response: twiml(gatherTwiml(config.ivr, action, 1)) };
    }
    return { items: [{ ...item, routing: {} }], response: twiml(answerTwiml(req, config, thread)) };
  },

  async send(reply, config) {
    if (!config.sms_from) throw new ChannelError(422, "voice conversations cannot take text replies without sms_from");
    const { customer } = splitPhoneThread(reply.externalThreadId);
    return [messageRequest(config, config.sms_from, customer, reply.parts)];
  },

  sendOutcome: messageOutcome,
};
