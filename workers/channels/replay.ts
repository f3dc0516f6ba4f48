/**
 * Replay protection for signatures that leave the body out (ChannelAdapter.replayKey; WeChat plain mode signs
 * only token, timestamp and nonce). The first body verified under a signed key is remembered, as its SHA-256,
 * until the signature expires. The same bytes again are the provider retrying (message-id idempotency makes
 * that harmless); different bytes under the same signature are someone reusing a captured query string.
 */
import { sha256Hex } from "../../shared/crypto";
import { ChannelError, type ReplayKey } from "./adapter";

/** One cron run deletes at most this many expired keys; the rest go next run (they are dead rows meanwhile). */
const MAX_PURGE = 10_000;

/**
 * One statement decides atomically: a new key is inserted, an expired one is taken over (its old body no longer
 * matters), a live one is left as it is. RETURNING gives the body hash the key holds afterwards: ours, or the
 * first delivery's when this is a replay, in which case nothing was written.
 */
const REMEMBER = `INSERT INTO webhook_nonces (tenant_id, channel, nonce, body_hash, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)
  ON CONFLICT (tenant_id, channel, nonce) DO UPDATE SET
    body_hash = CASE WHEN webhook_nonces.expires_at <= ?6 THEN excluded.body_hash ELSE webhook_nonces.body_hash END,
    expires_at = CASE WHEN webhook_nonces.expires_at <= ?6 THEN excluded.expires_at ELSE webhook_nonces.expires_at END
  RETURNING body_hash`;

export async function refuseReplay(env: Env, tenantId: string, channel: string, replay: ReplayKey, rawBody: Uint8Array, nowMs: number): Promise<void> {
  const bodyHash = await sha256Hex(rawBody);
  const row = await env.DB.prepare(REMEMBER).bind(tenantId, channel, replay.key, bodyHash, replay.expiresAt, nowMs).first<{ body_hash: string }>();
  if (row?.body_hash !== bodyHash) throw new ChannelError(401, "replayed nonce: this signature was already used for another body");
}

/** Deletes keys whose signatures have expired (Cron Trigger); returns how many. */
export async function purgeExpiredNonces(env: Env, nowMs: number): Promise<number> {
  const r = await env.DB.prepare(`DELETE FROM webhook_nonces WHERE rowid IN (SELECT rowid FROM webhook_nonces WHERE expires_at <= ?1 LIMIT ${MAX_PURGE})`).bind(nowMs).run();
  return r.meta.changes ?? 0;
}
