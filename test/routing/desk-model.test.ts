import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Desk } from "../../shared/routing/desk";
import type { DeskState, Effect, TransferTo } from "../../shared/routing/desk";
import { CHANNEL_CLASSES } from "../../shared/routing/schemas";
import type { AgentStatus, Policy } from "../../shared/routing/schemas";
import { onShift, used } from "../../shared/routing/desk-capacity";
import { speaks } from "../../shared/routing/score";
import { agent, calendar, queue, S, T0, task } from "./fixtures";

/**
 * Model test: random command sequences against a small but awkward world (mixed capacities, teams, skills,
 * sticky and out-of-hours queues). After every command the desk's state must satisfy the invariants and agree
 * with what its own effects said happened.
 */

const AGENTS = ["a1", "a2", "a3", "a4"];
const CONVERSATIONS = ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"];
const QUEUES = ["billing", "tech", "general", "night", "intl"];

/** The world's variants: both capacity models and every policy must keep the invariants. */
type Variant = { awayOnMiss: boolean; capacity: "shared" | "per_channel"; policy: Policy };
const variant: fc.Arbitrary<Variant> = fc.record({
  awayOnMiss: fc.boolean(),
  capacity: fc.constantFrom("shared" as const, "per_channel" as const),
  policy: fc.constantFrom<Policy>("weighted", "weighted", "fifo", "fifo_skill", "fifo_skill_pack", "round_robin_blind"),
});

function world(v: Variant): DeskState {
  return Desk.create(
    {
      settings: { offer_timeout_s: 20, away_on_missed_offer: v.awayOnMiss, disconnect_grace_s: 30, transfer_timeout_s: 15, capacity_model: v.capacity, policy: v.policy },
      calendars: [calendar({ id: "nights", timezone: "UTC", hours: [{ days: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"], open: "00:00", close: "09:05" }] })],
      queues: [
        queue("billing", { required_skills: [{ skill: "billing", min_proficiency: 2 }], sla_first_response_s: 40, targets: [{ kind: "skills", timeout_s: 30 }, { kind: "any" }] }),
        queue("tech", { sticky: true, sticky_timeout_s: 10, targets: [{ kind: "team", value: "t2", timeout_s: 20 }, { kind: "skills", relax_to: 1 }] }),
        queue("general", { priority: 1, targets: [{ kind: "any" }] }),
        // Open 00:00–09:05 UTC and T0 is 09:00 UTC: open for five minutes, then closed until midnight.
        queue("night", { calendar_id: "nights", targets: [{ kind: "agents", value: ["a1", "a4"] }] }),
        queue("intl", { language: "required", targets: [{ kind: "any" }] }),
      ],
      agents: [
        agent("a1", { skills: [{ skill: "billing", proficiency: 5 }, { skill: "tech", proficiency: 2 }], teams: ["t1"], languages: ["en"], capacity: { voice: 1, chat: 2, email: 3 } }),
        // On shift for the first ten minutes and again from the second hour.
        agent("a2", { skills: [{ skill: "billing", proficiency: 2.5 }], teams: ["t1"], capacity: { voice: 1, chat: 1, email: 1 }, shifts: [{ start: T0 - 3600 * S, end: T0 + 600 * S }, { start: T0 + 3600 * S, end: T0 + 7200 * S }] }),
        agent("a3", { skills: [{ skill: "tech", proficiency: 4 }], teams: ["t2"], languages: ["zh", "en"], capacity: { voice: 0, chat: 3, email: 2 } }),
        agent("a4", { teams: ["t2"], languages: ["zh"], capacity: { voice: 1, chat: 1, email: 0 }, status: "away" }),
      ],
    },
    T0,
  ).state;
}

type Command =
  | { op: "arrive"; c: number; q: number; channel: "web" | "voice" | "email"; value: number; complexity: number; need: number; last: number | null; language: string | null }
  | { op: "accept" | "reject" | "expire"; pick: number; wrongAgent: boolean }
  | { op: "advance"; ms: number }
  | { op: "status"; a: number; status: AgentStatus }
  | { op: "disconnect" | "connect"; a: number }
  | { op: "transfer"; c: number; to: TransferTo }
  | { op: "resolve" | "abandon"; c: number }
  | { op: "claim"; c: number; a: number };

const idx = (n: number) => fc.integer({ min: 0, max: n - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("arrive" as const),
      c: idx(CONVERSATIONS.length),
      q: idx(QUEUES.length),
      channel: fc.constantFrom("web" as const, "voice" as const, "email" as const),
      value: fc.double({ min: 0, max: 1, noNaN: true }),
      complexity: fc.double({ min: 0, max: 1, noNaN: true }),
      need: fc.integer({ min: 1, max: 5 }),
      last: fc.option(idx(AGENTS.length), { nil: null }),
      language: fc.constantFrom(null, "en", "zh-CN"),
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("accept" as const), pick: fc.nat(), wrongAgent: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom("reject" as const, "expire" as const), pick: fc.nat(), wrongAgent: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 45 * S }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("status" as const), a: idx(AGENTS.length), status: fc.constantFrom<AgentStatus>("available", "available", "away", "busy", "offline") }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom("disconnect" as const, "connect" as const), a: idx(AGENTS.length) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("transfer" as const),
      c: idx(CONVERSATIONS.length),
      to: fc.oneof(
        idx(AGENTS.length).map((a): TransferTo => ({ kind: "agent", agent_id: AGENTS[a]! })),
        fc.constantFrom<TransferTo>({ kind: "team", team: "t1" }, { kind: "team", team: "t2" }, { kind: "queue", queue_id: "general" }, { kind: "queue", queue_id: "billing" }),
      ),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom("resolve" as const, "abandon" as const), c: idx(CONVERSATIONS.length) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("claim" as const), c: idx(CONVERSATIONS.length), a: idx(AGENTS.length) }) },
);

function apply(d: Desk, cmd: Command, now: number): Effect[] {
  const offers = Object.values(d.state.offers);
  switch (cmd.op) {
    case "arrive": {
      const id = CONVERSATIONS[cmd.c]!;
      const t = task(id, now, {
        channel: cmd.channel,
        customer_value: cmd.value,
        complexity: cmd.complexity,
        required_skills: cmd.q === 1 ? [{ skill: "tech", min_proficiency: cmd.need }] : [],
        last_agent_id: cmd.last === null ? null : AGENTS[cmd.last]!,
        language: cmd.language,
      });
      return d.arrive(t, QUEUES[cmd.q]!, now);
    }
    case "accept":
    case "reject":
    case "expire": {
      const offer = offers[cmd.pick % Math.max(1, offers.length)];
      const offerId = offer?.offer_id ?? "ofr_missing";
      const agentId = offer ? (cmd.wrongAgent ? AGENTS[(AGENTS.indexOf(offer.agent_id) + 1) % AGENTS.length]! : offer.agent_id) : "a1";
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

/** What the effects say happened, replayed independently of the desk's state. */
type Model = Map<string, { state: "waiting" | "assigned"; agent?: string }>;

function follow(model: Model, fx: readonly Effect[]): void {
  for (const e of fx) {
    switch (e.type) {
      case "queued":
        expect(model.get(e.conversation_id)?.state, `${e.conversation_id} queued twice`).not.toBe("waiting");
        model.set(e.conversation_id, { state: "waiting" });
        break;
      case "assigned":
        expect(model.get(e.conversation_id)?.state, `${e.conversation_id} assigned while not waiting`).toBe("waiting");
        model.set(e.conversation_id, { state: "assigned", agent: e.agent_id });
        break;
      case "transferred":
        expect(model.has(e.conversation_id)).toBe(true);
        model.delete(e.conversation_id);
        break;
      case "resolved":
      case "abandoned":
        expect(model.has(e.conversation_id)).toBe(true);
        model.delete(e.conversation_id);
        break;
      default:
        break;
    }
  }
}

function checkInvariants(d: Desk, model: Model, fx: readonly Effect[], now: number): void {
  const s = d.state;
  for (const a of Object.values(s.agents)) {
    for (const cls of CHANNEL_CLASSES) {
      const assigned = Object.values(s.assignments).filter((x) => x.agent_id === a.id && x.class === cls).length;
      const offered = Object.values(s.offers).filter((o) => o.agent_id === a.id && o.class === cls).length;
      expect(a.load[cls], `${a.id} ${cls} load bookkeeping`).toBe(assigned + offered);
      expect(a.load[cls], `${a.id} ${cls} over capacity`).toBeLessThanOrEqual(a.capacity[cls]);
    }
    // One budget across media: a mix never exceeds the agent (claims included).
    if (s.config.settings.capacity_model === "shared") expect(used(a, s.config.settings), `${a.id} over its shared budget`).toBeLessThanOrEqual(1 + 1e-9);
  }
  for (const e of fx) {
    if (e.type !== "offer") continue;
    const a = s.agents[e.agent_id]!;
    expect(onShift(a, now, s.config.calendars), `${a.id} offered work off shift`).toBe(true);
    const w = s.waiting[e.conversation_id];
    if (w && w.queue.language === "required" && s.config.settings.policy !== "round_robin_blind" && !s.config.settings.policy.startsWith("fifo_skill")) {
      expect(speaks(a, w.task.language), `${a.id} offered a ${w.task.language} conversation`).toBe(true);
    }
  }
  const offeredConversations = new Set<string>();
  for (const o of Object.values(s.offers)) {
    expect(offeredConversations.has(o.conversation_id), `${o.conversation_id} offered twice`).toBe(false);
    offeredConversations.add(o.conversation_id);
    expect(s.waiting[o.conversation_id]?.offer_id).toBe(o.offer_id);
    expect(o.expires_at).toBeGreaterThan(now);
    expect(s.agents[o.agent_id]?.status).toBe("available");
    expect(s.agents[o.agent_id]?.disconnected_at).toBeNull();
  }
  for (const [id, w] of Object.entries(s.waiting)) {
    expect(s.assignments[id], `${id} both waiting and assigned`).toBeUndefined();
    if (w.offer_id !== null) expect(s.offers[w.offer_id]?.conversation_id).toBe(id);
    // Every waiting conversation has a reason, and none is left unoffered while an eligible agent has room.
    const reason = d.waitReason(id, now);
    expect(reason).not.toBeNull();
    if (reason !== "offered") expect(d.eligibleAgents(id, now), `${id} waits (${reason}) with an eligible agent free`).toEqual([]);
  }
  for (const e of fx) if (e.type === "offer") expect(s.agents[e.agent_id]).toBeDefined();
  // The effect stream and the state tell the same story.
  const fromState = new Map<string, string>();
  for (const id of Object.keys(s.waiting)) fromState.set(id, "waiting");
  for (const [id, a] of Object.entries(s.assignments)) fromState.set(id, `assigned:${a.agent_id}`);
  const fromEffects = new Map([...model].map(([id, m]) => [id, m.state === "assigned" ? `assigned:${m.agent}` : "waiting"]));
  expect(Object.fromEntries(fromState)).toEqual(Object.fromEntries(fromEffects));
}

function run(cmds: readonly Command[], v: Variant, roundTripAt: number | null): Effect[][] {
  let d = new Desk(world(v));
  const model: Model = new Map();
  let now = T0;
  const log: Effect[][] = [];
  cmds.forEach((cmd, i) => {
    if (i === roundTripAt) d = new Desk(JSON.parse(JSON.stringify(d.state)) as DeskState);
    if (cmd.op === "advance") now += cmd.ms;
    const fx = apply(d, cmd, now);
    follow(model, fx);
    checkInvariants(d, model, fx, now);
    log.push(fx);
  });
  return log;
}

describe("desk model", () => {
  it("never exceeds capacity, never double-offers or double-assigns, and never idles an eligible agent", () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 80 }), variant, (cmds, v) => {
        run(cmds, v, null);
      }),
      { numRuns: 200 },
    );
  });

  it("decides identically after a JSON round trip of its state (what the Durable Object persists)", () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 2, maxLength: 60 }), variant, fc.nat(), (cmds, v, cut) => {
        expect(run(cmds, v, cut % cmds.length)).toEqual(run(cmds, v, null));
      }),
      { numRuns: 100 },
    );
  });

  it("lets every conversation end: once agents are back, everything waiting is offered, accepted and resolved", () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 60 }), (cmds) => {
        const d = new Desk(world({ awayOnMiss: true, capacity: "shared", policy: "weighted" }));
        let now = T0;
        for (const cmd of cmds) {
          if (cmd.op === "advance") now += cmd.ms;
          apply(d, cmd, now);
        }
        // Drain after midnight (the night queue is open again): everyone available and connected, offers
        // accepted as they come, assignments resolved.
        now = T0 + 15 * 3600 * S + 60 * S;
        for (const id of AGENTS) {
          d.connect(id, now);
          d.agentStatus(id, "available", now);
        }
        // Rounds a minute apart, so re-offer delays run out; within a round offers are answered at once.
        for (let round = 0; round < 30 && (Object.keys(d.state.waiting).length > 0 || Object.keys(d.state.assignments).length > 0); round++) {
          for (let i = 0; i < 20 && (Object.keys(d.state.offers).length > 0 || Object.keys(d.state.assignments).length > 0); i++) {
            for (const o of Object.values(d.state.offers)) d.accept(o.offer_id, o.agent_id, now);
            for (const id of Object.keys(d.state.assignments)) d.resolve(id, now);
          }
          now += 60 * S;
          d.tick(now);
        }
        expect(Object.keys(d.state.waiting).map((id) => `${id}:${d.waitReason(id, now)}`)).toEqual([]);
        expect(Object.keys(d.state.assignments)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
