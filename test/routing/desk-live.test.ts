import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Desk } from "../../shared/routing/desk";
import type { DeskState, Effect, TransferTo } from "../../shared/routing/desk";
import { AgentStatus } from "../../shared/routing/schemas";
import { LiveCounters, countToday, liveCounters, liveKey, todayOf, type TodayCounters } from "../../shared/routing/desk-live";
import { localDay } from "../../shared/analytics/calendar";
import { agent, calendar, desk, queue, S, T0, task } from "./fixtures";
import { activityChanges, type Presence } from "../../shared/routing/desk-activity";
import { AgentActivity } from "../../shared/events";

/**
 * Live counters against the pure desk: random command sequences (the approach of desk-model.test.ts, in a smaller
 * world) and after every step the counters agree with counts taken independently from the state, and today's
 * outcomes with a count of the effects seen since the local day began. The desk object's side (throttled pushes,
 * the outbox) is in test/routing-desk.test.ts.
 */

const AGENTS = ["a1", "a2", "a3"];
const CONVERSATIONS = ["c0", "c1", "c2", "c3", "c4", "c5"];
const QUEUES = ["billing", "general", "night"];

function world(): DeskState {
  return Desk.create(
    {
      settings: { offer_timeout_s: 20, disconnect_grace_s: 30, transfer_timeout_s: 15 },
      calendars: [calendar({ id: "nights", timezone: "UTC", hours: [{ days: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"], open: "00:00", close: "09:05" }] })],
      queues: [
        queue("billing", { required_skills: [{ skill: "billing", min_proficiency: 2 }], sla_first_response_s: 40, targets: [{ kind: "skills", timeout_s: 30 }, { kind: "any" }] }),
        queue("general", { priority: 1, sla_first_response_s: 20, targets: [{ kind: "any" }] }),
        queue("night", { calendar_id: "nights", targets: [{ kind: "agents", value: ["a1"] }] }),
      ],
      agents: [
        agent("a1", { skills: [{ skill: "billing", proficiency: 5 }], teams: ["t1"], capacity: { voice: 1, chat: 2, email: 3 } }),
        agent("a2", { skills: [{ skill: "billing", proficiency: 2.5 }], teams: ["t1"], capacity: { voice: 1, chat: 1, email: 1 } }),
        agent("a3", { teams: ["t2"], capacity: { voice: 0, chat: 1, email: 1 }, status: "away" }),
      ],
    },
    T0,
  ).state;
}

type Command =
  | { op: "arrive"; c: number; q: number; channel: "web" | "voice" | "email" }
  | { op: "accept" | "reject" | "expire"; pick: number }
  | { op: "advance"; ms: number }
  | { op: "status"; a: number; status: AgentStatus }
  | { op: "disconnect" | "connect"; a: number }
  | { op: "transfer"; c: number; to: TransferTo }
  | { op: "resolve" | "abandon"; c: number }
  | { op: "claim"; c: number; a: number };

const idx = (n: number) => fc.integer({ min: 0, max: n - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("arrive" as const), c: idx(CONVERSATIONS.length), q: idx(QUEUES.length), channel: fc.constantFrom("web" as const, "voice" as const, "email" as const) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("accept" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom("reject" as const, "expire" as const), pick: fc.nat() }) },
  // Mostly seconds; now and then hours, so a run crosses UTC midnight (T0 is 09:00 UTC).
  { weight: 3, arbitrary: fc.record({ op: fc.constant("advance" as const), ms: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 45 * S }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 8 * 3600 * S }) }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("status" as const), a: idx(AGENTS.length), status: fc.constantFrom<AgentStatus>("available", "available", "away", "busy", "offline") }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom("disconnect" as const, "connect" as const), a: idx(AGENTS.length) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("transfer" as const),
      c: idx(CONVERSATIONS.length),
      to: fc.oneof(
        idx(AGENTS.length).map((a): TransferTo => ({ kind: "agent", agent_id: AGENTS[a]! })),
        fc.constantFrom<TransferTo>({ kind: "team", team: "t2" }, { kind: "queue", queue_id: "general" }, { kind: "queue", queue_id: "billing" }),
      ),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom("resolve" as const, "abandon" as const), c: idx(CONVERSATIONS.length) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("claim" as const), c: idx(CONVERSATIONS.length), a: idx(AGENTS.length) }) },
);

function apply(d: Desk, cmd: Command, now: number): Effect[] {
  const offers = Object.values(d.state.offers);
  switch (cmd.op) {
    case "arrive":
      return d.arrive(task(CONVERSATIONS[cmd.c]!, now, { channel: cmd.channel }), QUEUES[cmd.q]!, now);
    case "accept":
    case "reject":
    case "expire": {
      const offer = offers[cmd.pick % Math.max(1, offers.length)];
      const offerId = offer?.offer_id ?? "ofr_missing";
      const agentId = offer?.agent_id ?? "a1";
      if (cmd.op === "expire") return d.expire(offerId, now);
      return cmd.op === "accept" ? d.accept(offerId, agentId, now) : d.reject(offerId, agentId, now);
    }
    case "advance":
      return d.tick(now);
    case "status":
      return d.agentStatus(AGENTS[cmd.a]!, cmd.status, now);
    case "disconnect":
      return d.disconnect(AGENTS[cmd.a]!, now);
    case "connect":
      return d.connect(AGENTS[cmd.a]!, now);
    case "transfer":
      return d.transfer(CONVERSATIONS[cmd.c]!, cmd.to, "handover", now);
    case "resolve":
      return d.resolve(CONVERSATIONS[cmd.c]!, now);
    case "abandon":
      return d.abandon(CONVERSATIONS[cmd.c]!, now);
    case "claim":
      return d.claim(CONVERSATIONS[cmd.c]!, AGENTS[cmd.a]!, now);
  }
}

/** The counters' state-derived parts, counted another way. */
function expected(s: DeskState, now: number) {
  const waiting = Object.values(s.waiting);
  const agents = Object.values(s.agents);
  const byStatus = Object.fromEntries(AgentStatus.options.map((st) => [st, agents.filter((a) => a.status === st).length]));
  const perQueue: Record<string, { waiting: number; longest_wait_ms: number | null }> = {};
  for (const id of new Set([...Object.keys(s.config.queues), ...waiting.map((w) => w.queue.id)])) {
    const mine = waiting.filter((w) => w.queue.id === id);
    perQueue[id] = { waiting: mine.length, longest_wait_ms: mine.length ? Math.max(...mine.map((w) => now - w.enqueued_at)) : null };
  }
  return {
    waiting: waiting.length,
    longest_wait_ms: waiting.length ? Math.max(...waiting.map((w) => now - w.enqueued_at)) : null,
    agents: { ...byStatus, disconnected: agents.filter((a) => a.disconnected_at !== null).length },
    offers_pending: Object.keys(s.offers).length,
    assigned: Object.keys(s.assignments).length,
    perQueue,
  };
}

describe("live counters", () => {
  it("agree with the desk state after every command, and today's outcomes with the effects seen that local day", () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 80 }), fc.constantFrom("UTC", "America/New_York", "Asia/Kolkata"), (cmds, tz) => {
        const d = new Desk(world());
        let now = T0;
        let today: TodayCounters | null = null;
        // Independently: a contact is answered once per arrival; hand-overs between agents are no new answers.
        const answeredSinceArrival = new Set<string>();
        let seen = { day: localDay(now, tz), answered: 0, within: 0, abandoned: 0 };
        for (const cmd of cmds) {
          if (cmd.op === "advance") now += cmd.ms;
          const fx = apply(d, cmd, now);
          today = countToday(today, fx, d.state, now, tz);
          if (seen.day !== localDay(now, tz)) seen = { day: localDay(now, tz), answered: 0, within: 0, abandoned: 0 };
          for (const e of fx) {
            if (e.type === "assigned" && !answeredSinceArrival.has(e.conversation_id)) {
              answeredSinceArrival.add(e.conversation_id);
              seen.answered += 1;
              if (e.waited_ms <= d.state.config.queues[e.queue_id]!.sla_first_response_s * 1000) seen.within += 1;
            }
            if (e.type === "abandoned") seen.abandoned += 1;
            if (e.type === "abandoned" || e.type === "resolved") answeredSinceArrival.delete(e.conversation_id);
          }
          const c = liveCounters(d.state, todayOf(today, now, tz), now);
          expect(LiveCounters.safeParse(c).success).toBe(true);
          const e = expected(d.state, now);
          expect({ waiting: c.waiting, longest_wait_ms: c.longest_wait_ms, agents: c.agents, offers_pending: c.offers_pending, assigned: c.assigned }).toEqual({
            waiting: e.waiting,
            longest_wait_ms: e.longest_wait_ms,
            agents: e.agents,
            offers_pending: e.offers_pending,
            assigned: e.assigned,
          });
          expect(Object.fromEntries(Object.entries(c.per_queue).map(([id, q]) => [id, { waiting: q.waiting, longest_wait_ms: q.longest_wait_ms }]))).toEqual(e.perQueue);
          expect(Object.values(c.per_queue).reduce((n, q) => n + q.sla_at_risk, 0)).toBe(c.sla_at_risk);
          expect(c.sla_at_risk).toBeLessThanOrEqual(c.waiting);
          // Every contact the desk warned about is at risk.
          expect(c.sla_at_risk).toBeGreaterThanOrEqual(Object.values(d.state.waiting).filter((w) => w.sla_warned && w.sla_due !== null).length);
          expect(c.today).toMatchObject({ day: seen.day, answered: seen.answered, answered_within_sl: seen.within, abandoned: seen.abandoned });
          const settled = seen.answered + seen.abandoned;
          expect(c.today.service_level).toBe(settled > 0 ? seen.within / settled : null);
          expect(c.today.abandonment_rate).toBe(settled > 0 ? seen.abandoned / settled : null);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("counts answers within SLA, abandonments and rates; the day is the tenant's local day", () => {
    const tz = "America/New_York";
    const d = desk({ settings: { offer_timeout_s: 120 }, queues: [queue("q", { sla_first_response_s: 30, targets: [{ kind: "any" }] })], agents: [agent("a1", { capacity: { voice: 1, chat: 3, email: 1 } })] });
    let today: TodayCounters | null = null;
    const step = (fx: Effect[], t: number) => (today = countToday(today, fx, d.state, t, tz));
    step(d.arrive(task("c1", T0), "q", T0), T0);
    step(d.arrive(task("c2", T0), "q", T0), T0);
    const first = Object.values(d.state.offers).find((o) => o.conversation_id === "c1")!;
    step(d.accept(first.offer_id, "a1", T0 + 10 * S), T0 + 10 * S);
    const second = Object.values(d.state.offers).find((o) => o.conversation_id === "c2")!;
    step(d.accept(second.offer_id, "a1", T0 + 40 * S), T0 + 40 * S);
    step(d.arrive(task("c3", T0 + 50 * S), "q", T0 + 50 * S), T0 + 50 * S);
    step(d.abandon("c3", T0 + 55 * S), T0 + 55 * S);
    const live = (t: number) => liveCounters(d.state, todayOf(today, t, tz), t);
    // T0 is 04:00 in New York on 15 January.
    const c = live(T0 + 60 * S);
    expect(c.today).toEqual({ day: "2025-01-15", answered: 2, answered_within_sl: 1, abandoned: 1, service_level: 1 / 3, abandonment_rate: 1 / 3 });
    expect(c.assigned).toBe(2);
    // Past UTC midnight it is still the 15th in New York…
    expect(live(T0 + 16 * 3600 * S).today).toMatchObject({ day: "2025-01-15", answered: 2 });
    // …until 05:00 UTC.
    const tomorrow = T0 + 20 * 3600 * S;
    expect(live(tomorrow).today).toEqual({ day: "2025-01-16", answered: 0, answered_within_sl: 0, abandoned: 0, service_level: null, abandonment_rate: null });
    expect(countToday(today, [], d.state, tomorrow, tz)).toEqual({ day: "2025-01-16", answered: 0, answered_within_sl: 0, abandoned: 0 });
  });

  it("marks a wait at risk from the desk's SLA warning point; the push key ignores waits", () => {
    const d = desk({ settings: { sla_warning_ratio: 0.5 }, queues: [queue("q", { sla_first_response_s: 60, targets: [{ kind: "any" }] })], agents: [] });
    d.arrive(task("c1", T0), "q", T0);
    const live = (t: number) => liveCounters(d.state, todayOf(null, t, "UTC"), t);
    expect(live(T0 + 29 * S).sla_at_risk).toBe(0);
    const at = live(T0 + 30 * S);
    expect(at.sla_at_risk).toBe(1);
    expect(at.per_queue.q).toEqual({ waiting: 1, longest_wait_ms: 30 * S, sla_at_risk: 1 });
    expect(at.agents).toEqual({ available: 0, away: 0, busy: 0, offline: 0, disconnected: 0 });
    expect(liveKey(live(T0 + 31 * S))).toBe(liveKey(at));
    expect(liveKey(live(T0 + 29 * S))).not.toBe(liveKey(at));
  });
});

describe("agent activity for analytics", () => {
  it("reports each agent's time as contiguous intervals that cover it exactly, each with the presence it began with", () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 80 }), (cmds) => {
        const d = new Desk(world());
        let now = T0;
        let presence: Record<string, Presence> = activityChanges({}, d.state, "ten_x", now).next;
        const start = Object.fromEntries(Object.entries(presence).map(([id, p]) => [id, p.since]));
        const intervals: Record<string, AgentActivity[]> = {};
        for (const cmd of cmds) {
          if (cmd.op === "advance") now += cmd.ms;
          apply(d, cmd, now);
          const before = presence;
          const r = activityChanges(presence, d.state, "ten_x", now);
          for (const e of r.events) {
            AgentActivity.parse(e);
            expect(e.from).toBe(before[e.agent_id]!.since);
            expect(e.status).toBe(before[e.agent_id]!.status);
            expect(e.to).toBe(now);
            (intervals[e.agent_id] ??= []).push(e);
          }
          presence = r.next;
          for (const [id, p] of Object.entries(presence)) {
            const a = d.state.agents[id]!;
            expect(p.status).toBe(a.disconnected_at !== null ? "offline" : a.status);
            expect(p.conversations).toBe(Object.values(d.state.assignments).filter((x) => x.agent_id === id).length);
            // Load is what the held conversations use, not the slots outstanding offers reserve.
            expect(p.load > 0).toBe(p.conversations > 0);
          }
        }
        for (const [id, p] of Object.entries(presence)) {
          const list = intervals[id] ?? [];
          let at = start[id]!;
          for (const e of list) {
            expect(e.from).toBe(at);
            expect(e.to).toBeGreaterThan(e.from);
            at = e.to;
          }
          expect(p.since).toBe(at);
          expect(new Set(list.map((e) => e.id)).size).toBe(list.length);
        }
      }),
      { numRuns: 200 },
    );
  });
});
