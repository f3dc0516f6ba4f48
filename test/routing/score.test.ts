import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MATCH_WEIGHTS, proficiencyFit, rankTask, scoreAgent } from "../../shared/routing/score";
import { DEFAULT_WEIGHTS } from "../../shared/routing/schemas";
import { agent, desk, onlyOffer, queue, S, T0, task } from "./fixtures";

const sum = (xs: Record<string, number>) => Object.values(xs).reduce((a, b) => a + b, 0);
const close = (actual: Record<string, number>, expected: Record<string, number>) => {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) expect(actual[k], k).toBeCloseTo(v, 12);
};
const unit = fc.double({ min: 0, max: 1, noNaN: true });
const weight = fc.double({ min: 0, max: 10, noNaN: true });
const skills = ["a", "b", "c"];

describe("score breakdown", () => {
  it("sums exactly to the score for any agent, conversation and weights", () => {
    fc.assert(
      fc.property(
        fc.record({ customer_value: weight, complexity: weight, agent_match: weight }),
        fc.record({ customer_value: unit, complexity: unit, language: fc.constantFrom(null, "en", "es-MX"), last_agent_id: fc.constantFrom(null, "x", "y") }),
        fc.array(fc.record({ skill: fc.constantFrom(...skills), min_proficiency: fc.integer({ min: 1, max: 5 }) }), { maxLength: 3 }),
        fc.record({
          skills: fc.array(fc.record({ skill: fc.constantFrom(...skills), proficiency: fc.integer({ min: 1, max: 5 }) }), { maxLength: 3 }),
          languages: fc.subarray(["en", "es", "de"]),
          csat: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: null }),
        }),
        fc.integer({ min: 1, max: 10 }).chain((cap) => fc.tuple(fc.constant(cap), fc.integer({ min: 0, max: cap - 1 }))),
        (weights, t, requirements, a, [capacity, load]) => {
          const s = scoreAgent(weights, t, requirements, { id: "x", ...a }, (capacity - load) / capacity);
          expect(Math.abs(sum(s.parts) - s.score)).toBeLessThan(1e-9);
          const matchParts = s.parts.skill + s.parts.spare_capacity + s.parts.language + s.parts.affinity + s.parts.csat;
          expect(Math.abs(matchParts - weights.agent_match * s.agent_match)).toBeLessThan(1e-9);
          expect(s.agent_match).toBeGreaterThanOrEqual(0);
          expect(s.agent_match).toBeLessThanOrEqual(1 + 1e-12);
          const r = rankTask(weights, t, 0, 1234, 60_000, 0.5);
          expect(Math.abs(sum(r.parts) - r.order_score)).toBeLessThan(1e-9);
        },
      ),
    );
  });

  it("matches the worked example in docs/routing.md", () => {
    const ana = { id: "ana", skills: [{ skill: "billing", proficiency: 5 }], languages: ["en", "es"], csat: 4.6 };
    const ben = { id: "ben", skills: [{ skill: "billing", proficiency: 3 }], languages: ["en"], csat: 4.2 };
    const req = [{ skill: "billing", min_proficiency: 3 }];
    const complex = { customer_value: 0.8, complexity: 0.9, language: "en", last_agent_id: null };
    const a = scoreAgent(DEFAULT_WEIGHTS, complex, req, ana, 0.8);
    const b = scoreAgent(DEFAULT_WEIGHTS, complex, req, ben, 1);
    close(a.signals, { skill: 1, spare_capacity: 0.8, language: 1, affinity: 0, csat: 0.92 });
    close(a.parts, { customer_value: 0.24, complexity: 0.36, skill: 0.12, spare_capacity: 0.06, language: 0.045, affinity: 0, csat: 0.0276 });
    close({ match: a.agent_match, score: a.score }, { match: 0.842, score: 0.8526 });
    close(b.signals, { skill: 0.525, spare_capacity: 1, language: 1, affinity: 0, csat: 0.84 });
    close({ match: b.agent_match, score: b.score }, { match: 0.694, score: 0.8082 });
    const r = rankTask(DEFAULT_WEIGHTS, complex, 0, 30_000, 60_000, 0.5);
    close({ order_score: r.order_score, ...r.parts }, { order_score: 0.85, customer_value: 0.24, complexity: 0.36, ageing: 0.25 });
    // As routine work (complexity 0.1) Ben's gap weighs less, but Ana, the faster, still wins.
    const routine = { ...complex, complexity: 0.1 };
    close({ ana: scoreAgent(DEFAULT_WEIGHTS, routine, req, ana, 0.8).score, ben: scoreAgent(DEFAULT_WEIGHTS, routine, req, ben, 1).score }, { ana: 0.5326, ben: 0.5122 });
  });

  it("keeps the documented shape of proficiency fit", () => {
    expect(proficiencyFit(0, 1, 0.5)).toBe(0);
    expect(proficiencyFit(2, 4, 0.5)).toBe(0.25);
    expect(proficiencyFit(3, 3, 0)).toBe(0.75);
    expect(proficiencyFit(3, 1, 0)).toBe(0.875);
    expect(proficiencyFit(5, 1, 0)).toBe(1);
    expect(proficiencyFit(5, 1, 1)).toBe(1);
    expect(proficiencyFit(3, 3, 1)).toBe(0.5);
    expect(proficiencyFit(5, 5, 0.5)).toBe(1);
    expect(sum(MATCH_WEIGHTS)).toBeCloseTo(1, 12);
  });
});

describe("decisions", () => {
  const q = (weights?: { customer_value: number; complexity: number; agent_match: number }) => queue("q", { targets: [{ kind: "any" }], ...(weights ? { weights } : {}) });

  it("send work to the most proficient agent, complex work the more so", () => {
    const expert = agent("expert", { skills: [{ skill: "tax", proficiency: 5 }] });
    const novice = agent("novice", { skills: [{ skill: "tax", proficiency: 2 }] });
    const required_skills = [{ skill: "tax", min_proficiency: 2 }];
    const d = desk({ queues: [q()], agents: [expert, novice] });
    expect(onlyOffer(d.arrive(task("hard", T0, { complexity: 0.95, required_skills }), "q", T0)).agent_id).toBe("expert");
    const e = desk({ queues: [q()], agents: [expert, novice] });
    expect(onlyOffer(e.arrive(task("easy", T0, { complexity: 0.05, required_skills }), "q", T0)).agent_id).toBe("expert");
  });

  it("return a breakdown whose parts sum to the score, with the alternatives considered", () => {
    const d = desk({ queues: [q()], agents: [agent("a", { csat: 4 }), agent("b", { csat: 3 })] });
    const offer = onlyOffer(d.arrive(task("c1", T0, { customer_value: 0.5, complexity: 0.5 }), "q", T0));
    const b = offer.breakdown;
    expect(b).toMatchObject({ policy: "weighted", agent_id: "a", conversation_id: "c1", queue_id: "q", target: { index: 0, kind: "any" } });
    expect(Math.abs(sum(b.score.parts) - b.score.score)).toBeLessThan(1e-9);
    expect(b.candidates.map((c) => c.agent_id)).toEqual(["a", "b"]);
    expect(b.candidates[0]!.score).toBeGreaterThan(b.candidates[1]!.score);
    expect(d.explain("c1")).toEqual(b);
  });

  it("change with the weights: the complex conversation goes first by default, the valuable one when value weighs more", () => {
    // One agent frees up while two conversations wait. Default weights (0.3/0.4/0.3):
    //   valuable: 0.3×0.9 + 0.4×0.1 = 0.31      complex: 0.3×0.2 + 0.4×0.8 = 0.38  → complex first.
    // Value-heavy weights (0.6/0.1/0.3):
    //   valuable: 0.6×0.9 + 0.1×0.1 = 0.55      complex: 0.6×0.2 + 0.1×0.8 = 0.20  → valuable first.
    const run = (weights?: { customer_value: number; complexity: number; agent_match: number }) => {
      const d = desk({ queues: [q(weights)], agents: [agent("solo", { status: "away", capacity: { voice: 1, chat: 1, email: 1 } })] });
      d.arrive(task("valuable", T0, { customer_value: 0.9, complexity: 0.1 }), "q", T0);
      d.arrive(task("complex", T0, { customer_value: 0.2, complexity: 0.8 }), "q", T0);
      return onlyOffer(d.agentStatus("solo", "available", T0 + S)).breakdown;
    };
    const byDefault = run();
    expect(byDefault.conversation_id).toBe("complex");
    expect(byDefault.rank.parts.customer_value + byDefault.rank.parts.complexity).toBeCloseTo(0.38, 12);
    const valueHeavy = run({ customer_value: 0.6, complexity: 0.1, agent_match: 0.3 });
    expect(valueHeavy.conversation_id).toBe("valuable");
    expect(valueHeavy.rank.parts.customer_value + valueHeavy.rank.parts.complexity).toBeCloseTo(0.55, 12);
  });

  it("age waiting conversations so a low-scoring one eventually goes first", () => {
    // The newcomer's terms are 0.7; the old one's ageing is 0.5 per 60 s waited, so after 84 s it leads.
    const firstServed = (newcomerAt: number) => {
      const solo = agent("solo", { status: "away", capacity: { voice: 1, chat: 1, email: 1 } });
      const d = desk({ settings: { escalation_bump: 0 }, queues: [queue("q", { targets: [{ kind: "any" }], sla_first_response_s: 60 })], agents: [solo] });
      d.arrive(task("old", T0, { customer_value: 0, complexity: 0 }), "q", T0);
      d.arrive(task("new", newcomerAt, { customer_value: 1, complexity: 1 }), "q", newcomerAt);
      return onlyOffer(d.agentStatus("solo", "available", newcomerAt)).conversation_id;
    };
    expect(firstServed(T0 + 83 * S)).toBe("new");
    expect(firstServed(T0 + 85 * S)).toBe("old");
  });

  it("follow the selected policy through the same desk", () => {
    const agents = ["a", "b", "c"].map((id) => agent(id));
    const d = desk({ settings: { policy: "round_robin" }, queues: [q()], agents });
    const order = ["c1", "c2", "c3", "c4"].map((id) => onlyOffer(d.arrive(task(id, T0), "q", T0)).agent_id);
    expect(order).toEqual(["a", "b", "c", "a"]);
    const small = agent("x", { capacity: { voice: 1, chat: 2, email: 1 } });
    const large = agent("y", { capacity: { voice: 1, chat: 4, email: 1 } });
    const lb = desk({ settings: { policy: "least_busy" }, queues: [q()], agents: [small, large] });
    expect(["c1", "c2", "c3"].map((id) => onlyOffer(lb.arrive(task(id, T0), "q", T0)).agent_id)).toEqual(["x", "y", "y"]);
  });
});
