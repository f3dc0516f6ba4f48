import type { DeskState, Effect, Waiting } from "./desk-types";
import { lineKey } from "./desk-offers";
import type { Ranked, StaffCache } from "./desk-offers";
import { estimateWait, lineWaits, observedRates } from "./desk-estimates";
import type { Rates } from "./desk-estimates";
import type { ChannelClass } from "./schemas";

/** A changed estimate is re-sent only when it moved by this much, so the widget is not spammed every second. */
const ESTIMATE_STEP_S = 30;

/** Over the ranking taken before offers were made: conversations offered since are no longer in line. */
export function refreshPositions(s: DeskState, ranked: readonly Ranked[], now: number, fx: Effect[], staff: StaffCache): void {
  const perQueue = new Map<string, number>();
  /** Per staff key: the wait at each place in its line (null: nobody at work could take it) and how far down it is. */
  const lines = new Map<string, { waits: ((position: number) => number) | null; at: number }>();
  const rates = new Map<ChannelClass, Rates>();
  for (const { w } of ranked) {
    if (w.offer_id !== null) continue;
    const position = (perQueue.get(w.queue.id) ?? 0) + 1;
    perQueue.set(w.queue.id, position);
    // The wait depends on who is ahead among those the same agents serve, not on the queue's whole line.
    const key = lineKey(w);
    let line = lines.get(key);
    if (!line) {
      let classRates = rates.get(w.class);
      if (!classRates) rates.set(w.class, (classRates = observedRates(s, w.class)));
      const slots = staff.of(w).reduce((n, a) => n + a.capacity[w.class], 0);
      lines.set(key, (line = { waits: lineWaits(slots, classRates), at: 0 }));
    }
    line.at += 1;
    const estimate = line.waits === null ? null : Math.round(estimateWait(w, now, line.waits(line.at)));
    const moved =
      position !== w.position ||
      (estimate === null) !== (w.estimate_s === null) ||
      (estimate !== null && w.estimate_s !== null && Math.abs(estimate - w.estimate_s) >= ESTIMATE_STEP_S);
    if (!moved) continue;
    w.position = position;
    w.estimate_s = estimate;
    fx.push({ type: "queue_position", conversation_id: w.task.conversation_id, queue_id: w.queue.id, position, estimated_wait_s: estimate });
  }
}

