import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { parseSurveyReply, surveyPrompt } from "../../shared/analytics/survey";
import type { SurveyKind } from "../../shared/events";

const RANGE: Record<SurveyKind, [number, number]> = { csat: [1, 5], nps: [0, 10] };
const KINDS: SurveyKind[] = ["csat", "nps"];
/** Full-width digits, as typed with a CJK input method. */
const fullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
/** fast-check 4 dropped fc.fullUnicodeString; the "binary" unit is its replacement (any code point). */
const fullUnicodeString = (max = 40) => fc.string({ unit: "binary", maxLength: max });

describe("parseSurveyReply — accepted replies", () => {
  const accepted: [SurveyKind, string, number, string?][] = [
    // plain numbers, whitespace, punctuation, emoji
    ["csat", "5", 5],
    ["csat", "  4  ", 4],
    ["csat", "5!", 5],
    ["csat", "5.", 5],
    ["csat", "(3)", 3],
    ["csat", "👍 5", 5],
    ["csat", "5 😊", 5],
    ["csat", "5️⃣", 5],
    ["nps", "0", 0],
    ["nps", "10", 10],
    ["nps", "10!!!", 10],
    // full-width (NFKC)
    ["csat", "５", 5],
    ["nps", "１０", 10],
    ["nps", "　９　", 9],
    ["nps", "９／１０", 9],
    // fractions
    ["nps", "9/10", 9],
    ["nps", "9 / 10", 9],
    ["nps", "10/10", 10],
    ["csat", "4/5", 4],
    ["csat", "4 out of 5", 4],
    ["csat", "4 of 5", 4],
    ["nps", "8 out of 10", 8],
    ["nps", "ten out of ten", 10],
    ["csat", "4/5 stars", 4],
    // units
    ["nps", "10分", 10],
    ["csat", "5 分", 5],
    ["csat", "5星", 5],
    ["csat", "5 stars", 5],
    ["csat", "1 star", 1],
    ["csat", "5分，很满意", 5, "很满意"],
    ["csat", "五星好评", 5, "好评"],
    // star runs
    ["csat", "★★★★☆", 4],
    ["csat", "⭐⭐⭐⭐⭐", 5],
    ["csat", "⭐️⭐️⭐️", 3],
    ["csat", "★☆☆☆☆ slow", 1, "slow"],
    // number words
    ["csat", "five", 5],
    ["csat", "Four!", 4],
    ["nps", "zero", 0],
    ["nps", "Ten", 10],
    ["csat", "three stars", 3],
    // Chinese numerals
    ["csat", "五", 5],
    ["csat", "四分", 4],
    ["csat", "三星", 3],
    ["nps", "十", 10],
    ["nps", "十分", 10],
    ["nps", "零", 0],
    ["nps", "九分 还不错", 9, "还不错"],
    // CSAT labels (Chinese, longest match first)
    ["csat", "非常满意", 5],
    ["csat", "很满意", 5],
    ["csat", "满意", 4],
    ["csat", "一般", 3],
    ["csat", "还行", 3],
    ["csat", "还行吧", 3],
    ["csat", "不满意", 2],
    ["csat", "非常不满意", 1],
    ["csat", "很不满意", 1],
    ["csat", "十分满意", 5],
    ["csat", "满意，谢谢", 4, "谢谢"],
    // CSAT labels (English)
    ["csat", "Very satisfied", 5],
    ["csat", "excellent", 5],
    ["csat", "Great!", 5],
    ["csat", "satisfied", 4],
    ["csat", "good", 4],
    ["csat", "neutral", 3],
    ["csat", "ok", 3],
    ["csat", "OK!", 3],
    ["csat", "okay", 3],
    ["csat", "average", 3],
    ["csat", "not satisfied", 2],
    ["csat", "unsatisfied", 2],
    ["csat", "dissatisfied", 2],
    ["csat", "bad", 2],
    ["csat", "poor", 2],
    ["csat", "very dissatisfied", 1],
    ["csat", "terrible", 1],
    ["csat", "awful", 1],
    ["csat", "great, thanks", 5, "thanks"],
    // comments
    ["csat", "4 the agent was slow", 4, "the agent was slow"],
    ["csat", "5 - 很好", 5, "很好"],
    ["nps", "9/10 great service", 9, "great service"],
    ["csat", "3: took too long", 3, "took too long"],
    ["csat", "2, wrong answer", 2, "wrong answer"],
    ["csat", "５　很好", 5, "很好"],
    ["csat", "５，ｇｏｏｄ", 5, "good"],
    ["nps", "7。服务还可以", 7, "服务还可以"],
    ["csat", "4 stars - fast reply", 4, "fast reply"],
    ["csat", "1 · Very dissatisfied", 1, "Very dissatisfied"],
    ["csat", "1\nnobody answered for an hour", 1, "nobody answered for an hour"],
    ["csat", "2 - why did it take so long?", 2, "why did it take so long?"],
    ["csat", "five stars great job", 5, "great job"],
    ["csat", "⭐⭐⭐⭐⭐ great service", 5, "great service"],
    ["csat", "5很好", 5, "很好"],
    ["csat", "十分不满意", 1],
    ["csat", "*5*", 5],
  ];
  it.each(accepted)("%s %j → %d", (kind, text, score, comment) => {
    const expected = comment === undefined ? { score } : { score, comment };
    expect(parseSurveyReply(kind, text)).toEqual(expected);
  });

  it("keeps at most 1000 characters of comment", () => {
    const r = parseSurveyReply("csat", `4 ${"x".repeat(5000)}`);
    expect(r?.score).toBe(4);
    expect(r?.comment).toHaveLength(1000);
    const emoji = parseSurveyReply("csat", `4 ${"😀a".repeat(800)}`);
    expect(Array.from(emoji!.comment!)).toHaveLength(1000);
  });
});

describe("parseSurveyReply — ordinary messages and invalid scores", () => {
  const rejected: [SurveyKind, string][] = [];
  const ordinary = [
    "my order 12345 is late",
    "I need 2 more days",
    "2 items are missing",
    "hello",
    "where is my parcel?",
    "3 days ago I ordered",
    "",
    "   ",
    "1 more thing",
    "2 of the items are broken",
    "3 hours and still nothing",
    "1 order is wrong",
    "2 times already",
    "5 minutes ago",
    "2个商品没到",
    "3天了还没到",
    "2 件没收到",
    "1小时了",
    "3次了",
    "5分钟前",
    "4.5",
    "3,5",
    "10:30 tomorrow?",
    "5/10/2024",
    "3-4 days",
    "5th floor",
    "3pm",
    "5%",
    "12345",
    "1 2 3",
    "-1",
    "#5",
    "ok, where is my refund?",
    "okay so what now",
    "good morning",
    "goods are missing",
    "满意度调查是什么",
    "一般来说我的订单会很快到",
    "十一",
    "5 more questions about my order",
    "one more question",
    "five great job",
    "actually, one more thing",
    "十分感谢",
    "十分感谢！",
    "满意吗？",
    "$5",
    "4.5 stars",
    "10am",
    "2 3 4",
  ];
  for (const kind of KINDS) for (const text of ordinary) rejected.push([kind, text]);
  rejected.push(
    ["csat", "9/10"],
    ["csat", "6"],
    ["csat", "0"],
    ["csat", "10分"],
    ["csat", "zero"],
    ["csat", "★★★★★★"],
    ["csat", "☆☆☆☆☆"],
    ["csat", "4 out of 10"],
    ["nps", "4/5"],
    ["nps", "11"],
    ["nps", "100"],
    ["nps", "★★★★★"],
    ["nps", "9 stars"],
    ["nps", "very satisfied"],
    ["nps", "一般"],
    ["nps", "十分满意"],
    ["csat", "great, where is my refund?"],
  );
  it.each(rejected)("%s %j → null", (kind, text) => {
    expect(parseSurveyReply(kind, text)).toBeNull();
  });
});

describe("parseSurveyReply — properties", () => {
  for (const kind of KINDS) {
    const [lo, hi] = RANGE[kind];
    const inRange = fc.integer({ min: lo, max: hi });
    const denominator = kind === "csat" ? 5 : 10;

    it(`${kind}: every in-range integer parses, plain, full-width and as n/${denominator}`, () => {
      fc.assert(
        fc.property(inRange, (n) => {
          expect(parseSurveyReply(kind, String(n))).toEqual({ score: n });
          expect(parseSurveyReply(kind, fullWidth(String(n)))).toEqual({ score: n });
          expect(parseSurveyReply(kind, `${n}/${denominator}`)).toEqual({ score: n });
          expect(parseSurveyReply(kind, fullWidth(`${n}/${denominator}`))).toEqual({ score: n });
        }),
      );
    });

    it(`${kind}: out-of-range integers are rejected`, () => {
      const outside = fc.oneof(fc.integer({ max: lo - 1 }), fc.integer({ min: hi + 1 }));
      fc.assert(
        fc.property(outside, (n) => {
          expect(parseSurveyReply(kind, String(n))).toBeNull();
          expect(parseSurveyReply(kind, fullWidth(String(n)))).toBeNull();
          expect(parseSurveyReply(kind, `${n}/${denominator}`)).toBeNull();
        }),
      );
    });

    it(`${kind}: arbitrary text never throws and any score is an in-range integer`, () => {
      const texts = fc.oneof(
        fc.string(),
        fullUnicodeString(),
        fc.string({ unit: "grapheme" }),
        fc.tuple(inRange, fullUnicodeString()).map(([n, s]) => `${n}${s}`),
        fc.tuple(fc.constantFrom("★", "☆", "⭐", "５", "/", "分", "星", " ", "满意", "不", "ok ", "of "), fullUnicodeString(8)).map(
          ([a, s]) => a + s,
        ),
      );
      fc.assert(
        fc.property(texts, (text) => {
          const r = parseSurveyReply(kind, text);
          if (r === null) return;
          expect(Number.isInteger(r.score)).toBe(true);
          expect(r.score).toBeGreaterThanOrEqual(lo);
          expect(r.score).toBeLessThanOrEqual(hi);
          if (r.comment !== undefined) {
            expect(r.comment.length).toBeGreaterThan(0);
            expect(Array.from(r.comment).length).toBeLessThanOrEqual(1000);
          }
        }),
        { numRuns: 500 },
      );
    });

    it(`${kind}: a comment after the score is kept`, () => {
      const comment = fc.stringMatching(/^[a-z]{3,12}( [a-z]{3,12}){0,3}$/);
      fc.assert(
        fc.property(inRange, comment, (n, c) => {
          expect(parseSurveyReply(kind, `${n} - ${c}`)).toEqual({ score: n, comment: c });
        }),
      );
    });
  }
});

describe("surveyPrompt", () => {
  it("asks in English and Chinese, naming the scale", () => {
    expect(surveyPrompt("csat", "en").text).toBe(
      "How satisfied are you with our help? Reply 1 (very dissatisfied) to 5 (very satisfied), optionally with a comment.",
    );
    expect(surveyPrompt("nps", "en").text).toMatch(/recommend.*0 \(not at all likely\) to 10 \(extremely likely\)/);
    expect(surveyPrompt("csat", "zh").text).toMatch(/1（非常不满意）到 5（非常满意）/);
    expect(surveyPrompt("nps", "zh").text).toMatch(/推荐.*0.*10/);
  });

  it("offers csat 1..5 and nps 0..10 buttons", () => {
    for (const language of ["en", "zh"] as const) {
      const csat = surveyPrompt("csat", language).options;
      expect(csat).toEqual(["😞", "🙁", "😐", "🙂", "😍"].map((face, i) => ({ label: `${face} ${i + 1}`, value: String(i + 1) })));
      const nps = surveyPrompt("nps", language).options;
      expect(nps).toEqual(Array.from({ length: 11 }, (_, i) => ({ label: String(i), value: String(i) })));
    }
  });

  it("every option value and label parses back to exactly its score", () => {
    for (const kind of KINDS)
      for (const language of ["en", "zh"] as const)
        for (const o of surveyPrompt(kind, language).options) {
          expect(parseSurveyReply(kind, o.value)).toEqual({ score: Number(o.value) });
          expect(parseSurveyReply(kind, o.label)).toEqual({ score: Number(o.value) });
        }
  });
});
