/** Web Crypto helpers shared by workers and objects. Comparisons are constant-time. */
const enc = new TextEncoder();

export function toHex(buf: ArrayBuffer | Uint8Array): string {
  return Array.from(buf instanceof Uint8Array ? buf : new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function toBase64(buf: ArrayBuffer | Uint8Array): string {
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * The DOM library (the web pages import these helpers through the typed client) types BufferSource as
 * ArrayBuffer-backed only; nothing here ever holds a SharedArrayBuffer, so the view is passed as is.
 */
const source = (data: string | Uint8Array) => (typeof data === "string" ? enc.encode(data) : data) as Uint8Array<ArrayBuffer>;

export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", source(data)));
}

export async function hmac(
  algorithm: "SHA-256" | "SHA-1",
  key: string | Uint8Array,
  data: string | Uint8Array,
): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey(
    "raw",
    source(key),
    { name: "HMAC", hash: algorithm },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, source(data)));
}

/** Constant-time equality for secrets and signatures; length leaks nothing a caller does not already know. */
export function timingSafeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = typeof a === "string" ? enc.encode(a) : a;
  const y = typeof b === "string" ? enc.encode(b) : b;
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** Visitor identity verification: the tenant's server computes HMAC-SHA256(user_id, secret) as hex. */
export async function identityHash(userId: string, secret: string): Promise<string> {
  return toHex(await hmac("SHA-256", secret, userId));
}

export function randomToken(bytes = 24): string {
  return toHex(crypto.getRandomValues(new Uint8Array(bytes)));
}
