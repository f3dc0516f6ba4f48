/** Display helpers shared by the widget, console and dashboard: people see names and human times, never raw ids. */

type Named = { id: string; name?: string | null; email?: string | null; phone?: string | null };

/** A contact's name, else e-mail or phone, else a short stable label ("Visitor 3f2a") that is not the raw id. */
export function contactName(c: Named | null | undefined): string {
  if (!c) return "Unknown customer";
  const name = c.name?.trim() || c.email?.trim() || c.phone?.trim();
  return name || `Visitor ${c.id.replace(/^[a-z]+_/, "").slice(-4)}`;
}

export function timeOfDay(ms: number, locale?: string): string {
  return new Date(ms).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
}

export function ago(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "42s", "1m 05s", "2h 10m": compact durations for waits and handle times. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
}

/** Time left until `untilMs` as m:ss, never negative. */
export function countdown(untilMs: number, now = Date.now()): string {
  const s = Math.max(0, Math.ceil((untilMs - now) / 1000));
  return `${Math.floor(s / 60)}:${pad(s % 60)}`;
}
