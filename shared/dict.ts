/**
 * Records keyed by ids that come from outside (agents, conversations, queues, offers). A plain `{}` answers
 * `table["__proto__"]` with Object.prototype and `table["constructor"]` with a function, and an assignment to
 * `table["__proto__"]` rewrites a prototype shared by the whole isolate. A record without a prototype has only
 * its own keys, so any string is just a key.
 */
export function dict<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** A record read back from JSON as a dict. Only dicts: structured clone (RPC) refuses objects without a prototype. */
export function asDict<T>(record: Record<string, T>): Record<string, T> {
  return dict(Object.entries(record));
}
