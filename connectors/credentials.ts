import { seal, unseal } from "../shared/sealing";

/**
 * Channel credentials at rest: AES-256-GCM under the CHANNEL_KEY Worker secret (shared/sealing.ts), with the
 * tenant and channel as associated data so a ciphertext copied to another tenant's row does not decrypt.
 */
export function sealCredentials(env: Env, tenantId: string, channel: string, config: unknown): Promise<string> {
  return seal(env.CHANNEL_KEY, `${tenantId}:${channel}`, config);
}

export function openCredentials(env: Env, tenantId: string, channel: string, sealed: string): Promise<unknown> {
  return unseal(env.CHANNEL_KEY, `${tenantId}:${channel}`, sealed);
}

/** What the API shows instead of a secret: which fields are set, never their values. */
export function redact(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.keys(config).map((k) => [k, "••••"]));
}
