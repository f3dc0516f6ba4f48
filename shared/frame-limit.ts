/**
 * Frames per second per socket: a token bucket (`ratePerS` sustained, `burst` at once). A refused frame adds a
 * strike; strikes drain at the sustained rate, so a client that only bursts now and then never collects them, and
 * one that keeps sending into a full refusal reaches `closeAfter` and is disconnected.
 */
export type FrameLimit = { ratePerS: number; burst: number; closeAfter: number };

export const FRAME_LIMIT: FrameLimit = { ratePerS: 20, burst: 40, closeAfter: 200 };

/**
 * The optional WS_FRAME_LIMIT var, "<frames per second>/<burst>" (e.g. "20/40"): the load test raises it to measure
 * the runtime rather than the limit. Anything else leaves the default.
 */
export function frameLimitFrom(setting: unknown): FrameLimit {
  const m = typeof setting === "string" ? setting.trim().match(/^(\d{1,6})\/(\d{1,6})$/) : null;
  const [ratePerS, burst] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  return ratePerS >= 1 && burst >= 1 ? { ...FRAME_LIMIT, ratePerS, burst } : FRAME_LIMIT;
}

export type Bucket = { tokens: number; strikes: number; at: number };

export type Verdict = "pass" | "refuse" | "close";

export function admit(bucket: Bucket | undefined, limit: FrameLimit, now: number): { bucket: Bucket; verdict: Verdict } {
  const b = bucket ?? { tokens: limit.burst, strikes: 0, at: now };
  const refill = (Math.max(0, now - b.at) * limit.ratePerS) / 1000;
  const tokens = Math.min(limit.burst, b.tokens + refill);
  const strikes = Math.max(0, b.strikes - refill);
  if (tokens >= 1) return { bucket: { tokens: tokens - 1, strikes, at: now }, verdict: "pass" };
  const next = { tokens, strikes: strikes + 1, at: now };
  return { bucket: next, verdict: next.strikes >= limit.closeAfter ? "close" : "refuse" };
}

/**
 * One bucket per socket, in memory: hibernation forgets them, which only hands a socket back a fresh burst.
 * Keyed weakly so a closed socket's bucket goes with it.
 */
export class FrameLimiter<K extends object> {
  private readonly buckets = new WeakMap<K, Bucket>();

  constructor(readonly limit: FrameLimit) {}

  admit(key: K, now: number): Verdict {
    const { bucket, verdict } = admit(this.buckets.get(key), this.limit, now);
    this.buckets.set(key, bucket);
    return verdict;
  }
}
