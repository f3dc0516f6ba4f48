/**
 * Text → sparse features for the intent classifier. Pure and deterministic: the same text gives the same bag
 * at training and at classification time, and the bag's keys carry their family in the first character so
 * the model can weight families without knowing how they were built.
 */
import { commonWords, expandSlang, lexiconPhrases, type Concept } from "./lexicon";
import { pinyinOf } from "./pinyin";

/** Family prefixes of feature keys. */
const FAMILIES = {
  word: "w",
  bigram: "b",
  char: "c",
  han: "h",
  pinyin: "p",
  concept: "k",
  functionConcept: "f",
} as const;

/** Stands for something whose exact value says nothing about the intent. */
const PLACEHOLDERS = { id: "<id>", num: "<num>", money: "<money>", email: "<email>", url: "<url>" } as const;

type Token = { kind: "word"; surface: string; stem: string } | { kind: "han"; text: string };

const TOKEN =
  /(?<email>[^\s@]+@[^\s@]+\.\p{Script=Latin}{2,})|(?<url>(?:https?:\/\/|www\.)\S+)|(?<money>[$€£¥]\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?(?:元|块钱|块|美元|美金|usd|dollars?|bucks|rmb|eur|euros?|yuan))|(?<han>\p{Script=Han}+)|(?<word>#?[\p{Script=Latin}\d]+(?:['’][\p{Script=Latin}]+)*)|(?<dollar>\$+)/gu;
const HAS_DIGIT = /\d/;
const HAS_LETTER = /\p{Script=Latin}/u;

/** NFKC folds full-width letters and digits to ASCII and compatibility forms to their base. */
function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

/** Words the suffix rules would cut into another word: "news" is not "new", "note" not "not", "plane" not "plan". */
const UNSTEMMED: Record<string, string> = {
  news: "news", always: "always", perhaps: "perhaps", series: "series", species: "species",
  note: "note", notes: "note", plane: "plane", planes: "plane",
};

/**
 * Light suffix stripping so "refunded", "refunds" and "refunding" meet. Deliberately crude: the same function
 * runs on training lines, on lexicon phrases and on queries, so it only has to be consistent.
 */
function stem(word: string): string {
  let w = word;
  if (Object.hasOwn(UNSTEMMED, w)) return UNSTEMMED[w] ?? w;
  if (w.length > 4 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith("ied")) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2);
  if (w.length > 3 && w[w.length - 1] === w[w.length - 2] && !/[lsz]/.test(w[w.length - 1] ?? "")) w = w.slice(0, -1);
  if (w.length > 3 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

/** Finds the word a typo was meant to be; undefined when the word is known or nothing is close enough. */
export type Speller = (word: string) => string | undefined;

/** Splits normalised text into words (slang expanded, typos corrected, stemmed) and runs of Han characters. */
function tokenize(text: string, speller?: Speller): Token[] {
  const out: Token[] = [];
  const word = (surface: string) => out.push({ kind: "word", surface, stem: surface.startsWith("<") ? surface : stem(surface) });
  for (const m of text.matchAll(TOKEN)) {
    const g = m.groups ?? {};
    if (g.email) word(PLACEHOLDERS.email);
    else if (g.url) word(PLACEHOLDERS.url);
    else if (g.money) word(PLACEHOLDERS.money);
    else if (g.han) out.push({ kind: "han", text: g.han });
    else if (g.dollar) word("money");
    else if (g.word) {
      const raw = g.word.replace(/['’]/g, "");
      const bare = raw.replace(/^#/, "");
      const slang = expandSlang(bare);
      if (slang) for (const w of slang.split(" ")) word(w);
      else if (HAS_DIGIT.test(raw)) {
        const isId = raw.startsWith("#") || (HAS_LETTER.test(raw) && raw.length >= 3) || bare.length >= 5;
        word(isId ? PLACEHOLDERS.id : PLACEHOLDERS.num);
      } else {
        const squeezed = bare.replace(/(\p{L})\1{2,}/gu, "$1$1");
        word(speller?.(squeezed) ?? squeezed);
      }
    }
  }
  return out;
}

/**
 * Phrases compiled to the feature keys they add: a concept's key carries its family. Chinese words are also
 * indexed by their toneless pinyin (`zhSound`), because a pinyin input method turns a slip into a homophone.
 */
type CompiledLexicon = {
  en: Map<string, { stems: string[]; keys: string[] }[]>;
  zh: Map<string, string[]>;
  zhSound: Map<string, { chars: string[]; keys: string[] }[]>;
  zhMax: number;
};

function conceptKey(c: Concept): string {
  return (c.function ? FAMILIES.functionConcept : FAMILIES.concept) + c.name;
}

function soundOf(chars: string[]): string | undefined {
  const syllables = chars.map(pinyinOf);
  return syllables.every((s) => s) ? syllables.join(" ") : undefined;
}

let compiled: CompiledLexicon | undefined;

function lexicon(): CompiledLexicon {
  if (compiled) return compiled;
  const phrases = lexiconPhrases();
  const enByKey = new Map<string, { stems: string[]; keys: string[] }>();
  for (const [phrase, concept] of phrases.en) {
    const stems = tokenize(normalizeText(phrase)).flatMap((t) => (t.kind === "word" ? [t.stem] : []));
    const key = stems.join(" ");
    if (!key) continue;
    const entry = enByKey.get(key) ?? { stems, keys: [] };
    if (!entry.keys.includes(conceptKey(concept))) entry.keys.push(conceptKey(concept));
    enByKey.set(key, entry);
  }
  const en = new Map<string, { stems: string[]; keys: string[] }[]>();
  for (const entry of enByKey.values()) {
    const first = entry.stems[0] ?? "";
    const list = en.get(first) ?? [];
    list.push(entry);
    en.set(first, list);
  }
  for (const list of en.values()) list.sort((a, b) => b.stems.length - a.stems.length);
  const zh = new Map<string, string[]>();
  let zhMax = 1;
  for (const [phrase, concept] of phrases.zh) {
    const p = normalizeText(phrase);
    const keys = zh.get(p) ?? [];
    if (!keys.includes(conceptKey(concept))) keys.push(conceptKey(concept));
    zh.set(p, keys);
    zhMax = Math.max(zhMax, [...p].length);
  }
  for (const word of phrases.zhPlain) {
    if (!zh.has(word)) zh.set(word, []);
    zhMax = Math.max(zhMax, [...word].length);
  }
  const zhSound = new Map<string, { chars: string[]; keys: string[] }[]>();
  for (const [word, keys] of zh) {
    const chars = [...word];
    const sound = chars.length >= 2 && keys.length ? soundOf(chars) : undefined;
    if (sound) zhSound.set(sound, [...(zhSound.get(sound) ?? []), { chars, keys }]);
  }
  compiled = { en, zh, zhSound, zhMax };
  return compiled;
}

let knownWords: string[] | undefined;

/**
 * Words the lexicon knows, so a typo of one of them can be corrected even if no training line used it. Only
 * words of six letters or more: shorter ones sit one edit away from too many ordinary words (bent, call, long).
 */
export function lexiconWords(): string[] {
  if (knownWords) return knownWords;
  const words = new Set<string>();
  for (const [phrase] of lexiconPhrases().en) {
    for (const t of tokenize(normalizeText(phrase))) if (t.kind === "word" && t.surface.length >= 6) words.add(t.surface);
  }
  knownWords = [...words];
  return knownWords;
}

let commonStems: Set<string> | undefined;

function isCommonWord(word: string): boolean {
  commonStems ??= new Set(commonWords().map(stem));
  return commonStems.has(stem(word));
}

/** The surface words of a text, for building a speller's vocabulary from training lines. */
export function surfaceWords(text: string): string[] {
  return tokenize(normalizeText(text)).flatMap((t) => (t.kind === "word" && !t.surface.startsWith("<") ? [t.surface] : []));
}

function add(bag: Map<string, number>, key: string, by = 1) {
  bag.set(key, (bag.get(key) ?? 0) + by);
}

function conceptsOfWords(words: string[], bag: Map<string, number>) {
  const lex = lexicon().en;
  for (let i = 0; i < words.length; ) {
    const candidates = lex.get(words[i] ?? "") ?? [];
    const hit = candidates.find((c) => c.stems.every((s, j) => words[i + j] === s));
    if (hit) {
      for (const key of hit.keys) add(bag, key);
      i += hit.stems.length;
    } else i++;
  }
}

/**
 * Forward maximum matching over the lexicon's Chinese words. Where no word matches exactly, a word of two or
 * more characters matches a homophone that differs from it in one character (推款 for 退款, 人公 for 人工), unless
 * the differing character begins a word of its own: in 能马上 the 马 begins 马上, so 能马 is not read as 能吗.
 */
function conceptsOfHan(chars: string[], bag: Map<string, number>) {
  const { zh, zhSound, zhMax } = lexicon();
  const startsWord = (at: number) => {
    for (let m = 2; m <= zhMax && at + m <= chars.length; m++) if (zh.get(chars.slice(at, at + m).join(""))?.length) return true;
    return false;
  };
  const homophone = (part: string[], at: number) =>
    zhSound.get(soundOf(part) ?? "")?.find((w) => {
      const differing = w.chars.flatMap((c, j) => (c === part[j] ? [] : [j]));
      return differing.length === 1 && !startsWord(at + (differing[0] ?? 0));
    })?.keys;
  for (let i = 0; i < chars.length; ) {
    let matched = 0;
    for (let n = Math.min(zhMax, chars.length - i); n >= 1; n--) {
      const part = chars.slice(i, i + n);
      const keys = zh.get(part.join("")) ?? (n >= 2 ? homophone(part, i) : undefined);
      if (keys) {
        for (const key of keys) add(bag, key);
        matched = n;
        break;
      }
    }
    i += matched || 1;
  }
}

/** Character n-grams of Latin words run from 2 to 5 letters (word boundaries included), Han n-grams from 1 to 3. */
const NGRAMS = { charMin: 2, charMax: 5, hanMax: 3 };

/** Feature key → count for one text. */
export function extractFeatures(text: string, speller?: Speller): Map<string, number> {
  const o = NGRAMS;
  const bag = new Map<string, number>();
  const tokens = tokenize(normalizeText(text), speller);
  let run: string[] = [];
  const flushWords = () => {
    for (let i = 0; i + 1 < run.length; i++) add(bag, `${FAMILIES.bigram}${run[i]} ${run[i + 1]}`);
    conceptsOfWords(run, bag);
    run = [];
  };
  for (const t of tokens) {
    if (t.kind === "word") {
      add(bag, FAMILIES.word + t.stem);
      run.push(t.stem);
      if (t.surface.startsWith("<")) continue;
      const padded = `<${t.surface}>`;
      for (let n = o.charMin; n <= o.charMax; n++) {
        for (let i = 0; i + n <= padded.length; i++) add(bag, FAMILIES.char + padded.slice(i, i + n));
      }
      continue;
    }
    flushWords();
    const chars = [...t.text];
    for (let n = 1; n <= o.hanMax; n++) {
      for (let i = 0; i + n <= chars.length; i++) add(bag, FAMILIES.han + chars.slice(i, i + n).join(""));
    }
    const syllables = chars.map(pinyinOf);
    for (let i = 0; i + 1 < syllables.length; i++) {
      const a = syllables[i];
      const b = syllables[i + 1];
      if (a && b) add(bag, `${FAMILIES.pinyin}${a} ${b}`);
    }
    conceptsOfHan(chars, bag);
  }
  flushWords();
  return bag;
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), giving up above `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const prev = rows[i - 1];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = i === 0 ? j : Math.min((prev?.[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (i > 0 && best > max) return max + 1;
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? max + 1;
}

function deletions(word: string): string[] {
  const out = [word];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/**
 * A speller over a vocabulary. A word that is in neither the vocabulary nor the common English words may be one
 * edit off from four letters on (a substitution, an insertion, a deletion or two swapped letters; two edits from
 * eight letters on when one deletion on each side meets); shorter words are only de-doubled ("hii" → "hi").
 * Candidates come from an index of one-letter deletions, so a lookup is a few map probes rather than a scan of
 * the vocabulary. Ties go to the more frequent word, then the first in alphabetical order, so correction is
 * deterministic.
 */
export function makeSpeller(counts: Map<string, number>): Speller {
  const byDeletion = new Map<string, string[]>();
  for (const w of [...counts.keys()].sort()) {
    if (w.length < 4) continue;
    for (const d of new Set(deletions(w))) {
      const list = byDeletion.get(d) ?? [];
      list.push(w);
      byDeletion.set(d, list);
    }
  }
  const cache = new Map<string, string | undefined>();
  return (word) => {
    if (counts.has(word) || !/^\p{Script=Latin}+$/u.test(word) || isCommonWord(word)) return undefined;
    if (cache.has(word)) return cache.get(word);
    let best: string | undefined;
    if (word.length < 4) {
      for (let i = 1; i < word.length && !best; i++) {
        const shorter = word.slice(0, i) + word.slice(i + 1);
        if (word[i] === word[i - 1] && counts.has(shorter)) best = shorter;
      }
    } else {
      const max = word.length >= 8 ? 2 : 1;
      let bestD = max + 1;
      let bestCount = 0;
      for (const d of new Set(deletions(word))) {
        for (const w of byDeletion.get(d) ?? []) {
          const dist = editDistance(word, w, max);
          const c = counts.get(w) ?? 0;
          if (dist > max) continue;
          if (dist < bestD || (dist === bestD && (c > bestCount || (c === bestCount && best !== undefined && w < best)))) {
            best = w;
            bestD = dist;
            bestCount = c;
          }
        }
      }
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(word, best);
    return best;
  };
}

/** 32-bit FNV-1a, folded to 24 bits so feature ids stay short in JSON. */
export function hashFeature(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 24) ^ h) & 0xffffff;
}
