import type { SurveyKind } from "../events";

/**
 * Survey replies arrive as ordinary customer messages, so reading one as a score closes the question while reading
 * an ordinary message as a score swallows it instead of reopening the conversation. When unsure the parser answers
 * null: a lost score costs less than a lost message.
 *
 * After leading whitespace, punctuation and emoji (NFKC-normalised, so full-width text reads as ASCII and the
 * comment comes back in that form), a reply must start with a score:
 *   - a number (digits, English number words zero…ten, Chinese numerals 零…十), optionally with a scale: "/5",
 *     "out of 5", "of 5" for CSAT and the same with 10 for NPS (any other denominator is another scale: null),
 *     "分"/"points", or "星"/"stars" (CSAT only: stars are a five-point scale);
 *   - stars "★★★★☆" / "⭐⭐⭐⭐⭐" (CSAT only), the filled ones counted;
 *   - a verbal label (CSAT only: "very satisfied", "非常不满意", …).
 * Then comes nothing, punctuation or emoji, or a separator (- : ; , . ! ? / 、 。 ~ ) · or a newline) and the comment.
 * Digits, stars and scaled numbers are strong: they may also be followed by a space, or directly by Chinese, and the
 * comment, unless the next word is a number or a quantity unit ("2 items are missing", "3天没到"), the commonest way
 * an ordinary message starts with a number. Bare number words, Chinese numerals and labels are weak, since they
 * begin ordinary sentences ("one more question", "一个订单", "十分感谢", "good morning"): they need the separator,
 * and a question after them is a request, not a comment. A number glued to letters, %, currency or another number
 * ("5th", "2pm", "50%", "4.5", "10:30", "5/10/2024", "555-1234") is part of another token and never a score.
 */
export function parseSurveyReply(kind: SurveyKind, text: string): { score: number; comment?: string } | null {
  const s = text.normalize("NFKC").replace(LEAD, "");
  const read = (kind === "csat" ? label(s) : null) ?? rating(kind, s);
  const [min, max] = RANGE[kind];
  if (!read || !Number.isInteger(read.score) || read.score < min || read.score > max) return null;
  const tail = after(read.rest, read.strong);
  if (!tail || (!read.strong && tail.comment?.includes("?"))) return null;
  return { score: read.score, ...tail };
}

/** The prompt for a messaging channel, and quick-reply options whose values (and labels) parse back to their score. */
export function surveyPrompt(kind: SurveyKind, language: "en" | "zh"): { text: string; options: { label: string; value: string }[] } {
  const [min, max] = RANGE[kind];
  const options = Array.from({ length: max - min + 1 }, (_, i) => {
    const value = String(min + i);
    return { label: kind === "csat" ? `${FACES[i]} ${value}` : value, value };
  });
  return { text: PROMPTS[kind][language], options };
}

const RANGE = { csat: [1, 5], nps: [0, 10] } as const satisfies Record<SurveyKind, readonly [number, number]>;

// Faces rather than words so a channel that sends back the button's label instead of its value still parses, in any language.
const FACES = ["😞", "🙁", "😐", "🙂", "😍"];

const PROMPTS: Record<SurveyKind, Record<"en" | "zh", string>> = {
  csat: {
    en: "How satisfied are you with our help? Reply 1 (very dissatisfied) to 5 (very satisfied), optionally with a comment.",
    zh: "您对我们的服务满意吗？请回复 1（非常不满意）到 5（非常满意），也可以附上您的意见。",
  },
  nps: {
    en: "How likely are you to recommend us to a friend or colleague? Reply 0 (not at all likely) to 10 (extremely likely), optionally with a comment.",
    zh: "您向朋友或同事推荐我们的可能性有多大？请回复 0（完全不可能）到 10（极有可能），也可以附上您的意见。",
  },
};

/** Sent after the last question is answered, so the customer knows the answer arrived. */
export const SURVEY_THANKS: Record<"en" | "zh", string> = { en: "Thank you for your feedback!", zh: "感谢您的反馈！" };

const MAX_COMMENT = 1000;

/** `strong`: digits, stars or a scale, which ordinary sentences seldom start with; words and labels often do. */
type Read = { score: number; rest: string; strong: boolean };

// Signs, currency and # stay so "-1", "$5" and "#5" are not read as 1 and 5; stars stay because they are the score.
const LEAD = /^[[\s\p{P}\p{S}\p{M}\p{Cf}]--[\-+−#\p{Sc}★☆⭐]]+/v;

const WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
const VALUES = new Map<string, number>([
  ...WORDS.map((w, i) => [w, i] as const),
  ...[..."零一二三四五六七八九十"].map((c, i) => [c, i] as const),
  ["〇", 0],
  ["两", 2],
]);
const NUMBER = /^(?:(\d+)|(?:zero|one|two|three|four|five|six|seven|eight|nine|ten)(?![\p{L}\p{N}])|[零〇一二两三四五六七八九十])/iu;
const OUT_OF = /^\s*(?:\/|(?:out\s+)?of\s+)\s*(\d+|(?:zero|one|two|three|four|five|six|seven|eight|nine|ten)(?![\p{L}\p{N}]))(?:\s*(?:stars?|points?)(?!\p{L})|星(?!期)|分(?!钟))?/iu;
// 分钟 is minutes and 星期 a week, not points and stars.
const POINTS = /^\s*(?:(星(?!期)|stars?(?!\p{L}))|分(?!钟)|points?(?!\p{L})|pts(?!\p{L}))/iu;
const STARS = /^[★☆⭐]\uFE0F?(?:\s?[★☆⭐]\uFE0F?)*/u;

const LABEL_SCORES = new Map<string, number>([
  ["非常满意", 5], ["很满意", 5], ["十分满意", 5], ["满意", 4], ["一般", 3], ["还行", 3], ["还可以", 3],
  ["不满意", 2], ["不太满意", 2], ["非常不满意", 1], ["很不满意", 1], ["极不满意", 1], ["十分不满意", 1],
  ["very satisfied", 5], ["excellent", 5], ["great", 5], ["very good", 5], ["satisfied", 4], ["good", 4],
  ["neutral", 3], ["ok", 3], ["okay", 3], ["average", 3],
  ["unsatisfied", 2], ["dissatisfied", 2], ["not satisfied", 2], ["not good", 2], ["bad", 2], ["poor", 2],
  ["very dissatisfied", 1], ["very unsatisfied", 1], ["very bad", 1], ["terrible", 1], ["awful", 1],
]);
// Longest first so a label is never cut short by one it starts with; a mood particle ("还行吧") is still the label.
const LABEL = new RegExp(
  `^(?:${[...LABEL_SCORES.keys()].sort((a, b) => b.length - a.length).map((l) => l.replace(/ /g, "\\s+")).join("|")})[吧啊呀啦哦]?(?![\\p{L}\\p{N}])`,
  "iu",
);

const SEPARATED = /^[^\S\r\n]*[\-–—:;,.!?/、。~)\]·•\r\n]/u;
const COMMENT_LEAD = /^[\s\-–—:;,.!?/、。~)\]·•]+/u;
const NOISE_ONLY = /^[\s\p{P}\p{S}\p{M}\p{Cf}]*$/u;
const COMPOUND = /^[.,:/\-~–]\d/u;
const GLUED = /^[\p{L}\p{N}%‰°+#@\p{Sc}]/u;
const HAN = /^\p{Script=Han}/u;
const UNIT =
  /^(?:\d|(?:items?|days?|hours?|hrs?|minutes?|mins?|weeks?|months?|years?|orders?|times?|packages?|parcels?|pieces?|pcs|people|persons?|more|of|out|am|pm)(?!\p{L})|个|天|件|小时|分钟|秒|次|单|位|元|块|号|月|年|周|星期)/iu;

function label(s: string): Read | null {
  const m = LABEL.exec(s);
  if (!m) return null;
  const key = m[0].toLowerCase().replace(/\s+/g, " ").replace(/[吧啊呀啦哦]$/u, "");
  return { score: LABEL_SCORES.get(key)!, rest: s.slice(m[0].length), strong: false };
}

function rating(kind: SurveyKind, s: string): Read | null {
  const stars = STARS.exec(s);
  if (stars) {
    const filled = stars[0].match(/[★⭐]/gu)?.length ?? 0;
    if (kind !== "csat" || [...stars[0].matchAll(/[★☆⭐]/gu)].length > 5) return null;
    return { score: filled, rest: s.slice(stars[0].length), strong: true };
  }
  const n = NUMBER.exec(s);
  if (!n) return null;
  const [token, digits] = n;
  let rest = s.slice(token.length);
  const outOf = OUT_OF.exec(rest);
  const points = outOf ? null : POINTS.exec(rest);
  if (outOf && value(outOf[1]!) !== RANGE[kind][1]) return null;
  if (points?.[1] && kind !== "csat") return null;
  const scale = outOf ?? points;
  if (scale) rest = rest.slice(scale[0].length);
  // 十分 is also the adverb "very" ("十分感谢"), so it stays weak: a rating only alone or before a separator.
  return { score: value(token), rest, strong: digits !== undefined || (scale !== null && !(token === "十" && scale[0] === "分")) };
}

function value(token: string): number {
  return /^\d+$/.test(token) ? Number(token) : VALUES.get(token.toLowerCase())!;
}

function after(rest: string, strong: boolean): { comment?: string } | null {
  if (COMPOUND.test(rest) || (GLUED.test(rest) && !(strong && HAN.test(rest)))) return null;
  if (NOISE_ONLY.test(rest)) return {};
  if (!SEPARATED.test(rest) && (!strong || UNIT.test(rest.trimStart()))) return null;
  const comment = rest.replace(COMMENT_LEAD, "").trim();
  return { comment: comment.length > MAX_COMMENT ? [...comment].slice(0, MAX_COMMENT).join("").trimEnd() : comment };
}
