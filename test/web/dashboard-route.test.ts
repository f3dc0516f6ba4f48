import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { adminHash, parseRoute, routeHash } from "../../web/dashboard/route";

const key = fc.stringMatching(/^[a-z_]{1,12}$/);
const value = fc.string({ minLength: 1, maxLength: 30 });

describe("dashboard hash routes", () => {
  it("reads back the filters a hash was built from", () => {
    fc.assert(
      fc.property(fc.constantFrom("history" as const, "conversations" as const), fc.dictionary(key, value, { maxKeys: 6 }), (page, params) => {
        const r = parseRoute(routeHash(page, params));
        expect(r.page).toBe(page);
        expect(r.params).toEqual(params);
      }),
    );
  });

  it("gives equal filters one hash, leaving empty ones out", () => {
    expect(routeHash("history", { to: "2026-12-04", from: "2026-12-01", channel: "", agent: undefined })).toBe("#/history?from=2026-12-01&to=2026-12-04");
    expect(routeHash("history", { b: "1", a: "2" })).toBe(routeHash("history", { a: "2", b: "1" }));
  });

  it("opens the live page for an empty or unknown hash", () => {
    for (const h of ["", "#", "#/", "#/nowhere?x=1", "#magic=abc"]) expect(parseRoute(h).page).toBe("live");
    expect(parseRoute("#/live?x=1").params).toEqual({});
  });

  it("routes admin pages by id", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (id) => {
        const r = parseRoute(adminHash(id));
        expect(r.page).toBe("admin");
        expect(r.admin).toBe(id);
      }),
    );
    expect(parseRoute("#/admin").admin).toBeNull();
  });
});
