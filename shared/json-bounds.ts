import { z } from "zod";

/**
 * Limits for free-form JSON a client may send (message metadata, channel configuration). Without them one
 * customer can store a value that every later reader (history, the events consumer, D1's JSON functions) fails
 * on: V8 and SQLite both stop at some nesting depth, and not at the same one.
 */
export type JsonBounds = { maxDepth: number; maxNodes: number; maxBytes: number };

export const METADATA_BOUNDS: JsonBounds = { maxDepth: 8, maxNodes: 500, maxBytes: 16 * 1024 };
/** Channel configuration and declarative specs: written by a tenant's admin, read on every delivery. */
export const CONFIG_BOUNDS: JsonBounds = { maxDepth: 12, maxNodes: 2000, maxBytes: 64 * 1024 };

export type JsonIssue = { path: (string | number)[]; message: string };

/**
 * Walks the value without recursion (a deep value must not overflow the stack of the check meant to refuse it)
 * and reports the first violation: too deep, too many nodes, a key that cannot round-trip (`__proto__`), a lone
 * UTF-16 surrogate (SQLite stores UTF-8, so it would read back as U+FFFD), or too large once serialised.
 */
export function jsonIssue(value: unknown, bounds: JsonBounds): JsonIssue | null {
  const stack: { v: unknown; depth: number; path: (string | number)[] }[] = [{ v: value, depth: 0, path: [] }];
  let nodes = 0;
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (++nodes > bounds.maxNodes) return { path, message: `at most ${bounds.maxNodes} values in total` };
    if (typeof v === "string") {
      if (!v.isWellFormed()) return { path, message: "invalid Unicode: lone surrogate" };
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (depth >= bounds.maxDepth) return { path, message: `nested deeper than ${bounds.maxDepth} levels` };
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ v: item, depth: depth + 1, path: [...path, i] }));
      continue;
    }
    for (const [key, item] of Object.entries(v)) {
      if (key === "__proto__") return { path: [...path, key], message: "reserved key" };
      if (!key.isWellFormed()) return { path, message: "invalid Unicode in a key: lone surrogate" };
      stack.push({ v: item, depth: depth + 1, path: [...path, key] });
    }
  }
  const bytes = new TextEncoder().encode(JSON.stringify(value) ?? "").byteLength;
  if (bytes > bounds.maxBytes) return { path: [], message: `at most ${bounds.maxBytes} bytes as JSON` };
  return null;
}

/**
 * The raw input is checked before `schema` parses it: parsing would already walk the whole depth, and zod drops
 * a `__proto__` key silently instead of refusing it.
 */
export function bounded<S extends z.ZodType>(schema: S, bounds: JsonBounds) {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      const issue = jsonIssue(value, bounds);
      if (issue) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
    })
    .pipe(schema);
}
