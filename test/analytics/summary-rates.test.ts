import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { AnalyticsSummary, summarize, type Cell } from "../../shared/analytics/summary";
import { METRIC } from "../../shared/analytics/contributions";

const cell = (metric: string, n: number): Cell => ({ metric, bin: 0, n, total: 0, queue: "", channel: "chat" });

describe("summary rates", () => {
  it("a bucket holding a transfer whose assignment fell in an earlier bucket reports at most 1", () => {
    const s = summarize([cell(METRIC.transferred, 3), cell(METRIC.assigned, 1), cell(METRIC.resolvedBot, 2), cell(METRIC.botHandled, 1)], () => 20);
    expect(s.transfer_rate).toBe(1);
    expect(s.bot_containment_rate).toBe(1);
  });

  // Agent time is left out: idle and occupied are split from the same staffed interval, so they cannot exceed it.
  it("any mix of conversation counts, in any bucket, gives a summary within its contract", () => {
    const metrics = Object.values(METRIC).filter((m) => !m.startsWith("agent_"));
    fc.assert(
      fc.property(fc.array(fc.record({ metric: fc.constantFrom(...metrics), n: fc.nat(1000), bin: fc.constantFrom(0, 1, 2, 3, 4, 5, 9, 10) })), (cells) => {
        const s = summarize(cells.map((c) => ({ ...c, total: c.n * 1000, queue: "", channel: "chat" })), () => 20);
        expect(AnalyticsSummary.safeParse(s).error?.issues).toBeUndefined();
      }),
    );
  });
});
