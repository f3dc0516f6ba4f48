/// <reference types="vite/client" />
/**
 * Every built-in webhook channel end to end: configured through the channel API, a documented fixture
 * signed the way the provider signs it, sent through the real Worker entry into the real conversation
 * objects. One table row per channel; the same checks run for each.
 */
import { describe, expect, it } from "vitest";
import { threadConversationId } from "../workers/channels/ingest";
import { BASE, call, ok, tenant } from "./helpers";
import { standardWebhookHeaders } from "./signers/api";
import { emailHeaders } from "./signers/email";
import { signInstagram } from "./signers/instagram";
import { signLine } from "./signers/line";
import { signMessenger } from "./signers/messenger";
import { signSlack } from "./signers/slack";
import { twilioRequest } from "./signers/sms";
import { signTelegram } from "./signers/telegram";
import { voiceCallbackUrl } from "./signers/voice";
import { wechatHeaders, wechatSignedUrl } from "./signers/wechat";
import { signWhatsapp } from "./signers/whatsapp";
import apiText from "./fixtures/api/message-text.json?raw";
import emailSimple from "./fixtures/email/rfc5322-a1-simple.eml?raw";
import instagramText from "./fixtures/instagram/text.json?raw";
import lineText from "./fixtures/line/text_group.json?raw";
import messengerText from "./fixtures/messenger/text.json?raw";
import slackMessage from "./fixtures/slack/message.json?raw";
import slackUrlVerification from "./fixtures/slack/url_verification.json?raw";
import smsText from "./fixtures/sms/inbound-text.txt?raw";
import telegramText from "./fixtures/telegram/text.json?raw";
import voiceIncoming from "./fixtures/voice/incoming-call.txt?raw";
import wechatText from "./fixtures/wechat/oa-text.xml?raw";
import whatsappText from "./fixtures/whatsapp/text.json?raw";

type Config = Record<string, any>;
/** A request as the provider would send it; `url` is absolute and exactly what the provider signed. */
type Req = { method?: "GET" | "POST"; url: string; headers: Record<string, string>; body?: string };
type Answer = { type: string; body: string } | { type: string; contains: string[] };

type Row = {
  channel: string;
  config: Config;
  /** Merged over config to sign with the wrong secret. */
  wrong: Config;
  sign: (config: Config, body: string, hook: string, nowMs: number) => Req;
  /** The signed request without its credential (header or query). */
  strip: (r: Req) => Req;
  /** The scheme signs a timestamp, so an old one is refused. */
  timestamped?: true;
  fixture: string;
  thread: string;
  parts: unknown[];
  /** Who the stored message is from: a call event is the channel's (system), not the customer's words. */
  sender?: "customer" | "system";
  answer?: (hook: string) => Answer;
  /** Requests whose whole point is the provider's expected answer (subscription handshakes, url_verification). */
  handshakes?: { name: string; req: (config: Config, hook: string, nowMs: number) => Req; status: number; answer?: Answer }[];
  /** Signed like a real delivery (where the scheme signs the body), but not a payload the adapter accepts. */
  malformed: { body: string; status: 400 | 422 }[];
};

const JSON_OK: Answer = { type: "application/json", body: '{"ok":true}' };
const EMPTY_TWIML: Answer = { type: "text/xml", body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>' };
const TWILIO = { account_sid: `AC${"a".repeat(32)}`, auth_token: "twilio-auth-token" };

const without = (r: Req, header: string): Req => ({ ...r, headers: Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== header)) });
const mutate = (fixture: string, edit: (doc: any) => void): string => {
  const doc = JSON.parse(fixture);
  edit(doc);
  return JSON.stringify(doc);
};
const xmlEscape = (s: string) => s.replace(/&/g, "&amp;");

/** The Meta channels: X-Hub-Signature-256 over the body, and the hub.challenge GET handshake. */
function meta(channel: string, signer: typeof signWhatsapp, config: Config, fixture: string, thread: string, text: string, otherObject: string): Row {
  return {
    channel,
    config,
    wrong: { app_secret: "not-the-app-secret" },
    sign: (c, body, hook, now) => ({ url: hook, headers: signer(body, c as never, hook, now), body }),
    strip: (r) => without(r, "x-hub-signature-256"),
    fixture,
    thread,
    parts: [{ type: "text", text }],
    handshakes: [
      {
        name: "hub.challenge handshake",
        req: (c, hook) => ({ method: "GET", url: `${hook}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(c.verify_token)}&hub.challenge=1158201444`, headers: {} }),
        status: 200,
        answer: { type: "text/plain", body: "1158201444" },
      },
      { name: "handshake with a wrong verify token", req: (_c, hook) => ({ method: "GET", url: `${hook}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`, headers: {} }), status: 403 },
    ],
    malformed: [
      { body: "{nope", status: 400 },
      { body: mutate(fixture, (d) => (d.object = otherObject)), status: 422 },
    ],
  };
}

const ROWS: Row[] = [
  {
    ...meta(
      "whatsapp",
      signWhatsapp,
      { app_secret: "wa-app-secret", verify_token: "edgedesk-verify", access_token: "EAAwa", phone_number_id: "106540352242922" },
      whatsappText,
      "106540352242922:16505551234",
      "Does it come in another color?",
      "page",
    ),
    malformed: [
      { body: "{nope", status: 400 },
      { body: mutate(whatsappText, (d) => delete d.entry[0].changes[0].value.messages[0].id), status: 422 },
    ],
  },
  {
    ...meta("messenger", signMessenger, { app_secret: "messenger-app-secret", verify_token: "edgedesk-verify", access_token: "EAAGpage" }, messengerText, "<PAGE_ID>:<PSID>", "hello, world!", "instagram"),
    // The documented text message answers a quick reply: its text, and the option picked.
    parts: [
      { type: "text", text: "hello, world!" },
      { type: "choice", value: "<DEVELOPER_DEFINED_PAYLOAD>", label: "hello, world!" },
    ],
  },
  meta("instagram", signInstagram, { app_secret: "ig-app-secret", verify_token: "edgedesk-verify", access_token: "IGQtoken" }, instagramText, "IGID:IGSID", "MESSAGE-TEXT", "page"),
  {
    channel: "telegram",
    config: { bot_token: "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", secret_token: "edgedesk_Secret-1" },
    wrong: { secret_token: "edgedesk_Secret-2" },
    sign: (c, body, hook, now) => ({ url: hook, headers: signTelegram(body, c as never, hook, now), body }),
    strip: (r) => without(r, "x-telegram-bot-api-secret-token"),
    fixture: telegramText,
    thread: "1111111",
    parts: [{ type: "text", text: "/start" }],
    malformed: [
      { body: "{nope", status: 400 },
      { body: mutate(telegramText, (d) => delete d.message.chat), status: 422 },
    ],
  },
  {
    channel: "line",
    config: { channel_secret: "line-channel-secret", channel_access_token: "line-token" },
    wrong: { channel_secret: "other-secret" },
    sign: (c, body, hook, now) => ({ url: hook, headers: signLine(body, c as never, hook, now), body }),
    strip: (r) => without(r, "x-line-signature"),
    fixture: lineText,
    thread: "Ca56f94637c...",
    parts: [{ type: "text", text: "@All @example Good Morning!! (love)" }],
    malformed: [
      { body: "{nope", status: 400 },
      { body: mutate(lineText, (d) => delete d.events[0].message.id), status: 422 },
    ],
  },
  {
    channel: "slack",
    config: { signing_secret: "8f742231b10e8888abcd99yyyzzz85a5", bot_token: "xoxb-test" },
    wrong: { signing_secret: "another-signing-secret" },
    sign: (c, body, hook, now) => ({ url: hook, headers: signSlack(body, c as never, hook, now), body }),
    strip: (r) => without(r, "x-slack-signature"),
    timestamped: true,
    fixture: slackMessage,
    thread: "TXXXXXXXX:C123ABC456:1355517523.000005",
    parts: [{ type: "text", text: "Hello world" }],
    handshakes: [
      {
        name: "url_verification challenge",
        req: (c, hook, now) => ({ url: hook, headers: signSlack(slackUrlVerification, c as never, hook, now), body: slackUrlVerification }),
        status: 200,
        answer: { type: "text/plain", body: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" },
      },
      {
        name: "url_verification signed with another secret",
        req: (_c, hook, now) => ({ url: hook, headers: signSlack(slackUrlVerification, { signing_secret: "x" }, hook, now), body: slackUrlVerification }),
        status: 401,
      },
    ],
    malformed: [
      { body: "{nope", status: 400 },
      { body: mutate(slackMessage, (d) => delete d.team_id), status: 422 },
    ],
  },
  {
    channel: "wechat",
    config: { token: "weixin" },
    wrong: { token: "not-weixin" },
    sign: (c, body, hook, now) => ({ url: wechatSignedUrl(hook, c.token, now), headers: wechatHeaders(body), body }),
    strip: (r) => ({ ...r, url: r.url.split("?")[0]! }),
    timestamped: true,
    fixture: wechatText,
    thread: "toUser:fromUser",
    parts: [{ type: "text", text: "this is a test" }],
    answer: () => ({ type: "text/plain", body: "success" }),
    handshakes: [
      { name: "echostr handshake", req: (c, hook, now) => ({ method: "GET", url: wechatSignedUrl(hook, c.token, now, { echostr: "8305999631672647420" }), headers: {} }), status: 200, answer: { type: "text/plain", body: "8305999631672647420" } },
      { name: "echostr handshake signed with another token", req: (_c, hook, now) => ({ method: "GET", url: wechatSignedUrl(hook, "guess", now, { echostr: "1" }), headers: {} }), status: 401 },
    ],
    malformed: [
      { body: "<xml><ToUserName><![CDATA[toUser]]></ToUserName>", status: 400 },
      { body: wechatText.replace(/<MsgId>.*<\/MsgId>/, ""), status: 422 },
    ],
  },
  {
    channel: "email",
    config: { from_address: "support@acme.example", domain: "mail.acme.example", relay_url: "https://relay.stub/v1/send", relay_token: "relay-secret", inbound_token: "inbound-token-0123456789" },
    wrong: { inbound_token: "inbound-token-9876543210" },
    sign: (c, body, hook) => ({ url: hook, headers: emailHeaders(c.inbound_token), body }),
    strip: (r) => without(r, "x-edgedesk-mail-token"),
    fixture: emailSimple,
    thread: "1234@local.machine.example",
    parts: [{ type: "text", text: 'This is a message just to say hello.\nSo, "Hello".' }],
    malformed: [{ body: "Subject: no sender at all\r\n\r\nbody", status: 422 }],
  },
  {
    channel: "sms",
    config: TWILIO,
    wrong: { auth_token: "another-auth-token" },
    sign: (c, body, hook) => ({ ...twilioRequest(c.auth_token, hook, body) }),
    strip: (r) => without(r, "x-twilio-signature"),
    fixture: smsText,
    thread: "+15017122661:+15558675310",
    parts: [{ type: "text", text: "Ahoy! Where is my order #1234?" }],
    answer: () => EMPTY_TWIML,
    malformed: [
      { body: smsText.replace(/&(MessageSid|SmsSid|SmsMessageSid)=[^&]*/g, ""), status: 422 },
      { body: smsText.replace(/&From=[^&]*/, ""), status: 422 },
    ],
  },
  {
    channel: "voice",
    config: TWILIO,
    wrong: { auth_token: "another-auth-token" },
    sign: (c, body, hook) => ({ ...twilioRequest(c.auth_token, hook, body) }),
    strip: (r) => without(r, "x-twilio-signature"),
    fixture: voiceIncoming,
    thread: "+15017122661:+15558675310",
    parts: [{ type: "call_event", event: "ringing", call_id: "CA88888888888888888888888888888888" }],
    sender: "system",
    // The incoming call is answered with the greeting and a recording whose callbacks come back to this webhook.
    answer: (hook) => ({
      type: "text/xml",
      contains: ['<?xml version="1.0" encoding="UTF-8"?><Response><Say>', "<Record ", `recordingStatusCallback="${xmlEscape(voiceCallbackUrl(hook, "+15017122661", "+15558675310"))}"`],
    }),
    malformed: [
      { body: voiceIncoming.replace("CallStatus=ringing", "CallStatus=exploded"), status: 422 },
      { body: voiceIncoming.replace(/CallSid=[^&]*&/, ""), status: 422 },
    ],
  },
  {
    channel: "api",
    config: { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", outbound_url: "https://integrator.example/edgedesk" },
    wrong: { secret: "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
    sign: (c, body, hook, now) => ({ url: hook, headers: standardWebhookHeaders(c.secret, body, now), body }),
    strip: (r) => without(r, "webhook-signature"),
    timestamped: true,
    fixture: apiText,
    thread: "order-1234",
    parts: [{ type: "text", text: "Where is my order #1234?" }],
    malformed: [
      { body: "{nope", status: 400 },
      { body: mutate(apiText, (d) => (d.parts = [])), status: 422 },
    ],
  },
];

function send(r: Req): Promise<Response> {
  expect(r.url.startsWith(`${BASE}/`)).toBe(true);
  return call(r.url.slice(BASE.length), { method: r.method ?? "POST", headers: r.headers, body: r.body });
}

async function expectAnswer(res: Response, answer: Answer): Promise<void> {
  const body = await res.text();
  expect(res.status, body).toBe(200);
  expect(res.headers.get("content-type")).toContain(answer.type);
  if ("body" in answer) expect(body).toBe(answer.body);
  else for (const part of answer.contains) expect(body).toContain(part);
}

async function expectProblem(res: Response, status: number): Promise<void> {
  expect(res.status, await res.clone().text()).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(((await res.json()) as { status: number }).status).toBe(status);
}

const STALE_MS = 10 * 60_000;

describe.each(ROWS)("$channel webhook", (row) => {
  /** A fresh tenant with the channel configured through the channel API, so every test starts from nothing. */
  async function setup() {
    const t = await tenant();
    const put = await ok(call(`/v1/channels/${row.channel}`, { method: "PUT", auth: t.key, json: { config: row.config } }));
    const hook = `${BASE}/webhooks/${t.id}/${row.channel}`;
    expect(put.webhook_url).toBe(hook);
    const conversation = await threadConversationId(t.id, row.channel, row.thread);
    const messages = () => call(`/v1/conversations/${conversation}/messages`, { auth: t.key });
    return { t, hook, conversation, messages };
  }

  it("stores the signed fixture's message once, even when delivered twice, and answers as the provider expects", async () => {
    const { t, hook, conversation, messages } = await setup();
    const delivery = row.sign(row.config, row.fixture, hook, Date.now());
    const answer = row.answer?.(hook) ?? JSON_OK;
    await expectAnswer(await send(delivery), answer);
    await expectAnswer(await send(delivery), answer);
    const { data } = await ok<{ data: { sender: { kind: string }; channel: string; direction: string; parts: unknown[] }[] }>(messages());
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ channel: row.channel, direction: "inbound", sender: { kind: row.sender ?? "customer" }, parts: row.parts });
    expect(data[0]!.parts).toHaveLength(row.parts.length);
    expect(await ok(call(`/v1/conversations/${conversation}`, { auth: t.key }))).toMatchObject({ channel: row.channel, external_thread_id: row.thread });
  });

  it.each(row.handshakes ?? [])("$name", async (h) => {
    const { hook, messages } = await setup();
    const res = await send(h.req(row.config, hook, Date.now()));
    if (h.answer) await expectAnswer(res, h.answer);
    else await expectProblem(res, h.status);
    expect((await messages()).status).toBe(404);
  });

  it(`answers 401 problem+json and stores nothing for a bad signature${row.timestamped ? ", a stale timestamp" : ""} or a missing credential`, async () => {
    const { hook, messages } = await setup();
    const now = Date.now();
    const attempts: Req[] = [row.sign({ ...row.config, ...row.wrong }, row.fixture, hook, now), row.strip(row.sign(row.config, row.fixture, hook, now))];
    if (row.timestamped) attempts.push(row.sign(row.config, row.fixture, hook, now - STALE_MS), row.sign(row.config, row.fixture, hook, now + STALE_MS));
    for (const attempt of attempts) await expectProblem(await send(attempt), 401);
    expect((await messages()).status).toBe(404);
  });

  it.each(row.malformed)("answers $status and stores nothing for a malformed body (#%#)", async ({ body, status }) => {
    const { hook, messages } = await setup();
    await expectProblem(await send(row.sign(row.config, body, hook, Date.now())), status);
    expect((await messages()).status).toBe(404);
  });
});

describe("the table", () => {
  it("covers every built-in webhook channel", async () => {
    const { builtInChannels } = await import("../workers/channels/registry");
    expect(ROWS.map((r) => r.channel).sort()).toEqual(builtInChannels().sort());
  });
});
