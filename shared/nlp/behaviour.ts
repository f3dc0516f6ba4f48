/**
 * What the widget reports about a visitor's browsing before they write, and the features the predictive intent
 * model (predictive.ts) reads from it. docs/predictive.md lists the events and the features.
 */
import { z } from "zod";

const Short = z.string().max(200);
const Url = z.string().min(1).max(2048);
/** When it happened, ms since the epoch; optional because a widget may only know the order. */
const At = z.number().nonnegative().optional();

export const BehaviourEvent = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("page_view"), url: Url, category: Short.optional(), title: Short.optional(), at: At }),
  z.strictObject({ type: z.literal("product_view"), product_id: Short, category: Short.optional(), price: z.number().nonnegative().optional(), at: At }),
  z.strictObject({ type: z.literal("cart"), action: z.enum(["add", "remove"]), product_id: Short.optional(), at: At }),
  z.strictObject({ type: z.literal("checkout_start"), at: At }),
  z.strictObject({ type: z.literal("checkout_error"), code: Short.optional(), message: Short.optional(), at: At }),
  z.strictObject({ type: z.literal("order_page"), order_id: Short.optional(), at: At }),
  z.strictObject({ type: z.literal("help_page"), url: Url, topic: Short.optional(), at: At }),
]);
export type BehaviourEvent = z.infer<typeof BehaviourEvent>;

export const MAX_BEHAVIOUR_EVENTS = 50;
/** One report from the widget: the session's events in the order they happened. */
export const BehaviourEvents = z.array(BehaviourEvent).max(MAX_BEHAVIOUR_EVENTS);

/** A feature name and its value; absent features are 0. */
export type BehaviourFeatures = Map<string, number>;

// Older events still count, but the last few say most about why the visitor is about to write.
const RECENCY_FLOOR = 0.3;
const RECENCY_DECAY = 0.8;
const MAX_TOKENS_PER_TEXT = 20;

/** The event's kind for sequences: a cart event splits by its action, which says more than "cart". */
function kindOf(e: BehaviourEvent): string {
  return e.type === "cart" ? `cart_${e.action}` : e.type;
}

function normaliseToken(t: string): string {
  return t.replace(/\d+/g, "#");
}

/** Words of free text; a run of Han characters becomes its bigrams, since Chinese has no spaces. */
function words(text: string): string[] {
  const out: string[] = [];
  // Most page titles are plain ASCII, which NFKC leaves as it is.
  const plain = /^[\x20-\x7e]*$/.test(text) ? text : text.normalize("NFKC");
  for (const m of plain.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const w = m[0];
    if (/^\p{Script=Han}+$/u.test(w) && w.length > 2) {
      for (let i = 0; i + 1 < w.length; i++) out.push(w.slice(i, i + 2));
    } else if (w.length >= 2 || /\d/.test(w)) out.push(normaliseToken(w));
    if (out.length >= MAX_TOKENS_PER_TEXT) break;
  }
  return out.slice(0, MAX_TOKENS_PER_TEXT);
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Path and query of a URL, host and fragment dropped: absolute and relative URLs of one page look the same. */
function pathAndQuery(url: string): string {
  const noFragment = url.split("#", 1)[0] ?? "";
  return decoded(noFragment.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, "").replace(/\+/g, " "));
}

/** Tokens of a URL: split on / - _ ? & = . and spaces, digits → #; and its first two path segments as one shape. */
export function urlTokens(url: string): { tokens: string[]; shape: string } {
  const pq = pathAndQuery(url).toLowerCase();
  const path = pq.split("?", 1)[0] ?? "";
  const segments = path.split("/").filter((s) => s.length > 0).slice(0, 2).map(normaliseToken);
  const tokens = pq
    .split(/[/\-_?&=.,;:+\s]+/)
    .filter((t) => t.length >= 2 || /\d/.test(t))
    .map(normaliseToken)
    .slice(0, MAX_TOKENS_PER_TEXT);
  return { tokens, shape: segments.join("/") };
}

function bucket(n: number, edges: readonly number[]): string {
  let i = 0;
  while (i < edges.length && n >= edges[i]!) i++;
  return String(i);
}

function gapBucket(prev: BehaviourEvent, next: BehaviourEvent): string | null {
  if (prev.at === undefined || next.at === undefined) return null;
  const s = (next.at - prev.at) / 1000;
  if (s < 0) return null;
  return s < 30 ? "fast" : s < 300 ? "mid" : "slow";
}

/**
 * The features of a session: kinds present (recency-weighted) and how many of each, the last kind and the last
 * two, transitions (also by how soon the next event followed), URL tokens and shapes, categories, help topics,
 * page titles, checkout error codes, a product looked at again, and the session's length and span. Only the last
 * MAX_BEHAVIOUR_EVENTS events are read.
 */
export function behaviourFeatures(all: readonly BehaviourEvent[]): BehaviourFeatures {
  const events = all.slice(-MAX_BEHAVIOUR_EVENTS);
  const f: BehaviourFeatures = new Map();
  const add = (name: string, v: number, cap: number) => f.set(name, Math.min(cap, (f.get(name) ?? 0) + v));
  const n = events.length;
  f.set(`len:${bucket(n, [1, 2, 4, 8, 16])}`, 1);
  if (n === 0) return f;
  const counts = new Map<string, number>();
  const products = new Map<string, number>();
  events.forEach((e, i) => {
    const w = RECENCY_FLOOR + (1 - RECENCY_FLOOR) * RECENCY_DECAY ** (n - 1 - i);
    const kind = kindOf(e);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    add(`k:${kind}`, w, 3);
    const prev = events[i - 1];
    if (prev) {
      const tr = `${kindOf(prev)}>${kind}`;
      add(`tr:${tr}`, w, 2);
      const gap = gapBucket(prev, e);
      if (gap) add(`tr:${tr}:${gap}`, w, 2);
    }
    const text = (prefix: string, s: string | undefined) => {
      if (s) for (const t of words(s)) add(`${prefix}:${t}`, w, 2);
    };
    switch (e.type) {
      case "page_view":
      case "help_page": {
        const { tokens, shape } = urlTokens(e.url);
        const prefix = e.type === "help_page" ? "hu" : "u";
        for (const t of tokens) add(`${prefix}:${t}`, w, 2);
        if (shape) add(`${prefix}p:${shape}`, w, 2);
        if (e.type === "page_view") {
          text("c", e.category);
          text("w", e.title);
        } else text("h", e.topic);
        break;
      }
      case "product_view":
        text("c", e.category);
        products.set(e.product_id, (products.get(e.product_id) ?? 0) + 1);
        break;
      case "checkout_error":
        add(`e:${(e.code ?? "none").toLowerCase().slice(0, 60)}`, w, 2);
        text("w", e.message);
        break;
      case "order_page":
        add(e.order_id ? "order:one" : "order:list", w, 2);
        break;
      case "cart":
      case "checkout_start":
        break;
    }
  });
  for (const [kind, c] of counts) f.set(`n:${kind}:${bucket(c, [2, 4])}`, 1);
  const last = events[n - 1]!;
  f.set(`last:${kindOf(last)}`, 1);
  const beforeLast = events[n - 2];
  if (beforeLast) f.set(`last2:${kindOf(beforeLast)}>${kindOf(last)}`, 1);
  if ([...products.values()].some((c) => c >= 2)) f.set("product:again", 1);
  const first = events[0]!;
  if (first.at !== undefined && last.at !== undefined && last.at >= first.at) f.set(`span:${bucket((last.at - first.at) / 60_000, [1, 5, 20, 60])}`, 1);
  return f;
}
