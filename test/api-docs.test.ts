import { describe, expect, it } from "vitest";
import { call } from "./helpers";

describe("/docs", () => {
  it("serves the API reference from this origin under a nonce CSP", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    const nonce = csp.match(/'nonce-([A-Za-z0-9]+)'/)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    const html = await res.text();
    expect(html).toContain('src="/vendor/scalar.js"');
    expect(html).toContain("/v1/openapi.json");
    // Every inline script carries this response's nonce; nothing is loaded by absolute URL.
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attrs of scripts) if (!attrs.includes("src=")) expect(attrs).toContain(`nonce="${nonce}"`);
    expect(html).not.toMatch(/(src|href)="https?:/);
    const again = (await call("/docs")).headers.get("content-security-policy");
    expect(again).not.toEqual(csp);
  });
});
