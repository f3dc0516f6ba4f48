import type { EntryType } from "./schemas";

/**
 * The score of a search result, 0..1, built so a caller can read it without knowing the corpus:
 *
 *   score = min(1, (0.5·coverage + 0.2·title + 0.1·exactness + 0.2·relevance) · typeBoost)
 *
 * - coverage: the share of the query's groups (words, Han phrases; function words left out) the entry contains,
 *   a Han phrase counting in part when only some of its bigrams occur. An entry with every group scores ≥ 0.5.
 * - title: the same share counted in the title alone, so a title hit outranks the same hit in the body.
 * - exactness: the share of the title the query covers, so the query "X7" finds the entry titled "X7" before
 *   "Returning the X7".
 * - relevance: FTS5's bm25 (title weighted above body) relative to the best candidate's. bm25 alone is no
 *   score: its IDF is computed over the whole index and is ~0 in a small corpus (a term in half the rows weighs
 *   nothing), so it only orders entries that the shares leave close.
 * - typeBoost: a caller's preference per type (the bot may prefer FAQs). Neutral by default: a preference built
 *   in would rank "Refunds for the X7" above the X7's own product entry for the query "X7".
 */
export const DEFAULT_TYPE_BOOST: Record<EntryType, number> = { faq: 1, process: 1, article: 1, product: 1 };

const W_COVERAGE = 0.5;
const W_TITLE = 0.2;
const W_EXACT = 0.1;
const W_RELEVANCE = 0.2;

export type RankFeatures = {
  type: EntryType;
  /** Per query group, the share found anywhere in the entry (title, body, answer, tags). */
  coverage: readonly number[];
  /** Per query group, the share found in the title. */
  titleCoverage: readonly number[];
  /** 0..1, the share of the title's own tokens the query matched. */
  titleExactness: number;
  /** 0..1, this entry's bm25 relative to the best candidate's. */
  relevance: number;
};

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function score(f: RankFeatures, typeBoost: Record<EntryType, number> = DEFAULT_TYPE_BOOST): number {
  const raw = W_COVERAGE * mean(f.coverage) + W_TITLE * mean(f.titleCoverage) + W_EXACT * f.titleExactness + W_RELEVANCE * f.relevance;
  return Math.min(1, Math.max(0, raw * (typeBoost[f.type] ?? 1)));
}

/**
 * bm25 (FTS5: negative, lower is better) → 0..1 relative to the best. Two lists are ranked: the strict (AND) and
 * the loose (OR) match, whose bm25 values do not compare. The loose list ranks every entry it holds; an entry
 * only in the strict list (the loose list was cut at its limit) is placed below the loose list's weakest, in its
 * strict order.
 */
export function relevance(loose: ReadonlyMap<string, number>, strict: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  const rel = (bm25: number, best: number) => (best < 0 && bm25 < 0 ? Math.min(1, bm25 / best) : 0);
  const bestLoose = Math.min(0, ...loose.values());
  for (const [id, v] of loose) out.set(id, rel(v, bestLoose));
  const floor = loose.size ? Math.min(...out.values()) : 1;
  const bestStrict = Math.min(0, ...strict.values());
  for (const [id, v] of strict) if (!out.has(id)) out.set(id, floor * rel(v, bestStrict));
  return out;
}
