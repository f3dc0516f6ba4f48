import type { Hit } from "./text";

/**
 * A snippet is plain text cut from the ORIGINAL field (never the bigram text the index holds), with the query's
 * hits as `highlights`: [start, end) offsets in UTF-16 code units into `text`, so `text.slice(start, end)` is the
 * hit. No markup in the text: the bot can send it as is, a console can wrap the ranges in whatever it likes.
 * Whitespace is collapsed to single spaces; "…" marks a cut at either end.
 */
export type Highlight = { start: number; end: number };
export type Snippet = { text: string; highlights: Highlight[] };

export const SNIPPET_CHARS = 180;
/** The best window starts this far before its first hit, so the hit is read in context. */
const LEAD = 40;
/** How far a cut may move to land between words rather than inside one. */
const SNAP = 20;

type Window = { start: number; groups: number; hits: number };

/** Windows are tried at the first this many hits: a common term in a long text must not make a snippet quadratic in it. */
const MAX_WINDOWS = 100;

/** The window with the most distinct query groups, then the most hits, then the earliest. */
function bestWindow(hits: readonly Hit[], width: number): Window | null {
  let best: Window | null = null;
  for (let i = 0; i < Math.min(hits.length, MAX_WINDOWS); i++) {
    const start = Math.max(0, hits[i]!.start - LEAD);
    const inside = hits.filter((h) => h.start >= start && h.end <= start + width);
    const w = { start, groups: new Set(inside.map((h) => h.group)).size, hits: inside.length };
    if (!best || w.groups > best.groups || (w.groups === best.groups && w.hits > best.hits)) best = w;
  }
  return best;
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}\p{M}]/u.test(c) && !/\p{Script=Han}/u.test(c);
const isLowSurrogate = (s: string, i: number) => i > 0 && i < s.length && /[\udc00-\udfff]/.test(s[i]!);

/** Moves a cut out of the middle of a Latin word (Han text can be cut anywhere) and never splits a surrogate pair. */
function snap(s: string, at: number, direction: 1 | -1, limit: number): number {
  let i = at;
  if (isWordChar(s[i - 1]) && isWordChar(s[i])) {
    for (let k = 1; k <= SNAP; k++) {
      const j = at + direction * k;
      if ((direction === 1 ? j > limit : j < limit) || j <= 0 || j >= s.length) break;
      if (!isWordChar(s[j - 1]) || !isWordChar(s[j])) {
        i = j;
        break;
      }
    }
  }
  if (isLowSurrogate(s, i)) i += direction === 1 ? 1 : -1;
  return i;
}

export function makeSnippet(source: string, hits: readonly Hit[], width = SNIPPET_CHARS): Snippet {
  let from = 0;
  let to = source.length;
  if (source.length > width) {
    const w = bestWindow(hits, width);
    from = Math.min(w?.start ?? 0, Math.max(0, source.length - width));
    to = from + width;
    const firstHit = hits.find((h) => h.start >= from)?.start ?? to;
    const lastHitEnd = Math.max(from, ...hits.filter((h) => h.end <= to).map((h) => h.end));
    if (from > 0) from = snap(source, from, 1, firstHit);
    if (to < source.length) to = snap(source, to, -1, lastHitEnd);
  }

  // Collapse whitespace while keeping a map from source offsets to snippet offsets.
  let text = from > 0 ? "…" : "";
  const at = new Map<number, number>();
  let space = false;
  for (let i = from; i < to; i++) {
    at.set(i, text.length);
    const c = source[i]!;
    if (/\s/.test(c)) {
      space = true;
      continue;
    }
    if (space && text.length > 0 && text !== "…") text += " ";
    space = false;
    at.set(i, text.length);
    text += c;
  }
  at.set(to, text.length);
  if (to < source.length) text += "…";

  const highlights: Highlight[] = [];
  for (const h of hits) {
    if (h.start < from || h.end > to) continue;
    const start = at.get(h.start)!;
    const end = at.get(h.end)!;
    const last = highlights[highlights.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else highlights.push({ start, end });
  }
  return { text, highlights };
}
