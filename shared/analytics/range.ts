import { z } from "zod";
import { dayStart, localDay, nextDay, weekStart } from "./calendar";

export const Granularity = z.enum(["hour", "day", "week"]);
export type Granularity = z.infer<typeof Granularity>;

const DAY_MS = 86_400_000;

/** Longest range per granularity: a response stays a few thousand buckets at most. */
export const MAX_RANGE_DAYS: Record<Granularity | "summary", number> = { hour: 31, day: 400, week: 1100, summary: 1100 };

/**
 * A bound is a local date (`2026-11-30`, a whole day in the request's time zone), an ISO 8601 instant with its offset,
 * or epoch milliseconds. A date as `to` includes that day, the way people name periods.
 */
export const Bound = z.union([
  z.iso.date(),
  z.iso.datetime({ offset: true }),
  z
    .string()
    .regex(/^\d{1,15}$/, "epoch milliseconds")
    .transform(Number),
]);
export type Bound = z.infer<typeof Bound>;

export type Range = { from: number; to: number };

export function instantOf(b: Bound, tz: string, end: boolean): number {
  if (typeof b === "number") return b;
  if (/^\d{4}-\d{2}-\d{2}$/.test(b)) return dayStart(end ? nextDay(b) : b, tz);
  return Date.parse(b);
}

/** Without bounds: the last 7 local days up to now. Errors name the field they are about. */
export function resolveRange(
  q: { from?: Bound; to?: Bound },
  tz: string,
  t: number,
  maxDays: number,
): { ok: true; range: Range } | { ok: false; field: "from" | "to"; message: string } {
  const to = q.to === undefined ? t : instantOf(q.to, tz, true);
  const from = q.from === undefined ? dayStart(localDay(to - 6 * DAY_MS, tz), tz) : instantOf(q.from, tz, false);
  if (!Number.isFinite(from)) return { ok: false, field: "from", message: "not a valid date or time" };
  if (!Number.isFinite(to)) return { ok: false, field: "to", message: "not a valid date or time" };
  if (from >= to) return { ok: false, field: "to", message: "must be after from" };
  if (to - from > maxDays * DAY_MS + 2 * 3_600_000) return { ok: false, field: "to", message: `the range is limited to ${maxDays} days at this granularity` };
  return { ok: true, range: { from, to } };
}

/** Starts of the hours, local days or local weeks (Monday) that overlap the range. */
export function bucketStarts(r: Range, g: Granularity, tz: string): number[] {
  const out: number[] = [];
  if (g === "hour") {
    for (let t = Math.floor(r.from / 3_600_000) * 3_600_000; t < r.to; t += 3_600_000) out.push(t);
    return out;
  }
  for (let day = localDay(g === "week" ? weekStart(r.from, tz) : r.from, tz); ; day = nextDay(day)) {
    const start = dayStart(day, tz);
    if (start >= r.to) return out;
    if (g === "day" || weekStart(start, tz) === start) out.push(start);
  }
}
