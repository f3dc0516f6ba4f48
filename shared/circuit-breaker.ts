/**
 * A per-dependency circuit breaker (R5.3): after `threshold` consecutive failures it opens and fails fast for
 * `cooldownMs`; then one probe is let through (half-open); its success closes the circuit, its failure reopens it.
 * Pure: the caller passes the time in.
 */
export type BreakerState = { state: "closed" | "open" | "half_open"; failures: number; openedAt: number };

export type BreakerOptions = { threshold: number; cooldownMs: number };

export const DEFAULT_BREAKER: BreakerOptions = { threshold: 5, cooldownMs: 30_000 };

export function closedBreaker(): BreakerState {
  return { state: "closed", failures: 0, openedAt: 0 };
}

/** Whether a call may go out now; an open circuit past its cooldown admits exactly one probe. */
export function admit(b: BreakerState, nowMs: number, o: BreakerOptions = DEFAULT_BREAKER): { allowed: boolean; next: BreakerState; retryInMs: number } {
  if (b.state === "closed") return { allowed: true, next: b, retryInMs: 0 };
  if (b.state === "open" && nowMs - b.openedAt >= o.cooldownMs) return { allowed: true, next: { ...b, state: "half_open" }, retryInMs: 0 };
  // Half-open with its probe in flight, or open and cooling down: callers wait out the cooldown.
  return { allowed: false, next: b, retryInMs: Math.max(1000, o.cooldownMs - (nowMs - b.openedAt)) };
}

export function record(b: BreakerState, success: boolean, nowMs: number, o: BreakerOptions = DEFAULT_BREAKER): BreakerState {
  if (success) return closedBreaker();
  const failures = b.failures + 1;
  if (b.state === "half_open" || failures >= o.threshold) return { state: "open", failures, openedAt: nowMs };
  return { ...b, failures };
}
