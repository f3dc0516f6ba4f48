import { isOpen } from "./calendar";
import type { Calendar, Condition, RoutingRule, Scalar } from "./schemas";

/** What a rule can look at: the conversation as the gateway and the AI layer describe it. */
export type RoutingAttributes = {
  channel: string;
  intent?: string | null;
  language?: string | null;
  tier?: string | null;
  sentiment?: number | null;
  attributes?: Record<string, Scalar>;
};

export type QueueMatch = { queue_id: string; rule_id: string };

/** First rule whose conditions all hold wins; null means no rule matched and the caller's default applies. */
export function selectQueue(
  rules: readonly RoutingRule[],
  attrs: RoutingAttributes,
  nowMs: number,
  calendars: Readonly<Record<string, Calendar>>,
): QueueMatch | null {
  for (const rule of rules) {
    if (rule.when.every((c) => holds(c, attrs, nowMs, calendars))) return { queue_id: rule.queue_id, rule_id: rule.id };
  }
  return null;
}

function holds(c: Condition, attrs: RoutingAttributes, nowMs: number, calendars: Readonly<Record<string, Calendar>>): boolean {
  const actual = read(c, attrs, nowMs, calendars);
  switch (c.op) {
    case "exists":
      return (actual !== undefined) === (c.value ?? true);
    case "eq":
      return actual !== undefined && actual === c.value;
    case "in":
      return actual !== undefined && Array.isArray(c.value) && c.value.includes(actual);
    case "gte":
      return typeof actual === "number" && typeof c.value === "number" && actual >= c.value;
    case "lte":
      return typeof actual === "number" && typeof c.value === "number" && actual <= c.value;
  }
}

/** undefined = the attribute is absent (null counts as absent, so `exists` means "known"). */
function read(c: Condition, attrs: RoutingAttributes, nowMs: number, calendars: Readonly<Record<string, Calendar>>): Scalar | undefined {
  if (c.field === "in_business_hours") {
    const calendar = c.calendar_id === undefined ? undefined : calendars[c.calendar_id];
    // An unknown calendar is never "in hours", so a misconfigured rule falls through instead of routing blind.
    return calendar !== undefined && isOpen(calendar, nowMs);
  }
  if (c.field.startsWith("attributes.")) return attrs.attributes?.[c.field.slice("attributes.".length)];
  const value = attrs[c.field as "channel" | "intent" | "language" | "tier" | "sentiment"];
  return value ?? undefined;
}
