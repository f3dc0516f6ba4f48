import { describe, expect, it } from "vitest";
import { erlangC, serviceLevel } from "../../shared/routing/erlang";
import { exponential, prng } from "../../shared/routing/random";
import { Trace, simulate } from "../../shared/routing/simulation";

describe("Erlang C", () => {
  it("matches known values", () => {
    // c = 3, a = 2 Erlangs: P(wait) = 4/9; ASA = P(wait) × h / (c − a).
    const e = erlangC(3, 2 / 240, 240);
    expect(e.p_wait).toBeCloseTo(4 / 9, 12);
    expect(e.asa_s).toBeCloseTo((4 / 9) * 240, 9);
    // One agent: P(wait) = ρ and ASA = ρ h / (1 − ρ).
    expect(erlangC(1, 0.5 / 100, 100)).toMatchObject({ p_wait: 0.5, asa_s: 100, occupancy: 0.5 });
    expect(serviceLevel(3, 2 / 240, 240, 0)).toBeCloseTo(5 / 9, 12);
    expect(() => erlangC(2, 2 / 100, 100)).toThrow(RangeError);
  });
});

/** An M/M/c trace: Poisson arrivals, exponential handle times, c identical single-skill agents answering at once, no abandonment. */
function mmc(agents: number, load: number, handleS: number, arrivals: number, seed: number) {
  const rand = prng(seed);
  const lambda = load / handleS;
  const list = [];
  let t = 0;
  for (let i = 0; i < arrivals; i++) {
    t += exponential(rand, 1 / lambda);
    list.push({ id: `c${i}`, at_s: t, channel: "voice" as const, skill: "support", handle_s: exponential(rand, handleS) });
  }
  const trace = Trace.parse({
    name: "mmc",
    duration_s: t,
    queues: [{ id: "q", name: "support", required_skills: [{ skill: "support" }], sla_first_response_s: 86_400, targets: [{ kind: "skills" }] }],
    default_queue_id: "q",
    agents: Array.from({ length: agents }, (_, i) => ({
      id: `a${i}`,
      name: `a${i}`,
      skills: [{ skill: "support", proficiency: 3 }],
      capacity: { voice: 1, chat: 0, email: 0 },
      status: "available",
      behaviour: { accept_after_s: 0 },
    })),
    arrivals: list,
  });
  return { trace, lambda, list };
}

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
    const { trace, list } = mmc(3, 2.4, 240, 5000, 3);
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
    const { trace, lambda } = mmc(agents, 0.8, handleS, 150_000, 1);
    const sim = simulate(trace, "fifo");
    const theory = erlangC(agents, lambda, handleS);
    expect(sim.abandoned).toBe(0);
    expect(Math.abs(sim.asa_s / theory.asa_s - 1)).toBeLessThan(0.05);
    expect(Math.abs(sim.p_wait / theory.p_wait - 1)).toBeLessThan(0.05);
  });
});
