import type { DeskState, Effect, OverflowReason, Waiting } from "./desk-types";
import { anyDeclined, anyStaffed, effectivePriority, expireOffer, freeBeyondTarget, lineKey, setStatus, staffKey } from "./desk-offers";
import type { StaffCache } from "./desk-offers";
import { lineWaits, observedRates } from "./desk-estimates";
import { CHANNEL_CLASSES } from "./schemas";
import type { ChannelClass } from "./schemas";
import { fits, nextShiftChange } from "./desk-capacity";

/**
 * `staff` computes lazily, so it reads the agents only after this function has set the expired and disconnected
 * away. `due` false: the caller knows no deadline has come and no staffing changed, so only the early overflow runs.
 */
export function processDeadlines(s: DeskState, now: number, fx: Effect[], staff: StaffCache, due = true): void {
  if (due) processDue(s, now, fx);
  if (s.config.settings.policy === "weighted") overflowEarly(s, now, fx, staff);
}

function processDue(s: DeskState, now: number, fx: Effect[]): void {
  for (const offer of Object.values(s.offers).filter((o) => o.expires_at <= now)) {
    // An earlier expiry in this loop may have revoked this offer already (the agent was set away).
    if (s.offers[offer.offer_id]) expireOffer(s, offer, now, fx);
  }
  const grace = s.config.settings.disconnect_grace_s * 1000;
  for (const agent of Object.values(s.agents)) {
    if (agent.disconnected_at !== null && agent.disconnected_at + grace <= now && (agent.status === "available" || agent.status === "busy")) {
      setStatus(s, agent, "away", "disconnected", now, fx);
    }
  }
  const warnRatio = s.config.settings.sla_warning_ratio;
  // Agents do not change in this loop, so whether a target is staffed is asked once per staff key.
  const staffedByKey = new Map<string, boolean>();
  for (const cid in s.waiting) {
    const w = s.waiting[cid]!;
    const id = w.task.conversation_id;
    const qid = w.queue.id;
    if (w.sla_due !== null && !w.sla_breached) {
      const slaMs = w.queue.sla_first_response_s * 1000;
      if (!w.sla_warned && now >= w.sla_due - slaMs * (1 - warnRatio)) {
        w.sla_warned = true;
        fx.push({ type: "sla_warning", conversation_id: id, queue_id: qid, due_at: w.sla_due });
      }
      if (now >= w.sla_due) {
        w.sla_breached = true;
        w.bump += s.config.settings.escalation_bump;
        fx.push({ type: "sla_breach", conversation_id: id, queue_id: qid, due_at: w.sla_due, priority: effectivePriority(w) });
        // The breach raises priority but keeps the target: jumping to a wider one hands the contact to agents
        // without its skill, who take half as long again and so make every other wait longer.
        fx.push({ type: "supervisor_alert", conversation_id: id, queue_id: qid, reason: "sla_breach" });
      }
    }
    advanceTargets(s, w, now, fx, staffedByKey);
  }
}

/**
 * Early overflow: waiting minutes for the few agents of a skills target while someone in the next target is free
 * serves nobody. Contacts served by the same agents (one staff key) are in line by arrival, the first ones taken
 * by the target's agents with room now; from the first whose expected wait for a busy one (desk-estimates.ts)
 * exceeds `early_overflow_share` of the SLA, as many move on as the next target has free agents, so no more
 * contacts leave their skill than can be helped at once. Team and named-agent targets (a tier-2 team, a sticky
 * last agent, a transfer) are a choice of people and wait out their timeout.
 */
function overflowEarly(s: DeskState, now: number, fx: Effect[], staff: StaffCache): void {
  const share = s.config.settings.early_overflow_share;
  if (share <= 0) return;
  // Nobody free, nobody to move to: on a full desk this is the common case and costs one pass over the agents.
  const idle = staff.free();
  if (idle.length === 0) return;
  const room = { voice: false, chat: false, email: false };
  for (const a of idle) for (const cls of CHANNEL_CLASSES) room[cls] ||= fits(a, cls, s.config.settings);
  // A line whose next target has nobody free beyond the current one (refusals aside) has nowhere to go: null.
  const lines = new Map<string, Waiting[] | null>();
  for (const cid in s.waiting) {
    const w = s.waiting[cid]!;
    if (!room[w.class] || w.offer_id !== null || w.not_before > now || w.target >= w.targets.length - 1 || w.targets[w.target]!.kind !== "skills") continue;
    const key = lineKey(w);
    let line = lines.get(key);
    if (line === undefined) lines.set(key, (line = freeBeyondTarget(s, w, idle, now, false) > 0 ? [] : null));
    line?.push(w);
  }
  const rates = new Map<ChannelClass, ReturnType<typeof observedRates>>();
  for (const line of lines.values()) {
    if (line === null) continue;
    line.sort((x, y) => x.enqueued_at - y.enqueued_at || (x.task.conversation_id < y.task.conversation_id ? -1 : 1));
    const first = line[0]!;
    const staffOf = staff.of(first);
    const slots = staffOf.reduce((n, a) => n + a.capacity[first.class], 0);
    const open = staffOf.filter((a) => fits(a, first.class, s.config.settings)).length;
    let r = rates.get(first.class);
    if (!r) rates.set(first.class, (r = observedRates(s, first.class)));
    const limit = share * first.queue.sla_first_response_s;
    const waits = lineWaits(slots, r);
    let from = -1;
    for (let i = open; i < line.length; i++) {
      if (waits === null || waits(i + 1 - open) > limit) {
        from = i;
        break;
      }
    }
    if (from < 0) continue;
    let movable = freeBeyondTarget(s, line[from]!, idle, now, true);
    for (let i = from; i < line.length && movable > 0; i++, movable--) advance(line[i]!, now, "estimated_wait", fx);
  }
}

/** Move past targets whose timeout ran out, or where nobody who could take the conversation is at work. */
function advanceTargets(s: DeskState, w: Waiting, now: number, fx: Effect[], staffedByKey: Map<string, boolean>): void {
  if (w.not_before > now || w.target >= w.targets.length - 1) return;
  // Refusals are per contact: only a contact nobody refused may share the answer of its key.
  const shared = !anyDeclined(w, now);
  while (w.target < w.targets.length - 1) {
    const deadline = targetDeadline(w);
    if (deadline !== null && deadline <= now) {
      advance(w, deadline, "timeout", fx);
      continue;
    }
    let staffed: boolean | undefined;
    if (shared) {
      const key = staffKey(w);
      staffed = staffedByKey.get(key);
      if (staffed === undefined) staffedByKey.set(key, (staffed = anyStaffed(s, w, now)));
    } else staffed = anyStaffed(s, w, now);
    if (!staffed) advance(w, now, "no_staffed_agent", fx);
    else return;
  }
}

function advance(w: Waiting, since: number, reason: OverflowReason, fx: Effect[]): void {
  const from = w.target;
  w.target += 1;
  w.target_since = since;
  w.target_reason = reason;
  fx.push({ type: "overflow", conversation_id: w.task.conversation_id, queue_id: w.queue.id, from, to: w.target, reason });
}

function targetDeadline(w: Waiting): number | null {
  const t = w.targets[w.target]!;
  if (w.target >= w.targets.length - 1 || t.timeout_s === undefined) return null;
  return w.target_since + t.timeout_s * 1000;
}

export function nextDeadline(s: DeskState, now: number): number | null {
  let next = Infinity;
  for (const o of Object.values(s.offers)) next = Math.min(next, o.expires_at);
  const grace = s.config.settings.disconnect_grace_s * 1000;
  for (const a of Object.values(s.agents)) {
    if (a.disconnected_at !== null && (a.status === "available" || a.status === "busy")) next = Math.min(next, a.disconnected_at + grace);
  }
  const warnRatio = s.config.settings.sla_warning_ratio;
  let waiting = false;
  for (const cid in s.waiting) {
    const w = s.waiting[cid]!;
    waiting = true;
    if (w.not_before > now) next = Math.min(next, w.not_before);
    if (w.sla_due !== null && !w.sla_breached) {
      next = Math.min(next, w.sla_warned ? w.sla_due : w.sla_due - w.queue.sla_first_response_s * 1000 * (1 - warnRatio));
    }
    const deadline = targetDeadline(w);
    if (deadline !== null) next = Math.min(next, deadline);
    for (const id in w.declined) {
      const until = w.declined[id]!;
      if (until > now && until < next) next = until;
    }
  }
  // A shift that starts (or ends) changes who may be offered waiting work; with nothing waiting it changes nothing.
  if (waiting) {
    for (const a of Object.values(s.agents)) {
      if (a.status !== "available" || a.disconnected_at !== null) continue;
      const change = nextShiftChange(a, now, s.config.calendars);
      if (change !== null) next = Math.min(next, change);
    }
  }
  return next === Infinity ? null : next;
}
