import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { erlangA, erlangC, staffing, waitAtPosition, waitsInLine, type Stable, type Traffic } from "../../shared/routing/erlang";
import { exponential, prng } from "../../shared/routing/random";
import { simulate } from "../../shared/routing/simulation";
import { queueingTrace } from "./fixtures";

function stableC(traffic: Traffic): Stable {
  const e = erlangC(traffic);
  if (!e.stable) throw new Error(`unstable at ${e.load} Erlangs`);
  return e;
}

describe("Erlang C", () => {
  it("matches known values", () => {
    // c = 3, a = 2 Erlangs: P(wait) = 4/9; ASA = P(wait) × h / (c − a).
    const e = stableC({ agents: 3, arrivals_per_s: 2 / 240, handle_s: 240 });
    expect(e.p_wait).toBeCloseTo(4 / 9, 12);
    expect(e.asa_s).toBeCloseTo((4 / 9) * 240, 9);
    expect(e.service_level(0)).toBeCloseTo(5 / 9, 12);
    // One agent: P(wait) = ρ and ASA = ρ h / (1 − ρ).
    expect(stableC({ agents: 1, arrivals_per_s: 0.5 / 100, handle_s: 100 })).toMatchObject({ p_wait: 0.5, asa_s: 100, occupancy: 0.5 });
  });

  it("gives the textbook P(wait) 0.4494 for 10 Erlangs on 12 agents", () => {
    const e = stableC({ agents: 12, arrivals_per_s: 10 / 240, handle_s: 240 });
    expect(e.p_wait).toBeCloseTo(0.4494, 4);
    // SL(t) = 1 − P(wait) e^{−(c − a) t / h}: 1 − 0.44939 × e^{−1/6}.
    expect(e.service_level(20)).toBeCloseTo(0.6196, 4);
  });

  it("reports load at or above the agents as unstable instead of throwing", () => {
    expect(erlangC({ agents: 10, arrivals_per_s: 10 / 240, handle_s: 240 })).toEqual({ stable: false, load: 10, reason: "unstable" });
    expect(erlangC({ agents: 2, arrivals_per_s: 3 / 100, handle_s: 100 })).toMatchObject({ stable: false, reason: "unstable" });
    expect(erlangC({ agents: 0, arrivals_per_s: 1, handle_s: 1 })).toMatchObject({ stable: false, load: 1 });
  });

  it("refuses fractional or negative agents and non-finite or non-positive rates", () => {
    for (const bad of [
      { agents: 2.5, arrivals_per_s: 0.01, handle_s: 100 },
      { agents: -1, arrivals_per_s: 0.01, handle_s: 100 },
      { agents: 3, arrivals_per_s: 0, handle_s: 100 },
      { agents: 3, arrivals_per_s: Number.NaN, handle_s: 100 },
      { agents: 3, arrivals_per_s: 0.01, handle_s: Number.POSITIVE_INFINITY },
      { agents: 3, arrivals_per_s: 0.01, handle_s: -5 },
    ]) {
      expect(() => erlangC(bad)).toThrow(RangeError);
      expect(() => erlangA({ ...bad, patience_s: 60 })).toThrow(RangeError);
    }
    expect(() => erlangA({ agents: 3, arrivals_per_s: 0.01, handle_s: 100, patience_s: 0 })).toThrow(/patience_s/);
    expect(() => stableC({ agents: 3, arrivals_per_s: 0.01, handle_s: 100 }).service_level(-1)).toThrow(RangeError);
  });
});

/** FIFO M/M/c+M by the recursion in arrival order: an arrival is offered the earliest free agent and takes it unless its patience ran out first; an abandoning contact never holds an agent. */
function impatientFifo(agents: number, lambda: number, handleS: number, patienceS: number, withinS: number, arrivals: number, seed: number) {
  const rand = prng(seed);
  const free = new Array<number>(agents).fill(0);
  let t = 0;
  let waited = 0;
  let abandoned = 0;
  let answeredWithin = 0;
  let answered = 0;
  let answeredWait = 0;
  for (let i = 0; i < arrivals; i++) {
    t += exponential(rand, 1 / lambda);
    const patience = exponential(rand, patienceS);
    const handle = exponential(rand, handleS);
    let k = 0;
    for (let j = 1; j < agents; j++) if (free[j]! < free[k]!) k = j;
    const wait = Math.max(0, free[k]! - t);
    if (wait > 0) waited++;
    if (wait > patience) {
      abandoned++;
      continue;
    }
    answered++;
    answeredWait += wait;
    if (wait <= withinS) answeredWithin++;
    free[k] = t + wait + handle;
  }
  return { p_wait: waited / arrivals, p_abandon: abandoned / arrivals, service_level: answeredWithin / arrivals, asa_s: answeredWait / answered };
}

/** The M/M/c+M chain by plain products (fine for small c), and P(abandon) from Little's law: abandonment flow E[queue] / θ over arrivals λ. */
function birthDeath(agents: number, lambda: number, handleS: number, patienceS: number) {
  const w = [1];
  for (let n = 1; n < 2000; n++) w.push((w[n - 1]! * lambda) / (Math.min(n, agents) / handleS + Math.max(n - agents, 0) / patienceS));
  const total = w.reduce((s, x) => s + x, 0);
  const pi = w.map((x) => x / total);
  const queue = pi.reduce((s, p, n) => s + p * Math.max(n - agents, 0), 0);
  return { p_wait: pi.slice(agents).reduce((s, p) => s + p, 0), p_abandon: queue / patienceS / lambda };
}

describe("Erlang A", () => {
  it("approaches Erlang C as patience grows", () => {
    const traffic = { agents: 12, arrivals_per_s: 10 / 240, handle_s: 240 };
    const c = stableC(traffic);
    const gap = (patience_s: number) => {
      const a = erlangA({ ...traffic, patience_s });
      return Math.max(Math.abs(a.p_wait - c.p_wait), Math.abs(a.service_level(20) - c.service_level(20)), Math.abs(a.asa_s - c.asa_s) / c.asa_s, a.p_abandon);
    };
    expect(gap(1e3)).toBeGreaterThan(gap(1e5));
    expect(gap(1e5)).toBeGreaterThan(gap(1e7));
    // The gap shrinks like 1/θ; at θ = 10⁷ s it is ASA, 0.02 % short.
    expect(gap(1e7)).toBeLessThan(5e-4);
  });

  it("agrees with a direct birth–death computation and its own limits", () => {
    for (const [agents, lambda, patience] of [
      [12, 10, 0.5],
      [4, 5, 1],
      [1, 0.5, 3],
    ] as const) {
      const a = erlangA({ agents, arrivals_per_s: lambda, handle_s: 1, patience_s: patience });
      const ref = birthDeath(agents, lambda, 1, patience);
      expect(a.p_wait).toBeCloseTo(ref.p_wait, 12);
      expect(a.p_abandon).toBeCloseTo(ref.p_abandon, 12);
      // Nobody is answered before they are offered an agent, and given time everyone who is not abandoning is.
      expect(a.service_level(0)).toBeCloseTo(1 - a.p_wait, 12);
      expect(a.service_level(1e4)).toBeCloseTo(1 - a.p_abandon, 12);
      // Agents cannot carry more than one Erlang each: at 5 Erlangs on 4 agents at least a fifth abandons.
      expect(1 - a.p_abandon).toBeLessThanOrEqual(agents / lambda);
    }
  });

  it("matches a seeded FIFO simulation with exponential patience, below and above 100 % load", () => {
    // 300 000 arrivals: the standard errors are about 0.001 on the shares and 1 % on ASA.
    for (const [agents, lambda, patience, within] of [
      [12, 10, 0.5, 0.1],
      [4, 5, 1, 0.2],
    ] as const) {
      const a = erlangA({ agents, arrivals_per_s: lambda, handle_s: 1, patience_s: patience });
      const sim = impatientFifo(agents, lambda, 1, patience, within, 300_000, 7);
      expect(Math.abs(sim.p_wait - a.p_wait)).toBeLessThan(0.01);
      expect(Math.abs(sim.p_abandon - a.p_abandon)).toBeLessThan(0.005);
      expect(Math.abs(sim.service_level - a.service_level(within))).toBeLessThan(0.01);
      expect(Math.abs(sim.asa_s / a.asa_s - 1)).toBeLessThan(0.05);
    }
  });

  it("refuses a patience load too long to evaluate exactly", () => {
    expect(() => erlangA({ agents: 10, arrivals_per_s: 100, handle_s: 1, patience_s: 1e5 })).toThrow(/patience_s/);
  });
});

describe("staffing", () => {
  const traffic = { arrivals_per_s: 10 / 240, handle_s: 240, target_sl: 0.8, within_s: 20 };

  it("finds the fewest agents reaching the service level with Erlang C", () => {
    const s = staffing(traffic);
    expect(s).toMatchObject({ model: "erlang_c", agents: 14, abandonment_rate: null });
    expect(stableC({ agents: 13, arrivals_per_s: traffic.arrivals_per_s, handle_s: 240 }).service_level(20)).toBeLessThan(0.8);
    expect(s.agents !== null && s.service_level).toBeCloseTo(stableC({ agents: 14, arrivals_per_s: traffic.arrivals_per_s, handle_s: 240 }).service_level(20), 12);
  });

  it("needs fewer agents with Erlang A when contacts abandon", () => {
    const s = staffing({ ...traffic, patience_s: 120 });
    if (s.agents === null) throw new Error("unreachable");
    expect(s).toMatchObject({ model: "erlang_a", agents: 12 });
    expect(s.service_level).toBeGreaterThanOrEqual(0.8);
    expect(s.abandonment_rate).toBeCloseTo(erlangA({ agents: 12, arrivals_per_s: traffic.arrivals_per_s, handle_s: 240, patience_s: 120 }).p_abandon, 12);
    expect(erlangA({ agents: 11, arrivals_per_s: traffic.arrivals_per_s, handle_s: 240, patience_s: 120 }).service_level(20)).toBeLessThan(0.8);
  });

  it("answers unreachable beyond max_agents and refuses invalid targets", () => {
    expect(staffing({ ...traffic, max_agents: 10 })).toEqual({ model: "erlang_c", load: 10, agents: null, reason: "unreachable", max_agents: 10 });
    expect(staffing({ ...traffic, patience_s: 120, max_agents: 11 })).toMatchObject({ agents: null, reason: "unreachable" });
    expect(() => staffing({ ...traffic, target_sl: 1 })).toThrow(RangeError);
    expect(() => staffing({ ...traffic, within_s: -1 })).toThrow(RangeError);
    expect(() => staffing({ ...traffic, max_agents: 1.5 })).toThrow(RangeError);
  });
});

/** FIFO M/M/c by the Kiefer–Wolfowitz recursion: each customer starts on the earliest free server. */
function reference(list: { at_s: number; handle_s: number }[], agents: number) {
  const free = new Array<number>(agents).fill(0);
  let waited = 0;
  let waits = 0;
  for (const a of list) {
    let k = 0;
    for (let j = 1; j < agents; j++) if (free[j]! < free[k]!) k = j;
    const start = Math.max(a.at_s, free[k]!);
    waited += start - a.at_s;
    if (start > a.at_s) waits++;
    free[k] = start + a.handle_s;
  }
  return { asa_s: waited / list.length, p_wait: waits / list.length };
}

describe("simulator validation", () => {
  it("reproduces the FIFO M/M/c recursion exactly on the same sample path", () => {
    const { trace, list } = queueingTrace({ agents: 3, load: 2.4, handleS: 240, patienceS: null, arrivals: 5000, seed: 3 });
    const sim = simulate(trace, "fifo");
    const ref = reference(list, 3);
    expect(sim.answered).toBe(5000);
    expect(sim.asa_s).toBeCloseTo(ref.asa_s, 3);
    expect(sim.p_wait).toBeCloseTo(ref.p_wait, 4);
  });

  it("matches Erlang C ASA and P(wait) within 5 % on a long FIFO run", () => {
    // Two agents at 40 % occupancy: the configuration whose estimates converge fastest per arrival, so a
    // run that fits the test budget has a standard error near 1.5 % (3σ inside the 5 % tolerance).
    const agents = 2;
    const handleS = 240;
    const { trace, lambda } = queueingTrace({ agents, load: 0.8, handleS, patienceS: null, arrivals: 150_000, seed: 1 });
    const sim = simulate(trace, "fifo");
    const theory = stableC({ agents, arrivals_per_s: lambda, handle_s: handleS });
    expect(sim.abandoned).toBe(0);
    expect(Math.abs(sim.asa_s / theory.asa_s - 1)).toBeLessThan(0.05);
    expect(Math.abs(sim.p_wait / theory.p_wait - 1)).toBeLessThan(0.05);
  });
});

describe("wait at a position in line", () => {
  it("is n / (c·μ) with infinite patience and the Erlang A sum with finite patience", () => {
    expect(waitAtPosition(3, 4, 300, null)).toBeCloseTo(225, 9);
    // c = 2, handle 100 s, patience 50 s: 1/(0.02) + 1/(0.02 + 0.02) + 1/(0.02 + 0.04).
    expect(waitAtPosition(3, 2, 100, 50)).toBeCloseTo(50 + 25 + 1 / 0.06, 9);
    expect(waitAtPosition(1, 0, 100, null)).toBeNull();
  });

  it("grows with the position, never above Erlang C, and a line walk gives the same values", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 500 }), fc.double({ min: 1, max: 3600, noNaN: true }), fc.option(fc.double({ min: 1, max: 3600, noNaN: true }), { nil: null }), (n, c, h, p) => {
        const at = waitAtPosition(n, c, h, p)!;
        expect(waitAtPosition(n + 1, c, h, p)!).toBeGreaterThan(at);
        expect(at).toBeLessThanOrEqual((n * h) / c + 1e-9);
        const walk = waitsInLine(c, h, p)!;
        let last = 0;
        for (let i = 1; i <= n; i++) last = walk(i);
        expect(last).toBeCloseTo(at, 9);
      }),
    );
  });

  it("refuses bad inputs and a walk that skips a place", () => {
    expect(() => waitAtPosition(0, 1, 100, null)).toThrow(RangeError);
    expect(() => waitAtPosition(1, 1, 0, null)).toThrow(RangeError);
    expect(() => waitAtPosition(1, 1, 100, -5)).toThrow(RangeError);
    const walk = waitsInLine(1, 100, null)!;
    expect(() => walk(2)).toThrow(RangeError);
  });
});
