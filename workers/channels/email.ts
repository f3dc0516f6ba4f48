/**
 * E-mail. Inbound arrives two ways: the Worker's email() handler (Cloudflare Email Routing) calls
 * parseEmail(raw, envelope); a mail provider that posts raw MIME (content-type message/rfc822) to the
 * HTTP webhook proves itself with the shared secret in X-Edgedesk-Mail-Token. Replies are RFC 5322
 * messages with threading headers, posted as message/rfc822 to the tenant's relay.
 *
 * A thread is its root Message-ID: the first of References, else In-Reply-To, else the message's own.
 * Attachments are described in metadata only: there is no URL to point a content part at, and bytes
 * are not inlined into the conversation.
 */
import PostalMime from "postal-mime";
import type { Attachment, Email } from "postal-mime";
import { z } from "zod";
import { sha256Hex, timingSafeEqual, toBase64 } from "../../shared/crypto";
import { ChannelError, httpOutcome, textOf } from "./adapter";
import type { ChannelAdapter, InboundMessage } from "./adapter";

export const EmailConfig = z.object({
  /** Our address replies come from, e.g. support@acme.example. */
  from_address: z.email(),
  from_name: z.string().max(100).optional(),
  /** Right-hand side of the Message-IDs we mint. */
  domain: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/),
  relay_url: z.url({ protocol: /^https?$/ }),
  relay_token: z.string().min(1),
  /** Shared secret for the HTTP endpoint; without it only the email() handler can deliver mail. */
  inbound_token: z.string().min(16).optional(),
});
export type EmailConfig = z.infer<typeof EmailConfig>;

export const MAIL_TOKEN_HEADER = "x-edgedesk-mail-token";

/** Message-IDs as bare, lower-cased ids ("<A@b>" → "a@b"), in header order. */
function messageIds(header: string | undefined): string[] {
  if (!header) return [];
  const bracketed = [...header.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1] ?? "");
  return (bracketed.length ? bracketed : header.split(/\s+/)).filter(Boolean).map((id) => id.toLowerCase());
}

const ENTITY: Record<string, string> = {
  nbsp: " ", amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", pound: "£", euro: "€", yen: "¥", cent: "¢", copy: "©", reg: "®",
  trade: "™", hellip: "…", mdash: "—", ndash: "–", lsquo: "‘", rsquo: "’", ldquo: "“", rdquo: "”", laquo: "«", raquo: "»",
  bull: "•", middot: "·", times: "×", shy: "",
};

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<\/(p|h[1-6]|blockquote|table)\s*>/gi, "\n\n")
    .replace(/<br\b[^>]*>|<\/(div|li|tr)\s*>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]+);/gi, (all, ref: string) => {
      const code = ref[0] === "#" ? (ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : Number(ref.slice(1))) : NaN;
      if (code >= 0 && code <= 0x10ffff) return String.fromCodePoint(code);
      return ENTITY[ref.toLowerCase()] ?? all;
    })
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function attachmentInfo(a: Attachment) {
  const size = typeof a.content === "string" ? a.content.length : a.content.byteLength;
  return {
    filename: a.filename,
    mime_type: a.mimeType,
    size,
    content_id: a.contentId ? (messageIds(a.contentId)[0] ?? null) : null,
    disposition: a.disposition,
  };
}

function addresses(list: Email["to"]): string[] {
  return (list ?? []).flatMap((a) => (a.address ? [a.address] : (a.group ?? []).map((m) => m.address)));
}

/** Raw MIME → one standard message. The envelope (SMTP MAIL FROM / RCPT TO) fills in what headers lack. */
export async function parseEmail(raw: Uint8Array, envelope?: { from: string; to: string }): Promise<InboundMessage> {
  let email: Email;
  try {
    email = await PostalMime.parse(raw, { attachmentEncoding: "arraybuffer" });
  } catch (e) {
    throw new ChannelError(400, `unreadable MIME: ${e instanceof Error ? e.message : String(e)}`);
  }
  const from = email.from?.address ? email.from : envelope?.from ? { address: envelope.from, name: "" } : undefined;
  if (!from?.address) throw new ChannelError(422, "no sender address");
  const address = from.address.toLowerCase();

  // Without a Message-ID a redelivery must still map to the same id, so derive it from the bytes.
  const ownId = messageIds(email.messageId)[0] ?? `sha256:${await sha256Hex(raw)}`;
  const references = messageIds(email.references);
  const inReplyTo = messageIds(email.inReplyTo)[0];
  const root = references[0] ?? inReplyTo ?? ownId;

  const body = email.text?.trim() || (email.html ? htmlToText(email.html) : "") || email.subject?.trim() || "(empty e-mail)";
  const attachments = email.attachments.map(attachmentInfo);
  const autoSubmitted = email.headers.find((h) => h.key === "auto-submitted")?.value.trim().toLowerCase();
  const occurredAt = email.date ? Date.parse(email.date) : NaN;

  return {
    kind: "message",
    externalThreadId: root,
    providerMessageId: ownId,
    contact: { externalId: address, email: address, ...(from.name ? { name: from.name } : {}) },
    parts: [{ type: "text", text: body.slice(0, 16_000) }],
    metadata: {
      subject: email.subject ?? "",
      message_id: ownId,
      ...(inReplyTo ? { in_reply_to: inReplyTo } : {}),
      ...(references.length ? { references } : {}),
      to: addresses(email.to),
      ...(email.cc ? { cc: addresses(email.cc) } : {}),
      // Where a reply should go: Reply-To when the sender set one.
      reply_to: (addresses(email.replyTo)[0] ?? address).toLowerCase(),
      ...(envelope?.to ? { envelope_to: envelope.to } : {}),
      ...(attachments.length ? { attachments } : {}),
      ...(autoSubmitted && autoSubmitted !== "no" ? { auto_submitted: autoSubmitted } : {}),
    },
    ...(Number.isFinite(occurredAt) ? { occurredAt } : {}),
  };
}

const ASCII_HEADER = /^[\x20-\x7e]*$/;

/** RFC 2047 encoded words for non-ASCII header text, each under the 75-character limit. */
function encodeHeaderText(text: string): string {
  const clean = text.replace(/[\r\n]+/g, " ");
  if (ASCII_HEADER.test(clean)) return clean;
  const enc = new TextEncoder();
  const words: string[] = [];
  let chunk = "";
  for (const ch of clean) {
    // 39 bytes → 52 base64 characters, so "Subject: " plus one word stays within 76 columns
    if (enc.encode(chunk + ch).length > 39) {
      words.push(chunk);
      chunk = "";
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${toBase64(enc.encode(w))}?=`).join("\r\n ");
}

function mailbox(address: string, name?: string): string {
  if (!name) return `<${address}>`;
  const display = ASCII_HEADER.test(name) ? `"${name.replace(/["\\]/g, "\\$&")}"` : encodeHeaderText(name);
  return `${display} <${address}>`;
}

function bracket(id: string): string {
  return `<${id.replace(/^<|>$/g, "").replace(/[\s<>]/g, "")}>`;
}

/** RFC 5322 date in UTC: "Fri, 21 Nov 1997 15:55:06 +0000". */
function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, "+0000");
}

function wrapBase64(text: string): string {
  return (toBase64(new TextEncoder().encode(text)).match(/.{1,76}/g) ?? []).join("\r\n");
}

export const emailAdapter: ChannelAdapter<EmailConfig> = {
  name: "email",
  config: EmailConfig,

  async verify(req, config) {
    const given = req.headers.get(MAIL_TOKEN_HEADER);
    if (!config.inbound_token) throw new ChannelError(401, "the HTTP mail endpoint is not enabled for this tenant");
    if (!given || !timingSafeEqual(given, config.inbound_token)) throw new ChannelError(401, `missing or wrong ${MAIL_TOKEN_HEADER}`);
  },

  async parse(req) {
    return { items: [await parseEmail(req.rawBody)] };
  },

  /** Needs reply.metadata.to (the customer's address, e.g. the inbound reply_to) and reply.metadata.subject. */
  async send(reply, config) {
    const to = z.email().safeParse(reply.metadata.to);
    if (!to.success) throw new ChannelError(422, "reply.metadata.to must be the customer's e-mail address");
    const text = textOf(reply.parts);
    if (!text) throw new ChannelError(422, "nothing to send");
    const original = typeof reply.metadata.subject === "string" ? reply.metadata.subject.trim() : "";
    const subject = /^re:/i.test(original) ? original : `Re: ${original || "your message"}`;
    const parent = reply.inReplyTo ?? reply.externalThreadId;
    const references = [...new Set([reply.externalThreadId, ...(reply.references ?? []), parent].map(bracket))];
    const headers = [
      `From: ${mailbox(config.from_address, config.from_name)}`,
      `To: <${to.data}>`,
      `Subject: ${encodeHeaderText(subject)}`,
      `Date: ${rfc5322Date(new Date())}`,
      `Message-ID: ${bracket(`${reply.messageId}@${config.domain}`)}`,
      `In-Reply-To: ${bracket(parent)}`,
      `References: ${references.join("\r\n ")}`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: base64",
    ];
    return [
      {
        url: config.relay_url,
        method: "POST",
        headers: { authorization: `Bearer ${config.relay_token}`, "content-type": "message/rfc822" },
        body: `${headers.join("\r\n")}\r\n\r\n${wrapBase64(text)}\r\n`,
      },
    ];
  },

  sendOutcome(status, body) {
    return httpOutcome(status, body);
  },
};
