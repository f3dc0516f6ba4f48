import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call, ok, tenant } from "./helpers";
import { RESOURCES, SCOPES, allows, covers, scopeFor, type RequiredScope } from "../shared/api-scopes";

type Key = { id: string; name: string; key: string; prefix: string; scopes: string[]; created_at: number; revoked_at: number | null };

const newKey = (auth: string, scopes: string[], name = "integration") => ok<Key>(call("/v1/api-keys", { method: "POST", auth, json: { name, scopes } }), 201);
const entry = { type: "faq", title: "How long do refunds take?", answer: "Five business days." };

async function problem(res: Promise<Response>, status: number) {
  const r = await res;
  expect(r.status).toBe(status);
  expect(r.headers.get("content-type")).toContain("application/problem+json");
  return (await r.json()) as { title: string; detail?: string };
}

describe("scopeFor and allows", () => {
  const method = fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
  const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);

  it("maps every request under a resource to that resource, read for GET/HEAD and write otherwise", () => {
    const segments: Record<string, string> = { "webhook-endpoints": "webhooks", "audit-log": "audit", "api-keys": "api_keys" };
    const named = fc.constantFrom(...RESOURCES.filter((r) => r !== "webhooks" && r !== "audit" && r !== "api_keys"), ...Object.keys(segments));
    fc.assert(
      fc.property(method, named, fc.array(segment, { maxLength: 4 }), (m, first, rest) => {
        const resource = segments[first] ?? first;
        const access = m === "GET" || m === "HEAD" ? "read" : "write";
        expect(scopeFor(m, ["/v1", first, ...rest].join("/"))).toBe(`${resource}:${access}`);
      }),
    );
  });

  it("paths no resource names need the full scope", () => {
    expect(scopeFor("GET", "/v1/widget/session")).toBe("*");
    expect(scopeFor("POST", "/v1/admin/tenants")).toBe("*");
    expect(scopeFor("GET", "/v1/constructor")).toBe("*");
    expect(scopeFor("GET", "/webhooks/ten_x/telegram")).toBe("*");
  });

  it("write implies read, `*` allows everything, and a scope never allows another resource", () => {
    const resource = fc.constantFrom(...RESOURCES);
    const access = fc.constantFrom("read", "write");
    fc.assert(
      fc.property(resource, resource, access, fc.constantFrom("read", "write", "*"), (r, other, a, held) => {
        const required = `${r}:${a}` as RequiredScope;
        expect(allows(["*"], required)).toBe(true);
        expect(allows([`${r}:${held}`], required)).toBe(held !== "read" || a === "read");
        if (other !== r) expect(allows([`${other}:*`], required)).toBe(false);
        expect(allows([`${r}:${held}`], "*")).toBe(false);
      }),
    );
  });

  it("a key only covers scopes it could use itself", () => {
    fc.assert(
      fc.property(fc.subarray([...SCOPES]), fc.constantFrom(...SCOPES), (held, wanted) => {
        if (!covers(held, wanted)) return;
        // Whatever the wanted scope allows, the holder allows too.
        for (const r of RESOURCES) for (const a of ["read", "write"] as const) if (allows([wanted], `${r}:${a}`)) expect(allows(held, `${r}:${a}`)).toBe(true);
      }),
    );
  });
});

describe("API key scopes", () => {
  it("a read-only key can read its resource but not write it, and nothing else", async () => {
    const t = await tenant();
    const k = await newKey(t.key, ["kb:read"]);
    expect(k.key.startsWith(k.prefix)).toBe(true);
    expect(k).toMatchObject({ scopes: ["kb:read"], revoked_at: null });
    await ok(call("/v1/kb/entries", { auth: k.key }));
    const refused = await problem(call("/v1/kb/entries", { method: "POST", auth: k.key, json: entry }), 403);
    expect(refused.detail).toContain("kb:write");
    expect((await problem(call("/v1/agents", { auth: k.key }), 403)).detail).toContain("agents:read");
  });

  it("a kb-only key writes the knowledge base but cannot read conversations", async () => {
    const t = await tenant();
    const k = await newKey(t.key, ["kb:*"]);
    await ok(call("/v1/kb/entries", { method: "POST", auth: k.key, json: entry }), 201);
    expect((await problem(call("/v1/conversations", { auth: k.key }), 403)).detail).toContain("conversations:read");
  });

  it("agent tokens are not limited by scopes", async () => {
    const t = await tenant();
    await ok(call("/v1/conversations", { auth: t.agentToken }));
    await ok(call("/v1/kb/entries", { auth: t.agentToken }));
  });

  it("a key cannot grant more than it holds, and unknown scopes are refused", async () => {
    const t = await tenant();
    const manager = await newKey(t.key, ["api_keys:write", "kb:*"]);
    expect((await problem(call("/v1/api-keys", { method: "POST", auth: manager.key, json: { name: "x", scopes: ["*"] } }), 403)).detail).toContain("*");
    expect((await problem(call("/v1/api-keys", { method: "POST", auth: manager.key, json: { name: "x", scopes: ["kb:read", "conversations:read"] } }), 403)).detail).toContain(
      "conversations:read",
    );
    const child = await newKey(manager.key, ["kb:read", "kb:read"]);
    expect(child.scopes).toEqual(["kb:read"]);
    await problem(call("/v1/api-keys", { method: "POST", auth: t.key, json: { name: "x", scopes: ["kb:delete"] } }), 422);
    await problem(call("/v1/api-keys", { method: "POST", auth: t.key, json: { name: "x", scopes: [] } }), 422);
    await problem(call("/v1/api-keys", { method: "POST", auth: t.agentToken, json: { name: "x", scopes: ["kb:read"] } }), 403);
  });
});

describe("API key management", () => {
  it("lists keys in pages without the key or its hash; revoked keys show when", async () => {
    const t = await tenant();
    const a = await newKey(t.key, ["kb:read"], "a");
    const b = await newKey(t.key, ["analytics:read"], "b");
    expect((await call(`/v1/api-keys/${a.id}`, { method: "DELETE", auth: t.key })).status).toBe(204);
    const seen: Record<string, unknown>[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: { data: Record<string, unknown>[]; next_cursor: string | null } = await ok(call(`/v1/api-keys?limit=1${cursor ? `&cursor=${cursor}` : ""}`, { auth: t.key }));
      expect(page.data.length).toBeLessThanOrEqual(1);
      seen.push(...page.data);
      cursor = page.next_cursor;
    }
    expect(seen.map((k) => k.name)).toEqual(["default", "a", "b"]);
    for (const k of seen) expect(Object.keys(k).sort()).toEqual(["created_at", "id", "name", "prefix", "revoked_at", "scopes"]);
    expect(seen[0]!.scopes).toEqual(["*"]);
    expect(seen[1]!.revoked_at).toEqual(expect.any(Number));
    expect(await ok(call(`/v1/api-keys/${b.id}`, { auth: t.key }))).toEqual({ id: b.id, name: "b", prefix: b.prefix, scopes: ["analytics:read"], created_at: b.created_at, revoked_at: null });
    const other = await tenant();
    await problem(call(`/v1/api-keys/${b.id}`, { auth: other.key }), 404);
    await problem(call(`/v1/api-keys/${b.id}`, { method: "DELETE", auth: other.key }), 404);
  });

  it("a revoked key is refused at once, even though it was cached a moment ago", async () => {
    const t = await tenant();
    const k = await newKey(t.key, ["kb:read"]);
    await ok(call("/v1/kb/entries", { auth: k.key }));
    expect((await call(`/v1/api-keys/${k.id}`, { method: "DELETE", auth: t.key })).status).toBe(204);
    await problem(call("/v1/kb/entries", { auth: k.key }), 401);
    const first = (await ok<Key>(call(`/v1/api-keys/${k.id}`, { auth: t.key }))).revoked_at;
    expect((await call(`/v1/api-keys/${k.id}`, { method: "DELETE", auth: t.key })).status).toBe(204);
    expect((await ok<Key>(call(`/v1/api-keys/${k.id}`, { auth: t.key }))).revoked_at).toBe(first);
  });

  it("a key may revoke itself; it stops working", async () => {
    const t = await tenant();
    const k = await newKey(t.key, ["api_keys:write"]);
    expect((await call(`/v1/api-keys/${k.id}`, { method: "DELETE", auth: k.key })).status).toBe(204);
    await problem(call("/v1/api-keys", { auth: k.key }), 401);
    await ok(call("/v1/api-keys", { auth: t.key }));
  });
});
