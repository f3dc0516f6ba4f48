/**
 * Entities in customer messages: e-mail addresses, phone numbers, order ids, money amounts, dates and the
 * tenant's product names. Every detector proposes spans over the original string (UTF-16 indices, never a
 * normalized copy, so `text.slice(start, end) === value`); overlapping proposals are settled longest
 * first, then by how specific the type is (an e-mail beats the digits inside it, an order number after
 * "order" beats the same digits read as a phone). All patterns are linear or bounded; tenant patterns are
 * screened before use.
 */
import { z } from "zod";
import { findDates, localDay, parseChineseNumber } from "./dates";
import { detectLanguage, type Lang } from "./language";

export const EntityType = z.enum(["email", "phone", "order_id", "money", "date", "product"]);
export type EntityType = z.infer<typeof EntityType>;
export const Entity = z
  .object({
    type: EntityType,
    value: z.string().describe("The text as written: text.slice(start, end)"),
    start: z.int().describe("UTF-16 offset"),
    end: z.int(),
    normalized: z.string().optional().describe("A canonical form where the type has one (an e-mail in lower case, a money amount with its ISO currency, a date as YYYY-MM-DD)"),
  })
  .meta({ id: "Entity" });
export type Entity = z.infer<typeof Entity>;
export type EntityOptions = { now?: Date | number | string; tz?: string; orderPatterns?: string[]; products?: string[] };

/** Texts are read up to here; the API caps messages at 4,000 characters. */
const MAX_CHARS = 10_000;
const MAX_PRODUCTS = 5_000;
const MAX_PRODUCT_LENGTH = 200;
const MAX_PATTERNS = 20;
const MAX_PATTERN_LENGTH = 200;
const MAX_MATCHES_PER_PATTERN = 200;

type Candidate = Entity & { rank: number };

/** Lower rank wins a tie in length. */
const RANK: Record<EntityType | "tenant_order", number> = { email: 0, tenant_order: 1, order_id: 2, money: 3, date: 4, phone: 5, product: 6 };

const make = (type: EntityType, text: string, start: number, end: number, normalized?: string, rank = RANK[type]): Candidate => {
  const c: Candidate = { type, value: text.slice(start, end), start, end, rank };
  if (normalized !== undefined) c.normalized = normalized;
  return c;
};

// ---------------------------------------------------------------- e-mail

const EMAIL = /(?<![\w.%+'-])[\w.%+'-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

function emails(text: string): Candidate[] {
  return [...text.matchAll(EMAIL)].map((m) => make("email", text, m.index, m.index + m[0].length, m[0].toLowerCase()));
}

// ---------------------------------------------------------------- phone

const PHONE_FORMATS: RegExp[] = [
  /^(?:1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}$/, // (415) 555-2671, 415-555-2671, 1-800-555-0199
  /^[48]00[ -]?\d{3}[ -]?\d{4}$/, // 400-820-8820
  /^1[3-9]\d{9}$/, // 13800138000
  /^1[3-9]\d[ -]\d{4}[ -]\d{4}$/, // 139 1234 5678
  /^0\d{2,3}[ -]\d{7,8}$/, // 020-12345678
  /^\(0\d{2,3}\) ?\d{7,8}$/, // (020) 12345678
  /^0\d{2,4} \d{3,4} \d{3,4}$/, // 020 7946 0958
  /^0\d{4} \d{6}$/, // 07700 900123
];

/** A run of digits and the separators phone numbers use, starting at `start`. */
function phoneRun(text: string, start: number): number {
  let i = start;
  if (text[i] === "+" || text[i] === "(") i++;
  let end = start;
  let separators = 0;
  while (i < text.length && i - start <= 32) {
    const ch = text[i] as string;
    if (ch >= "0" && ch <= "9") {
      end = i + 1;
      separators = 0;
    } else if (" -.()".includes(ch)) {
      if (++separators > 2 || (ch === " " && text[i - 1] === " ")) break;
    } else break;
    i++;
  }
  if (text[end] === ")") end++;
  return end;
}

const digitsOf = (s: string) => s.replace(/\D/g, "");

function phoneAt(run: string): string | undefined {
  const international = run.startsWith("+") || /^00[1-9]/.test(run);
  if (international) {
    const body = run.replace(/\(0\)/, "");
    const digits = digitsOf(body).replace(/^00/, "");
    if (digits.length < 8 || digits.length > 15 || digits.startsWith("0")) return undefined;
    if (!/^(?:\+|00)\s?\d[\d\s().-]*$/.test(body)) return undefined;
    return `+${digits}`;
  }
  return PHONE_FORMATS.some((f) => f.test(run)) ? digitsOf(run) : undefined;
}

function phones(text: string): Candidate[] {
  const out: Candidate[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    const startsRun = (ch >= "0" && ch <= "9") || ((ch === "+" || ch === "(") && /\d/.test(text[i + 1] ?? ""));
    if (!startsRun || /[\p{L}\p{N}#$€£¥￥.,/_@-]/u.test(text[i - 1] ?? "") && !/\p{Script=Han}/u.test(text[i - 1] ?? "")) {
      i++;
      continue;
    }
    const end = phoneRun(text, i);
    const after = text[end] ?? "";
    const run = text.slice(i, end);
    if (!/[\p{L}\p{N}%@]/u.test(after) || /\p{Script=Han}/u.test(after)) {
      const found = longestPhone(run);
      if (found) out.push(make("phone", text, i + found.from, i + found.to, found.normalized));
    }
    i = Math.max(end, i + 1);
  }
  return out;
}

/** The whole run when it is a phone number; else the run without short trailing or leading groups. */
function longestPhone(run: string): { from: number; to: number; normalized: string } | undefined {
  const whole = phoneAt(run);
  if (whole) return { from: 0, to: run.length, normalized: whole };
  const chunks = [...run.matchAll(/\S+/g)].map((m) => ({ from: m.index, to: m.index + m[0].length }));
  for (let a = 0; a < chunks.length; a++) {
    for (let b = chunks.length - 1; b >= a; b--) {
      if (a === 0 && b === chunks.length - 1) continue;
      const dropped = [...chunks.slice(0, a), ...chunks.slice(b + 1)];
      // Dropping a group of three or more digits would cut a card or account number into a "phone".
      if (dropped.some((c) => digitsOf(run.slice(c.from, c.to)).length > 2)) continue;
      const first = chunks[a] as { from: number };
      const last = chunks[b] as { to: number };
      const normalized = phoneAt(run.slice(first.from, last.to));
      if (normalized) return { from: first.from, to: last.to, normalized };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- order ids

const ORDER_CONTEXT = String.raw`(?:(?<![A-Za-z])(?:order(?:s)?(?:\s+(?:number|no\.?|num|id|ref(?:erence)?|code))?|tracking(?:\s+(?:number|no\.?|id|code))?|reference(?:\s+number)?|ref\.?(?:\s+no\.?)?)(?![A-Za-z])|快递单号|运单号|物流单号|订单编号|订单号码|订单号|订单|单号)`;
const ORDER_LINK = String.raw`(?:\s*(?:[:：,，]|no\.?|number|is|was|是|为|号)\s*){0,3}|\s+`;
const ORDER_CODE = String.raw`#?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}[A-Za-z0-9])?`;
const ORDER_AFTER_CONTEXT = new RegExp(`${ORDER_CONTEXT}(?:${ORDER_LINK})(?<code>${ORDER_CODE})(?![A-Za-z0-9])`, "giu");
const HASH_CODE = /(?<![\p{L}\p{N}&#])#[A-Za-z0-9](?:[A-Za-z0-9-]{1,38}[A-Za-z0-9])(?![A-Za-z0-9])/gu;
const PREFIXED_CODE = /(?<![A-Za-z0-9])(?:ORD|ORDER|SO|PO|RMA)[-_]?\d[A-Z0-9-]{3,38}(?<![-])(?![A-Za-z0-9])/gi;

const isDateLike = (s: string) => /^\d{4}-\d{1,2}-\d{1,2}$/.test(s) || /^\d{1,2}-\d{1,2}-\d{4}$/.test(s);
const digitCount = (s: string) => s.replace(/\D/g, "").length;

/** A plausible order code: four or more digits, or five or more characters with two or more digits. */
function orderCode(code: string): boolean {
  const bare = code.replace(/^#/, "");
  if (isDateLike(bare)) return false;
  if (/^[\d-]+$/.test(bare)) return digitCount(bare) >= 4 && !/^-|-$/.test(bare);
  return bare.replace(/-/g, "").length >= 5 && digitCount(bare) >= 2;
}

const orderNormal = (s: string) => s.replace(/^#/, "").toUpperCase();

function orderIds(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of text.matchAll(ORDER_AFTER_CONTEXT)) {
    const code = m.groups?.code ?? "";
    if (!orderCode(code)) continue;
    const start = m.index + m[0].length - code.length;
    out.push(make("order_id", text, start, start + code.length, orderNormal(code)));
  }
  for (const m of text.matchAll(HASH_CODE)) {
    if (digitCount(m[0]) >= 2) out.push(make("order_id", text, m.index, m.index + m[0].length, orderNormal(m[0])));
  }
  for (const m of text.matchAll(PREFIXED_CODE)) {
    if (digitCount(m[0]) >= 4) out.push(make("order_id", text, m.index, m.index + m[0].length, orderNormal(m[0])));
  }
  return out;
}

/**
 * Tenant patterns are regex sources from configuration. A pattern is refused when it does not compile,
 * is long, refers back to a group, or repeats a group that itself repeats or alternates (the shapes that
 * backtrack exponentially), or has more than two unbounded repeats (polynomial blow-up on long digit runs).
 */
export function compileOrderPattern(source: string): RegExp | undefined {
  if (typeof source !== "string" || source.length === 0 || source.length > MAX_PATTERN_LENGTH) return undefined;
  if (/\\[1-9]|\\k</.test(source) || !boundedShape(source)) return undefined;
  // Unicode mode first; a source written without it (say "\\-" outside a class) gets a second chance.
  for (const flags of ["gu", "g"]) {
    try {
      return new RegExp(source, flags);
    } catch {
      continue;
    }
  }
  return undefined;
}

function boundedShape(source: string): boolean {
  const groups: Array<{ risky: boolean }> = [];
  let unbounded = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    if (ch === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      continue;
    }
    if (ch === "[") {
      inClass = true;
      continue;
    }
    if (ch === "(") {
      groups.push({ risky: false });
      continue;
    }
    const quant = quantifierAt(source, i);
    if (ch === "|" || quant === "unbounded") {
      if (quant === "unbounded") unbounded++;
      for (const g of groups) g.risky = true;
    }
    if (ch === ")") {
      const group = groups.pop();
      const next = quantifierAt(source, i + 1);
      if (group?.risky && next === "unbounded") return false;
      if (group?.risky && next === "bounded" && !/^\?/.test(source.slice(i + 1))) return false;
    }
  }
  return unbounded <= 2;
}

function quantifierAt(source: string, i: number): "unbounded" | "bounded" | undefined {
  const ch = source[i];
  if (ch === "+" || ch === "*") return "unbounded";
  if (ch === "?") return "bounded";
  if (ch === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    if (!m) return undefined;
    if (m[2] !== undefined && (m[3] === undefined || m[3] === "")) return "unbounded";
    return Number(m[3] ?? m[1]) > 100 ? "unbounded" : "bounded";
  }
  return undefined;
}

function tenantOrders(text: string, patterns: string[] | undefined): Candidate[] {
  const out: Candidate[] = [];
  for (const source of (Array.isArray(patterns) ? patterns : []).slice(0, MAX_PATTERNS)) {
    const re = compileOrderPattern(source);
    if (!re) continue;
    let n = 0;
    for (const m of text.matchAll(re)) {
      if (m[0].length > 0) out.push(make("order_id", text, m.index, m.index + m[0].length, orderNormal(m[0]), RANK.tenant_order));
      if (++n >= MAX_MATCHES_PER_PATTERN) break;
    }
  }
  return out;
}

// ---------------------------------------------------------------- money

const AMOUNT = String.raw`\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?`;
const MULT = "(?:[kK](?![A-Za-z])|万|千|百万|亿)";
const PREFIX_SYMBOLS: Array<[string, string]> = [
  ["US$", "USD"], ["HK$", "HKD"], ["NT$", "TWD"], ["AU$", "AUD"], ["A$", "AUD"], ["CA$", "CAD"], ["C$", "CAD"],
  ["S$", "SGD"], ["NZ$", "NZD"], ["R$", "BRL"], ["$", "USD"], ["€", "EUR"], ["£", "GBP"], ["₹", "INR"], ["₩", "KRW"],
  ["₽", "RUB"], ["¥", "YEN"], ["￥", "CNY"],
];
const CODES = ["USD", "EUR", "GBP", "CNY", "RMB", "JPY", "HKD", "TWD", "NTD", "AUD", "CAD", "SGD", "KRW", "INR", "CHF", "NZD"];
const SUFFIX_WORDS: Array<[string, string]> = [
  ["元人民币", "CNY"], ["人民币", "CNY"], ["块钱", "CNY"], ["块", "CNY"], ["美元", "USD"], ["美金", "USD"], ["欧元", "EUR"],
  ["英镑", "GBP"], ["日元", "JPY"], ["日币", "JPY"], ["港币", "HKD"], ["港元", "HKD"], ["新台币", "TWD"], ["台币", "TWD"],
  ["韩元", "KRW"], ["澳元", "AUD"], ["加元", "CAD"], ["元", "CNY"], ["円", "JPY"],
];
const SUFFIX_EN: Array<[string, string]> = [
  ["dollars", "USD"], ["dollar", "USD"], ["bucks", "USD"], ["euros", "EUR"], ["euro", "EUR"], ["pounds", "GBP"],
  ["pound", "GBP"], ["quid", "GBP"], ["yuan", "CNY"], ["rmb", "CNY"], ["yen", "JPY"], ["rupees", "INR"], ["cents", "CENT"], ["cent", "CENT"],
];

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\$]/g, "\\$&");
const alt = (xs: string[]) => xs.map(esc).sort((a, b) => b.length - a.length).join("|");
const NO_DIGIT_BEFORE = String.raw`(?<![\p{N}.,])`;
const NO_WORD_AFTER = String.raw`(?![\p{N}]|[.,]\d)`;

const MONEY_PREFIX = new RegExp(
  `(?<![A-Za-z0-9])(?<cur>${alt(PREFIX_SYMBOLS.map(([s]) => s))}|(?:${CODES.join("|")})(?![A-Za-z]))\\s?(?<amt>${AMOUNT})(?<mult>${MULT})?${NO_WORD_AFTER}`,
  "gu",
);
const MONEY_SUFFIX = new RegExp(
  `${NO_DIGIT_BEFORE}(?<![A-Za-z])(?<amt>${AMOUNT})\\s?(?<mult>${MULT})?\\s?(?<cur>${alt(SUFFIX_WORDS.map(([s]) => s))}|(?:${alt([...CODES, ...SUFFIX_EN.map(([s]) => s)])})(?![A-Za-z])|€|£)`,
  "giu",
);
const MONEY_CN = new RegExp(`(?<![零〇一二两三四五六七八九十百千万亿])(?<amt>[零〇一二两三四五六七八九十百千万亿]{1,12})(?<cur>${alt(SUFFIX_WORDS.map(([s]) => s))})(?!儿)`, "gu");

const CURRENCY: Record<string, string> = Object.fromEntries([
  ...PREFIX_SYMBOLS,
  ...SUFFIX_WORDS,
  ...SUFFIX_EN,
  ...CODES.map((c) => [c, c] as [string, string]),
  ["RMB", "CNY"],
  ["NTD", "TWD"],
]);

const MULTIPLIER: Record<string, number> = { k: 1e3, K: 1e3, 千: 1e3, 万: 1e4, 百万: 1e6, 亿: 1e8 };

/** "1,299.99" → 1299.99, "12,50" → 12.5, "1.299,00" → 1299, "€1.299" → 1299 */
function parseAmount(s: string, iso: string): number | undefined {
  const lastDot = s.lastIndexOf(".");
  const lastComma = s.lastIndexOf(",");
  let normalized: string;
  if (lastDot >= 0 && lastComma >= 0) {
    const decimal = lastDot > lastComma ? "." : ",";
    const group = decimal === "." ? "," : ".";
    normalized = s.split(group).join("").replace(decimal, ".");
  } else if (lastComma >= 0) {
    normalized = /^\d{1,3}(,\d{3})+$/.test(s) ? s.replace(/,/g, "") : s.replace(",", ".");
  } else if (lastDot >= 0) {
    const grouped = /^\d{1,3}(\.\d{3})+$/.test(s);
    normalized = grouped && (s.split(".").length > 2 || iso === "EUR") ? s.replace(/\./g, "") : s;
  } else normalized = s;
  const n = Number(normalized);
  return Number.isFinite(n) ? n : undefined;
}

function currencyOf(raw: string, lang: Lang): string | undefined {
  const key = Object.hasOwn(CURRENCY, raw) ? raw : Object.hasOwn(CURRENCY, raw.toUpperCase()) ? raw.toUpperCase() : raw.toLowerCase();
  const iso = CURRENCY[key];
  // ¥ is both yuan and yen: a Chinese message means yuan; the fullwidth ￥ is what Chinese keyboards type.
  if (iso === "YEN") return lang === "zh" ? "CNY" : "JPY";
  return iso;
}

const formatAmount = (n: number) => String(Math.round(n * 100) / 100);

/** After 块 a Han word other than these makes it a measure word: 三块电池 is three batteries, 两百块 is money. */
const AFTER_KUAI = "钱多左右的了吧啊呢吗呀啦";

function moneyCandidate(text: string, m: RegExpMatchArray, amount: number | undefined, cur: string, lang: Lang): Candidate | undefined {
  let iso = currencyOf(cur, lang);
  if (iso === undefined || amount === undefined) return undefined;
  const next = text[(m.index ?? 0) + m[0].length] ?? "";
  if (cur === "块" && amount < 10 && /\p{Script=Han}/u.test(next) && !AFTER_KUAI.includes(next)) return undefined;
  let value = amount * (MULTIPLIER[m.groups?.mult ?? ""] ?? 1);
  if (iso === "CENT") {
    iso = "USD";
    value /= 100;
  }
  const start = m.index ?? 0;
  return make("money", text, start, start + m[0].length, `${formatAmount(value)} ${iso}`);
}

function money(text: string, lang: Lang): Candidate[] {
  const out: Candidate[] = [];
  for (const m of text.matchAll(MONEY_PREFIX)) {
    const cur = m.groups?.cur ?? "";
    const c = moneyCandidate(text, m, parseAmount(m.groups?.amt ?? "", currencyOf(cur, lang) ?? ""), cur, lang);
    if (c) out.push(c);
  }
  for (const m of text.matchAll(MONEY_SUFFIX)) {
    const cur = m.groups?.cur ?? "";
    const c = moneyCandidate(text, m, parseAmount(m.groups?.amt ?? "", currencyOf(cur, lang) ?? ""), cur, lang);
    if (c) out.push(c);
  }
  for (const m of text.matchAll(MONEY_CN)) {
    const c = moneyCandidate(text, m, parseChineseNumber(m.groups?.amt ?? ""), m.groups?.cur ?? "", lang);
    if (c) out.push(c);
  }
  return out;
}

// ---------------------------------------------------------------- products

/** Lowercase that keeps every UTF-16 index where it was. */
function foldCase(s: string): string {
  let out = "";
  for (const ch of s) {
    const lower = ch.toLowerCase();
    out += lower.length === ch.length ? lower : ch;
  }
  return out;
}

const LATIN_WORD = /[\p{Script=Latin}\p{N}]/u;

function products(text: string, names: string[] | undefined): Candidate[] {
  if (!Array.isArray(names) || names.length === 0) return [];
  const folded = foldCase(text);
  const out: Candidate[] = [];
  for (const name of names.slice(0, MAX_PRODUCTS)) {
    if (typeof name !== "string") continue;
    const canonical = name.trim();
    if (canonical.length === 0 || canonical.length > MAX_PRODUCT_LENGTH) continue;
    const needle = foldCase(canonical);
    // Latin ends need word boundaries ("Pro" is not in "Product"); Han ends match as substrings.
    const checkStart = LATIN_WORD.test(needle[0] ?? "");
    const checkEnd = LATIN_WORD.test(needle[needle.length - 1] ?? "");
    let from = 0;
    for (let guard = 0; guard < 1000; guard++) {
      const at = folded.indexOf(needle, from);
      if (at < 0) break;
      const end = at + needle.length;
      const okStart = !checkStart || !LATIN_WORD.test(folded[at - 1] ?? "");
      const okEnd = !checkEnd || !LATIN_WORD.test(folded[end] ?? "");
      if (okStart && okEnd) out.push(make("product", text, at, end, canonical));
      from = at + 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------- together

function settle(candidates: Candidate[]): Entity[] {
  const ordered = [...candidates].sort((a, b) => b.end - b.start - (a.end - a.start) || a.rank - b.rank || a.start - b.start);
  const taken: Candidate[] = [];
  for (const c of ordered) {
    if (c.end <= c.start) continue;
    if (taken.every((t) => c.end <= t.start || c.start >= t.end)) taken.push(c);
  }
  return taken
    .sort((a, b) => a.start - b.start)
    .map(({ rank: _rank, ...entity }) => entity);
}

export function extractEntities(text: string, opts: EntityOptions = {}): Entity[] {
  if (typeof text !== "string" || text.length === 0) return [];
  const t = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  const o = opts ?? {};
  const lang = detectLanguage(t);
  const today = localDay(o.now, o.tz);
  const dates = findDates(t, today).map((d) => make("date", t, d.start, d.end, d.normalized));
  return settle([
    ...emails(t),
    ...tenantOrders(t, o.orderPatterns),
    ...orderIds(t),
    ...money(t, lang),
    ...dates,
    ...phones(t),
    ...products(t, o.products),
  ]);
}
