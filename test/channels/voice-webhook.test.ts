/// <reference types="vite/client" />
/**
 * The voice channel through the real Worker entry: the menu, the caller's choice routed with its hints, re-prompts
 * and the fallback, recordings and transcriptions attached, lifecycle callbacks as system events, and deliveries
 * for another number refused with nothing stored.
 */
import { describe, expect, it, vi } from "vitest";
import { threadConversationId } from "../../workers/channels/ingest";
import { BASE, call, ok, tenant } from "../helpers";
import { twilioRequest } from "../signers/sms";
import gatherDigits from "../fixtures/voice/gather-digits.txt?raw";
import gatherNoInput from "../fixtures/voice/gather-no-input.txt?raw";
import gatherSpeech from "../fixtures/voice/gather-speech.txt?raw";
import incomingCall from "../fixtures/voice/incoming-call.txt?raw";
import recordingCompleted from "../fixtures/voice/recording-completed.txt?raw";
import statusAnswered from "../fixtures/voice/status-answered.txt?raw";
import statusCompleted from "../fixtures/voice/status-completed.txt?raw";
import transcriptionCompleted from "../fixtures/voice/transcription-completed.txt?raw";

const AC = `AC${"a".repeat(32)}`;
const CA = `CA${"8".repeat(32)}`;
const TOKEN = "voice-auth-token";
const OURS = "+15017122661";
const THREAD = `${OURS}:+15558675310`;

const IVR = {
  prompt: "For billing press 1 or say billing. For deliveries press 2.",
  attempts: 3,
  options: [
    { digits: "1", speech: ["billing", "my bill"], label: "Billing", route: { queue: "billing" } },
    { digits: "2", speech: ["delivery"], label: "Delivery", route: { skills: ["logistics"], language: "en" } },
  ],
  fallback: { queue: "general" },
};

const ROUTING = {
  queues: [
    { id: "general", name: "General" },
    { id: "billing", name: "Billing" },
  ],
  rules: [{ id: "ivr-billing", when: [{ field: "attributes.ivr_queue", op: "eq", value: "billing" }], queue_id: "billing" }],
  default_queue_id: "general",
};

type Message = { sender: { kind: string; id: string }; direction: string; parts: Record<string, unknown>[]; sent_at?: number; metadata: Record<string, unknown> };

async function voiceTenant(extra: Record<string, unknown> = { ivr: IVR }) {
  const t = await tenant();
  await ok(call("/v1/routing/config", { method: "PUT", auth: t.key, json: ROUTING }));
  const put = await ok(call("/v1/channels/voice", { method: "PUT", auth: t.key, json: { config: { account_sid: AC, auth_token: TOKEN, phone_numbers: [OURS], ...extra } } }));
  const hook: string = put.webhook_url;
  const post = async (body: string, url = hook) => {
    const r = twilioRequest(TOKEN, url, body);
    return call(url.slice(BASE.length), { method: "POST", headers: r.headers, body: r.body });
  };
  const twiml = async (body: string, url = hook) => {
    const res = await post(body, url);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/xml");
    return text;
  };
  const conversation = await threadConversationId(t.id, "voice", THREAD);
  const messages = async () => (await ok<{ data: Message[] }>(call(`/v1/conversations/${conversation}/messages`, { auth: t.key }))).data;
  const status = async () => (await ok<{ status: string }>(call(`/v1/conversations/${conversation}`, { auth: t.key }))).status;
  const waitingIn = () =>
    vi.waitFor(async () => {
      const desk = await ok<{ waiting: { conversation_id: string; queue_id: string; language: string | null }[] }>(call("/v1/routing/desk", { auth: t.key }));
      const w = desk.waiting.find((x) => x.conversation_id === conversation);
      if (!w) throw new Error("not waiting yet");
      return w;
    });
  return { ...t, hook, post, twiml, conversation, messages, status, waitingIn };
}

/** The URL a TwiML attribute points Twilio at, as Twilio will request it. */
function attr(twiml: string, name: string): string {
  const m = new RegExp(`${name}="([^"]+)"`).exec(twiml);
  if (!m) throw new Error(`no ${name} in ${twiml}`);
  return m[1]!.replaceAll("&amp;", "&");
}

describe("voice IVR through the webhook", () => {
  it("a call gets the menu and only an event; pressing 1 routes it to the queue the rules map ivr_queue to", async () => {
    const t = await voiceTenant();
    const menu = await t.twiml(incomingCall);
    expect(menu).toContain('<Gather input="dtmf speech" numDigits="1"');
    expect(menu).toContain("<Say>For billing press 1 or say billing. For deliveries press 2.</Say>");
    const action = attr(menu, "action");
    expect(new URL(action).searchParams.get("ed_event")).toBe("gather");
    expect(new URL(action).searchParams.get("ed_attempt")).toBe("1");

    const [ringing, ...none] = await t.messages();
    expect(none).toEqual([]);
    expect(ringing).toMatchObject({ sender: { kind: "system" }, parts: [{ type: "call_event", event: "ringing", call_id: CA }] });
    expect(await t.status()).toBe("open");

    const answer = await t.twiml(gatherDigits.replace("Digits=2", "Digits=1"), action);
    expect(answer).toContain("<Record ");
    const input = (await t.messages())[1]!;
    expect(input).toMatchObject({ sender: { kind: "system" }, parts: [{ type: "call_event", event: "input", digits: "1", route: "queue billing", call_id: CA }] });
    expect(input.metadata).toMatchObject({ ivr_option: "Billing", ivr_attempt: 1 });
    expect(await t.waitingIn()).toMatchObject({ queue_id: "billing" });
    expect(await t.status()).toBe("queued");
  });

  it("digits for a skill and language route carry them as required; a redelivered callback stores nothing more", async () => {
    const t = await voiceTenant();
    const action = attr(await t.twiml(incomingCall), "action");
    await t.twiml(gatherDigits, action);
    await t.twiml(gatherDigits, action);
    const messages = await t.messages();
    expect(messages).toHaveLength(2);
    expect(messages[1]!.parts[0]).toMatchObject({ event: "input", digits: "2", route: "skills logistics; language en" });
    expect(await t.waitingIn()).toMatchObject({ queue_id: "general", language: "en" });
  });

  it("speech picks the option it names", async () => {
    const t = await voiceTenant();
    const action = attr(await t.twiml(incomingCall), "action");
    await t.twiml(gatherSpeech, action);
    const input = (await t.messages())[1]!;
    expect(input.parts[0]).toMatchObject({ event: "input", speech: "Hi, I have a question about my bill.", route: "queue billing" });
    expect(input.metadata).toMatchObject({ confidence: 0.9034 });
    expect(await t.waitingIn()).toMatchObject({ queue_id: "billing" });
  });

  it("no input asks again with the retry prompt; after the last attempt the fallback route asks for a person", async () => {
    const t = await voiceTenant();
    let action = attr(await t.twiml(incomingCall), "action");
    for (const next of ["2", "3"]) {
      const again = await t.twiml(gatherNoInput, action);
      expect(again).toContain("<Say>Sorry, I did not get that.</Say>");
      action = attr(again, "action");
      expect(new URL(action).searchParams.get("ed_attempt")).toBe(next);
    }
    expect(await t.messages()).toHaveLength(1);
    expect(await t.status()).toBe("open");

    const answer = await t.twiml(gatherNoInput, action);
    expect(answer).toContain("<Record ");
    const fallback = (await t.messages())[1]!;
    expect(fallback).toMatchObject({ sender: { kind: "system" }, parts: [{ type: "call_event", event: "input", route: "queue general" }] });
    expect(fallback.metadata).toMatchObject({ ivr_option: null, ivr_attempt: 3 });
    expect(await t.waitingIn()).toMatchObject({ queue_id: "general" });
  });

  it("keys that match nothing are kept as what the caller did, and the caller is asked again", async () => {
    const t = await voiceTenant();
    const action = attr(await t.twiml(incomingCall), "action");
    expect(await t.twiml(gatherDigits.replace("Digits=2", "Digits=7"), action)).toContain("<Gather ");
    expect((await t.messages())[1]!.parts[0]).toEqual({ type: "call_event", event: "input", call_id: CA, digits: "7" });
    expect(await t.status()).toBe("open");
  });

  it("a Gather callback without CallStatus is accepted", async () => {
    const t = await voiceTenant();
    const action = attr(await t.twiml(incomingCall), "action");
    expect(await t.twiml(gatherDigits.replace("CallStatus=in-progress&", ""), action)).toContain("<Record ");
    expect((await t.messages())[1]!.parts[0]).toMatchObject({ event: "input", digits: "2" });
  });

  it("with enqueue, the choice's queue is the Twilio queue the caller waits in", async () => {
    const t = await voiceTenant({ ivr: IVR, answer: "enqueue" });
    const action = attr(await t.twiml(incomingCall), "action");
    expect(await t.twiml(gatherDigits.replace("Digits=2", "Digits=1"), action)).toContain("<Enqueue>billing</Enqueue>");
  });
});

describe("voice callbacks through the webhook", () => {
  it("without a menu the arrival asks for a person; the recording and its transcription are attached as events", async () => {
    const t = await voiceTenant({});
    const answer = await t.twiml(incomingCall);
    expect(await t.waitingIn()).toMatchObject({ queue_id: "general" });
    await t.twiml(recordingCompleted, attr(answer, "recordingStatusCallback"));
    await t.twiml(transcriptionCompleted, attr(answer, "transcribeCallback"));
    expect(await t.twiml(`${incomingCall}&RecordingUrl=x`, attr(answer, "action"))).toContain("<Hangup/>");
    const [, recorded, transcribed, ...rest] = await t.messages();
    expect(rest).toEqual([]);
    expect(recorded).toMatchObject({
      sender: { kind: "system" },
      parts: [{ type: "call_event", event: "recorded", recording_url: `https://api.twilio.com/2010-04-01/Accounts/${AC}/Recordings/RE${"9".repeat(32)}`, duration_s: 14 }],
    });
    expect(transcribed).toMatchObject({
      sender: { kind: "system" },
      parts: [{ type: "call_event", event: "transcribed", transcript: "Hi, this is Sam calling about order 1234. The box arrived damaged. Please call me back." }],
    });
  });

  it("lifecycle callbacks are system events with Twilio's Timestamp as sent_at, and ask for nobody", async () => {
    const t = await voiceTenant();
    await t.twiml(statusAnswered);
    await t.twiml(statusCompleted);
    const messages = await t.messages();
    expect(messages.map((m) => [m.sender.kind, m.parts[0]!.event, m.sent_at])).toEqual([
      ["system", "answered", Date.UTC(2025, 0, 14, 17, 20, 1)],
      ["system", "completed", Date.UTC(2025, 0, 14, 17, 20, 48)],
    ]);
    expect(await t.status()).toBe("open");
  });

  it("a call to a number this channel does not list, or for another account, is 403 and stores nothing", async () => {
    const t = await voiceTenant();
    const other = incomingCall.replace("To=%2B15017122661", "To=%2B15550001111").replace("Called=%2B15017122661", "Called=%2B15550001111");
    const res = await t.post(other);
    expect(res.status, await res.clone().text()).toBe(403);
    expect((await t.post(incomingCall.replace(`AccountSid=${AC}`, `AccountSid=AC${"b".repeat(32)}`))).status).toBe(403);
    const elsewhere = await threadConversationId(t.id, "voice", "+15550001111:+15558675310");
    expect((await call(`/v1/conversations/${elsewhere}/messages`, { auth: t.key })).status).toBe(404);
    expect((await call(`/v1/conversations/${t.conversation}/messages`, { auth: t.key })).status).toBe(404);
  });
});
