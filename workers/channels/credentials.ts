import { fromBase64, toBase64 } from "../../shared/crypto";

/**
 * Channel credentials at rest: AES-256-GCM under the CHANNEL_KEY Worker secret, with the tenant and channel
 * as associated data so a ciphertext copied to another tenant's row does not decrypt.
 */
const VERSION = "v1";

async function key(env: Env): Promise<CryptoKey> {
  const raw = fromBase64(env.CHANNEL_KEY);
  if (raw.length !== 32) throw new Error("CHANNEL_KEY must be 32 bytes, base64-encoded");
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

const aad = (tenantId: string, channel: string) => new TextEncoder().encode(`${tenantId}:${channel}`);

export async function sealCredentials(env: Env, tenantId: string, channel: string, config: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = new TextEncoder().encode(JSON.stringify(config));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad(tenantId, channel) }, await key(env), data);
  return `${VERSION}.${toBase64(iv)}.${toBase64(ct)}`;
}

export async function openCredentials(env: Env, tenantId: string, channel: string, sealed: string): Promise<unknown> {
  const [version, iv, ct] = sealed.split(".");
  if (version !== VERSION || !iv || !ct) throw new Error("unreadable credentials");
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(iv), additionalData: aad(tenantId, channel) }, await key(env), fromBase64(ct));
  return JSON.parse(new TextDecoder().decode(plain));
}

/** What the API shows instead of a secret: which fields are set, never their values. */
export function redact(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.keys(config).map((k) => [k, "••••"]));
}
