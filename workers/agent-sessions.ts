import { and, eq, isNull } from "drizzle-orm";
import { db } from "../db/client";
import { agentMagicLinks, agentSessions, agents, tenants } from "../db/schema";
import { randomToken, sha256Hex } from "../shared/crypto";
import { newId, now } from "../shared/ids";
import { CONSOLE_TOKEN_TTL_S, issueToken } from "./http/auth";

/**
 * Console sign-in sessions (docs/web.md, "Sign-in"): a short-lived access token (CONSOLE_TOKEN_TTL_S) and a refresh
 * token that every renewal rotates. Only the refresh token's SHA-256 is stored. A rotated token presented again means
 * it was copied, so its whole family (every successor of one sign-in) is revoked, except within REUSE_GRACE_MS of its
 * rotation: two tabs renewing at once present the same token, and the loser then finds its sibling's newer one.
 */
export const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;
export const MAGIC_LINK_TTL_MS = 15 * 60 * 1000;
export const REUSE_GRACE_MS = 30_000;
const REFRESH_PREFIX = "rt_";

type AgentRow = typeof agents.$inferSelect;

export type ConsoleSession = {
  access_token: string;
  expires_at: number;
  refresh_token: string;
  refresh_expires_at: number;
  agent: { id: string; name: string; email: string; role: AgentRow["role"] };
  tenant: { id: string; name: string };
};

async function sessionFor(env: Env, agent: AgentRow, familyId: string, userAgent: string | null): Promise<ConsoleSession> {
  const refresh = REFRESH_PREFIX + randomToken(32);
  const at = now();
  const row = { id: newId("ses"), tenantId: agent.tenantId, agentId: agent.id, familyId, tokenHash: await sha256Hex(refresh), expiresAt: at + REFRESH_TTL_MS, rotatedAt: null, revokedAt: null, userAgent: userAgent?.slice(0, 300) ?? null, createdAt: at };
  await db(env).insert(agentSessions).values(row);
  const tenant = await db(env).select({ name: tenants.name }).from(tenants).where(eq(tenants.id, agent.tenantId)).get();
  const access = await issueToken(env, { kind: "agent", sub: agent.id, tid: agent.tenantId, role: agent.role, name: agent.name }, CONSOLE_TOKEN_TTL_S);
  return {
    access_token: access.token,
    expires_at: access.expires_at,
    refresh_token: refresh,
    refresh_expires_at: row.expiresAt,
    agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role },
    tenant: { id: agent.tenantId, name: tenant?.name ?? agent.tenantId },
  };
}

/** A new sign-in: a new family. */
export const startSession = (env: Env, agent: AgentRow, userAgent: string | null) => sessionFor(env, agent, newId("ses"), userAgent);

async function revokeFamily(env: Env, familyId: string): Promise<void> {
  await db(env).update(agentSessions).set({ revokedAt: now() }).where(and(eq(agentSessions.familyId, familyId), isNull(agentSessions.revokedAt)));
}

/** Every session of an agent, e.g. after a password change: their refresh tokens stop working at once. */
export async function revokeAgentSessions(env: Env, tenantId: string, agentId: string): Promise<void> {
  await db(env)
    .update(agentSessions)
    .set({ revokedAt: now() })
    .where(and(eq(agentSessions.tenantId, tenantId), eq(agentSessions.agentId, agentId), isNull(agentSessions.revokedAt)));
}

/** The successor session of a refresh token, or null when it is unknown, expired, revoked or already used. */
export async function rotateSession(env: Env, refreshToken: string, userAgent: string | null): Promise<ConsoleSession | null> {
  if (!refreshToken.startsWith(REFRESH_PREFIX)) return null;
  const hash = await sha256Hex(refreshToken);
  const row = await db(env).select().from(agentSessions).where(eq(agentSessions.tokenHash, hash)).get();
  const at = now();
  if (!row || row.revokedAt !== null || row.expiresAt <= at) return null;
  // Only one caller wins the rotation; a loser is a replay of a token that already has a successor.
  const won = await db(env)
    .update(agentSessions)
    .set({ rotatedAt: at })
    .where(and(eq(agentSessions.id, row.id), isNull(agentSessions.rotatedAt), isNull(agentSessions.revokedAt)))
    .returning({ id: agentSessions.id })
    .get();
  if (!won) {
    const rotatedAt = row.rotatedAt ?? at;
    if (at - rotatedAt > REUSE_GRACE_MS) await revokeFamily(env, row.familyId);
    return null;
  }
  const agent = await db(env).select().from(agents).where(and(eq(agents.tenantId, row.tenantId), eq(agents.id, row.agentId))).get();
  if (!agent) {
    await revokeFamily(env, row.familyId);
    return null;
  }
  return sessionFor(env, agent, row.familyId, userAgent);
}

/** Signing out ends the family of the presented refresh token; an unknown token is already signed out. */
export async function endSession(env: Env, refreshToken: string): Promise<void> {
  if (!refreshToken.startsWith(REFRESH_PREFIX)) return;
  const row = await db(env).select({ familyId: agentSessions.familyId }).from(agentSessions).where(eq(agentSessions.tokenHash, await sha256Hex(refreshToken))).get();
  if (row) await revokeFamily(env, row.familyId);
}

/** A single-use sign-in code for the console URL `#magic=<code>` (the fragment never reaches a server log). */
export async function createMagicLink(env: Env, tenantId: string, agentId: string): Promise<{ code: string; expires_at: number }> {
  const code = randomToken(32);
  const at = now();
  const expires_at = at + MAGIC_LINK_TTL_MS;
  await db(env).insert(agentMagicLinks).values({ codeHash: await sha256Hex(code), tenantId, agentId, expiresAt: expires_at, usedAt: null, createdAt: at });
  return { code, expires_at };
}

/** Marks the code used and returns its agent; null when it is unknown, expired or used before. */
export async function redeemMagicLink(env: Env, code: string): Promise<AgentRow | null> {
  const at = now();
  const link = await db(env)
    .update(agentMagicLinks)
    .set({ usedAt: at })
    .where(and(eq(agentMagicLinks.codeHash, await sha256Hex(code)), isNull(agentMagicLinks.usedAt)))
    .returning()
    .get();
  if (!link || link.expiresAt <= at) return null;
  return (await db(env).select().from(agents).where(and(eq(agents.tenantId, link.tenantId), eq(agents.id, link.agentId))).get()) ?? null;
}
