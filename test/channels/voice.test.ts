/// <reference types="vite/client" />
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InboundRequest, OutboundReply } from "../../workers/channels/adapter";
import { voiceAdapter } from "../../workers/channels/voice";
import type { VoiceConfig } from "../../workers/channels/voice";
import incomingCall from "../fixtures/voice/incoming-call.txt?raw";
import recordingCompleted from "../fixtures/voice/recording-completed.txt?raw";
import statusCompleted from "../fixtures/voice/status-completed.txt?raw";
import transcriptionCompleted from "../fixtures/voice/transcription-completed.txt?raw";
import { twilioRequest, voiceCallbackUrl } from "../signers/voice";
import { forms, parseNeverCrashes } from "./never-crashes";
import { rejects } from "./support";

const AC = `AC${"a".repeat(32)}`;
const CA = `CA${"8".repeat(32)}`;
const RE = `RE${"9".repeat(32)}`;
const OURS = "+15017122661";
const CUSTOMER = "+15558675310";
const THREAD = `${OURS}:${CUSTOMER}`;
const URL_ = "https://edge.example/webhooks/voice/ten_1";
const config: VoiceConfig = voiceAdapter.config.parse({ account_sid: AC, auth_token: "voice-token", api_base: "https://twilio.stub" });
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';

function signed(body: string, url = URL_): InboundRequest {
  const r = twilioRequest(config.auth_token, url, body);
  return { method: "POST", url, headers: new Headers(r.headers), rawBody: new TextEncoder().encode(r.body) };
}

describe("voice fixtures", () => {
  it("an incoming call becomes a ringing call event that asks for a person, answered with greeting + recording TwiML", async () => {
    const req = signed(incomingCall);
    await voiceAdapter.verify(req, config, 0);
    const r = await voiceAdapter.parse(req, config);
    expect(r.items).toEqual([
      {
        kind: "message",
        externalThreadId: THREAD,
        providerMessageId: `${CA}:ringing`,
        contact: { externalId: CUSTOMER, phone: CUSTOMER },
        event: true,
        routing: {},
        parts: [{ type: "call_event", event: "ringing", call_id: CA }],
        metadata: { call_sid: CA, direction: "inbound" },
      },
    ]);
    const cb = voiceCallbackUrl(URL_, OURS, CUSTOMER).replaceAll("&", "&amp;");
    const done = `${voiceCallbackUrl(URL_, OURS, CUSTOMER)}&ed_event=recorded`.replaceAll("&", "&amp;");
    expect(r.response).toEqual({
      status: 200,
      contentType: "text/xml",
      body:
        `${XML_HEAD}<Response><Say>Thanks for calling. Please leave a message after the tone and we will get back to you.</Say>` +
        `<Record transcribe="true" maxLength="120" action="${done}" recordingStatusCallback="${cb}" recordingStatusCallbackEvent="completed" transcribeCallback="${cb}"/></Response>`,
    });
  });

  it("the greeting is configurable, escaped, and can enqueue instead of recording", async () => {
    const cfg = voiceAdapter.config.parse({ ...config, greeting: "Hi <there> & welcome", answer: "enqueue", queue: "vip" });
    const r = await voiceAdapter.parse(signed(incomingCall), cfg);
    expect(r.response?.body).toBe(`${XML_HEAD}<Response><Say>Hi &lt;there&gt; &amp; welcome</Say><Enqueue>vip</Enqueue></Response>`);
  });

  it("a completed status callback is an event with the duration and Twilio's Timestamp, asks for nobody, and gets empty TwiML", async () => {
    const r = await voiceAdapter.parse(signed(statusCompleted), config);
    expect(r.items).toEqual([
      {
        kind: "message",
        externalThreadId: THREAD,
        providerMessageId: `${CA}:completed`,
        contact: { externalId: CUSTOMER, phone: CUSTOMER },
        event: true,
        occurredAt: Date.UTC(2025, 0, 14, 17, 20, 48),
        parts: [{ type: "call_event", event: "completed", call_id: CA, duration_s: 47 }],
        metadata: { call_sid: CA, direction: "inbound" },
      },
    ]);
    expect(r.response?.body).toBe(`${XML_HEAD}<Response></Response>`);
  });

  it("a recording status callback becomes a `recorded` call event with the recording's URL and length", async () => {
    const r = await voiceAdapter.parse(signed(recordingCompleted, voiceCallbackUrl(URL_, OURS, CUSTOMER)), config);
    expect(r.items).toEqual([
      {
        kind: "message",
        externalThreadId: THREAD,
        providerMessageId: RE,
        contact: { externalId: CUSTOMER, phone: CUSTOMER },
        event: true,
        parts: [{ type: "call_event", event: "recorded", call_id: CA, recording_url: `https://api.twilio.com/2010-04-01/Accounts/${AC}/Recordings/${RE}`, duration_s: 14 }],
        metadata: { call_sid: CA, recording_sid: RE },
      },
    ]);
  });

  it("a recording that is not complete yet (in-progress, absent) stores nothing", async () => {
    for (const status of ["in-progress", "absent"]) {
      const r = await voiceAdapter.parse(signed(recordingCompleted.replace("RecordingStatus=completed", `RecordingStatus=${status}`), voiceCallbackUrl(URL_, OURS, CUSTOMER)), config);
      expect(r.items).toEqual([]);
    }
  });

  it("a recording callback that does not say who called is refused", async () => {
    await rejects(voiceAdapter.parse(signed(recordingCompleted), config), 422);
  });

  it("a transcribeCallback becomes a `transcribed` call event carrying the transcript", async () => {
    const r = await voiceAdapter.parse(signed(transcriptionCompleted, voiceCallbackUrl(URL_, OURS, CUSTOMER)), config);
    expect(r.items).toEqual([
      {
        kind: "message",
        externalThreadId: THREAD,
        providerMessageId: `TR${"b".repeat(32)}`,
        contact: { externalId: CUSTOMER, phone: CUSTOMER },
        event: true,
        parts: [{ type: "call_event", event: "transcribed", call_id: CA, transcript: "Hi, this is Sam calling about order 1234. The box arrived damaged. Please call me back." }],
        metadata: { call_sid: CA, direction: "inbound", transcription_sid: `TR${"b".repeat(32)}`, recording_sid: RE },
      },
    ]);
  });

  it("a failed transcription stores nothing", async () => {
    const r = await voiceAdapter.parse(signed(transcriptionCompleted.replace("TranscriptionStatus=completed", "TranscriptionStatus=failed"), voiceCallbackUrl(URL_, OURS, CUSTOMER)), config);
    expect(r.items).toEqual([]);
  });

  it("the <Record> action request hangs up instead of greeting again", async () => {
    const url = `${voiceCallbackUrl(URL_, OURS, CUSTOMER)}&ed_event=recorded`;
    const r = await voiceAdapter.parse(signed(`${incomingCall}&RecordingUrl=x&RecordingDuration=3`, url), config);
    expect(r).toEqual({ items: [], response: { status: 200, contentType: "text/xml", body: `${XML_HEAD}<Response><Hangup/></Response>` } });
  });

  it("outbound calls keep <our number>:<customer> as the thread, and their voice URL request asks for nobody", async () => {
    const body = `CallSid=${CA}&CallStatus=in-progress&Direction=outbound-api&From=${encodeURIComponent(OURS)}&To=${encodeURIComponent(CUSTOMER)}&CallbackSource=call-progress-events`;
    const r = await voiceAdapter.parse(signed(body), config);
    expect(r.items[0]).toMatchObject({ externalThreadId: THREAD, providerMessageId: `${CA}:in-progress`, event: true, parts: [{ type: "call_event", event: "answered" }] });
    const answered = await voiceAdapter.parse(signed(body.replace("&CallbackSource=call-progress-events", "")), config);
    expect(answered.items[0]).not.toHaveProperty("routing");
    expect(answered.response?.body).toContain("<Record ");
  });

  it("every lifecycle callback is an event that asks for nobody", async () => {
    for (const status of ["initiated", "ringing", "in-progress", "completed", "busy", "no-answer", "failed", "canceled"]) {
      const r = await voiceAdapter.parse(signed(statusCompleted.replace("CallStatus=completed", `CallStatus=${status}`)), config);
      expect(r.items).toHaveLength(1);
      expect(r.items[0]).toMatchObject({ event: true, providerMessageId: `${CA}:${status}` });
      expect(r.items[0]).not.toHaveProperty("routing");
    }
  });

  it("every CallStatus maps to a call event; an unknown one is 422", async () => {
    const expected = { queued: "initiated", initiated: "initiated", ringing: "ringing", "in-progress": "answered", completed: "completed", busy: "busy", "no-answer": "no_answer", failed: "failed", canceled: "canceled" };
    for (const [status, event] of Object.entries(expected)) {
      const r = await voiceAdapter.parse(signed(`CallSid=${CA}&CallStatus=${status}&From=%2B1&To=%2B2&CallbackSource=call-progress-events`), config);
      expect(r.items[0]).toMatchObject({ parts: [{ event }] });
    }
    await rejects(voiceAdapter.parse(signed(`CallSid=${CA}&CallStatus=exploded&From=%2B1&To=%2B2`), config), 422);
  });

  it("bad or missing signatures are 401", async () => {
    const good = signed(statusCompleted);
    await rejects(voiceAdapter.verify({ ...good, headers: new Headers() }, config, 0), 401);
    await rejects(voiceAdapter.verify({ ...good, rawBody: new TextEncoder().encode(`${statusCompleted}&CallDuration=1`) }, config, 0), 401);
  });
});

describe("voice send", () => {
  const reply: OutboundReply = { messageId: "m1", externalThreadId: THREAD, parts: [{ type: "text", text: "We called you back, call us anytime." }], metadata: {} };

  it("a text reply goes out as SMS from sms_from", async () => {
    const cfg = voiceAdapter.config.parse({ ...config, sms_from: "+15005550006" });
    expect(await voiceAdapter.send(reply, cfg)).toEqual([
      {
        url: `https://twilio.stub/2010-04-01/Accounts/${AC}/Messages.json`,
        method: "POST",
        headers: { authorization: `Basic ${btoa(`${AC}:voice-token`)}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ To: CUSTOMER, From: "+15005550006", Body: "We called you back, call us anytime." }).toString(),
      },
    ]);
  });

  it("without sms_from a text reply is refused", async () => {
    await rejects(voiceAdapter.send(reply, config), 422, "voice conversations cannot take text replies without sms_from");
  });

  it("sendOutcome reads the SMS sid", () => {
    expect(voiceAdapter.sendOutcome(201, '{"sid":"SMabc"}')).toEqual({ ok: true, providerMessageId: "SMabc" });
    expect(voiceAdapter.sendOutcome(404, "{}")).toMatchObject({ ok: false, retryable: false });
    expect(voiceAdapter.sendOutcome(500, "")).toMatchObject({ ok: false, retryable: true });
    expect(voiceAdapter.sendOutcome(429, "")).toMatchObject({ ok: false, retryable: true });
  });
});

parseNeverCrashes({
  name: "voice",
  adapter: voiceAdapter,
  config,
  request: (bytes) => ({ ...signed(""), rawBody: bytes }),
  cases: {
    "on arbitrary bytes": fc.uint8Array({ maxLength: 300 }),
    "on arbitrary forms built from Twilio's voice parameter names": forms(
      fc.constantFrom("CallSid", "CallStatus", "From", "To", "Direction", "CallDuration", "RecordingSid", "RecordingStatus", "RecordingUrl", "RecordingDuration", "TranscriptionSid", "TranscriptionText", "TranscriptionStatus", "CallbackSource", "Timestamp", "AccountSid"),
      fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("completed", "ringing", "https://api.twilio.com/x", "call-progress-events", "12", "Tue, 14 Jan 2025 17:20:48 +0000")),
    ),
  },
});

const withMenu: VoiceConfig = voiceAdapter.config.parse({
  ...config,
  ivr: { prompt: "Press 1", options: [{ digits: "1", speech: ["sales"], label: "Sales", route: { queue: "sales" } }] },
});

parseNeverCrashes({
  name: "voice menu callbacks",
  adapter: voiceAdapter,
  config: withMenu,
  request: (bytes) => ({ ...signed("", `${voiceCallbackUrl(URL_, OURS, CUSTOMER)}&ed_event=gather&ed_attempt=2`), rawBody: bytes }),
  cases: {
    "on arbitrary forms built from Twilio's Gather parameter names": forms(
      fc.constantFrom("CallSid", "CallStatus", "From", "To", "Digits", "SpeechResult", "Confidence", "AccountSid"),
      fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("1", "sales", "0.5", "NaN", "-1", "*")),
    ),
  },
});
