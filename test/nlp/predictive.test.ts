import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BEHAVIOUR_INTENTS, generateSessions } from "../../bench/lib/behaviour-sessions";
import { BehaviourEvent, BehaviourEvents, MAX_BEHAVIOUR_EVENTS, behaviourFeatures, urlTokens } from "../../shared/nlp/behaviour";
import { evaluatePredictive, majorityBaseline, predictIntent, trainPredictive, type LabelledSession } from "../../shared/nlp/predictive";
import { BEHAVIOUR_TEST_SET } from "./data/behaviour.test-set";

// Training and evaluation sessions come from different seeds: no session is in both.
const TRAIN = generateSessions(101, 3000);
const TEST = generateSessions(202, 2000);
const model = trainPredictive(TRAIN);

describe("predictive intent: accuracy", () => {
  it("ranks the true intent first far more often than the majority baseline, and within the top 3 almost always", () => {
    const e = evaluatePredictive(model, TEST);
    expect(e.majority).toBeGreaterThan(0.15);
    expect(e.top1).toBeGreaterThanOrEqual(e.majority + 0.35);
    expect(e.top3).toBeGreaterThanOrEqual(0.85);
    // Not trivially separable: the generator's misleading sessions keep top-1 well below 100 %.
    expect(e.top1).toBeLessThan(0.9);
  });

  it("is more often right when it commits (intent not null) than over all sessions", () => {
    const e = evaluatePredictive(model, TEST);
    expect(e.coverage).toBeGreaterThan(0.6);
    expect(e.precision).toBeGreaterThan(e.top1);
  });

  it("learns from a couple of hundred sessions already", () => {
    const small = trainPredictive(generateSessions(303, 200));
    const e = evaluatePredictive(small, TEST);
    expect(e.top1).toBeGreaterThanOrEqual(e.majority + 0.25);
    expect(e.top3).toBeGreaterThanOrEqual(0.75);
  });

  it("carries over to a storefront with URLs the generator never produces (handwritten held-out sessions)", () => {
    const e = evaluatePredictive(model, BEHAVIOUR_TEST_SET);
    expect(e.top1).toBeGreaterThanOrEqual(0.6);
    expect(e.top3).toBeGreaterThanOrEqual(0.85);
  });

  it("handles tenant intents with arbitrary ids, including names of Object.prototype", () => {
    const intents = [...BEHAVIOUR_INTENTS.map(([i]) => i), "Gift-Card.Balance", "constructor", "__proto__", "保修"];
    const m = trainPredictive(generateSessions(404, 3000, intents));
    expect([...m.intents].sort()).toEqual([...intents].sort());
    const e = evaluatePredictive(m, generateSessions(505, 2000, intents));
    expect(e.top1).toBeGreaterThanOrEqual(e.majority + 0.35);
    const proto = generateSessions(606, 400, intents).filter((s) => s.intent === "__proto__");
    expect(proto.length).toBeGreaterThan(5);
    expect(proto.filter((s) => predictIntent(m, s.events).top[0]?.intent === "__proto__").length / proto.length).toBeGreaterThan(0.5);
  });

  it("weighs later events more: the same events in the other order point the other way", () => {
    const order: BehaviourEvent[] = [
      { type: "order_page" },
      { type: "order_page", order_id: "4711" },
      { type: "order_page", order_id: "4711" },
    ];
    const payment: BehaviourEvent[] = [{ type: "checkout_start" }, { type: "checkout_error", code: "card_declined" }];
    const p = (events: BehaviourEvent[], intent: string) => predictIntent(model, events).top.find((t) => t.intent === intent)?.p ?? 0;
    expect(p([...order, ...payment], "payment_issue")).toBeGreaterThan(p([...payment, ...order], "payment_issue"));
    expect(p([...payment, ...order], "order_status")).toBeGreaterThan(p([...order, ...payment], "order_status"));
  });
});

describe("predictive intent: model and inputs", () => {
  it("gives the same predictions after a JSON round trip", () => {
    const restored = JSON.parse(JSON.stringify(model)) as typeof model;
    for (const s of TEST.slice(0, 300)) expect(predictIntent(restored, s.events)).toEqual(predictIntent(model, s.events));
  });

  it("trains deterministically", () => {
    const sessions = TRAIN.slice(0, 500);
    expect(JSON.stringify(trainPredictive(sessions))).toBe(JSON.stringify(trainPredictive(sessions)));
  });

  it("ignores what it never saw: two sessions differing only in unseen tokens get the same prediction", () => {
    const base: BehaviourEvent[] = [{ type: "order_page", order_id: "1" }];
    const a = predictIntent(model, [...base, { type: "page_view", url: "/zqxv/wwkq?ppl=yyz", title: "Qwzx vvbn", category: "Xqqz" }]);
    const b = predictIntent(model, [...base, { type: "page_view", url: "/jjhq/kkvb?rrt=mmn", title: "Plok zzui", category: "Vvqe" }]);
    expect(a).toEqual(b);
    expect(a.top.reduce((s, t) => s + t.p, 0)).toBeLessThanOrEqual(1.001);
  });

  it("with no events: no intent, the class prior as `top`", () => {
    const p = predictIntent(model, []);
    expect(p.intent).toBeNull();
    expect(p.top.map((t) => t.intent)).toEqual(model.intents.slice(0, 3));
    expect(majorityBaseline(TRAIN)).toBe(model.intents[0]);
  });

  it("a model trained on nothing predicts nothing; one intent is always that intent", () => {
    expect(predictIntent(trainPredictive([]), TEST[0]!.events)).toEqual({ intent: null, confidence: 0, top: [] });
    expect(majorityBaseline([])).toBeNull();
    const only = trainPredictive(TRAIN.slice(0, 30).map((s) => ({ ...s, intent: "refund" })));
    expect(predictIntent(only, TEST[0]!.events)).toMatchObject({ intent: "refund", confidence: 1 });
  });

  it("trains on the last maxSessions sessions", () => {
    const m = trainPredictive(TRAIN, { maxSessions: 100 });
    expect(m.counts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(m).toEqual(trainPredictive(TRAIN.slice(-100)));
  });

  it("trains on thousands of sessions and stays a modest JSON document", () => {
    const big = trainPredictive(generateSessions(707, 5000));
    expect(big.counts.reduce((a, b) => a + b, 0)).toBe(5000);
    expect(JSON.stringify(big).length).toBeLessThan(200_000);
  });

  it("reads only the last MAX_BEHAVIOUR_EVENTS events", () => {
    const long = generateSessions(808, 400).flatMap((s) => s.events).slice(0, 80) as BehaviourEvent[];
    expect(behaviourFeatures(long)).toEqual(behaviourFeatures(long.slice(-MAX_BEHAVIOUR_EVENTS)));
  });

  it("tokenises URLs: host and fragment dropped, digits to #, query words kept", () => {
    expect(urlTokens("https://shop.example.com/account/orders/12345?tab=tracking#top")).toEqual({
      tokens: ["account", "orders", "#", "tab", "tracking"],
      shape: "account/orders",
    });
    expect(urlTokens("/help/reset-password")).toEqual({ tokens: ["help", "reset", "password"], shape: "help/reset-password" });
    expect(urlTokens("/search?q=%E0%A4%A").tokens).toContain("search");
  });
});

describe("behaviour events schema", () => {
  const valid: BehaviourEvent[] = [
    { type: "page_view", url: "https://shop.example.com/", category: "home", title: "Home", at: 1_760_000_000_000 },
    { type: "product_view", product_id: "SKU-1", category: "shoes", price: 49.9 },
    { type: "cart", action: "add", product_id: "SKU-1" },
    { type: "cart", action: "remove" },
    { type: "checkout_start" },
    { type: "checkout_error", code: "card_declined", message: "Declined" },
    { type: "order_page", order_id: "A1" },
    { type: "help_page", url: "/help/returns", topic: "returns" },
  ];

  it("accepts every event kind", () => {
    for (const e of valid) expect(BehaviourEvent.safeParse(e).success).toBe(true);
    expect(BehaviourEvents.safeParse(valid).success).toBe(true);
  });

  it("rejects unknown types, extra keys, oversize strings, bad values and more than 50 events", () => {
    const bad: unknown[] = [
      { type: "scroll", depth: 3 },
      { type: "checkout_start", extra: 1 },
      { type: "page_view", url: "/", referrer: "x" },
      { type: "page_view", url: "/" + "a".repeat(2048) },
      { type: "page_view", url: "" },
      { type: "product_view", product_id: "x".repeat(201) },
      { type: "help_page", url: "/help", topic: "t".repeat(201) },
      { type: "cart", action: "empty" },
      { type: "order_page", at: -1 },
      { type: "product_view", product_id: "1", price: Number.POSITIVE_INFINITY },
      { type: "page_view" },
    ];
    for (const e of bad) expect(BehaviourEvent.safeParse(e).success).toBe(false);
    expect(BehaviourEvent.safeParse({ type: "page_view", url: "/" + "a".repeat(2047) }).success).toBe(true);
    expect(BehaviourEvents.safeParse(Array.from({ length: 50 }, () => valid[4])).success).toBe(true);
    expect(BehaviourEvents.safeParse(Array.from({ length: 51 }, () => valid[4])).success).toBe(false);
  });
});

describe("predictive intent: robustness", () => {
  const text = (max: number) => fc.string({ maxLength: max, unit: fc.oneof(fc.constantFrom("/", "-", "_", "?", "%", "#", "=", "1", "7", "订", "单"), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })) });
  const at = fc.option(fc.double({ min: 0, max: 4e12, noNaN: true }), { nil: undefined });
  const event: fc.Arbitrary<BehaviourEvent> = fc.oneof(
    fc.record({ type: fc.constant("page_view" as const), url: text(300).map((u) => u || "/"), category: fc.option(text(50), { nil: undefined }), title: fc.option(text(80), { nil: undefined }), at }),
    fc.record({ type: fc.constant("product_view" as const), product_id: text(30), category: fc.option(text(50), { nil: undefined }), price: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }), at }),
    fc.record({ type: fc.constant("cart" as const), action: fc.constantFrom("add" as const, "remove" as const), product_id: fc.option(text(30), { nil: undefined }), at }),
    fc.record({ type: fc.constant("checkout_start" as const), at }),
    fc.record({ type: fc.constant("checkout_error" as const), code: fc.option(text(40), { nil: undefined }), message: fc.option(text(120), { nil: undefined }), at }),
    fc.record({ type: fc.constant("order_page" as const), order_id: fc.option(text(30), { nil: undefined }), at }),
    fc.record({ type: fc.constant("help_page" as const), url: text(300).map((u) => u || "/"), topic: fc.option(text(50), { nil: undefined }), at }),
  );

  it("never throws, and returns a proper distribution, for any valid events", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const p = predictIntent(model, events);
        expect(p.confidence).toBeGreaterThanOrEqual(0);
        expect(p.confidence).toBeLessThanOrEqual(1);
        expect(p.top.length).toBe(3);
        for (const t of p.top) expect(Number.isFinite(t.p)).toBe(true);
        for (const v of behaviourFeatures(events).values()) expect(Number.isFinite(v)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("trains on any labelled sessions without throwing", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ events: fc.array(event, { maxLength: 12 }), intent: fc.string({ maxLength: 12 }) }), { maxLength: 40 }), (sessions: LabelledSession[]) => {
        const m = trainPredictive(sessions);
        const p = predictIntent(m, sessions[0]?.events ?? []);
        expect(Number.isFinite(p.confidence)).toBe(true);
        expect(JSON.stringify(m)).not.toContain("null");
      }),
      { numRuns: 60 },
    );
  });
});
