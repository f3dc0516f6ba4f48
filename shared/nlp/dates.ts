/**
 * Dates in English and Chinese customer messages, absolute ("2024-03-15", "15 March 2024", "3月15日") and
 * relative ("tomorrow", "next Monday", "in 3 days", "下周三", "三天前"), each resolved to an ISO calendar
 * date against the local day of `now` in the tenant's time zone.
 *
 * Rules (docs/nlp-sentiment-entities.md has the reasoning):
 * - weeks run Monday–Sunday; "next/last/this <weekday>" and 下周三/上周五/这周五 name that weekday in the
 *   next/previous/current calendar week; a bare weekday ("Friday", 周五) is its next occurrence, today included;
 * - "this weekend"/周末 is the Saturday of the current week; "next week"/下周 is its Monday, "next month"/下个月
 *   the 1st, "next year"/明年 1 January;
 * - a year-less date ("March 15", "3月15日") takes the year that puts it nearest to today; a day alone (15号)
 *   the nearest month; a month with a year ("January 2024") its first day;
 * - numeric a/b/yyyy is day/month when the separator is a dot or the first number is over 12, else
 *   month/day; year-less a/b only after on/by/before/after/until/since/from.
 */
export type Day = { y: number; m: number; d: number };
export type DateMatch = { start: number; end: number; normalized: string };

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" });
    // Time zone names come from tenants: keep the cache from growing with junk.
    if (formatters.size > 64) formatters.clear();
    formatters.set(tz, f);
  }
  return f;
}

/** The calendar day of `now` in `tz`; an unreadable instant means now, an unknown zone UTC. */
export function localDay(now: Date | number | string | undefined, tz: string | undefined): Day {
  let t = now instanceof Date ? now.getTime() : typeof now === "number" ? now : typeof now === "string" ? Date.parse(now) : Date.now();
  if (!Number.isFinite(t) || Math.abs(t) > 8.64e15) t = Date.now();
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatter(tz || "UTC").formatToParts(t);
  } catch {
    parts = formatter("UTC").formatToParts(t);
  }
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { y: get("year"), m: get("month"), d: get("day") };
}

const toMs = (day: Day) => Date.UTC(day.y, day.m - 1, day.d);
const fromMs = (ms: number): Day => {
  const d = new Date(ms);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
};
export const addDays = (day: Day, n: number): Day => fromMs(toMs(day) + n * DAY_MS);
/** 0 = Monday … 6 = Sunday */
const weekday = (day: Day) => (new Date(toMs(day)).getUTCDay() + 6) % 7;
const mondayOf = (day: Day) => addDays(day, -weekday(day));
const addMonths = (day: Day, n: number): Day => {
  const total = day.y * 12 + (day.m - 1) + n;
  return { y: Math.floor(total / 12), m: (total % 12) + 1, d: 1 };
};

export const iso = (day: Day) =>
  `${String(day.y).padStart(4, "0")}-${String(day.m).padStart(2, "0")}-${String(day.d).padStart(2, "0")}`;

export function validDay(y: number, m: number, d: number): Day | undefined {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return undefined;
  const day = fromMs(Date.UTC(y, m - 1, d));
  return day.m === m && day.d === d ? day : undefined;
}

const distance = (a: Day, b: Day) => Math.abs(toMs(a) - toMs(b));

/** Year-less month and day: the year that puts it nearest today. */
function nearestYear(today: Day, m: number, d: number): Day | undefined {
  const options = [today.y - 1, today.y, today.y + 1].map((y) => validDay(y, m, d)).filter((x): x is Day => x !== undefined);
  return options.sort((a, b) => distance(a, today) - distance(b, today))[0];
}

/** A day of the month alone (15号): the month that puts it nearest today. */
function nearestMonth(today: Day, d: number): Day | undefined {
  const options = [-1, 0, 1]
    .map((n) => addMonths(today, n))
    .map((first) => validDay(first.y, first.m, d))
    .filter((x): x is Day => x !== undefined);
  return options.sort((a, b) => distance(a, today) - distance(b, today))[0];
}

function weekdayIn(today: Day, target: number, weekShift: number): Day {
  return addDays(mondayOf(today), weekShift * 7 + target);
}

function upcoming(today: Day, target: number, strictlyAfter: boolean): Day {
  let diff = (target - weekday(today) + 7) % 7;
  if (diff === 0 && strictlyAfter) diff = 7;
  return addDays(today, diff);
}

// ---------------------------------------------------------------- numbers

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const CN_BIG: Record<string, number> = { 万: 1e4, 亿: 1e8 };

/** 三千五百 → 3500, 十五 → 15, 两百 → 200, 一万二千 → 12000; undefined for anything else. */
export function parseChineseNumber(s: string): number | undefined {
  if (!s || s.length > 20) return undefined;
  let total = 0;
  let section = 0;
  let digit: number | undefined;
  for (const ch of s) {
    if (ch in CN_DIGITS) {
      if (digit !== undefined) return undefined;
      digit = CN_DIGITS[ch] as number;
    } else if (ch in CN_UNITS) {
      section += (digit ?? 1) * (CN_UNITS[ch] as number);
      digit = undefined;
    } else if (ch in CN_BIG) {
      total += (section + (digit ?? 0)) * (CN_BIG[ch] as number);
      section = 0;
      digit = undefined;
    } else return undefined;
  }
  return total + section + (digit ?? 0);
}

const EN_NUMBERS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fourteen: 14, fifteen: 15, twenty: 20, thirty: 30, couple: 2, "a couple of": 2, "a couple": 2, "couple of": 2,
};

function number(s: string): number | undefined {
  const t = s.toLowerCase();
  if (/^\d{1,4}$/.test(t)) return Number(t);
  return EN_NUMBERS[t] ?? parseChineseNumber(t);
}

// ---------------------------------------------------------------- patterns

const B = String.raw`(?<![\p{L}\p{N}])`;
const E = String.raw`(?![\p{L}\p{N}])`;
const MONTHS: Record<string, number> = {
  january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5, june: 6, jun: 6, july: 7, jul: 7,
  august: 8, aug: 8, september: 9, sept: 9, sep: 9, october: 10, oct: 10, november: 11, nov: 11, december: 12, dec: 12,
};
const MONTH = `(?:${Object.keys(MONTHS).sort((a, b) => b.length - a.length).join("|")})`;
const WEEKDAYS: Record<string, number> = {
  monday: 0, mon: 0, tuesday: 1, tue: 1, tues: 1, wednesday: 2, wed: 2, thursday: 3, thu: 3, thur: 3, thurs: 3,
  friday: 4, fri: 4, saturday: 5, sat: 5, sunday: 6, sun: 6,
};
/** "may" is also a verb ("it may 2x"): only "May" names the month. */
const monthWord = (w: string) => w.toLowerCase() !== "may" || w.startsWith("M");
const FULL_WEEKDAY = "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
const ANY_WEEKDAY = `(?:${Object.keys(WEEKDAYS).sort((a, b) => b.length - a.length).join("|")})`;
const EN_COUNT = String.raw`(?:\d{1,3}|a couple of|a couple|couple of|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty)`;
const UNIT = "(?:days?|weeks?|months?|years?)";
const ORD = "(?:st|nd|rd|th)?";
const CN_NUM = "[零〇一二两三四五六七八九十]{1,4}";
const NUM_OR_CN = `(?:\\d{1,3}|${CN_NUM})`;
const ZH_WEEKDAYS: Record<string, number> = { 一: 0, "1": 0, 二: 1, "2": 1, 三: 2, "3": 2, 四: 3, "4": 3, 五: 4, "5": 4, 六: 5, "6": 5, 日: 6, 天: 6, "7": 6 };

type Rule = { re: RegExp; resolve: (m: RegExpExecArray, today: Day) => Day | undefined };

const rule = (source: string, flags: string, resolve: Rule["resolve"]): Rule => ({ re: new RegExp(source, `g${flags}`), resolve });
const g = (m: RegExpExecArray, name: string) => m.groups?.[name] ?? "";

const unitDays = (unit: string, n: number, today: Day): Day => {
  const u = unit.toLowerCase();
  if (u.startsWith("week") || u === "周" || u.includes("星期") || u.includes("礼拜")) return addDays(today, 7 * n);
  if (u.startsWith("month") || u.includes("月")) {
    const first = addMonths(today, n);
    const last = validDay(first.y, first.m, today.d) ?? addDays(addMonths(today, n + 1), -1);
    return last;
  }
  if (u.startsWith("year") || u === "年") return validDay(today.y + n, today.m, today.d) ?? addDays(today, 365 * n);
  return addDays(today, n);
};

const RELATIVE_EN: Record<string, number> = {
  today: 0, tonight: 0, "this morning": 0, "this afternoon": 0, "this evening": 0, tomorrow: 1, tmrw: 1, tmr: 1, tomorow: 1,
  yesterday: -1, "the day after tomorrow": 2, "day after tomorrow": 2, "the day before yesterday": -2, "day before yesterday": -2,
};
const RELATIVE_ZH: Record<string, number> = {
  今天: 0, 今日: 0, 今儿: 0, 今晚: 0, 今早: 0, 今儿个: 0, 明天: 1, 明日: 1, 明儿: 1, 明早: 1, 明晚: 1, 明儿个: 1,
  后天: 2, 大后天: 3, 昨天: -1, 昨日: -1, 昨晚: -1, 昨儿: -1, 前天: -2, 大前天: -3,
};
const keysByLength = (o: Record<string, unknown>) => Object.keys(o).sort((a, b) => b.length - a.length);
const shiftOf = (word: string) => (/^(next|下)/i.test(word) ? 1 : /^(last|previous|上)/i.test(word) ? -1 : 0);

const RULES: Rule[] = [
  // 2024-03-15, 2024/3/20, 2024.03.15
  rule(String.raw`(?<![A-Za-z0-9\-/.])(?<y>\d{4})(?<sep>[-/.])(?<m>\d{1,2})\k<sep>(?<d>\d{1,2})(?![\p{N}]|[-/.]\d)`, "u", (m) =>
    validDay(Number(g(m, "y")), Number(g(m, "m")), Number(g(m, "d"))),
  ),
  // 15/03/2024, 03/12/2024, 15.03.2024
  rule(String.raw`(?<![A-Za-z0-9\-/.])(?<a>\d{1,2})(?<sep>[/.])(?<b>\d{1,2})\k<sep>(?<y>\d{4}|\d{2})(?![\p{N}]|[-/.]\d)`, "u", (m) => {
    const a = Number(g(m, "a"));
    const b = Number(g(m, "b"));
    const yy = g(m, "y");
    const y = yy.length === 2 ? 2000 + Number(yy) : Number(yy);
    const dayFirst = g(m, "sep") === "." || a > 12;
    return dayFirst ? validDay(y, b, a) : validDay(y, a, b);
  }),
  rule(String.raw`(?<![A-Za-z0-9\-/.])(?<a>\d{1,2})-(?<b>\d{1,2})-(?<y>\d{4})(?![\p{N}]|[-/.]\d)`, "u", (m) => {
    const a = Number(g(m, "a"));
    const b = Number(g(m, "b"));
    const y = Number(g(m, "y"));
    return a > 12 ? validDay(y, b, a) : validDay(y, a, b);
  }),
  // on 3/15, by 15/3
  rule(String.raw`(?<=${B}(?:on|by|before|after|until|till|since|from)\s)(?<a>\d{1,2})\/(?<b>\d{1,2})(?![\p{N}/])`, "iu", (m, today) => {
    const a = Number(g(m, "a"));
    const b = Number(g(m, "b"));
    return a > 12 ? nearestYear(today, b, a) : nearestYear(today, a, b);
  }),
  // March 15, Mar. 15th, 2024 — "may" only capitalised, it is also a verb
  rule(String.raw`${B}(?<mon>${MONTH})\.?\s+(?<d>\d{1,2})${ORD}(?:,?\s+(?<y>\d{4}))?(?![\p{N}:]|\s*(?:am|pm|%|\d))`, "iu", (m, today) => {
    const mon = g(m, "mon");
    if (!monthWord(mon)) return undefined;
    const month = MONTHS[mon.toLowerCase()] as number;
    const y = g(m, "y");
    return y ? validDay(Number(y), month, Number(g(m, "d"))) : nearestYear(today, month, Number(g(m, "d")));
  }),
  // 15 March 2024, 15th of March
  rule(String.raw`${B}(?<d>\d{1,2})${ORD}\s+(?:of\s+)?(?<mon>${MONTH})${E}\.?(?:,?\s+(?<y>\d{4}))?(?![\p{N}])`, "iu", (m, today) => {
    if (!monthWord(g(m, "mon"))) return undefined;
    const month = MONTHS[g(m, "mon").toLowerCase()] as number;
    const y = g(m, "y");
    return y ? validDay(Number(y), month, Number(g(m, "d"))) : nearestYear(today, month, Number(g(m, "d")));
  }),
  // January 2024: the first of the month
  rule(String.raw`${B}(?<mon>${MONTH})\.?,?\s+(?<y>\d{4})(?![\p{N}])`, "iu", (m) =>
    monthWord(g(m, "mon")) ? validDay(Number(g(m, "y")), MONTHS[g(m, "mon").toLowerCase()] as number, 1) : undefined,
  ),
  rule(`${B}(?<w>${keysByLength(RELATIVE_EN).join("|")})${E}`, "iu", (m, today) => addDays(today, RELATIVE_EN[g(m, "w").toLowerCase()] ?? 0)),
  // next Monday, last Fri, this coming Friday
  rule(String.raw`${B}(?<p>next|last|previous|this coming|this|coming)\s+(?<wd>${ANY_WEEKDAY})${E}`, "iu", (m, today) => {
    const p = g(m, "p").toLowerCase();
    const target = WEEKDAYS[g(m, "wd").toLowerCase()] as number;
    if (p.includes("coming")) return upcoming(today, target, true);
    return weekdayIn(today, target, shiftOf(p));
  }),
  rule(`${B}(?<wd>${FULL_WEEKDAY})${E}`, "iu", (m, today) => upcoming(today, WEEKDAYS[g(m, "wd").toLowerCase()] as number, false)),
  rule(String.raw`${B}(?<p>next|last|this)\s+(?<u>weekend|week|month|year)${E}`, "iu", (m, today) => {
    const shift = shiftOf(g(m, "p"));
    const u = g(m, "u").toLowerCase();
    if (u === "weekend") return weekdayIn(today, 5, shift);
    if (u === "week") return weekdayIn(today, 0, shift);
    if (u === "month") return addMonths(today, shift);
    return { y: today.y + shift, m: 1, d: 1 };
  }),
  // in 3 days, in two weeks, 3 days ago, 2 weeks from now
  rule(String.raw`${B}in\s+(?<n>${EN_COUNT})\s+(?<u>${UNIT})${E}`, "iu", (m, today) => {
    const n = number(g(m, "n"));
    return n === undefined ? undefined : unitDays(g(m, "u"), n, today);
  }),
  rule(String.raw`${B}(?<n>${EN_COUNT})\s+(?<u>${UNIT})\s+(?<dir>ago|from now|later)${E}`, "iu", (m, today) => {
    const n = number(g(m, "n"));
    if (n === undefined) return undefined;
    return unitDays(g(m, "u"), g(m, "dir").toLowerCase() === "ago" ? -n : n, today);
  }),
  // 2024年3月15日, 3月15号, 三月十五日
  rule(String.raw`(?<![\p{N}])(?:(?<y>\d{4})年)?(?<m>\d{1,2}|[一二三四五六七八九十]{1,3})月(?<d>\d{1,2}|[一二三四五六七八九十]{1,3})[日号](?![\p{N}])`, "u", (m, today) => {
    const month = number(g(m, "m"));
    const d = number(g(m, "d"));
    if (month === undefined || d === undefined) return undefined;
    const y = g(m, "y");
    return y ? validDay(Number(y), month, d) : nearestYear(today, month, d);
  }),
  // 15号: not 3号楼, 5号线
  rule(String.raw`(?<![\p{N}月年./\-#])(?<d>\d{1,2}|[一二三四五六七八九十]{1,3})号(?![楼线房室门窗柜箱机车床位座桌码球店仓馆厅口台院栋单元\p{N}])`, "u", (m, today) => {
    const d = number(g(m, "d"));
    return d === undefined || d > 31 ? undefined : nearestMonth(today, d);
  }),
  rule(`(?<w>${keysByLength(RELATIVE_ZH).join("|")})`, "u", (m, today) => addDays(today, RELATIVE_ZH[g(m, "w")] ?? 0)),
  // 下周三, 上个星期五, 这周五, 本周日, 周五
  rule(String.raw`(?<![一二三四五六七八九十两几每\p{N}])(?<p>下下|下个|下|上上|上个|上|这个|这|本)?(?:周|星期|礼拜)(?<wd>[一二三四五六日天1-7])`, "u", (m, today) => {
    const p = g(m, "p");
    const target = ZH_WEEKDAYS[g(m, "wd")] as number;
    if (!p) return upcoming(today, target, false);
    const shift = p.startsWith("下下") ? 2 : p.startsWith("上上") ? -2 : shiftOf(p);
    return weekdayIn(today, target, shift);
  }),
  rule(String.raw`(?<![一二三四五六七八九十两几每\p{N}])(?<p>下个|下|上个|上|这个|这|本)?周末`, "u", (m, today) => weekdayIn(today, 5, shiftOf(g(m, "p")))),
  rule(String.raw`(?<p>下个|下|上个|上|这个|这|本)(?:周|星期|礼拜)(?![一二三四五六日天1-7末])`, "u", (m, today) => weekdayIn(today, 0, shiftOf(g(m, "p")))),
  rule(String.raw`(?<p>下个|下|上个|上|这个|本)月(?![\p{N}一二三四五六七八九十底初中])`, "u", (m, today) => addMonths(today, shiftOf(g(m, "p")))),
  rule("(?<w>明年|去年|今年|后年|前年)", "u", (m, today) => {
    const shift = { 明年: 1, 去年: -1, 今年: 0, 后年: 2, 前年: -2 }[g(m, "w")] ?? 0;
    return { y: today.y + shift, m: 1, d: 1 };
  }),
  // 3天后, 三天前, 两周后, 一个月以前, 过两天
  rule(String.raw`(?<![\p{N}])(?<n>${NUM_OR_CN})(?<u>天|日|周|个星期|星期|个礼拜|礼拜|个月|年)(?<dir>以后|之后|后|以前|之前|前)`, "u", (m, today) => {
    const n = number(g(m, "n"));
    if (n === undefined) return undefined;
    return unitDays(g(m, "u"), g(m, "dir").endsWith("前") ? -n : n, today);
  }),
  rule(String.raw`过(?<n>${NUM_OR_CN})(?<u>天|周|个星期|个月)`, "u", (m, today) => {
    const n = number(g(m, "n"));
    return n === undefined ? undefined : unitDays(g(m, "u"), n, today);
  }),
];

/** Every date expression in `text`, possibly overlapping (the caller keeps the longest). */
export function findDates(text: string, today: Day): DateMatch[] {
  const out: DateMatch[] = [];
  for (const { re, resolve } of RULES) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const day = resolve(m, today);
      if (day) out.push({ start: m.index, end: m.index + m[0].length, normalized: iso(day) });
    }
  }
  return out;
}
