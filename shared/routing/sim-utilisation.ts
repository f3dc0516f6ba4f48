import { nextShiftChange, onShift, used } from "./desk-capacity";
import type { Calendar, ChannelClass, DeskSettings } from "./schemas";
import type { AgentState } from "./desk-types";

/**
 * Utilisation as the desk's capacity model sees it: the share of the agent's budget in use (Σ load/capacity
 * under the shared model, the fullest class under per-channel, capped at 1), integrated over the time the agent
 * is on shift within the horizon, divided by that on-shift time. Dividing by the time of the last processed
 * event instead would count the tail of stale timers (patience running out hours later) as idle time.
 */

export type Interval = readonly [number, number];

/** On-shift intervals within [0, horizon), walked with the desk's own shift rules so the two cannot disagree. */
export function onShiftIntervals(agent: AgentState, horizonMs: number, calendars: Readonly<Record<string, Calendar>>): Interval[] {
  const out: [number, number][] = [];
  for (let t = 0; t < horizonMs; ) {
    const next = Math.min(nextShiftChange(agent, t, calendars) ?? Infinity, horizonMs);
    if (onShift(agent, t, calendars)) {
      const last = out.at(-1);
      if (last && last[1] === t) last[1] = next;
      else out.push([t, next]);
    }
    t = next;
  }
  return out;
}

/** Length of [from, to) that falls inside the intervals. */
export function overlap(intervals: readonly Interval[], from: number, to: number): number {
  let total = 0;
  for (const [s, e] of intervals) total += Math.max(0, Math.min(to, e) - Math.max(from, s));
  return total;
}

/** Budget-weighted busy time of one agent; changes must come in time order. */
export class BusyMeter {
  private readonly load: Record<ChannelClass, number> = { voice: 0, chat: 0, email: 0 };
  private since = 0;
  busyMs = 0;
  readonly onShiftMs: number;
  private readonly agent: AgentState;
  private readonly settings: DeskSettings;
  private readonly intervals: readonly Interval[];

  constructor(agent: AgentState, settings: DeskSettings, intervals: readonly Interval[]) {
    this.agent = agent;
    this.settings = settings;
    this.intervals = intervals;
    this.onShiftMs = intervals.reduce((s, [a, b]) => s + b - a, 0);
  }

  change(cls: ChannelClass, delta: number, now: number): void {
    this.advance(now);
    this.load[cls] += delta;
  }

  advance(now: number): void {
    const share = Math.min(1, used({ ...this.agent, load: this.load }, this.settings));
    if (share > 0) this.busyMs += share * overlap(this.intervals, this.since, now);
    this.since = now;
  }
}
