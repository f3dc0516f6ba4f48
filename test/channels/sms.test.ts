/// <reference types="vite/client" />
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InboundRequest, OutboundReply } from "../../workers/channels/adapter";
import { smsAdapter } from "../../workers/channels/sms";
import type { SmsConfig } from "../../workers/channels/sms";
import { twilioSignature as adapterSignature } from "../../workers/channels/twilio";
import inboundMms from "../fixtures/sms/inbound-mms.txt?raw";
import inboundText from "../fixtures/sms/inbound-text.txt?raw";
import statusDelivered from "../fixtures/sms/status-delivered.txt?raw";
import statusQueued from "../fixtures/sms/status-queued.txt?raw";
import statusUndelivered from "../fixtures/sms/status-undelivered.txt?raw";
import { twilioRequest, twilioSignature } from "../signers/sms";
import { forms, parseNeverCrashes } from "./never-crashes";
import { rejects } from "./support";

const AC = `AC${"a".repeat(32)}`;
const config: SmsConfig = smsAdapter.config.parse({ account_sid: AC, auth_token: "twilio-auth-token", api_base: "https://twilio.stub" });
const URL_ = "https://edge.example/webhooks/sms/ten_1";
const OURS = "+15017122661";
const CUSTOMER = "+15558675310";
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

function request(body: string, headers: Record<string, string> = {}, url = URL_): InboundRequest {
  return { method: "POST", url, headers: new Headers(headers), rawBody: new TextEncoder().encode(body) };
}

function signed(body: string, url = URL_): InboundRequest {
  const r = twilioRequest(config.auth_token, url, body);
  return request(r.body, r.headers, url);
}

describe("Twilio request signature", () => {
  // https://www.twilio.com/docs/usage/webhooks/webhooks-security
  const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  const params = { CallSid: "CA1234567890ABCDE", Caller: "+12349013030", Digits: "1234", From: "+12349013030", To: "+18005551212" };

  it("reproduces Twilio's published example exactly", async () => {
    expect(await adapterSignature("12345", url, Object.entries(params))).toBe("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    expect(twilioSignature("12345", url, params)).toBe("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
  });

  it("verifies the published example as a form POST, in any parameter order", async () => {
    const body = "To=%2B18005551212&Digits=1234&CallSid=CA1234567890ABCDE&From=%2B12349013030&Caller=%2B12349013030";
    const cfg = { ...config, auth_token: "12345" };
    await expect(smsAdapter.verify(request(body, { "x-twilio-signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" }, url), cfg, 0)).resolves.toBeUndefined();
  });

  it("rejects a missing, wrong or replayed-elsewhere signature with 401", async () => {
    const good = signed(inboundText);
    await expect(smsAdapter.verify(good, config, 0)).resolves.toBeUndefined();
    await rejects(smsAdapter.verify(request(inboundText), config, 0), 401);
    await rejects(smsAdapter.verify({ ...good, rawBody: new TextEncoder().encode(inboundText.replace("Ahoy", "Ahoj")) }, config, 0), 401);
    await rejects(smsAdapter.verify({ ...good, url: "https://edge.example/webhooks/sms/ten_2" }, config, 0), 401);
    await rejects(smsAdapter.verify(good, { ...config, auth_token: "other" }, 0), 401);
  });
});

describe("SMS fixtures", () => {
  it("inbound text", async () => {
    const r = await smsAdapter.parse(signed(inboundText), config);
    expect(r.response).toEqual({ status: 200, contentType: "text/xml", body: EMPTY_TWIML });
    expect(r.items).toEqual([
      {
        kind: "message",
        externalThreadId: `${OURS}:${CUSTOMER}`,
        providerMessageId: `SM${"1".repeat(32)}`,
        contact: { externalId: CUSTOMER, phone: CUSTOMER },
        parts: [{ type: "text", text: "Ahoy! Where is my order #1234?" }],
        metadata: { to: OURS, num_segments: 1 },
      },
    ]);
  });

  it("inbound MMS with a photo", async () => {
    const r = await smsAdapter.parse(signed(inboundMms), config);
    expect(r.items).toHaveLength(1);
    const item = r.items[0]!;
    expect(item.kind).toBe("message");
    if (item.kind !== "message") return;
    expect(item.providerMessageId).toBe(`MM${"2".repeat(32)}`);
    expect(item.externalThreadId).toBe(`${OURS}:${CUSTOMER}`);
    expect(item.parts).toEqual([
      { type: "text", text: "Here is the damaged box" },
      { type: "image", url: `https://api.twilio.com/2010-04-01/Accounts/${AC}/Messages/MM${"2".repeat(32)}/Media/ME${"3".repeat(32)}`, mime_type: "image/jpeg" },
    ]);
  });

  it("delivered status callback", async () => {
    const r = await smsAdapter.parse(signed(statusDelivered), config);
    expect(r.items).toEqual([{ kind: "status", providerMessageId: `SM${"4".repeat(32)}`, status: "delivered", externalThreadId: `${OURS}:${CUSTOMER}` }]);
    expect(r.response?.body).toBe(EMPTY_TWIML);
  });

  it("undelivered status callback carries the error code", async () => {
    const r = await smsAdapter.parse(signed(statusUndelivered), config);
    expect(r.items).toEqual([
      { kind: "status", providerMessageId: `SM${"5".repeat(32)}`, status: "failed", reason: "Twilio error 30003", externalThreadId: `${OURS}:${CUSTOMER}` },
    ]);
  });

  it("in-flight statuses (queued) are acknowledged without an item", async () => {
    const r = await smsAdapter.parse(signed(statusQueued), config);
    expect(r.items).toEqual([]);
    expect(r.response?.body).toBe(EMPTY_TWIML);
  });

  it("a GET webhook carries the parameters in the query string", async () => {
    const url = `${URL_}?${inboundText}`;
    const r = await smsAdapter.parse({ method: "GET", url, headers: new Headers(), rawBody: new Uint8Array() }, config);
    expect(r.items[0]).toMatchObject({ kind: "message", providerMessageId: `SM${"1".repeat(32)}` });
  });

  it("malformed: no MessageSid → 422; a message without From → 422; invalid UTF-8 → 400", async () => {
    await rejects(smsAdapter.parse(request("Body=hi&From=%2B1"), config), 422);
    await rejects(smsAdapter.parse(request(`MessageSid=SM1&Body=hi&To=${encodeURIComponent(OURS)}`), config), 422);
    await rejects(smsAdapter.parse({ ...request(""), rawBody: new Uint8Array([0xff, 0xfe]) }, config), 400);
    await rejects(smsAdapter.parse(request(`MessageSid=SM1&From=a&To=b&NumMedia=1&MediaUrl0=not-a-url`), config), 422);
  });
});

describe("SMS send", () => {
  const reply: OutboundReply = {
    messageId: "msg_1",
    externalThreadId: `${OURS}:${CUSTOMER}`,
    parts: [
      { type: "text", text: "Sorry about that! A replacement is on its way." },
      { type: "image", url: "https://cdn.acme.example/label.png", caption: "your return label" },
    ],
    metadata: {},
  };

  it("posts a form to the Messages API with Basic auth", async () => {
    const [req, ...rest] = await smsAdapter.send(reply, config);
    expect(rest).toEqual([]);
    expect(req).toEqual({
      url: `https://twilio.stub/2010-04-01/Accounts/${AC}/Messages.json`,
      method: "POST",
      headers: { authorization: `Basic ${btoa(`${AC}:twilio-auth-token`)}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams([
        ["To", CUSTOMER],
        ["From", OURS],
        ["Body", "Sorry about that! A replacement is on its way.\n\nyour return label"],
        ["MediaUrl", "https://cdn.acme.example/label.png"],
      ]).toString(),
    });
  });

  it("defaults to api.twilio.com and refuses a thread that is not a phone pair", async () => {
    const cfg = smsAdapter.config.parse({ account_sid: AC, auth_token: "t" });
    expect((await smsAdapter.send(reply, cfg))[0]!.url).toBe(`https://api.twilio.com/2010-04-01/Accounts/${AC}/Messages.json`);
    await rejects(smsAdapter.send({ ...reply, externalThreadId: "nonsense" }, cfg), 422);
  });

  it("reads sid on success and classifies failures", () => {
    expect(smsAdapter.sendOutcome(201, JSON.stringify({ sid: "SM123", status: "queued" }))).toEqual({ ok: true, providerMessageId: "SM123" });
    expect(smsAdapter.sendOutcome(400, '{"code":21211,"message":"Invalid To"}')).toMatchObject({ ok: false, retryable: false });
    expect(smsAdapter.sendOutcome(429, "{}")).toMatchObject({ ok: false, retryable: true });
    expect(smsAdapter.sendOutcome(503, "<html>")).toMatchObject({ ok: false, retryable: true });
  });
});

parseNeverCrashes({
  name: "SMS",
  adapter: smsAdapter,
  config,
  request: (bytes) => ({ ...request(""), rawBody: bytes }),
  cases: {
    "on arbitrary bytes": fc.uint8Array({ maxLength: 300 }),
    "on arbitrary forms built from Twilio's parameter names": forms(
      fc.constantFrom("MessageSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MediaContentType0", "MessageStatus", "ErrorCode", "SmsSid"),
      fc.string({ maxLength: 40 }),
    ),
  },
});
