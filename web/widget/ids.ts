/**
 * A random id for client_msg_id and Idempotency-Key. Not crypto.randomUUID: browsers offer it only in secure
 * contexts, and many shops still serve their pages over plain http.
 */
export function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
