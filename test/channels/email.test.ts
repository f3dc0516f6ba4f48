/// <reference types="vite/client" />
import fc from "fast-check";
import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import type { InboundItem, InboundMessage, InboundRequest, OutboundReply } from "../../workers/channels/adapter";
import { PENDING_BLOB_URL } from "../../workers/channels/blobs";
import { emailAdapter, parseEmail as parseItems } from "../../workers/channels/email";
import type { EmailConfig, EmailOptions } from "../../workers/channels/email";
import htmlOnly from "../fixtures/email/html-only.eml?raw";
import multipart from "../fixtures/email/multipart-attachment.eml?raw";
import simple from "../fixtures/email/rfc5322-a1-simple.eml?raw";
import replyToReply from "../fixtures/email/rfc5322-a2-reply-to-reply.eml?raw";
import reply from "../fixtures/email/rfc5322-a2-reply.eml?raw";
import rfc3464Simple from "../fixtures/email/rfc3464-simple-dsn.eml?raw";
import postfixDsn from "../fixtures/email/postfix-dsn-headers.eml?raw";
import exchangeNdr from "../fixtures/email/exchange-ndr.eml?raw";
import mdn from "../fixtures/email/mdn-displayed.eml?raw";
import autoReplied from "../fixtures/email/rfc3834-auto-replied.eml?raw";
import { emailHeaders } from "../signers/email";
import { expectWellFormed, parseNeverCrashes } from "./never-crashes";
import { rejects } from "./support";

const config: EmailConfig = emailAdapter.config.parse({
  from_address: "support@acme.example",
  from_name: "Acme Support",
  domain: "mail.acme.example",
  relay_url: "https://relay.stub/v1/send",
  relay_token: "relay-secret",
  inbound_token: "inbound-token-0123456789",
});

const bytes = (s: string) => new TextEncoder().encode(s);

/** The one message a person's mail becomes. */
async function parseEmail(raw: Uint8Array, envelope?: { from: string; to: string }, options: EmailOptions = {}): Promise<InboundMessage> {
  const items: InboundItem[] = await parseItems(raw, { ...options, ...(envelope ? { envelope } : {}) });
  expect(items).toHaveLength(1);
  expect(items[0]!.kind).toBe("message");
  return items[0] as InboundMessage;
}

function post(raw: string, headers: Record<string, string> = emailHeaders(config.inbound_token!)): InboundRequest {
  return { method: "POST", url: "https://edge.example/webhooks/email/ten_1", headers: new Headers(headers), rawBody: bytes(raw) };
}

describe("e-mail fixtures", () => {
  it("RFC 5322 A.1.1: a new message is its own thread", async () => {
    expect(await parseEmail(bytes(simple), { from: "jdoe@machine.example", to: "mary@example.net" })).toEqual({
      kind: "message",
      externalThreadId: "1234@local.machine.example",
      providerMessageId: "1234@local.machine.example",
      contact: { externalId: "jdoe@machine.example", email: "jdoe@machine.example", name: "John Doe" },
      parts: [{ type: "text", text: 'This is a message just to say hello.\nSo, "Hello".' }],
      metadata: { subject: "Saying Hello", message_id: "1234@local.machine.example", to: ["mary@example.net"], reply_to: "jdoe@machine.example", envelope_to: "mary@example.net" },
      occurredAt: Date.parse("1997-11-21T15:55:06Z"),
    });
  });

  it("RFC 5322 A.2: the reply threads under the original and names its Reply-To", async () => {
    const m = await parseEmail(bytes(reply));
    expect(m.externalThreadId).toBe("1234@local.machine.example");
    expect(m.providerMessageId).toBe("3456@example.net");
    expect(m.contact).toEqual({ externalId: "mary@example.net", email: "mary@example.net", name: "Mary Smith" });
    expect(m.parts).toEqual([{ type: "text", text: "This is a reply to your hello." }]);
    expect(m.metadata).toEqual({
      subject: "Re: Saying Hello",
      message_id: "3456@example.net",
      in_reply_to: "1234@local.machine.example",
      references: ["1234@local.machine.example"],
      to: ["jdoe@machine.example"],
      reply_to: "smith@home.example",
    });
  });

  it("RFC 5322 A.2: the reply to the reply stays on the root", async () => {
    const m = await parseEmail(bytes(replyToReply));
    expect(m.externalThreadId).toBe("1234@local.machine.example");
    expect(m.providerMessageId).toBe("abcd.1234@local.machine.tld");
    expect(m.metadata).toMatchObject({ in_reply_to: "3456@example.net", references: ["1234@local.machine.example", "3456@example.net"], to: ["smith@home.example"] });
    expect(m.occurredAt).toBe(Date.parse("1997-11-21T17:00:00Z"));
  });

  it("multipart with attachments: the text, then an image part and a file part whose bytes travel as blobs", async () => {
    const m = await parseEmail(bytes(multipart));
    expect(m.externalThreadId).toBe("caf=abc123+xyz@mail.customer.example");
    expect(m.contact).toEqual({ externalId: "zoe@customer.example", email: "zoe@customer.example", name: "Zoë Müller" });
    expect(m.parts).toEqual([
      { type: "text", text: "Hello, the parcel for order 1234 arrived crushed – photo and receipt attached.\n\nZoë" },
      { type: "image", url: PENDING_BLOB_URL, mime_type: "image/png" },
      { type: "file", url: PENDING_BLOB_URL, name: "receipt.pdf", mime_type: "application/pdf", size: 24 },
    ]);
    expect(m.metadata.attachments).toEqual([
      { filename: "parcel.png", mime_type: "image/png", size: 70, content_id: "parcel-photo@customer.example", disposition: "attachment", part: 1 },
      { filename: "receipt.pdf", mime_type: "application/pdf", size: 24, content_id: null, disposition: "attachment", part: 2 },
    ]);
    expect(m.blobs?.map((b) => ({ ...b, bytes: b.bytes.byteLength }))).toEqual([
      { part: 1, bytes: 70, contentType: "image/png", name: "parcel.png" },
      { part: 2, bytes: 24, contentType: "application/pdf", name: "receipt.pdf" },
    ]);
    expect(new TextDecoder().decode(m.blobs![1]!.bytes)).toBe("%PDF-1.4\n% receipt 1234\n");
    expect(JSON.stringify({ ...m, blobs: undefined })).not.toContain("iVBORw0KGgo");
  });

  it("HTML-only: text is derived from the HTML; ids are lower-cased; the root is In-Reply-To", async () => {
    const m = await parseEmail(bytes(htmlOnly));
    expect(m.parts).toEqual([{ type: "text", text: "Why was I charged £10 & not €10?\n\nThanks,\nSam" }]);
    expect(m.providerMessageId).toBe("invoice.q.42@shop.example");
    expect(m.externalThreadId).toBe("root-77@acme.example");
    expect(m.contact).toEqual({ externalId: "billing@shop.example", email: "billing@shop.example" });
    expect(m.metadata.auto_submitted).toBeUndefined();
  });

  it("the HTTP endpoint parses the same way", async () => {
    const r = await emailAdapter.parse(post(reply), config);
    expect(r.items).toEqual([await parseEmail(bytes(reply), undefined, { domain: config.domain })]);
    expect(r.response).toBeUndefined();
  });
});

describe("e-mail edge cases", () => {
  it("falls back to the envelope sender and derives a stable id when Message-ID is missing", async () => {
    const raw = bytes("Subject: no headers to speak of\r\n\r\nhello\r\n");
    const a = await parseEmail(raw, { from: "bounce@list.example", to: "support@acme.example" });
    const b = await parseEmail(raw, { from: "bounce@list.example", to: "support@acme.example" });
    expect(a.contact.externalId).toBe("bounce@list.example");
    expect(a.providerMessageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.providerMessageId).toBe(a.providerMessageId);
    expect(a.externalThreadId).toBe(a.providerMessageId);
  });

  it("flags auto-replies so loops can be avoided, and keeps them out of the customer's words", async () => {
    const m = await parseEmail(bytes(simple.replace("Subject:", "Auto-Submitted: auto-replied\r\nSubject:")));
    expect(m.metadata.auto_submitted).toBe("auto-replied");
    expect(m.event).toBe(true);
  });

  it("an attachment-only mail has no made-up text part", async () => {
    const raw = multipart.replace(/--simple boundary\r\nContent-Type: text\/plain[\s\S]*?(?=--simple boundary\r\nContent-Type: image)/, "");
    const m = await parseEmail(bytes(raw));
    expect(m.parts.map((p) => p.type)).toEqual(["image", "file"]);
  });

  it("no sender at all is 422", async () => {
    await rejects(parseEmail(bytes("Subject: x\r\n\r\nbody")), 422);
  });
});

describe("e-mail HTTP endpoint verification", () => {
  it("accepts the shared token and refuses a wrong or missing one with 401", async () => {
    await expect(emailAdapter.verify(post(simple), config, 0)).resolves.toBeUndefined();
    await rejects(emailAdapter.verify(post(simple, { "x-edgedesk-mail-token": "inbound-token-0123456788" }), config, 0), 401);
    await rejects(emailAdapter.verify(post(simple, {}), config, 0), 401);
    const { inbound_token: _unused, ...noInbound } = config;
    await rejects(emailAdapter.verify(post(simple), noInbound, 0), 401);
  });
});

describe("e-mail send", () => {
  const out: OutboundReply = {
    messageId: "msg_01J9ZK",
    externalThreadId: "1234@local.machine.example",
    inReplyTo: "abcd.1234@local.machine.tld",
    references: ["3456@example.net"],
    parts: [{ type: "text", text: "Hello John,\nyour replacement ships today. Grüße!" }],
    metadata: { to: "jdoe@machine.example", subject: "Re: Saying Hello" },
  };

  it("posts an RFC 5322 message to the relay", async () => {
    const [req, ...rest] = await emailAdapter.send(out, config);
    expect(rest).toEqual([]);
    expect(req).toMatchObject({
      url: "https://relay.stub/v1/send",
      method: "POST",
      headers: { authorization: "Bearer relay-secret", "content-type": "message/rfc822" },
    });
    const lines = req!.body.split("\r\n");
    expect(lines.slice(0, 3)).toEqual(['From: "Acme Support" <support@acme.example>', "To: <jdoe@machine.example>", "Subject: Re: Saying Hello"]);
    expect(lines).toContain("Message-ID: <msg_01J9ZK@mail.acme.example>");
    expect(lines).toContain("In-Reply-To: <abcd.1234@local.machine.tld>");
    expect(lines).toContain("MIME-Version: 1.0");
    expect(lines).toContain("Content-Type: text/plain; charset=utf-8");
    expect(lines).toContain("Content-Transfer-Encoding: base64");
    expect(lines.some((l) => l.startsWith("Auto-Submitted:"))).toBe(false);
    // recorded under its Message-ID as inbound parsing reads one back, so a bounce finds it
    expect(req!.providerMessageId).toBe("msg_01j9zk@mail.acme.example");
    expect(lines.find((l) => l.startsWith("Date: "))).toMatch(/^Date: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(lines.every((l) => l.length <= 998)).toBe(true);
  });

  it("parses back with postal-mime with the thread intact", async () => {
    const [req] = await emailAdapter.send(out, config);
    const parsed = await PostalMime.parse(req!.body);
    expect(parsed.messageId).toBe("<msg_01J9ZK@mail.acme.example>");
    expect(parsed.inReplyTo).toBe("<abcd.1234@local.machine.tld>");
    expect(parsed.references?.split(/\s+/)).toEqual(["<1234@local.machine.example>", "<3456@example.net>", "<abcd.1234@local.machine.tld>"]);
    expect(parsed.subject).toBe("Re: Saying Hello");
    expect(parsed.from).toEqual({ address: "support@acme.example", name: "Acme Support" });
    expect(parsed.to).toEqual([{ address: "jdoe@machine.example", name: "" }]);
    expect(parsed.text?.trim()).toBe("Hello John,\nyour replacement ships today. Grüße!");
    // …and our own parser threads the customer's answer to it under the same root.
    const answer = `From: jdoe@machine.example\r\nMessage-ID: <x9@machine.example>\r\nIn-Reply-To: ${parsed.messageId}\r\nReferences: ${parsed.references}\r\n\r\nthanks\r\n`;
    expect((await parseEmail(bytes(answer))).externalThreadId).toBe("1234@local.machine.example");
    // …and a bounce of it names the id the reply was recorded under
    const bounce = `From: MAILER-DAEMON@mx.example\r\nX-Failed-Recipients: jdoe@machine.example\r\nSubject: failure\r\n\r\n550 5.1.1 no such user\r\n\r\n------ This is a copy of the message, including all the headers. ------\r\n\r\n${req!.body}`;
    expect(await parseItems(bytes(bounce), { domain: config.domain })).toMatchObject([{ kind: "status", providerMessageId: req!.providerMessageId, status: "failed", reason: "5.1.1 550 5.1.1 no such user" }]);
  });

  it("adds Re: once, encodes non-ASCII subjects and neutralises header injection", async () => {
    const [a] = await emailAdapter.send({ ...out, metadata: { to: "jdoe@machine.example", subject: "Lieferung beschädigt – Bestellnummer 1234, bitte schnell prüfen" } }, config);
    expect((await PostalMime.parse(a!.body)).subject).toBe("Re: Lieferung beschädigt – Bestellnummer 1234, bitte schnell prüfen");
    expect(a!.body.split("\r\n").every((l) => l.length <= 78 || !l.includes("=?UTF-8?"))).toBe(true);
    const [b] = await emailAdapter.send({ ...out, metadata: { to: "jdoe@machine.example", subject: "hi\r\nBcc: victim@example.com" } }, config);
    const parsed = await PostalMime.parse(b!.body);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.subject).toBe("Re: hi Bcc: victim@example.com");
    const [c] = await emailAdapter.send({ ...out, inReplyTo: undefined, references: undefined, metadata: { to: "jdoe@machine.example" } }, config);
    const noThreadInfo = await PostalMime.parse(c!.body);
    expect(noThreadInfo.subject).toBe("Re: your message");
    expect(noThreadInfo.inReplyTo).toBe("<1234@local.machine.example>");
  });

  it("a survey question is marked Auto-Submitted: auto-generated (RFC 3834 §5)", async () => {
    const [req] = await emailAdapter.send({ ...out, metadata: { ...out.metadata, survey: "csat" } }, config);
    expect(req!.body.split("\r\n")).toContain("Auto-Submitted: auto-generated");
  });

  it("refuses without a recipient address or content", async () => {
    await rejects(emailAdapter.send({ ...out, metadata: {} }, config), 422);
    await rejects(emailAdapter.send({ ...out, metadata: { to: "not an address\r\nBcc: x@y" } }, config), 422);
    await rejects(emailAdapter.send({ ...out, parts: [] }, config), 422);
  });

  it("sendOutcome", () => {
    expect(emailAdapter.sendOutcome(202, "")).toEqual({ ok: true });
    expect(emailAdapter.sendOutcome(401, "bad token")).toMatchObject({ ok: false, retryable: false });
    expect(emailAdapter.sendOutcome(429, "")).toMatchObject({ ok: false, retryable: true });
    expect(emailAdapter.sendOutcome(500, "")).toMatchObject({ ok: false, retryable: true });
  });
});

const header = fc.constantFrom("From", "To", "Message-ID", "References", "In-Reply-To", "Content-Type", "Subject", "Content-Transfer-Encoding");
const soup = fc
  .tuple(fc.array(fc.tuple(header, fc.string({ maxLength: 40 })), { maxLength: 8 }), fc.string({ maxLength: 100 }))
  .map(([hs, body]) => bytes(`${hs.map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\n${body}`));

const reportFixtures = [rfc3464Simple, postfixDsn, exchangeNdr, mdn, autoReplied];
const reportMutations = fc.constantFrom(...reportFixtures).chain((f) => {
  const lines = f.split("\r\n");
  return fc.oneof(
    fc.nat(f.length).map((n) => f.slice(0, n)),
    fc.array(fc.nat(lines.length - 1), { minLength: 1, maxLength: 6 }).map((drop) => lines.filter((_, i) => !drop.includes(i)).join("\r\n")),
  );
});

parseNeverCrashes({
  name: "e-mail",
  adapter: emailAdapter,
  config,
  request: (raw) => ({ ...post(""), rawBody: raw }),
  cases: {
    "on arbitrary bytes and header soup": fc.oneof(fc.uint8Array({ maxLength: 400 }), soup),
    "on any cut or line-dropped copy of a documented report or auto-reply": reportMutations,
  },
  // this channel's property: a parsed mail is one message, or only statuses of our own mail it reports on
  check: (r) => {
    expectWellFormed(r);
    const kinds = r.items.map((i) => i.kind);
    expect(kinds.every((k) => k === "status") || (kinds.length === 1 && kinds[0] === "message")).toBe(true);
    for (const m of r.items) if (m.kind === "message") for (const b of m.blobs ?? []) expect(["image", "file"]).toContain(m.parts[b.part]?.type);
  },
});
