import type { Calendar, Weekday } from "./schemas";

/**
 * Business hours in the calendar's own time zone. Local wall-clock time comes from Intl, so DST and
 * historical offsets follow the runtime's tz database rather than a table of our own.
 */

const WEEKDAYS: readonly Weekday[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
/** How far ahead nextOpening looks: a year and a week covers any weekly pattern plus holidays. */
const HORIZON_DAYS = 373;

type LocalTime = { year: number; month: number; day: number; weekday: Weekday; minutes: number; date: string };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      weekday: "short",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function localTime(timeZone: string, ms: number): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) parts[p.type] = p.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const weekday = parts.weekday!.slice(0, 3).toLowerCase() as Weekday;
  const minutes = (Number(parts.hour) % 24) * 60 + Number(parts.minute);
  return { year, month, day, weekday, minutes, date: isoDate(year, month, day) };
}

export function isOpen(calendar: Calendar, ms: number): boolean {
  const t = localTime(calendar.timezone, ms);
  if (calendar.holidays.includes(t.date)) return false;
  return calendar.hours.some((h) => h.days.includes(t.weekday) && toMinutes(h.open) <= t.minutes && t.minutes < toMinutes(h.close));
}

/**
 * The first instant at or after `ms` when the calendar is open (`ms` itself when open now), or null if it
 * never opens within a year (no hours, or everything a holiday).
 */
export function nextOpening(calendar: Calendar, ms: number): number | null {
  if (isOpen(calendar, ms)) return ms;
  const today = localTime(calendar.timezone, ms);
  for (let k = 0; k < HORIZON_DAYS; k++) {
    const civil = new Date(Date.UTC(today.year, today.month - 1, today.day + k));
    const y = civil.getUTCFullYear();
    const m = civil.getUTCMonth() + 1;
    const d = civil.getUTCDate();
    if (calendar.holidays.includes(isoDate(y, m, d))) continue;
    const weekday = WEEKDAYS[civil.getUTCDay()]!;
    const opens = calendar.hours
      .filter((h) => h.days.includes(weekday))
      .map((h) => zonedToUtc(calendar.timezone, y, m, d, toMinutes(h.open)))
      // An opening inside a DST gap lands on a shifted instant; keep only instants that really are open.
      .filter((t) => t > ms && isOpen(calendar, t))
      .sort((a, b) => a - b);
    if (opens[0] !== undefined) return opens[0];
  }
  return null;
}

/**
 * When an open calendar next closes (`ms` itself when closed now), or null if it stays open for the whole
 * horizon. Adjacent intervals (09:00–12:00, 12:00–17:00) count as one.
 */
export function nextClosing(calendar: Calendar, ms: number): number | null {
  let t = ms;
  for (let step = 0; step < HORIZON_DAYS * 4 && isOpen(calendar, t); step++) {
    const local = localTime(calendar.timezone, t);
    const ends = calendar.hours
      .filter((h) => h.days.includes(local.weekday) && toMinutes(h.open) <= local.minutes && local.minutes < toMinutes(h.close))
      .map((h) => toMinutes(h.close));
    const [y, m, d] = local.date.split("-").map(Number) as [number, number, number];
    t = Math.max(t + 60_000, zonedToUtc(calendar.timezone, y, m, d, Math.max(...ends)));
  }
  return isOpen(calendar, t) ? null : t;
}

/** UTC instant of a local wall-clock time; the second pass corrects when the guess crossed a DST change. */
function zonedToUtc(timeZone: string, year: number, month: number, day: number, minutes: number): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  let t = wall - offset(timeZone, wall);
  const corrected = wall - offset(timeZone, t);
  if (corrected !== t) t = corrected;
  return t;
}

/** Local minus UTC at instant `ms`, at minute resolution (all real zones are whole minutes today). */
function offset(timeZone: string, ms: number): number {
  const t = localTime(timeZone, ms);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, 0, t.minutes);
  const floored = Math.floor(ms / 60_000) * 60_000;
  return asUtc - floored;
}

function toMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function isoDate(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}
