/**
 * The bot's learnt policy: a contextual bandit over "answer", "clarify" and "handoff", one Bayesian linear
 * regression per action (linear Thompson sampling). Pure and JSON-serialisable: the tenant's Durable Object keeps
 * the state, calls chooseAction on a turn and updateBandit once the turn's reward is known. docs/bot-policy.md
 * describes the features, the reward scale and the measured learning curve.
 */
import { z } from "zod";

export { prng as seededRandom } from "../routing/random";

export const BOT_ACTIONS = ["answer", "clarify", "handoff"] as const;
export const BotAction = z.enum(BOT_ACTIONS);
export type BotAction = z.infer<typeof BotAction>;

export type BanditContext = { intent: string; confidence: number; sentiment: number; channel: string; tier: string; turn: number };

export type BanditOptions = {
  /** Posterior scale v: samples are drawn from N(μ, v²·A⁻¹). 0 makes the sample the mean (no exploration). */
  exploration: number;
  /** Upper bound on the share of decisions that deviate from the greedy (posterior-mean) action. */
  maxExploreRate: number;
  /** Act greedily on what was learnt; see updateBandit for what a frozen policy still records. */
  frozen: boolean;
};

export const DEFAULT_BANDIT_OPTIONS: BanditOptions = { exploration: 0.5, maxExploreRate: 0.2, frozen: false };

export type ArmState = {
  /** A⁻¹ of the arm's ridge regression, A = λI + Σ x·xᵀ, as its upper triangle row by row (it is symmetric). */
  aInv: number[];
  /** Σ reward·x. */
  b: number[];
  n: number;
  rewardSum: number;
};

export type BanditState = {
  version: 1;
  dim: number;
  arms: Record<BotAction, ArmState>;
  episodes: number;
  rewardSum: number;
};

export type Choice = { action: BotAction; greedy: BotAction; explored: boolean; scores: Record<BotAction, number> };

/** What happened after a decision, as far as the caller knows it; every field is optional. */
export type Outcome = { resolvedByBot?: boolean; reopened?: boolean; csat?: number; handoff?: boolean; abandoned?: boolean; helped?: boolean };

// Ridge prior: weights start at 0 with unit variance, so a handful of episodes already moves the mean.
const PRIOR_PRECISION = 1;
// Stored numbers keep 8 significant digits: far finer than the posterior's own spread, and the state stays < 30 KB.
const STORED_DIGITS = 8;

const CHAT_CHANNELS = new Set(["web", "app", "whatsapp", "messenger", "instagram", "telegram", "line", "slack", "wechat", "sms", "chat", "webchat"]);
const TOP_TIERS = new Set(["gold", "platinum", "vip", "premium", "enterprise", "diamond"]);
const INTENT_BUCKETS = 24;
const INTENT_WEIGHT = Math.SQRT1_2;

// Feature layout; the offsets are the contract between the feature map and the stored matrices. Bins leave one
// level out (mid confidence, neutral sentiment, first turn, chat, standard tier): the bias carries it.
const BASE = {
  bias: 0,
  confidence: 1,
  lowConfidence: 2,
  highConfidence: 3,
  sentiment: 4,
  negative: 5,
  positive: 6,
  turnFew: 7,
  turnMany: 8,
  voice: 9,
  email: 10,
  otherChannel: 11,
  topTier: 12,
} as const;
const INTENT_AT = 13;
export const FEATURE_DIM = INTENT_AT + INTENT_BUCKETS;

function finiteOr(x: number, fallback: number): number {
  return typeof x === "number" && Number.isFinite(x) ? x : fallback;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

export type ChannelClass = "chat" | "voice" | "email" | "other";

export function channelClass(channel: string): ChannelClass {
  const c = String(channel).toLowerCase();
  if (CHAT_CHANNELS.has(c)) return "chat";
  if (c === "voice" || c === "phone") return "voice";
  if (c === "email") return "email";
  return "other";
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Intent ids are arbitrary tenant strings, so each is hashed into two distinct buckets of a small block: two
 * intents share all their weights only when both buckets collide (1 pair in 276), instead of 1 in 24 with one bucket.
 * The block is wide rather than crossed with confidence: in the simulations, hash collisions between a well and a
 * badly covered intent cost more than a per-intent confidence slope gained.
 */
function intentBuckets(intent: string): [number, number] {
  const h = fnv1a(String(intent).trim().toLowerCase());
  const first = h % INTENT_BUCKETS;
  const second = (first + 1 + ((h >>> 8) % (INTENT_BUCKETS - 1))) % INTENT_BUCKETS;
  return [first, second];
}

/** The feature vector of a context; inputs out of range or not finite are clamped to a neutral value. */
export function banditFeatures(ctx: BanditContext): number[] {
  const c = clamp(finiteOr(ctx.confidence, 0), 0, 1);
  const s = clamp(finiteOr(ctx.sentiment, 0), -1, 1);
  const turn = Math.max(1, Math.floor(finiteOr(ctx.turn, 1)));
  const channel = channelClass(ctx.channel);
  const top = TOP_TIERS.has(String(ctx.tier).toLowerCase());
  const x = new Array<number>(FEATURE_DIM).fill(0);
  x[BASE.bias] = 1;
  x[BASE.confidence] = c;
  x[BASE.lowConfidence] = c < 0.4 ? 1 : 0;
  x[BASE.highConfidence] = c >= 0.75 ? 1 : 0;
  x[BASE.sentiment] = s;
  x[BASE.negative] = s <= -0.25 ? 1 : 0;
  x[BASE.positive] = s >= 0.25 ? 1 : 0;
  x[BASE.turnFew] = turn >= 2 && turn <= 3 ? 1 : 0;
  x[BASE.turnMany] = turn >= 4 ? 1 : 0;
  x[BASE.voice] = channel === "voice" ? 1 : 0;
  x[BASE.email] = channel === "email" ? 1 : 0;
  x[BASE.otherChannel] = channel === "other" ? 1 : 0;
  x[BASE.topTier] = top ? 1 : 0;
  for (const k of intentBuckets(ctx.intent)) x[INTENT_AT + k] = INTENT_WEIGHT;
  return x;
}

/** Position of (i, j), i ≤ j, in a row-major upper triangle of a dim × dim matrix. */
function packed(dim: number, i: number, j: number): number {
  return i * dim - (i * (i - 1)) / 2 + (j - i);
}

function at(m: number[], dim: number, i: number, j: number): number {
  return m[i <= j ? packed(dim, i, j) : packed(dim, j, i)] ?? 0;
}

function round(x: number): number {
  return Number(x.toPrecision(STORED_DIGITS));
}

function newArm(dim: number): ArmState {
  const aInv = new Array<number>((dim * (dim + 1)) / 2).fill(0);
  for (let i = 0; i < dim; i++) aInv[packed(dim, i, i)] = 1 / PRIOR_PRECISION;
  return { aInv, b: new Array<number>(dim).fill(0), n: 0, rewardSum: 0 };
}

export function newBandit(): BanditState {
  return {
    version: 1,
    dim: FEATURE_DIM,
    arms: { answer: newArm(FEATURE_DIM), clarify: newArm(FEATURE_DIM), handoff: newArm(FEATURE_DIM) },
    episodes: 0,
    rewardSum: 0,
  };
}

function checkDim(state: BanditState): void {
  if (state.dim !== FEATURE_DIM) throw new Error(`bandit state has dimension ${state.dim}, this feature map has ${FEATURE_DIM}`);
}

/** A⁻¹·x. */
function times(m: number[], dim: number, x: number[]): number[] {
  const out = new Array<number>(dim).fill(0);
  for (let i = 0; i < dim; i++) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += at(m, dim, i, j) * (x[j] ?? 0);
    out[i] = sum;
  }
  return out;
}

function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

/** Posterior mean of the arm's reward at x, and its variance xᵀA⁻¹x (never negative, whatever rounding did). */
function posterior(arm: ArmState, dim: number, x: number[]): { mean: number; variance: number } {
  const u = times(arm.aInv, dim, x);
  // μ·x = (A⁻¹b)·x = b·(A⁻¹x): one product with A⁻¹ gives both numbers.
  return { mean: dot(arm.b, u), variance: Math.max(0, dot(x, u)) };
}

function uniform(rand: () => number): number {
  const u = rand();
  return Number.isFinite(u) ? clamp(u, 1e-12, 1 - 1e-12) : 0.5;
}

function standardNormal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(uniform(rand))) * Math.cos(2 * Math.PI * uniform(rand));
}

function best(values: Record<BotAction, number>, allowed: readonly BotAction[]): BotAction {
  let winner = allowed[0]!;
  for (const a of allowed) if (values[a] > values[winner]) winner = a;
  return winner;
}

function allowedActions(allowed: readonly BotAction[] | undefined): BotAction[] {
  if (!allowed) return [...BOT_ACTIONS];
  const set = BOT_ACTIONS.filter((a) => allowed.includes(a));
  // Nothing allowed is a caller bug; a person is the one answer that is never unsafe.
  return set.length > 0 ? set : ["handoff"];
}

/**
 * Picks an action for a context. The greedy action maximises the posterior mean; a Thompson sample is drawn for
 * every arm, and when the sample's winner differs from the greedy one it is taken only with probability
 * maxExploreRate, so at most that share of customers meets an exploratory choice. Ties go to the earlier action in
 * BOT_ACTIONS (a fresh policy answers when it may). `scores` are the posterior means of all three actions, allowed
 * or not. `rand` is called 2·3 + 1 times per unfrozen call, whatever the outcome, so a seeded stream replays exactly.
 */
export function chooseAction(
  state: BanditState,
  ctx: BanditContext,
  rand: () => number,
  opts: Partial<BanditOptions> & { allowed?: BotAction[] } = {},
): Choice {
  checkDim(state);
  const exploration = Math.max(0, finiteOr(opts.exploration ?? DEFAULT_BANDIT_OPTIONS.exploration, DEFAULT_BANDIT_OPTIONS.exploration));
  const maxExploreRate = clamp(finiteOr(opts.maxExploreRate ?? DEFAULT_BANDIT_OPTIONS.maxExploreRate, DEFAULT_BANDIT_OPTIONS.maxExploreRate), 0, 1);
  const allowed = allowedActions(opts.allowed);
  const x = banditFeatures(ctx);
  const scores = { answer: 0, clarify: 0, handoff: 0 };
  const samples = { answer: 0, clarify: 0, handoff: 0 };
  for (const a of BOT_ACTIONS) {
    const { mean, variance } = posterior(state.arms[a], state.dim, x);
    scores[a] = mean;
    // θ ~ N(μ, v²A⁻¹) projected on x is exactly N(μ·x, v²·xᵀA⁻¹x): one normal per arm, no Cholesky factor needed.
    samples[a] = opts.frozen ? mean : mean + exploration * Math.sqrt(variance) * standardNormal(rand);
  }
  const greedy = best(scores, allowed);
  if (opts.frozen) return { action: greedy, greedy, explored: false, scores };
  const sampled = best(samples, allowed);
  const gate = uniform(rand);
  const explored = sampled !== greedy && gate < maxExploreRate;
  return { action: explored ? sampled : greedy, greedy, explored, scores };
}

/**
 * Records the reward of a decision and returns the new state (the input is not changed). Rewards are clamped to
 * [−1, 1]; a NaN reward is no evidence and leaves the state as it was. With `frozen` the counts and reward sums
 * still move (banditStats keeps reporting how the frozen policy does) but the posterior does not: a caller that
 * froze the policy passes `{ frozen: true }` here too.
 */
export function updateBandit(state: BanditState, ctx: BanditContext, action: BotAction, reward: number, opts: { frozen?: boolean } = {}): BanditState {
  checkDim(state);
  if (typeof reward !== "number" || Number.isNaN(reward) || !BOT_ACTIONS.includes(action)) return structuredClone(state);
  const r = clamp(reward, -1, 1);
  const arm = state.arms[action];
  let next: ArmState;
  if (opts.frozen) {
    next = { ...arm, n: arm.n + 1, rewardSum: arm.rewardSum + r };
  } else {
    const dim = state.dim;
    const x = banditFeatures(ctx);
    const u = times(arm.aInv, dim, x);
    // Sherman–Morrison: (A + xxᵀ)⁻¹ = A⁻¹ − (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x). Only the upper triangle is kept, so
    // the inverse stays exactly symmetric; the denominator is ≥ 1 while A⁻¹ is positive definite.
    const denominator = 1 + Math.max(0, dot(x, u));
    const aInv = [...arm.aInv];
    for (let i = 0; i < dim; i++) {
      const ui = u[i]!;
      for (let j = i; j < dim; j++) {
        const k = packed(dim, i, j);
        aInv[k] = round(aInv[k]! - (ui * u[j]!) / denominator);
      }
    }
    next = { aInv, b: arm.b.map((bi, i) => round(bi + r * x[i]!)), n: arm.n + 1, rewardSum: arm.rewardSum + r };
  }
  return {
    version: 1,
    dim: state.dim,
    arms: { ...state.arms, [action]: next },
    episodes: state.episodes + 1,
    rewardSum: state.rewardSum + r,
  };
}

/**
 * The reward scale, in [−1, 1]:
 * - resolved by the bot: +1, or −0.4 when the customer reopened it (a false "resolved" is worse than a handoff);
 * - otherwise abandoned: −1 (the customer gave up);
 * - otherwise the parts add up: helped +0.4 (e.g. picked a clarifying option), did not help −0.3, handoff −0.2
 *   (a needed handoff is a small cost, not a failure);
 * - a CSAT of 1..5 adds (csat − 3) × 0.25, i.e. −0.5..+0.5;
 * and the sum is clamped to [−1, 1]. Nothing known is 0.
 */
export function rewardFor(outcome: Outcome): number {
  let r = 0;
  if (outcome.resolvedByBot) r = outcome.reopened ? -0.4 : 1;
  else if (outcome.abandoned) r = -1;
  else {
    if (outcome.helped === true) r += 0.4;
    if (outcome.helped === false) r -= 0.3;
    if (outcome.handoff) r -= 0.2;
  }
  const csat = outcome.csat;
  if (typeof csat === "number" && Number.isFinite(csat)) r += (clamp(csat, 1, 5) - 3) * 0.25;
  return clamp(r, -1, 1);
}

/** Rewards are in −1…1; a mean over no episodes reads 0. */
export const BanditStats = z.object({
  episodes: z.int(),
  mean_reward: z.number().min(-1).max(1),
  actions: z.record(BotAction, z.object({ pulls: z.int(), mean_reward: z.number().min(-1).max(1) })),
});
export type BanditStats = z.infer<typeof BanditStats>;

export function banditStats(state: BanditState): BanditStats {
  const mean = (sum: number, n: number) => (n > 0 ? sum / n : 0);
  const arm = (a: BotAction) => ({ pulls: state.arms[a].n, mean_reward: mean(state.arms[a].rewardSum, state.arms[a].n) });
  return {
    episodes: state.episodes,
    mean_reward: mean(state.rewardSum, state.episodes),
    actions: { answer: arm("answer"), clarify: arm("clarify"), handoff: arm("handoff") },
  };
}
