import { nextOpening } from "./calendar";
import { channelClass } from "./schemas";
import type { Queue, RequiredSkill, Target, Task } from "./schemas";
import type { Assignment, Carried, DeskState, Effect, TransferNote, TransferTo, Waiting } from "./desk-types";
import { cmp, release, reofferMs } from "./desk-offers";
import { dict } from "../dict";

export function enqueue(
  s: DeskState,
  task: Task,
  queue: Queue,
  targets: Target[],
  carried: Carried,
  now: number,
  fx: Effect[],
): void {
  const calendar = queue.calendar_id === undefined ? undefined : s.config.calendars[queue.calendar_id];
  // An unknown calendar counts as always open: a misconfiguration must not silently park conversations.
  const opens = calendar ? nextOpening(calendar, now) : now;
  if (opens !== now) {
    fx.push({ type: "out_of_hours", conversation_id: task.conversation_id, queue_id: queue.id, message: queue.out_of_hours_message ?? null, opens_at: opens });
    // Never opens within a year: the conversation is not queued; the out-of-hours reply is all there is.
    if (opens === null) return;
  }
  const start = opens;
  s.waiting[task.conversation_id] = {
    task,
    queue,
    class: channelClass(task.channel),
    requirements: mergeRequirements(queue.required_skills, task.required_skills),
    enqueued_at: now,
    not_before: start,
    ...slaClock(carried.sla, start, queue),
    targets,
    target: 0,
    target_since: start,
    declined: dict(Object.entries(carried.declined)),
    offer_id: null,
    transfers: carried.transfers,
    notes: carried.notes,
    position: null,
    estimate_s: null,
  };
  fx.push({ type: "queued", conversation_id: task.conversation_id, queue_id: queue.id, target: targets[0]!.kind });
}

export function transferTargets(s: DeskState, to: TransferTo, queue: Queue): Target[] {
  const timeout_s = s.config.settings.transfer_timeout_s;
  if (to.kind === "agent") return [{ kind: "agents", value: [to.agent_id], timeout_s }, ...queue.targets];
  if (to.kind === "team") return [{ kind: "team", value: to.team, timeout_s }, ...queue.targets];
  return [...queue.targets];
}

export function requeueAssigned(s: DeskState, a: Assignment, to: TransferTo, note: string, now: number, fx: Effect[]): void {
  delete s.assignments[a.conversation_id];
  release(s, a.agent_id, a.class, now);
  const queue = to.kind === "queue" ? s.config.queues[to.queue_id] ?? a.queue : a.queue;
  const entry: TransferNote = { at: now, from_agent_id: a.agent_id, to, note };
  fx.push({ type: "transferred", conversation_id: a.conversation_id, from_agent_id: a.agent_id, to, note });
  // The transferring agent already answered, so there is no first-response SLA; they are not offered it back.
  const carried: Carried = { sla: "none", transfers: a.transfers + 1, notes: [...a.notes, entry], declined: dict([[a.agent_id, now + reofferMs(s)]]) };
  enqueue(s, a.task, queue, transferTargets(s, to, queue), carried, now, fx);
}

function slaClock(sla: Carried["sla"], start: number, queue: Queue): Pick<Waiting, "sla_due" | "sla_warned" | "sla_breached" | "bump"> {
  if (sla === "start") return { sla_due: start + queue.sla_first_response_s * 1000, sla_warned: false, sla_breached: false, bump: 0 };
  if (sla === "none") return { sla_due: null, sla_warned: false, sla_breached: false, bump: 0 };
  return { sla_due: sla.sla_due, sla_warned: sla.sla_warned, sla_breached: sla.sla_breached, bump: sla.bump };
}

/** Queue and conversation requirements together; per skill the stricter proficiency wins, and required beats preferred. */
function mergeRequirements(a: readonly RequiredSkill[], b: readonly RequiredSkill[]): RequiredSkill[] {
  const need = new Map<string, RequiredSkill>();
  for (const r of [...a, ...b]) {
    const seen = need.get(r.skill);
    need.set(r.skill, {
      skill: r.skill,
      min_proficiency: Math.max(seen?.min_proficiency ?? 0, r.min_proficiency),
      mode: seen?.mode === "required" || (r.mode ?? "required") === "required" ? "required" : "preferred",
    });
  }
  return [...need.values()].sort((x, y) => cmp(x.skill, y.skill));
}
