/**
 * Attachments from the browser: uploads go through the Worker (type and size checked there, stored in R2), and
 * stored files are fetched with the bearer token, since an <img src> cannot carry one, then shown as blob: URLs.
 */
export type Uploaded = { url: string; mime_type: string; size: number; name: string; sha256: string };

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const UPLOAD_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"];

export class UploadError extends Error {
  override readonly name = "UploadError";
  constructor(
    readonly reason: "too_large" | "type" | "failed",
    message: string,
  ) {
    super(message);
  }
}

/** Checks before the bytes leave the browser; the server checks again by content. */
export function uploadProblem(file: { size: number; type: string }): UploadError | null {
  if (file.size > MAX_UPLOAD_BYTES) return new UploadError("too_large", "Files are limited to 10 MB.");
  if (!UPLOAD_TYPES.includes(file.type)) return new UploadError("type", "Only images (PNG, JPEG, GIF, WebP), PDF and plain text can be sent.");
  return null;
}

export async function upload(file: File, token: () => Promise<string>, origin = location.origin): Promise<Uploaded> {
  const problem = uploadProblem(file);
  if (problem) throw problem;
  const res = await fetch(`${origin}/v1/media/uploads?name=${encodeURIComponent(file.name)}`, {
    method: "POST",
    headers: { authorization: `Bearer ${await token()}`, "content-type": file.type },
    body: file,
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { detail?: string };
    throw new UploadError(res.status === 413 ? "too_large" : res.status === 415 ? "type" : "failed", body.detail ?? `Upload failed (${res.status}).`);
  }
  return (await res.json()) as Uploaded;
}

const blobs = new Map<string, Promise<string>>();

/** A blob: URL for a stored file, fetched once per page with the bearer token. Other URLs are returned as they are. */
export function mediaUrl(url: string, token: () => Promise<string>): Promise<string> {
  if (!/\/v1\/media\//.test(url)) return Promise.resolve(url);
  let pending = blobs.get(url);
  if (!pending) {
    pending = (async () => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${await token()}` } });
      if (!res.ok) throw new Error(`attachment unavailable (${res.status})`);
      return URL.createObjectURL(await res.blob());
    })();
    pending.catch(() => blobs.delete(url));
    blobs.set(url, pending);
  }
  return pending;
}
