import { DrizzleQueryError } from "drizzle-orm/errors";

/** A message retried on its own backs off (2 s, 4 s, 8 s … 5 min) so a failing dependency can recover between attempts. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(2 ** attempts, 300);
}

/**
 * What a failure log may say about an error. Drizzle's wrapper quotes the statement's parameters (message
 * content, contact details), so only the driver's own message underneath it is kept, and bounded.
 */
export function describeError(err: unknown): string {
  const inner = err instanceof DrizzleQueryError && err.cause ? err.cause : err;
  return (inner instanceof Error ? `${inner.name}: ${inner.message}` : String(inner)).slice(0, 300);
}
