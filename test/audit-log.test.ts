import { describe, expect, it, vi } from "vitest";
import { call, ok, tenant, visitor, text } from "./helpers";
import { auditChanges, auditedAction, isSecretKey, openApiPath } from "../shared/audit";

type Entry = {
  id: string;
  at: number;
  actor: { kind: string; id: string; name: string | null };
  action: string;
  target: string | null;
  status: number;
  request_id: string;
  changes: unknown;
};
type Page = { data: Entry[]; next_cursor: string | null };

const ADMIN = "test-admin-token";
const BOT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";

const log = (auth: string, query = "") => ok<Page>(call(`/v1/audit-log${query}`, { auth }));

/** Rows are written after the response (waitUntil): wait until the log holds `n` of them. */
const logOf = (auth: string, n: number, query = "") =>
  vi.waitFor(
    async () => {
      const page = await log(auth, `?limit=100${query}`);
      expect(page.data.length).toBeGreaterThanOrEqual(n);
      return page.data;
    },
    { timeout: 5_000, interval: 50 },
  );

describe("what the audit log records", () => {
  it("names routes by their pattern and audits configuration only", () => {
    expect(openApiPath("/v1/channels/:name")).toBe("/v1/channels/{name}");
    expect(openApiPath("/v1/kb/entries/:id{[a-z_0-9]+}")).toBe("/v1/kb/entries/{id}");
    expect(auditedAction("put", "/v1/channels/:name")).toBe("PUT /v1/channels/{name}");
    expect(auditedAction("POST", "/v1/agents/:id/token")).toBe("POST /v1/agents/{id}/token");
    expect(auditedAction("DELETE", "/v1/api-keys/:id")).toBe("DELETE /v1/api-keys/{id}");
    expect(auditedAction("GET", "/v1/channels/:name")).toBeNull();
    expect(auditedAction("PUT", "/v1/agents/:id/status")).toBeNull();
    expect(auditedAction("POST", "/v1/conversations/:id/messages")).toBeNull();
    expect(auditedAction("POST", "/v1/nlp/intent")).toBeNull();
  });

  it("redacts secret-named fields at any depth, keeps the rest, and summarises large bodies", () => {
    for (const k of ["bot_token", "clientSecret", "api_key", "password", "credentials", "Authorization", "signing-keys"]) expect(isSecretKey(k)).toBe(true);
    for (const k of ["keywords", "tokenizer", "monkey", "name", "url"]) expect(isSecretKey(k)).toBe(false);
    expect(auditChanges("PATCH /v1/tenant", { name: "A", crm_lookup: { url: "https://x", token: "t" }, list: [{ secret: 1 }] })).toEqual({
      name: "A",
      crm_lookup: { url: "https://x", token: "••••" },
      list: [{ secret: "••••" }],
    });
    expect(auditChanges("PUT /v1/channels/{name}", { config: { phone_number_id: "123" }, enabled: true })).toEqual({ config: { phone_number_id: "••••" }, enabled: true });
    expect(auditChanges("POST /v1/kb/entries/bulk", { entries: Array.from({ length: 400 }, (_, i) => ({ title: `entry ${i}` })) })).toMatchObject({ truncated: true, fields: ["entries"] });
    expect(auditChanges("DELETE /v1/api-keys/{id}", undefined)).toBeNull();
  });
});

describe("audit log through the API", () => {
  it("records configuration changes with who, what and when, secrets redacted", async () => {
    const t = await tenant();
    await ok(call("/v1/channels/telegram", { method: "PUT", auth: t.key, json: { config: { bot_token: BOT_TOKEN, secret_token: "s1", api_base: "https://tg.stub" } } }));
    // Data and agent status are not configuration.
    await ok(call(`/v1/agents/${t.agentId}/status`, { method: "PUT", auth: t.agentToken, json: { status: "available" } }));
    const v = await visitor(t.id);
    await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: v.token, json: { client_msg_id: crypto.randomUUID(), parts: text("hi") } }), 201);
    await ok(call("/v1/tenant", { method: "PATCH", auth: t.key, json: { name: "Renamed", crm_lookup: { url: "https://crm.example/lookup", token: "crm-secret-token" } } }));
    // A refused change changes nothing.
    expect((await call("/v1/tenant", { method: "PATCH", auth: t.key, json: { name: "" } })).status).toBe(422);

    const rows = await logOf(t.key, 5);
    const raw = JSON.stringify(rows);
    expect(raw).not.toContain(BOT_TOKEN);
    expect(raw).not.toContain("crm-secret-token");
    // Newest first; changes within one millisecond may come in either order.
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.at).toBeGreaterThanOrEqual(rows[i]!.at);
    const by = (action: string) => rows.find((r) => r.action === action)!;
    expect(rows.map((r) => r.action).sort()).toEqual(["PATCH /v1/tenant", "POST /v1/admin/tenants", "POST /v1/agents", "POST /v1/agents/{id}/token", "PUT /v1/channels/{name}"]);
    const [patch, channel, token, agent, created] = ["PATCH /v1/tenant", "PUT /v1/channels/{name}", "POST /v1/agents/{id}/token", "POST /v1/agents", "POST /v1/admin/tenants"].map(by) as [Entry, Entry, Entry, Entry, Entry];
    expect(channel).toMatchObject({ target: "telegram", status: 200, changes: { config: { bot_token: "••••", secret_token: "••••", api_base: "••••" } } });
    expect(channel.actor).toEqual({ kind: "api", id: expect.stringMatching(/^key_/), name: "default" });
    expect(channel.request_id).toEqual(expect.any(String));
    expect(patch.changes).toEqual({ name: "Renamed", crm_lookup: { url: "https://crm.example/lookup", token: "••••" } });
    expect(token).toMatchObject({ target: t.agentId, status: 201, changes: null });
    expect(agent.changes).toMatchObject({ name: "Ada" });
    expect(created).toMatchObject({ actor: { kind: "operator", id: "operator", name: null }, target: null, status: 201 });
  });

  it("operator changes land in the tenant they concern; idempotent replays are not recorded twice", async () => {
    const t = await tenant();
    const headers = { "idempotency-key": crypto.randomUUID() };
    for (let i = 0; i < 2; i++) await ok(call(`/v1/admin/tenants/${t.id}/api-keys`, { method: "POST", auth: ADMIN, headers }), 201);
    await ok(call("/v1/api-keys", { method: "POST", auth: t.key, headers, json: { name: "ci", scopes: ["kb:read"] } }), 201);
    await ok(call("/v1/api-keys", { method: "POST", auth: t.key, headers, json: { name: "ci", scopes: ["kb:read"] } }), 201);
    const rows = await logOf(t.key, 5);
    expect(rows.find((r) => r.action === "POST /v1/admin/tenants/{id}/api-keys")).toMatchObject({ actor: { kind: "operator" }, target: t.id });
    expect(rows.find((r) => r.action === "POST /v1/api-keys")!.changes).toEqual({ name: "ci", scopes: ["kb:read"] });
    expect(JSON.stringify(rows)).not.toContain("edk_");
    await new Promise((r) => setTimeout(r, 100));
    expect((await log(t.key, "?limit=100")).data).toHaveLength(5);
    // Another tenant sees none of it.
    const other = await tenant();
    expect((await logOf(other.key, 3)).every((r) => r.target !== t.id)).toBe(true);
  });

  it("pages newest first and filters by actor, action, target and time", async () => {
    const t = await tenant();
    const names = ["a", "b", "c", "d"];
    for (const n of names) await ok(call("/v1/api-keys", { method: "POST", auth: t.key, json: { name: n, scopes: ["kb:read"] } }), 201);
    const all = await logOf(t.key, 7);
    const seen: Entry[] = [];
    for (let cursor: string | null = ""; cursor !== null; ) {
      const page: Page = await log(t.key, `?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.data);
      cursor = page.next_cursor;
    }
    expect(seen.map((r) => r.id)).toEqual(all.map((r) => r.id));

    const keys = await log(t.key, `?action=${encodeURIComponent("POST /v1/api-keys")}`);
    expect(keys.data.map((r) => (r.changes as { name: string }).name).sort()).toEqual(names);
    const mine = all.find((r) => r.action === "POST /v1/api-keys")!.actor.id;
    expect((await log(t.key, `?actor_id=${mine}`)).data.every((r) => r.actor.id === mine)).toBe(true);
    expect((await log(t.key, "?actor_id=operator")).data.map((r) => r.action)).toEqual(["POST /v1/admin/tenants"]);
    expect((await log(t.key, `?target=${t.agentId}`)).data.map((r) => r.action)).toEqual(["POST /v1/agents/{id}/token"]);
    const middle = keys.data[2]!.at;
    expect((await log(t.key, `?action=${encodeURIComponent("POST /v1/api-keys")}&since=${middle}&until=${middle}`)).data.every((r) => r.at === middle)).toBe(true);
    expect((await log(t.key, `?since=${Date.now() + 60_000}`)).data).toEqual([]);
    expect((await call("/v1/audit-log?since=soon", { auth: t.key })).status).toBe(422);
  });

  it("agents need the supervisor or admin role; keys need the audit scope", async () => {
    const t = await tenant();
    expect((await call("/v1/audit-log", { auth: t.agentToken })).status).toBe(403);
    const sup = await ok<{ id: string }>(call("/v1/agents", { method: "POST", auth: t.key, json: { name: "Sue", email: `sue-${crypto.randomUUID()}@example.com`, role: "supervisor" } }), 201);
    const { token } = await ok<{ token: string }>(call(`/v1/agents/${sup.id}/token`, { method: "POST", auth: t.key }), 201);
    await ok(call("/v1/audit-log", { auth: token }));
    const kbOnly = await ok<{ key: string }>(call("/v1/api-keys", { method: "POST", auth: t.key, json: { name: "kb", scopes: ["kb:*"] } }), 201);
    expect((await call("/v1/audit-log", { auth: kbOnly.key })).status).toBe(403);
    const auditor = await ok<{ key: string }>(call("/v1/api-keys", { method: "POST", auth: t.key, json: { name: "auditor", scopes: ["audit:read"] } }), 201);
    await ok(call("/v1/audit-log", { auth: auditor.key }));
    const v = await visitor(t.id);
    expect((await call("/v1/audit-log", { auth: v.token })).status).toBe(403);
  });
});
