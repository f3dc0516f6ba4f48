/**
 * The nlp section's result shape and the pure scoring it is built from. Other systems read these keys, so the
 * shape is a type here and the section fills it; accuracies are shares in 0…1, null where nothing was scored.
 */

export type Lang = "en" | "zh";
export type ByLang = Record<Lang, number | null>;

export type NlpResult = {
  /** Texts per second classified inside workerd, from batches of 1,000 timed from outside. */
  classify_per_s: number | null;
  /** p99 of one classification request seen by the client (loopback HTTP included). */
  classify_p99_ms: number | null;
  intent_accuracy: { edgedesk: ByLang; nlpjs: ByLang };
  sentiment_accuracy: ByLang;
  entity_f1: ByLang;
  kb_search_p99_ms: number | null;
  predictive: { top1: number; top3: number; majority: number } | null;
  [extra: string]: unknown;
};

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** Share of `right` per group; groups without any line are absent. */
export function shareBy<K extends string>(groups: readonly (K | undefined)[], right: readonly boolean[]): Partial<Record<K, number>> {
  const n = new Map<K, [number, number]>();
  groups.forEach((g, i) => {
    if (g === undefined) return;
    const [hit, all] = n.get(g) ?? [0, 0];
    n.set(g, [hit + (right[i] ? 1 : 0), all + 1]);
  });
  const out: Partial<Record<K, number>> = {};
  for (const [g, [hit, all]] of n) out[g] = round4(hit / all);
  return out;
}

/** Accuracy per language of predictions against gold labels; a language with no line is null. */
export function accuracyByLang(lines: readonly { lang: Lang }[], right: readonly boolean[]): ByLang {
  const s = shareBy(lines.map((l) => l.lang), right);
  return { en: s.en ?? null, zh: s.zh ?? null };
}

/** Accuracy per hard kind (lines without one are left out). */
export function accuracyByHard<H extends string>(lines: readonly { hard?: H }[], right: readonly boolean[]): Partial<Record<H, number>> {
  return shareBy(lines.map((l) => l.hard), right);
}

/** Per-language F1 from a scorer that takes all the gold and predicted entities of one language's lines. */
export function f1ByLang<L extends { lang: Lang }, E>(lines: readonly L[], predicted: readonly E[][], gold: (l: L) => E[], f1: (gold: E[][], predicted: E[][]) => number): ByLang {
  const out: ByLang = { en: null, zh: null };
  for (const lang of ["en", "zh"] as const) {
    const idx = lines.flatMap((l, i) => (l.lang === lang ? [i] : []));
    if (idx.length) out[lang] = round4(f1(idx.map((i) => gold(lines[i]!)), idx.map((i) => predicted[i] ?? [])));
  }
  return out;
}

export { round4 };
