/**
 * Erlang C (M/M/c): Poisson arrivals, exponential handle times, c identical agents, infinite patience.
 * The reference the simulator is validated against, and a staffing estimate for the desk.
 */

export type ErlangC = {
  /** Offered load in Erlangs, a = λ × mean handle time. */
  load: number;
  /** Agent occupancy a / c. */
  occupancy: number;
  /** Probability that an arrival waits at all. */
  p_wait: number;
  /** Average speed of answer over all arrivals, seconds. */
  asa_s: number;
};

/** `arrivalsPerS` λ, `handleS` mean handle time 1/μ. Throws when the queue is unstable (a ≥ c). */
export function erlangC(agents: number, arrivalsPerS: number, handleS: number): ErlangC {
  const load = arrivalsPerS * handleS;
  if (!(agents >= 1) || load >= agents) throw new RangeError(`unstable: load ${load} Erlangs on ${agents} agents`);
  // Erlang B by its stable recursion, then C from B: no factorials, no overflow for large c.
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (load * b) / (k + load * b);
  const p_wait = (agents * b) / (agents - load * (1 - b));
  return { load, occupancy: load / agents, p_wait, asa_s: (p_wait * handleS) / (agents - load) };
}

/** Share of arrivals answered within `thresholdS` seconds. */
export function serviceLevel(agents: number, arrivalsPerS: number, handleS: number, thresholdS: number): number {
  const { p_wait, load } = erlangC(agents, arrivalsPerS, handleS);
  return 1 - p_wait * Math.exp((-(agents - load) * thresholdS) / handleS);
}
