import { describe, expect, it } from "vitest";
import { isOpen, nextOpening } from "../../shared/routing/calendar";
import { selectQueue } from "../../shared/routing/rules";
import { Calendar, RoutingRule } from "../../shared/routing/schemas";
import { calendar } from "./fixtures";

const at = (iso: string) => Date.parse(iso);

describe("business hours", () => {
  const office = calendar({ holidays: ["2025-12-25"] });

  it("reads hours in the calendar's time zone, not UTC", () => {
    // 08:30 UTC is 09:30 in Berlin in winter (UTC+1) and 10:30 in summer (UTC+2).
    expect(isOpen(office, at("2025-01-15T08:30:00Z"))).toBe(true);
    expect(isOpen(office, at("2025-01-15T07:59:00Z"))).toBe(false);
    expect(isOpen(office, at("2025-07-15T06:59:00Z"))).toBe(false);
    expect(isOpen(office, at("2025-07-15T07:00:00Z"))).toBe(true);
    expect(isOpen(office, at("2025-07-15T14:59:00Z"))).toBe(true);
    expect(isOpen(office, at("2025-07-15T15:00:00Z"))).toBe(false);
  });

  it("is closed at weekends and on holidays", () => {
    expect(isOpen(office, at("2025-01-18T10:00:00Z"))).toBe(false);
    expect(isOpen(office, at("2025-12-25T10:00:00Z"))).toBe(false);
    expect(isOpen(office, at("2025-12-24T10:00:00Z"))).toBe(true);
  });

  it("finds the next opening across a weekend, a holiday and a DST change", () => {
    expect(nextOpening(office, at("2025-01-15T10:00:00Z"))).toBe(at("2025-01-15T10:00:00Z"));
    expect(nextOpening(office, at("2025-01-17T16:30:00Z"))).toBe(at("2025-01-20T08:00:00Z"));
    expect(nextOpening(office, at("2025-12-24T17:00:00Z"))).toBe(at("2025-12-26T08:00:00Z"));
    // Berlin moves to UTC+2 on Sunday 2025-03-30: Monday opens at 07:00 UTC, Friday had opened at 08:00 UTC.
    expect(nextOpening(office, at("2025-03-28T17:00:00Z"))).toBe(at("2025-03-31T07:00:00Z"));
  });

  it("handles zones west of UTC and split days", () => {
    const ny = calendar({ timezone: "America/New_York", hours: [{ days: ["sat"], open: "10:00", close: "12:00" }, { days: ["sat"], open: "13:00", close: "24:00" }] });
    expect(nextOpening(ny, at("2025-01-18T17:30:00Z"))).toBe(at("2025-01-18T18:00:00Z"));
    expect(isOpen(ny, at("2025-01-19T04:59:00Z"))).toBe(true);
    expect(isOpen(ny, at("2025-01-19T05:00:00Z"))).toBe(false);
  });

  it("never opens without hours", () => {
    expect(nextOpening(calendar({ hours: [] }), at("2025-01-15T10:00:00Z"))).toBeNull();
  });

  it("rejects unknown zones and inverted intervals", () => {
    expect(Calendar.safeParse({ id: "x", timezone: "Mars/Olympus", hours: [] }).success).toBe(false);
    expect(Calendar.safeParse({ id: "x", timezone: "UTC", hours: [{ days: ["mon"], open: "17:00", close: "09:00" }] }).success).toBe(false);
  });
});

describe("routing rules", () => {
  const rules = [
    { id: "vip-voice", when: [{ field: "tier", op: "eq", value: "platinum" }, { field: "channel", op: "eq", value: "voice" }], queue_id: "vip" },
    { id: "angry", when: [{ field: "sentiment", op: "lte", value: -0.5 }], queue_id: "care" },
    { id: "after-hours", when: [{ field: "in_business_hours", op: "eq", value: false, calendar_id: "office" }], queue_id: "email-back" },
    { id: "spanish", when: [{ field: "language", op: "in", value: ["es", "es-MX"] }], queue_id: "es" },
    { id: "orders", when: [{ field: "attributes.order_value", op: "gte", value: 500 }, { field: "intent", op: "exists" }], queue_id: "orders" },
    { id: "no-intent", when: [{ field: "intent", op: "exists", value: false }], queue_id: "triage" },
  ].map((r) => RoutingRule.parse(r));
  const calendars = { office: calendar() };
  const open = Date.parse("2025-01-15T10:00:00Z");
  const closed = Date.parse("2025-01-15T20:00:00Z");

  it("takes the first rule whose conditions all hold", () => {
    expect(selectQueue(rules, { channel: "voice", tier: "platinum", sentiment: -0.9 }, open, calendars)).toEqual({ queue_id: "vip", rule_id: "vip-voice" });
    expect(selectQueue(rules, { channel: "web", tier: "platinum", sentiment: -0.9 }, open, calendars)).toEqual({ queue_id: "care", rule_id: "angry" });
  });

  it("evaluates business hours in the named calendar", () => {
    expect(selectQueue(rules, { channel: "web", intent: "billing" }, closed, calendars)?.rule_id).toBe("after-hours");
    expect(selectQueue(rules, { channel: "web", intent: "billing" }, open, calendars)).toBeNull();
    // An unknown calendar is never "in hours".
    expect(selectQueue(rules, { channel: "web", intent: "billing" }, open, {})?.rule_id).toBe("after-hours");
  });

  it("supports in, gte on custom attributes and exists both ways", () => {
    expect(selectQueue(rules, { channel: "web", language: "es-MX", intent: "x" }, open, calendars)?.queue_id).toBe("es");
    expect(selectQueue(rules, { channel: "web", intent: "refund", attributes: { order_value: 800 } }, open, calendars)?.queue_id).toBe("orders");
    expect(selectQueue(rules, { channel: "web", intent: "refund", attributes: { order_value: 80 } }, open, calendars)).toBeNull();
    expect(selectQueue(rules, { channel: "web", attributes: { order_value: 800 } }, open, calendars)?.queue_id).toBe("triage");
  });

  it("validates operator and value shapes", () => {
    expect(RoutingRule.safeParse({ id: "r", queue_id: "q", when: [{ field: "tier", op: "in", value: "gold" }] }).success).toBe(false);
    expect(RoutingRule.safeParse({ id: "r", queue_id: "q", when: [{ field: "tier", op: "gte", value: "gold" }] }).success).toBe(false);
    expect(RoutingRule.safeParse({ id: "r", queue_id: "q", when: [{ field: "in_business_hours", op: "eq", value: true }] }).success).toBe(false);
    expect(RoutingRule.safeParse({ id: "r", queue_id: "q", when: [{ field: "attributes.plan", op: "exists" }] }).success).toBe(true);
  });
});
