import type { DeskState, Effect } from "./desk-types";
import { nextDeadline, processDeadlines } from "./desk-deadlines";
import { StaffCache, makeOffers, rankWaiting } from "./desk-offers";
import { refreshPositions } from "./desk-positions";

/**
 * How every desk command ends: due deadlines, offers for whatever can be offered, queue positions, and the next
 * timer, which is also kept as `quiet_until` so that commands which change nothing routable can skip the work.
 */

/**
 * `deadlines`: true processes every due deadline; false none (dispatch); "capacity" is for a command that only
 * freed capacity or shortened the line (a resolution, an abandonment), which changes nobody's staffing: when no
 * deadline has come since the last settle, only the early overflow, which reads free capacity, needs a look.
 */
export function settle(s: DeskState, fx: Effect[], now: number, deadlines: boolean | "capacity"): Effect[] {
  // Lazy: nothing is read before the deadlines have set the expired and disconnected agents away.
  const staff = new StaffCache(s, now);
  if (deadlines !== false) processDeadlines(s, now, fx, staff, deadlines === true || !quiet(s, now));
  const ranked = rankWaiting(s, now);
  makeOffers(s, ranked, now, fx, staff.free());
  refreshPositions(s, ranked, now, fx, staff);
  const at = nextDeadline(s, now);
  s.quiet_until = at;
  fx.push({ type: "timer", at });
  return fx;
}

/**
 * For an accept, which frees no capacity and puts nobody in line (the offer's slot becomes the assignment's):
 * when no deadline has come since the last settle, that settle's offers, positions and timer all still hold,
 * because time alone changes nothing before the next deadline. At 500 waiting this halves a decision's cost
 * (docs/routing.md, "Performance").
 */
export function settleIfDue(s: DeskState, fx: Effect[], now: number): Effect[] {
  if (quiet(s, now)) {
    fx.push({ type: "timer", at: s.quiet_until! });
    return fx;
  }
  return settle(s, fx, now, true);
}

/** No deadline has come since the last settle (a desk restored from an older state knows of none: not quiet). */
function quiet(s: DeskState, now: number): boolean {
  const until = s.quiet_until;
  return until !== undefined && (until === null || now < until);
}
