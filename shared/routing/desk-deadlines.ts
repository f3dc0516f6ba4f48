import type { DeskState, Effect, Waiting } from "./desk-types";
import { anyStaffed, effectivePriority, expireOffer, setStatus, staffKey } from "./desk-offers";
import { nextShiftChange } from "./desk-capacity";

export function processDeadlines(s: DeskState, now: number, fx: Effect[]): void {
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
  for (const w of Object.values(s.waiting)) {
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
        fx.push({ type: "supervisor_alert", conversation_id: id, queue_id: qid, reason: "sla_breach" });
        if (w.target < w.targets.length - 1) advance(w, now, "sla_breach", fx);
      }
    }
    advanceTargets(s, w, now, fx, staffedByKey);
  }
}

/** Move past targets whose timeout ran out, or where nobody who could take the conversation is at work. */
function advanceTargets(s: DeskState, w: Waiting, now: number, fx: Effect[], staffedByKey: Map<string, boolean>): void {
  if (w.not_before > now) return;
  // Refusals are per contact: only a contact nobody refused may share the answer of its key.
  const shared = !Object.values(w.declined).some((until) => until > now);
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

function advance(w: Waiting, since: number, reason: "timeout" | "no_staffed_agent" | "sla_breach", fx: Effect[]): void {
  const from = w.target;
  w.target += 1;
  w.target_since = since;
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
  // A shift that starts (or ends) changes who may be offered waiting work; with nothing waiting it changes nothing.
  if (Object.keys(s.waiting).length > 0) {
    for (const a of Object.values(s.agents)) {
      if (a.status !== "available" || a.disconnected_at !== null) continue;
      const change = nextShiftChange(a, now, s.config.calendars);
      if (change !== null) next = Math.min(next, change);
    }
  }
  const warnRatio = s.config.settings.sla_warning_ratio;
  for (const w of Object.values(s.waiting)) {
    if (w.not_before > now) next = Math.min(next, w.not_before);
    if (w.sla_due !== null && !w.sla_breached) {
      next = Math.min(next, w.sla_warned ? w.sla_due : w.sla_due - w.queue.sla_first_response_s * 1000 * (1 - warnRatio));
    }
    const deadline = targetDeadline(w);
    if (deadline !== null) next = Math.min(next, deadline);
    for (const until of Object.values(w.declined)) if (until > now) next = Math.min(next, until);
  }
  return next === Infinity ? null : next;
}
