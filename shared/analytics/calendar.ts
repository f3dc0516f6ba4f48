/** Local-day arithmetic in an IANA time zone with Intl only: no time-zone database of our own. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", weekday: "short" });
    formatters.set(tz, f);
  }
  return f;
}

export type LocalParts = { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number };

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

export function localParts(t: number, tz: string): LocalParts {
  const p: Record<string, string> = {};
  for (const x of formatter(tz).formatToParts(new Date(t))) p[x.type] = x.value;
  return { year: +p.year!, month: +p.month!, day: +p.day!, hour: +p.hour!, minute: +p.minute!, second: +p.second!, weekday: WEEKDAYS[p.weekday!] ?? 0 };
}

/** Offset of the zone from UTC at instant t, in ms. */
function offsetAt(t: number, tz: string): number {
  const p = localParts(t, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
}

/** YYYY-MM-DD of the local day holding instant t. */
export function localDay(t: number, tz: string): string {
  const p = localParts(t, tz);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/**
 * The instant a local wall-clock time happens. Two passes of the offset settle DST changes; a wall time skipped by a
 * spring-forward resolves to the instant after the gap.
 */
export function zonedTime(year: number, month: number, day: number, hour: number, tz: string): number {
  const wall = Date.UTC(year, month - 1, day, hour);
  let t = wall - offsetAt(wall, tz);
  t = wall - offsetAt(t, tz);
  return t;
}

/** Start of the local day named YYYY-MM-DD. */
export function dayStart(day: string, tz: string): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return zonedTime(y, m, d, 0, tz);
}

/** The local day after YYYY-MM-DD. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** Start of the local week (Monday) holding instant t. */
export function weekStart(t: number, tz: string): number {
  const p = localParts(t, tz);
  return zonedTime(p.year, p.month, p.day - p.weekday, 0, tz);
}
