import { isOpen, nextClosing, nextOpening } from "./calendar";
import { CHANNEL_CLASSES } from "./schemas";
import type { Calendar, ChannelClass, DeskSettings } from "./schemas";
import type { AgentState } from "./desk-types";

/** Float sums of thirds and fifths must not refuse the contact that exactly fills the budget. */
const EPSILON = 1e-9;

/** Share of the agent's one budget in use (shared model), or of the fullest class (per-channel model). */
export function used(agent: AgentState, settings: DeskSettings): number {
  let total = 0;
  let fullest = 0;
  for (const c of CHANNEL_CLASSES) {
    if (agent.load[c] === 0) continue;
    const share = agent.capacity[c] > 0 ? agent.load[c] / agent.capacity[c] : 1;
    total += share;
    fullest = Math.max(fullest, share);
  }
  return settings.capacity_model === "shared" ? total : fullest;
}

/** Budget a contact of class `cls` takes: 1/capacity, or everything when the agent takes none of that class. */
export function cost(agent: AgentState, cls: ChannelClass): number {
  return agent.capacity[cls] > 0 ? 1 / agent.capacity[cls] : Infinity;
}

/**
 * Whether the agent may take one more contact of class `cls`: within the count, the budget and the blocking rules.
 * `inUse` is `used(agent, settings)` when the caller has it already.
 */
export function fits(agent: AgentState, cls: ChannelClass, settings: DeskSettings, inUse?: number): boolean {
  if (agent.load[cls] >= agent.capacity[cls]) return false;
  for (const held of CHANNEL_CLASSES) if (agent.load[held] > 0 && settings.blocks[held].includes(cls)) return false;
  if (settings.capacity_model === "per_channel") return true;
  return (inUse ?? used(agent, settings)) + cost(agent, cls) <= 1 + EPSILON;
}

/** Budget left after one more contact of class `cls` (negative: it does not fit). */
export function roomAfter(agent: AgentState, cls: ChannelClass, settings: DeskSettings): number {
  if (settings.capacity_model === "per_channel") return 1 - (agent.load[cls] + 1) / agent.capacity[cls];
  return 1 - used(agent, settings) - cost(agent, cls);
}

export function hasRoom(agent: AgentState, settings: DeskSettings): boolean {
  const inUse = used(agent, settings);
  for (const c of CHANNEL_CLASSES) if (fits(agent, c, settings, inUse)) return true;
  return false;
}

/**
 * Open-or-not at minute resolution per calendar object: calendars are written in whole minutes, and eligibility
 * is asked for every agent and waiting contact on every command. A configuration change brings new calendar
 * objects, so stale answers are never read.
 */
const openCache = new WeakMap<Calendar, Map<number, boolean>>();

function calendarOpen(calendar: Calendar, now: number): boolean {
  let byMinute = openCache.get(calendar);
  if (!byMinute) openCache.set(calendar, (byMinute = new Map()));
  const minute = Math.floor(now / 60_000);
  let open = byMinute.get(minute);
  if (open === undefined) {
    if (byMinute.size > 256) byMinute.clear();
    open = isOpen(calendar, now);
    byMinute.set(minute, open);
  }
  return open;
}

/** New work only on shift. An agent with neither a schedule nor shifts is always on shift; an unknown calendar counts as none. */
export function onShift(agent: AgentState, now: number, calendars: Readonly<Record<string, Calendar>>): boolean {
  const calendar = agent.schedule_calendar_id === undefined ? undefined : calendars[agent.schedule_calendar_id];
  if (!calendar && agent.shifts.length === 0) return true;
  if (agent.shifts.some((s) => s.start <= now && now < s.end)) return true;
  return calendar !== undefined && calendarOpen(calendar, now);
}

/** When the agent's shift state next changes (a shift starts or ends), for the desk's alarm; null if never. */
export function nextShiftChange(agent: AgentState, now: number, calendars: Readonly<Record<string, Calendar>>): number | null {
  let next = Infinity;
  for (const s of agent.shifts) {
    if (s.start > now) next = Math.min(next, s.start);
    else if (s.end > now) next = Math.min(next, s.end);
  }
  const calendar = agent.schedule_calendar_id === undefined ? undefined : calendars[agent.schedule_calendar_id];
  if (calendar) {
    const change = calendarOpen(calendar, now) ? nextClosing(calendar, now) : nextOpening(calendar, now);
    if (change !== null && change > now) next = Math.min(next, change);
  }
  return next === Infinity ? null : next;
}
