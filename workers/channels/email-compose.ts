/** Outbound mail: RFC 5322 replies with threading headers, as the relay takes them (message/rfc822). */
import { z } from "zod";
import { toBase64 } from "../../shared/crypto";
import { ChannelError, textOf } from "./adapter";
import type { OutboundReply } from "./adapter";
import type { EmailConfig } from "./email";

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

/** The reply as MIME text. Throws ChannelError(422) without a recipient address or anything to say. */
export function composeReply(reply: OutboundReply, config: EmailConfig): string {
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
    // RFC 3834 §5: what edgedesk sends on its own (a survey question) says so, and other responders stay quiet
    ...(reply.metadata.survey !== undefined ? ["Auto-Submitted: auto-generated"] : []),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: base64",
  ];
  return `${headers.join("\r\n")}\r\n\r\n${wrapBase64(text)}\r\n`;
}
