import { describe, expect, it } from "vitest";
import { run } from "../../shared/routing/simulation";
import { overlap } from "../../shared/routing/sim-utilisation";
import { parseAnyTrace } from "../../shared/routing/trace-v1";

const contact = (id: string, t: number, channel: "voice" | "chat" | "email", handle_time: number) => ({
  id,
  t,
  channel,
  language: "en",
  required_skill: "billing",
  tier: "standard",
  lifetime_value: 0,
  complexity: 0.5,
  handle_time,
  patience: 10_000,
});

describe("utilisation", () => {
  it("is budget-weighted busy time over on-shift time within the horizon", () => {
    const { trace } = parseAnyTrace(
      {
        format: "routing-trace/v1",
        horizon_s: 200,
        skills: ["billing"],
        languages: ["en"],
        channels: ["voice", "chat", "email"],
        tiers: ["standard"],
        agents: [
          { id: "a", languages: ["en"], skills: { billing: 1 }, capacity: { voice: 1, chat: 3, email: 5 }, shift: { start: 0, end: 100 } },
          { id: "b", languages: ["en"], skills: { billing: 1 }, capacity: { voice: 1 } },
        ],
        contacts: [contact("c1", 0, "chat", 60), contact("c2", 0, "email", 50), contact("c3", 90, "chat", 30), contact("c4", 150, "voice", 100)],
      },
      "hand-worked",
    );
    const r = run(trace, "fifo").result;
    // a, on shift 0–100 s: a chat (1/3) for 60 s, an e-mail (1/5) for 50 s, a chat for the 10 s of 90–120 s still on shift:
    // 20 + 10 + 10/3 = 100/3 s of budget in 100 s. b, always on: a call (the whole budget) for the 50 s of 150–250 s
    // before the horizon, in 200 s. The stale patience timers (10 000 s) count for nothing.
    expect(r.utilisation).toEqual({ a: 0.3333, b: 0.25 });
    expect(r.mean_utilisation).toBe(0.2778);
  });

  it("overlap counts only the time inside the intervals", () => {
    expect(overlap([[0, 10], [20, 30]], 5, 25)).toBe(10);
    expect(overlap([], 0, 100)).toBe(0);
  });
});
