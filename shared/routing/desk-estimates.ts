import { waitsInLine } from "./erlang";
import type { ChannelClass } from "./schemas";
import type { DeskState, QueueStats, Waiting } from "./desk-types";

/**
 * Estimated waits from the desk's own observations: the mean of recent handle times and the patience the
 * recent queue shows, put into Erlang A's wait at a position (erlang.ts waitAtPosition). The customer's estimate
 * and the early overflow (desk-deadlines.ts) both read it.
 */

/** Queue exits remembered per class. */
const SETTLED_WINDOW = 200;

export function rememberSettled(s: DeskState, w: Waiting, now: number, abandoned: boolean): void {
  const exit = { waited_ms: Math.max(0, now - Math.max(w.enqueued_at, w.not_before)), abandoned };
  keep(s.settled[w.class], exit, SETTLED_WINDOW);
  keep(statsOf(s, w.queue.id).settled, exit, SETTLED_WINDOW);
}

/** Handle times remembered per class and per queue. */
const HANDLE_WINDOW = 50;

export function rememberHandled(s: DeskState, cls: ChannelClass, queueId: string, handledMs: number): void {
  keep(s.handle_ms[cls], handledMs, HANDLE_WINDOW);
  keep(statsOf(s, queueId).handle_ms, handledMs, HANDLE_WINDOW);
}

/** Arrivals are counted per minute for the last hour: the staffing estimate's arrival rate. */
const ARRIVAL_MINUTES = 60;

export function rememberQueueArrival(s: DeskState, queueId: string, now: number): void {
  const arrivals = statsOf(s, queueId).arrivals;
  const minute = Math.floor(now / 60_000);
  const last = arrivals[arrivals.length - 1];
  if (last && last[0] === minute) last[1] += 1;
  else arrivals.push([minute, 1]);
  while (arrivals.length > 0 && arrivals[0]![0] <= minute - ARRIVAL_MINUTES) arrivals.shift();
}

function statsOf(s: DeskState, queueId: string): QueueStats {
  return (s.queue_stats[queueId] ??= { arrivals: [], handle_ms: [], settled: [] });
}

function keep<T>(list: T[], item: T, window: number): void {
  list.push(item);
  if (list.length > window) list.splice(0, list.length - window);
}

/**
 * A queue's observed traffic for staffing: arrivals per hour over the minutes of the last hour that the desk has
 * seen (from its first arrival in the window, so a desk up for ten minutes does not report a sixth of its rate),
 * mean handle time and patience as in observedRates; null where nothing was observed.
 */
export function observeQueue(s: DeskState, queueId: string, now: number): { arrivals_per_h: number | null; aht_s: number | null; patience_s: number | null; window_s: number } {
  const stats = s.queue_stats[queueId];
  const minute = Math.floor(now / 60_000);
  const recent = stats?.arrivals.filter(([m]) => m > minute - ARRIVAL_MINUTES && m <= minute) ?? [];
  const count = recent.reduce((n, [, c]) => n + c, 0);
  // Whole minutes from the first counted one to now, at least one.
  const windowS = recent.length > 0 ? Math.max(60, now / 1000 - recent[0]![0] * 60) : 0;
  const handled = stats?.handle_ms ?? [];
  const rates = ratesFrom(handled, stats?.settled ?? []);
  return {
    arrivals_per_h: count > 0 ? (count / windowS) * 3600 : null,
    aht_s: handled.length > 0 ? rates.handle_s : null,
    patience_s: rates.patience_s,
    window_s: Math.round(windowS),
  };
}

export type Rates = { handle_s: number; patience_s: number | null };

/**
 * Mean handle time of the class's recent resolutions (the setting's default before any), and mean patience as
 * the exponential estimate over recent exits, answered ones counting as waits cut short: Σ waited ÷ abandoned.
 * Null patience (nobody gave up lately) is Erlang C's infinite patience.
 */
export function observedRates(s: DeskState, cls: ChannelClass): Rates {
  const r = ratesFrom(s.handle_ms[cls], s.settled[cls]);
  return { handle_s: s.handle_ms[cls].length > 0 ? r.handle_s : s.config.settings.default_handle_s[cls], patience_s: r.patience_s };
}

function ratesFrom(handled: readonly number[], settled: readonly { waited_ms: number; abandoned: boolean }[]): Rates {
  const handle_s = handled.length > 0 ? Math.max(1, handled.reduce((x, y) => x + y, 0) / handled.length / 1000) : 0;
  let waited = 0;
  let abandoned = 0;
  for (const x of settled) {
    waited += x.waited_ms;
    if (x.abandoned) abandoned++;
  }
  return { handle_s, patience_s: abandoned > 0 && waited > 0 ? waited / 1000 / abandoned : null };
}

/** Seconds until each contact of a line that `slots` serve is answered, walked from the front (erlang.ts waitsInLine). */
export function lineWaits(slots: number, rates: Rates): ((position: number) => number) | null {
  return waitsInLine(slots, rates.handle_s, rates.patience_s);
}

/** The customer's estimate: a closed calendar's time to opening, then the wait at their place in line. */
export function estimateWait(w: Waiting, now: number, waitInLine: number): number {
  return Math.max(0, w.not_before - now) / 1000 + waitInLine;
}
