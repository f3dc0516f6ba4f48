/**
 * Lexicon-and-rules sentiment for customer-support messages in English and Chinese (and the two mixed).
 * The text becomes one token stream: Latin words are matched against the English lexicon (phrases first,
 * then the word, its repeated letters squeezed, slang, a suffix-stripped form, a one- or two-letter typo),
 * Han runs against the Chinese lexicon by longest match over the characters, emoji and emoticons by table.
 * Each sentence is then scored clause by clause: negators flip or replace the valence of the next
 * sentiment word in their scope, degree words scale it, contrast shifts weight to what follows, hedges,
 * hypotheticals and questions damp it, and frustration markers (still, again, 又, 三次了, "!!!", shouting)
 * push an already negative or bare message further down.
 */
import { z } from "zod";
import { detectLanguage, type Lang } from "./language";
import { EMOJI, EMOTICONS, EN_AUX, EN_LEXICON, EN_SLANG, ZH_LEXICON, type Lex } from "./sentiment-lexicon";

export const SentimentLabel = z.enum(["positive", "negative", "neutral"]);
export type SentimentLabel = z.infer<typeof SentimentLabel>;
export const Sentiment = z.object({ label: SentimentLabel, score: z.number().min(-1).max(1) }).meta({ id: "Sentiment" });
export type Sentiment = z.infer<typeof Sentiment>;

/** |score| at or above this is positive or negative; a single mild word (ok, 还行) stays below it. */
export const SENTIMENT_THRESHOLD = 0.25;
/** score = s / √(s² + ALPHA) maps the summed valence s into (−1, 1); one plain "good" (2) gives 0.63. */
const ALPHA = 6;
/** Longer texts are read up to here: a support message is far shorter, and the work stays bounded. */
const MAX_CHARS = 10_000;

const NEG_WINDOW = { latin: 3, han: 4 };
const INT_WINDOW = 2;
const POST_REACH = 2;

type Tok = {
  text: string;
  lex?: Lex;
  latin: boolean;
  /** a shouted word (3+ letters, all capitals) */
  caps: boolean;
  /** sentence end (. ! ? 。 ！ ？ … newline) with its ! and ? counts, or a clause break (, ; : 、) */
  end?: { excl: number; q: number };
  clause?: boolean;
};

// ---------------------------------------------------------------- tokenizing

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const byLength = (a: string, b: string) => b.length - a.length;

const ZH_NUM = "[一两二三四五六七八九十几\\d]";
/** "第三次", "三次了": a repeat said outright. */
const ZH_REPEAT = `第${ZH_NUM}{1,4}次|${ZH_NUM}{1,4}(?:次|遍)了`;
/** "都一个星期了", "三天了": time already spent, which only matters in a complaint. */
const ZH_DURATION = `(?:都|已经)?${ZH_NUM}{1,4}(?:个)?(?:半)?(?:天|周|星期|礼拜|月|小时|钟头)了`;
/** "it's been three weeks": time already spent, said as a complaint. */
const EN_DURATION = String.raw`(?<![\p{L}])(?:it'?s|it’s|it has|its been|that's|that was) been (?:\d{1,3}|a|an|two|three|four|five|six|seven|eight|nine|ten|several|many|a few) (?:hours?|days?|weeks?|months?)(?![\p{L}])`;
/** 快 before a number is "almost" (快一个月了), not "fast". */
const ZH_ALMOST = `快(?=${ZH_NUM}|半)`;

const EMOTICON_KEYS = Object.keys(EMOTICONS).sort(byLength);
const PUNCT_EMOTICONS = EMOTICON_KEYS.filter((k) => !/^[\p{L}\p{N}]/u.test(k)).map(escape);
const WORD_EMOTICONS = EMOTICON_KEYS.filter((k) => /^[\p{L}\p{N}]/u.test(k)).map(escape);

const TOKEN = new RegExp(
  [
    String.raw`(?<skip>https?:\/\/\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)`,
    `(?<emoticon>${PUNCT_EMOTICONS.join("|")}|(?<![\\p{L}\\p{N}])(?:${WORD_EMOTICONS.join("|")})(?![\\p{L}\\p{N}]))`,
    `(?<repeat>${ZH_REPEAT})`,
    `(?<duration>${ZH_DURATION})`,
    `(?<spent>${EN_DURATION})`,
    `(?<almost>${ZH_ALMOST})`,
    String.raw`(?<number>\p{N}+(?:[.,:]\p{N}+)*%?)`,
    String.raw`(?<latin>[\p{Script=Latin}\p{N}]+(?:['’][\p{Script=Latin}]+)*)`,
    `(?<han>(?:(?!${ZH_REPEAT}|${ZH_DURATION}|${ZH_ALMOST})\\p{Script=Han})+)`,
    String.raw`(?<emoji>\p{Extended_Pictographic}[\u{FE0F}\u{1F3FB}-\u{1F3FF}]*(?:\u200D\p{Extended_Pictographic}[\u{FE0F}\u{1F3FB}-\u{1F3FF}]*)*)`,
    String.raw`(?<end>[!?！？.。…\n]+)`,
    String.raw`(?<clause>[,，、;；:：—–~～]+)`,
  ].join("|"),
  "giu",
);

const ZH_LENGTHS = [...new Set([...ZH_LEXICON.keys()].map((k) => k.length))].sort((a, b) => b - a);
const EN_MAX_PHRASE = Math.max(...[...EN_LEXICON.keys()].map((k) => k.split(" ").length));

function hanTokens(run: string, out: Tok[]): void {
  let i = 0;
  while (i < run.length) {
    let matched = false;
    for (const len of ZH_LENGTHS) {
      if (i + len > run.length) continue;
      const piece = run.slice(i, i + len);
      const lex = ZH_LEXICON.get(piece);
      if (lex) {
        out.push({ text: piece, lex, latin: false, caps: false });
        i += len;
        matched = true;
        break;
      }
    }
    if (!matched) {
      out.push({ text: run[i] ?? "", latin: false, caps: false });
      i += 1;
    }
  }
}

function emojiLex(text: string): Lex | undefined {
  const bare = text.replace(/[\u{FE0F}\u{1F3FB}-\u{1F3FF}]/gu, "");
  const v = EMOJI[bare] ?? EMOJI[String.fromCodePoint(bare.codePointAt(0) ?? 0)];
  if (v !== undefined) return { v };
  return ZH_LEXICON.get(bare) ?? EN_LEXICON.get(bare);
}

function rawTokens(text: string): Tok[] {
  const out: Tok[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const g = m.groups ?? {};
    const s = m[0];
    if (g.skip !== undefined) continue;
    if (g.emoticon !== undefined) out.push({ text: s, lex: { v: EMOTICONS[s] ?? 0 }, latin: false, caps: false });
    else if (g.repeat !== undefined) out.push({ text: s, lex: { role: "frust", v: -1 }, latin: false, caps: false });
    else if (g.duration !== undefined) out.push({ text: s, lex: { role: "frust" }, latin: false, caps: false });
    else if (g.spent !== undefined) out.push({ text: s, lex: { role: "frust", v: -1 }, latin: false, caps: false });
    else if (g.almost !== undefined) out.push({ text: s, lex: { role: "block" }, latin: false, caps: false });
    else if (g.number !== undefined) out.push({ text: s, lex: EN_LEXICON.get(s), latin: true, caps: false });
    else if (g.latin !== undefined) out.push({ text: s, latin: true, caps: s.length >= 3 && /\p{Lu}/u.test(s) && !/\p{Ll}/u.test(s) });
    else if (g.han !== undefined) hanTokens(s, out);
    else if (g.emoji !== undefined) out.push({ text: s, lex: emojiLex(s), latin: false, caps: false });
    else if (g.end !== undefined) {
      out.push({ text: s, latin: false, caps: false, end: { excl: count(s, /[!！]/gu), q: count(s, /[?？]/gu) } });
    } else if (g.clause !== undefined) out.push({ text: s, latin: false, caps: false, clause: true });
  }
  return out;
}

const count = (s: string, re: RegExp) => s.match(re)?.length ?? 0;

// ---------------------------------------------------------------- English words

const squeeze = (w: string, keep: 1 | 2) => w.replace(/(\p{L})\1{2,}/gu, keep === 2 ? "$1$1" : "$1");
const known = (w: string) => EN_LEXICON.has(w) || w in EN_SLANG;

/** The spelling to look up: as written, squeezed ("sooo" → "so", "goood" → "good"), slang expanded. */
function normalizeWord(surface: string): string[] {
  const lower = surface.toLowerCase().replace(/’/g, "'");
  let w = lower;
  if (!known(lower)) {
    const two = squeeze(lower, 2);
    const one = squeeze(lower, 1);
    w = known(two) ? two : known(one) ? one : two;
  }
  const slang = EN_SLANG[w];
  return slang !== undefined ? slang.split(" ") : [w];
}

const isValenceWord = (lex: Lex | undefined): lex is Lex =>
  lex !== undefined && (lex.role === undefined || lex.role === "block") && (lex.v !== undefined || lex.n !== undefined);

/** Inflected forms of a lexicon word: worked → work, crashing → crash, easier → easy, quickly → quick. */
function lemma(w: string): Lex | undefined {
  const candidates: string[] = [];
  const undouble = (b: string) => (/([^aeiou])\1$/.test(b) ? [b.slice(0, -1)] : []);
  for (const [suffix, repl] of [
    ["ies", "y"], ["ied", "y"], ["ier", "y"], ["iest", "y"], ["ily", "y"],
    ["ing", ""], ["ing", "e"], ["ed", ""], ["ed", "e"], ["es", ""], ["s", ""], ["ly", ""],
    ["er", ""], ["er", "e"], ["est", ""], ["est", "e"],
  ] as const) {
    if (w.length > suffix.length + 2 && w.endsWith(suffix)) {
      const base = w.slice(0, -suffix.length);
      candidates.push(base + repl, ...(repl === "" ? undouble(base) : []));
    }
  }
  for (const c of candidates) {
    const lex = EN_LEXICON.get(c);
    if (isValenceWord(lex)) return lex;
  }
  return undefined;
}

let typoIndex: Map<string, string[]> | undefined;

function deletes(w: string, depth: number): Set<string> {
  let level = new Set([w]);
  const all = new Set<string>();
  for (let d = 0; d < depth; d++) {
    const next = new Set<string>();
    for (const s of level) for (let i = 0; i < s.length; i++) next.add(s.slice(0, i) + s.slice(i + 1));
    for (const s of next) all.add(s);
    level = next;
  }
  return all;
}

const allowedEdits = (len: number) => (len >= 9 ? 2 : 1);

/** Delete-neighbourhood index of the single-word sentiment entries long enough to be typed wrong. */
function typos(): Map<string, string[]> {
  if (typoIndex) return typoIndex;
  typoIndex = new Map();
  for (const [word, lex] of EN_LEXICON) {
    if (word.length < 6 || !/^[a-z]+$/.test(word) || !isValenceWord(lex) || Math.abs(lex.v ?? 0) < 1.5) continue;
    for (const d of [word, ...deletes(word, allowedEdits(word.length))]) {
      const list = typoIndex.get(d);
      if (list) list.push(word);
      else typoIndex.set(d, [word]);
    }
  }
  return typoIndex;
}

/** Optimal string alignment distance (edits plus adjacent swaps). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push(Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[];
      const up = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

function typo(w: string): Lex | undefined {
  // Long runs of letters are not words; their delete-neighbourhood would be quadratic in size.
  if (w.length < 7 || w.length > 20 || !/^[a-z]+$/.test(w)) return undefined;
  const index = typos();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const d of [w, ...deletes(w, allowedEdits(w.length))]) {
    for (const candidate of index.get(d) ?? []) {
      // A word that only adds or drops an ending (upgrade/upgraded) is another form, not a typo.
      if (candidate.startsWith(w) || w.startsWith(candidate)) continue;
      const limit = allowedEdits(Math.min(candidate.length, w.length));
      const dist = editDistance(w, candidate);
      if (dist <= limit && dist < bestDistance) {
        best = candidate;
        bestDistance = dist;
      }
    }
  }
  return best === undefined ? undefined : EN_LEXICON.get(best);
}

const NEGATED_CONTRACTION = /n't$|n’t$/;

function wordLex(w: string): Lex | undefined {
  const lex = EN_LEXICON.get(w);
  if (lex) return lex;
  if (NEGATED_CONTRACTION.test(w)) return { role: "neg", x: 1 };
  return lemma(w) ?? typo(w);
}

/** Latin runs: phrases by longest match over the normalized words, then single words. */
function readLatin(tokens: Tok[]): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < tokens.length) {
    const tok = tokens[i] as Tok;
    if (!tok.latin || tok.lex) {
      out.push(tok);
      i++;
      continue;
    }
    let j = i;
    const words: Array<{ w: string; tok: Tok }> = [];
    while (j < tokens.length && (tokens[j] as Tok).latin && !(tokens[j] as Tok).lex) {
      const t = tokens[j] as Tok;
      for (const w of normalizeWord(t.text)) words.push({ w, tok: t });
      j++;
    }
    let k = 0;
    while (k < words.length) {
      let taken = 0;
      for (let len = Math.min(EN_MAX_PHRASE, words.length - k); len >= 2; len--) {
        const phrase = words.slice(k, k + len).map((x) => x.w).join(" ");
        const lex = EN_LEXICON.get(phrase);
        if (lex) {
          const caps = words.slice(k, k + len).every((x) => x.tok.caps);
          out.push({ text: phrase, lex, latin: true, caps });
          taken = len;
          break;
        }
      }
      if (taken === 0) {
        const { w, tok: t } = words[k] as { w: string; tok: Tok };
        out.push({ text: w, lex: wordLex(w), latin: true, caps: t.caps });
        taken = 1;
      }
      k += taken;
    }
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------- scoring

type Contribution = { v: number; clause: number; polite: boolean; at: number };

const IMPERATIVE = new Set(["don't", "dont", "do not", "never"]);
const ZH_TRAILING_NEG_AFTER = new Set(["都", "也"]);
const ZH_TAIL = new Set(["了", "过", "啊", "呀", "的", "呢", "哦", "啦"]);

function scoreSentence(toks: Tok[], end: { excl: number; q: number }, lang: Lang, shouting: boolean): number {
  const contribs: Contribution[] = [];
  const clauseMult: number[] = [1];
  const clauseQuestion: boolean[] = [false];
  const clauseRhet: boolean[] = [false];
  let clause = 0;
  let clauseStart = true;
  let contrastAt = -1;
  let neg: { x: number; left: number; softened: boolean; imperative: boolean } | null = null;
  let intensity: { x: number; left: number } | null = null;
  let counter: { left: number } | null = null;
  let desire: { left: number } | null = null;
  const frustClauses: number[] = [];
  let greet = false;
  let finalParticle: "qpart" | "emph" | "soft" | null = null;

  const newClause = (mult = 1) => {
    clause++;
    clauseMult.push(mult);
    clauseQuestion.push(false);
    clauseRhet.push(false);
    clauseStart = true;
    neg = null;
    intensity = null;
    counter = null;
    desire = null;
  };
  const tick = (tok: Tok) => {
    if (neg && --neg.left <= 0) neg = null;
    if (intensity && --intensity.left <= 0) intensity = null;
    if (counter && --counter.left <= 0) counter = null;
    if (desire && --desire.left <= 0) desire = null;
    if (tok.latin || tok.text.length > 0) clauseStart = false;
  };
  const lastIndex = lastWordIndex(toks);

  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i] as Tok;
    if (tok.clause) {
      newClause();
      continue;
    }
    const lex = tok.lex;
    if (clauseStart && tok.latin && lang === "en" && EN_AUX.has(tok.text)) clauseQuestion[clause] = true;
    if (!lex) {
      tick(tok);
      continue;
    }
    switch (lex.role) {
      case "neg": {
        const prev = toks[i - 1];
        const last = contribs[contribs.length - 1];
        const trailing =
          !tok.latin &&
          prev !== undefined &&
          ZH_TRAILING_NEG_AFTER.has(prev.text) &&
          last !== undefined &&
          last.clause === clause &&
          i - last.at <= 5 &&
          endsClause(toks, i + 1);
        if (trailing) {
          // "一点问题都没有", "什么毛病也没有": "not even X" is emphatic.
          last.v = flip(last.v, 1.5);
        } else {
          // "please don't deliver then", "don't send it yet": a request, not a failure report.
          const imperative = tok.latin && (clauseStart || prev?.lex?.role === "desire") && IMPERATIVE.has(tok.text);
          neg = { x: lex.x ?? 1, left: tok.latin ? NEG_WINDOW.latin : NEG_WINDOW.han, softened: false, imperative };
        }
        clauseStart = false;
        continue;
      }
      case "int": {
        if (neg) neg.softened = true;
        else intensity = { x: (lex.x ?? 1) * (tok.caps && !shouting ? 1.2 : 1), left: INT_WINDOW };
        clauseStart = false;
        continue;
      }
      case "post": {
        const last = contribs[contribs.length - 1];
        if (last && last.clause === clause && i - last.at <= POST_REACH) last.v *= lex.x ?? 1;
        tick(tok);
        continue;
      }
      case "dual": {
        const next = toks[i + 1];
        if (next && isValenceWord(next.lex) && (next.lex.v ?? 0) !== 0) {
          if (neg) neg.softened = true;
          else intensity = { x: lex.x ?? 1, left: INT_WINDOW };
          clauseStart = false;
          continue;
        }
        break;
      }
      case "hedge":
        clauseMult[clause] = Math.min(clauseMult[clause] ?? 1, 0.5);
        tick(tok);
        continue;
      case "cond":
        // 的话 closes the conditional clause it follows ("没发货的话可以取消吗"); the others open one.
        if (tok.text === "的话") {
          clauseMult[clause] = Math.min(clauseMult[clause] ?? 1, 0.3);
          newClause();
        } else newClause(0.3);
        clauseStart = false;
        continue;
      case "concede":
        newClause(0.5);
        clauseStart = false;
        continue;
      case "contrast":
        newClause();
        contrastAt = contribs.length;
        continue;
      case "counter":
        counter = { left: 3 };
        clauseStart = false;
        continue;
      case "desire":
        desire = { left: 3 };
        tick(tok);
        desire = { left: 3 };
        continue;
      case "frust":
        frustClauses.push(clause);
        clauseStart = false;
        if (lex.v === undefined) continue;
        break;
      case "qword":
        if (lang === "zh" || clauseStart) clauseQuestion[clause] = true;
        tick(tok);
        continue;
      case "rhet":
        clauseQuestion[clause] = true;
        clauseRhet[clause] = true;
        if (lex.v === undefined) {
          tick(tok);
          continue;
        }
        break;
      case "greet":
        greet = true;
        tick(tok);
        continue;
      case "qpart":
      case "emph":
      case "soft":
        if (i === lastIndex) finalParticle = lex.role;
        tick(tok);
        continue;
      default:
        break;
    }

    let v = intensity && lex.i !== undefined ? lex.i : (lex.v ?? 0);
    if (neg) {
      const latent = lex.n !== undefined;
      if (neg.imperative && latent && v === 0) v = 0;
      else v = latent ? (lex.n as number) * neg.x : flip(v, neg.x);
      if (neg.softened) v *= 0.6;
      // "didn't deliver on time": the negation of the verb reaches the phrase right after it.
      neg = latent && !neg.imperative ? { x: neg.x, left: 1, softened: false, imperative: false } : null;
    }
    if (v === 0) {
      tick(tok);
      continue;
    }
    if (counter && v > 0) {
      v = -v * 0.8;
      counter = null;
    }
    if (desire && v > 0 && !lex.polite) {
      desire = null;
      tick(tok);
      continue;
    }
    if (intensity) {
      v *= intensity.x;
      intensity = null;
    }
    if (tok.caps && !shouting) v *= 1.4;
    contribs.push({ v, clause, polite: lex.polite === true, at: i });
    clauseStart = false;
  }

  if (end.q > 0 || finalParticle === "qpart") clauseQuestion[clause] = true;
  let sum = 0;
  for (const [index, c] of contribs.entries()) {
    let v = c.v * (clauseMult[c.clause] ?? 1);
    if (contrastAt >= 0) v *= index < contrastAt ? 0.5 : 1.5;
    if (clauseQuestion[c.clause] && !clauseRhet[c.clause] && !c.polite) v *= 0.3;
    sum += v;
  }
  if (finalParticle === "soft") sum *= 0.7;
  if (finalParticle === "emph") sum *= 1.15;
  // "A还是B？" and "is it still in stock?" ask, "if it still fails" supposes; "why is it still not here?" complains.
  const frust = frustClauses.some((c) => (!clauseQuestion[c] || clauseRhet[c]) && (clauseMult[c] ?? 1) >= 1);
  if (frust && sum < 0) sum -= 0.8;
  const excl = Math.min(end.excl, 3);
  if (sum > 0) sum += 0.3 * excl;
  else if (sum < 0) sum -= 0.3 * excl;
  else if (end.excl >= 2 && !greet) sum -= 1;
  if (end.q >= 2 && sum <= 0 && !greet) sum -= Math.min(end.q - 1, 2) * 0.5;
  return sum;
}

/** Negation of a valence: a positive turns somewhat negative, a negative only mildly positive ("not bad"). */
const flip = (v: number, strength: number) => (v > 0 ? -v * 0.75 * strength : -v * 0.5 * strength);

function endsClause(toks: Tok[], from: number): boolean {
  for (let i = from; i < toks.length; i++) {
    const t = toks[i] as Tok;
    if (t.clause || t.end) return true;
    if (!ZH_TAIL.has(t.text)) return false;
  }
  return true;
}

/** Index of the last token before trailing particles' punctuation, so 吗 in "可以吗？" counts as final. */
function lastWordIndex(toks: Tok[]): number {
  for (let i = toks.length - 1; i >= 0; i--) {
    const t = toks[i] as Tok;
    if (!t.clause && !t.end) return i;
  }
  return -1;
}

function shoutingText(text: string): boolean {
  const letters = text.match(/\p{Script=Latin}/gu) ?? [];
  if (letters.length < 8) return false;
  const upper = letters.filter((c) => c !== c.toLowerCase()).length;
  return upper / letters.length >= 0.7 && (text.match(/\p{Script=Latin}{2,}/gu)?.length ?? 0) >= 2;
}

/** The summed valence of a text before it is squashed into a score. */
export function sentimentValence(text: string, lang: Lang): number {
  const clipped = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  const normalized = clipped.normalize("NFKC");
  const shouting = shoutingText(normalized);
  const tokens = readLatin(rawTokens(normalized));
  let total = 0;
  let sentence: Tok[] = [];
  for (const tok of tokens) {
    if (tok.end) {
      total += scoreSentence(sentence, tok.end, lang, shouting);
      sentence = [];
    } else sentence.push(tok);
  }
  if (sentence.length > 0) total += scoreSentence(sentence, { excl: 0, q: 0 }, lang, shouting);
  if (shouting) total = total > 0.3 ? total * 1.2 : total - 1.2;
  return total;
}

export function analyzeSentiment(text: string, lang?: Lang): Sentiment {
  const s = typeof text === "string" ? sentimentValence(text, lang ?? detectLanguage(text)) : 0;
  const score = Number.isFinite(s) ? Math.max(-1, Math.min(1, s / Math.sqrt(s * s + ALPHA))) : 0;
  const label: SentimentLabel = score >= SENTIMENT_THRESHOLD ? "positive" : score <= -SENTIMENT_THRESHOLD ? "negative" : "neutral";
  return { label, score };
}
