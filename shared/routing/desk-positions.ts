import type { Rank } from "./score";
import type { DeskState, Effect, Waiting } from "./desk-types";
import { staffKey, staffed } from "./desk-offers";

/** A changed estimate is re-sent only when it moved by this much, so the widget is not spammed every second. */
const ESTIMATE_STEP_S = 30;

/** Over the ranking taken before offers were made: conversations offered since are no longer in line. */
export function refreshPositions(s: DeskState, ranked: { w: Waiting; rank: Rank }[], now: number, fx: Effect[]): void {
  const perQueue = new Map<string, number>();
  const slotsByKey = new Map<string, number>();
  for (const { w } of ranked) {
    if (w.offer_id !== null) continue;
    const position = (perQueue.get(w.queue.id) ?? 0) + 1;
    perQueue.set(w.queue.id, position);
    const key = `${w.class}|${staffKey(w)}`;
    let slots = slotsByKey.get(key);
    if (slots === undefined) slotsByKey.set(key, (slots = staffed(s, w, now, false).reduce((n, a) => n + a.capacity[w.class], 0)));
    const estimate = estimateWait(s, w, position, slots, now);
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

/**
 * position × mean recent handle time ÷ staffed slots: with every slot of the agents who may take the
 * conversation turning over once per handle time, the n-th in line waits about n turnovers. Null when nobody
 * who could take it is at work.
 */
function estimateWait(s: DeskState, w: Waiting, position: number, slots: number, now: number): number | null {
  if (slots === 0) return null;
  const recent = s.handle_ms[w.class];
  const handleS = recent.length > 0 ? recent.reduce((x, y) => x + y, 0) / recent.length / 1000 : s.config.settings.default_handle_s[w.class];
  const closed = Math.max(0, w.not_before - now) / 1000;
  return Math.round(closed + (position * handleS) / slots);
}
