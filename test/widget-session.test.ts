import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, ok, tenant } from "./helpers";
import { identityHash, sha256Hex } from "../shared/crypto";

type Session = { token: string; expires_at: number; contact_id: string; resume_token?: string };

const session = (body: Record<string, unknown>) => call("/v1/widget/session", { method: "POST", json: body });
const started = (body: Record<string, unknown>) => ok<Session>(session(body), 201);

const stored = (contactId: string) =>
  env.DB.prepare("SELECT resume_token_hash AS hash, resume_expires_at AS expires FROM contacts WHERE id = ?").bind(contactId).first<{ hash: string | null; expires: number | null }>();

describe("widget session resume", () => {
  it("no longer resumes a contact by contact_id alone: a 422 that points to resume_token", async () => {
    const t = await tenant();
    const first = await started({ tenant_id: t.id });
    const r = await session({ tenant_id: t.id, contact_id: first.contact_id });
    expect(r.status).toBe(422);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    const problem = await r.json<{ errors: { field: string; message: string }[] }>();
    expect(problem.errors).toEqual([{ field: "contact_id", message: expect.stringContaining("resume_token") }]);
  });

  it("resumes the same contact with the resume token and rotates it: the old token then starts a new contact", async () => {
    const t = await tenant();
    const first = await started({ tenant_id: t.id });
    expect(first.resume_token).toMatch(/^edr_[A-Za-z0-9_-]{43}$/);

    const back = await started({ tenant_id: t.id, resume_token: first.resume_token });
    expect(back.contact_id).toBe(first.contact_id);
    expect(back.resume_token).toMatch(/^edr_/);
    expect(back.resume_token).not.toBe(first.resume_token);
    await ok(call("/v1/widget/conversations", { method: "POST", auth: back.token, json: {} }), 201);

    const replayed = await started({ tenant_id: t.id, resume_token: first.resume_token });
    expect(replayed.contact_id).not.toBe(first.contact_id);
    // A replayed old token does not lock the real visitor out: their current token still resumes.
    expect((await started({ tenant_id: t.id, resume_token: back.resume_token })).contact_id).toBe(first.contact_id);
  });

  it("keeps only a hash of the token, expiring 30 days after its last use", async () => {
    const t = await tenant();
    const before = Date.now();
    const s = await started({ tenant_id: t.id });
    const row = await stored(s.contact_id);
    expect(row?.hash).toBe(await sha256Hex(s.resume_token!));
    expect(row?.expires).toBeGreaterThanOrEqual(before + 30 * 86_400_000);
    expect(row?.expires).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000);
  });

  it("starts a new contact, not an error, for an expired or unknown resume token", async () => {
    const t = await tenant();
    const s = await started({ tenant_id: t.id });
    await env.DB.prepare("UPDATE contacts SET resume_expires_at = ? WHERE id = ?").bind(Date.now() - 1, s.contact_id).run();
    const afterExpiry = await started({ tenant_id: t.id, resume_token: s.resume_token });
    expect(afterExpiry.contact_id).not.toBe(s.contact_id);
    const unknown = await started({ tenant_id: t.id, resume_token: "edr_not-a-token" });
    expect([s.contact_id, afterExpiry.contact_id]).not.toContain(unknown.contact_id);
  });

  it("gives a token from tenant A used on tenant B a new contact of B", async () => {
    const [a, b] = [await tenant(), await tenant()];
    const onA = await started({ tenant_id: a.id });
    const onB = await started({ tenant_id: b.id, resume_token: onA.resume_token });
    expect(onB.contact_id).not.toBe(onA.contact_id);
    await ok(call(`/v1/contacts/${onB.contact_id}`, { auth: b.key }));
    expect((await call(`/v1/contacts/${onB.contact_id}`, { auth: a.key })).status).toBe(404);
    // The attempt on B left A's token intact.
    expect((await started({ tenant_id: a.id, resume_token: onA.resume_token })).contact_id).toBe(onA.contact_id);
  });

  it("never hands a signed-in user's contact to an anonymous session", async () => {
    const t = await tenant();
    const s = await started({ tenant_id: t.id });
    await env.DB.prepare("UPDATE contacts SET external_user_id = 'u-signed-in' WHERE id = ?").bind(s.contact_id).run();
    expect((await started({ tenant_id: t.id, resume_token: s.resume_token })).contact_id).not.toBe(s.contact_id);
  });

  it("issues no resume token to a signed-in user, who resumes by user id and its hash", async () => {
    const t = await tenant();
    const { identity_secret } = await ok<{ identity_secret: string }>(call("/v1/tenant", { auth: t.key }));
    const user_hash = await identityHash("u-1", identity_secret);
    const first = await started({ tenant_id: t.id, user_id: "u-1", user_hash });
    expect(first).not.toHaveProperty("resume_token");
    expect((await started({ tenant_id: t.id, user_id: "u-1", user_hash })).contact_id).toBe(first.contact_id);
    // A bare user id is anyone's claim: that session is anonymous and does not see the user's contact.
    const claimed = await started({ tenant_id: t.id, user_id: "u-1" });
    expect(claimed.contact_id).not.toBe(first.contact_id);
    expect(claimed).toHaveProperty("resume_token");
    expect((await call("/v1/widget/session", { method: "POST", json: { tenant_id: t.id, user_id: "u-1", user_hash: "0".repeat(64) } })).status).toBe(401);
  });

  it("never shows the resume token or its hash in a later API response", async () => {
    const t = await tenant();
    const first = await started({ tenant_id: t.id, name: "Vic" });
    const back = await started({ tenant_id: t.id, resume_token: first.resume_token });
    const conv = await ok<{ id: string }>(call("/v1/widget/conversations", { method: "POST", auth: back.token, json: {} }), 201);
    const secrets = [first.resume_token!, back.resume_token!, await sha256Hex(first.resume_token!), await sha256Hex(back.resume_token!)];
    const responses = await Promise.all([
      call(`/v1/contacts/${first.contact_id}`, { auth: t.key }),
      call(`/v1/contacts/${first.contact_id}`, { auth: t.agentToken }),
      call(`/v1/conversations/${conv.id}`, { auth: t.key }),
      call(`/v1/conversations?contact_id=${first.contact_id}`, { auth: t.key }),
      call(`/v1/conversations/${conv.id}`, { auth: back.token }),
    ]);
    for (const r of responses) {
      expect(r.status).toBe(200);
      const body = await r.text();
      for (const s of secrets) expect(body).not.toContain(s);
    }
  });
});
