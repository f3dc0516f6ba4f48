/**
 * MIME attachments → content parts with their bytes alongside (InboundBlob), for the gateway to store in R2.
 * Every attachment counts, inline `cid:` images of an HTML body included. One that may not be stored (an
 * executable, a type off the allowlist, over the message's byte cap, past the part limit) is not dropped: it
 * becomes an `unsupported` part saying what arrived and why it was not kept, and its metadata entry says so too.
 */
import type { Attachment } from "postal-mime";
import type { ContentPart } from "../../shared/message";
import type { InboundBlob } from "./adapter";
import { admitBlob, byteLimit, PENDING_BLOB_URL } from "./blobs";
import { messageIds } from "./email-reports";

/** A message holds at most 20 parts (MessageInput); one is kept for the text. */
const MAX_ATTACHMENT_PARTS = 19;

export type AttachmentInfo = {
  filename: string | null;
  mime_type: string;
  size: number;
  content_id: string | null;
  disposition: string | null;
  /** Index of the part that shows it, so an HTML body's cid: reference can be resolved to the stored copy. */
  part?: number;
  /** Why the bytes were not stored. */
  refused?: string;
};

function bytesOf(a: Attachment): Uint8Array {
  return typeof a.content === "string" ? new TextEncoder().encode(a.content) : new Uint8Array(a.content);
}

export function describeAttachment(a: Attachment): AttachmentInfo {
  return {
    // clipped: forty entries of a sender's unbounded names must still fit the message's metadata bound
    filename: a.filename?.slice(0, 255) ?? null,
    mime_type: a.mimeType.slice(0, 100),
    size: bytesOf(a).byteLength,
    content_id: a.contentId ? (messageIds(a.contentId)[0]?.slice(0, 255) ?? null) : null,
    disposition: a.disposition,
  };
}

function refusal(info: AttachmentInfo, reason: string): ContentPart {
  const what = `${info.filename ?? "an attachment"} (${info.mime_type}, ${info.size} bytes)`;
  return { type: "unsupported", provider_type: "email_attachment", description: `${what} was not stored: ${reason}`.slice(0, 1000) };
}

/**
 * Parts for the attachments, numbered from `firstPart`; `maxBytes` is the message's cap on stored bytes.
 * Attachments past the part limit are only listed in `info`.
 */
export function attachmentParts(attachments: Attachment[], firstPart: number, maxBytes: number): { parts: ContentPart[]; blobs: InboundBlob[]; info: AttachmentInfo[] } {
  const parts: ContentPart[] = [];
  const blobs: InboundBlob[] = [];
  const info: AttachmentInfo[] = [];
  let budget = maxBytes;
  for (const a of attachments) {
    const entry = describeAttachment(a);
    info.push(entry);
    if (parts.length === MAX_ATTACHMENT_PARTS) {
      entry.refused = `a message keeps at most ${MAX_ATTACHMENT_PARTS} attachments`;
      continue;
    }
    const bytes = bytesOf(a);
    const admitted = admitBlob(a.filename, a.mimeType, bytes);
    entry.part = firstPart + parts.length;
    if (!admitted.ok || bytes.byteLength > budget) {
      entry.refused = admitted.ok ? `attachments are limited to ${byteLimit(maxBytes)} per message` : admitted.reason;
      parts.push(refusal(entry, entry.refused));
      continue;
    }
    budget -= bytes.byteLength;
    const name = a.filename?.slice(0, 255) || undefined;
    parts.push(
      admitted.image
        ? { type: "image", url: PENDING_BLOB_URL, mime_type: admitted.contentType }
        : { type: "file", url: PENDING_BLOB_URL, mime_type: admitted.contentType, size: bytes.byteLength, ...(name ? { name } : {}) },
    );
    blobs.push({ part: entry.part, bytes, contentType: admitted.contentType, ...(name ? { name } : {}) });
  }
  return { parts, blobs, info };
}
