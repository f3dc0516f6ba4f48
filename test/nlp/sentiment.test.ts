import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { analyzeSentiment, SENTIMENT_THRESHOLD, type SentimentLabel } from "../../shared/nlp/sentiment";
import { EN_LEXICON, ZH_LEXICON } from "../../shared/nlp/sentiment-lexicon";
import type { Lang } from "../../shared/nlp/language";
import { SENTIMENT_TEST_SET } from "./data/sentiment.test-set";

const label = (text: string, lang?: Lang) => analyzeSentiment(text, lang).label;
const score = (text: string, lang?: Lang) => analyzeSentiment(text, lang).score;

function accuracy(lang: Lang): number {
  const lines = SENTIMENT_TEST_SET.filter((l) => l.lang === lang);
  return lines.filter((l) => analyzeSentiment(l.text, l.lang).label === l.label).length / lines.length;
}

describe("sentiment on the held-out set", () => {
  it("has at least 120 lines per language, each class well represented", () => {
    for (const lang of ["en", "zh"] as const) {
      const lines = SENTIMENT_TEST_SET.filter((l) => l.lang === lang);
      expect(lines.length).toBeGreaterThanOrEqual(120);
      for (const cls of ["positive", "negative", "neutral"] as const) {
        expect(lines.filter((l) => l.label === cls).length).toBeGreaterThanOrEqual(lines.length / 4);
      }
    }
  });

  it("is at least 85 % accurate in English and 80 % in Chinese", () => {
    expect(accuracy("en")).toBeGreaterThanOrEqual(0.85);
    expect(accuracy("zh")).toBeGreaterThanOrEqual(0.8);
  });

  it("gets most of the hard lines right too (negation, questions, slang, emoji, mixed scripts)", () => {
    const hard = SENTIMENT_TEST_SET.filter((l) => l.hard !== undefined);
    const right = hard.filter((l) => analyzeSentiment(l.text, l.lang).label === l.label).length;
    expect(right / hard.length).toBeGreaterThanOrEqual(0.8);
  });
});

describe("the issue's examples", () => {
  const cases: Array<[string, SentimentLabel]> = [
    ["not satisfied at all", "negative"],
    ["no complaints here", "positive"],
    ["I'm not sure which one", "neutral"],
    ["not bad", "positive"],
    ["could be better", "negative"],
    ["thanks", "positive"],
    ["where is my order?", "neutral"],
    ["still haven't received it", "negative"],
    ["一点都不好", "negative"],
    ["挺好的没毛病", "positive"],
    ["不错", "positive"],
    ["不太满意", "negative"],
    ["太差劲了", "negative"],
    ["还行", "neutral"],
    ["没问题", "positive"],
    ["气死我了", "negative"],
    ["谢谢", "positive"],
    ["thx", "positive"],
    ["ty", "positive"],
    ["luv it", "positive"],
    ["gr8", "positive"],
    ["terrible!!!", "negative"],
    ["sooo bad", "negative"],
  ];
  for (const [text, expected] of cases) {
    it(`"${text}" is ${expected}`, () => expect(label(text)).toBe(expected));
  }

  it("'not bad' is only mildly positive, and 还行 leans positive without crossing the threshold", () => {
    expect(score("not bad")).toBeGreaterThan(0);
    expect(score("not bad")).toBeLessThan(score("good"));
    expect(score("还行")).toBeGreaterThan(0);
    expect(score("还行")).toBeLessThan(SENTIMENT_THRESHOLD);
  });
});

describe("negation", () => {
  it("flips a positive to negative and softens a negative to mildly positive", () => {
    expect(label("the agent was not helpful")).toBe("negative");
    expect(label("it isn't bad")).toBe("positive");
    expect(score("it isn't bad")).toBeLessThan(score("it is good"));
    expect(label("不好")).toBe("negative");
    expect(label("不贵")).toBe("positive");
  });

  it("turns a neutral service verb into a complaint: doesn't work, no reply, 没收到, 没人回复", () => {
    expect(label("the app doesn't work")).toBe("negative");
    expect(label("the app works")).not.toBe("negative");
    expect(label("no reply from your team")).toBe("negative");
    expect(label("nobody answered my emails")).toBe("negative");
    expect(label("我还没收到货")).toBe("negative");
    expect(label("我收到货了")).not.toBe("negative");
    expect(label("客服一直没人回复")).toBe("negative");
  });

  it("scopes over the next few words only, and not across a comma", () => {
    expect(label("I don't know, the support was great")).toBe("positive");
    expect(label("not the first time, but the staff were lovely")).toBe("positive");
    expect(label("不是我的问题，你们服务很好")).toBe("positive");
  });

  it("reads Chinese negators 不/没/没有/别/不是/并不 and the emphatic 一点…都没有", () => {
    expect(label("并不满意")).toBe("negative");
    expect(label("不是很好")).toBe("negative");
    expect(score("不是很好")).toBeGreaterThan(score("很不好"));
    expect(label("别买")).toBe("negative");
    expect(label("没有任何问题，很满意")).toBe("positive");
    expect(label("一点问题都没有")).toBe("positive");
    expect(label("一点也不差")).toBe("positive");
  });

  it("is not confused by words that only look negated: 不错, 不好意思, 差不多, 快递", () => {
    expect(label("不好意思，请问快递到哪了？")).toBe("neutral");
    expect(label("尺寸差不多")).toBe("neutral");
    expect(label("我的快递")).toBe("neutral");
  });
});

describe("intensifiers and diminishers", () => {
  it("grade the word they precede", () => {
    expect(score("very good")).toBeGreaterThan(score("good"));
    expect(score("extremely bad")).toBeLessThan(score("bad"));
    expect(score("a bit slow")).toBeGreaterThan(score("slow"));
    expect(score("非常好")).toBeGreaterThan(score("好"));
    expect(score("太慢了")).toBeLessThan(score("慢"));
    expect(score("有点慢")).toBeGreaterThan(score("很慢"));
    expect(score("慢死了")).toBeLessThan(score("慢"));
  });

  it("好 before a sentiment word is 'so' (好慢, 好开心), alone it is 'good'", () => {
    expect(label("好慢")).toBe("negative");
    expect(label("好开心")).toBe("positive");
    expect(score("好慢")).toBeLessThan(score("慢"));
  });
});

describe("questions, hedges and hypotheticals", () => {
  it("plain requests and questions are neutral", () => {
    for (const t of ["Can you help me?", "Is it any good?", "How do I return an item?", "Do you have a better price?", "这个质量好吗？", "请问怎么退款", "可以帮我查一下吗"]) {
      expect(label(t), t).toBe("neutral");
    }
  });

  it("a rhetorical question still complains", () => {
    expect(label("Why is your delivery so slow?")).toBe("negative");
    expect(label("为什么这么慢？")).toBe("negative");
    expect(label("怎么还没发货")).toBe("negative");
  });

  it("uncertainty and conditions damp what follows", () => {
    expect(label("I'm not sure it's the right size")).toBe("neutral");
    expect(label("what if it doesn't fit?")).toBe("neutral");
    expect(label("如果不合适能退吗")).toBe("neutral");
  });

  it("a wish or a request is not a state, and an imperative 'don't' reports no failure", () => {
    expect(label("I need this resolved today")).not.toBe("positive");
    expect(label("希望尽快解决")).not.toBe("positive");
    expect(label("please don't deliver before Friday")).toBe("neutral");
    expect(label("it didn't deliver on time")).toBe("negative");
    expect(label("订单还没发货的话可以取消吗")).toBe("neutral");
    expect(label("订单还没发货")).toBe("negative");
  });

  it("thanks keeps its weight inside a question", () => {
    expect(label("could you check my order, thanks?")).toBe("positive");
  });
});

describe("contrast", () => {
  it("weighs what comes after but / 但是 more", () => {
    expect(label("The box was damaged but the product is great")).toBe("positive");
    expect(label("The product is nice but delivery was terrible")).toBe("negative");
    expect(label("虽然有点贵，但是质量很好")).toBe("positive");
    expect(label("东西不错，可是物流太慢了")).toBe("negative");
  });
});

describe("frustration markers", () => {
  it("still, again, 又, 三次了, !!!, shouting and angry emoji push negative", () => {
    expect(score("still not delivered")).toBeLessThan(score("not delivered"));
    expect(score("broken again")).toBeLessThan(score("broken"));
    expect(label("这已经是三次了")).toBe("negative");
    expect(label("又坏了")).toBe("negative");
    expect(score("又坏了")).toBeLessThan(score("坏了"));
    expect(label("where is my order!!!")).toBe("negative");
    expect(label("WHERE IS MY ORDER")).toBe("negative");
    expect(label("where is my order 😡")).toBe("negative");
    expect(score("refund promised, it's been three weeks")).toBeLessThan(score("refund promised"));
  });

  it("but they do not invent negativity: 'I still love it', 又快又好, a cheerful 'Hi!!'", () => {
    expect(label("I still love it")).toBe("positive");
    expect(label("又快又好")).toBe("positive");
    expect(label("Hi!!")).toBe("neutral");
    expect(label("THANK YOU SO MUCH")).toBe("positive");
  });
});

describe("emoji, emoticons, typos and slang", () => {
  it("reads emoji and emoticons", () => {
    expect(label("got it 👍")).toBe("positive");
    expect(label("got it :)")).toBe("positive");
    expect(label("still nothing :(")).toBe("negative");
    expect(label("收到了[赞]")).toBe("positive");
    expect(label("呵呵")).toBe("negative");
  });

  it("squeezes repeated letters and forgives a typo in a long word", () => {
    expect(label("this is goooood")).toBe("positive");
    expect(label("thanksss")).toBe("positive");
    expect(label("I'm so dissapointed")).toBe("negative");
    expect(label("absolutly horrable experiance")).toBe("negative");
  });

  it("does not take an inflected word for a typo of another", () => {
    expect(label("I want to upgrade my plan")).toBe("neutral");
  });
});

describe("mixed Chinese and English", () => {
  it("reads English words inside Chinese sentences", () => {
    expect(label("服务很nice")).toBe("positive");
    expect(label("这个app太slow了")).toBe("negative");
    expect(label("我的order还没到")).toBe("negative");
  });
});

describe("lexicon", () => {
  it("has a few hundred to ~1,500 entries per language", () => {
    for (const lexicon of [EN_LEXICON, ZH_LEXICON]) {
      expect(lexicon.size).toBeGreaterThan(300);
      expect(lexicon.size).toBeLessThan(2000);
    }
  });
});

describe("any input", () => {
  const pieces = ["not", "very", "good", "bad", "no", "still", "but", "?", "!", "!!!", ",", ".", "SHOUT", "😡", "👍", ":)", "不", "很", "好", "没", "有", "都", "吗", "吧", "但是", "虽然", "三次了", "太", "了", "死了", "一点", "thx", "sooo", " ", "\n", "\u0000", "\ud800", "好的", "还行"];
  const sentence = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((xs) => xs.join(" "));

  it("scores in [−1, 1] with a label that agrees with the threshold", () => {
    fc.assert(
      fc.property(fc.oneof(sentence, fc.string({ unit: "binary", maxLength: 300 })), fc.constantFrom<Lang | undefined>("en", "zh", undefined), (text, lang) => {
        const s = analyzeSentiment(text, lang);
        expect(s.score).toBeGreaterThanOrEqual(-1);
        expect(s.score).toBeLessThanOrEqual(1);
        const expected = s.score >= SENTIMENT_THRESHOLD ? "positive" : s.score <= -SENTIMENT_THRESHOLD ? "negative" : "neutral";
        expect(s.label).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });

  it("copes with long adversarial strings", () => {
    for (const text of ["x".repeat(4000), "不".repeat(4000), "!".repeat(4000), "三".repeat(4000) + "元", "sooo ".repeat(800), "😡".repeat(2000), "a'".repeat(2000)]) {
      const s = analyzeSentiment(text);
      expect(Number.isFinite(s.score)).toBe(true);
    }
  });
});
