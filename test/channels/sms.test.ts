/// <reference types="vite/client" />
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InboundRequest, OutboundReply } from "../../workers/channels/adapter";
import { smsAdapter } from "../../workers/channels/sms";
import type { SmsConfig } from "../../workers/channels/sms";
import { twilioSignature as adapterSignature } from "../../workers/channels/twilio";
import eventStreamsInbound from "../fixtures/sms/event-streams-inbound.json?raw";
import eventStreamsStatus from "../fixtures/sms/event-streams-status.json?raw";
import inboundMms from "../fixtures/sms/inbound-mms.txt?raw";
import inboundMmsMixed from "../fixtures/sms/inbound-mms-mixed.txt?raw";
import inboundText from "../fixtures/sms/inbound-text.txt?raw";
import statusDelivered from "../fixtures/sms/status-delivered.txt?raw";
import statusQueued from "../fixtures/sms/status-queued.txt?raw";
import statusUndelivered from "../fixtures/sms/status-undelivered.txt?raw";
import { twilioRequest, twilioSignature } from "../signers/sms";
import { twilioJsonRequest } from "../signers/twilio";
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

describe("MMS media", () => {
  const media = (n: number) => `https://api.twilio.com/2010-04-01/Accounts/${AC}/Messages/MM${"7".repeat(32)}/Media/ME${String(n).repeat(32)}`;

  it("every MediaUrlN becomes the part its MediaContentTypeN says: image, video, audio, anything else a file", async () => {
    const r = await smsAdapter.parse(signed(inboundMmsMixed), config);
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ kind: "message", providerMessageId: `MM${"7".repeat(32)}` });
    expect(r.items[0]!.kind === "message" && r.items[0]!.parts).toEqual([
      { type: "image", url: media(0), mime_type: "image/jpeg" },
      { type: "video", url: media(1), mime_type: "video/3gpp" },
      { type: "audio", url: media(2), mime_type: "audio/amr" },
      { type: "file", url: media(3), mime_type: "text/vcard" },
      { type: "file", url: media(4), mime_type: "application/pdf" },
    ]);
  });

  it("media announced by NumMedia but sent without a URL is shown as such, not dropped; a missing type is a file", async () => {
    const body = `MessageSid=MM1&From=${encodeURIComponent(CUSTOMER)}&To=${encodeURIComponent(OURS)}&NumMedia=2&MediaUrl0=${encodeURIComponent(media(0))}`;
    const r = await smsAdapter.parse(signed(body), config);
    expect(r.items[0]!.kind === "message" && r.items[0]!.parts).toEqual([
      { type: "file", url: media(0) },
      { type: "unsupported", provider_type: "twilio_media", description: "media item 2 of 2 was announced without a URL" },
    ]);
  });
});

describe("recipient check (S3)", () => {
  const listed = smsAdapter.config.parse({ ...config, phone_numbers: [OURS, "+15005550006"] });

  it("an incoming message for a listed number is accepted; for another number or account it is 403", async () => {
    await expect(smsAdapter.parse(signed(inboundText), listed)).resolves.toMatchObject({ items: [{ kind: "message" }] });
    await rejects(smsAdapter.parse(signed(inboundText.replace("To=%2B15017122661", "To=%2B15550001111")), listed), 403);
    await rejects(smsAdapter.parse(signed(inboundText.replace(`AccountSid=${AC}`, `AccountSid=AC${"b".repeat(32)}`)), config), 403);
  });

  it("a status callback is checked on its From, our side of an outbound message", async () => {
    await expect(smsAdapter.parse(signed(statusDelivered), listed)).resolves.toMatchObject({ items: [{ kind: "status" }] });
    await rejects(smsAdapter.parse(signed(statusDelivered.replace("From=%2B15017122661", "From=%2B15550001111")), listed), 403);
  });

  it("without phone_numbers every number of the account is accepted; the list takes E.164 numbers and short codes only", async () => {
    await expect(smsAdapter.parse(signed(inboundText.replace("To=%2B15017122661", "To=%2B15550001111")), config)).resolves.toMatchObject({ items: [{ kind: "message" }] });
    expect(smsAdapter.config.safeParse({ ...config, phone_numbers: ["+15017122661", "12345"] }).success).toBe(true);
    expect(smsAdapter.config.safeParse({ ...config, phone_numbers: ["5017122661"] }).success).toBe(false);
    expect(smsAdapter.config.safeParse({ ...config, phone_numbers: ["(501) 712-2661"] }).success).toBe(false);
    expect(smsAdapter.config.safeParse({ ...config, phone_numbers: [] }).success).toBe(false);
  });
});

describe("Event Streams messaging events (JSON, bodySHA256)", () => {
  const cfg = smsAdapter.config.parse({ ...config, phone_numbers: ["+12345678901"] });
  function json(body: string): InboundRequest {
    const r = twilioJsonRequest(cfg.auth_token, URL_, body);
    return request(r.body, r.headers, r.url);
  }

  it("verify accepts the signed delivery and refuses a tampered body", async () => {
    await expect(smsAdapter.verify(json(eventStreamsInbound), cfg, 0)).resolves.toBeUndefined();
    await rejects(smsAdapter.verify({ ...json(eventStreamsInbound), rawBody: new TextEncoder().encode(eventStreamsInbound.replace("Ahoy!", "Ahoy?")) }, cfg, 0), 401);
  });

  it("an inbound message is the same message as the form webhook's, with the event's timestamp", async () => {
    const r = await smsAdapter.parse(json(eventStreamsInbound), cfg);
    expect(r).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "+12345678901:+11234567890",
          providerMessageId: "SM00000000000000000000000000000001",
          contact: { externalId: "+11234567890", phone: "+11234567890" },
          parts: [{ type: "text", text: "Ahoy!" }],
          metadata: { to: "+12345678901" },
          occurredAt: Date.UTC(2025, 0, 1),
        },
      ],
    });
  });

  it("a single (unbatched) event with media keeps that media was sent, though the event has no URLs", async () => {
    const one = JSON.parse(eventStreamsInbound)[0];
    one.data.numMedia = 2;
    const r = await smsAdapter.parse(json(JSON.stringify(one)), cfg);
    expect(r.items[0]!.kind === "message" && r.items[0]!.parts).toEqual([
      { type: "text", text: "Ahoy!" },
      { type: "unsupported", provider_type: "twilio_event_streams_media", description: "2 media item(s) not included in Event Streams events" },
    ]);
  });

  it("status events become statuses with the error code; in-flight ones tell nothing", async () => {
    const r = await smsAdapter.parse(json(eventStreamsStatus), cfg);
    expect(r.items).toEqual([
      { kind: "status", providerMessageId: "SM00000000000000000000000000000002", status: "delivered", externalThreadId: "+12345678901:+11234567890", occurredAt: Date.UTC(2025, 0, 1) },
      { kind: "status", providerMessageId: "SM00000000000000000000000000000003", status: "failed", reason: "Twilio error 30003", externalThreadId: "+12345678901:+11234567890", occurredAt: Date.UTC(2025, 0, 1, 0, 2) },
    ]);
  });

  it("events for another number or account are 403; malformed JSON 400, the wrong shape 422", async () => {
    await rejects(smsAdapter.parse(json(eventStreamsInbound), { ...config, phone_numbers: [OURS] }), 403);
    await rejects(smsAdapter.parse(json(eventStreamsStatus.replaceAll(AC, `AC${"b".repeat(32)}`)), cfg), 403);
    await rejects(smsAdapter.parse(json("{nope"), cfg), 400);
    await rejects(smsAdapter.parse(json('[{"type":"com.twilio.messaging.inbound-message.received","data":{"from":"+1"}}]'), cfg), 422);
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
      fc.constantFrom("MessageSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MediaContentType0", "MediaUrl1", "MediaContentType1", "MessageStatus", "ErrorCode", "SmsSid", "AccountSid"),
      fc.string({ maxLength: 40 }),
    ),
  },
});

describe("twilio recipient check with channel-prefixed senders", () => {
  it("compares a whatsapp: sender by its number, and still refuses another number", async () => {
    const { checkRecipient, TwilioConfig } = await import("../../workers/channels/twilio");
    const config = TwilioConfig.parse({ account_sid: `AC${"a".repeat(32)}`, auth_token: "t", phone_numbers: ["+14155238886"] });
    expect(() => checkRecipient(config, config.account_sid, "whatsapp:+14155238886")).not.toThrow();
    expect(() => checkRecipient(config, config.account_sid, "whatsapp:+14155230000")).toThrow(/not one of this channel's phone_numbers/);
  });
});
