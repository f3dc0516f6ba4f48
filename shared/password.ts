import { z } from "zod";
import { fromBase64, timingSafeEqual, toBase64 } from "./crypto";

/**
 * Agent passwords: PBKDF2-SHA256 through WebCrypto, stored as `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`.
 * 100,000 iterations is the most workerd allows; the count is kept in each hash so it can change later without
 * invalidating stored ones.
 */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

export const Password = z.string().min(10).max(256).describe("10 to 256 characters");

const Stored = /^pbkdf2-sha256\$(\d{1,6})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

export type ParsedHash = { iterations: number; salt: Uint8Array<ArrayBuffer>; hash: Uint8Array<ArrayBuffer> };

export function parseHash(stored: string): ParsedHash | null {
  const m = Stored.exec(stored);
  if (!m) return null;
  const iterations = Number(m[1]);
  if (iterations < 1 || iterations > PBKDF2_ITERATIONS) return null;
  return { iterations, salt: fromBase64(m[2]!), hash: fromBase64(m[3]!) };
}

/** NFC so the same password typed on systems that compose accents differently derives the same key. */
async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password.normalize("NFC")), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
}

/** A malformed stored value never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  return timingSafeEqual(await derive(password, parsed.salt, parsed.iterations), parsed.hash);
}

/**
 * Checked when there is no real hash (unknown e-mail, agent without a password), so those answers cost the same
 * derivation as a wrong password and timing does not tell which e-mails exist. Its salt and hash are random bytes:
 * no password derives them.
 */
export const DECOY_HASH = "pbkdf2-sha256$100000$c2T0v9mHq1xJ3bLwZy8fPA==$Qm9x3vT1rW6yZp0aL8kN2sE4dF7gH5jK9cV1bX3nM0o=";
