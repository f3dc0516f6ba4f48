import { z } from "zod";
import { ChannelName } from "../message";
import { Desk } from "./desk";
import type { Effect } from "./desk";
import { keyedUnit } from "./random";
import { selectQueue } from "./rules";
import { Agent, Calendar, DeskSettings, Policy, Proficiency, Queue, RoutingRule, channelClass } from "./schemas";
import type { ChannelClass, RequiredSkill, Task } from "./schemas";
import { meetsRequirements, proficiencyOf } from "./score";

/**
 * Discrete-event replay of a trace through the real Desk with a virtual clock. Agents are simulated from
 * their trace behaviour; customers leave when their patience runs out. All randomness is keyed by
 * (conversation, agent, attempt), so every policy meets the same agent reactions in the same situations.
 */

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
  /** Handle time by an agent who has the skill at the needed proficiency. */
  handle_s: z.number().positive(),
  /** How long the customer waits before leaving; null waits forever. */
  patience_s: z.number().positive().nullable().default(null),
  last_agent_id: z.string().nullable().default(null),
});
export type TraceArrival = z.infer<typeof TraceArrival>;

export const Trace = z.object({
  name: z.string(),
  description: z.string().default(""),
  seed: z.int().default(1),
  duration_s: z.number().positive(),
  /** "Answered within" threshold for service level. */
  sl_threshold_s: z.number().positive().default(20),
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

/**
 * Modelling assumptions that make skill matching matter (docs/routing.md): an agent below the needed
 * proficiency takes longer, and an agent without the skill hands the conversation back to its queue.
 */
export const SLOWDOWN_PER_LEVEL = 0.25;
export const TRANSFER_AFTER_S = 45;

export type TierResult = { arrivals: number; answered: number; abandoned: number; service_level: number; asa_s: number };

export type SimResult = {
  trace: string;
  policy: Policy;
  arrivals: number;
  answered: number;
  abandoned: number;
  /** Still waiting when nothing more could happen (e.g. every eligible agent declined). */
  unfinished: number;
  asa_s: number;
  /** Share of answered + abandoned that waited at all. */
  p_wait: number;
  service_level: number;
  abandonment_rate: number;
  right_agent_first_time: number;
  sl_by_tier: Record<string, TierResult>;
  utilisation: Record<string, number>;
  mean_utilisation: number;
  offers: number;
  offers_expired: number;
  offers_rejected: number;
  transfers: number;
};

type Event =
  | { kind: "arrive"; index: number; next: number }
  | { kind: "abandon"; conversation: string }
  | { kind: "answer"; offer: string; agent: string; accept: boolean }
  | { kind: "finish"; conversation: string; agent: string; since: number; transfer: boolean }
  | { kind: "alarm" }
  | { kind: "back"; agent: string };

type Scheduled = { at: number; seq: number; event: Event };

/** Binary min-heap on (at, seq): equal times keep scheduling order, so runs are reproducible. */
class EventQueue {
  private items: Scheduled[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(at: number, event: Event): void {
    const items = this.items;
    items.push({ at, seq: this.seq++, event });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): Scheduled | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && before(items[l]!, items[m]!)) m = l;
        if (r < items.length && before(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: Scheduled, b: Scheduled) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

type Outcome = {
  arrival: TraceArrival;
  requirements: RequiredSkill[];
  answered_at: number | null;
  first_agent: string | null;
  abandoned: boolean;
  transferred: boolean;
};

export function simulate(trace: Trace, policy: Policy): SimResult {
  const desk = Desk.create(
    { settings: { ...trace.settings, policy }, queues: trace.queues, calendars: trace.calendars, agents: trace.agents.map(({ behaviour: _, ...a }) => a) },
    0,
  );
  const behaviour = new Map(trace.agents.map((a) => [a.id, a.behaviour]));
  const agents = new Map(trace.agents.map((a) => [a.id, a]));
  const calendars = Object.fromEntries(trace.calendars.map((c) => [c.id, c]));
  const events = new EventQueue();
  const outcomes = new Map<string, Outcome>();
  const attempts = new Map<string, number>();
  // One alarm, like a Durable Object's: each timer effect replaces it; a superseded alarm that still fires is ignored.
  let alarm: number | null = null;
  const busy = new Map(trace.agents.map((a) => [a.id, { voice: 0, chat: 0, email: 0 } as Record<ChannelClass, number>]));
  const busyTime = new Map(trace.agents.map((a) => [a.id, 0]));
  const busySince = new Map(trace.agents.map((a) => [a.id, 0]));
  const counts = { offers: 0, expired: 0, rejected: 0, transfers: 0 };
  let now = 0;

  // Arrivals are fed one at a time (each schedules the next) so the event heap stays small.
  const arrivals = [...trace.arrivals.keys()].sort((x, y) => trace.arrivals[x]!.at_s - trace.arrivals[y]!.at_s);
  const scheduleArrival = (k: number) => {
    const index = arrivals[k];
    if (index !== undefined) events.push(trace.arrivals[index]!.at_s * 1000, { kind: "arrive", index, next: k + 1 });
  };
  scheduleArrival(0);

  const occupancy = (id: string) => {
    const load = busy.get(id)!;
    const cap = agents.get(id)!.capacity;
    let max = 0;
    for (const c of ["voice", "chat", "email"] as const) if (cap[c] > 0) max = Math.max(max, load[c] / cap[c]);
    return max;
  };
  const changeBusy = (id: string, cls: ChannelClass, delta: number) => {
    busyTime.set(id, busyTime.get(id)! + occupancy(id) * (now - busySince.get(id)!));
    busySince.set(id, now);
    busy.get(id)![cls] += delta;
  };

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
          const o = outcomes.get(e.conversation_id)!;
          const agent = agents.get(e.agent_id)!;
          if (o.answered_at === null) {
            o.answered_at = now;
            o.first_agent = e.agent_id;
          }
          changeBusy(e.agent_id, channelClass(o.arrival.channel), 1);
          const lacking = o.requirements.some((r) => proficiencyOf(agent, r.skill) === 0);
          const gap = Math.max(0, ...o.requirements.map((r) => r.min_proficiency - proficiencyOf(agent, r.skill)));
          const at = lacking ? now + Math.min(TRANSFER_AFTER_S, o.arrival.handle_s) * 1000 : now + o.arrival.handle_s * 1000 * (1 + SLOWDOWN_PER_LEVEL * gap);
          events.push(at, { kind: "finish", conversation: e.conversation_id, agent: e.agent_id, since: now, transfer: lacking });
          break;
        }
        case "offer_expired":
          counts.expired++;
          break;
        case "offer_revoked":
          if (e.reason === "rejected") counts.rejected++;
          break;
        case "abandoned":
          outcomes.get(e.conversation_id)!.abandoned = true;
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
        outcomes.set(a.id, {
          arrival: a,
          requirements: [...(queue?.required_skills ?? []), ...task.required_skills],
          answered_at: null,
          first_agent: null,
          abandoned: false,
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
        changeBusy(ev.agent, a.class, -1);
        if (ev.transfer) {
          counts.transfers++;
          outcomes.get(ev.conversation)!.transferred = true;
          handle(desk.transfer(ev.conversation, { kind: "queue", queue_id: a.queue.id }, "needs a specialist", now));
        } else {
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

  for (const id of busy.keys()) {
    busyTime.set(id, busyTime.get(id)! + occupancy(id) * (now - busySince.get(id)!));
    busySince.set(id, now);
  }
  return summarise(trace, policy, [...outcomes.values()], agents, busyTime, Math.max(now, trace.duration_s * 1000), counts);
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

function summarise(
  trace: Trace,
  policy: Policy,
  outcomes: Outcome[],
  agents: Map<string, Agent>,
  busyTime: Map<string, number>,
  endMs: number,
  counts: { offers: number; expired: number; rejected: number; transfers: number },
): SimResult {
  const threshold = trace.sl_threshold_s * 1000;
  const wait = (o: Outcome) => o.answered_at! - o.arrival.at_s * 1000;
  const stats = (os: Outcome[]) => {
    const answered = os.filter((o) => o.answered_at !== null);
    const abandoned = os.filter((o) => o.abandoned && o.answered_at === null).length;
    const within = answered.filter((o) => wait(o) <= threshold).length;
    const waited = answered.filter((o) => wait(o) > 0).length + abandoned;
    return {
      answered,
      abandoned,
      asa_s: ratio(answered.reduce((s, o) => s + wait(o), 0) / 1000, answered.length),
      service_level: ratio(within, answered.length + abandoned),
      p_wait: ratio(waited, answered.length + abandoned),
    };
  };
  const all = stats(outcomes);
  const right = all.answered.filter((o) => !o.transferred && meetsRequirements(agents.get(o.first_agent!)!, o.requirements)).length;
  const tiers = [...new Set(outcomes.map((o) => o.arrival.tier))].sort();
  const sl_by_tier: Record<string, TierResult> = {};
  for (const tier of tiers) {
    const os = outcomes.filter((o) => o.arrival.tier === tier);
    const t = stats(os);
    sl_by_tier[tier] = { arrivals: os.length, answered: t.answered.length, abandoned: t.abandoned, service_level: round(t.service_level), asa_s: round(t.asa_s) };
  }
  const utilisation: Record<string, number> = {};
  for (const [id, ms] of [...busyTime].sort(([a], [b]) => (a < b ? -1 : 1))) utilisation[id] = round(ms / endMs);
  const utils = Object.values(utilisation);
  return {
    trace: trace.name,
    policy,
    arrivals: outcomes.length,
    answered: all.answered.length,
    abandoned: all.abandoned,
    unfinished: outcomes.length - all.answered.length - all.abandoned,
    asa_s: round(all.asa_s),
    p_wait: round(all.p_wait),
    service_level: round(all.service_level),
    abandonment_rate: round(ratio(all.abandoned, outcomes.length)),
    right_agent_first_time: round(ratio(right, all.answered.length)),
    sl_by_tier,
    utilisation,
    mean_utilisation: round(ratio(utils.reduce((s, u) => s + u, 0), utils.length)),
    offers: counts.offers,
    offers_expired: counts.expired,
    offers_rejected: counts.rejected,
    transfers: counts.transfers,
  };
}

const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);
const round = (x: number) => Math.round(x * 1e4) / 1e4;
