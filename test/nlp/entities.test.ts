import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compileOrderPattern, extractEntities, type Entity, type EntityOptions, type EntityType } from "../../shared/nlp/entities";
import { entityCounts, entityF1 } from "../../shared/nlp/entity-score";
import type { Lang } from "../../shared/nlp/language";
import { ENTITY_TEST_SET, NOW, PRODUCTS, TZ, type AnnotatedLine } from "./data/entities.test-set";

const TYPES: EntityType[] = ["email", "phone", "order_id", "money", "date", "product"];
const run = (l: AnnotatedLine) => extractEntities(l.text, { now: NOW, tz: TZ[l.lang], products: PRODUCTS });
const ofType = (lists: Entity[][], type: EntityType) => lists.map((es) => es.filter((e) => e.type === type));
const find = (text: string, type: EntityType, opts?: EntityOptions) => extractEntities(text, opts).filter((e) => e.type === type);
const one = (text: string, type: EntityType, opts?: EntityOptions) => {
  const found = find(text, type, opts);
  expect(found, `${type} in ${text}`).toHaveLength(1);
  return found[0] as Entity;
};

describe("entities on the held-out set", () => {
  for (const lang of ["en", "zh"] as const) {
    const lines = ENTITY_TEST_SET.filter((l) => l.lang === lang);
    const gold = lines.map((l) => l.gold);
    const predicted = lines.map(run);

    it(`${lang}: at least 60 annotated lines`, () => expect(lines.length).toBeGreaterThanOrEqual(60));

    it(`${lang}: strict F1 ≥ 0.92 overall and for each of e-mail, phone, order id, money and date`, () => {
      expect(entityF1(gold, predicted)).toBeGreaterThanOrEqual(0.92);
      for (const type of ["email", "phone", "order_id", "money", "date"] as const) {
        expect(entityCounts(ofType(gold, type), []).gold, `${lang} ${type} has gold entities`).toBeGreaterThan(0);
        expect(entityF1(ofType(gold, type), ofType(predicted, type)), `${lang} ${type}`).toBeGreaterThanOrEqual(0.92);
      }
      expect(entityF1(ofType(gold, "product"), ofType(predicted, "product"))).toBeGreaterThanOrEqual(0.9);
    });

    it(`${lang}: normalized values agree wherever the span does`, () => {
      let checked = 0;
      let agreed = 0;
      lines.forEach((line, i) => {
        for (const g of line.gold) {
          const p = (predicted[i] ?? []).find((e) => e.type === g.type && e.start === g.start && e.end === g.end);
          if (!p || g.normalized === undefined) continue;
          checked++;
          if (p.normalized === g.normalized) agreed++;
        }
      });
      expect(checked).toBeGreaterThan(lines.length / 2);
      expect(agreed / checked).toBeGreaterThanOrEqual(0.95);
    });
  }

  it("field by field on the first ten lines of each language", () => {
    for (const lang of ["en", "zh"] as const) {
      for (const line of ENTITY_TEST_SET.filter((l) => l.lang === lang).slice(0, 10)) {
        const predicted = run(line);
        for (const g of line.gold) {
          const p = predicted.find((e) => e.start === g.start);
          expect(p?.type, line.text).toBe(g.type);
          expect(p?.value, line.text).toBe(g.value);
          expect(p?.end, line.text).toBe(g.end);
          expect(p?.normalized, line.text).toBe(g.normalized);
        }
      }
    }
  });
});

describe("order ids", () => {
  it("keeps a leading # or letter prefix, takes a bare number after order words", () => {
    expect(one("status of #A55821?", "order_id")).toMatchObject({ value: "#A55821", normalized: "A55821" });
    expect(one("ORD-2024-0042 is late", "order_id")).toMatchObject({ value: "ORD-2024-0042", normalized: "ORD-2024-0042" });
    expect(one("order 884213 is late", "order_id")).toMatchObject({ value: "884213" });
    expect(one("order no. 55120934", "order_id").value).toBe("55120934");
    expect(one("my order number is a55821x", "order_id")).toMatchObject({ value: "a55821x", normalized: "A55821X" });
    expect(one("订单号 202312150001 还没发", "order_id").value).toBe("202312150001");
    expect(one("订单 #88421 什么时候到", "order_id").value).toBe("#88421");
    expect(one("单号SF1234567890123", "order_id").value).toBe("SF1234567890123");
  });

  it("does not take ordinary numbers, hashtags or dates for order ids", () => {
    for (const t of ["order 2 more please", "#blessed", "ticket 48213", "I ordered on 2024-03-15", "order 2024-03-15", "room 204", "the order was cancelled"]) {
      expect(find(t, "order_id"), t).toEqual([]);
    }
  });

  it("an order number after 'order' wins over the same digits read as a phone", () => {
    const es = extractEntities("order 13800138000 is missing");
    expect(es).toEqual([expect.objectContaining({ type: "order_id", value: "13800138000" })]);
  });

  it("tenant patterns add order ids; broken or catastrophic ones are refused", () => {
    expect(one("ship SO123456 tomorrow", "order_id", { orderPatterns: ["SO\\d{6}"] }).value).toBe("SO123456");
    expect(one("ref ab-99-x", "order_id", { orderPatterns: ["ab-\\d\\d-x"] }).normalized).toBe("AB-99-X");
    for (const bad of ["(unclosed", "(a+)+$", "(a|aa)*b", "(\\d+)*x", "(.*a){3}", "\\d*\\d*\\d*x", "(x)\\1", "a".repeat(300), ""]) {
      expect(compileOrderPattern(bad), bad).toBeUndefined();
    }
    for (const good of ["SO\\d{6}", "[A-Z]{2}-\\d+", "(?:ORD|INV)-\\d{4}-\\d{4}", "\\d{3}-\\d{7}-\\d{7}", "(?:AB)?\\d{6}"]) {
      expect(compileOrderPattern(good), good).toBeInstanceOf(RegExp);
    }
    const evil = `${"a".repeat(3000)}!`;
    expect(extractEntities(evil, { orderPatterns: ["(a+)+$", "(a|aa)*$"] })).toEqual([]);
  });
});

describe("phones", () => {
  const cases: Array<[string, string, string]> = [
    ["call +86 138 0013 8000 please", "+86 138 0013 8000", "+8613800138000"],
    ["call +1 (415) 555-2671 please", "+1 (415) 555-2671", "+14155552671"],
    ["call 0044 20 7946 0958 please", "0044 20 7946 0958", "+442079460958"],
    ["手机13800138000", "13800138000", "13800138000"],
    ["call (415) 555-2671 please", "(415) 555-2671", "4155552671"],
    ["call 415-555-2671 please", "415-555-2671", "4155552671"],
    ["座机020-12345678", "020-12345678", "02012345678"],
  ];
  for (const [text, value, normalized] of cases) {
    it(`${value} → ${normalized}`, () => expect(one(text, "phone")).toMatchObject({ value, normalized }));
  }

  it("does not grab card numbers, dates, amounts, order ids or short numbers", () => {
    for (const t of ["card 4111 1111 1111 1111", "卡号6222 0212 3456 7890 123", "on 2024-03-15", "15/03/2024", "paid $1,299.99", "order #13800138000", "member 88888888", "at 10:30", "4242"]) {
      expect(find(t, "phone"), t).toEqual([]);
    }
  });
});

describe("money", () => {
  const cases: Array<[string, string, string, Lang?]> = [
    ["cost $25 today", "$25", "25 USD"],
    ["cost $1,299.99 today", "$1,299.99", "1299.99 USD"],
    ["cost USD 40 today", "USD 40", "40 USD"],
    ["cost 40 dollars today", "40 dollars", "40 USD"],
    ["cost €12,50 today", "€12,50", "12.5 EUR"],
    ["cost £5 today", "£5", "5 GBP"],
    ["一共¥299，太贵了", "¥299", "299 CNY"],
    ["it cost ¥299 in Osaka", "¥299", "299 JPY"],
    ["这件299元", "299元", "299 CNY"],
    ["这件299块", "299块", "299 CNY"],
    ["花了299块钱", "299块钱", "299 CNY"],
    ["一共RMB 500", "RMB 500", "500 CNY"],
    ["转了500 人民币", "500 人民币", "500 CNY"],
    ["电视3.5万元", "3.5万元", "35000 CNY"],
    ["才两百块", "两百块", "200 CNY"],
    ["sent HK$88 twice", "HK$88", "88 HKD"],
  ];
  for (const [text, value, normalized] of cases) {
    it(`${value} → ${normalized}`, () => expect(one(text, "money")).toMatchObject({ value, normalized }));
  }

  it("needs a currency: bare numbers, percentages and measure words are not money", () => {
    for (const t of ["it weighs 3.5 kg", "20% off", "买了三块电池", "我们一块儿去", "version 2.4.1"]) {
      expect(find(t, "money"), t).toEqual([]);
    }
  });
});

describe("dates", () => {
  // Wednesday 13 March 2024 in New York, already Thursday 14 March in Shanghai.
  const en = { now: NOW, tz: "America/New_York" };
  const zh = { now: NOW, tz: "Asia/Shanghai" };
  const cases: Array<[string, string, string, EntityOptions]> = [
    ["ordered 2024-03-15 ok", "2024-03-15", "2024-03-15", en],
    ["ordered 15/03/2024 ok", "15/03/2024", "2024-03-15", en],
    ["ordered 03/04/2024 ok", "03/04/2024", "2024-03-04", en],
    ["ordered 03.04.2024 ok", "03.04.2024", "2024-04-03", en],
    ["due March 15 ok", "March 15", "2024-03-15", en],
    ["due 15 March 2024 ok", "15 March 2024", "2024-03-15", en],
    ["due today", "today", "2024-03-13", en],
    ["due tomorrow", "tomorrow", "2024-03-14", en],
    ["came yesterday", "yesterday", "2024-03-12", en],
    ["due next Monday", "next Monday", "2024-03-18", en],
    ["came last Friday", "last Friday", "2024-03-08", en],
    ["due in 3 days", "in 3 days", "2024-03-16", en],
    ["came 3 days ago", "3 days ago", "2024-03-10", en],
    ["due this weekend", "this weekend", "2024-03-16", en],
    ["3月15日到", "3月15日", "2024-03-15", zh],
    ["2024年3月15日到", "2024年3月15日", "2024-03-15", zh],
    ["今天到", "今天", "2024-03-14", zh],
    ["明天到", "明天", "2024-03-15", zh],
    ["后天到", "后天", "2024-03-16", zh],
    ["昨天买的", "昨天", "2024-03-13", zh],
    ["前天买的", "前天", "2024-03-12", zh],
    ["下周三到", "下周三", "2024-03-20", zh],
    ["上周五买的", "上周五", "2024-03-08", zh],
    ["这周五到", "这周五", "2024-03-15", zh],
    ["本周五到", "本周五", "2024-03-15", zh],
    ["3天后到", "3天后", "2024-03-17", zh],
    ["三天前买的", "三天前", "2024-03-11", zh],
  ];
  for (const [text, value, normalized, opts] of cases) {
    it(`${value} → ${normalized}`, () => expect(one(text, "date", opts)).toMatchObject({ value, normalized }));
  }

  it("resolves in the given time zone", () => {
    const instant = "2024-03-13T20:00:00Z";
    expect(one("tomorrow", "date", { now: instant, tz: "America/New_York" }).normalized).toBe("2024-03-14");
    expect(one("tomorrow", "date", { now: instant, tz: "Asia/Shanghai" }).normalized).toBe("2024-03-15");
    expect(one("tomorrow", "date", { now: Date.parse(instant) }).normalized).toBe("2024-03-14");
    expect(one("tomorrow", "date", { now: new Date(instant), tz: "Not/AZone" }).normalized).toBe("2024-03-14");
  });

  it("gives a year-less date the nearest year", () => {
    expect(one("since December 20", "date", { now: "2024-01-10T12:00:00Z" }).normalized).toBe("2023-12-20");
    expect(one("by January 5", "date", { now: "2023-12-20T12:00:00Z" }).normalized).toBe("2024-01-05");
    expect(one("12月25日买的", "date", { now: "2024-03-14T12:00:00Z" }).normalized).toBe("2023-12-25");
  });

  it("does not read order ids, phones, versions or rooms as dates", () => {
    for (const t of ["ORD-2024-0042", "call 020-12345678", "version 2.4.1", "3号楼502室", "13800138000", "I may 2 of them"]) {
      expect(find(t, "date"), t).toEqual([]);
    }
  });
});

describe("products and e-mail", () => {
  const products = ["iPhone 15", "iPhone 15 Pro", "Echo", "小米手环8"];

  it("matches tenant product names case-insensitively on word boundaries, the longest name winning", () => {
    expect(one("my iphone 15 pro broke", "product", { products })).toMatchObject({ value: "iphone 15 pro", normalized: "iPhone 15 Pro" });
    expect(one("my IPHONE 15 broke", "product", { products }).normalized).toBe("iPhone 15");
    expect(find("Echoes of the past", "product", { products })).toEqual([]);
    expect(one("买的小米手环8坏了", "product", { products }).value).toBe("小米手环8");
  });

  it("lowercases e-mail addresses", () => {
    expect(one("mail Jo.Doe@Example.COM now", "email")).toMatchObject({ value: "Jo.Doe@Example.COM", normalized: "jo.doe@example.com" });
    expect(find("write to me at name@host", "email")).toEqual([]);
  });
});

describe("entityF1", () => {
  const e = (type: EntityType, start: number, end: number): Entity => ({ type, value: "x".repeat(end - start), start, end });

  it("counts only exact type and span matches", () => {
    expect(entityF1([[e("date", 0, 5)]], [[e("date", 0, 5)]])).toBe(1);
    expect(entityF1([[e("date", 0, 5)]], [[e("date", 0, 4)]])).toBe(0);
    expect(entityF1([[e("date", 0, 5)]], [[e("money", 0, 5)]])).toBe(0);
    expect(entityF1([[e("date", 0, 5), e("money", 6, 8)]], [[e("date", 0, 5)]])).toBeCloseTo(2 / 3);
    expect(entityF1([[], []], [[], []])).toBe(1);
    expect(entityF1([[]], [[e("date", 0, 1)]])).toBe(0);
  });
});

describe("any input", () => {
  const pieces = ["order", "#", "A5", "5582", "1", "13800138000", "+86", " ", "-", "(", ")", ".", ",", "$", "€", "¥", "元", "块", "万", "两百", "@", "a.b", "mail", "tomorrow", "next", "Monday", "下周", "三", "天后", "月", "日", "号", "2024", "/", "订单号", "iPhone 15", "pro", "\u0000", "\ud83d", "😡", "T"];
  const text = fc.oneof(fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((xs) => xs.join("")), fc.string({ unit: "binary", maxLength: 300 }));
  const options = fc.record(
    {
      now: fc.oneof(fc.integer(), fc.string(), fc.date({ noInvalidDate: false }), fc.constant(undefined)),
      tz: fc.oneof(fc.constantFrom("UTC", "Asia/Shanghai", "America/New_York", "Mars/Olympus", ""), fc.string()),
      orderPatterns: fc.array(fc.oneof(fc.constantFrom("SO\\d{6}", "(a+)+", "(", "[", "\\d+"), fc.string({ maxLength: 20 })), { maxLength: 4 }),
      products: fc.array(fc.oneof(fc.constantFrom("iPhone 15", "Pro", "小米"), fc.string({ maxLength: 10 })), { maxLength: 5 }),
    },
    { requiredKeys: [] },
  );

  it("never throws; every entity is its exact slice, in order and without overlap", () => {
    fc.assert(
      fc.property(text, options, (t, opts) => {
        const entities = extractEntities(t, opts);
        let lastEnd = 0;
        for (const en of entities) {
          expect(TYPES).toContain(en.type);
          expect(t.slice(en.start, en.end)).toBe(en.value);
          expect(en.start).toBeGreaterThanOrEqual(lastEnd);
          expect(en.end).toBeGreaterThan(en.start);
          lastEnd = en.end;
        }
      }),
      { numRuns: 400 },
    );
  });

  it("finishes on long adversarial strings", () => {
    const n = 4000;
    for (const t of [
      "1".repeat(n),
      "+" + "1 ".repeat(n / 2),
      "#" + "a1".repeat(n / 2),
      "a@".repeat(n / 2),
      "$1,".repeat(n / 3),
      "订单号" + "1".repeat(n - 3),
      "a".repeat(n - 1) + "@",
      "1-".repeat(n / 2),
      "(".repeat(n / 2) + "1".repeat(n / 2),
      "三".repeat(n) + "元",
      "order ".repeat(n / 6) + "1",
      "March 1 ".repeat(n / 8),
    ]) {
      const entities = extractEntities(t, { orderPatterns: ["(a+)+$", "\\d+-\\d+"], products: ["a", "1"] });
      for (const en of entities) expect(t.slice(en.start, en.end)).toBe(en.value);
    }
  });
});
