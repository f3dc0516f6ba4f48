import { describe, expect, it } from "vitest";
import { call, ok, tenant } from "./helpers";

const SHOP = "https://shop.example";
const CONSOLE = "http://localhost:8787";

const preflight = (path: string, method: string, origin: string) =>
  call(path, { method: "OPTIONS", headers: { origin, "access-control-request-method": method, "access-control-request-headers": "authorization,content-type" } });

const allowed = async (res: Response | Promise<Response>) => (await res).headers.get("access-control-allow-origin");

describe("CORS on /v1", () => {
  it("lets any site call what the widget calls", async () => {
    expect(await allowed(preflight("/v1/widget/session", "POST", SHOP))).toBe(SHOP);
    expect(await allowed(preflight("/v1/widget/conversations", "POST", SHOP))).toBe(SHOP);
    expect(await allowed(preflight("/v1/conversations/cnv_abc/messages", "POST", SHOP))).toBe(SHOP);
    expect(await allowed(preflight("/v1/media/uploads", "POST", SHOP))).toBe(SHOP);
    const t = await tenant();
    const res = await call(`/v1/widget/config?tenant_id=${t.id}`, { headers: { origin: SHOP } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(res.headers.get("vary")).toMatch(/origin/i);
  });

  it("answers agent, API-key, operator and sign-in routes only to the deployment's own origins", async () => {
    for (const [path, method] of [
      ["/v1/agents", "POST"],
      ["/v1/conversations", "GET"],
      ["/v1/tenant", "PATCH"],
      ["/v1/api-keys", "POST"],
      ["/v1/admin/tenants", "POST"],
      ["/v1/auth/login", "POST"],
      ["/v1/conversations/cnv_abc/notes", "POST"],
    ] as const) {
      expect(await allowed(preflight(path, method, SHOP)), `${method} ${path}`).toBeNull();
      expect(await allowed(preflight(path, method, CONSOLE)), `${method} ${path}`).toBe(CONSOLE);
    }
    const t = await tenant();
    const res = await call("/v1/conversations", { auth: t.key, headers: { origin: SHOP } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("classifies every documented route by who may call it", async () => {
    const doc = await ok<{ paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>> }>(call("/v1/openapi.json"));
    let open = 0;
    let closed = 0;
    // Provider webhooks outside /v1 are server to server and get no CORS at all.
    for (const [path, ops] of Object.entries(doc.paths).filter(([p]) => p.startsWith("/v1/"))) {
      for (const [method, op] of Object.entries(ops)) {
        const security = op.security ?? [];
        const crossSite = security.some((s) => "visitor" in s) || (security.length === 0 && !path.startsWith("/v1/auth/"));
        const concrete = path.replace(/\{[^}]+\}/g, "x_1");
        const got = await allowed(preflight(concrete, method.toUpperCase(), SHOP));
        expect(got, `${method} ${path}`).toBe(crossSite ? SHOP : null);
        if (crossSite) open++;
        else closed++;
      }
    }
    expect(open).toBeGreaterThan(5);
    expect(closed).toBeGreaterThan(50);
  });
});
