import { z } from "zod";

/**
 * Queueing formulas for staffing and for validating the simulator, as pure functions over plain values.
 *
 * - Erlang C (M/M/c): Poisson arrivals, exponential handle times, c identical agents, infinite patience.
 * - Erlang A (M/M/c+M, Garnett, Mandelbaum & Reiman 2002): the same with exponential patience of mean θ,
 *   evaluated exactly on its birth–death chain, truncated where the stationary probabilities fall below
 *   e^-46 ≈ 1e-20 of the largest.
 *
 * Inputs are validated; misuse (fractional agents, non-finite or non-positive rates) throws a RangeError,
 * while an overloaded Erlang C queue is a result, not an error.
 */

const positive = z.number().positive();

/**
 * The upper bounds keep the O(agents + queue) evaluations bounded: a million agents is beyond any contact
 * centre, and λθ (the queue that would build with nobody answering) is about how long the Erlang A chain is.
 */
const MAX_AGENTS = 1_000_000;
const MAX_PATIENCE_LOAD = 1_000_000;

export const Traffic = z.object({
  agents: z.int().min(0).max(MAX_AGENTS),
  /** λ, contacts per second. */
  arrivals_per_s: positive,
  /** Mean handle time 1/μ, seconds. */
  handle_s: positive,
});
export type Traffic = z.infer<typeof Traffic>;

const patienceLoad = { path: ["patience_s"], message: `arrivals_per_s × patience_s must be at most ${MAX_PATIENCE_LOAD}` };

export const ImpatientTraffic = Traffic.extend({
  /** Mean patience θ, seconds: a waiting contact abandons at rate 1/θ. */
  patience_s: positive,
}).refine((t) => t.arrivals_per_s * t.patience_s <= MAX_PATIENCE_LOAD, patienceLoad);
export type ImpatientTraffic = z.infer<typeof ImpatientTraffic>;

/** Performance of a queue that settles into a steady state. */
export type Stable = {
  stable: true;
  /** Offered load in Erlangs, a = λ / μ. */
  load: number;
  /** Share of agent time spent handling: carried load / agents. */
  occupancy: number;
  /** Probability that an arrival waits at all. */
  p_wait: number;
  /** Average speed of answer over answered contacts, seconds (0 when none is answered). */
  asa_s: number;
  /** Share of all arrivals answered within `within_s` seconds; abandoned contacts count as missed. */
  service_level: (within_s: number) => number;
};

export type ErlangC = Stable | { stable: false; load: number; reason: "unstable" };
/** Patience bounds the queue, so Erlang A is stable at any load. */
export type ErlangA = Stable & { p_abandon: number };

function checked<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new RangeError(parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "));
  return parsed.data;
}

function threshold(within_s: number): number {
  if (!(Number.isFinite(within_s) && within_s >= 0)) throw new RangeError(`within_s must be a finite number ≥ 0, got ${within_s}`);
  return within_s;
}

/** Erlang B by its stable recursion: no factorials, no overflow for large c. */
function erlangB(agents: number, load: number): number {
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (load * b) / (k + load * b);
  return b;
}

/** Erlang C; `{ stable: false }` when load ≥ agents, where the queue grows without bound. */
export function erlangC(traffic: Traffic): ErlangC {
  const { agents, arrivals_per_s, handle_s } = checked(Traffic, traffic);
  const load = arrivals_per_s * handle_s;
  if (load >= agents) return { stable: false, load, reason: "unstable" };
  const b = erlangB(agents, load);
  const p_wait = (agents * b) / (agents - load * (1 - b));
  return {
    stable: true,
    load,
    occupancy: load / agents,
    p_wait,
    asa_s: (p_wait * handle_s) / (agents - load),
    // A waiting contact's wait is exponential with rate (c − a)μ.
    service_level: (within_s) => 1 - p_wait * Math.exp((-(agents - load) * threshold(within_s)) / handle_s),
  };
}

/** log e^-46: far below double precision relative to 1, so the truncated tail cannot show in any result. */
const NEGLIGIBLE = -46;

/**
 * Stationary distribution of the number in system n: births λ, deaths min(n, c)μ + max(n − c, 0)/θ.
 * Built in log space because λ^n / n! overflows long before c reaches contact-centre sizes. The ratio
 * λ / death(n) falls with n, so the weights are unimodal; the chain stops past the mode once the last
 * weight, with a geometric bound on everything after it, is negligible.
 */
function stationary(c: number, lambda: number, mu: number, gamma: number): Float64Array {
  const logw = [0];
  let max = 0;
  for (let n = 1; ; n++) {
    const logRatio = Math.log(lambda / (Math.min(n, c) * mu + Math.max(n - c, 0) * gamma));
    const l = logw[n - 1]! + logRatio;
    logw.push(l);
    max = Math.max(max, l);
    if (n >= c && logRatio < 0 && l - Math.log(-Math.expm1(logRatio)) < max + NEGLIGIBLE) break;
  }
  const pi = Float64Array.from(logw, (l) => Math.exp(l - max));
  const total = pi.reduce((s, p) => s + p, 0);
  return pi.map((p) => p / total);
}

/**
 * Erlang A by the tagged contact: one who arrives with k contacts waiting ahead moves up at rate
 * r_j = cμ + jγ (an agent frees up or someone ahead abandons) and abandons at rate γ = 1/θ. Its offer time
 * V is a sum of Exp(r_k … r_0), and it is answered iff its patience outlasts V, so
 *   P(answered)          = Π r_j / (r_j + γ)                     =: S_k
 *   E[V; answered]       = S_k Σ_{i=1}^{k+1} 1 / (cμ + iγ)
 *   P(answered, V ≤ t)   = S_k P(V' ≤ t),  V' = Σ_{i=1}^{k+1} Exp(cμ + iγ),
 * and V' is the (k+1)-th of cμ/γ + k + 1 Exp(γ) lifetimes to end, whence P(V' ≤ t) = I_x(k+1, cμ/γ + 1),
 * x = 1 − e^{−γt}: the tail P(N ≥ k+1) of a negative binomial N with P(N = m) = C(m+b−1, m) x^m (1−x)^b.
 */
export function erlangA(traffic: ImpatientTraffic): ErlangA {
  const { agents: c, arrivals_per_s: lambda, handle_s, patience_s } = checked(ImpatientTraffic, traffic);
  const mu = 1 / handle_s;
  const gamma = 1 / patience_s;
  const pi = stationary(c, lambda, mu, gamma);
  const queued = pi.length - c;
  // answered[k]: an arrival finds k waiting and is answered; wait[k]: its expected wait on that event.
  const answered = new Float64Array(queued);
  let survive = 1;
  let meanOffer = 0;
  let p_wait = 0;
  let answeredWaiting = 0;
  let waitAnswered = 0;
  for (let k = 0; k < queued; k++) {
    const r = c * mu + k * gamma;
    survive *= r / (r + gamma);
    meanOffer += 1 / (r + gamma);
    const p = pi[c + k]!;
    p_wait += p;
    answered[k] = p * survive;
    answeredWaiting += answered[k]!;
    waitAnswered += answered[k]! * meanOffer;
  }
  const p_abandon = p_wait - answeredWaiting;
  const p_answered = 1 - p_abandon;
  const b = (c * mu) / gamma + 1;
  return {
    stable: true,
    load: lambda * handle_s,
    occupancy: c ? (lambda * p_answered * handle_s) / c : 0,
    p_wait,
    p_abandon,
    asa_s: p_answered > 0 ? waitAnswered / p_answered : 0,
    service_level: (within_s) => {
      const t = threshold(within_s);
      const logX = Math.log(-Math.expm1(-gamma * t));
      // Negative binomial pmf in log space: (1 − x)^b = e^{−(cμ+γ)t} underflows for large staffs.
      let logPmf = -b * gamma * t;
      let cdf = 0;
      let sl = 1 - p_wait;
      for (let k = 0; k < queued; k++) {
        cdf += Math.exp(logPmf);
        sl += answered[k]! * Math.max(0, 1 - cdf);
        logPmf += logX + Math.log((k + b) / (k + 1));
      }
      return sl;
    },
  };
}

export const StaffingInput = z
  .object({
    arrivals_per_s: positive,
    handle_s: positive,
    /** Given: Erlang A with this mean patience; omitted: Erlang C (nobody abandons). */
    patience_s: positive.optional(),
    /** No finite staff answers every contact within a finite time, hence < 1. */
    target_sl: z.number().gt(0).lt(1),
    within_s: z.number().min(0),
    max_agents: z.int().min(1).max(MAX_AGENTS).default(10_000),
  })
  .refine((s) => s.patience_s === undefined || s.arrivals_per_s * s.patience_s <= MAX_PATIENCE_LOAD, patienceLoad);
export type StaffingInput = z.input<typeof StaffingInput>;

const Model = z.enum(["erlang_a", "erlang_c"]);
type Model = z.infer<typeof Model>;
/** Erlangs: arrivals per second × handle seconds. */
const Load = z.number();
export const Staffing = z.union([
  z.object({
    model: Model,
    load: Load,
    agents: z.int(),
    service_level: z.number(),
    p_wait: z.number(),
    asa_s: z.number(),
    occupancy: z.number(),
    /** Share of arrivals that abandon (Erlang A); null under Erlang C, which has no abandonment. */
    abandonment_rate: z.number().nullable(),
  }),
  z.object({ model: Model, load: Load, agents: z.null(), reason: z.literal("unreachable"), max_agents: z.int() }),
]);
export type Staffing = z.infer<typeof Staffing>;

/**
 * The fewest agents whose service level within `within_s` reaches `target_sl`. Service level grows with
 * the number of agents, so a binary search over [lower bound, max_agents] finds it in O(log max_agents)
 * evaluations.
 */
export function staffing(input: StaffingInput): Staffing {
  const { arrivals_per_s, handle_s, patience_s, target_sl, within_s, max_agents } = checked(StaffingInput, input);
  const model: Model = patience_s === undefined ? "erlang_c" : "erlang_a";
  const load = arrivals_per_s * handle_s;
  const evaluate = (agents: number): (Stable & { p_abandon: number | null }) | null => {
    if (patience_s !== undefined) return erlangA({ agents, arrivals_per_s, handle_s, patience_s });
    const e = erlangC({ agents, arrivals_per_s, handle_s });
    return e.stable ? { ...e, p_abandon: null } : null;
  };
  const reaches = (agents: number) => {
    const e = evaluate(agents);
    return e !== null && e.service_level(within_s) >= target_sl;
  };
  // Erlang C needs more agents than Erlangs to be stable; under Erlang A the answered share, hence the
  // service level, is at most agents / load, so fewer than target × load agents cannot reach the target.
  const lowest = patience_s === undefined ? Math.floor(load) + 1 : Math.max(1, Math.floor(target_sl * load));
  if (lowest > max_agents || !reaches(max_agents)) return { model, load, agents: null, reason: "unreachable", max_agents };
  let lo = lowest;
  let hi = max_agents;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (reaches(mid)) hi = mid;
    else lo = mid + 1;
  }
  const e = evaluate(hi)!;
  return {
    model,
    load,
    agents: hi,
    service_level: e.service_level(within_s),
    p_wait: e.p_wait,
    asa_s: e.asa_s,
    occupancy: e.occupancy,
    abandonment_rate: e.p_abandon,
  };
}

/**
 * Expected wait of the contact `position`-th in line (1 = next) while all `servers` that may take it are busy,
 * Erlang A's conditional wait: moving up one place takes an exponential time of rate c·μ + (j − 1)·θ when j are in
 * line (a server frees, or someone ahead gives up), so the wait is Σ_{j=1..n} 1 / (c/handle + (j − 1)/patience).
 * Infinite patience gives Erlang C's n / (c·μ). Null when nobody could take it (servers = 0).
 */
export function waitAtPosition(position: number, servers: number, handle_s: number, patience_s: number | null): number | null {
  const line = waitsInLine(servers, handle_s, patience_s);
  if (!(position >= 1)) throw new RangeError("waitAtPosition needs position ≥ 1");
  if (line === null) return null;
  let wait = 0;
  for (let j = 1; j <= position; j++) wait = line(j);
  return wait;
}

/**
 * waitAtPosition for a whole line at O(1) a place: the returned function must be called with positions 1, 2, 3…
 * in order (as a walk down the line does) and returns each one's expected wait.
 */
export function waitsInLine(servers: number, handle_s: number, patience_s: number | null): ((position: number) => number) | null {
  if (!(handle_s > 0) || (patience_s !== null && !(patience_s > 0))) throw new RangeError("waits need handle_s > 0 and patience_s > 0 or null");
  if (servers <= 0) return null;
  const serve = servers / handle_s;
  const abandon = patience_s === null ? 0 : 1 / patience_s;
  let at = 0;
  let wait = 0;
  return (position) => {
    if (position !== at + 1) throw new RangeError("waitsInLine walks the line one place at a time");
    wait += 1 / (serve + at * abandon);
    at = position;
    return wait;
  };
}
