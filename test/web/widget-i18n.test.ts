import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { asLang, fill, pickLang, STRINGS } from "../../web/widget/i18n";

const Tag = fc.oneof(
  fc.constantFrom("en", "en-GB", "EN-us", "zh", "zh-CN", "zh-Hant-TW", "fr", "de-DE", "", " zh "),
  fc.string({ maxLength: 8 }),
);
const Maybe = fc.option(Tag, { nil: null });

describe("widget language", () => {
  it("takes data-lang, then setLanguage, then the tenant's setting, then the browser, else English", () => {
    fc.assert(
      fc.property(Maybe, Maybe, Maybe, fc.array(Tag, { maxLength: 4 }), (attribute, api, config, browser) => {
        const expected = [attribute, api, config, ...browser].map(asLang).find((l) => l !== null) ?? "en";
        expect(pickLang({ attribute, api, config, browser })).toBe(expected);
      }),
    );
  });

  it("reads region and script subtags, and nothing else as Chinese or English", () => {
    expect(asLang("zh-Hans-CN")).toBe("zh");
    expect(asLang("en-AU")).toBe("en");
    expect(asLang("auto")).toBeNull();
    expect(asLang("zhx")).toBeNull();
    expect(pickLang({ config: "auto", browser: ["fr-FR", "zh-TW"] })).toBe("zh");
  });

  it("has every string in both languages, with the same placeholders", () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(STRINGS.en) as (keyof typeof STRINGS.en)[]) {
      expect(STRINGS.zh[key].length).toBeGreaterThan(0);
      expect(placeholders(STRINGS.zh[key])).toEqual(placeholders(STRINGS.en[key]));
    }
  });

  it("fills known placeholders and leaves unknown ones visible", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }).filter((s) => !/[{}]/.test(s)), fc.integer(), (name, n) => {
        expect(fill("{name} · {n} · {other}", { name, n })).toBe(`${name} · ${n} · {other}`);
      }),
    );
  });
});
