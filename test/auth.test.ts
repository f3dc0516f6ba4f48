import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { call, ok, tenant } from "./helpers";
import { DECOY_HASH, hashPassword, parseHash, verifyPassword } from "../shared/password";
import { REUSE_GRACE_MS } from "../workers/agent-sessions";

type Session = {
  access_token: string;
  expires_at: number;
  refresh_token: string;
  refresh_expires_at: number;
  agent: { id: string; name: string; email: string; role: string };
  tenant: { id: string; name: string };
};

const PASSWORD = "correct horse battery";
let n = 0;

async function agentWithPassword(role: "agent" | "supervisor" | "admin" = "agent") {
  const t = await tenant();
  const email = `Grace${++n}@Example.com`;
  const agent = await ok<{ id: string }>(call("/v1/agents", { method: "POST", auth: t.key, json: { name: "Grace Hopper", email, role, password: PASSWORD } }), 201);
  return { t, email, agentId: agent.id };
}

const login = (tenant_id: string, email: string, password: string) => call("/v1/auth/login", { method: "POST", json: { tenant_id, email, password } });
const refresh = (refresh_token: string) => call("/v1/auth/refresh", { method: "POST", json: { refresh_token } });

async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as { title: string; detail: string; errors?: { field: string; message: string }[] };
}

describe("console sign-in", () => {
  it("signs in with e-mail (any case) and password; the access token works on the API and the password is never returned", async () => {
    const { t, email, agentId } = await agentWithPassword();
    const s = await ok<Session>(login(t.id, email.toUpperCase(), PASSWORD), 200);
    expect(s.agent).toMatchObject({ id: agentId, name: "Grace Hopper", role: "agent" });
    expect(s.tenant.id).toBe(t.id);
    expect(s.expires_at - Date.now()).toBeLessThanOrEqual(15 * 60_000 + 5_000);
    expect(s.refresh_expires_at).toBeGreaterThan(s.expires_at);
    const listed = await ok<{ data: { id: string; name: string }[] }>(call("/v1/agents", { auth: s.access_token }));
    expect(listed.data.find((a) => a.id === agentId)?.name).toBe("Grace Hopper");
    const all = JSON.stringify(await ok(call("/v1/agents", { auth: t.key })));
    expect(all).not.toMatch(/password|pbkdf2/i);
    const stored = await env.DB.prepare("SELECT token_hash FROM agent_sessions WHERE agent_id = ?1").bind(agentId).first<{ token_hash: string }>();
    expect(stored!.token_hash).not.toContain(s.refresh_token);
  });

  it("answers the same 401 for a wrong password, an unknown e-mail, an agent without a password and another tenant", async () => {
    const { t, email } = await agentWithPassword();
    const other = await tenant();
    const answers = await Promise.all([
      login(t.id, email, "wrong password!"),
      login(t.id, "nobody@example.com", PASSWORD),
      login(t.id, `ada${n}@example.com`, PASSWORD),
      login(other.id, email, PASSWORD),
    ]);
    const details = await Promise.all(answers.map(async (r) => (await problem(r, 401)).detail));
    expect(new Set(details).size).toBe(1);
  });

  it("rejects malformed sign-in bodies field by field", async () => {
    const res = await call("/v1/auth/login", { method: "POST", json: { tenant_id: "x", email: "not-an-email", password: "" } });
    const body = await problem(res, 422);
    expect(body.errors!.map((e) => e.field).sort()).toEqual(["email", "password"]);
  });

  it("limits sign-in attempts per e-mail with 429 and Retry-After; other e-mails are unaffected", async () => {
    const { t, email } = await agentWithPassword();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login(t.id, email, `wrong ${i} password`)).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const limited = await login(t.id, email, PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await login(t.id, "someone-else@example.com", PASSWORD)).status).toBe(401);
  });

  it("rotates the refresh token: the old one stops working, the new one works", async () => {
    const { t, email } = await agentWithPassword();
    const first = await ok<Session>(login(t.id, email, PASSWORD));
    const second = await ok<Session>(refresh(first.refresh_token));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    // Within the grace window a second use (another tab renewing at once) fails without ending the sign-in.
    await problem(await refresh(first.refresh_token), 401);
    const third = await ok<Session>(refresh(second.refresh_token));
    expect(third.agent.id).toBe(first.agent.id);
  });

  it("a rotated refresh token replayed after the grace window ends the whole sign-in", async () => {
    const { t, email, agentId } = await agentWithPassword();
    const first = await ok<Session>(login(t.id, email, PASSWORD));
    const second = await ok<Session>(refresh(first.refresh_token));
    await env.DB.prepare("UPDATE agent_sessions SET rotated_at = rotated_at - ?1 WHERE agent_id = ?2 AND rotated_at IS NOT NULL")
      .bind(REUSE_GRACE_MS + 1_000, agentId)
      .run();
    await problem(await refresh(first.refresh_token), 401);
    // The successor the thief or the owner holds is revoked too.
    await problem(await refresh(second.refresh_token), 401);
    // Another sign-in of the same agent is a different family and keeps working.
    const fresh = await ok<Session>(login(t.id, email, PASSWORD));
    await ok<Session>(refresh(fresh.refresh_token));
  });

  it("two renewals racing with one token: exactly one wins", async () => {
    const { t, email } = await agentWithPassword();
    const s = await ok<Session>(login(t.id, email, PASSWORD));
    const answers = await Promise.all([refresh(s.refresh_token), refresh(s.refresh_token), refresh(s.refresh_token)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401, 401]);
  });

  it("refuses expired, unknown and malformed refresh tokens", async () => {
    const { t, email, agentId } = await agentWithPassword();
    const s = await ok<Session>(login(t.id, email, PASSWORD));
    await problem(await refresh("rt_unknown"), 401);
    await problem(await refresh("anything"), 401);
    await problem(await call("/v1/auth/refresh", { method: "POST", json: {} }), 422);
    await env.DB.prepare("UPDATE agent_sessions SET expires_at = 1 WHERE agent_id = ?1").bind(agentId).run();
    await problem(await refresh(s.refresh_token), 401);
  });

  it("logout ends the sign-in; logging out an unknown token is still 204", async () => {
    const { t, email } = await agentWithPassword();
    const s = await ok<Session>(login(t.id, email, PASSWORD));
    const next = await ok<Session>(refresh(s.refresh_token));
    expect((await call("/v1/auth/logout", { method: "POST", json: { refresh_token: next.refresh_token } })).status).toBe(204);
    await problem(await refresh(next.refresh_token), 401);
    expect((await call("/v1/auth/logout", { method: "POST", json: { refresh_token: "rt_nothing" } })).status).toBe(204);
  });
});

describe("magic links", () => {
  it("an API key makes a link whose code is in the fragment; it signs in once", async () => {
    const t = await tenant();
    const res = await ok<{ url: string; expires_at: number }>(call(`/v1/agents/${t.agentId}/magic-link`, { method: "POST", auth: t.key }), 201);
    const url = new URL(res.url);
    expect(url.pathname).toBe("/console");
    expect(url.search).toBe("");
    const code = new URLSearchParams(url.hash.slice(1)).get("magic")!;
    expect(code).toMatch(/^[0-9a-f]{64}$/);
    const s = await ok<Session>(call("/v1/auth/magic", { method: "POST", json: { code } }));
    expect(s.agent.id).toBe(t.agentId);
    await problem(await call("/v1/auth/magic", { method: "POST", json: { code } }), 401);
  });

  it("an expired link does not sign in; a malformed code is a 400", async () => {
    const t = await tenant();
    const { url } = await ok<{ url: string }>(call(`/v1/agents/${t.agentId}/magic-link`, { method: "POST", auth: t.key }), 201);
    await env.DB.prepare("UPDATE agent_magic_links SET expires_at = 1 WHERE agent_id = ?1").bind(t.agentId).run();
    await problem(await call("/v1/auth/magic", { method: "POST", json: { code: url.split("#magic=")[1] } }), 401);
    await problem(await call("/v1/auth/magic", { method: "POST", json: { code: "abc" } }), 422);
  });

  it("an admin agent may make links; a plain agent may not; another tenant's agent is not found", async () => {
    const { t: t1, email, agentId: admin } = await agentWithPassword("admin");
    const adminSession = await ok<Session>(login(t1.id, email, PASSWORD));
    await ok(call(`/v1/agents/${t1.agentId}/magic-link`, { method: "POST", auth: adminSession.access_token }), 201);
    expect((await call(`/v1/agents/${admin}/magic-link`, { method: "POST", auth: t1.agentToken })).status).toBe(403);
    const t2 = await tenant();
    expect((await call(`/v1/agents/${t2.agentId}/magic-link`, { method: "POST", auth: t1.key })).status).toBe(404);
  });
});

describe("passwords", () => {
  it("agents change their own password with the current one; sessions end; the new one signs in", async () => {
    const { t, email, agentId } = await agentWithPassword();
    const s = await ok<Session>(login(t.id, email, PASSWORD));
    const missing = await call(`/v1/agents/${agentId}/password`, { method: "PUT", auth: s.access_token, json: { password: "a new long password" } });
    expect((await problem(missing, 422)).errors![0]!.field).toBe("current_password");
    const wrong = await call(`/v1/agents/${agentId}/password`, { method: "PUT", auth: s.access_token, json: { password: "a new long password", current_password: "nope" } });
    await problem(wrong, 422);
    const changed = await call(`/v1/agents/${agentId}/password`, { method: "PUT", auth: s.access_token, json: { password: "a new long password", current_password: PASSWORD } });
    expect(changed.status).toBe(204);
    await problem(await refresh(s.refresh_token), 401);
    await problem(await login(t.id, email, PASSWORD), 401);
    await ok<Session>(login(t.id, email, "a new long password"));
  });

  it("a plain agent cannot set another agent's password; an API key can; short passwords are refused", async () => {
    const { t, agentId } = await agentWithPassword();
    expect((await call(`/v1/agents/${agentId}/password`, { method: "PUT", auth: t.agentToken, json: { password: "0123456789abc" } })).status).toBe(403);
    await problem(await call(`/v1/agents/${agentId}/password`, { method: "PUT", auth: t.key, json: { password: "short" } }), 422);
    expect((await call(`/v1/agents/${t.agentId}/password`, { method: "PUT", auth: t.key, json: { password: "set by the backend" } })).status).toBe(204);
    const { data } = await ok<{ data: { id: string; email: string }[] }>(call("/v1/agents", { auth: t.key }));
    const email = data.find((a) => a.id === t.agentId)!.email;
    await ok<Session>(login(t.id, email, "set by the backend"));
  });
});

describe("password hashing", () => {
  it("verifies exactly the password it hashed, NFC-normalised", { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40, unit: "grapheme" }), fc.string({ minLength: 1, maxLength: 40 }), async (pw, other) => {
        const stored = await hashPassword(pw);
        expect(parseHash(stored)).not.toBeNull();
        expect(await verifyPassword(pw, stored)).toBe(true);
        expect(await verifyPassword(pw.normalize("NFD"), stored)).toBe(true);
        if (other.normalize("NFC") !== pw.normalize("NFC")) expect(await verifyPassword(other, stored)).toBe(false);
      }),
      { numRuns: 15 },
    );
  });

  it("a malformed stored value never matches and the decoy matches nothing", async () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const parsed = parseHash(s);
        if (parsed) expect(s.startsWith("pbkdf2-sha256$")).toBe(true);
      }),
    );
    for (const bad of ["", "pbkdf2-sha256$0$AA==$AA==", "pbkdf2-sha256$9999999$AA==$AA==", "md5$abc", "pbkdf2-sha256$1000$$"]) {
      expect(parseHash(bad)).toBeNull();
      expect(await verifyPassword("x", bad)).toBe(false);
    }
    expect(parseHash(DECOY_HASH)).not.toBeNull();
    expect(await verifyPassword("", DECOY_HASH)).toBe(false);
    expect(await verifyPassword(PASSWORD, DECOY_HASH)).toBe(false);
  });
});
