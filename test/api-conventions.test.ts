import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { call, ok, tenant, visitor } from "./helpers";
import { purgeExpiredIdempotencyKeys } from "../workers/http/idempotency";
import { LIMIT_PERIOD_S } from "../workers/http/rate-limit";
import { sha256Hex } from "../shared/crypto";
import { TEST_API_LIMIT } from "./limits";

afterEach(() => vi.restoreAllMocks());

const agents = async (key: string) => (await ok<{ data: { email: string }[] }>(call("/v1/agents", { auth: key }))).data;
const newAgent = (key: string, idem: string | undefined, json: unknown) =>
  call("/v1/agents", { method: "POST", auth: key, json, headers: idem === undefined ? {} : { "idempotency-key": idem } });

describe("X-Request-Id", () => {
  it("is on successes, problem+json errors, 404s and webhook answers", async () => {
    const t = await tenant();
    const responses = [
      await call("/v1/agents", { auth: t.key }),
      await call("/v1/agents", { auth: "edk_nope" }),
      await call("/v1/no-such-route"),
      await call(`/webhooks/${t.id}/nonexistent`, { method: "POST", json: {} }),
    ];
    const ids = responses.map((r) => r.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Problem bodies name the request, so a support ticket can quote one id.
    const problem = await responses[1]!.json<{ request_id: string }>();
    expect(problem.request_id).toBe(ids[1]);
    expect((await responses[2]!.json<{ request_id: string }>()).request_id).toBe(ids[2]);
  });

  it("echoes a well-formed caller id and replaces a malformed one", async () => {
    const given = await call("/v1/health", { headers: { "x-request-id": "crm-7f3a:retry.2" } });
    expect(given.headers.get("x-request-id")).toBe("crm-7f3a:retry.2");
    const bad = await call("/v1/health", { headers: { "x-request-id": `evil id ${"x".repeat(200)}` } });
    expect(bad.headers.get("x-request-id")).toMatch(/^req_/);
  });
});

describe("Idempotency-Key", () => {
  it("replays the first response to a repeat and creates nothing twice", async () => {
    const t = await tenant();
    const body = { name: "Grace", email: "grace@example.com" };
    const first = await newAgent(t.key, "create-grace-1", body);
    expect(first.status).toBe(201);
    const firstBody = await first.text();
    const again = await newAgent(t.key, "create-grace-1", body);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("content-type")).toMatch(/application\/json/);
    expect(await again.text()).toBe(firstBody);
    expect(first.headers.has("idempotent-replayed")).toBe(false);
    expect((await agents(t.key)).filter((a) => a.email === body.email)).toHaveLength(1);
  });

  it("replays a new tenant's API key without keeping it readable at rest", async () => {
    const create = () => call("/v1/admin/tenants", { method: "POST", auth: "test-admin-token", json: { name: "Idem Inc" }, headers: { "idempotency-key": crypto.randomUUID() } });
    const key = crypto.randomUUID();
    const send = () => call("/v1/admin/tenants", { method: "POST", auth: "test-admin-token", json: { name: "Idem Inc" }, headers: { "idempotency-key": key } });
    const first = await ok<{ id: string; api_key: string }>(send(), 201);
    const again = await send();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(first);
    const row = await env.DB.prepare("SELECT body FROM idempotency_keys WHERE scope = 'operator POST /v1/admin/tenants' AND key = ?1").bind(key).first<{ body: string }>();
    expect(row!.body).not.toContain(first.api_key);
    // Another key is another request: another tenant.
    expect((await ok<{ id: string }>(create(), 201)).id).not.toBe(first.id);
  });

  it("refuses the same key with another body (422) and a malformed key (400)", async () => {
    const t = await tenant();
    await ok(newAgent(t.key, "k-1", { name: "Lin", email: "lin@example.com" }), 201);
    const other = await newAgent(t.key, "k-1", { name: "Lin", email: "lin2@example.com" });
    expect(other.status).toBe(422);
    expect(other.headers.get("content-type")).toBe("application/problem+json");
    expect((await other.json<{ detail: string }>()).detail).toContain("Idempotency-Key");
    for (const bad of ["", "x".repeat(256), "tab\tinside"]) {
      const res = await call("/v1/agents", { method: "POST", auth: t.key, json: { name: "N", email: "n@example.com" }, headers: [["idempotency-key", bad]] });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    const emails = (await agents(t.key)).map((a) => a.email);
    expect(emails).toContain("lin@example.com");
    expect(emails).not.toContain("lin2@example.com");
    expect(emails).not.toContain("n@example.com");
  });

  it("answers 409 to a repeat while the first request still runs", async () => {
    const t = await tenant();
    const body = { name: "Ida", email: "ida@example.com" };
    // The first request holds the key (no status yet), as it does between claiming the key and answering.
    const fingerprint = await sha256Hex(`POST\n/v1/agents\n${JSON.stringify(body)}`);
    await env.DB.prepare("INSERT INTO idempotency_keys (scope, key, fingerprint, lock, created_at, expires_at) VALUES (?1, ?2, ?3, 'other', ?4, ?5)")
      .bind(`tenant:${t.id} POST /v1/agents`, "in-flight", fingerprint, Date.now(), Date.now() + 60_000)
      .run();
    const res = await newAgent(t.key, "in-flight", body);
    expect(res.status).toBe(409);
    expect((await agents(t.key)).map((a) => a.email)).not.toContain(body.email);
  });

  it("keeps keys apart per tenant and per path, and runs requests without a key as usual", async () => {
    const [a, b] = [await tenant(), await tenant()];
    await ok(newAgent(a.key, "shared", { name: "A", email: "a@example.com" }), 201);
    // Another tenant, same key and body: its own request, not a replay of tenant a's.
    const other = await newAgent(b.key, "shared", { name: "A", email: "a@example.com" });
    expect(other.status).toBe(201);
    expect(other.headers.has("idempotent-replayed")).toBe(false);
    const conv = await call("/v1/conversations", { method: "POST", auth: a.key, json: { channel: "api", contact: { name: "C" } }, headers: { "idempotency-key": "shared" } });
    expect(conv.status).toBe(201);
    await ok(newAgent(a.key, undefined, { name: "B", email: "b@example.com" }), 201);
    expect(await newAgent(a.key, undefined, { name: "B", email: "b@example.com" }).then((r) => r.status)).toBe(409);
  });

  it("does not store a 409 or a 5xx, so a retry with the same key can succeed", async () => {
    const t = await tenant();
    // 409 (the e-mail is taken) describes a moment: a retry runs again rather than replaying it.
    await ok(newAgent(t.key, undefined, { name: "Ada", email: "taken@example.com" }), 201);
    expect((await newAgent(t.key, "dup", { name: "Ada", email: "taken@example.com" })).status).toBe(409);
    const retry = await newAgent(t.key, "dup", { name: "Ada", email: "taken@example.com" });
    expect(retry.status).toBe(409);
    expect(retry.headers.has("idempotent-replayed")).toBe(false);

    // 5xx: the id generator fails once inside the handler. The caller names the request, so the key's lock is the
    // first id made and the agent's id the second.
    const realUuid = crypto.randomUUID.bind(crypto);
    let calls = 0;
    vi.spyOn(crypto, "randomUUID").mockImplementation(() => {
      if (++calls === 2) throw new Error("injected failure");
      return realUuid();
    });
    const failed = await call("/v1/agents", { method: "POST", auth: t.key, json: { name: "Flo", email: "flo@example.com" }, headers: { "idempotency-key": "flaky", "x-request-id": "r-flaky" } });
    vi.restoreAllMocks();
    expect(failed.status).toBe(500);
    const retried = await newAgent(t.key, "flaky", { name: "Flo", email: "flo@example.com" });
    expect(retried.status).toBe(201);
    expect(retried.headers.has("idempotent-replayed")).toBe(false);
  });

  it("applies to visitors' creating calls and expired keys are purged", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const send = () =>
      call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: v.token, json: { client_msg_id: "c-1", parts: [{ type: "text", text: "hi" }] }, headers: { "idempotency-key": "m-1" } });
    const first = await ok<{ seq: number }>(send(), 201);
    const again = await send();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await again.json<{ seq: number }>()).seq).toBe(first.seq);
    const before = await env.DB.prepare("SELECT count(*) AS n FROM idempotency_keys").first<{ n: number }>();
    expect(await purgeExpiredIdempotencyKeys(env, Date.now() + 25 * 3600_000)).toBeGreaterThanOrEqual(1);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM idempotency_keys").first<{ n: number }>();
    expect(after!.n).toBeLessThan(before!.n);
  });
});

describe("rate limits", () => {
  /**
   * The limiter's windows are aligned to the clock, so a burst can straddle a reset: keep calling until refused,
   * for at most two windows' worth.
   */
  async function exhaust(limit: number, request: () => Promise<Response>): Promise<Response> {
    for (let sent = 0; sent <= 2 * limit + 1; sent += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, request));
      const refused = batch.find((r) => r.status === 429);
      await Promise.all(batch.filter((r) => r !== refused).map((r) => r.body?.cancel()));
      if (refused) return refused;
    }
    throw new Error("never rate limited");
  }

  it("answers 429 with Retry-After once one API key exceeds its limit; another key is unaffected", async () => {
    const [busy, calm] = [await tenant(), await tenant()];
    const refused = await exhaust(TEST_API_LIMIT, () => call("/v1/tenant", { auth: busy.key }));
    expect(refused.headers.get("retry-after")).toBe(String(LIMIT_PERIOD_S));
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.headers.get("x-request-id")).toMatch(/^req_/);
    expect((await refused.json<{ status: number }>()).status).toBe(429);
    expect((await call("/v1/tenant", { auth: calm.key })).status).toBe(200);
  });

  it("limits public routes per client address", async () => {
    // Cloudflare's edge sets cf-connecting-ip (a client's own value is replaced); here the test plays the edge.
    const from = (ip: string) => () => call("/v1/health", { headers: { "cf-connecting-ip": ip } });
    const refused = await exhaust(300, from("203.0.113.7"));
    expect(refused.headers.get("retry-after")).toBe(String(LIMIT_PERIOD_S));
    expect((await from("203.0.113.8")()).status).toBe(200);
  });

  it("limits each visitor on its own", async () => {
    const t = await tenant();
    const [busy, calm] = [await visitor(t.id), await visitor(t.id)];
    const refused = await exhaust(120, () => call(`/v1/conversations/${busy.conversationId}`, { auth: busy.token }));
    expect(refused.headers.get("retry-after")).toBe(String(LIMIT_PERIOD_S));
    expect((await call(`/v1/conversations/${calm.conversationId}`, { auth: calm.token })).status).toBe(200);
    // The tenant's own key is counted apart from its visitors.
    expect((await call(`/v1/conversations/${busy.conversationId}`, { auth: t.key })).status).toBe(200);
  });
});

describe("cursor pages", () => {
  it("walk a list in {data, next_cursor} pages with nothing repeated or skipped, and refuse a forged cursor", async () => {
    const t = await tenant();
    for (const n of ["a", "b", "c", "d", "e"]) await ok(call("/v1/agents", { method: "POST", auth: t.key, json: { name: n, email: `${n}@pages.test` } }), 201);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const page: { data: { email: string }[]; next_cursor: string | null } = await ok(call(`/v1/agents?limit=2${q}`, { auth: t.key }));
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((a) => a.email));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    // The test tenant comes with one agent of its own, created first.
    expect(seen).toHaveLength(6);
    expect(pages).toBe(3);
    expect(seen.slice(1)).toEqual(["a", "b", "c", "d", "e"].map((n) => `${n}@pages.test`));
    const bad = await call("/v1/agents?cursor=not-a-cursor", { auth: t.key });
    expect(bad.status).toBe(422);
    expect((await bad.json<{ errors: { field: string }[] }>()).errors[0]!.field).toBe("cursor");
  });
});
