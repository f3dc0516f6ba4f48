/**
 * The routing configuration as the queues page edits it: each queue and rule condition with its text inputs as
 * typed, and back to the configuration the API takes, with every mistake keyed by the path the API would use
 * (`queues.0.sla_first_response_s`, `rules.1.when.0.value`) so it lands next to the same field either way.
 */
import type { z } from "zod";
import type { RoutingConfig } from "../../../shared/routing-config";
import type { Condition, Queue, RoutingRule } from "../../../shared/routing/schemas";

/** What the page sends: a new queue leaves out what it does not set, and the server fills in its defaults. */
type QueueInput = z.input<typeof Queue>;
export type RoutingInput = Omit<RoutingConfig, "queues"> & { queues: QueueInput[] };
import { formatConditionValue, formatRequiredSkills, parseConditionValue, parseDecimal, parseRequiredSkills, parseWhole } from "./form-map";

export type QueueDraft = {
  /** The queue as loaded (targets, weights and the other fields the page does not edit ride along unchanged). */
  base: Queue | null;
  id: string;
  name: string;
  priority: string;
  sla: string;
  skills: string;
  calendar_id: string;
  out_of_hours_message: string;
  language: Queue["language"];
  strategy: Queue["strategy"];
  sticky: boolean;
};
export type ConditionDraft = { field: string; op: Condition["op"]; value: string; calendar_id: string };
export type RuleDraft = { id: string; name: string; queue_id: string; when: ConditionDraft[] };
export type RoutingDraft = { queues: QueueDraft[]; rules: RuleDraft[]; default_queue_id: string };

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function queueDraft(q: Queue | null): QueueDraft {
  return {
    base: q,
    id: q?.id ?? "",
    name: q?.name ?? "",
    priority: String(q?.priority ?? 0),
    sla: String(q?.sla_first_response_s ?? 60),
    skills: formatRequiredSkills(q?.required_skills ?? []),
    calendar_id: q?.calendar_id ?? "",
    out_of_hours_message: q?.out_of_hours_message ?? "",
    language: q?.language ?? "preferred",
    strategy: q?.strategy ?? "pack",
    sticky: q?.sticky ?? false,
  };
}

export function conditionDraft(c: Condition | null): ConditionDraft {
  return { field: c?.field ?? "channel", op: c?.op ?? "eq", value: formatConditionValue(c?.value), calendar_id: c?.calendar_id ?? "" };
}

export function routingDraft(config: RoutingConfig): RoutingDraft {
  return {
    queues: config.queues.map(queueDraft),
    rules: config.rules.map((r) => ({ id: r.id, name: r.name ?? "", queue_id: r.queue_id, when: r.when.map(conditionDraft) })),
    default_queue_id: config.default_queue_id,
  };
}

/** Queue ids new to this draft; ids already in use stay fixed because rules, agents and analytics refer to them. */
export function slugId(name: string, taken: ReadonlySet<string>): string {
  const base = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 56) || "queue";
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/** The configuration to PUT, keeping what the page does not edit (settings, calendars, each queue's targets). */
export function routingFromDraft(config: RoutingConfig, d: RoutingDraft): { value: RoutingInput | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const queues: QueueInput[] = d.queues.map((q, i) => {
    const at = `queues.${i}`;
    if (!ID.test(q.id)) errors[`${at}.id`] = "an id is 1–64 letters, digits, _ or -";
    if (!q.name.trim()) errors[`${at}.name`] = "a queue needs a name";
    const priority = parseWhole(q.priority, -100, 100);
    if (!priority.ok) errors[`${at}.priority`] = priority.error;
    const sla = parseDecimal(q.sla, 1, 30 * 86_400);
    if (!sla.ok) errors[`${at}.sla_first_response_s`] = sla.error;
    const skills = parseRequiredSkills(q.skills);
    if (!skills.ok) errors[`${at}.required_skills`] = skills.error;
    const { calendar_id: _c, out_of_hours_message: _m, ...kept }: QueueInput = q.base ?? { id: q.id, name: q.name };
    return {
      ...kept,
      id: q.id,
      name: q.name.trim(),
      priority: priority.ok ? priority.value : 0,
      sla_first_response_s: sla.ok ? sla.value : 60,
      required_skills: skills.ok ? skills.value : [],
      language: q.language,
      strategy: q.strategy,
      sticky: q.sticky,
      ...(q.calendar_id ? { calendar_id: q.calendar_id } : {}),
      ...(q.out_of_hours_message.trim() ? { out_of_hours_message: q.out_of_hours_message.trim() } : {}),
    };
  });
  const seen = new Set<string>();
  queues.forEach((q, i) => {
    if (seen.has(q.id)) errors[`queues.${i}.id`] = "another queue has this id";
    seen.add(q.id);
  });
  const rules: RoutingRule[] = d.rules.map((r, i) => {
    const when: Condition[] = r.when.map((c, j) => {
      const at = `rules.${i}.when.${j}`;
      const value = parseConditionValue(c.op, c.value);
      if (!value.ok) errors[`${at}.value`] = value.error;
      if (c.field === "in_business_hours" && !c.calendar_id) errors[`${at}.calendar_id`] = "choose the calendar whose hours count";
      const v = value.ok ? value.value : undefined;
      return { field: c.field, op: c.op, ...(v !== undefined ? { value: v } : {}), ...(c.field === "in_business_hours" && c.calendar_id ? { calendar_id: c.calendar_id } : {}) } as Condition;
    });
    return { id: r.id, ...(r.name.trim() ? { name: r.name.trim() } : {}), queue_id: r.queue_id, when };
  });
  if (Object.keys(errors).length) return { value: null, errors };
  // The default-queue select shows the first queue when the stored default is not among them (e.g. "default" before any queue existed).
  const defaultQueue = queues.length === 0 || queues.some((q) => q.id === d.default_queue_id) ? d.default_queue_id : queues[0]!.id;
  return { value: { ...config, queues, rules, default_queue_id: defaultQueue }, errors };
}
