/**
 * Predictive intent: what a visitor is likely to ask, guessed from their browsing before they write, so the bot
 * can open with the right offer. A multinomial logistic regression over behaviourFeatures, trained per tenant
 * from past sessions whose intent became known. Pure; the model is plain JSON. docs/predictive.md has the
 * measured accuracy and the limits.
 */
import { z } from "zod";
import { prng } from "../routing/random";
import { behaviourFeatures, type BehaviourEvent } from "./behaviour";

export type LabelledSession = { events: BehaviourEvent[]; intent: string };

export type PredictiveModel = {
  version: 1;
  /** Class labels, most frequent first. */
  intents: string[];
  /** Training sessions per intent, aligned with `intents`. */
  counts: number[];
  /** Below this posterior the prediction is `intent: null`: a wrong guess greets the visitor wrongly. */
  threshold: number;
  features: string[];
  /** Row-major features × intents. */
  weights: number[];
  bias: number[];
};

export const Prediction = z
  .object({
    intent: z.string().nullable().describe("null below the model's threshold, or before it has been trained"),
    confidence: z.number().min(0).max(1),
    top: z.array(z.object({ intent: z.string(), p: z.number().min(0).max(1) })),
  })
  .meta({ id: "IntentPrediction" });
export type Prediction = z.infer<typeof Prediction>;

export const DEFAULT_THRESHOLD = 0.35;
const DEFAULT_MAX_SESSIONS = 5000;
const MAX_FEATURES = 2000;
const TOP = 3;
const EPOCHS = 8;
const LEARNING_RATE = 0.5;
// Weight decay on the weights a session touches; strong enough that a token seen in a handful of sessions
// cannot carry a prediction alone.
const L2 = 5e-2;
const STORED_DECIMALS = 4;

function shuffle(order: Int32Array, rand: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
}

function round(x: number): number {
  const f = 10 ** STORED_DECIMALS;
  return Math.round(x * f) / f;
}

/** Softmax of logits in place, shifted by the maximum so exp never overflows. */
function softmax(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let total = 0;
  for (let k = 0; k < z.length; k++) {
    z[k] = Math.exp(z[k]! - max);
    total += z[k]!;
  }
  for (let k = 0; k < z.length; k++) z[k] = z[k]! / total;
  return z;
}

export function majorityBaseline(sessions: readonly LabelledSession[]): string | null {
  return rankIntents(sessions)[0]?.[0] ?? null;
}

/** Intents by number of sessions, ties by id, so the order does not depend on the order of the sessions. */
function rankIntents(sessions: readonly LabelledSession[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const s of sessions) counts.set(s.intent, (counts.get(s.intent) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Trains on the last `maxSessions` sessions (callers pass them oldest first, so the newest behaviour wins).
 * Features seen in fewer than two sessions are dropped (once there are enough sessions to afford it), then the
 * most frequent MAX_FEATURES are kept. Stochastic gradient descent with AdaGrad steps in a fixed seeded order;
 * the model is the mean of the second half of the epochs' ends.
 */
export function trainPredictive(all: readonly LabelledSession[], opts: { maxSessions?: number } = {}): PredictiveModel {
  const maxSessions = Math.max(1, Math.floor(opts.maxSessions ?? DEFAULT_MAX_SESSIONS));
  const sessions = all.slice(-maxSessions);
  const ranked = rankIntents(sessions);
  const intents = ranked.map(([i]) => i);
  const counts = ranked.map(([, c]) => c);
  const K = intents.length;
  const classOf = new Map(intents.map((i, k) => [i, k]));
  const extracted = sessions.map((s) => behaviourFeatures(s.events));

  const df = new Map<string, number>();
  for (const f of extracted) for (const name of f.keys()) df.set(name, (df.get(name) ?? 0) + 1);
  const minDf = sessions.length >= 50 ? 2 : 1;
  // With one intent (or none) there is nothing to tell apart, and no feature is worth storing.
  const features = [...df]
    .filter(([, c]) => K > 1 && c >= minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_FEATURES)
    .map(([name]) => name);
  const indexOf = new Map(features.map((name, i) => [name, i]));
  // Sessions as one compressed sparse matrix: row s holds entries start[s] .. start[s + 1] − 1.
  const start = new Int32Array(sessions.length + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  extracted.forEach((f, s) => {
    for (const [name, v] of f) {
      const i = indexOf.get(name);
      if (i !== undefined) {
        cols.push(i);
        vals.push(v);
      }
    }
    start[s + 1] = cols.length;
  });
  const col = Int32Array.from(cols);
  const val = Float64Array.from(vals);
  const label = Int32Array.from(sessions, (s) => classOf.get(s.intent)!);

  const F = features.length;
  const w = new Float64Array(F * K);
  // AdaGrad with one accumulator per feature (shared by its K weights): a rare feature keeps large steps, a
  // frequent one settles, and a step costs one square root per active feature rather than K.
  const gw = new Float64Array(F);
  // The bias starts at the log prior (add-one smoothed) so a model trained for few steps already knows the base rates.
  const bias = Float64Array.from(counts, (c) => Math.log((c + 1) / (sessions.length + K)));
  const gb = new Float64Array(K);
  const z = new Float64Array(K);
  const g = new Float64Array(K);
  // A fixed seed for the training order: the same sessions always give the same model.
  const rand = prng(1);
  const averaged = new Float64Array(F * K);
  const averagedBias = new Float64Array(K);
  let snapshots = 0;
  const order = Int32Array.from(sessions, (_, i) => i);
  for (let epoch = 0; K > 1 && epoch < EPOCHS; epoch++) {
    shuffle(order, rand);
    for (const s of order) {
      const from = start[s]!;
      const to = start[s + 1]!;
      z.set(bias);
      for (let j = from; j < to; j++) {
        const base = col[j]! * K;
        const v = val[j]!;
        for (let k = 0; k < K; k++) z[k] = z[k]! + v * w[base + k]!;
      }
      softmax(z);
      const y = label[s]!;
      for (let k = 0; k < K; k++) {
        g[k] = z[k]! - (k === y ? 1 : 0);
        gb[k] = gb[k]! + g[k]! * g[k]!;
        bias[k] = bias[k]! - (LEARNING_RATE * g[k]!) / Math.sqrt(gb[k]! + 1e-8);
      }
      for (let j = from; j < to; j++) {
        const i = col[j]!;
        const base = i * K;
        const v = val[j]!;
        let squared = 0;
        for (let k = 0; k < K; k++) {
          const gi = g[k]! * v + L2 * w[base + k]!;
          squared += gi * gi;
        }
        gw[i] = gw[i]! + squared / K;
        const step = LEARNING_RATE / Math.sqrt(gw[i]! + 1e-8);
        for (let k = 0; k < K; k++) w[base + k] = w[base + k]! - step * (g[k]! * v + L2 * w[base + k]!);
      }
    }
    // The last SGD iterate depends on the last few sessions it saw; the mean of the later epochs' ends does not.
    if (epoch >= EPOCHS / 2) {
      for (let i = 0; i < w.length; i++) averaged[i] = averaged[i]! + w[i]!;
      for (let k = 0; k < K; k++) averagedBias[k] = averagedBias[k]! + bias[k]!;
      snapshots++;
    }
  }
  const finalWeights = snapshots > 0 ? averaged.map((x) => x / snapshots) : w;
  const finalBias = snapshots > 0 ? averagedBias.map((x) => x / snapshots) : bias;
  return {
    version: 1,
    intents,
    counts,
    threshold: DEFAULT_THRESHOLD,
    features,
    weights: Array.from(finalWeights, round),
    bias: Array.from(finalBias, round),
  };
}

const INDEX = new WeakMap<PredictiveModel, Map<string, number>>();

function featureIndex(model: PredictiveModel): Map<string, number> {
  let index = INDEX.get(model);
  if (!index) {
    index = new Map(model.features.map((name, i) => [name, i]));
    INDEX.set(model, index);
  }
  return index;
}

/** Posterior over the model's intents; features the model never saw are ignored. */
function posterior(model: PredictiveModel, events: readonly BehaviourEvent[]): Float64Array {
  const K = model.intents.length;
  const z = Float64Array.from(model.bias.slice(0, K));
  const index = featureIndex(model);
  for (const [name, v] of behaviourFeatures(events)) {
    const i = index.get(name);
    if (i === undefined) continue;
    for (let k = 0; k < K; k++) z[k] = z[k]! + v * (model.weights[i * K + k] ?? 0);
  }
  return softmax(z);
}

/** Share of training sessions per intent, add-one smoothed. */
function prior(model: PredictiveModel): Float64Array {
  const total = model.counts.reduce((a, b) => a + b, 0) + model.intents.length;
  return Float64Array.from(model.intents, (_, k) => ((model.counts[k] ?? 0) + 1) / total);
}

/**
 * The likeliest intents for a session so far. With no events there is no evidence: `intent` is null and `top` is
 * the class prior. A model trained on nothing predicts nothing.
 */
export function predictIntent(model: PredictiveModel, events: readonly BehaviourEvent[]): Prediction {
  if (model.intents.length === 0) return { intent: null, confidence: 0, top: [] };
  const p = events.length > 0 ? posterior(model, events) : prior(model);
  const top = model.intents
    .map((intent, k) => ({ intent, p: p[k]! }))
    .sort((a, b) => b.p - a.p)
    .slice(0, TOP)
    .map((t) => ({ intent: t.intent, p: Math.round(t.p * 1000) / 1000 }));
  const best = top[0]!;
  const confidence = p.reduce((m, v) => Math.max(m, v), 0);
  const intent = events.length > 0 && confidence >= model.threshold ? best.intent : null;
  return { intent, confidence, top };
}

/**
 * Accuracy on labelled sessions: top1 and top3 rank the posterior (whatever the threshold), majority is what
 * always answering the training data's most frequent intent would score, coverage is the share of sessions with
 * a non-null intent and precision the accuracy among those.
 */
export function evaluatePredictive(
  model: PredictiveModel,
  sessions: readonly LabelledSession[],
): { n: number; top1: number; top3: number; majority: number; coverage: number; precision: number } {
  let top1 = 0;
  let top3 = 0;
  let majority = 0;
  let covered = 0;
  let right = 0;
  const mostFrequent = model.intents[0];
  for (const s of sessions) {
    const p = predictIntent(model, s.events);
    if (p.top[0]?.intent === s.intent) top1++;
    if (p.top.some((t) => t.intent === s.intent)) top3++;
    if (s.intent === mostFrequent) majority++;
    if (p.intent !== null) {
      covered++;
      if (p.intent === s.intent) right++;
    }
  }
  const n = sessions.length;
  const share = (x: number) => (n > 0 ? x / n : 0);
  return { n, top1: share(top1), top3: share(top3), majority: share(majority), coverage: share(covered), precision: covered > 0 ? right / covered : 0 };
}
