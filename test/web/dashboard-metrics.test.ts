import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { AnalyticsSummary, summarize } from "../../shared/analytics/summary";

import { formatMetric, formatPlotted, hasData, METRICS, plotted, seriesOf, ShownTimeseries, yRange } from "../../web/dashboard/metrics";

const rate = fc.option(fc.integer({ min: 0, max: 10_000 }).map((n) => n / 10_000), { nil: null });
const secs = fc.option(fc.integer({ min: 0, max: 86_400_000 }).map((n) => n / 1000), { nil: null });
const count = fc.integer({ min: 0, max: 100_000 });

/** Any summary the API can answer (validated against its own schema). */
const summary = fc
  .record({
    conversations: count,
    frt: fc.record({ avg: secs, p50: secs, p90: secs }),
    asa: secs,
    sl: rate,
    threshold: fc.option(fc.integer({ min: 1, max: 600 }), { nil: null }),
    abandonment: rate,
    aht: secs,
    fcr: rate,
    containment: rate,
    csat: fc.option(fc.integer({ min: 100, max: 500 }).map((n) => n / 100), { nil: null }),
    csatN: count,
    nps: fc.option(fc.integer({ min: -100, max: 100 }), { nil: null }),
    npsN: count,
  })
  .map((r) =>
    AnalyticsSummary.parse({
      ...summarize([], () => 0),
      conversations: r.conversations,
      first_response_time_s: r.frt,
      asa_s: r.asa,
      service_level: { threshold_s: r.threshold, value: r.sl },
      abandonment_rate: r.abandonment,
      aht_s: r.aht,
      fcr_rate: r.fcr,
      bot_containment_rate: r.containment,
      csat: { responses: r.csatN, satisfied_rate: null, mean: r.csat },
      nps: { responses: r.npsN, score: r.nps },
    }),
  );

describe("dashboard metrics", () => {
  it("has one definition per metric the history page charts", () => {
    expect(METRICS.map((m) => m.id)).toEqual(["volume", "frt", "asa", "sl", "abandonment", "aht", "fcr", "csat", "nps", "bot-containment"]);
  });

  it("plots rates in percent and every other unit as given, keeping gaps as gaps", () => {
    fc.assert(
      fc.property(summary, (s) => {
        for (const m of METRICS) {
          const v = m.read(s);
          const p = plotted(m.unit, v);
          if (v === null) expect(p).toBeNull();
          else if (m.unit === "rate") expect(p).toBeCloseTo(v * 100, 6);
          else expect(p).toBe(v);
          const [lo, hi] = yRange(m.unit, [p]);
          expect(lo).toBeLessThan(hi);
          if (p !== null) {
            expect(p).toBeGreaterThanOrEqual(lo);
            expect(p).toBeLessThanOrEqual(hi);
          }
        }
      }),
    );
  });

  it("reads each metric from its field of the summary", () => {
    const s = AnalyticsSummary.parse({
      ...summarize([], () => 0),
      conversations: 12,
      first_response_time_s: { avg: 42, p50: 30, p90: 90 },
      asa_s: 65,
      service_level: { threshold_s: 60, value: 0.8125 },
      abandonment_rate: 0.05,
      aht_s: 3725,
      fcr_rate: 0.5,
      bot_containment_rate: 0.25,
      csat: { responses: 4, satisfied_rate: 0.75, mean: 4.25 },
      nps: { responses: 3, score: 33.33 },
    });
    const shown = Object.fromEntries(METRICS.map((m) => [m.id, formatMetric(m, s)]));
    expect(shown).toEqual({
      volume: "12",
      frt: "42s",
      asa: "1m 05s",
      sl: "81.3%",
      abandonment: "5%",
      aht: "1h 02m",
      fcr: "50%",
      csat: "4.25",
      nps: "+33",
      "bot-containment": "25%",
    });
    expect(formatPlotted("seconds", 0.071)).toBe("0.1s");
    expect(formatPlotted("seconds", 1.141)).toBe("1.1s");
    expect(formatPlotted("seconds", 3)).toBe("3s");
    expect(formatPlotted("csat", 5)).toBe("5");
    expect(formatPlotted("nps", -20)).toBe("-20");
    expect(formatPlotted("rate", null)).toBe("—");
  });

  it("shapes a timeseries into uPlot columns of equal length, x in seconds", () => {
    fc.assert(
      fc.property(fc.array(summary, { maxLength: 48 }), fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }), (list, t0) => {
        const ts = ShownTimeseries.parse({
          granularity: "hour",
          tz: "UTC",
          buckets: list.map((s, i) => ({ ...s, start_ms: (t0 + i * 3600) * 1000, start: new Date((t0 + i * 3600) * 1000).toISOString() })),
        });
        for (const m of METRICS) {
          const series = seriesOf(ts, m);
          expect(series.x).toHaveLength(list.length);
          expect(series.y).toHaveLength(list.length);
          expect(series.x).toEqual(series.startsMs.map((ms) => ms / 1000));
          expect(series.y).toEqual(list.map((s) => plotted(m.unit, m.read(s))));
          expect(hasData(series, m.unit)).toBe(series.y.some((v) => v !== null && (m.unit !== "count" || v > 0)));
        }
      }),
    );
  });

  it("reads a report whose unshown fields are off, and refuses one whose shown fields are", () => {
    const bucket = { ...summarize([], () => 0), start: "2026-12-04T14:00:00.000Z", start_ms: Date.UTC(2026, 11, 4, 14) };
    // A transfer in a later hour than its assignment once gave an hourly transfer rate above 1.
    const parsed = ShownTimeseries.parse({ granularity: "hour", tz: "UTC", buckets: [{ ...bucket, transfer_rate: 2 }] });
    expect(parsed.buckets[0]).not.toHaveProperty("transfer_rate");
    expect(() => ShownTimeseries.parse({ tz: "UTC", buckets: [{ ...bucket, fcr_rate: 2 }] })).toThrow();
  });

  it("says a period without conversations has no volume to draw, while a 0 % rate is data", () => {
    expect(hasData({ x: [1, 2], y: [0, 0], startsMs: [1000, 2000] }, "count")).toBe(false);
    expect(hasData({ x: [1, 2], y: [null, 0], startsMs: [1000, 2000] }, "rate")).toBe(true);
    expect(hasData({ x: [1], y: [null], startsMs: [1000] }, "seconds")).toBe(false);
  });
});
