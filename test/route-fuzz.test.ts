import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { call, ok, tenant, visitor } from "./helpers";

/**
 * Every documented HTTP route under random, truncated, oversized and hostile input, with the credentials it
 * accepts: never a 5xx, always a status the route documents, and every error as problem+json. `npm test` runs a few
 * cases per route; `npm run fuzz` runs FUZZ_RUNS (default 200) and prints what it tried.
 */
const RUNS = Number(env.FUZZ_RUNS) || 3;

type Operation = { security?: Record<string, string[]>[]; parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, unknown> }; responses: Record<string, unknown> };

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

const edgeStrings = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES, "", " ", "\u0000", "\ud800", "\u202e\u200b", "🧪".repeat(50), "x".repeat(5000), "null", "-1", "1e999", "../../etc/passwd", "%", "'; DROP TABLE tenants; --"),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ maxLength: 20 }),
);

const hugeNumbers = fc.constantFrom(Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 1, -(2 ** 63), 1e21, 0.1 + 0.2, -0);

const value: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 3 }), edgeStrings, hugeNumbers, fc.constant(nested(300)));

/** Objects whose keys are the route's own fields' likely names, prototype members and noise. */
const hostileObject = fc.dictionary(
  fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "id", "name", "email", "parts", "type", "text", "status", "tenant_id", "client_msg_id", "metadata", "password", "action"), fc.string({ maxLength: 12 })),
  value,
  { maxKeys: 8 },
);

/** A body as raw text: JSON of something, a truncated JSON document, or no JSON at all. */
const body = fc.oneof(
  fc.oneof(value, hostileObject).map((v) => JSON.stringify(v) ?? "null"),
  hostileObject.map((v) => JSON.stringify(v).slice(0, -1)),
  fc.constantFrom("", "{", '{"a":', "[", "\u0000", "not json", '{"__proto__":{"polluted":true}}', JSON.stringify(nested(5000)), `{"a":"${"y".repeat(200_000)}"}`),
);

const contentType = fc.constantFrom("application/json", "application/json", "text/plain", "application/x-www-form-urlencoded", "image/png", "");

describe("every route under hostile input", () => {
  it("an empty or all-unknown tenant patch changes nothing (found by this fuzz: it was a 500)", async () => {
    const t = await tenant();
    const before = await ok(call("/v1/tenant", { auth: t.key }));
    for (const json of [{}, { constructor: 1, unknown_field: "x" }]) {
      const after = await ok(call("/v1/tenant", { method: "PATCH", auth: t.key, json }));
      expect(after).toMatchObject({ id: t.id, name: before.name, allowed_origins: before.allowed_origins });
    }
  });

  it("answers a documented 4xx or success, never a 5xx", { timeout: 600_000 }, async () => {
    // Fresh credentials every REFRESH_EVERY requests, so the per-key rate limits leave most cases to the routes.
    const REFRESH_EVERY = 250;
    let t = await tenant();
    let v = await visitor(t.id);
    let sinceFresh = 0;
    const doc = await ok<{ paths: Record<string, Record<string, Operation>> }>(call("/v1/openapi.json"));
    const credential = (op: Operation): string | undefined => {
      const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
      if (schemes.includes("apiKey")) return t.key;
      if (schemes.includes("agent")) return t.agentToken;
      if (schemes.includes("visitor")) return v.token;
      if (schemes.includes("operator")) return "test-admin-token";
      return undefined;
    };
    const operations = Object.entries(doc.paths)
      // The socket upgrades are covered by test/frame-fuzz.test.ts.
      .filter(([path]) => path.startsWith("/v1/") && !path.endsWith("/ws"))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
    expect(operations.length).toBeGreaterThan(100);

    let tried = 0;
    let limited = 0;
    const failures: string[] = [];
    for (const { path, method, op } of operations) {
      const queryNames = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
      await fc.assert(
        fc.asyncProperty(
          fc.array(edgeStrings, { minLength: 4, maxLength: 4 }),
          fc.dictionary(fc.constantFrom(...queryNames, "cursor", "limit", "__proto__"), edgeStrings, { maxKeys: 3 }),
          body,
          contentType,
          async (params, query, raw, type) => {
            let i = 0;
            const concrete = path.replace(/\{[^}]+\}/g, () => encodeURIComponent(params[i++ % params.length]!.toWellFormed()) || "x");
            const qs = new URLSearchParams(Object.entries(query) as [string, string][]).toString();
            const hasBody = method !== "GET" && method !== "DELETE" && method !== "HEAD";
            if (++sinceFresh > REFRESH_EVERY) {
              t = await tenant();
              v = await visitor(t.id);
              sinceFresh = 0;
            }
            const auth = credential(op);
            const res = await call(`${concrete}${qs ? `?${qs}` : ""}`, {
              method,
              ...(auth ? { auth } : {}),
              // Each case from its own address, as many clients would be: the per-address limit is not what is tested.
              headers: { "cf-connecting-ip": `10.${(tried >> 16) & 255}.${(tried >> 8) & 255}.${tried & 255}`, ...(hasBody && type ? { "content-type": type } : {}) },
              ...(hasBody ? { body: raw } : {}),
            });
            tried++;
            if (res.status === 429) limited++;
            // 414 comes from the URL guard in front of every route, not from the route.
            const documented = res.status in op.responses || (res.status === 404 && path.includes("{")) || res.status === 414;
            const text = await res.text();
            if (res.status >= 500 || !documented) failures.push(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
            else if (res.status >= 400) expect(res.headers.get("content-type"), `${method} ${path} ${res.status}`).toContain("application/problem+json");
          },
        ),
        { numRuns: RUNS },
      );
    }
    console.log(`route fuzz: ${operations.length} operations, ${tried} requests, ${limited} rate-limited, ${failures.length} failures`);
    expect(failures).toEqual([]);
    expect(limited).toBeLessThan(tried / 2);
  });
});
