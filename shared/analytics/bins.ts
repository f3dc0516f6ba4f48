/**
 * Durations are counted in bins so percentiles and service levels come from rollups (O(buckets)), not from events.
 * A bin is its upper bound in seconds: 1 s wide up to 2 minutes, 10 s up to 30 minutes, 1 minute up to a day,
 * 1 hour beyond. A duration belongs to the smallest bound at or above it, so "within 20 s" is exactly bins ≤ 20.
 */
export function binOf(ms: number): number {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s <= 120) return s;
  if (s <= 1800) return Math.ceil(s / 10) * 10;
  if (s <= 86_400) return Math.ceil(s / 60) * 60;
  return Math.ceil(s / 3600) * 3600;
}

/** Whether a threshold (seconds) is a bin bound, so a service level against it is exact. */
export function onBinGrid(s: number): boolean {
  return Number.isInteger(s) && s >= 0 && binOf(s * 1000) === s;
}

export type Histogram = ReadonlyMap<number, number>;

/**
 * Nearest-rank percentile at bin resolution: the bound of the bin holding the ⌈q·n⌉-th smallest value, in seconds.
 * Null for an empty histogram.
 */
export function percentile(hist: Histogram, q: number): number | null {
  let n = 0;
  for (const c of hist.values()) n += c;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (const bin of [...hist.keys()].sort((a, b) => a - b)) {
    seen += hist.get(bin)!;
    if (seen >= rank) return bin;
  }
  return null;
}

/** Count of values at or under `thresholdS` seconds. */
export function countWithin(hist: Histogram, thresholdS: number): number {
  let n = 0;
  for (const [bin, c] of hist) if (bin <= thresholdS) n += c;
  return n;
}
