import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { admit, closedBreaker, record, type BreakerState } from "../shared/circuit-breaker";

const o = { threshold: 3, cooldownMs: 1000 };

describe("circuit breaker", () => {
  it("opens after repeated failures, fails fast, probes once after the cooldown, and closes on success", () => {
    let b = closedBreaker();
    for (let i = 0; i < 3; i++) b = record(b, false, 100, o);
    expect(b.state).toBe("open");
    expect(admit(b, 500, o)).toMatchObject({ allowed: false });
    const probe = admit(b, 1200, o);
    expect(probe.allowed).toBe(true);
    expect(probe.next.state).toBe("half_open");
    expect(admit(probe.next, 1201, o).allowed).toBe(false);
    expect(record(probe.next, true, 1300, o)).toEqual(closedBreaker());
  });

  it("a failed probe reopens the circuit for another cooldown", () => {
    let b: BreakerState = { state: "open", failures: 3, openedAt: 0 };
    b = admit(b, 1000, o).next;
    b = record(b, false, 1000, o);
    expect(b).toMatchObject({ state: "open", openedAt: 1000 });
    expect(admit(b, 1500, o).allowed).toBe(false);
  });

  it("never lets two calls through while half-open, whatever the sequence", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(5000)), { maxLength: 60 }), (steps) => {
        let b = closedBreaker();
        let t = 0;
        let inFlightProbe = false;
        for (const [success, dt] of steps) {
          t += dt;
          const gate = admit(b, t, o);
          if (b.state === "half_open") expect(gate.allowed).toBe(false);
          b = gate.next;
          if (!gate.allowed) continue;
          inFlightProbe = b.state === "half_open";
          b = record(b, success, t, o);
          if (inFlightProbe) expect(b.state).toBe(success ? "closed" : "open");
        }
      }),
    );
  });
});
