import { z } from "zod";
import { ChannelName } from "../message";
import { Desk } from "./desk";
import type { AgentState, Effect } from "./desk";
import { EventQueue } from "./event-queue";
import { keyedUnit } from "./random";
import { selectQueue } from "./rules";
import { Agent, Calendar, DeskSettings, Policy, Proficiency, Queue, RoutingRule, channelClass } from "./schemas";
import type { RequiredSkill, Task } from "./schemas";
import { proficiencyOf, speaks } from "./score";
import { BusyMeter, onShiftIntervals } from "./sim-utilisation";
import { summarise } from "./sim-summary";
import type { SimResult } from "./sim-summary";

/**
 * Discrete-event replay of a trace through the real Desk with a virtual clock (ms from the trace's start).
 * Agents are simulated from their trace behaviour; customers leave when their patience runs out. All randomness
 * is keyed by (conversation, agent, attempt), so every policy meets the same agent reactions in the same situations.
 */

export type { SimResult, TierResult } from "./sim-summary";

/** How an agent reacts to offers in the simulation. */
export const Behaviour = z.object({
  /** Offers are answered after 0.5–1.5 × this many seconds. */
  accept_after_s: z.number().min(0).default(3),
  reject_probability: z.number().min(0).max(1).default(0),
  /** Never answers: the offer times out (and, by default, the desk sets the agent away). */
  miss_probability: z.number().min(0).max(1).default(0),
  /** An agent set away by a missed offer comes back after this long. */
  back_after_s: z.number().positive().default(60),
});

export const TraceAgent = Agent.extend({ behaviour: Behaviour.default({ accept_after_s: 3, reject_probability: 0, miss_probability: 0, back_after_s: 60 }) });

export const TraceArrival = z.object({
  id: z.string().min(1),
  at_s: z.number().min(0),
  channel: ChannelName,
  language: z.string().nullable().default(null),
  intent: z.string().nullable().default(null),
  /** The skill the conversation needs (null: anyone can answer) and at what proficiency. */
  skill: z.string().nullable().default(null),
  need: Proficiency.default(1),
  complexity: z.number().min(0).max(1).default(0.5),
  tier: z.string().default("standard"),
  customer_value: z.number().min(0).max(1).default(0),
  /** Handle time by an agent who has the skill at the needed proficiency (`levels`) or at level 5 (`proficiency`). */
  handle_s: z.number().positive(),
  /** How long the customer waits before leaving; null waits forever. */
  patience_s: z.number().positive().nullable().default(null),
  last_agent_id: z.string().nullable().default(null),
});
export type TraceArrival = z.infer<typeof TraceArrival>;

/**
 * How long an agent takes (handleMs below). `levels`, the original traces' model: slower by a quarter per
 * missing level, and an agent without the skill hands the conversation back after TRANSFER_AFTER_S.
 * `proficiency`, routing-trace/v1's: × (1.5 − 0.5 p) with p the 0–1 proficiency (× 1.5 without the skill),
 * × 1.5 more when the agent does not speak the language; nobody hands back.
 */
export const Handling = z.enum(["levels", "proficiency"]);
export type Handling = z.infer<typeof Handling>;

export const Trace = z.object({
  name: z.string(),
  description: z.string().default(""),
  seed: z.int().default(1),
  /** The horizon: utilisation is measured over the on-shift time before it. */
  duration_s: z.number().positive(),
  /** "Answered within" threshold for service level. */
  sl_threshold_s: z.number().positive().default(20),
  handling: Handling.default("levels"),
  settings: DeskSettings.partial().default({}),
  queues: z.array(Queue).min(1),
  calendars: z.array(Calendar).default([]),
  rules: z.array(RoutingRule).default([]),
  default_queue_id: z.string(),
  agents: z.array(TraceAgent).min(1),
  arrivals: z.array(TraceArrival),
});
export type Trace = z.infer<typeof Trace>;
export type TraceInput = z.input<typeof Trace>;

export const SLOWDOWN_PER_LEVEL = 0.25;
export const TRANSFER_AFTER_S = 45;

/** What happened to one contact, virtual ms. `first_agent` answered first; `ended_at` is the final resolution. */
export type ContactRecord = {
  arrival: TraceArrival;
  requirements: RequiredSkill[];
  answered_at: number | null;
  first_agent: string | null;
  abandoned_at: number | null;
  ended_at: number | null;
  transferred: boolean;
};

export type Counts = { offers: number; expired: number; rejected: number; transfers: number };

export type Run = { result: SimResult; contacts: ContactRecord[] };

type Event =
  | { kind: "arrive"; index: number; next: number }
  | { kind: "abandon"; conversation: string }
  | { kind: "answer"; offer: string; agent: string; accept: boolean }
  | { kind: "finish"; conversation: string; agent: string; since: number; transfer: boolean }
  | { kind: "alarm" }
  | { kind: "back"; agent: string };

export function simulate(trace: Trace, policy: Policy): SimResult {
  return run(trace, policy).result;
}

export function run(trace: Trace, policy: Policy): Run {
  const desk = Desk.create(
    { settings: { ...trace.settings, policy }, queues: trace.queues, calendars: trace.calendars, agents: trace.agents.map(({ behaviour: _, ...a }) => a) },
    0,
  );
  const settings = desk.state.config.settings;
  const behaviour = new Map(trace.agents.map((a) => [a.id, a.behaviour]));
  const calendars = Object.fromEntries(trace.calendars.map((c) => [c.id, c]));
  const horizonMs = trace.duration_s * 1000;
  const meters = new Map(trace.agents.map((a) => {
    const state = desk.state.agents[a.id]!;
    return [a.id, new BusyMeter(state, settings, onShiftIntervals(state, horizonMs, desk.state.config.calendars))] as const;
  }));
  const events = new EventQueue<Event>();
  const records = new Map<string, ContactRecord>();
  const attempts = new Map<string, number>();
  // One alarm, like a Durable Object's: each timer effect replaces it; a superseded alarm that still fires is ignored.
  let alarm: number | null = null;
  const counts: Counts = { offers: 0, expired: 0, rejected: 0, transfers: 0 };
  let now = 0;

  // Arrivals are fed one at a time (each schedules the next) so the event heap stays small.
  const arrivals = [...trace.arrivals.keys()].sort((x, y) => trace.arrivals[x]!.at_s - trace.arrivals[y]!.at_s);
  const scheduleArrival = (k: number) => {
    const index = arrivals[k];
    if (index !== undefined) events.push(trace.arrivals[index]!.at_s * 1000, { kind: "arrive", index, next: k + 1 });
  };
  scheduleArrival(0);

  const handle = (fx: Effect[]) => {
    for (const e of fx) {
      switch (e.type) {
        case "offer": {
          counts.offers++;
          const n = (attempts.get(e.conversation_id) ?? 0) + 1;
          attempts.set(e.conversation_id, n);
          const b = behaviour.get(e.agent_id)!;
          const key = `${e.conversation_id}|${e.agent_id}|${n}`;
          const u = keyedUnit(trace.seed, key);
          if (u < b.miss_probability) break;
          const delay = b.accept_after_s * 1000 * (0.5 + keyedUnit(trace.seed, `${key}|delay`));
          events.push(now + delay, { kind: "answer", offer: e.offer_id, agent: e.agent_id, accept: u >= b.miss_probability + b.reject_probability });
          break;
        }
        case "assigned": {
          const r = records.get(e.conversation_id)!;
          if (r.answered_at === null) {
            r.answered_at = now;
            r.first_agent = e.agent_id;
          }
          meters.get(e.agent_id)!.change(channelClass(r.arrival.channel), 1, now);
          const { ms, transfer } = handleMs(trace.handling, r, desk.state.agents[e.agent_id]!);
          events.push(now + ms, { kind: "finish", conversation: e.conversation_id, agent: e.agent_id, since: now, transfer });
          break;
        }
        case "offer_expired":
          counts.expired++;
          break;
        case "offer_revoked":
          if (e.reason === "rejected") counts.rejected++;
          break;
        case "abandoned":
          records.get(e.conversation_id)!.abandoned_at = now;
          break;
        case "agent_status":
          if (e.reason === "missed_offer") events.push(now + behaviour.get(e.agent_id)!.back_after_s * 1000, { kind: "back", agent: e.agent_id });
          break;
        case "timer":
          if (e.at !== alarm && e.at !== null) events.push(Math.max(e.at, now), { kind: "alarm" });
          alarm = e.at;
          break;
        default:
          break;
      }
    }
  };

  for (let next = events.pop(); next; next = events.pop()) {
    now = next.at;
    const ev = next.event;
    switch (ev.kind) {
      case "arrive": {
        const a = trace.arrivals[ev.index]!;
        const task = toTask(a, now);
        const queueId =
          selectQueue(trace.rules, { channel: a.channel, intent: a.intent, language: a.language, tier: a.tier }, now, calendars)?.queue_id ??
          trace.default_queue_id;
        const queue = trace.queues.find((q) => q.id === queueId);
        records.set(a.id, {
          arrival: a,
          requirements: [...(queue?.required_skills ?? []), ...task.required_skills],
          answered_at: null,
          first_agent: null,
          abandoned_at: null,
          ended_at: null,
          transferred: false,
        });
        if (a.patience_s !== null) events.push(now + a.patience_s * 1000, { kind: "abandon", conversation: a.id });
        handle(desk.arrive(task, queueId, now));
        scheduleArrival(ev.next);
        break;
      }
      case "abandon":
        if (desk.state.waiting[ev.conversation]) handle(desk.abandon(ev.conversation, now));
        break;
      case "answer":
        handle(ev.accept ? desk.accept(ev.offer, ev.agent, now) : desk.reject(ev.offer, ev.agent, now));
        break;
      case "finish": {
        const a = desk.state.assignments[ev.conversation];
        if (!a || a.agent_id !== ev.agent || a.assigned_at !== ev.since) break;
        meters.get(ev.agent)!.change(a.class, -1, now);
        const r = records.get(ev.conversation)!;
        if (ev.transfer) {
          counts.transfers++;
          r.transferred = true;
          handle(desk.transfer(ev.conversation, { kind: "queue", queue_id: a.queue.id }, "needs a specialist", now));
        } else {
          r.ended_at = now;
          handle(desk.resolve(ev.conversation, now));
        }
        break;
      }
      case "alarm":
        if (alarm !== null && alarm <= now) handle(desk.tick(now));
        break;
      case "back":
        if (desk.state.agents[ev.agent]?.status === "away") handle(desk.agentStatus(ev.agent, "available", now));
        break;
    }
  }

  for (const m of meters.values()) m.advance(now);
  const contacts = [...records.values()];
  return { result: summarise(trace, policy, contacts, new Map(trace.agents.map((a) => [a.id, a])), meters, counts), contacts };
}

/** How long `agent` holds the contact, and whether it ends in a hand-back rather than a resolution (Handling). */
export function handleMs(model: Handling, r: Pick<ContactRecord, "arrival" | "requirements">, agent: AgentState): { ms: number; transfer: boolean } {
  const base = r.arrival.handle_s * 1000;
  if (model === "proficiency") {
    const p = r.arrival.skill === null ? 5 : proficiencyOf(agent, r.arrival.skill);
    const skill = p > 0 ? 1.5 - 0.5 * (p / 5) : 1.5;
    return { ms: base * skill * (speaks(agent, r.arrival.language) ? 1 : 1.5), transfer: false };
  }
  if (r.requirements.some((q) => proficiencyOf(agent, q.skill) === 0)) return { ms: Math.min(TRANSFER_AFTER_S * 1000, base), transfer: true };
  const gap = Math.max(0, ...r.requirements.map((q) => q.min_proficiency - proficiencyOf(agent, q.skill)));
  return { ms: base * (1 + SLOWDOWN_PER_LEVEL * gap), transfer: false };
}

function toTask(a: TraceArrival, now: number): Task {
  return {
    conversation_id: a.id,
    channel: a.channel,
    language: a.language,
    intent: a.intent,
    required_skills: a.skill === null ? [] : [{ skill: a.skill, min_proficiency: a.need, mode: "required" }],
    tier: a.tier,
    customer_value: a.customer_value,
    complexity: a.complexity,
    sentiment: 0,
    priority: 0,
    arrived_at: now,
    last_agent_id: a.last_agent_id,
    attributes: {},
    language_required: false,
  };
}
