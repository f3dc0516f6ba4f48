import { describe, expect, it } from "vitest";
import { Trace, simulate } from "../../shared/routing/simulation";

const SHIPPED = ["chat-skills", "omnichannel", "peak-hour"];
const load = async (name: string) => Trace.parse((await import(`../../bench/traces/${name}.json`)).default);

describe("shipped traces", () => {
  it.each(SHIPPED)("%s: weighted reaches right-agent-first-time ≥ 0.89 and a higher top-tier service level than round-robin", async (name) => {
    const trace = await load(name);
    const weighted = simulate(trace, "weighted");
    const roundRobin = simulate(trace, "round_robin");
    expect(weighted.right_agent_first_time).toBeGreaterThanOrEqual(0.89);
    expect(weighted.sl_by_tier.platinum!.service_level).toBeGreaterThan(roundRobin.sl_by_tier.platinum!.service_level);
    expect(weighted.arrivals).toBe(trace.arrivals.length);
    expect(weighted.answered + weighted.abandoned + weighted.unfinished).toBe(weighted.arrivals);
  });

  it("replays deterministically", async () => {
    const trace = await load("peak-hour");
    expect(simulate(trace, "least_busy")).toEqual(simulate(trace, "least_busy"));
  });
});
