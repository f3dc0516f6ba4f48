import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { EventPattern, WEBHOOK_EVENT_TYPES, isEventPattern, matchesAny, webhookEventOf } from "../shared/webhooks/events";
import { webhookUrlProblem } from "../shared/webhooks/url";
import { HEALTHY, MAX_ATTEMPTS, RETRY_DELAYS_MS, afterAttempt, disableReason, nextAttemptAt } from "../shared/webhooks/policy";
import { conversationEvent } from "./event-fixtures";

/** The pure parts of outgoing webhooks: subscriptions, URL checks, the retry and disable policy. */
describe("event subscriptions", () => {
  const type = fc.constantFrom(...WEBHOOK_EVENT_TYPES);

  it("`*` and a type's own prefix wildcard match it; another prefix's never does", () => {
    fc.assert(
      fc.property(type, type, (a, b) => {
        expect(matchesAny(["*"], a)).toBe(true);
        expect(matchesAny([a], a)).toBe(true);
        expect(matchesAny([`${a.split(".")[0]}.*`], a)).toBe(true);
        if (a.split(".")[0] !== b.split(".")[0]) expect(matchesAny([`${b.split(".")[0]}.*`], a)).toBe(false);
        if (a !== b) expect(matchesAny([b], a)).toBe(false);
      }),
    );
  });

  it("accepts only known types and known prefixes", () => {
    expect(isEventPattern("conversation.*")).toBe(true);
    expect(isEventPattern("csat.responded")).toBe(true);
    expect(isEventPattern("conversation")).toBe(false);
    expect(isEventPattern("conv*")).toBe(false);
    expect(isEventPattern("survey.responded")).toBe(false);
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(EventPattern.safeParse(s).success).toBe(isEventPattern(s));
      }),
    );
  });

  it("maps surveys by kind and strips the analytics fields", () => {
    const created = conversationEvent("ten_x", "cnv_x", 1);
    const survey = { ...created, type: "survey.responded" as const, survey: "nps" as const, score: 9, agent_id: null, facts: undefined, metrics: { frt_ms: 1 } } as never;
    const out = webhookEventOf(survey);
    expect(out.payload.type).toBe("nps.responded");
    expect(out.payload.data).not.toHaveProperty("metrics");
    expect(out).toMatchObject({ order_key: "cnv:cnv_x", rank: 1 });
  });
});

describe("endpoint URLs", () => {
  it("outside development: https to a public host only", () => {
    for (const bad of ["http://example.com", "https://user:pw@example.com", "https://127.0.0.1", "https://127.1", "https://2130706433/", "https://0177.0.0.1/", "https://[::]/", "https://[fc00::1]/", "https://[::ffff:10.0.0.1]/", "https://192.168.1.1", "https://172.20.0.1", "https://100.64.0.1", "https://foo.localhost", "https://printer.local", "https://metadata.google.internal", "not a url"]) {
      expect(webhookUrlProblem(bad, false), bad).not.toBeNull();
    }
    for (const good of ["https://example.com/hook", "https://8.8.8.8/x", "https://172.32.0.1/", "https://[2606:4700::1111]/"]) expect(webhookUrlProblem(good, false), good).toBeNull();
  });

  it("in development: http and local hosts too", () => {
    expect(webhookUrlProblem("http://127.0.0.1:9999/hook", true)).toBeNull();
    expect(webhookUrlProblem("ftp://127.0.0.1/", true)).not.toBeNull();
  });
});

describe("retry and disable policy", () => {
  it("retries on the schedule, then the delivery is dead", () => {
    expect(nextAttemptAt(1, 1000)).toBe(1000 + RETRY_DELAYS_MS[0]);
    expect(nextAttemptAt(MAX_ATTEMPTS - 1, 0)).toBe(RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1]);
    expect(nextAttemptAt(MAX_ATTEMPTS, 0)).toBeNull();
    for (let i = 1; i < RETRY_DELAYS_MS.length; i++) expect(RETRY_DELAYS_MS[i]).toBeGreaterThan(RETRY_DELAYS_MS[i - 1]!);
  });

  it("any success resets the health; the endpoint is disabled only by a run of failures", () => {
    const outcome = fc.constantFrom("delivered" as const, "failed" as const, "dead" as const);
    fc.assert(
      fc.property(fc.array(fc.tuple(outcome, fc.integer({ min: 0, max: 3_600_000 })), { maxLength: 60 }), (steps) => {
        let h = HEALTHY;
        let t = 0;
        let sinceSuccess: { start: number | null; dead: number } = { start: null, dead: 0 };
        for (const [o, dt] of steps) {
          t += dt;
          h = afterAttempt(h, o, t);
          sinceSuccess = o === "delivered" ? { start: null, dead: 0 } : { start: sinceSuccess.start ?? t, dead: sinceSuccess.dead + (o === "dead" ? 1 : 0) };
          expect(h).toEqual({ failingSince: sinceSuccess.start, consecutiveDead: sinceSuccess.dead });
          const shouldDisable = sinceSuccess.dead >= 5 || (sinceSuccess.start !== null && t - sinceSuccess.start >= 86_400_000);
          expect(disableReason(h, t) !== null).toBe(shouldDisable);
        }
      }),
    );
  });
});
