/**
 * Date ranges of the history page as the analytics API takes them: local dates (YYYY-MM-DD, whole days in the
 * tenant's analytics time zone, `to` included) or epoch milliseconds for a drill-down into one bucket.
 */
export type Preset = "today" | "7d" | "30d" | "custom";
export const PRESETS: { id: Preset; label: string }[] = [
  { id: "today", label: "Today" },
  { id: "7d", label: "7 days" },
  { id: "30d", label: "30 days" },
  { id: "custom", label: "Custom" },
];

export type Granularity = "hour" | "day";
/** The API's own limit for hourly series (shared/analytics/range.ts MAX_RANGE_DAYS). */
export const MAX_HOURLY_DAYS = 31;
export const MAX_DAILY_DAYS = 400;

/** A bound as the API reads it: a local date or epoch milliseconds as a string. */
export type Range = { from: string; to: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A real calendar date: engines read "2026-02-30" as 2 March, so the date must survive the round trip. */
export function isDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/** The calendar date of instant `t` in time zone `tz`. */
export function localDate(t: number, tz: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date(t));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** Calendar arithmetic on dates alone (no time zone can shift a date by a day). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** The days a preset names, ending today (a date in the tenant's zone). */
export function presetRange(preset: Exclude<Preset, "custom">, today: string): Range {
  const back = preset === "today" ? 0 : preset === "7d" ? 6 : 29;
  return { from: addDays(today, -back), to: today };
}

/** Why a custom range cannot be asked for, in words for the form; null when it can. */
export function rangeProblem(r: Range, g: Granularity): string | null {
  if (!isDate(r.from)) return "Choose a start date.";
  if (!isDate(r.to)) return "Choose an end date.";
  if (r.from > r.to) return "The start date must not be after the end date.";
  const days = daysBetween(r.from, r.to);
  if (g === "hour" && days > MAX_HOURLY_DAYS) return `Hourly charts cover at most ${MAX_HOURLY_DAYS} days; choose daily or a shorter range.`;
  if (days > MAX_DAILY_DAYS) return `Charts cover at most ${MAX_DAILY_DAYS} days.`;
  return null;
}

/**
 * The time range behind one bucket of a series, for the drill-down: from its start to the next bucket's, clipped
 * to the range asked for (the first hour of a range in a half-hour zone starts before it, the last ends at `to`).
 */
export function bucketRange(startsMs: readonly number[], index: number, range: Range): Range {
  const start = startsMs[index];
  if (start === undefined) throw new RangeError(`no bucket ${index}`);
  const next = startsMs[index + 1];
  return { from: index === 0 ? range.from : String(start), to: next === undefined ? range.to : String(next) };
}

/** A bound for people: a date stays a date, epoch milliseconds become a date and time in the tenant's zone. */
export function boundLabel(bound: string, tz: string, locale?: string): string {
  if (!/^\d+$/.test(bound)) return bound;
  return new Intl.DateTimeFormat(locale, { timeZone: tz, year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }).format(new Date(Number(bound)));
}
