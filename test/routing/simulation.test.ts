import { describe, expect, it } from "vitest";
import { Trace, simulate } from "../../shared/routing/simulation";
import { TraceV1, fromV1 } from "../../shared/routing/trace-v1";
import { POOLS, SCENARIO_NAMES, generate } from "../../bench/traces/scenarios";
import { run } from "../../shared/routing/simulation";
import { scorecard } from "../../shared/routing/scorecard";
import type { Policy } from "../../shared/routing/schemas";

const SHIPPED = ["chat-skills", "omnichannel", "peak-hour"];
const load = async (name: string) => Trace.parse((await import(`../../bench/traces/${name}.json`)).default);

const topTier = async (name: string) => {
  const trace = await load(name);
  return { weighted: simulate(trace, "weighted").sl_by_tier.platinum!.service_level, roundRobin: simulate(trace, "round_robin").sl_by_tier.platinum!.service_level };
};

describe("shipped traces", () => {
  it.each(SHIPPED)("%s: weighted reaches right-agent-first-time ≥ 0.89 and accounts for every arrival", async (name) => {
    const trace = await load(name);
    const weighted = simulate(trace, "weighted");
    expect(weighted.right_agent_first_time).toBeGreaterThanOrEqual(0.89);
    expect(weighted.arrivals).toBe(trace.arrivals.length);
    expect(weighted.answered + weighted.abandoned + weighted.unfinished).toBe(weighted.arrivals);
  });

  it("chat-skills: weighted gives platinum a higher service level than round-robin", async () => {
    const sl = await topTier("chat-skills");
    expect(sl.weighted).toBeGreaterThan(sl.roundRobin);
  });

  // Scarce-pool protection covers required languages only: protecting preferred-language speakers held the few
  // es/de agents back in these traces, where a preferred language changes nothing about handling.
  it.each(["omnichannel", "peak-hour"])("%s: weighted gives platinum a higher service level than round-robin", async (name) => {
    const sl = await topTier(name);
    expect(sl.weighted).toBeGreaterThan(sl.roundRobin);
  });

  it("replays deterministically", async () => {
    const trace = await load("peak-hour");
    expect(simulate(trace, "least_busy")).toEqual(simulate(trace, "least_busy"));
  });
});

describe("routing-trace/v1 scenarios", () => {
  it.each(SCENARIO_NAMES)("%s: staggered shifts, a shared budget, scarce pools; every contact settled", (name) => {
    const v1 = TraceV1.parse(generate(name, 1));
    const ends = v1.agents.map((a) => a.shift!.end);
    expect(ends.some((e) => e < 0.7 * v1.horizon_s)).toBe(true);
    expect(v1.agents.some((a) => a.shift!.start > 0)).toBe(true);
    expect(v1.agents.filter((a) => a.capacity.voice && a.capacity.chat && a.capacity.email).length).toBeGreaterThan(v1.agents.length / 3);
    const share = (held: (a: (typeof v1.agents)[number]) => boolean) => v1.agents.filter(held).length / v1.agents.length;
    expect(share((a) => a.skills.vip !== undefined)).toBeLessThanOrEqual(0.25);
    expect(share((a) => a.languages.includes("zh"))).toBeLessThanOrEqual(0.25);
    const r = simulate(fromV1(v1, name), "weighted");
    expect(r.answered + r.abandoned).toBe(v1.contacts.length);
    expect(r.mean_utilisation).toBeGreaterThan(0.3);
    expect(r.mean_utilisation).toBeLessThanOrEqual(1);
  });

  // The evaluation's claims that hold seed by seed (docs/routing.md, "Evaluation"), kept from regressing on two
  // seeds; service level against fifo-skill-pack is a draw in the evaluation and is not asserted.
  it.each(SCENARIO_NAMES)("%s: weighted keeps the skill, serves the top tiers and the VIP pool better than every baseline", (name) => {
    const rsft: number[] = [];
    for (const seed of [1, 2]) {
      const v1 = TraceV1.parse(generate(name, seed));
      const trace = fromV1(v1, `${name}-${seed}`);
      const card = (policy: Policy) => scorecard(v1, run(trace, policy), POOLS);
      const w = card("weighted");
      const pack = card("fifo_skill_pack");
      const rr = card("round_robin_blind");
      // The target (95 %) is on the mean over seeds; one seed may dip below it (docs/routing.md, "Evaluation").
      expect(w.right_skill_first_time).toBeGreaterThanOrEqual(0.92);
      rsft.push(w.right_skill_first_time);
      expect(w.sl_top_tiers).toBeGreaterThan(Math.max(pack.sl_top_tiers, rr.sl_top_tiers));
      expect(w.ltv_abandoned).toBeLessThan(Math.min(pack.ltv_abandoned, rr.ltv_abandoned));
      expect(w.pools.vip!).toBeGreaterThan(Math.max(pack.pools.vip!, rr.pools.vip!));
      expect(w.abandonment).toBeLessThan(Math.min(pack.abandonment, rr.abandonment));
    }
    expect((rsft[0]! + rsft[1]!) / 2).toBeGreaterThanOrEqual(0.95);
  });

  it("the same seed gives the same trace", () => {
    expect(generate("voice-blend", 3)).toEqual(generate("voice-blend", 3));
    expect(generate("voice-blend", 3)).not.toEqual(generate("voice-blend", 4));
  });
});
