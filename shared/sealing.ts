import { fromBase64, toBase64 } from "./crypto";

/**
 * Secrets at rest: AES-256-GCM under a base64 32-byte key (the CHANNEL_KEY Worker secret), with associated data naming
 * the owner (tenant and channel or endpoint), so a ciphertext copied to another row does not decrypt.
 */
const VERSION = "v1";

async function importKey(keyB64: string): Promise<CryptoKey> {
  const raw = fromBase64(keyB64);
  if (raw.length !== 32) throw new Error("CHANNEL_KEY must be 32 bytes, base64-encoded");
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

export async function seal(keyB64: string, owner: string, value: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = new TextEncoder().encode(JSON.stringify(value));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(owner) }, await importKey(keyB64), data);
  return `${VERSION}.${toBase64(iv)}.${toBase64(ct)}`;
}

export async function unseal(keyB64: string, owner: string, sealed: string): Promise<unknown> {
  const [version, iv, ct] = sealed.split(".");
  if (version !== VERSION || !iv || !ct) throw new Error("unreadable sealed value");
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(iv), additionalData: new TextEncoder().encode(owner) }, await importKey(keyB64), fromBase64(ct));
  return JSON.parse(new TextDecoder().decode(plain));
}
