/**
 * Built-in intent classifier: hashed sparse features (words, word bigrams, character n-grams, Han n-grams,
 * pinyin bigrams, lexicon concepts, function-word concepts) weighted by family, TF-IDF and L2, fed to an
 * ensemble of a multinomial logistic regression and a nearest-centroid cosine score. Small enough to train
 * inside one request and to store as plain JSON; see docs/nlp.md for the numbers behind the choices.
 */
import { z } from "zod";
import { mulberry32 } from "../mulberry32";
import { extractFeatures, hashFeature, lexiconWords, makeSpeller, surfaceWords, type Speller } from "./features";
import { detectLanguage, Lang } from "./language";
import { afterGreeting } from "./greeting";

/**
 * An intent id as tenants name them ("order_status", "OrderStatus", "查询订单"): any printable text up to 64
 * characters, but never one of Object.prototype's names, since intents key records.
 */
export const IntentId = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((s) => !/\p{Cc}/u.test(s), "intent ids are printable text")
  .refine((s) => !(s in Object.prototype), "reserved intent id");

export const IntentExampleSchema = z.object({
  text: z.string().trim().min(1).max(4000),
  intent: IntentId,
  lang: Lang.optional(),
});
export type IntentExample = z.infer<typeof IntentExampleSchema>;

export type IntentModel = {
  version: 1;
  threshold: number;
  intents: string[];
  /** Hashed ids of the features the model knows, sorted and delta-encoded; every per-feature list follows this order. */
  features: number[];
  /** Inverse document frequency × family weight of each feature, in tenths. */
  idf: number[];
  /**
   * Logistic-regression weights and class centroids, sparse: for each feature, the number of classes it
   * weighs on, then that many (class index, weight) pairs; weights are integers × `scale`.
   */
  weights: number[];
  centroids: number[];
  scale: { weights: number; centroids: number };
  bias: number[];
  /** Training-line words the speller may correct a typo to. */
  words: string[];
  /** Family weights and the IDF of a feature no training line had, for the norm of a query's unseen features. */
  familyWeight: Record<string, number>;
  unseenIdf: number;
  /** How the two scores combine into a probability and how little class evidence discounts it. */
  calibration: { centroidWeight: number; temperature: number; evidence: Record<Lang, number> };
};

export const IntentResult = z.object({
  intent: z.string().describe('One of the tenant\'s intents, or "unknown" below the threshold'),
  confidence: z.number().min(0).max(1),
  lang: Lang,
  alternatives: z.array(z.object({ intent: z.string(), confidence: z.number().min(0).max(1) })),
});
export type IntentResult = z.infer<typeof IntentResult>;

export const DEFAULT_THRESHOLD = 0.45;
export const UNKNOWN_INTENT = "unknown";

type Hyper = {
  familyWeight: Record<string, number>;
  /** Multiply-adds the regression may spend; epochs follow from it, between minEpochs and maxEpochs. */
  budget: number;
  minEpochs: number;
  maxEpochs: number;
  learningRate: number;
  l2: number;
  /**
   * Weights below these shares of the largest weight overall and of the largest for the same feature are
   * dropped: they hardly change a ranking, and without them the JSON of a 200-intent model is half the size.
   */
  prune: { global: number; row: number };
  /** Upper bound on features × intents, so a tenant with 200 intents still trains within a Worker's memory. */
  maxWeights: number;
  /**
   * Weights and centroids together stay under this many bytes of JSON (pruning harder until they do): the model
   * is one SQLite value in the tenant's Durable Object, and a row there holds at most 2 MB.
   */
  maxJsonBytes: number;
  centroidWeight: number;
  temperature: number;
  /** Share of training lines (per language, left out of their own centroid) that count as full evidence. */
  evidenceQuantile: number;
  /** Evidence scale for a language the tenant gave no lines in. */
  defaultEvidence: number;
};

/**
 * Picked by 5-fold cross-validation on the starter lines and development lists of out-of-scope lines; the concept
 * weights also on paraphrases written for other tenants' intents. See docs/nlp.md.
 */
export const HYPER: Hyper = {
  familyWeight: { w: 1, b: 0.6, c: 0.5, h: 0.8, p: 0.5, k: 2.5, f: 1 },
  budget: 1.5e8,
  minEpochs: 3,
  maxEpochs: 60,
  learningRate: 3,
  l2: 1e-4,
  prune: { global: 0.02, row: 0.3 },
  maxWeights: 4e6,
  maxJsonBytes: 1_200_000,
  centroidWeight: 20,
  temperature: 1,
  evidenceQuantile: 0.2,
  defaultEvidence: 0.3,
};

type SparseRow = { idx: Int32Array; val: Float64Array };
/** A feature-major sparse matrix: entries offsets[f] .. offsets[f+1] belong to feature f. */
type Csr = { offsets: Int32Array; cls: Uint16Array; val: Float32Array };


/** Hashed feature id → count, and the squared weight the features unseen in training would have had. */
function queryBag(text: string, index: Map<number, number>, unseenIdf: number, familyWeight: Record<string, number>, speller: Speller) {
  const bag = new Map<number, number>();
  let unseen = 0;
  for (const [key, count] of extractFeatures(text, speller)) {
    const id = hashFeature(key);
    if (index.has(id)) bag.set(id, (bag.get(id) ?? 0) + count);
    else unseen += ((1 + Math.log(count)) * unseenIdf * (familyWeight[familyOf(key)] ?? 1)) ** 2;
  }
  return { bag, unseen };
}

function familyOf(key: string): string {
  return key[0] ?? "";
}

/**
 * TF-IDF, L2-normalised. `unseen` is the squared mass of the query's features the model never saw: counting
 * it in the norm makes a line that is mostly new words (the weather, a joke) a short vector, so it scores
 * low against every class instead of being judged by its few stop words alone.
 */
function vectorize(bag: Map<number, number>, index: Map<number, number>, idf: ArrayLike<number>, unseen = 0): SparseRow {
  const idx: number[] = [];
  const val: number[] = [];
  let norm = unseen;
  for (const [id, count] of bag) {
    const i = index.get(id);
    if (i === undefined) continue;
    const v = (1 + Math.log(count)) * (idf[i] ?? 0);
    idx.push(i);
    val.push(v);
    norm += v * v;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return { idx: Int32Array.from(idx), val: Float64Array.from(val, (v) => v * scale) };
}

function softmaxInPlace(s: Float64Array): void {
  let max = -Infinity;
  for (const v of s) max = Math.max(max, v);
  let sum = 0;
  for (let k = 0; k < s.length; k++) {
    s[k] = Math.exp((s[k] ?? 0) - max);
    sum += s[k] ?? 0;
  }
  for (let k = 0; k < s.length; k++) s[k] = (s[k] ?? 0) / sum;
}

export function trainIntents(examples: IntentExample[], opts: { threshold?: number; seed?: number } = {}): IntentModel {
  const intents = [...new Set(examples.map((e) => e.intent))].sort();
  const K = intents.length;
  const classOf = new Map(intents.map((c, k) => [c, k]));

  const words = new Set<string>();
  for (const e of examples) for (const w of surfaceWords(e.text)) if (w.length >= 2) words.add(w);

  const familyWeightOf = new Map<number, number>();
  const bags = examples.map((e) => {
    const out = new Map<number, number>();
    for (const [key, count] of extractFeatures(e.text)) {
      const id = hashFeature(key);
      out.set(id, (out.get(id) ?? 0) + count);
      familyWeightOf.set(id, HYPER.familyWeight[familyOf(key)] ?? 1);
    }
    return out;
  });
  const df = new Map<number, number>();
  for (const bag of bags) for (const id of bag.keys()) df.set(id, (df.get(id) ?? 0) + 1);
  const maxFeatures = Math.floor(HYPER.maxWeights / Math.max(1, K));
  const kept = [...df.keys()].sort((a, b) => (df.get(b) ?? 0) - (df.get(a) ?? 0) || a - b).slice(0, maxFeatures);
  const features = kept.sort((a, b) => a - b);
  const index = new Map(features.map((id, i) => [id, i]));
  const N = examples.length;
  const idfTenths = features.map((id) => Math.round((Math.log((1 + N) / (1 + (df.get(id) ?? 0))) + 1) * (familyWeightOf.get(id) ?? 1) * 10));
  const idf = idfTenths.map((t) => t / 10);
  const rows = bags.map((bag) => vectorize(bag, index, idf));
  const labels = examples.map((e) => classOf.get(e.intent) ?? 0);
  const F = features.length;

  const perClass = new Array<number>(K).fill(0);
  for (const y of labels) perClass[y] = (perClass[y] ?? 0) + 1;
  // Unbalanced tenants: a class with few lines still pulls its weight, without letting a tiny class dominate.
  const sampleWeight = labels.map((y) => Math.sqrt(N / (K * (perClass[y] ?? 1))));

  const W = new Float32Array(F * K);
  const bias = new Float64Array(K);
  const rand = mulberry32(opts.seed ?? 1);
  const order = rows.map((_, i) => i);
  const s = new Float64Array(K);
  let nnz = 0;
  for (const row of rows) nnz += row.idx.length;
  const epochs = Math.max(HYPER.minEpochs, Math.min(HYPER.maxEpochs, Math.floor(HYPER.budget / Math.max(1, nnz * K * 2))));
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    const rate = HYPER.learningRate / (1 + epoch);
    for (const n of order) {
      const row = rows[n];
      if (!row) continue;
      for (let k = 0; k < K; k++) s[k] = bias[k] ?? 0;
      for (let t = 0; t < row.idx.length; t++) {
        const base = (row.idx[t] ?? 0) * K;
        const v = row.val[t] ?? 0;
        for (let k = 0; k < K; k++) s[k] = (s[k] ?? 0) + (W[base + k] ?? 0) * v;
      }
      softmaxInPlace(s);
      const y = labels[n] ?? 0;
      const sw = sampleWeight[n] ?? 1;
      for (let k = 0; k < K; k++) {
        const g = ((s[k] ?? 0) - (k === y ? 1 : 0)) * sw;
        // Classes the line is nowhere near get no update: most of the work with many intents, and the weights stay sparse.
        if (Math.abs(g) < 1e-3) continue;
        bias[k] = (bias[k] ?? 0) - rate * g;
        for (let t = 0; t < row.idx.length; t++) {
          const at = (row.idx[t] ?? 0) * K + k;
          W[at] = (W[at] ?? 0) - rate * (g * (row.val[t] ?? 0) + HYPER.l2 * (W[at] ?? 0));
        }
      }
    }
  }

  // One unit centroid per class and language, summed: an English query then meets the English lines of a
  // class at full strength instead of being diluted by however varied that class's Chinese lines are.
  const langs = examples.map((e) => e.lang ?? detectLanguage(e.text));
  const centroid = new Map<number, number>();
  const heldOutCos = new Map<Lang, number[]>();
  for (const lang of new Set(langs)) {
    const part = new Map<number, number>();
    rows.forEach((row, n) => {
      if (langs[n] !== lang) return;
      const y = labels[n] ?? 0;
      for (let t = 0; t < row.idx.length; t++) {
        const at = (row.idx[t] ?? 0) * K + y;
        part.set(at, (part.get(at) ?? 0) + (row.val[t] ?? 0));
      }
    });
    const norms = new Float64Array(K);
    for (const [at, v] of part) norms[at % K] = (norms[at % K] ?? 0) + v * v;
    for (const [at, v] of part) centroid.set(at, (centroid.get(at) ?? 0) + v / Math.sqrt(norms[at % K] ?? 1));
    heldOutCos.set(lang, leaveOneOutCosines(rows, labels, langs, lang, part, norms, K));
  }
  const evidence = { en: HYPER.defaultEvidence, zh: HYPER.defaultEvidence };
  for (const [lang, cosines] of heldOutCos) {
    const sorted = cosines.sort((a, b) => a - b);
    const q = sorted[Math.floor(HYPER.evidenceQuantile * (sorted.length - 1))];
    if (q !== undefined && q > 0) evidence[lang] = Number(q.toFixed(4));
  }

  let weights = encodeSparse(F, K, (at) => W[at] ?? 0, HYPER.prune);
  let centroids = encodeSparse(F, K, (at) => centroid.get(at) ?? 0, { global: 0, row: 0 });
  for (let harder = 1; JSON.stringify(weights.list).length + JSON.stringify(centroids.list).length > HYPER.maxJsonBytes && harder <= 8; harder++) {
    weights = encodeSparse(F, K, (at) => W[at] ?? 0, { global: HYPER.prune.global * (1 + harder), row: Math.min(0.9, HYPER.prune.row + 0.08 * harder) });
    centroids = encodeSparse(F, K, (at) => centroid.get(at) ?? 0, { global: 0.02 * harder, row: 0 });
  }
  return {
    version: 1,
    threshold: opts.threshold ?? DEFAULT_THRESHOLD,
    intents,
    features: features.map((id, i) => id - (features[i - 1] ?? 0)),
    idf: idfTenths,
    weights: weights.list,
    centroids: centroids.list,
    scale: { weights: weights.scale, centroids: centroids.scale },
    bias: Array.from(bias, (b) => Number(b.toFixed(4))),
    words: [...words].sort(),
    familyWeight: HYPER.familyWeight,
    unseenIdf: Number((Math.log(1 + N) + 1).toFixed(3)),
    calibration: { centroidWeight: HYPER.centroidWeight, temperature: HYPER.temperature, evidence },
  };
}

/**
 * How close each training line of a language comes to its class centroid built without it: the similarity
 * an unseen in-scope line of this tenant can expect, so "enough evidence" adapts to how varied the tenant's
 * lines are, and to the language (a Chinese line spreads over more, rarer features than an English one).
 */
function leaveOneOutCosines(rows: SparseRow[], labels: number[], langs: Lang[], lang: Lang, part: Map<number, number>, norms: Float64Array, K: number): number[] {
  const out: number[] = [];
  const perClass = new Array<number>(K).fill(0);
  rows.forEach((_, n) => {
    if (langs[n] === lang) perClass[labels[n] ?? 0] = (perClass[labels[n] ?? 0] ?? 0) + 1;
  });
  rows.forEach((row, n) => {
    const y = labels[n] ?? 0;
    if (langs[n] !== lang || (perClass[y] ?? 0) < 2 || row.idx.length === 0) return;
    let dot = 0;
    for (let t = 0; t < row.idx.length; t++) dot += (row.val[t] ?? 0) * (part.get((row.idx[t] ?? 0) * K + y) ?? 0);
    const rest = (norms[y] ?? 0) - 2 * dot + 1;
    out.push(rest > 1e-9 ? Math.max(0, (dot - 1) / Math.sqrt(rest)) : 0);
  });
  return out;
}

/**
 * Integers in −127..127 times a scale, zeros left out: a few characters per weight in JSON, and precision far
 * beyond what twenty lines per intent support.
 */
function encodeSparse(F: number, K: number, value: (at: number) => number, prune: { global: number; row: number }): { list: number[]; scale: number } {
  let max = 0;
  for (let at = 0; at < F * K; at++) max = Math.max(max, Math.abs(value(at)));
  const scale = max > 0 ? max / 127 : 1;
  const list: number[] = [];
  for (let f = 0; f < F; f++) {
    const entries: number[] = [];
    let rowMax = 0;
    for (let k = 0; k < K; k++) rowMax = Math.max(rowMax, Math.abs(value(f * K + k)));
    const floor = Math.max(prune.global * max, prune.row * rowMax);
    for (let k = 0; k < K; k++) {
      const v = value(f * K + k);
      const q = Math.abs(v) < floor ? 0 : Math.round(v / scale);
      if (q !== 0) entries.push(k, q);
    }
    list.push(entries.length / 2, ...entries);
  }
  return { list, scale };
}

function decodeSparse(list: number[], F: number, scale: number): Csr {
  const offsets = new Int32Array(F + 1);
  const cls: number[] = [];
  const val: number[] = [];
  let at = 0;
  for (let f = 0; f < F; f++) {
    const n = list[at++] ?? 0;
    for (let e = 0; e < n; e++) {
      cls.push(list[at++] ?? 0);
      val.push((list[at++] ?? 0) * scale);
    }
    offsets[f + 1] = cls.length;
  }
  return { offsets, cls: Uint16Array.from(cls), val: Float32Array.from(val) };
}

type Loaded = { index: Map<number, number>; idf: Float64Array; speller: Speller; weights: Csr; centroids: Csr };
const loaded = new WeakMap<IntentModel, Loaded>();

function load(model: IntentModel): Loaded {
  const hit = loaded.get(model);
  if (hit) return hit;
  const counts = new Map<string, number>();
  for (const w of lexiconWords()) counts.set(w, 0);
  for (const w of model.words) counts.set(w, 1);
  const index = new Map<number, number>();
  let id = 0;
  model.features.forEach((delta, i) => {
    id += delta;
    index.set(id, i);
  });
  const F = model.features.length;
  const out = {
    index,
    idf: Float64Array.from(model.idf, (t) => t / 10),
    speller: makeSpeller(counts),
    weights: decodeSparse(model.weights, F, model.scale.weights),
    centroids: decodeSparse(model.centroids, F, model.scale.centroids),
  };
  loaded.set(model, out);
  return out;
}

function accumulate(into: Float64Array, m: Csr, row: SparseRow): void {
  for (let t = 0; t < row.idx.length; t++) {
    const f = row.idx[t] ?? 0;
    const v = row.val[t] ?? 0;
    for (let e = m.offsets[f] ?? 0; e < (m.offsets[f + 1] ?? 0); e++) {
      const k = m.cls[e] ?? 0;
      into[k] = (into[k] ?? 0) + (m.val[e] ?? 0) * v;
    }
  }
}

/**
 * A greeting followed by a request is the request: the words after the salutation are classified too, and their
 * intent wins when it is a known one other than the whole message's.
 */
export function classifyIntent(model: IntentModel, text: string): IntentResult {
  const whole = classifyText(model, text);
  const rest = afterGreeting(text);
  if (rest === null) return whole;
  const inner = classifyText(model, rest);
  return inner.intent !== UNKNOWN_INTENT && inner.intent !== whole.intent ? { ...inner, lang: whole.lang } : whole;
}

function classifyText(model: IntentModel, text: string): IntentResult {
  const lang = detectLanguage(text);
  const { index, idf, speller, weights, centroids } = load(model);
  const K = model.intents.length;
  const query = queryBag(text, index, model.unseenIdf, model.familyWeight, speller);
  const row = vectorize(query.bag, index, idf, query.unseen);
  const lr = Float64Array.from(model.bias);
  const cos = new Float64Array(K);
  accumulate(lr, weights, row);
  accumulate(cos, centroids, row);
  const { centroidWeight, temperature, evidence } = model.calibration;
  let bestCos = 0;
  for (const c of cos) bestCos = Math.max(bestCos, c);
  const p = Float64Array.from(lr, (l, k) => (l + centroidWeight * (cos[k] ?? 0)) / temperature);
  softmaxInPlace(p);
  // A softmax always has a winner, even for the weather or a joke; how close the line comes to any class
  // centroid says whether the winner means anything.
  const support = Math.min(1, bestCos / Math.max(1e-6, evidence[lang]));
  const ranked = model.intents
    .map((intent, k) => ({ intent, confidence: Number(((p[k] ?? 0) * support).toFixed(4)) }))
    .sort((a, b) => b.confidence - a.confidence || (a.intent < b.intent ? -1 : 1));
  const top = ranked[0];
  const alternatives = ranked.slice(0, 3);
  const confidence = top?.confidence ?? 0;
  return { intent: top && confidence >= model.threshold ? top.intent : UNKNOWN_INTENT, confidence, lang, alternatives };
}

export function modelSize(model: IntentModel): number {
  return new TextEncoder().encode(JSON.stringify(model)).length;
}
