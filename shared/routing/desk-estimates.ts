import { waitsInLine } from "./erlang";
import type { ChannelClass } from "./schemas";
import type { DeskState, Waiting } from "./desk-types";

/**
 * Estimated waits from the desk's own observations: the mean of recent handle times and the patience the
 * recent queue shows, put into Erlang A's wait at a position (erlang.ts waitAtPosition). The customer's estimate
 * and the early overflow (desk-deadlines.ts) both read it.
 */

/** Queue exits remembered per class. */
const SETTLED_WINDOW = 200;

export function rememberSettled(s: DeskState, w: Waiting, now: number, abandoned: boolean): void {
  const list = s.settled[w.class];
  list.push({ waited_ms: Math.max(0, now - Math.max(w.enqueued_at, w.not_before)), abandoned });
  if (list.length > SETTLED_WINDOW) list.splice(0, list.length - SETTLED_WINDOW);
}

export type Rates = { handle_s: number; patience_s: number | null };

/**
 * Mean handle time of the class's recent resolutions (the setting's default before any), and mean patience as
 * the exponential estimate over recent exits, answered ones counting as waits cut short: Σ waited ÷ abandoned.
 * Null patience (nobody gave up lately) is Erlang C's infinite patience.
 */
export function observedRates(s: DeskState, cls: ChannelClass): Rates {
  const handled = s.handle_ms[cls];
  const handle_s = handled.length > 0 ? Math.max(1, handled.reduce((x, y) => x + y, 0) / handled.length / 1000) : s.config.settings.default_handle_s[cls];
  let waited = 0;
  let abandoned = 0;
  for (const x of s.settled[cls]) {
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
