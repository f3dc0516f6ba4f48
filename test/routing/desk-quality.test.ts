import { describe, expect, it } from "vitest";
import { agent, desk, ofType, onlyOffer, queue, S, T0, task } from "./fixtures";
import { observeQueue } from "../../shared/routing/desk-estimates";

/** The routing-quality rules, one at a time: shared budget, blocking, shifts, requirements, strategy, tiers, scarce pools. */

const anyone = (over = {}) => queue("q", { targets: [{ kind: "any" }], ...over });
const offersTo = (fx: Parameters<typeof ofType>[0]) => ofType(fx, "offer").map((o) => `${o.conversation_id}>${o.agent_id}`);

describe("one capacity budget across media", () => {
  it("lets a mix fill the agent but never exceed it: two chats and an e-mail fit, a call does not", () => {
    const a = agent("a", { capacity: { voice: 1, chat: 3, email: 5 } });
    const d = desk({ queues: [anyone()], agents: [a] });
    expect(offersTo(d.arrive(task("c1", T0), "q", T0))).toEqual(["c1>a"]);
    expect(offersTo(d.arrive(task("c2", T0), "q", T0))).toEqual(["c2>a"]);
    expect(offersTo(d.arrive(task("e1", T0, { channel: "email" }), "q", T0))).toEqual(["e1>a"]);
    // 2/3 + 1/5 used: neither a call (1), a third chat (1/3) nor a second e-mail (1/5) fits.
    expect(offersTo(d.arrive(task("v1", T0, { channel: "voice" }), "q", T0))).toEqual([]);
    expect(offersTo(d.arrive(task("c3", T0), "q", T0))).toEqual([]);
    expect(offersTo(d.arrive(task("e2", T0, { channel: "email" }), "q", T0))).toEqual([]);
    // The first chat ends: 1/3 is free again, which the oldest waiting contact that fits takes.
    d.accept(Object.values(d.state.offers).find((o) => o.conversation_id === "c1")!.offer_id, "a", T0 + S);
    expect(offersTo(d.resolve("c1", T0 + 2 * S))).toEqual(["c3>a"]);
  });

  it("blocks new chats during a call even when a tenant's costs would let them fit", () => {
    const a = agent("a", { capacity: { voice: 2, chat: 4, email: 5 } });
    const d = desk({ queues: [anyone()], agents: [a] });
    expect(offersTo(d.arrive(task("v1", T0, { channel: "voice" }), "q", T0))).toEqual(["v1>a"]);
    expect(offersTo(d.arrive(task("c1", T0), "q", T0))).toEqual([]);
    expect(offersTo(d.arrive(task("e1", T0, { channel: "email" }), "q", T0))).toEqual(["e1>a"]);
  });

  it("keeps whole agents free for calls by packing chats (pack), or spreads them (spread)", () => {
    for (const [strategy, expected] of [["pack", ["c1>a", "c2>a", "v1>b"]], ["spread", ["c1>a", "c2>b", null]]] as const) {
      const d = desk({ queues: [anyone({ strategy })], agents: [agent("a"), agent("b")] });
      const got = [d.arrive(task("c1", T0), "q", T0), d.arrive(task("c2", T0 + 1), "q", T0 + 1), d.arrive(task("v1", T0 + 2, { channel: "voice" }), "q", T0 + 2)].map(
        (fx) => offersTo(fx)[0] ?? null,
      );
      expect(got, strategy).toEqual(expected);
    }
  });
});

describe("shifts", () => {
  it("gives no new work off shift and offers waiting work when the shift starts", () => {
    const a = agent("a", { shifts: [{ start: T0 + 60 * S, end: T0 + 120 * S }] });
    const d = desk({ queues: [anyone({ sla_first_response_s: 3600 })], agents: [a] });
    const fx = d.arrive(task("c1", T0), "q", T0);
    expect(offersTo(fx)).toEqual([]);
    // The desk's alarm is set for the shift's start.
    expect(ofType(fx, "timer")[0]!.at).toBe(T0 + 60 * S);
    expect(d.waitReason("c1", T0)).toBe("no_staffed_agent");
    expect(offersTo(d.tick(T0 + 60 * S))).toEqual(["c1>a"]);
    // Work in progress finishes after the shift; nothing new is offered.
    d.accept(Object.keys(d.state.offers)[0]!, "a", T0 + 61 * S);
    expect(offersTo(d.arrive(task("c2", T0 + 121 * S), "q", T0 + 121 * S))).toEqual([]);
    expect(d.state.assignments.c1?.agent_id).toBe("a");
  });
});

describe("requirements", () => {
  it("offers a required-language conversation only to agents who speak it; a preferred one to anyone", () => {
    const en = agent("en", { languages: ["en"] });
    const zh = agent("zh", { languages: ["zh"], status: "away" });
    for (const [language, expected] of [["required", []], ["preferred", ["c1>en"]]] as const) {
      const d = desk({ queues: [anyone({ language })], agents: [en, zh] });
      expect(offersTo(d.arrive(task("c1", T0, { language: "zh-CN" }), "q", T0)), language).toEqual(expected);
    }
  });

  it("bars agents without a required skill but only scores a preferred one", () => {
    const has = agent("has", { skills: [{ skill: "vip", proficiency: 5 }], status: "away" });
    const lacks = agent("lacks");
    for (const [mode, expected] of [["required", []], ["preferred", ["c1>lacks"]]] as const) {
      const d = desk({ queues: [queue("q", { required_skills: [{ skill: "vip", mode }], targets: [{ kind: "skills" }] })], agents: [has, lacks] });
      expect(offersTo(d.arrive(task("c1", T0), "q", T0)), mode).toEqual(expected);
    }
  });
});

describe("tier priority with ageing", () => {
  it("serves a platinum newcomer before a standard contact, but not before one that has waited longer than the head start", () => {
    const run = (standardWaitedS: number) => {
      const d = desk({ queues: [anyone()], agents: [agent("a", { status: "away" })] });
      d.arrive(task("std", T0, { tier: "standard" }), "q", T0);
      const t = T0 + standardWaitedS * S;
      d.arrive(task("plat", t, { tier: "platinum" }), "q", t);
      return offersTo(d.agentStatus("a", "available", t))[0];
    };
    expect(run(30)).toBe("plat>a");
    expect(run(600)).toBe("std>a");
  });
});

describe("scarce pools", () => {
  const general = queue("general", { targets: [{ kind: "any" }] });
  const vipQueue = queue("vip", { required_skills: [{ skill: "vip" }], targets: [{ kind: "skills" }] });
  const staff = () => [agent("v", { skills: [{ skill: "vip", proficiency: 4 }] }), ...["g1", "g2", "g3", "g4"].map((id) => agent(id, { status: "away" }))];

  it("keeps a scarce agent off general work while the pool has work waiting", () => {
    const d = desk({ queues: [general, vipQueue], agents: staff() });
    d.agentStatus("v", "away", T0);
    d.arrive(task("vip1", T0, { channel: "voice" }), "vip", T0);
    d.arrive(task("gen1", T0, { channel: "voice", tier: "platinum" }), "general", T0);
    // The general call ranks first (platinum head start), yet the VIP agent takes the VIP call.
    expect(offersTo(d.agentStatus("v", "available", T0 + S))).toEqual(["vip1>v"]);
  });

  it("while pool work is only forecast, lets the scarce agent take general work only with room left for the pool's next contact", () => {
    const d = desk({ queues: [general, vipQueue], agents: staff() });
    const fx = d.arrive(task("vip1", T0), "vip", T0);
    d.accept(onlyOffer(fx).offer_id, "v", T0 + S);
    d.resolve("vip1", T0 + 10 * S);
    // A VIP chat arrived 10 s ago: the agent keeps a chat's room. Two general chats leave 1/3 free; a third would not.
    expect(offersTo(d.arrive(task("gen1", T0 + 11 * S), "general", T0 + 11 * S))).toEqual(["gen1>v"]);
    expect(offersTo(d.arrive(task("gen2", T0 + 12 * S), "general", T0 + 12 * S))).toEqual(["gen2>v"]);
    expect(offersTo(d.arrive(task("gen3", T0 + 13 * S), "general", T0 + 13 * S))).toEqual([]);
    // Once the forecast window has passed, nothing is held back (offers to a silent agent expired meanwhile).
    for (const o of Object.values(d.state.offers)) d.accept(o.offer_id, "v", T0 + 14 * S);
    expect(offersTo(d.tick(T0 + 400 * S))).toEqual(["gen3>v"]);
  });

  it("keeps room for a forecast only in the last ready holder: one of two scarce agents may take general work", () => {
    const pair = [1, 2].map((i) => agent(`v${i}`, { skills: [{ skill: "vip", proficiency: 4 }], capacity: { voice: 1, chat: 1, email: 1 } }));
    const d = desk({ queues: [general, vipQueue], agents: [...pair, ...["g1", "g2", "g3", "g4", "g5", "g6"].map((id) => agent(id, { status: "away" }))] });
    d.accept(onlyOffer(d.arrive(task("vip1", T0), "vip", T0)).offer_id, "v1", T0);
    d.resolve("vip1", T0 + 10 * S);
    const first = offersTo(d.arrive(task("gen1", T0 + 11 * S), "general", T0 + 11 * S));
    expect(first).toHaveLength(1);
    expect(offersTo(d.arrive(task("gen2", T0 + 12 * S), "general", T0 + 12 * S))).toEqual([]);
    // The holder kept free takes the pool's next contact at once.
    const keeper = first[0] === "gen1>v1" ? "v2" : "v1";
    expect(offersTo(d.arrive(task("vip2", T0 + 13 * S), "vip", T0 + 13 * S))).toEqual([`vip2>${keeper}`]);
  });
});

describe("expanding targets: early overflow on the expected wait", () => {
  const vipChats = (targets: unknown[], settings = {}) =>
    desk({
      settings,
      queues: [queue("vip", { required_skills: [{ skill: "vip" }], sla_first_response_s: 60, targets: targets as never })],
      agents: [agent("v", { skills: [{ skill: "vip", proficiency: 4 }], capacity: { voice: 1, chat: 1, email: 1 } }), agent("g1"), agent("g2", { status: "away" })],
    });
  const skillsThenAny = [{ kind: "skills", timeout_s: 300 }, { kind: "any" }];

  it("moves a contact on at once when the specialist is minutes away and a colleague is free", () => {
    const d = vipChats(skillsThenAny);
    d.accept(onlyOffer(d.arrive(task("c1", T0), "vip", T0)).offer_id, "v", T0);
    // One VIP slot turning over every 600 s (the default chat handle time): an expected 600 s wait, over 4/3 × 60 s.
    const fx = d.arrive(task("c2", T0 + S), "vip", T0 + S);
    expect(ofType(fx, "overflow")).toEqual([{ type: "overflow", conversation_id: "c2", queue_id: "vip", from: 0, to: 1, reason: "estimated_wait" }]);
    expect(offersTo(fx)).toEqual(["c2>g1"]);
    // The offer's breakdown says why the contact was under the wider target.
    expect(onlyOffer(fx).breakdown.target).toEqual({ index: 1, kind: "any", reason: "estimated_wait" });
  });

  it("moves no more contacts than the next target has free agents", () => {
    const d = vipChats(skillsThenAny);
    d.accept(onlyOffer(d.arrive(task("c1", T0), "vip", T0)).offer_id, "v", T0);
    d.agentStatus("g1", "away", T0);
    d.arrive(task("c2", T0 + S), "vip", T0 + S);
    d.arrive(task("c3", T0 + 2 * S), "vip", T0 + 2 * S);
    const fx = d.agentStatus("g1", "available", T0 + 3 * S);
    expect(ofType(fx, "overflow").map((o) => o.conversation_id)).toEqual(["c2"]);
    expect(offersTo(fx)).toEqual(["c2>g1"]);
    expect(d.state.waiting.c3!.target).toBe(0);
  });

  it("waits when the expected wait is short, when turned off, and in a team or named-agent target", () => {
    const quick = vipChats(skillsThenAny, { default_handle_s: { voice: 300, chat: 30, email: 1800 } });
    quick.accept(onlyOffer(quick.arrive(task("c1", T0), "vip", T0)).offer_id, "v", T0);
    expect(ofType(quick.arrive(task("c2", T0 + S), "vip", T0 + S), "offer")).toEqual([]);

    const off = vipChats(skillsThenAny, { early_overflow_share: 0 });
    off.accept(onlyOffer(off.arrive(task("c1", T0), "vip", T0)).offer_id, "v", T0);
    expect(ofType(off.arrive(task("c2", T0 + S), "vip", T0 + S), "offer")).toEqual([]);

    const named = vipChats([{ kind: "agents", value: ["v"], timeout_s: 300 }, { kind: "any" }]);
    named.accept(onlyOffer(named.arrive(task("c1", T0), "vip", T0)).offer_id, "v", T0);
    expect(ofType(named.arrive(task("c2", T0 + S), "vip", T0 + S), "offer")).toEqual([]);
    expect(ofType(named.tick(T0 + 301 * S), "overflow")).toMatchObject([{ conversation_id: "c2", reason: "timeout" }]);
  });

  it("gives a chat to an agent who takes no calls before one who does, even a better-rated one; a call to whoever is whole", () => {
    const blended = agent("blended", { csat: 5, capacity: { voice: 1, chat: 3, email: 5 } });
    const digital = agent("digital", { csat: 2, capacity: { voice: 0, chat: 3, email: 5 } });
    const d = desk({ queues: [anyone()], agents: [blended, digital] });
    expect(offersTo(d.arrive(task("chat1", T0), "q", T0))).toEqual(["chat1>digital"]);
    expect(offersTo(d.arrive(task("call1", T0, { channel: "voice" }), "q", T0))).toEqual(["call1>blended"]);
    // Under `spread` nothing is kept whole for calls: the better-rated agent gets the chat.
    const s = desk({ queues: [anyone({ strategy: "spread" })], agents: [blended, digital] });
    expect(offersTo(s.arrive(task("chat1", T0), "q", T0))).toEqual(["chat1>blended"]);
  });

  it("offers a widened contact to an agent with its skill before one who would keep a whole agent free", () => {
    const d = desk({
      queues: [queue("billing", { required_skills: [{ skill: "billing" }], targets: [{ kind: "any" }] }), anyone()],
      agents: [agent("g", { status: "away" }), agent("b", { skills: [{ skill: "billing", proficiency: 3 }], status: "away" })],
    });
    d.agentStatus("g", "available", T0);
    d.accept(onlyOffer(d.arrive(task("chat1", T0), "q", T0)).offer_id, "g", T0);
    d.agentStatus("b", "available", T0 + S);
    // Packing alone would pick g (already working): the skill comes first.
    expect(offersTo(d.arrive(task("bill1", T0 + 2 * S), "billing", T0 + 2 * S))).toEqual(["bill1>b"]);
  });
});

describe("estimated waits from observed rates", () => {
  const solo = () =>
    desk({
      settings: { policy: "fifo", default_handle_s: { voice: 300, chat: 600, email: 1800 } },
      queues: [anyone()],
      agents: [agent("solo", { capacity: { voice: 1, chat: 1, email: 1 } })],
    });
  const estimates = (fx: Parameters<typeof ofType>[0]) => Object.fromEntries(ofType(fx, "queue_position").map((p) => [p.conversation_id, p.estimated_wait_s]));

  it("uses Erlang C while nobody gives up, and Erlang A with the patience the queue shows once people do", () => {
    const d = solo();
    d.accept(onlyOffer(d.arrive(task("c0", T0), "q", T0)).offer_id, "solo", T0);
    d.arrive(task("c1", T0), "q", T0);
    expect(estimates(d.arrive(task("c2", T0), "q", T0))).toEqual({ c2: 1200 });
    // Two leave after 100 s each: patience 200 s ÷ 2 abandonments = 100 s.
    d.abandon("c1", T0 + 100 * S);
    d.abandon("c2", T0 + 100 * S);
    d.arrive(task("c3", T0 + 100 * S), "q", T0 + 100 * S);
    const fx = d.arrive(task("c4", T0 + 100 * S), "q", T0 + 100 * S);
    // First in line: 1/μ = 600 s; second: + 1 / (1/600 + 1/100) ≈ 86 s, since the one ahead may give up too.
    expect(estimates(fx)).toEqual({ c4: Math.round(600 + 1 / (1 / 600 + 1 / 100)) });
  });

  it("takes the handle time from recent resolutions", () => {
    const d = solo();
    d.accept(onlyOffer(d.arrive(task("c0", T0), "q", T0)).offer_id, "solo", T0);
    d.resolve("c0", T0 + 60 * S);
    d.accept(onlyOffer(d.arrive(task("c1", T0 + 60 * S), "q", T0 + 60 * S)).offer_id, "solo", T0 + 60 * S);
    expect(estimates(d.arrive(task("c2", T0 + 61 * S), "q", T0 + 61 * S))).toEqual({ c2: 60 });
  });
});

describe("a queue's observed traffic", () => {
  it("counts arrivals over the last hour from the first one seen, and handle times and patience per queue", () => {
    const d = desk({ queues: [anyone()], agents: [agent("solo", { capacity: { voice: 1, chat: 1, email: 1 } })] });
    expect(observeQueue(d.state, "q", T0)).toEqual({ arrivals_per_h: null, aht_s: null, patience_s: null, window_s: 0 });
    // Ten arrivals over ten minutes: 60 an hour, not the sixth of it an hour-long window would say.
    d.accept(onlyOffer(d.arrive(task("c0", T0), "q", T0)).offer_id, "solo", T0);
    for (let i = 1; i < 10; i++) d.arrive(task(`c${i}`, T0 + i * 60 * S), "q", T0 + i * 60 * S);
    const seen = observeQueue(d.state, "q", T0 + 600 * S);
    expect(seen.window_s).toBe(600);
    expect(seen.arrivals_per_h).toBeCloseTo(60, 9);
    d.abandon("c2", T0 + 900 * S);
    d.resolve("c0", T0 + 900 * S);
    const after = observeQueue(d.state, "q", T0 + 900 * S);
    expect(after.aht_s).toBe(900);
    // c0 was answered at once, c2 left after 780 s: 780 s waited over one abandonment.
    expect(after.patience_s).toBe(780);
    // An hour later the arrivals have aged out.
    expect(observeQueue(d.state, "q", T0 + 2 * 3600 * S).arrivals_per_h).toBeNull();
  });
});
