/**
 * Attachment bytes a provider hands over inline (e-mail MIME parts), kept in R2 (binding MEDIA) and served by
 * /v1/media/files. Keys are content-addressed, `tenant=<id>/<channel>/<sha256 of the bytes>`: a retried delivery
 * writes the same key, and a key names its tenant, so the route can refuse every other tenant's principal.
 *
 * What may be stored is decided before anything is written: an allowlist of types (`admitBlob`), where executables
 * are refused whatever they are called or declared as, and a per-message byte cap the adapter applies.
 */
import { sha256Hex } from "../../shared/crypto";
import type { ChannelName } from "../../shared/message";
import type { InboundItem } from "./adapter";

/** The most attachment bytes one message may store; Email Routing itself stops at 25 MiB of raw MIME. */
export const MAX_BLOB_BYTES_PER_MESSAGE = 25 * 1024 * 1024;

/** A part URL an adapter sets until the gateway has stored the bytes; `.invalid` never resolves (RFC 2606). */
export const PENDING_BLOB_URL = "https://pending.invalid/blob";

const KEY = /^tenant=([A-Za-z0-9][A-Za-z0-9_.:-]{0,127})\/([a-z]{1,20})\/([0-9a-f]{64})$/;

/** The key segment, in place of a channel, of files sent through POST /v1/media/uploads. */
export const UPLOAD_SEGMENT = "upload";

export function blobKey(tenantId: string, channel: ChannelName | typeof UPLOAD_SEGMENT, sha256: string): string {
  return `tenant=${tenantId}/${channel}/${sha256}`;
}

/** The tenant a key belongs to, or null for anything that is not a key this module writes. */
export function blobKeyTenant(key: string): string | null {
  return KEY.exec(key)?.[1] ?? null;
}

export function blobUrl(origin: string, key: string): string {
  return `${origin.replace(/\/+$/, "")}/v1/media/files/${key}`;
}

/** Raster images a browser shows inline; everything else is served as a download. */
export const INLINE_IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"]);

const ALLOWED_TYPES = new Set([
  ...INLINE_IMAGE_TYPES,
  "image/heic",
  "image/heif",
  "image/bmp",
  "image/tiff",
  "image/svg+xml",
  "application/pdf",
  "text/plain",
  "text/csv",
  "text/calendar",
  "text/html",
  "text/markdown",
  "text/xml",
  "application/xml",
  "application/json",
  "application/rtf",
  "text/rtf",
  "application/ics",
  "message/rfc822",
  "application/zip",
  "application/gzip",
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
  "application/vnd.oasis.opendocument.presentation",
  "application/vnd.apple.pages",
  "application/vnd.apple.numbers",
  "application/vnd.apple.keynote",
  // S/MIME and OpenPGP signatures travel as attachments of signed mail
  "application/pkcs7-signature",
  "application/x-pkcs7-signature",
  "application/pgp-signature",
]);
const ALLOWED_PREFIXES = ["audio/", "video/"];

/** For parts sent as application/octet-stream (or with no type), the type their name implies. */
const BY_EXTENSION: Record<string, string> = {
  png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp", avif: "image/avif", heic: "image/heic",
  heif: "image/heif", bmp: "image/bmp", tif: "image/tiff", tiff: "image/tiff", svg: "image/svg+xml", pdf: "application/pdf",
  txt: "text/plain", log: "text/plain", csv: "text/csv", ics: "text/calendar", htm: "text/html", html: "text/html", md: "text/markdown",
  xml: "application/xml", json: "application/json", rtf: "application/rtf", eml: "message/rfc822", zip: "application/zip",
  gz: "application/gzip", doc: "application/msword", xls: "application/vnd.ms-excel", ppt: "application/vnd.ms-powerpoint",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  odt: "application/vnd.oasis.opendocument.text", ods: "application/vnd.oasis.opendocument.spreadsheet",
  odp: "application/vnd.oasis.opendocument.presentation", pages: "application/vnd.apple.pages", numbers: "application/vnd.apple.numbers",
  key: "application/vnd.apple.keynote", p7s: "application/pkcs7-signature", mp3: "audio/mpeg", m4a: "audio/mp4", wav: "audio/wav",
  ogg: "audio/ogg", oga: "audio/ogg", amr: "audio/amr", mp4: "video/mp4", m4v: "video/mp4", mov: "video/quicktime", webm: "video/webm",
  "3gp": "video/3gpp",
};

/** Names that run code when opened on Windows, macOS, Linux or Android, macro-enabled Office files included. */
const EXECUTABLE_EXTENSIONS = new Set(
  ("exe com scr pif bat cmd msi msp mst dll cpl sys drv ocx jar class js jse mjs vbs vbe wsf wsh wsc ws ps1 psm1 psd1 hta lnk url scf " +
    "inf reg chm gadget msc application appref-ms jnlp xll xlam docm dotm xlsm xltm pptm potm ppsm sldm sh bash csh ksh zsh command app " +
    "pkg dmg iso img vhd vhdx apk xapk ipa deb rpm run bin elf so dylib").split(" "),
);

const EXECUTABLE_TYPES = new Set([
  "application/x-msdownload", "application/x-msdos-program", "application/x-ms-installer", "application/x-msi", "application/x-ms-shortcut",
  "application/vnd.microsoft.portable-executable", "application/x-dosexec", "application/x-executable", "application/x-elf",
  "application/x-mach-binary", "application/x-sharedlib", "application/x-sh", "application/x-csh", "application/x-shellscript",
  "application/x-bat", "application/java-archive", "application/x-java-archive", "application/java-vm", "application/javascript",
  "application/x-javascript", "text/javascript", "application/ecmascript", "text/ecmascript", "application/hta", "application/x-apple-diskimage",
  "application/vnd.android.package-archive", "application/x-iso9660-image", "application/vnd.ms-word.document.macroenabled.12",
  "application/vnd.ms-excel.sheet.macroenabled.12", "application/vnd.ms-excel.addin.macroenabled.12",
  "application/vnd.ms-powerpoint.presentation.macroenabled.12",
]);

/** Windows PE ("MZ"), ELF, Mach-O (both byte orders, 32/64-bit, universal) and scripts with a #! line. */
function looksExecutable(b: Uint8Array): boolean {
  const at = (i: number) => b[i] ?? -1;
  if (at(0) === 0x4d && at(1) === 0x5a) return true;
  if (at(0) === 0x7f && at(1) === 0x45 && at(2) === 0x4c && at(3) === 0x46) return true;
  const magic = ((at(0) << 24) | (at(1) << 16) | (at(2) << 8) | at(3)) >>> 0;
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)) return true;
  return at(0) === 0x23 && at(1) === 0x21;
}

export type BlobAdmission = { ok: true; contentType: string; image: boolean } | { ok: false; reason: string };

/**
 * Whether these bytes may be stored, and as what type. Executables are refused by name, declared type or content
 * (so `invoice.pdf` that is a PE file is refused too); other types must be on the allowlist, with
 * application/octet-stream resolved by the file name.
 */
export function admitBlob(name: string | null, declaredType: string, bytes: Uint8Array): BlobAdmission {
  const declared = declaredType.split(";")[0]!.trim().toLowerCase();
  const extension = name?.toLowerCase().match(/\.([a-z0-9-]{1,12})$/)?.[1];
  if ((extension && EXECUTABLE_EXTENSIONS.has(extension)) || EXECUTABLE_TYPES.has(declared) || looksExecutable(bytes)) {
    return { ok: false, reason: "executable files are not accepted" };
  }
  const contentType = declared === "" || declared === "application/octet-stream" ? (extension && BY_EXTENSION[extension]) || declared : declared;
  if (!ALLOWED_TYPES.has(contentType) && !ALLOWED_PREFIXES.some((p) => contentType.startsWith(p))) {
    return { ok: false, reason: `files of type ${contentType || "(none)"} are not accepted` };
  }
  return { ok: true, contentType, image: contentType.startsWith("image/") && contentType !== "image/svg+xml" };
}

/** "25 MB", "300 KB", "80 bytes": a limit as a sender reads it. */
export function byteLimit(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}

/**
 * Writes every message's blobs to R2 and points their parts at the stored copies; returns the items without the
 * bytes. Runs before planning, so a message is only ever stored with URLs that resolve. An object that already
 * exists (a retried delivery, the same file sent twice) is not written again: its key is its content.
 */
export async function storeBlobs(env: Env, tenantId: string, channel: ChannelName, origin: string, items: InboundItem[]): Promise<InboundItem[]> {
  return Promise.all(
    items.map(async (item) => {
      if (item.kind !== "message" || !item.blobs?.length) return item;
      const { blobs, ...message } = item;
      const parts = [...message.parts];
      for (const blob of blobs) {
        const part = parts[blob.part];
        if (!part || (part.type !== "image" && part.type !== "file")) throw new Error(`blob for part ${blob.part}, which is not an image or file part`);
        const key = blobKey(tenantId, channel, await sha256Hex(blob.bytes));
        if (!(await env.MEDIA.head(key))) {
          await env.MEDIA.put(key, blob.bytes, {
            httpMetadata: { contentType: blob.contentType },
            ...(blob.name ? { customMetadata: { name: blob.name } } : {}),
          });
        }
        parts[blob.part] = { ...part, url: blobUrl(origin, key) };
      }
      return { ...message, parts };
    }),
  );
}
