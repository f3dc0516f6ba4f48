/**
 * What an uploaded file really is, read from its bytes: the declared Content-Type is the sender's claim, and a
 * file served from the gateway's origin must be exactly what its stored type says. Only a small set of types is
 * accepted for uploads, each recognisable by its first bytes, or (plain text) by being valid UTF-8 without NUL.
 */

export const UPLOAD_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"] as const;
export type UploadType = (typeof UPLOAD_TYPES)[number];

const ascii = (s: string) => [...s].map((ch) => ch.charCodeAt(0));

/** Signatures at offset 0; `null` is any byte (WebP's RIFF chunk size). */
export const MAGIC: readonly { type: Exclude<UploadType, "text/plain">; prefix: (number | null)[] }[] = [
  { type: "image/png", prefix: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: "image/jpeg", prefix: [0xff, 0xd8, 0xff] },
  { type: "image/gif", prefix: ascii("GIF87a") },
  { type: "image/gif", prefix: ascii("GIF89a") },
  { type: "image/webp", prefix: [...ascii("RIFF"), null, null, null, null, ...ascii("WEBP")] },
  { type: "application/pdf", prefix: ascii("%PDF-") },
];

const startsWith = (bytes: Uint8Array, prefix: readonly (number | null)[]) => bytes.length >= prefix.length && prefix.every((b, i) => b === null || bytes[i] === b);

function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The upload type these bytes are, or null when they are none of them (an empty file is none). */
export function sniff(bytes: Uint8Array): UploadType | null {
  if (bytes.length === 0) return null;
  const magic = MAGIC.find((m) => startsWith(bytes, m.prefix));
  if (magic) return magic.type;
  return isPlainText(bytes) ? "text/plain" : null;
}

/** A Content-Type header's media type, lower-cased, without parameters. */
export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

export type UploadAdmission = { ok: true; type: UploadType } | { ok: false; reason: string };

/** Accepted only when the declared type is an upload type and the bytes are that type. */
export function admitUpload(declaredContentType: string | null | undefined, bytes: Uint8Array): UploadAdmission {
  const declared = mediaType(declaredContentType);
  if (!(UPLOAD_TYPES as readonly string[]).includes(declared)) {
    return { ok: false, reason: `files of type ${declared || "(none)"} are not accepted; send one of ${UPLOAD_TYPES.join(", ")}` };
  }
  const actual = sniff(bytes);
  if (actual !== declared) return { ok: false, reason: actual ? `declared ${declared}, but the content is ${actual}` : `declared ${declared}, but the content is not` };
  return { ok: true, type: actual };
}
