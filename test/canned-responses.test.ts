import fc from "fast-check";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call, ok, tenant } from "./helpers";
import { containsPattern, LIKE_ESCAPE } from "../shared/like";

type Canned = { id: string; shortcut: string; title: string; body: string; language: string | null; created_at: number; updated_at: number };
type Page = { data: Canned[]; next_cursor: string | null };

async function problem(res: Promise<Response>, status: number) {
  const r = await res;
  expect(r.status).toBe(status);
  expect(r.headers.get("content-type")).toContain("application/problem+json");
  return (await r.json()) as { title: string; detail?: string; errors?: { field: string }[] };
}

async function agentToken(key: string, role: "agent" | "supervisor" | "admin") {
  const agent = await ok<{ id: string }>(call("/v1/agents", { method: "POST", auth: key, json: { name: `Sam ${role}`, email: `${role}-${crypto.randomUUID()}@example.com`, role } }), 201);
  return (await ok<{ token: string }>(call(`/v1/agents/${agent.id}/token`, { method: "POST", auth: key }), 201)).token;
}

const create = (auth: string, json: Record<string, unknown>) => ok<Canned>(call("/v1/canned-responses", { method: "POST", auth, json }), 201);
const list = (auth: string, query = "") => ok<Page>(call(`/v1/canned-responses${query}`, { auth }));

/** SQLite's LIKE folds ASCII letters only. */
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());

describe("LIKE escaping", () => {
  it("a pattern built from any text, wildcards included, matches exactly the values containing that text", async () => {
    const alphabet = fc.constantFrom("a", "B", "%", "_", "\\", "x", "你", " ");
    const str = (max: number) => fc.array(alphabet, { maxLength: max }).map((cs) => cs.join(""));
    await fc.assert(
      fc.asyncProperty(str(12), str(4), async (value, needle) => {
        const row = await env.DB.prepare("SELECT ? LIKE ? ESCAPE ? AS hit").bind(value, containsPattern(needle), LIKE_ESCAPE).first<{ hit: number }>();
        expect(row?.hit === 1).toBe(asciiLower(value).includes(asciiLower(needle)));
      }),
      { numRuns: 300 },
    );
  });
});

describe("canned responses", () => {
  it("supervisors create, every agent reads, plain agents cannot write", async () => {
    const t = await tenant();
    const supervisor = await agentToken(t.key, "supervisor");
    const made = await create(supervisor, { shortcut: "refund", title: "Refunds", body: "Refunds take five business days.", language: "en" });
    expect(made).toMatchObject({ shortcut: "refund", title: "Refunds", body: "Refunds take five business days.", language: "en" });
    expect(made.id).toMatch(/^cnd_/);
    expect((await list(t.agentToken)).data.map((c) => c.id)).toEqual([made.id]);

    await problem(call("/v1/canned-responses", { method: "POST", auth: t.agentToken, json: { shortcut: "x", title: "X", body: "x" } }), 403);
    await problem(call(`/v1/canned-responses/${made.id}`, { method: "PATCH", auth: t.agentToken, json: { title: "Y" } }), 403);
    await problem(call(`/v1/canned-responses/${made.id}`, { method: "DELETE", auth: t.agentToken }), 403);
    const admin = await agentToken(t.key, "admin");
    expect((await create(admin, { shortcut: "hi", title: "Hi", body: "Hello!" })).language).toBeNull();
  });

  it("validates shortcut, title and body, and refuses a duplicate shortcut with 409", async () => {
    const t = await tenant();
    for (const bad of [
      { shortcut: "Refund", title: "t", body: "b" },
      { shortcut: "-x", title: "t", body: "b" },
      { shortcut: "a".repeat(33), title: "t", body: "b" },
      { shortcut: "ok", title: "t".repeat(121), body: "b" },
      { shortcut: "ok", title: "t", body: "b".repeat(4001) },
      { shortcut: "ok", title: "", body: "b" },
      { shortcut: "ok", title: "t", body: "b", language: "English" },
    ]) {
      const p = await problem(call("/v1/canned-responses", { method: "POST", auth: t.key, json: bad }), 422);
      expect(p.errors?.length).toBeGreaterThan(0);
    }
    await create(t.key, { shortcut: "a".repeat(32), title: "t".repeat(120), body: "b".repeat(4000) });
    await create(t.key, { shortcut: "same", title: "One", body: "1" });
    expect((await problem(call("/v1/canned-responses", { method: "POST", auth: t.key, json: { shortcut: "same", title: "Two", body: "2" } }), 409)).detail).toContain("same");
    const other = await create(t.key, { shortcut: "other", title: "Other", body: "o" });
    await problem(call(`/v1/canned-responses/${other.id}`, { method: "PATCH", auth: t.key, json: { shortcut: "same" } }), 409);
    // Shortcuts are unique per tenant, not across tenants.
    const u = await tenant();
    await create(u.key, { shortcut: "same", title: "Theirs", body: "t" });
  });

  it("updates and deletes within the tenant only", async () => {
    const t = await tenant();
    const u = await tenant();
    const made = await create(t.key, { shortcut: "ship", title: "Shipping", body: "Two days.", language: "en" });
    await problem(call(`/v1/canned-responses/${made.id}`, { method: "PATCH", auth: u.key, json: { title: "Mine" } }), 404);
    await problem(call(`/v1/canned-responses/${made.id}`, { method: "DELETE", auth: u.key }), 404);
    await problem(call(`/v1/canned-responses/${made.id}`, { method: "PATCH", auth: t.key, json: {} }), 422);

    const changed = await ok<Canned>(call(`/v1/canned-responses/${made.id}`, { method: "PATCH", auth: t.key, json: { body: "Three days.", language: null } }));
    expect(changed).toMatchObject({ id: made.id, shortcut: "ship", title: "Shipping", body: "Three days.", language: null, created_at: made.created_at });
    expect(changed.updated_at).toBeGreaterThanOrEqual(made.updated_at);
    expect((await list(t.key)).data).toEqual([changed]);
    expect((await list(u.key)).data).toEqual([]);

    expect((await call(`/v1/canned-responses/${made.id}`, { method: "DELETE", auth: t.key })).status).toBe(204);
    await problem(call(`/v1/canned-responses/${made.id}`, { method: "DELETE", auth: t.key }), 404);
    expect((await list(t.key)).data).toEqual([]);
  });

  it("q matches shortcut, title or body case-insensitively, with % and _ taken literally", async () => {
    const t = await tenant();
    const a = await create(t.key, { shortcut: "discount", title: "50% off", body: "Use code SAVE50." });
    const b = await create(t.key, { shortcut: "five-hundred", title: "500 points", body: "You earned 500 points." });
    const c = await create(t.key, { shortcut: "snake_case", title: "Underscores", body: "file_name" });
    const ids = async (q: string) => (await list(t.key, `?q=${encodeURIComponent(q)}`)).data.map((x) => x.id).sort();
    expect(await ids("50%")).toEqual([a.id]);
    expect(await ids("%")).toEqual([a.id]);
    expect(await ids("50")).toEqual([a.id, b.id].sort());
    expect(await ids("_")).toEqual([c.id]);
    expect(await ids("e_n")).toEqual([c.id]);
    expect(await ids("save50")).toEqual([a.id]);
    expect(await ids("UNDERSCORE")).toEqual([c.id]);
    expect(await ids("five")).toEqual([b.id]);
    expect(await ids("nothing like it")).toEqual([]);
  });

  it("pages by cursor, oldest first, without repeats or gaps, with and without q", async () => {
    const t = await tenant();
    const made: Canned[] = [];
    for (let i = 0; i < 7; i++) made.push(await create(t.key, { shortcut: `s${i}`, title: i % 2 ? `odd ${i}` : `even ${i}`, body: "b" }));
    const walk = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const p: Page = await list(t.key, `?limit=2${query}${cursor ? `&cursor=${cursor}` : ""}`);
        expect(p.data.length).toBeLessThanOrEqual(2);
        seen.push(...p.data.map((x) => x.id));
        cursor = p.next_cursor;
      } while (cursor);
      return seen;
    };
    // Rows written in the same millisecond are ordered by id: compare with the one-page order, not creation order.
    const whole = (await list(t.key, "?limit=100")).data;
    expect(whole.map((x) => x.id).sort()).toEqual(made.map((m) => m.id).sort());
    expect(whole.map((x) => x.created_at)).toEqual(whole.map((x) => x.created_at).sort((x, y) => x - y));
    expect(await walk("")).toEqual(whole.map((x) => x.id));
    expect(await walk("&q=odd")).toEqual(whole.filter((x) => x.title.startsWith("odd")).map((x) => x.id));
  });

  it("records writes in the audit log", async () => {
    const t = await tenant();
    const made = await create(t.key, { shortcut: "audit", title: "Audited", body: "b" });
    await ok(call(`/v1/canned-responses/${made.id}`, { method: "PATCH", auth: t.key, json: { title: "Audited again" } }));
    expect((await call(`/v1/canned-responses/${made.id}`, { method: "DELETE", auth: t.key })).status).toBe(204);
    await vi.waitFor(
      async () => {
        const log = await ok<{ data: { action: string; target: string | null }[] }>(call("/v1/audit-log?limit=100", { auth: t.key }));
        const actions = log.data.filter((e) => e.action.includes("/v1/canned-responses"));
        expect(actions.map((e) => e.action).sort()).toEqual(["DELETE /v1/canned-responses/{id}", "PATCH /v1/canned-responses/{id}", "POST /v1/canned-responses"]);
        expect(actions.filter((e) => e.target === made.id)).toHaveLength(2);
      },
      { timeout: 5_000, interval: 50 },
    );
  });

  it("API keys need the canned_responses scope", async () => {
    const t = await tenant();
    const keyWith = async (scopes: string[]) => (await ok<{ key: string }>(call("/v1/api-keys", { method: "POST", auth: t.key, json: { name: "k", scopes } }), 201)).key;
    const reader = await keyWith(["canned_responses:read"]);
    await list(reader);
    await problem(call("/v1/canned-responses", { method: "POST", auth: reader, json: { shortcut: "x", title: "X", body: "x" } }), 403);
    await create(await keyWith(["canned_responses:write"]), { shortcut: "x", title: "X", body: "x" });
    await problem(call("/v1/canned-responses", { auth: await keyWith(["conversations:*"]) }), 403);
  });
});
