/**
 * Standard Webhooks (https://www.standardwebhooks.com) signing, used both ways: the API channel
 * verifies what integrators send us, and outgoing webhooks are signed so their stock libraries verify ours.
 * signature = "v1," + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)), key = base64 part of "whsec_…".
 */
import { fromBase64, hmac, timingSafeEqual, toBase64 } from "./crypto";

export const DEFAULT_TOLERANCE_S = 5 * 60;

/** The signing key: the secret without its "whsec_" prefix, base64-decoded. Throws on a malformed secret. */
export function webhookKey(secret: string): Uint8Array {
  const b64 = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new TypeError("webhook secret is not base64");
  return fromBase64(b64);
}

/** A usable secret decodes to a key of at least 16 bytes (the reference libraries generate 24-32). */
export function isWebhookSecret(secret: string): boolean {
  try {
    return webhookKey(secret).length >= 16;
  } catch {
    return false;
  }
}

function signedContent(id: string, tsSeconds: number, body: string | Uint8Array): Uint8Array {
  const enc = new TextEncoder();
  const head = enc.encode(`${id}.${tsSeconds}.`);
  const tail = typeof body === "string" ? enc.encode(body) : body;
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

export async function signStandardWebhook(secret: string, id: string, tsSeconds: number, body: string | Uint8Array): Promise<string> {
  return `v1,${toBase64(await hmac("SHA-256", webhookKey(secret), signedContent(id, tsSeconds, body)))}`;
}

export type WebhookHeaders = { id: string | null; timestamp: string | null; signature: string | null };

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/**
 * Checks the three webhook-* headers against the raw body. The timestamp is signed, so the tolerance
 * window is what stops a captured request from being replayed later.
 */
export async function verifyStandardWebhook(
  secret: string,
  headers: WebhookHeaders,
  body: string | Uint8Array,
  nowMs: number,
  toleranceS = DEFAULT_TOLERANCE_S,
): Promise<VerifyResult> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: "missing webhook-id, webhook-timestamp or webhook-signature" };
  if (!/^[0-9]{1,12}$/.test(timestamp)) return { ok: false, reason: "malformed webhook-timestamp" };
  const ts = Number(timestamp);
  if (Math.abs(nowMs - ts * 1000) > toleranceS * 1000) return { ok: false, reason: "webhook-timestamp outside the tolerance window" };
  const expected = await signStandardWebhook(secret, id, ts, body);
  // Several signatures may be listed during key rotation; any valid v1 one is enough.
  let match = false;
  for (const candidate of signature.split(" ")) {
    if (candidate.startsWith("v1,") && timingSafeEqual(candidate, expected)) match = true;
  }
  return match ? { ok: true } : { ok: false, reason: "no matching v1 signature" };
}
