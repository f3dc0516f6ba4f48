import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  classifyIntent,
  DEFAULT_THRESHOLD,
  IntentExampleSchema,
  modelSize,
  trainIntents,
  UNKNOWN_INTENT,
  type IntentExample,
  type IntentModel,
} from "../../shared/nlp/intent";
import { extractFeatures, makeSpeller } from "../../shared/nlp/features";
import { afterGreeting } from "../../shared/nlp/greeting";
import { lexiconPhrases } from "../../shared/nlp/lexicon";
import { STARTER_INTENT_IDS, STARTER_INTENTS } from "../../shared/nlp/starter-intents";
import { INTENT_TEST_SET, OUT_OF_SCOPE, type Hard, type TestLine } from "./data/intents.test-set";
import { INTENT_FRESH_SET } from "./data/intents.fresh-set";
import { MORE_OUT_OF_SCOPE } from "./data/out-of-scope";
import { TRAVEL_INTENTS } from "./data/travel-intents";
import { TRAVEL_TEST_SET } from "./data/travel.test-set";

type Scored = { line: TestLine; intent: string; confidence: number };

const score = (model: IntentModel, lines: TestLine[], relabel: (intent: string) => string = (i) => i): Scored[] =>
  lines.map((line) => {
    const r = classifyIntent(model, line.text);
    return { line: { ...line, intent: relabel(line.intent) }, intent: r.intent, confidence: r.confidence };
  });

const accuracy = (rows: Scored[]) => (rows.length ? rows.filter((r) => r.intent === r.line.intent).length / rows.length : NaN);

/** Accuracy by language and by hard kind, as a table for the log and as numbers for the assertions. */
function report(name: string, rows: Scored[]) {
  const kinds: (Hard | "plain")[] = ["plain", "no_keyword", "typo", "slang", "mixed"];
  const cell = (lang: string | undefined, kind: Hard | "plain" | undefined) => {
    const sel = rows.filter((r) => (!lang || r.line.lang === lang) && (!kind || (r.line.hard ?? "plain") === kind));
    return { acc: accuracy(sel), n: sel.length };
  };
  const table = ["en", "zh", undefined].map((lang) => ({
    lang: lang ?? "all",
    all: cell(lang, undefined),
    ...Object.fromEntries(kinds.map((k) => [k, cell(lang, k)])),
  }));
  console.log(
    `${name}\n` +
      table
        .map((row) =>
          [row.lang.padEnd(4), ...["all", ...kinds].map((k) => {
            const c = row[k as keyof typeof row] as { acc: number; n: number };
            return `${k}=${Number.isNaN(c.acc) ? "-" : c.acc.toFixed(3)} (${c.n})`;
          })].join("  "),
        )
        .join("\n"),
  );
  return { en: cell("en", undefined).acc, zh: cell("zh", undefined).acc, noKeyword: cell(undefined, "no_keyword").acc };
}

/** k folds stratified by intent and language, assigned by a fixed shuffle. */
function folds(examples: IntentExample[], k: number): IntentExample[][] {
  const out: IntentExample[][] = Array.from({ length: k }, () => []);
  const groups = new Map<string, IntentExample[]>();
  for (const e of examples) groups.set(`${e.intent}/${e.lang}`, [...(groups.get(`${e.intent}/${e.lang}`) ?? []), e]);
  let seed = 7;
  for (const group of groups.values()) {
    const g = [...group];
    for (let i = g.length - 1; i > 0; i--) {
      seed = (seed * 16807) % 2147483647;
      const j = seed % (i + 1);
      [g[i], g[j]] = [g[j] as IntentExample, g[i] as IntentExample];
    }
    g.forEach((e, i) => out[i % k]?.push(e));
  }
  return out;
}

/** The first 20 starter lines of each intent and language. */
function twentyPerIntent(): IntentExample[] {
  const perGroup = new Map<string, number>();
  const twenty = STARTER_INTENTS.filter((e) => {
    const key = `${e.intent}/${e.lang}`;
    perGroup.set(key, (perGroup.get(key) ?? 0) + 1);
    return (perGroup.get(key) ?? 0) <= 20;
  });
  expect(twenty).toHaveLength(STARTER_INTENT_IDS.length * 2 * 20);
  return twenty;
}

const model = trainIntents(STARTER_INTENTS, { seed: 1 });
const outOfScope = [...OUT_OF_SCOPE, ...MORE_OUT_OF_SCOPE];

describe("intent classifier on the starter intents", () => {
  it("reaches 85 % per language and 70 % on lines without the obvious keyword, on the held-out set", () => {
    const r = report("held-out test set (trained on STARTER_INTENTS)", score(model, INTENT_TEST_SET));
    expect(r.en).toBeGreaterThanOrEqual(0.85);
    expect(r.zh).toBeGreaterThanOrEqual(0.85);
    expect(r.noKeyword).toBeGreaterThanOrEqual(0.7);
  });

  // Half of this set is hard lines, and its no_keyword lines avoid the lexicon's words too: a floor that
  // catches a regression, not the target (the numbers are in docs/nlp.md).
  it("holds 80 % per language on a second held-out set written after the lexicon", () => {
    const r = report("fresh held-out set (written after the lexicon)", score(model, INTENT_FRESH_SET));
    expect(r.en).toBeGreaterThanOrEqual(0.8);
    expect(r.zh).toBeGreaterThanOrEqual(0.8);
  });

  it("does as well from 20 lines per intent and language, the external evaluation's budget", () => {
    const small = trainIntents(twentyPerIntent());
    const r = report("20 lines per intent and language", score(small, [...INTENT_TEST_SET, ...INTENT_FRESH_SET]));
    expect(r.en).toBeGreaterThanOrEqual(0.85);
    expect(r.zh).toBeGreaterThanOrEqual(0.85);
  });

  // The lines that avoid the intent's keyword are where the lexicon earns its keep: 0.46 before it was broadened.
  it("recognises two thirds of the fresh set's paraphrases from 20 lines per intent and language", () => {
    const small = trainIntents(twentyPerIntent());
    const r = report("fresh set, 20 lines per intent and language", score(small, INTENT_FRESH_SET));
    expect(r.noKeyword).toBeGreaterThanOrEqual(0.65);
  });

  it("does not answer with confidence when a line has only function words", () => {
    for (const text of ["no, that didn't help", "yes ok", "好的，知道了"]) expect(classifyIntent(model, text).intent).toBe(UNKNOWN_INTENT);
  });

  it("cross-validates at 85 % per language on the training lines alone (5-fold)", () => {
    const parts = folds(STARTER_INTENTS, 5);
    const rows = parts.flatMap((test, i) => {
      const m = trainIntents(parts.flatMap((p, j) => (j === i ? [] : p)));
      return test.map((e) => ({ line: { text: e.text, intent: e.intent, lang: e.lang ?? "en" }, ...pick(classifyIntent(m, e.text)) }));
    });
    const r = report("5-fold cross-validation on STARTER_INTENTS", rows);
    expect(r.en).toBeGreaterThanOrEqual(0.85);
    expect(r.zh).toBeGreaterThanOrEqual(0.85);
  });

  it("answers unknown for most out-of-scope lines and keeps most in-scope lines above the threshold", () => {
    expect(model.threshold).toBe(DEFAULT_THRESHOLD);
    for (const lang of ["en", "zh"] as const) {
      const oos = outOfScope.filter((l) => l.lang === lang).map((l) => classifyIntent(model, l.text));
      const inScope = INTENT_TEST_SET.filter((l) => l.lang === lang).map((l) => classifyIntent(model, l.text));
      const rejected = oos.filter((r) => r.intent === UNKNOWN_INTENT).length / oos.length;
      const kept = inScope.filter((r) => r.intent !== UNKNOWN_INTENT).length / inScope.length;
      console.log(`${lang}: out-of-scope answered unknown ${rejected.toFixed(3)} (${oos.length}), in-scope kept ${kept.toFixed(3)} (${inScope.length})`);
      expect(rejected).toBeGreaterThanOrEqual(0.7);
      expect(kept).toBeGreaterThanOrEqual(0.9);
    }
  });

  it("gives confidences that mean something: right answers score higher, and the threshold only removes answers", () => {
    const rows = score(model, [...INTENT_TEST_SET, ...INTENT_FRESH_SET]);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const right = mean(rows.filter((r) => r.intent === r.line.intent).map((r) => r.confidence));
    const wrong = mean(rows.filter((r) => r.intent !== r.line.intent).map((r) => r.confidence));
    const oos = mean(outOfScope.map((l) => classifyIntent(model, l.text).confidence));
    console.log(`mean confidence: right ${right.toFixed(3)}, wrong ${wrong.toFixed(3)}, out of scope ${oos.toFixed(3)}`);
    expect(right).toBeGreaterThan(wrong);
    expect(wrong).toBeGreaterThan(oos);
    const strict = { ...model, threshold: 0.9 };
    for (const line of INTENT_TEST_SET) {
      const loose = classifyIntent(model, line.text);
      const tight = classifyIntent(strict, line.text);
      expect(tight.confidence).toBe(loose.confidence);
      if (tight.intent !== UNKNOWN_INTENT) expect(tight.intent).toBe(loose.intent);
    }
  });

  it("reads order numbers, e-mails and money as placeholders, so their values do not matter", () => {
    const a = classifyIntent(model, "where is order #A1234?");
    const b = classifyIntent(model, "where is order #ZZ99871?");
    expect(b).toEqual(a);
    expect(classifyIntent(model, "我的order #A1234 还没到").intent).toBe("order_status");
  });
});

describe("a greeting that opens a request", () => {
  // Written for this test, apart from the training lines: customers open with a salutation, then ask.
  const opened: [string, string][] = [
    ["Hello, my order 1042 has not arrived", "order_status"],
    ["Good morning, where is my parcel?", "order_status"],
    ["Hi there! I was charged twice for one purchase", "payment_issue"],
    ["Hey, I can't sign in to my account anymore", "account_login"],
    ["Good evening, please cancel the order I placed today", "cancel_order"],
    ["Hi, how are you? I'd like my money back for the shoes", "refund"],
    ["您好，我的快递还没到", "order_status"],
    ["你好！我想退款", "refund"],
    ["亲，帮我取消一下订单", "cancel_order"],
    ["早上好，我的卡丢了", "card_lost"],
  ];

  it("is read as the request, in both languages", () => {
    const wrong = opened.filter(([text, intent]) => classifyIntent(model, text).intent !== intent);
    expect(wrong).toEqual([]);
  });

  it("stays a greeting when nothing much follows", () => {
    for (const text of ["Hello", "Hi there, good morning!", "Hey :)", "您好", "你好啊～", "Good afternoon, team"]) expect(classifyIntent(model, text).intent).toBe("greeting");
  });

  it("keeps what follows the salutations, and leaves other text alone", () => {
    expect(afterGreeting("Hi there, good morning! Where is my parcel?")).toBe("Where is my parcel?");
    expect(afterGreeting("您好，我的快递还没到")).toBe("我的快递还没到");
    expect(afterGreeting("Hiking boots are still not here")).toBeNull();
    expect(afterGreeting("早就该到了")).toBeNull();
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const rest = afterGreeting(text);
        if (rest !== null) expect(text.endsWith(rest) && rest.length < text.length).toBe(true);
      }),
    );
  });
});

describe("intent classifier for another tenant's intents", () => {
  it("learns a travel agency's five intents from twelve lines each (swap test)", () => {
    const travel = trainIntents(TRAVEL_INTENTS);
    expect(travel.intents).toEqual(["baggage.issue", "booking.cancel", "flight.book", "hotel.checkin", "visa.question"]);
    const rows = score(travel, TRAVEL_TEST_SET);
    const r = report("travel tenant (swap test)", rows);
    expect(r.en).toBeGreaterThanOrEqual(0.8);
    expect(r.zh).toBeGreaterThanOrEqual(0.8);
    for (const row of rows) expect([...travel.intents, UNKNOWN_INTENT]).toContain(row.intent);
  });

  it("learns renamed and merged starter intents", () => {
    const rename = (intent: string) => (intent === "refund" || intent === "return_exchange" ? "after-sales.returns" : `t.${intent.replace(/_/g, "-")}`);
    const relabelled = trainIntents(STARTER_INTENTS.map((e) => ({ ...e, intent: rename(e.intent) })));
    expect(relabelled.intents).toHaveLength(STARTER_INTENT_IDS.length - 1);
    expect(relabelled.intents.some((i) => (STARTER_INTENT_IDS as readonly string[]).includes(i))).toBe(false);
    const r = report("renamed and merged starter intents", score(relabelled, INTENT_TEST_SET, rename));
    expect(r.en).toBeGreaterThanOrEqual(0.85);
    expect(r.zh).toBeGreaterThanOrEqual(0.85);
  });

  it("trains on unbalanced classes and lines without a language tag", () => {
    const examples = [
      ...TRAVEL_INTENTS.filter((e) => e.intent !== "visa.question").map(({ text, intent }) => ({ text, intent })),
      ...TRAVEL_INTENTS.filter((e) => e.intent === "visa.question").slice(0, 5),
    ];
    const m = trainIntents(examples);
    const visa = TRAVEL_TEST_SET.filter((l) => l.intent === "visa.question");
    const rows = score(m, TRAVEL_TEST_SET);
    console.log(`unbalanced travel tenant: all ${accuracy(rows).toFixed(3)}, the 5-line class ${accuracy(score(m, visa)).toFixed(3)}`);
    expect(accuracy(rows)).toBeGreaterThanOrEqual(0.75);
    expect(accuracy(score(m, visa))).toBeGreaterThanOrEqual(0.5);
  });
});

describe("concept lexicon", () => {
  const concepts = (text: string) => [...extractFeatures(text).keys()].filter((k) => k[0] === "k" || k[0] === "f");
  const keyOf = (c: { name: string; function: boolean }) => (c.function ? "f" : "k") + c.name;

  // Catches the stemmer folding a phrase into another word ("pleased" into "please") and a longer Chinese
  // word swallowing a shorter one.
  it("reads every phrase, on its own, as its own concept", () => {
    const { en, zh } = lexiconPhrases();
    const missed = [...en, ...zh].filter(([phrase, c]) => !concepts(phrase).includes(keyOf(c))).map(([phrase]) => phrase);
    expect(missed).toEqual([]);
  });

  // One spelling in two concepts makes both fire on every line that has it; the few that are both on purpose are listed.
  it("puts no word in two concepts except on purpose", () => {
    const { en, zh } = lexiconPhrases();
    const byWords = new Map<string, Set<string>>();
    for (const [phrase, c] of en) {
      const words = [...extractFeatures(phrase).keys()].filter((k) => k[0] === "w").join(" ");
      byWords.set(words, (byWords.get(words) ?? new Set()).add(c.name));
    }
    for (const [phrase, c] of zh) byWords.set(phrase, (byWords.get(phrase) ?? new Set()).add(c.name));
    const shared = [...byWords].filter(([, cs]) => cs.size > 1).map(([words]) => words);
    expect(shared.sort()).toEqual(["wupdat", "更新"]);
  });

  it("keeps everyday Chinese words whole, so their characters do not read as concepts", () => {
    expect(concepts("今天天气怎么样")).not.toContain("kduration");
    expect(concepts("加拿大有多少人口")).not.toContain("kadd");
    expect(concepts("我的卡丢了")).toEqual(expect.arrayContaining(["kcard", "klost"]));
  });

  it("reads a pinyin slip as the word it sounds like, unless the slipped character starts a word of its own", () => {
    expect(concepts("我要推款")).toContain("krefund");
    expect(concepts("转人公")).toContain("khuman");
    expect(concepts("能马上锁卡吗")).toEqual(expect.arrayContaining(["fcan", "fnow", "klock"]));
  });

  it("reads English words inside a Chinese line with the English side", () => {
    expect(concepts("我想cancel我的订单")).toEqual(expect.arrayContaining(["kcancel", "korder"]));
    expect(concepts("visa卡被偷了")).toEqual(expect.arrayContaining(["kcard", "ksteal"]));
  });

  it("corrects typos but leaves ordinary English words alone", () => {
    const speller = makeSpeller(new Map([["goods", 1], ["store", 1], ["when", 1], ["package", 1]]));
    for (const word of ["good", "score", "then", "songs"]) expect(speller(word)).toBeUndefined();
    expect(speller("stroe")).toBe("store");
    expect(speller("pakage")).toBe("package");
  });
});

describe("intent model as data", () => {
  it("survives a JSON round trip with identical results", () => {
    const copy = JSON.parse(JSON.stringify(model)) as IntentModel;
    for (const line of [...INTENT_TEST_SET, ...outOfScope]) expect(classifyIntent(copy, line.text)).toEqual(classifyIntent(model, line.text));
  });

  it("is deterministic for a seed", () => {
    expect(JSON.stringify(trainIntents(STARTER_INTENTS, { seed: 1 }))).toBe(JSON.stringify(model));
    const other = trainIntents(STARTER_INTENTS, { seed: 2 });
    expect(other.intents).toEqual(model.intents);
  });

  it("stays small", () => {
    const bytes = modelSize(model);
    console.log(`starter model: ${model.intents.length} intents, ${model.features.length} features, ${(bytes / 1024).toFixed(0)} KB of JSON`);
    expect(bytes).toBeLessThan(300_000);
  });

  it("keeps a 200-intent tenant within one Durable Object SQLite value (2 MB)", async () => {
    const words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"];
    const examples: IntentExample[] = Array.from({ length: 3000 }, (_, i) => {
      const base = STARTER_INTENTS[(i * 13) % STARTER_INTENTS.length] as IntentExample;
      const k = i % 200;
      return { text: `${base.text} ${words[k % 10]} ${words[Math.floor(k / 10) % 10]} plan${k}x`, intent: `tenant.intent-${k}`, lang: base.lang };
    });
    const t0 = await now();
    const big = trainIntents(examples);
    const t1 = await now();
    const bytes = modelSize(big);
    console.log(`200 intents × 15 lines: trained in ${(t1 - t0).toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KB of JSON`);
    expect(big.intents).toHaveLength(200);
    expect(bytes).toBeLessThan(2_000_000);
    const r = classifyIntent(big, `${STARTER_INTENTS[0]?.text} alpha alpha plan0x`);
    expect([...big.intents, UNKNOWN_INTENT]).toContain(r.intent);
  });

  it("honours a tenant's threshold", () => {
    const m = trainIntents(TRAVEL_INTENTS, { threshold: 0.99 });
    expect(m.threshold).toBe(0.99);
    expect(classifyIntent(m, "Can I check in early?").alternatives[0]?.intent).toBe("hotel.checkin");
  });
});

describe("intent classifier on arbitrary input", () => {
  const valid = (m: IntentModel, text: string) => {
    const r = classifyIntent(m, text);
    expect([...m.intents, UNKNOWN_INTENT]).toContain(r.intent);
    expect(r.confidence).toBeGreaterThanOrEqual(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
    expect(["en", "zh"]).toContain(r.lang);
    expect(r.alternatives.length).toBeLessThanOrEqual(3);
    for (const a of r.alternatives) {
      expect(m.intents).toContain(a.intent);
      expect(a.confidence).toBeGreaterThanOrEqual(0);
      expect(a.confidence).toBeLessThanOrEqual(1);
    }
    for (let i = 1; i < r.alternatives.length; i++) expect(r.alternatives[i - 1]?.confidence).toBeGreaterThanOrEqual(r.alternatives[i]?.confidence ?? 0);
    if (r.intent !== UNKNOWN_INTENT) expect(r.alternatives[0]).toEqual({ intent: r.intent, confidence: r.confidence });
  };

  it("never throws and stays in range, whatever the text", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.string({ unit: "grapheme", maxLength: 100 }),
      fc.constantFrom("", " ", "!!!", "???", "🙂🙂🙂", "\u0000", "\u200b\u200b", "１２３４５", "ｗｈｅｒｅ ｉｓ ｍｙ ｏｒｄｅｒ", "#####", "$$$$"),
      fc.string({ maxLength: 20 }).map((s) => s.repeat(400)),
    );
    fc.assert(fc.property(text, (t) => valid(model, t)), { numRuns: 300 });
  });

  it("trains on any small tenant without throwing, down to lines with no usable features", () => {
    const intentId = fc.stringMatching(/^[a-z0-9_.-]{1,12}$/);
    const line = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom("!!!", "🙂", "退款", "refund please"));
    const examples = fc.array(fc.record({ text: line, intent: intentId }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(examples, fc.string({ maxLength: 60 }), (ex, query) => {
        const m = trainIntents(ex, { seed: 3 });
        valid(m, query);
        valid(JSON.parse(JSON.stringify(m)) as IntentModel, query);
      }),
      { numRuns: 60 },
    );
  });

  it("answers unknown with no alternatives when trained on nothing", () => {
    const empty = trainIntents([]);
    expect(classifyIntent(empty, "hello")).toEqual({ intent: UNKNOWN_INTENT, confidence: 0, lang: "en", alternatives: [] });
  });

  it("validates examples for the API", () => {
    expect(IntentExampleSchema.safeParse({ text: "hi", intent: "greeting.v2", lang: "zh" }).success).toBe(true);
    expect(IntentExampleSchema.safeParse({ text: "hi", intent: "Greeting" }).success).toBe(true);
    expect(IntentExampleSchema.safeParse({ text: "hi", intent: "查询订单" }).success).toBe(true);
    expect(IntentExampleSchema.safeParse({ text: "hi", intent: "__proto__" }).success).toBe(false);
    expect(IntentExampleSchema.safeParse({ text: "hi", intent: "a\u0000b" }).success).toBe(false);
    expect(IntentExampleSchema.safeParse({ text: "", intent: "greeting" }).success).toBe(false);
    expect(IntentExampleSchema.safeParse({ text: "x".repeat(4001), intent: "greeting" }).success).toBe(false);
    expect(IntentExampleSchema.safeParse({ text: "hi", intent: "greeting", lang: "fr" }).success).toBe(false);
  });
});

describe("intent classifier cost", () => {
  it("logs training time for 3,000 lines and classification p50/p99", async () => {
    const big: IntentExample[] = Array.from({ length: 3000 }, (_, i) => {
      const a = STARTER_INTENTS[i % STARTER_INTENTS.length] as IntentExample;
      const b = STARTER_INTENTS[(i * 7 + 3) % STARTER_INTENTS.length] as IntentExample;
      return { ...a, text: `${a.text} ${i % 3 ? "" : b.text.slice(0, 8)} ${i}` };
    });
    const t0 = await now();
    const trained = trainIntents(big);
    const t1 = await now();
    console.log(`training on ${big.length} lines: ${(t1 - t0).toFixed(0)} ms, model ${(modelSize(trained) / 1024).toFixed(0)} KB`);
    const lines = [...INTENT_TEST_SET, ...INTENT_FRESH_SET, ...outOfScope].map((l) => l.text);
    const fresh = JSON.parse(JSON.stringify(model)) as IntentModel;
    const l0 = await now();
    classifyIntent(fresh, "first call builds the lookup tables");
    const l1 = await now();
    const batches: number[] = [];
    for (let round = 0; round < 20; round++) {
      const start = await now();
      for (const text of lines) classifyIntent(fresh, text);
      batches.push(((await now()) - start) / lines.length);
    }
    batches.sort((a, b) => a - b);
    console.log(
      `classify: first call (load) ${(l1 - l0).toFixed(1)} ms; per line, over 20 rounds of ${lines.length}: median ${(batches[10] ?? 0).toFixed(3)} ms, worst round ${(batches[19] ?? 0).toFixed(3)} ms`,
    );
    expect(trained.intents).toHaveLength(STARTER_INTENT_IDS.length);
  });
});

function pick(r: { intent: string; confidence: number }) {
  return { intent: r.intent, confidence: r.confidence };
}

/** workerd only advances its clock across I/O, so a timestamp is taken after yielding to the event loop. */
async function now(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  return Date.now();
}
