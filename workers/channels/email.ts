/**
 * E-mail. Inbound arrives two ways: the Worker's email() handler (Cloudflare Email Routing) calls
 * parseEmail(raw, options); a mail provider that posts raw MIME (content-type message/rfc822) to the
 * HTTP webhook proves itself with the shared secret in X-Edgedesk-Mail-Token. Replies are RFC 5322
 * messages with threading headers, posted as message/rfc822 to the tenant's relay; each is recorded under
 * its Message-ID, which is how a bounce finds the reply it concerns (docs/channels/email.md).
 *
 * A thread is its root Message-ID: the first of References, else In-Reply-To, else the message's own.
 * Attachment bytes travel with the message as blobs, which the gateway stores in R2 (blobs.ts).
 */
import PostalMime from "postal-mime";
import type { Email } from "postal-mime";
import { z } from "zod";
import { sha256Hex, timingSafeEqual } from "../../shared/crypto";
import { ChannelError, httpOutcome, textParts } from "./adapter";
import type { ChannelAdapter, InboundItem, InboundStatus } from "./adapter";
import { MAX_BLOB_BYTES_PER_MESSAGE } from "./blobs";
import { attachmentParts, describeAttachment } from "./email-attachments";
import { composeReply } from "./email-compose";
import { automatedSignal, isReport, messageIds, readReport, type Report } from "./email-reports";

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
  /** Attachment bytes one message may store, at most (and by default) MAX_BLOB_BYTES_PER_MESSAGE. */
  max_attachment_bytes: z.int().min(0).max(MAX_BLOB_BYTES_PER_MESSAGE).optional(),
});
export type EmailConfig = z.infer<typeof EmailConfig>;

export const MAIL_TOKEN_HEADER = "x-edgedesk-mail-token";

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

function addresses(list: Email["to"]): string[] {
  return (list ?? []).flatMap((a) => (a.address ? [a.address] : (a.group ?? []).map((m) => m.address)));
}

/** What parsing needs besides the bytes. `domain` tells our own Message-IDs (`<msg_…@domain>`) from others. */
export type EmailOptions = {
  /** SMTP MAIL FROM / RCPT TO, which fill in what headers lack. */
  envelope?: { from: string; to: string };
  domain?: string;
  maxAttachmentBytes?: number;
};

export function emailOptions(config: EmailConfig, envelope?: EmailOptions["envelope"]): EmailOptions {
  return { domain: config.domain, maxAttachmentBytes: config.max_attachment_bytes ?? MAX_BLOB_BYTES_PER_MESSAGE, ...(envelope ? { envelope } : {}) };
}

/** The provider id our outbound mail is recorded under: its Message-ID as inbound parsing reads one back. */
export function ownMessageId(messageId: string, domain: string): string {
  return `${messageId}@${domain}`.toLowerCase();
}

/** The most metadata entries for attachments: metadata is bounded, a message with hundreds of parts is not. */
const MAX_ATTACHMENT_INFO = 40;

async function read(raw: Uint8Array, forceRfc822Attachments: boolean): Promise<Email> {
  try {
    return await PostalMime.parse(raw, { attachmentEncoding: "arraybuffer", forceRfc822Attachments });
  } catch (e) {
    throw new ChannelError(400, `unreadable MIME: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function reportStatus(outcome: Report["outcome"]): InboundStatus["status"] | null {
  return outcome === "failed" || outcome === "delivered" || outcome === "read" ? outcome : null;
}

/**
 * Raw MIME → what it is. A report on a message we sent (a bounce, a delivery or read notice) becomes a status of
 * that message and nothing else; a delay notice becomes nothing (the MTA is still trying, a later report settles
 * it). Anything else is one message; when a machine wrote it (an auto-reply, list mail, a report on mail that is
 * not ours) it is an event: kept in its thread's conversation as a system message that neither reopens nor routes.
 */
export async function parseEmail(raw: Uint8Array, options: EmailOptions = {}): Promise<InboundItem[]> {
  let email = await read(raw, false);
  // postal-mime keeps a report's returned message apart only for the report types it knows
  if (isReport(email)) email = await read(raw, true);
  const { envelope } = options;
  const from = email.from?.address ? email.from : envelope?.from ? { address: envelope.from, name: "" } : undefined;
  const occurredAt = email.date ? Date.parse(email.date) : NaN;
  const at = Number.isFinite(occurredAt) ? { occurredAt } : {};
  const body = email.text?.trim() || (email.html ? htmlToText(email.html) : "");

  const report = readReport(email, body);
  const domain = options.domain?.toLowerCase();
  const ours = [...new Set(report?.originalIds ?? [])].filter((id) => !domain || id.endsWith(`@${domain}`));
  if (report && ours.length) {
    const status = reportStatus(report.outcome);
    if (status) {
      const reason = status === "failed" && report.reason ? { reason: report.reason } : {};
      return ours.map((providerMessageId) => ({ kind: "status", providerMessageId, status, ...reason, ...at }) satisfies InboundStatus);
    }
    // a delay or relay notice: the MTA is still on it, and a later report settles the message's fate
    if (report.type === "delivery-status" || report.type === "bounce") return [];
  }

  if (!from?.address) throw new ChannelError(422, "no sender address");
  const address = from.address.toLowerCase();
  // Without a Message-ID a redelivery must still map to the same id, so derive it from the bytes.
  const ownId = messageIds(email.messageId)[0] ?? `sha256:${await sha256Hex(raw)}`;
  const references = messageIds(email.references);
  const inReplyTo = messageIds(email.inReplyTo)[0];
  const automated = report ? `report: ${report.type}` : automatedSignal(email, envelope?.from);

  const text = textParts(body);
  // a report's attachments are the returned message and its status: evidence, listed but not stored
  const stored = report ? { parts: [], blobs: [], info: email.attachments.map(describeAttachment) } : attachmentParts(email.attachments, text.length, options.maxAttachmentBytes ?? MAX_BLOB_BYTES_PER_MESSAGE);
  const parts = [...text, ...stored.parts];
  if (!parts.length) parts.push({ type: "text", text: email.subject?.trim().slice(0, 16_000) || "(empty e-mail)" });
  const attachments = stored.info.slice(0, MAX_ATTACHMENT_INFO);
  const autoSubmitted = email.headers.find((h) => h.key === "auto-submitted")?.value.trim().toLowerCase();

  return [
    {
      kind: "message",
      externalThreadId: references[0] ?? inReplyTo ?? ownId,
      providerMessageId: ownId,
      contact: { externalId: address, email: address, ...(from.name ? { name: from.name } : {}) },
      parts,
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
        ...(stored.info.length > attachments.length ? { attachments_omitted: stored.info.length - attachments.length } : {}),
        ...(autoSubmitted && autoSubmitted !== "no" ? { auto_submitted: autoSubmitted } : {}),
        ...(automated ? { automated } : {}),
        ...(report ? { report: { type: report.type, outcome: report.outcome, original_message_ids: report.originalIds.slice(0, 10), ...(report.reason ? { reason: report.reason } : {}) } } : {}),
      },
      ...at,
      ...(automated ? { event: true } : {}),
      ...(stored.blobs.length ? { blobs: stored.blobs } : {}),
    },
  ];
}

export const emailAdapter: ChannelAdapter<EmailConfig> = {
  name: "email",
  config: EmailConfig,

  async verify(req, config) {
    const given = req.headers.get(MAIL_TOKEN_HEADER);
    if (!config.inbound_token) throw new ChannelError(401, "the HTTP mail endpoint is not enabled for this tenant");
    if (!given || !timingSafeEqual(given, config.inbound_token)) throw new ChannelError(401, `missing or wrong ${MAIL_TOKEN_HEADER}`);
  },

  async parse(req, config) {
    return { items: await parseEmail(req.rawBody, emailOptions(config)) };
  },

  /** Needs reply.metadata.to (the customer's address, e.g. the inbound reply_to) and reply.metadata.subject. */
  async send(reply, config) {
    return [
      {
        url: config.relay_url,
        method: "POST",
        headers: { authorization: `Bearer ${config.relay_token}`, "content-type": "message/rfc822" },
        body: composeReply(reply, config),
        providerMessageId: ownMessageId(reply.messageId, config.domain),
      },
    ];
  },

  sendOutcome(status, body) {
    return httpOutcome(status, body);
  },
};
