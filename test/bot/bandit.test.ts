import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  BOT_ACTIONS,
  FEATURE_DIM,
  banditFeatures,
  banditStats,
  channelClass,
  chooseAction,
  newBandit,
  rewardFor,
  seededRandom,
  updateBandit,
  type BanditContext,
  type BanditState,
  type BotAction,
  type Outcome,
} from "../../shared/bot/bandit";

/**
 * A simulated customer population with hidden per-context outcome probabilities. The policy never sees these
 * numbers, only rewards from rewardFor on sampled outcomes; the tests compare what it learnt with the argmax of
 * the exact expected reward. The world is deliberately not linear in the policy's features (products of factors,
 * thresholds that are not the feature map's bins).
 */
const INTENTS: [string, number, number][] = [
  // [intent, share of traffic, how well the knowledge base covers it]
  ["order_status", 0.22, 1],
  ["product_question", 0.12, 0.9],
  ["refund", 0.12, 0.7],
  ["account_login", 0.1, 0.95],
  ["return_exchange", 0.1, 0.85],
  ["payment_issue", 0.1, 0.6],
  ["shipping_address", 0.08, 0.85],
  ["cancel_order", 0.06, 0.75],
  ["complaint", 0.06, 0.3],
  ["billing_dispute", 0.04, 0.35],
];
const COVERAGE = new Map(INTENTS.map(([i, , c]) => [i, c]));
const CHANNELS: [string, number][] = [
  ["web", 0.35],
  ["whatsapp", 0.2],
  ["app", 0.12],
  ["messenger", 0.05],
  ["email", 0.13],
  ["voice", 0.1],
  ["api", 0.05],
];
const TIERS: [string, number][] = [
  ["standard", 0.6],
  ["silver", 0.18],
  ["gold", 0.14],
  ["platinum", 0.08],
];

function pick<T>(rand: () => number, items: [T, ...unknown[]][]): T {
  const total = items.reduce((s, it) => s + (it[1] as number), 0);
  let r = rand() * total;
  for (const it of items) {
    r -= it[1] as number;
    if (r < 0) return it[0];
  }
  return items[items.length - 1]![0];
}

function between(rand: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * rand();
}

/**
 * Tenants name their intents as they like, and the policy hashes the names: each simulated tenant gets its own
 * names ("t3.refund"), so a run's result does not hinge on how one fixed set of names happens to collide.
 */
function tenantIntent(name: string, tenant: number): string {
  return tenant === 0 ? name : `t${tenant}.${name}`;
}

function baseIntent(intent: string): string {
  return intent.replace(/^t\d+\./, "");
}

function drawContext(rand: () => number, tenant: number): BanditContext {
  const band = rand();
  const confidence = band < 0.55 ? between(rand, 0.7, 1) : band < 0.8 ? between(rand, 0.4, 0.7) : between(rand, 0.05, 0.4);
  const mood = rand();
  const sentiment = mood < 0.65 ? between(rand, -0.2, 0.2) : mood < 0.85 ? between(rand, -0.9, -0.3) : between(rand, 0.3, 0.9);
  const t = rand();
  const turn = t < 0.55 ? 1 : t < 0.75 ? 2 : t < 0.85 ? 3 : 4 + Math.floor(rand() * 3);
  return { intent: tenantIntent(pick(rand, INTENTS), tenant), confidence, sentiment, channel: pick(rand, CHANNELS), tier: pick(rand, TIERS), turn };
}

type World = {
  answer: { resolve: number; abandon: number };
  clarify: { pick: number; abandon: number };
  handoff: { csatSeen: number; csat: number };
};

function world(ctx: BanditContext): World {
  const negative = ctx.sentiment < -0.25;
  const voice = ctx.channel === "voice";
  const intent = baseIntent(ctx.intent);
  const platinumComplaint = ctx.tier === "platinum" && (intent === "complaint" || intent === "billing_dispute");
  const coverage = COVERAGE.get(intent) ?? 0.5;
  let resolve = coverage * Math.min(0.95, Math.max(0.05, 1.15 * ctx.confidence - 0.1));
  if (negative) resolve *= 0.45;
  if (voice) resolve *= 0.55;
  if (ctx.channel === "email") resolve *= 0.9;
  if (ctx.turn >= 4) resolve *= 0.8;
  if (platinumComplaint) resolve *= 0.5;
  let pickRate = 0.5 + 0.3 * (1 - ctx.confidence);
  if (negative) pickRate *= 0.6;
  if (voice) pickRate *= 0.5;
  if (ctx.turn >= 4) pickRate *= 0.7;
  let csat = 3;
  if (negative) csat += 1.5;
  if (voice) csat += 0.8;
  if (platinumComplaint) csat += 1.5;
  else if (ctx.tier === "platinum" || ctx.tier === "gold") csat += 0.4;
  return {
    answer: { resolve, abandon: Math.min(0.9, 0.25 + (negative ? 0.35 : 0) + (voice ? 0.2 : 0)) },
    clarify: { pick: pickRate, abandon: Math.min(0.9, 0.15 + (negative ? 0.3 : 0)) },
    handoff: { csatSeen: 0.7, csat: Math.min(5, csat) },
  };
}

const REOPEN = 0.1;

/** One outcome from three uniforms; every policy meets the same uniforms in the same episode (common random numbers). */
function outcome(ctx: BanditContext, action: BotAction, u: [number, number, number]): Outcome {
  const w = world(ctx);
  if (action === "answer") {
    if (u[0] < w.answer.resolve) return { resolvedByBot: true, helped: true, reopened: u[1] < REOPEN };
    return u[1] < w.answer.abandon ? { abandoned: true } : { helped: false, handoff: true };
  }
  if (action === "clarify") {
    if (u[0] < w.clarify.pick) return { helped: true };
    return u[1] < w.clarify.abandon ? { abandoned: true } : { helped: false };
  }
  if (u[0] >= w.handoff.csatSeen) return { handoff: true };
  const csat = Math.max(1, Math.min(5, Math.round(w.handoff.csat + (u[1] - 0.5) * 2)));
  return { handoff: true, csat };
}

function expectedReward(ctx: BanditContext, action: BotAction): number {
  const w = world(ctx);
  if (action === "answer") {
    const resolved = (1 - REOPEN) * rewardFor({ resolvedByBot: true }) + REOPEN * rewardFor({ resolvedByBot: true, reopened: true });
    const failed = w.answer.abandon * rewardFor({ abandoned: true }) + (1 - w.answer.abandon) * rewardFor({ helped: false, handoff: true });
    return w.answer.resolve * resolved + (1 - w.answer.resolve) * failed;
  }
  if (action === "clarify") {
    const failed = w.clarify.abandon * rewardFor({ abandoned: true }) + (1 - w.clarify.abandon) * rewardFor({ helped: false });
    return w.clarify.pick * rewardFor({ helped: true }) + (1 - w.clarify.pick) * failed;
  }
  // The CSAT draw is uniform over [csat − 1, csat + 1] before rounding: integer k takes the share of that
  // interval within [k − 0.5, k + 0.5).
  let seen = 0;
  for (let k = 0; k <= 6; k++) {
    const share = Math.max(0, Math.min(k + 0.5, w.handoff.csat + 1) - Math.max(k - 0.5, w.handoff.csat - 1)) / 2;
    seen += share * rewardFor({ handoff: true, csat: Math.max(1, Math.min(5, k)) });
  }
  return w.handoff.csatSeen * seen + (1 - w.handoff.csatSeen) * rewardFor({ handoff: true });
}

function bestAction(ctx: BanditContext, allowed: readonly BotAction[] = BOT_ACTIONS): BotAction {
  let winner = allowed[0]!;
  for (const a of allowed) if (expectedReward(ctx, a) > expectedReward(ctx, winner)) winner = a;
  return winner;
}

type Episode = { ctx: BanditContext; u: [number, number, number] };

function episodes(seed: number, n: number, tenant = 0): Episode[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => ({ ctx: drawContext(rand, tenant), u: [rand(), rand(), rand()] }));
}

const EPISODES = 2000;
const TRAINING = episodes(1001, EPISODES);
const FRESH = episodes(202, 2000).map((e) => e.ctx);
const FRESH_BEST = FRESH.map((ctx) => bestAction(ctx));

type Run = { state: BanditState; actions: BotAction[]; rewards: number[]; regrets: number[]; explored: number };

function run(eps: Episode[], seed: number, from: BanditState = newBandit(), rand = seededRandom(seed)): Run {
  let state = from;
  const out: Run = { state, actions: [], rewards: [], regrets: [], explored: 0 };
  for (const { ctx, u } of eps) {
    const choice = chooseAction(state, ctx, rand);
    const reward = rewardFor(outcome(ctx, choice.action, u));
    state = updateBandit(state, ctx, choice.action, reward);
    out.actions.push(choice.action);
    out.rewards.push(reward);
    out.regrets.push(expectedReward(ctx, bestAction(ctx)) - expectedReward(ctx, choice.action));
    if (choice.explored) out.explored++;
  }
  out.state = state;
  return out;
}

const never = () => {
  throw new Error("a frozen choice draws no random numbers");
};

/** Share of the fresh contexts (named as `tenant` names its intents) where the greedy choice is the best action. */
function greedyAccuracy(state: BanditState, tenant = 0): number {
  const right = FRESH.filter((ctx, i) => {
    const named = { ...ctx, intent: tenantIntent(ctx.intent, tenant) };
    return chooseAction(state, named, never, { frozen: true }).action === FRESH_BEST[i];
  }).length;
  return right / FRESH.length;
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

describe("contextual bandit: learning in a simulated population", () => {
  // Five independent runs: each its own tenant (intent names), customer stream and sampling seed.
  const runs = [1, 2, 3, 4, 5].map((tenant) => {
    const eps = episodes(1000 + tenant, EPISODES, tenant);
    return { tenant, eps, result: run(eps, tenant) };
  });

  it("the simulated world needs all three actions, so no fixed policy can be optimal", () => {
    for (const a of BOT_ACTIONS) expect(FRESH_BEST.filter((b) => b === a).length / FRESH.length).toBeGreaterThan(0.2);
  });

  it(`after ${EPISODES} episodes the greedy policy picks the best action in 85 % of fresh contexts`, () => {
    expect(greedyAccuracy(newBandit())).toBeLessThan(0.5);
    const accuracy = runs.map((r) => greedyAccuracy(r.result.state, r.tenant));
    expect(sum(accuracy) / accuracy.length).toBeGreaterThanOrEqual(0.85);
    for (const a of accuracy) expect(a).toBeGreaterThanOrEqual(0.8);
  });

  it("earns more over each run than every fixed action and than choosing at random", () => {
    for (const { eps, result } of runs) {
      const total = sum(result.rewards);
      for (const a of BOT_ACTIONS) expect(total).toBeGreaterThan(sum(eps.map(({ ctx, u }) => rewardFor(outcome(ctx, a, u)))));
      const pickRandom = seededRandom(99);
      expect(total).toBeGreaterThan(sum(eps.map(({ ctx, u }) => rewardFor(outcome(ctx, BOT_ACTIONS[Math.floor(pickRandom() * 3)]!, u)))));
    }
  });

  it("regret per 100 episodes goes down", () => {
    for (const { result } of runs) {
      const windows = Array.from({ length: EPISODES / 100 }, (_, w) => sum(result.regrets.slice(w * 100, w * 100 + 100)));
      const first = sum(windows.slice(0, 3)) / 3;
      const last = sum(windows.slice(-3)) / 3;
      expect(last).toBeLessThan(first * 0.5);
      // The trend, not just the ends: a least-squares slope through all windows is negative.
      const mx = (windows.length - 1) / 2;
      const my = sum(windows) / windows.length;
      const slope = sum(windows.map((y, x) => (x - mx) * (y - my))) / sum(windows.map((_, x) => (x - mx) ** 2));
      expect(slope).toBeLessThan(0);
    }
  });

  it("keeps the exploration share within the default bound", () => {
    for (const { result } of runs) expect(result.explored / EPISODES).toBeLessThanOrEqual(0.2);
  });
});

describe("contextual bandit: state", () => {
  it("continues identically after a JSON round trip in the middle of a run", () => {
    const whole = run(TRAINING.slice(0, 600), 11);
    const rand = seededRandom(11);
    const firstHalf = run(TRAINING.slice(0, 300), 11, newBandit(), rand);
    const restored = JSON.parse(JSON.stringify(firstHalf.state)) as BanditState;
    const secondHalf = run(TRAINING.slice(300, 600), 11, restored, rand);
    expect([...firstHalf.actions, ...secondHalf.actions]).toEqual(whole.actions);
    expect(JSON.stringify(secondHalf.state)).toBe(JSON.stringify(whole.state));
  });

  it("stays small as JSON, also after many episodes", () => {
    const { state } = run(episodes(303, 10_000), 3);
    expect(FEATURE_DIM).toBeLessThanOrEqual(40);
    expect(JSON.stringify(state).length).toBeLessThan(30_000);
  });

  it("does not change its input", () => {
    const state = run(TRAINING.slice(0, 50), 5).state;
    const before = JSON.stringify(state);
    const { ctx } = TRAINING[60]!;
    updateBandit(state, ctx, "clarify", 0.4);
    chooseAction(state, ctx, seededRandom(1));
    expect(JSON.stringify(state)).toBe(before);
  });

  it("keeps A⁻¹ positive definite: the predictive variance at any context is positive and shrinks with data", () => {
    const { state } = run(TRAINING, 3);
    for (const ctx of FRESH.slice(0, 50)) {
      const x = banditFeatures(ctx);
      for (const a of BOT_ACTIONS) {
        const arm = state.arms[a];
        const d = state.dim;
        let v = 0;
        for (let i = 0; i < d; i++)
          for (let j = 0; j < d; j++) {
            const [p, q] = i <= j ? [i, j] : [j, i];
            v += x[i]! * x[j]! * arm.aInv[p * d - (p * (p - 1)) / 2 + (q - p)]!;
          }
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThan(x.reduce((s, xi) => s + xi * xi, 0));
      }
    }
  });

  it("reports pulls and mean rewards per action", () => {
    let s = newBandit();
    const ctx = TRAINING[0]!.ctx;
    s = updateBandit(s, ctx, "answer", 1);
    s = updateBandit(s, ctx, "answer", 0);
    s = updateBandit(s, ctx, "handoff", -0.2);
    s = updateBandit(s, ctx, "clarify", 7);
    expect(banditStats(s)).toEqual({
      episodes: 4,
      mean_reward: (1 + 0 - 0.2 + 1) / 4,
      actions: { answer: { pulls: 2, mean_reward: 0.5 }, clarify: { pulls: 1, mean_reward: 1 }, handoff: { pulls: 1, mean_reward: -0.2 } },
    });
    expect(banditStats(newBandit())).toMatchObject({ episodes: 0, mean_reward: 0 });
  });

  it("ignores a NaN reward", () => {
    const s = newBandit();
    expect(updateBandit(s, TRAINING[0]!.ctx, "answer", Number.NaN)).toEqual(s);
  });
});

describe("contextual bandit: options", () => {
  const learnt = run(TRAINING.slice(0, 800), 13).state;

  it("frozen: always greedy, draws no randomness, and updates with frozen do not change any choice", () => {
    const probe = FRESH.slice(0, 300);
    const before = probe.map((ctx) => chooseAction(learnt, ctx, never, { frozen: true }));
    for (const c of before) expect(c).toMatchObject({ explored: false, action: c.greedy });
    let s = learnt;
    for (const { ctx, u } of TRAINING.slice(800, 1100)) {
      const { action } = chooseAction(s, ctx, never, { frozen: true });
      s = updateBandit(s, ctx, action, rewardFor(outcome(ctx, action, u)), { frozen: true });
    }
    expect(probe.map((ctx) => chooseAction(s, ctx, never, { frozen: true }).action)).toEqual(before.map((c) => c.action));
    expect(s.episodes).toBe(learnt.episodes + 300);
    // The same updates unfrozen do move the policy: the check above is not vacuous.
    let moving = learnt;
    for (const { ctx, u } of TRAINING.slice(800, 1100)) moving = updateBandit(moving, ctx, bestAction(ctx), rewardFor(outcome(ctx, bestAction(ctx), u)));
    expect(probe.map((ctx) => chooseAction(moving, ctx, never, { frozen: true }).action)).not.toEqual(before.map((c) => c.action));
  });

  it("explores at most maxExploreRate of the time, and only away from the greedy action", () => {
    for (const maxExploreRate of [0, 0.05, 0.2]) {
      // A fresh policy with a wide posterior: the Thompson winner differs from the greedy one most of the time.
      const rand = seededRandom(17);
      let explored = 0;
      let disagreements = 0;
      const n = 4000;
      for (let i = 0; i < n; i++) {
        const ctx = FRESH[i % FRESH.length]!;
        const c = chooseAction(newBandit(), ctx, rand, { maxExploreRate, exploration: 2 });
        if (c.explored) {
          explored++;
          expect(c.action).not.toBe(c.greedy);
        } else expect(c.action).toBe(c.greedy);
        if (chooseAction(newBandit(), ctx, rand, { maxExploreRate: 1, exploration: 2 }).explored) disagreements++;
      }
      // Three standard deviations above the bound would be a broken gate, not bad luck.
      expect(explored / n).toBeLessThanOrEqual(maxExploreRate + 3 * Math.sqrt((maxExploreRate * (1 - maxExploreRate)) / n));
      if (maxExploreRate > 0) expect(explored / n).toBeGreaterThan(maxExploreRate * (disagreements / n) * 0.8);
      else expect(explored).toBe(0);
      expect(disagreements / n).toBeGreaterThan(0.4);
    }
  });

  it("chooses only among allowed actions", () => {
    const rand = seededRandom(19);
    for (const ctx of FRESH.slice(0, 500)) {
      for (const allowed of [["clarify", "handoff"], ["handoff"], ["answer", "handoff"]] as BotAction[][]) {
        const c = chooseAction(learnt, ctx, rand, { allowed, maxExploreRate: 1, exploration: 3 });
        expect(allowed).toContain(c.action);
        expect(allowed).toContain(c.greedy);
      }
    }
    expect(chooseAction(learnt, FRESH[0]!, rand, { allowed: [] }).action).toBe("handoff");
  });

  it("exploration 0 is greedy", () => {
    const rand = seededRandom(23);
    for (const ctx of FRESH.slice(0, 200)) {
      const c = chooseAction(learnt, ctx, rand, { exploration: 0, maxExploreRate: 1 });
      expect(c.action).toBe(c.greedy);
    }
  });
});

describe("contextual bandit: features and rewards", () => {
  it("classes channels", () => {
    for (const c of ["web", "app", "whatsapp", "messenger", "instagram", "telegram", "line", "slack", "wechat", "sms", "WhatsApp"]) expect(channelClass(c)).toBe("chat");
    expect(channelClass("voice")).toBe("voice");
    expect(channelClass("email")).toBe("email");
    for (const c of ["api", "custom:kiosk", ""]) expect(channelClass(c)).toBe("other");
  });

  it("intents are told apart by hashing, and any string works", () => {
    const base = { confidence: 0.8, sentiment: 0, channel: "web", tier: "standard", turn: 1 };
    const a = banditFeatures({ ...base, intent: "order_status" });
    const b = banditFeatures({ ...base, intent: "refund" });
    expect(a).not.toEqual(b);
    expect(banditFeatures({ ...base, intent: "Order_Status " })).toEqual(a);
    expect(banditFeatures({ ...base, intent: "订单状态" })).toHaveLength(FEATURE_DIM);
  });

  it("maps outcomes onto the documented scale", () => {
    expect(rewardFor({ resolvedByBot: true })).toBe(1);
    expect(rewardFor({ resolvedByBot: true, helped: true })).toBe(1);
    expect(rewardFor({ resolvedByBot: true, reopened: true })).toBe(-0.4);
    expect(rewardFor({ abandoned: true })).toBe(-1);
    expect(rewardFor({ handoff: true })).toBe(-0.2);
    expect(rewardFor({ helped: false, handoff: true })).toBeCloseTo(-0.5);
    expect(rewardFor({ helped: true })).toBe(0.4);
    expect(rewardFor({ helped: false })).toBe(-0.3);
    expect(rewardFor({})).toBe(0);
    expect(rewardFor({ handoff: true, csat: 5 })).toBeCloseTo(0.3);
    expect(rewardFor({ handoff: true, csat: 1 })).toBeCloseTo(-0.7);
    expect(rewardFor({ resolvedByBot: true, csat: 5 })).toBe(1);
    expect(rewardFor({ abandoned: true, csat: 1 })).toBe(-1);
    expect(rewardFor({ csat: Number.NaN })).toBe(0);
    // A needed handoff is a small cost, a failed answer before it a larger one, giving up the largest.
    expect(rewardFor({ handoff: true })).toBeGreaterThan(rewardFor({ helped: false, handoff: true }));
    expect(rewardFor({ helped: false, handoff: true })).toBeGreaterThan(rewardFor({ abandoned: true }));
  });

  it("never throws or produces NaN, whatever the context and reward", () => {
    const anyNumber = fc.oneof(fc.double(), fc.constant(Number.NaN), fc.constant(Number.POSITIVE_INFINITY), fc.integer());
    const context = fc.record({ intent: fc.string(), confidence: anyNumber, sentiment: anyNumber, channel: fc.string(), tier: fc.string(), turn: anyNumber });
    const outcomeArb = fc.record(
      { resolvedByBot: fc.boolean(), reopened: fc.boolean(), csat: anyNumber, handoff: fc.boolean(), abandoned: fc.boolean(), helped: fc.boolean() },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(context, fc.oneof(anyNumber, outcomeArb.map(rewardFor)), fc.subarray([...BOT_ACTIONS])), { minLength: 1, maxLength: 25 }),
        fc.integer(),
        (steps, seed) => {
          const rand = seededRandom(seed);
          let s = newBandit();
          for (const [ctx, reward, allowed] of steps) {
            const c = chooseAction(s, ctx, rand, { allowed });
            if (allowed.length > 0) expect(allowed).toContain(c.action);
            for (const a of BOT_ACTIONS) expect(Number.isFinite(c.scores[a])).toBe(true);
            s = updateBandit(s, ctx, c.action, reward);
          }
          const json = JSON.stringify(s);
          expect(json).not.toContain("null");
          expect(Number.isFinite(banditStats(s).mean_reward)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
