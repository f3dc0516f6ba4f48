import { describe, expect, it } from "vitest";
import { agent, calendar, desk, ofType, onlyOffer, queue, S, T0, task } from "./fixtures";

const billing = (over = {}) => queue("billing", { required_skills: [{ skill: "billing", min_proficiency: 1 }], targets: [{ kind: "skills" }], ...over });
const senior = agent("senior", { skills: [{ skill: "billing", proficiency: 5 }] });
const junior = agent("junior", { skills: [{ skill: "billing", proficiency: 2 }] });

describe("offers", () => {
  it("time out, set the silent agent away and move on to the next best agent", () => {
    const d = desk({ queues: [billing()], agents: [senior, junior] });
    const first = onlyOffer(d.arrive(task("c1", T0, { complexity: 0.9, required_skills: [{ skill: "billing", min_proficiency: 2 }] }), "billing", T0));
    expect(first).toMatchObject({ agent_id: "senior", expires_at: T0 + 20 * S });
    expect(d.tick(T0 + 19_999)).toEqual([{ type: "timer", at: T0 + 20 * S }]);

    const fx = d.tick(T0 + 20 * S);
    expect(ofType(fx, "offer_expired")).toEqual([{ type: "offer_expired", offer_id: first.offer_id, conversation_id: "c1", agent_id: "senior" }]);
    expect(ofType(fx, "agent_status")).toEqual([{ type: "agent_status", agent_id: "senior", status: "away", reason: "missed_offer" }]);
    const second = onlyOffer(fx);
    expect(second.agent_id).toBe("junior");
    expect(ofType(d.accept(second.offer_id, "junior", T0 + 25 * S), "assigned")).toMatchObject([{ conversation_id: "c1", agent_id: "junior", waited_ms: 25 * S }]);
  });

  it("move on after a rejection and return to the rejecting agent only after the re-offer delay", () => {
    const d = desk({ settings: { reoffer_after_s: 120 }, queues: [billing()], agents: [senior, junior] });
    const first = onlyOffer(d.arrive(task("c1", T0, { complexity: 0.9 }), "billing", T0));
    const second = onlyOffer(d.reject(first.offer_id, "senior", T0 + S));
    expect(second.agent_id).toBe("junior");
    const fx = d.reject(second.offer_id, "junior", T0 + 2 * S);
    expect(ofType(fx, "offer")).toEqual([]);
    expect(ofType(fx, "timer")).toEqual([{ type: "timer", at: T0 + 48 * S }]);
    expect(d.waitReason("c1", T0 + 2 * S)).toBe("declined_by_all");
    expect(ofType(d.tick(T0 + 120 * S), "offer")).toEqual([]);
    expect(onlyOffer(d.tick(T0 + 121 * S)).agent_id).toBe("senior");
  });

  it("refuse late, foreign and repeated answers", () => {
    const d = desk({ queues: [billing()], agents: [senior, junior] });
    const offer = onlyOffer(d.arrive(task("c1", T0, { complexity: 0.9 }), "billing", T0));
    expect(ofType(d.accept(offer.offer_id, "junior", T0 + S), "invalid")).toEqual([{ type: "invalid", action: "accept", reason: "not_your_offer" }]);
    const late = d.accept(offer.offer_id, "senior", T0 + 20 * S);
    expect(ofType(late, "invalid")).toEqual([{ type: "invalid", action: "accept", reason: "offer_expired" }]);
    expect(ofType(late, "offer_expired")).toHaveLength(1);
    const next = onlyOffer(late);
    expect(ofType(d.accept(next.offer_id, "junior", T0 + 21 * S), "assigned")).toHaveLength(1);
    expect(ofType(d.accept(next.offer_id, "junior", T0 + 21 * S), "invalid")).toEqual([{ type: "invalid", action: "accept", reason: "unknown_offer" }]);
  });

  it("are withdrawn when the customer leaves first", () => {
    const d = desk({ queues: [billing()], agents: [senior] });
    const offer = onlyOffer(d.arrive(task("c1", T0), "billing", T0));
    const fx = d.abandon("c1", T0 + 5 * S);
    expect(ofType(fx, "offer_revoked")).toMatchObject([{ offer_id: offer.offer_id, reason: "abandoned" }]);
    expect(ofType(fx, "abandoned")).toEqual([{ type: "abandoned", conversation_id: "c1", queue_id: "billing", waited_ms: 5 * S }]);
    expect(ofType(d.accept(offer.offer_id, "senior", T0 + 6 * S), "invalid")).toHaveLength(1);
    expect(d.state.agents.senior!.load.chat).toBe(0);
  });

  it("use the configured timeout", () => {
    const d = desk({ settings: { offer_timeout_s: 45 }, queues: [billing()], agents: [senior] });
    expect(onlyOffer(d.arrive(task("c1", T0), "billing", T0)).expires_at).toBe(T0 + 45 * S);
  });

  it("respect capacity per channel class under the per-channel model", () => {
    const solo = agent("solo", { skills: [{ skill: "billing", proficiency: 3 }], capacity: { voice: 1, chat: 2, email: 0 } });
    const d = desk({ settings: { capacity_model: "per_channel", blocks: { voice: [], chat: [], email: [] } }, queues: [billing()], agents: [solo] });
    expect(ofType(d.arrive(task("v1", T0, { channel: "voice" }), "billing", T0), "offer")).toHaveLength(1);
    expect(ofType(d.arrive(task("v2", T0, { channel: "voice" }), "billing", T0), "offer")).toHaveLength(0);
    expect(ofType(d.arrive(task("w1", T0, { channel: "whatsapp" }), "billing", T0), "offer")).toHaveLength(1);
    expect(ofType(d.arrive(task("w2", T0, { channel: "web" }), "billing", T0), "offer")).toHaveLength(1);
    expect(ofType(d.arrive(task("w3", T0, { channel: "web" }), "billing", T0), "offer")).toHaveLength(0);
    expect(ofType(d.arrive(task("e1", T0, { channel: "email" }), "billing", T0), "offer")).toHaveLength(0);
    expect(d.state.agents.solo!.load).toEqual({ voice: 1, chat: 2, email: 0 });
  });
});

describe("overflow", () => {
  it("moves to the next target when the current one times out", () => {
    const tier2 = agent("tier2", { teams: ["t2"], capacity: { voice: 1, chat: 1, email: 1 } });
    const other = agent("other");
    const q = queue("support", { targets: [{ kind: "team", value: "t2", timeout_s: 30 }, { kind: "any" }] });
    const d = desk({ queues: [q], agents: [tier2, other] });
    const busy = onlyOffer(d.arrive(task("c0", T0), "support", T0));
    expect(busy.agent_id).toBe("tier2");
    d.accept(busy.offer_id, "tier2", T0);

    const fx = d.arrive(task("c1", T0), "support", T0);
    expect(ofType(fx, "offer")).toEqual([]);
    expect(ofType(fx, "timer")).toEqual([{ type: "timer", at: T0 + 30 * S }]);
    expect(ofType(d.tick(T0 + 29 * S), "overflow")).toEqual([]);
    const later = d.tick(T0 + 30 * S);
    expect(ofType(later, "overflow")).toEqual([{ type: "overflow", conversation_id: "c1", queue_id: "support", from: 0, to: 1, reason: "timeout" }]);
    expect(onlyOffer(later).agent_id).toBe("other");
  });

  it("skips a target nobody in it is at work for", () => {
    const q = queue("support", { targets: [{ kind: "team", value: "nights", timeout_s: 300 }, { kind: "any" }] });
    const d = desk({ queues: [q], agents: [agent("day")] });
    const fx = d.arrive(task("c1", T0), "support", T0);
    expect(ofType(fx, "overflow")).toMatchObject([{ from: 0, to: 1, reason: "no_staffed_agent" }]);
    expect(onlyOffer(fx).agent_id).toBe("day");
  });

  it("relaxes proficiency before giving up on skills", () => {
    const q = queue("billing", {
      targets: [{ kind: "skills", timeout_s: 20 }, { kind: "skills", relax_to: 1, timeout_s: 40 }, { kind: "any" }],
    });
    const d = desk({ queues: [q], agents: [junior, agent("generalist")] });
    const c1 = task("c1", T0, { required_skills: [{ skill: "billing", min_proficiency: 4 }] });
    // Nobody qualified is at work, so the strict target is skipped at once: the junior gets it, the generalist does not.
    const fx = d.arrive(c1, "billing", T0);
    expect(ofType(fx, "overflow")).toMatchObject([{ from: 0, to: 1, reason: "no_staffed_agent" }]);
    expect(onlyOffer(fx).agent_id).toBe("junior");
  });
});

describe("business hours", () => {
  const q = billing({ calendar_id: "office", out_of_hours_message: "We open at 9.", sla_first_response_s: 120 });
  const saturday = Date.UTC(2025, 0, 18, 12, 0);
  const monday9 = Date.UTC(2025, 0, 20, 8, 0);

  it("answer out of hours, hold the conversation and offer it when the calendar opens", () => {
    const d = desk({ queues: [q], calendars: [calendar()], agents: [senior] });
    const fx = d.arrive(task("c1", saturday), "billing", saturday);
    expect(ofType(fx, "out_of_hours")).toEqual([{ type: "out_of_hours", conversation_id: "c1", queue_id: "billing", message: "We open at 9.", opens_at: monday9 }]);
    expect(ofType(fx, "offer")).toEqual([]);
    expect(ofType(fx, "timer")).toEqual([{ type: "timer", at: monday9 }]);
    expect(d.waitReason("c1", saturday)).toBe("out_of_hours");
    expect(d.state.waiting.c1!.sla_due).toBe(monday9 + 120 * S);
    expect(onlyOffer(d.tick(monday9)).agent_id).toBe("senior");
  });

  it("do not hold conversations inside hours", () => {
    const d = desk({ queues: [q], calendars: [calendar()], agents: [senior] });
    const fx = d.arrive(task("c1", T0), "billing", T0);
    expect(ofType(fx, "out_of_hours")).toEqual([]);
    expect(ofType(fx, "offer")).toHaveLength(1);
  });
});

describe("sticky routing", () => {
  const q = billing({ sticky: true, sticky_timeout_s: 30 });
  const returning = (at: number) => task("c1", at, { complexity: 0.9, last_agent_id: "junior" });

  it("offers a returning customer to their last agent when available", () => {
    const d = desk({ queues: [q], agents: [senior, junior] });
    const offer = onlyOffer(d.arrive(returning(T0), "billing", T0));
    expect(offer.agent_id).toBe("junior");
    expect(offer.breakdown.target).toEqual({ index: 0, kind: "agents" });
  });

  it("goes straight to the queue's targets when the last agent is not at work", () => {
    const away = { ...junior, status: "away" as const };
    const d = desk({ queues: [q], agents: [senior, away] });
    expect(onlyOffer(d.arrive(returning(T0), "billing", T0)).agent_id).toBe("senior");
  });

  it("waits up to the sticky timeout when the last agent is at work but full", () => {
    const full = { ...junior, capacity: { voice: 1, chat: 1, email: 1 } };
    const d = desk({ queues: [q], agents: [senior, full] });
    d.accept(onlyOffer(d.arrive(task("c0", T0, { last_agent_id: "junior" }), "billing", T0)).offer_id, "junior", T0);
    expect(ofType(d.arrive(returning(T0), "billing", T0), "offer")).toEqual([]);
    expect(onlyOffer(d.tick(T0 + 30 * S)).agent_id).toBe("senior");
  });

  it("prefers the last agent through affinity even when the queue is not sticky", () => {
    const twin = agent("twin", { skills: [{ skill: "billing", proficiency: 2 }] });
    const d = desk({ queues: [billing()], agents: [junior, twin] });
    expect(onlyOffer(d.arrive(task("c1", T0, { last_agent_id: "twin" }), "billing", T0)).agent_id).toBe("twin");
  });
});

describe("SLA", () => {
  it("warns at 80 %, then escalates at the breach: priority bump and a supervisor alert, the target kept", () => {
    const q = queue("support", { sla_first_response_s: 100, targets: [{ kind: "team", value: "t1", timeout_s: 600 }, { kind: "any" }] });
    const inTeam = agent("a", { teams: ["t1"], capacity: { voice: 1, chat: 1, email: 1 } });
    const outside = agent("b", { status: "busy", capacity: { voice: 1, chat: 1, email: 1 } });
    const d = desk({ queues: [q], agents: [inTeam, outside] });
    d.accept(onlyOffer(d.arrive(task("c0", T0), "support", T0)).offer_id, "a", T0);
    expect(ofType(d.arrive(task("c1", T0), "support", T0), "timer")).toEqual([{ type: "timer", at: T0 + 80 * S }]);
    expect(ofType(d.tick(T0 + 80 * S), "sla_warning")).toEqual([{ type: "sla_warning", conversation_id: "c1", queue_id: "support", due_at: T0 + 100 * S }]);

    const fx = d.tick(T0 + 100 * S);
    expect(ofType(fx, "sla_breach")).toEqual([{ type: "sla_breach", conversation_id: "c1", queue_id: "support", due_at: T0 + 100 * S, priority: 1 }]);
    expect(ofType(fx, "supervisor_alert")).toEqual([{ type: "supervisor_alert", conversation_id: "c1", queue_id: "support", reason: "sla_breach" }]);
    expect(ofType(fx, "overflow")).toEqual([]);
    expect(d.state.waiting.c1!.target).toBe(0);
    expect(ofType(d.tick(T0 + 600 * S), "overflow")).toMatchObject([{ from: 0, to: 1, reason: "timeout" }]);
    // The escalated conversation now outranks a fresh one when "b" comes back.
    d.arrive(task("c2", T0 + 600 * S, { customer_value: 1, complexity: 1 }), "support", T0 + 600 * S);
    expect(onlyOffer(d.agentStatus("b", "available", T0 + 601 * S)).conversation_id).toBe("c1");
  });
});

describe("queue position", () => {
  it("tells each waiting customer their place and an estimate, and updates them as the line moves", () => {
    const solo = agent("solo", { capacity: { voice: 1, chat: 1, email: 1 } });
    const d = desk({ settings: { policy: "fifo", default_handle_s: { voice: 300, chat: 600, email: 1800 } }, queues: [queue("q", { targets: [{ kind: "any" }] })], agents: [solo] });
    const offer = onlyOffer(d.arrive(task("c0", T0), "q", T0));
    d.accept(offer.offer_id, "solo", T0);
    d.arrive(task("c1", T0 + S), "q", T0 + S);
    const fx = d.arrive(task("c2", T0 + 2 * S), "q", T0 + 2 * S);
    expect(ofType(fx, "queue_position")).toEqual([{ type: "queue_position", conversation_id: "c2", queue_id: "q", position: 2, estimated_wait_s: 1200 }]);
    expect(d.state.waiting.c1).toMatchObject({ position: 1, estimate_s: 600 });

    // c0 took 200 s: c1 is offered the slot, c2 moves up and the estimate follows the observed handle time.
    const moved = d.resolve("c0", T0 + 200 * S);
    expect(onlyOffer(moved).conversation_id).toBe("c1");
    expect(ofType(moved, "queue_position")).toEqual([{ type: "queue_position", conversation_id: "c2", queue_id: "q", position: 1, estimated_wait_s: 200 }]);
  });
});

describe("transfers", () => {
  it("hand an assigned conversation to a named agent with its note and context, outside the SLA", () => {
    const d = desk({ queues: [billing()], agents: [senior, junior] });
    const c1 = task("c1", T0, { complexity: 0.1, customer_value: 0.7, attributes: { order: "A-1" } });
    const offer = onlyOffer(d.arrive(c1, "billing", T0));
    expect(offer.agent_id).toBe("senior");
    d.accept(offer.offer_id, "senior", T0 + S);

    const fx = d.transfer("c1", { kind: "agent", agent_id: "junior" }, "a follow-up for the account owner", T0 + 60 * S);
    expect(ofType(fx, "transferred")).toEqual([
      { type: "transferred", conversation_id: "c1", from_agent_id: "senior", to: { kind: "agent", agent_id: "junior" }, note: "a follow-up for the account owner" },
    ]);
    expect(onlyOffer(fx).agent_id).toBe("junior");
    expect(d.state.waiting.c1!.sla_due).toBeNull();
    const assigned = ofType(d.accept(onlyOffer(fx).offer_id, "junior", T0 + 61 * S), "assigned")[0]!;
    expect(assigned.transfers).toBe(1);
    expect(assigned.notes).toEqual([{ at: T0 + 60 * S, from_agent_id: "senior", to: { kind: "agent", agent_id: "junior" }, note: "a follow-up for the account owner" }]);
    expect(d.state.assignments.c1!.task.attributes).toEqual({ order: "A-1" });
    expect(d.state.agents.senior!.load.chat).toBe(0);
  });

  it("move a conversation to another queue, and refuse unknown destinations", () => {
    const d = desk({ queues: [billing(), queue("sales", { targets: [{ kind: "any" }] })], agents: [{ ...senior, status: "away" }, agent("seller")] });
    expect(ofType(d.arrive(task("c1", T0), "billing", T0), "offer")).toEqual([]);
    const fx = d.transfer("c1", { kind: "queue", queue_id: "sales" }, "actually a sales question", T0 + S);
    expect(onlyOffer(fx)).toMatchObject({ agent_id: "seller", queue_id: "sales" });
    expect(ofType(d.transfer("c1", { kind: "queue", queue_id: "nope" }, "", T0 + S), "invalid")).toEqual([{ type: "invalid", action: "transfer", reason: "unknown_queue" }]);
  });
});

describe("presence", () => {
  it("revokes offers on disconnect and sets the agent away after the grace period unless they reconnect", () => {
    const d = desk({ settings: { disconnect_grace_s: 30 }, queues: [billing()], agents: [senior, junior] });
    const offer = onlyOffer(d.arrive(task("c1", T0, { complexity: 0.9 }), "billing", T0));
    const fx = d.disconnect("senior", T0 + S);
    expect(ofType(fx, "offer_revoked")).toMatchObject([{ offer_id: offer.offer_id, reason: "agent_unavailable" }]);
    const rerouted = onlyOffer(fx);
    expect(rerouted.agent_id).toBe("junior");
    expect(ofType(fx, "timer")).toEqual([{ type: "timer", at: T0 + S + 20 * S }]);
    d.accept(rerouted.offer_id, "junior", T0 + 2 * S);
    expect(ofType(d.tick(T0 + 31 * S), "agent_status")).toEqual([{ type: "agent_status", agent_id: "senior", status: "away", reason: "disconnected" }]);

    d.disconnect("junior", T0 + 40 * S);
    d.connect("junior", T0 + 50 * S);
    expect(ofType(d.tick(T0 + 80 * S), "agent_status")).toEqual([]);
    expect(d.state.agents.junior!.status).toBe("available");
  });

  it("returns an agent's conversations to their queue when the agent is removed", () => {
    const d = desk({ queues: [billing()], agents: [senior, junior] });
    const offer = onlyOffer(d.arrive(task("c1", T0, { complexity: 0.1 }), "billing", T0));
    d.accept(offer.offer_id, offer.agent_id, T0);
    const fx = d.removeAgent(offer.agent_id, T0 + S);
    expect(ofType(fx, "transferred")).toMatchObject([{ conversation_id: "c1", note: "agent removed" }]);
    expect(onlyOffer(fx).agent_id).not.toBe(offer.agent_id);
  });
});
