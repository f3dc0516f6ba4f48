/**
 * Delivery policy of outgoing webhooks, pure: the retry schedule, when a delivery is dead, when an endpoint is
 * disabled. The first retries are quick: a conversation's later events wait behind a failing one (order per
 * conversation), so a receiver's blip should cost well under a second; later ones spread over ~16 hours. An endpoint
 * that is down does not see the quick ones hammer it: the circuit breaker opens after a run of failures.
 */
export const RETRY_DELAYS_MS = [100, 250, 500, 1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000] as const;

/** Attempts a delivery gets before it is dead: the first send plus one per delay. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** When the attempt numbered `attempts + 1` is due, after `attempts` failed ones; null once the delivery is dead. */
export function nextAttemptAt(attempts: number, failedAt: number): number | null {
  if (attempts >= MAX_ATTEMPTS) return null;
  return failedAt + RETRY_DELAYS_MS[Math.max(0, attempts - 1)]!;
}

/** An endpoint that has failed everything for a day, or let this many deliveries in a row die, is disabled. */
export const DISABLE_AFTER_MS = 24 * 3_600_000;
export const DISABLE_AFTER_DEAD = 5;

export type Health = { failingSince: number | null; consecutiveDead: number };

export const HEALTHY: Health = { failingSince: null, consecutiveDead: 0 };

export function afterAttempt(h: Health, outcome: "delivered" | "failed" | "dead", at: number): Health {
  if (outcome === "delivered") return HEALTHY;
  return { failingSince: h.failingSince ?? at, consecutiveDead: h.consecutiveDead + (outcome === "dead" ? 1 : 0) };
}

export function disableReason(h: Health, at: number): string | null {
  if (h.consecutiveDead >= DISABLE_AFTER_DEAD) return `${h.consecutiveDead} deliveries in a row failed every attempt`;
  if (h.failingSince !== null && at - h.failingSince >= DISABLE_AFTER_MS) return "every delivery failed for 24 hours";
  return null;
}
