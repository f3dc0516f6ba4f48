/**
 * Text as the knowledge base's full-text index sees it. D1's FTS5 tokenizer (`unicode61`) splits on anything that
 * is not a letter, digit or mark, so a Chinese sentence, written without spaces, would be one giant token. The
 * text is therefore rewritten before it reaches FTS5: NFKC-normalised, lowercased, stripped of Latin diacritics,
 * letters split from digits, and every run of Han, kana or Hangul turned into its overlapping character bigrams
 * ("退款流程" → "退款 款流 流程 程"). The same rewriting of a query makes a 2-character word like 退款 one exact
 * token, and a longer run a phrase of consecutive bigrams.
 *
 * The normalisation is done one code point at a time so that every normalised character keeps the span of the
 * original text it came from: snippets and highlights are cut from the original, never from the rewritten text.
 */

/** Scripts indexed as bigrams: Chinese and Japanese have no spaces; Korean has them, but glues particles to words (환불은). */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/u;
const DIGIT = /\p{N}/u;
/** The characters the index's tokenizer keeps (migrations/0002: `categories 'L* N* Co M*'`). */
const WORD = /[\p{L}\p{N}\p{M}\p{Co}]/u;
const LATIN_MARKS = /[\u0300-\u036f]/g;

export type Char = { ch: string; start: number; end: number };
export type Run = { kind: "word"; text: string; start: number; end: number } | { kind: "cjk"; chars: Char[]; start: number; end: number };

function fold(cp: string): string {
  const n = cp.normalize("NFKC").toLowerCase();
  const d = n.normalize("NFD");
  const bare = d.replace(LATIN_MARKS, "");
  return bare === d ? n : bare.normalize("NFC");
}

/** The words and Han/kana/Hangul runs of `s`, normalised, with their spans in `s` (UTF-16 offsets). */
export function runs(s: string): Run[] {
  const out: Run[] = [];
  let cur: Run | null = null;
  let i = 0;
  let digits = false;
  // Letters and digits are separate words ("iPhone15" → iphone 15, "XM5" → xm 5), so a model number matches
  // however it is spaced; the query keeps such glued pieces together as a phrase.
  const word = (ch: string, start: number, end: number, digit: boolean) => {
    if (cur?.kind !== "word" || digit !== digits) out.push((cur = { kind: "word", text: "", start, end }));
    digits = digit;
    cur.text += ch;
    cur.end = end;
  };
  while (i < s.length) {
    const start = i;
    const code = s.charCodeAt(i);
    // ASCII, most of any text, without regular expressions or normalisation.
    if (code < 0x80) {
      i++;
      if (code >= 0x30 && code <= 0x39) word(s[start]!, start, i, true);
      else if (code >= 0x61 && code <= 0x7a) word(s[start]!, start, i, false);
      else if (code >= 0x41 && code <= 0x5a) word(String.fromCharCode(code + 32), start, i, false);
      else cur = null;
      continue;
    }
    // Common ideographs, kana and Hangul syllables are their own normal form.
    if ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0x3041 && code <= 0x3096) || (code >= 0x30a1 && code <= 0x30fa) || (code >= 0xac00 && code <= 0xd7a3)) {
      i++;
      if (cur?.kind !== "cjk") out.push((cur = { kind: "cjk", chars: [], start, end: i }));
      cur.chars.push({ ch: s[start]!, start, end: i });
      cur.end = i;
      continue;
    }
    const cp = String.fromCodePoint(s.codePointAt(i)!);
    i += cp.length;
    const folded = fold(cp);
    // A combining accent folds to nothing: it still belongs to the word it decorates.
    if (folded === "" && cur) {
      cur.end = i;
      if (cur.kind === "cjk") cur.chars[cur.chars.length - 1]!.end = i;
      continue;
    }
    for (const ch of folded) {
      if (CJK.test(ch)) {
        if (cur?.kind !== "cjk") out.push((cur = { kind: "cjk", chars: [], start, end: i }));
        cur.chars.push({ ch, start, end: i });
        cur.end = i;
      } else if (WORD.test(ch)) {
        // A mark stays with the word it follows, letter or digit.
        word(ch, start, i, /\p{M}/u.test(ch) ? digits : DIGIT.test(ch));
      } else {
        cur = null;
      }
    }
  }
  return out;
}

function bigrams(chars: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k + 1 < chars.length; k++) out.push(chars[k]! + chars[k + 1]!);
  return out;
}

/**
 * What FTS5 indexes for `s`. A Han run's last character is indexed alone as well, so that every character of the
 * text starts some token and a one-character query can be a prefix query ("药"* finds 药品 and 买药 alike).
 */
export function indexText(s: string): string {
  const parts: string[] = [];
  for (const r of runs(s)) {
    if (r.kind === "word") {
      parts.push(r.text);
      continue;
    }
    const chars = r.chars.map((c) => c.ch);
    parts.push(...bigrams(chars));
    if (chars.length > 0) parts.push(chars[chars.length - 1]!);
  }
  return parts.join(" ");
}

/** One FTS5 token to look for: the exact token, or (prefix) any token that starts with it. */
export type Atom = { text: string; prefix: boolean };
/** A unit of the query that a matching entry must contain: a word, a glued word ("x7") or a Han run as a phrase. */
export type Group = { kind: "word" | "cjk"; atoms: Atom[] };
/**
 * `strict` requires every group (AND), `loose` any word or bigram (OR: bm25 ranks by how many and how rare). Both
 * are null when the query has nothing searchable in it (punctuation, emoji).
 */
export type KbQuery = { groups: Group[]; strict: string | null; loose: string | null };

/**
 * Function words that carry no topic: they are left out of what an entry must contain, so "how do I get a
 * refund" asks for entries about refunds, not for entries that also say "how".
 */
const EN_STOP = new Set(
  ("a an the is are was were be been being am do does did doing how what when where why who whom which whose can could would should " +
    "will shall may might must i me my mine myself you your yours we us our ours they them their he him his she her it its this that " +
    "these those to of in on at by for with from about as into onto and or but if so than then there here please pls hi hello hey " +
    "thanks thank any some get got have has had want wants need needs no not yes").split(" "),
);

/**
 * Chinese and Japanese function words, particles and fillers ("我想", "请问", "怎么"), longest first. A one-character
 * one is also half of many content words (申请, 重要, 目的), so it only splits a run where no one-character piece
 * would be left beside it (see splitAtStops).
 */
const CJK_STOP = [
  "为什么", "怎么样", "怎么办", "能不能", "可不可以", "是不是", "有没有", "怎么", "如何", "什么", "请问", "可以", "能否", "是否",
  "一下", "我们", "你们", "他们", "哪里", "哪个", "多少", "为何", "需要", "怎樣", "怎麼", "甚麼", "請問", "我們", "你們", "這個", "这个",
  "的", "了", "吗", "嗎", "呢", "吧", "啊", "呀", "嘛", "么", "我", "你", "您", "他", "她", "它", "想", "要", "请", "請", "能", "会", "會",
  "是", "在", "有", "和", "与", "與", "及", "把", "给", "給", "让", "讓", "被", "都", "也", "就", "还", "還", "很",
  "の", "を", "は", "が", "に", "で", "へ", "と", "も",
].sort((a, b) => [...b].length - [...a].length);

/** Strips a plural, -ed or -ing ending for a prefix query: "refunds" → refund*, "cancelled" → cancel*. */
function wordAtom(w: string): Atom {
  if (!/^\p{L}{4,}$/u.test(w)) return { text: w, prefix: false };
  if (!/^[a-z]+$/.test(w)) return { text: w, prefix: true };
  for (const suffix of ["ies", "ing", "ed", "es", "s"]) {
    if (!w.endsWith(suffix) || (suffix === "s" && /(ss|us|is)$/.test(w))) continue;
    let stem = w.slice(0, -suffix.length);
    if (suffix === "es" && !/(s|x|z|ch|sh)$/.test(stem)) continue;
    const long = suffix === "ies" || suffix === "ing" || suffix === "ed";
    // "shipped" → ship*, "cancelled" → cancel*; but "billing" stays bill*.
    if (long && /([b-df-hj-np-tv-z])\1$/.test(stem) && stem.length > 4) stem = stem.slice(0, -1);
    if (stem.length >= (long ? 4 : 3)) return { text: stem, prefix: true };
  }
  return { text: w, prefix: true };
}

/**
 * The pieces of a Han, kana or Hangul run between its function words: "我的订单怎么退款" → 订单, 退款. A one-character stop next
 * to a one-character piece stays part of it ("申请退款" → 申请, 退款, "目的地" stays whole): a lone character is a
 * prefix query that matches far too much. Every piece is a substring of the run, so an entry containing the whole
 * run always contains every piece.
 */
function splitAtStops(chars: readonly string[]): string[][] {
  const segs: { stop: boolean; chars: string[] }[] = [];
  for (let k = 0; k < chars.length; ) {
    const stop = CJK_STOP.find((w) => chars.slice(k, k + [...w].length).join("") === w);
    if (stop) {
      segs.push({ stop: true, chars: [...stop] });
      k += [...stop].length;
      continue;
    }
    const last = segs[segs.length - 1];
    if (last && !last.stop) last.chars.push(chars[k]!);
    else segs.push({ stop: false, chars: [chars[k]!] });
    k++;
  }
  const isLone = (s: { stop: boolean; chars: string[] } | undefined) => s !== undefined && !s.stop && s.chars.length === 1;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (!seg.stop || seg.chars.length !== 1) continue;
    const from = isLone(segs[i - 1]) ? i - 1 : i;
    const to = isLone(segs[i + 1]) ? i + 1 : i;
    if (from === to) continue;
    segs.splice(from, to - from + 1, { stop: false, chars: segs.slice(from, to + 1).flatMap((s) => s.chars) });
    i = from;
  }
  return segs.filter((s) => !s.stop).map((s) => s.chars);
}

function cjkGroup(chars: readonly string[]): Group {
  return chars.length === 1 ? { kind: "cjk", atoms: [{ text: chars[0]!, prefix: true }] } : { kind: "cjk", atoms: bigrams(chars).map((text) => ({ text, prefix: false })) };
}

/** FTS5 string syntax: a double-quoted string with quotes doubled is always a phrase, never an operator or a column filter. */
const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
const atomExpr = (a: Atom) => (a.prefix ? `${quote(a.text)}*` : quote(a.text));
const groupExpr = (g: Group) => (g.atoms.length === 1 ? atomExpr(g.atoms[0]!) : quote(g.atoms.map((a) => a.text).join(" ")));

/** At most this many atoms reach FTS5: a 500-character Chinese paragraph is ~500 bigrams, of which the first suffice. */
export const MAX_ATOMS = 48;

/**
 * The FTS5 MATCH expressions for a user's query. Every atom is a quoted string of word characters, so no input
 * can produce an FTS5 syntax error or smuggle in an operator, a column filter or a NEAR group.
 */
export function buildQuery(q: string): KbQuery {
  const rs = runs(q);
  const make = (dropStops: boolean) => {
    const groups: Group[] = [];
    // A lone character cut off by a function word ("怎么用" → 用) is kept only when nothing else is left.
    const remnants: Group[] = [];
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i]!;
      if (r.kind === "word") {
        const glued = [r.text];
        while (rs[i + 1]?.kind === "word" && rs[i + 1]!.start === rs[i]!.end) glued.push((rs[++i] as { text: string }).text);
        if (glued.length > 1) groups.push({ kind: "word", atoms: glued.map((text) => ({ text, prefix: false })) });
        else if (!(dropStops && EN_STOP.has(r.text))) groups.push({ kind: "word", atoms: [wordAtom(r.text)] });
        continue;
      }
      const chars = r.chars.map((c) => c.ch);
      for (const piece of dropStops ? splitAtStops(chars) : [chars]) (piece.length === 1 && chars.length > 1 ? remnants : groups).push(cjkGroup(piece));
    }
    return groups.length ? groups : remnants;
  };
  let groups = make(true);
  if (groups.length === 0) groups = make(false);
  // Bigrams that straddle a function word ("目的地" split at 的) still count for the loose match.
  const bridging = rs.flatMap((r) => (r.kind === "cjk" ? bigrams(r.chars.map((c) => c.ch)).map((text) => ({ text, prefix: false })) : []));

  // The loose match takes a Han phrase apart (any of its bigrams counts) but keeps a glued word whole: "t 6" of
  // "T6" as separate tokens would match every "t" and every "6".
  const kept: Group[] = [];
  const loose: string[] = [];
  let budget = MAX_ATOMS;
  const offer = (expr: string, cost: number) => {
    if (loose.includes(expr) || cost > budget) return;
    loose.push(expr);
    budget -= cost;
  };
  for (const g of groups) {
    const expr = groupExpr(g);
    if (kept.some((k) => groupExpr(k) === expr)) continue;
    if (g.atoms.length > budget) break;
    kept.push(g);
    if (g.kind === "word") offer(expr, g.atoms.length);
    else g.atoms.forEach((a) => offer(atomExpr(a), 1));
  }
  bridging.forEach((a) => offer(atomExpr(a), 1));
  if (kept.length === 0) return { groups: [], strict: null, loose: null };
  return { groups: kept, strict: kept.map(groupExpr).join(" AND "), loose: loose.join(" OR ") };
}

/** Where an atom of the query matched in a text: a span of the original text. */
export type Hit = { group: number; atom: number; start: number; end: number };

/** Per group, the share of its atoms among `hits` (a Han phrase may match in part). */
export function coverage(groups: readonly Group[], hits: readonly Hit[]): number[] {
  const found = groups.map(() => new Set<number>());
  for (const h of hits) found[h.group]?.add(h.atom);
  return groups.map((g, gi) => found[gi]!.size / g.atoms.length);
}

/**
 * The query's groups in one text, by the same rules FTS5 applies to the rewritten text: a word atom against whole
 * words, a bigram atom against adjacent Han characters, a one-character atom against any Han character. One pass
 * over the text with the atoms in a map, however many the query has.
 */
export function matchText(text: string, groups: readonly Group[]): Hit[] {
  const exact = new Map<string, [number, number][]>();
  const prefixes: [string, number, number][] = [];
  const phrases: [number, Group][] = [];
  groups.forEach((g, gi) => {
    if (g.kind === "word" && g.atoms.length > 1) {
      phrases.push([gi, g]);
      return;
    }
    g.atoms.forEach((a, ai) => {
      const key = `${g.kind}:${a.text}`;
      if (g.kind === "word" && a.prefix) prefixes.push([a.text, gi, ai]);
      else exact.set(key, [...(exact.get(key) ?? []), [gi, ai]]);
    });
  });
  const hits: Hit[] = [];
  const hit = (refs: readonly (readonly [number, number])[] | undefined, start: number, end: number) => {
    for (const [group, atom] of refs ?? []) hits.push({ group, atom, start, end });
  };
  const rs = runs(text);
  rs.forEach((r, k) => {
    if (r.kind === "cjk") {
      r.chars.forEach((c, j) => {
        hit(exact.get(`cjk:${c.ch}`), c.start, c.end);
        const next = r.chars[j + 1];
        if (next) hit(exact.get(`cjk:${c.ch}${next.ch}`), c.start, next.end);
      });
      return;
    }
    hit(exact.get(`word:${r.text}`), r.start, r.end);
    for (const [p, group, atom] of prefixes) if (r.text.startsWith(p)) hits.push({ group, atom, start: r.start, end: r.end });
    // A glued word ("x 7" of "X7") counts only whole, as consecutive words, the way FTS5 matches the phrase.
    for (const [group, g] of phrases) {
      const words = g.atoms.map((_, ai) => rs[k + ai]);
      if (!g.atoms.every((a, ai) => words[ai]?.kind === "word" && words[ai].text === a.text)) continue;
      words.forEach((w, atom) => hits.push({ group, atom, start: w!.start, end: w!.end }));
    }
  });
  return hits.sort((x, y) => x.start - y.start || x.end - y.end);
}

/**
 * The share of a text's own tokens (its words other than function words, its Han bigrams) that `hits` cover: 1
 * when the query names all of a title, less when the title says more than the query asked.
 */
export function coveredShare(text: string, hits: readonly Hit[]): number {
  const spans: [number, number][] = [];
  for (const r of runs(text)) {
    if (r.kind === "word") {
      if (!EN_STOP.has(r.text)) spans.push([r.start, r.end]);
      continue;
    }
    if (r.chars.length === 1) spans.push([r.chars[0]!.start, r.chars[0]!.end]);
    for (let k = 0; k + 1 < r.chars.length; k++) spans.push([r.chars[k]!.start, r.chars[k + 1]!.end]);
  }
  if (spans.length === 0) return 0;
  return spans.filter(([start, end]) => hits.some((h) => h.start <= start && end <= h.end)).length / spans.length;
}
