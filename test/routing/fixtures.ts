import { Desk } from "../../shared/routing/desk";
import type { DeskInit, Effect } from "../../shared/routing/desk";
import { Agent, Calendar, Queue, Task } from "../../shared/routing/schemas";
import type { z } from "zod";
import { exponential, prng } from "../../shared/routing/random";
import { Trace } from "../../shared/routing/simulation";

/** Small builders: tests state only what matters to them; schemas fill the rest with production defaults. */
export const agent = (id: string, over: Partial<z.input<typeof Agent>> = {}) => Agent.parse({ id, name: id, status: "available", ...over });
export const queue = (id: string, over: Partial<z.input<typeof Queue>> = {}) => Queue.parse({ id, name: id, ...over });
export const task = (id: string, at: number, over: Partial<z.input<typeof Task>> = {}) => Task.parse({ conversation_id: id, channel: "web", arrived_at: at, ...over });
export const calendar = (over: Partial<z.input<typeof Calendar>> = {}) =>
  Calendar.parse({ id: "office", timezone: "Europe/Berlin", hours: [{ days: ["mon", "tue", "wed", "thu", "fri"], open: "09:00", close: "17:00" }], ...over });

export function desk(init: DeskInit, now = T0): Desk {
  return Desk.create(init, now);
}

export function ofType<T extends Effect["type"]>(fx: readonly Effect[], type: T): Extract<Effect, { type: T }>[] {
  return fx.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
}

export function onlyOffer(fx: readonly Effect[]): Extract<Effect, { type: "offer" }> {
  const offers = ofType(fx, "offer");
  if (offers.length !== 1) throw new Error(`expected one offer, got ${offers.length}: ${JSON.stringify(fx.map((e) => e.type))}`);
  return offers[0]!;
}

/** Wednesday 2025-01-15 10:00 in Berlin (09:00 UTC): inside office hours. */
export const T0 = Date.UTC(2025, 0, 15, 9, 0);
export const S = 1000;

/**
 * A queueing-theory trace: Poisson arrivals at `load` Erlangs, exponential handle times (and patience, when
 * given), `agents` identical single-skill voice agents who answer at once, one skills target and an SLA that
 * never breaches, so nothing reorders the FIFO queue. Seeded, so a run is reproducible.
 */
export function queueingTrace(o: { agents: number; load: number; handleS: number; patienceS: number | null; arrivals: number; seed: number }) {
  const rand = prng(o.seed);
  const lambda = o.load / o.handleS;
  const list = [];
  let t = 0;
  for (let i = 0; i < o.arrivals; i++) {
    t += exponential(rand, 1 / lambda);
    const handle_s = exponential(rand, o.handleS);
    list.push({ id: `c${i}`, at_s: t, channel: "voice" as const, skill: "support", handle_s, patience_s: o.patienceS === null ? null : exponential(rand, o.patienceS) });
  }
  const trace = Trace.parse({
    name: "queueing",
    duration_s: t,
    queues: [{ id: "q", name: "support", required_skills: [{ skill: "support" }], sla_first_response_s: 30 * 86_400, targets: [{ kind: "skills" }] }],
    default_queue_id: "q",
    agents: Array.from({ length: o.agents }, (_, i) => ({
      id: `a${i}`,
      name: `a${i}`,
      skills: [{ skill: "support", proficiency: 3 }],
      capacity: { voice: 1, chat: 0, email: 0 },
      status: "available",
      behaviour: { accept_after_s: 0 },
    })),
    arrivals: list,
  });
  return { trace, lambda, list };
}
