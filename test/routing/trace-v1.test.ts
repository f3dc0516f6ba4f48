import { describe, expect, it } from "vitest";
import { run } from "../../shared/routing/simulation";
import { TraceError, customerValueV1, outcomes, parseAnyTrace } from "../../shared/routing/trace-v1";
import type { TraceV1Input } from "../../shared/routing/trace-v1";

type Contact = TraceV1Input["contacts"][number];

const contact = (id: string, t: number, over: Partial<Contact> = {}): Contact => ({
  id,
  t,
  channel: "chat",
  language: "en",
  required_skill: "billing",
  tier: "standard",
  lifetime_value: 0,
  complexity: 0.5,
  handle_time: 100,
  patience: 1000,
  ...over,
});

const v1 = (over: Partial<TraceV1Input> = {}): TraceV1Input => ({
  format: "routing-trace/v1",
  horizon_s: 1000,
  skills: ["billing", "vip"],
  languages: ["en", "zh"],
  channels: ["voice", "chat", "email"],
  tiers: ["standard", "gold"],
  agents: [{ id: "a", languages: ["en"], skills: { billing: 0.8 }, capacity: { voice: 1, chat: 3, email: 5 } }],
  contacts: [],
  ...over,
});

const outcomesOf = (trace: TraceV1Input, policy: "fifo" | "weighted" = "fifo") => outcomes(run(parseAnyTrace(trace, "t").trace, policy).contacts);

describe("routing-trace/v1 input", () => {
  it("names the bad field", () => {
    const bad = v1({ contacts: [contact("c1", 0), contact("c2", 1, { channel: "fax" as never })] });
    expect(() => parseAnyTrace(bad, "t")).toThrow(TraceError);
    expect(() => parseAnyTrace(bad, "t")).toThrow(/contacts\[1\]\.channel/);
    expect(() => parseAnyTrace(v1({ contacts: [contact("c1", 5), contact("c2", 1)] }), "t")).toThrow(/contacts\[1\]\.t: contacts must be sorted by t/);
    expect(() => parseAnyTrace(v1({ contacts: [contact("c1", 0, { required_skill: "tech" })] }), "t")).toThrow(/contacts\[0\]\.required_skill: skill "tech" is not listed/);
    expect(() => parseAnyTrace({ ...v1(), horizon_s: "long" }, "t")).toThrow(/horizon_s/);
  });

  it("ignores unknown keys and tells the formats apart by `format`", () => {
    const { trace, v1: parsed } = parseAnyTrace({ ...v1({ contacts: [{ ...contact("c1", 0), note: "x" } as Contact] }), generator: "x" }, "t");
    expect(parsed).not.toBeNull();
    expect(trace.handling).toBe("proficiency");
    expect(trace.arrivals[0]).toMatchObject({ channel: "web", skill: "billing", at_s: 0 });
    expect(trace.agents[0]!.skills).toEqual([{ skill: "billing", proficiency: 4 }]);
  });

  it("customer value: tier rank sets the floor, lifetime value lifts it", () => {
    expect(customerValueV1(["standard", "gold"], "standard", 0)).toBe(0.5);
    expect(customerValueV1(["standard", "gold"], "gold", 0)).toBe(1);
    expect(customerValueV1(["basic", "standard", "silver", "gold"], "basic", 99_999)).toBeCloseTo(1, 9);
  });
});

describe("routing-trace/v1 handling and outcomes", () => {
  it("handle time × (1.5 − 0.5 p), × 1.5 without the skill, × 1.5 more without the language", () => {
    const trace = v1({
      contacts: [
        contact("c1", 0),
        contact("c2", 0, { language: "zh" }),
        contact("c3", 0, { required_skill: "vip" }),
        contact("c4", 500, { required_skill: "vip", language: "zh" }),
      ],
    });
    const [c1, c2, c3, c4] = outcomesOf(trace);
    expect(c1).toEqual({ id: "c1", status: "answered", agent_id: "a", t_answer: 0, t_end: 110 });
    expect(c2).toMatchObject({ t_answer: 0, t_end: 165 });
    expect(c3).toMatchObject({ t_answer: 0, t_end: 150 });
    expect(c4).toMatchObject({ t_answer: 500, t_end: 725 });
  });

  it("abandons at t + patience; no new work off shift", () => {
    const trace = v1({
      agents: [{ id: "a", languages: ["en"], skills: { billing: 1 }, capacity: { voice: 1 }, shift: { start: 50, end: 300 } }],
      contacts: [
        contact("c1", 0, { channel: "voice", patience: 30 }),
        contact("c2", 10, { channel: "voice", patience: 100 }),
        contact("c3", 20, { channel: "voice", patience: 900 }),
        contact("c4", 290, { channel: "voice", patience: 900 }),
        contact("c5", 310, { channel: "voice", patience: 50 }),
      ],
    });
    expect(outcomesOf(trace)).toEqual([
      { id: "c1", status: "abandoned", t_abandon: 30 },
      { id: "c2", status: "answered", agent_id: "a", t_answer: 50, t_end: 150 },
      { id: "c3", status: "answered", agent_id: "a", t_answer: 150, t_end: 250 },
      // Taken before the shift ends and finished after it; nothing new once it has ended.
      { id: "c4", status: "answered", agent_id: "a", t_answer: 290, t_end: 390 },
      { id: "c5", status: "abandoned", t_abandon: 360 },
    ]);
  });
});
