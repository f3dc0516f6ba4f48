import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { DeskOverview } from "../../shared/desk-protocol";
import type { LiveCounters } from "../../shared/routing/desk-live";
import { applyFrame, availableFor, fromOverview, loadLabel, queueRows, reassignCandidates, riskOf, teamLoad, ticking, type DeskAgent } from "../../web/dashboard/live-model";

const counters = (over: Partial<LiveCounters> = {}): LiveCounters => ({
  waiting: 0,
  longest_wait_ms: null,
  agents: { available: 0, away: 0, busy: 0, offline: 0, disconnected: 0 },
  offers_pending: 0,
  assigned: 0,
  sla_at_risk: 0,
  today: { day: "2026-12-04", answered: 0, answered_within_sl: 0, abandoned: 0, service_level: null, abandonment_rate: null },
  per_queue: {},
  ...over,
});

const agent = (over: Partial<DeskAgent> = {}): DeskAgent => ({
  id: "agt_1",
  name: "Ada",
  status: "available",
  load: { chat: 0, email: 0, voice: 0 },
  capacity: { voice: 1, chat: 3, email: 5 },
  budget_used: 0,
  on_shift: true,
  connected: true,
  ...over,
});

const overview = (over: Partial<DeskOverview> = {}): DeskOverview => ({
  summary: { waiting: 0, offered: 0, assigned: 0, agents_available: 0, oldest_wait_ms: null },
  live: counters(),
  agents: [],
  waiting: [],
  offers: [],
  ...over,
});

describe("dashboard live model", () => {
  it("lets a measured wait grow with the clock and never shrink", () => {
    fc.assert(
      fc.property(fc.nat(1e9), fc.nat(1e9), fc.nat(1e6), fc.nat(1e6), (ms, at, a, b) => {
        expect(ticking(ms, at, at + a)).toBe(ms + a);
        expect(ticking(ms, at, at - a)).toBe(ms);
        expect(ticking(ms, at, at + a + b)!).toBeGreaterThanOrEqual(ticking(ms, at, at + a)!);
      }),
    );
    expect(ticking(null, 0, 10)).toBeNull();
  });

  it("applies live counters, reading the lists again only when who waits or holds changed", () => {
    const s = fromOverview(overview({ live: counters({ waiting: 2, longest_wait_ms: 1000 }) }), 100);
    const clockOnly = applyFrame(s, { type: "live", counters: counters({ waiting: 2, longest_wait_ms: 9000 }) }, 500);
    expect(clockOnly.refresh).toBe(false);
    expect(clockOnly.state.liveAt).toBe(500);
    expect(clockOnly.state.at).toBe(100);
    expect(clockOnly.state.overview.live.longest_wait_ms).toBe(9000);
    const joined = applyFrame(s, { type: "live", counters: counters({ waiting: 3 }) }, 600);
    expect(joined.refresh).toBe(true);
  });

  it("changes only the agent an agent_status frame names", () => {
    const s = fromOverview(overview({ agents: [agent(), agent({ id: "agt_2", name: "Bo", status: "away" })] }), 0);
    const r = applyFrame(s, { type: "agent_status", agent_id: "agt_2", status: "busy", reason: "manual" }, 1);
    expect(r.refresh).toBe(false);
    expect(r.state.overview.agents.map((a) => a.status)).toEqual(["available", "busy"]);
    for (const type of ["assigned", "alert", "offer_expired"] as const) {
      const f =
        type === "assigned"
          ? { type, offer_id: "o", conversation_id: "c", agent_id: "a", notes: [] }
          : type === "alert"
            ? { type, kind: "sla_warning" as const, conversation_id: "c", queue_id: "q" }
            : { type, offer_id: "o", conversation_id: "c" };
      expect(applyFrame(s, f, 1).refresh).toBe(true);
    }
  });

  it("counts an agent available for a queue only when present, with room and the required skills", () => {
    const queue = { required_skills: [{ skill: "billing", min_proficiency: 3, mode: "required" as const }, { skill: "vip", min_proficiency: 1, mode: "preferred" as const }] };
    const skilled = [{ skill: "billing", proficiency: 4 }];
    expect(availableFor(queue, agent(), skilled)).toBe(true);
    expect(availableFor(queue, agent(), [{ skill: "billing", proficiency: 2 }])).toBe(false);
    expect(availableFor(queue, agent(), [])).toBe(false);
    expect(availableFor(queue, agent({ status: "away" }), skilled)).toBe(false);
    expect(availableFor(queue, agent({ connected: false }), skilled)).toBe(false);
    expect(availableFor(queue, agent({ on_shift: false }), skilled)).toBe(false);
    expect(availableFor(queue, agent({ budget_used: 1 }), skilled)).toBe(false);
    expect(availableFor({ required_skills: [] }, agent(), [])).toBe(true);
  });

  it("lists every configured queue and every queue contacts still wait in", () => {
    const live = counters({ per_queue: { sales: { waiting: 2, longest_wait_ms: 5000, sla_at_risk: 1 }, gone: { waiting: 1, longest_wait_ms: 100, sla_at_risk: 0 } } });
    const rows = queueRows(
      live,
      [
        { id: "support", name: "Support", required_skills: [], sla_first_response_s: 60 },
        { id: "sales", name: "Sales", required_skills: [], sla_first_response_s: 30 },
      ],
      [agent(), agent({ id: "agt_2", status: "away" })],
      () => [],
      new Map([["sales", 0.9]]),
    );
    expect(rows).toEqual([
      { id: "support", name: "Support", waiting: 0, longest_wait_ms: null, sla_at_risk: 0, agents_available: 1, service_level: null, sla_s: 60 },
      { id: "sales", name: "Sales", waiting: 2, longest_wait_ms: 5000, sla_at_risk: 1, agents_available: 1, service_level: 0.9, sla_s: 30 },
      { id: "gone", name: "gone", waiting: 1, longest_wait_ms: 100, sla_at_risk: 0, agents_available: 0, service_level: null, sla_s: null },
    ]);
  });

  it("puts a wait at risk from the warning point and breached from the threshold", () => {
    fc.assert(
      fc.property(fc.nat(1e7), fc.integer({ min: 1, max: 3600 }), fc.integer({ min: 1, max: 99 }).map((n) => n / 100), (waited, sla, ratio) => {
        const r = riskOf(waited, sla, ratio);
        expect(r).toBe(waited >= sla * 1000 ? "breached" : waited >= sla * 1000 * ratio ? "at_risk" : "ok");
      }),
    );
    expect(riskOf(1e9, null, 0.8)).toBe("ok");
  });

  it("offers every other agent for reassignment, those who can take work first", () => {
    const team = [
      agent({ id: "a", name: "Zoe", status: "offline" }),
      agent({ id: "b", name: "Yan", status: "available", budget_used: 1 }),
      agent({ id: "c", name: "Xia", status: "available" }),
      agent({ id: "d", name: "Wes", status: "away" }),
      agent({ id: "e", name: "Val", status: "available" }),
    ];
    expect(reassignCandidates(team, "c").map((a) => a.name)).toEqual(["Val", "Yan", "Wes", "Zoe"]);
    fc.assert(
      fc.property(fc.constantFrom(...team.map((a) => a.id), null), (holder) => {
        const out = reassignCandidates(team, holder);
        expect(out.some((a) => a.id === holder)).toBe(false);
        expect(out).toHaveLength(team.length - (holder === null ? 0 : 1));
      }),
    );
  });

  it("sums the load of the agents signed in", () => {
    const team = [agent({ load: { chat: 2, email: 0, voice: 0 }, budget_used: 0.66 }), agent({ id: "b", load: { chat: 1, email: 1, voice: 0 }, budget_used: 0.5 }), agent({ id: "c", status: "offline", load: { chat: 3, email: 0, voice: 0 }, budget_used: 1 })];
    const l = teamLoad(team);
    expect(l.active).toBe(4);
    expect(l.capacity).toBe(18);
    expect(l.used).toBeCloseTo(0.58, 6);
    expect(teamLoad([]).used).toBeNull();
    expect(loadLabel(agent({ load: { chat: 2, email: 1, voice: 0 }, capacity: { voice: 0, chat: 3, email: 5 } }))).toBe("chat 2/3, email 1/5");
  });
});
