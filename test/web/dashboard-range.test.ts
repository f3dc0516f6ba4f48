import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { addDays, bucketRange, daysBetween, localDate, MAX_HOURLY_DAYS, presetRange, rangeProblem } from "../../web/dashboard/range";

const DAY = 86_400_000;
const date = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 11, 31) }).map((t) => new Date(t).toISOString().slice(0, 10));

describe("dashboard date ranges", () => {
  it("moves dates by whole days, and counts them back", () => {
    fc.assert(
      fc.property(date, fc.integer({ min: -500, max: 500 }), (d, n) => {
        const moved = addDays(d, n);
        expect(moved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(addDays(moved, -n)).toBe(d);
        expect(daysBetween(d, moved)).toBe(n + 1);
      }),
    );
  });

  it("gives each preset its number of days, ending today", () => {
    fc.assert(
      fc.property(date, (today) => {
        for (const [preset, days] of [["today", 1], ["7d", 7], ["30d", 30]] as const) {
          const r = presetRange(preset, today);
          expect(r.to).toBe(today);
          expect(daysBetween(r.from, r.to)).toBe(days);
          expect(rangeProblem(r, "day")).toBeNull();
        }
      }),
    );
  });

  it("refuses reversed, missing and over-long ranges, and only those", () => {
    fc.assert(
      fc.property(date, fc.integer({ min: -40, max: 40 }), fc.constantFrom("hour" as const, "day" as const), (from, span, g) => {
        const to = addDays(from, span);
        const problem = rangeProblem({ from, to }, g);
        const expected = span < 0 || (g === "hour" && span + 1 > MAX_HOURLY_DAYS);
        expect(problem !== null).toBe(expected);
      }),
    );
    expect(rangeProblem({ from: "", to: "2026-01-01" }, "day")).toMatch(/start/);
    expect(rangeProblem({ from: "2026-02-30", to: "2026-03-01" }, "day")).toMatch(/start/);
  });

  it("cuts a range into bucket ranges that meet end to end and cover it exactly", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }), { minLength: 1, maxLength: 40 }).map((xs) => xs.sort((a, b) => a - b)),
        (starts) => {
          const range = { from: "2026-11-01", to: "2026-11-30" };
          const parts = starts.map((_, i) => bucketRange(starts, i, range));
          expect(parts[0]!.from).toBe(range.from);
          expect(parts.at(-1)!.to).toBe(range.to);
          for (let i = 1; i < parts.length; i++) {
            expect(parts[i]!.from).toBe(String(starts[i]));
            expect(parts[i - 1]!.to).toBe(parts[i]!.from);
          }
        },
      ),
    );
    expect(() => bucketRange([1, 2], 2, { from: "a", to: "b" })).toThrow(RangeError);
  });

  it("names the calendar date of an instant in the tenant's zone", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), (t) => {
        expect(localDate(t, "UTC")).toBe(new Date(t).toISOString().slice(0, 10));
        // Shanghai has no daylight saving time: always eight hours ahead.
        expect(localDate(t, "Asia/Shanghai")).toBe(new Date(t + 8 * 3_600_000).toISOString().slice(0, 10));
      }),
    );
    expect(localDate(Date.UTC(2026, 11, 4, 23, 30), "Pacific/Auckland")).toBe("2026-12-05");
    expect(localDate(Date.UTC(2026, 11, 4, 3, 0) + DAY, "America/Los_Angeles")).toBe("2026-12-04");
  });
});
