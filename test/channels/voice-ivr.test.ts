/**
 * The IVR's pure decisions: menu and speech matching, attempt counting, routes as routing requests, and TwiML
 * that stays well-formed XML whatever text a tenant configures.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { xmlEscape } from "../../workers/channels/twilio";
import { attemptOf, decide, describeRoute, gatherTwiml, IvrConfig, matchOption, routingFor, sayTwiml, words } from "../../workers/channels/voice-ivr";

const menu = IvrConfig.parse({
  prompt: "For billing press 1 or say billing. For a delivery press 2. Para español, oprima 9.",
  options: [
    { digits: "1", speech: ["billing", "my bill", "invoice"], label: "Billing", route: { queue: "billing", skills: ["billing"] } },
    { digits: "2", speech: ["delivery", "where is my order"], label: "Delivery", route: { skills: ["logistics"] } },
    { digits: "9", speech: ["español", "spanish"], label: "Español", route: { language: "es" } },
    { digits: "*0", label: "Operator", route: {} },
  ],
  fallback: { queue: "general" },
});

type XmlNode = { name: string; attrs: Record<string, string>; children: (XmlNode | string)[] };

/** A strict reader for the XML subset TwiML uses: anything a real parser would reject throws here too. */
function parseXml(doc: string): XmlNode {
  const prolog = '<?xml version="1.0" encoding="UTF-8"?>';
  if (!doc.startsWith(prolog)) throw new Error("no prolog");
  let i = prolog.length;
  const entity = (s: string): string =>
    s.replace(/&(#\d+|lt|gt|amp|quot|apos);|&/g, (m, e: string | undefined) => {
      if (!e) throw new Error("bare &");
      if (e.startsWith("#")) return String.fromCodePoint(Number(e.slice(1)));
      return { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }[e]!;
    });
  const legal = (s: string) => {
    if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(s) || !s.isWellFormed()) throw new Error("character XML cannot carry");
    return s;
  };
  const element = (): XmlNode => {
    const open = /^<([A-Za-z]+)((?:\s+[A-Za-z]+="[^"<]*")*)\s*(\/?)>/.exec(doc.slice(i));
    if (!open) throw new Error(`bad tag at ${i}`);
    i += open[0].length;
    const attrs: Record<string, string> = {};
    for (const [, k, v] of open[2]!.matchAll(/([A-Za-z]+)="([^"]*)"/g)) {
      if (k! in attrs) throw new Error("duplicate attribute");
      attrs[k!] = entity(legal(v!));
    }
    const node: XmlNode = { name: open[1]!, attrs, children: [] };
    if (open[3]) return node;
    for (;;) {
      const close = `</${node.name}>`;
      if (doc.startsWith(close, i)) {
        i += close.length;
        return node;
      }
      if (doc[i] === "<") node.children.push(element());
      else {
        const end = doc.indexOf("<", i);
        if (end < 0) throw new Error("unclosed element");
        const raw = doc.slice(i, end);
        if (raw.includes(">")) throw new Error("bare >");
        node.children.push(entity(legal(raw)));
        i = end;
      }
    }
  };
  const root = element();
  if (i !== doc.length) throw new Error("trailing content");
  return root;
}

const twimlDoc = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;
const textOf = (n: XmlNode): string => n.children.map((c) => (typeof c === "string" ? c : textOf(c))).join("");
/** What XML can carry of a string: lone surrogates become U+FFFD, other characters it cannot hold are gone. */
const carried = (s: string) => s.toWellFormed().replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");
const anyText = fc.string({ unit: "binary", maxLength: 80 });

describe("TwiML escaping", () => {
  it("any prompt, voice text or action URL gives a document that parses back to exactly what was meant", () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, (prompt, retry, action) => {
        const ivr = IvrConfig.parse({ ...menu, prompt: prompt || "x", retry_prompt: retry || "y" });
        const gather = parseXml(twimlDoc(gatherTwiml(ivr, action, 2))).children[0] as XmlNode;
        expect(gather.name).toBe("Gather");
        expect(gather.attrs.action).toBe(carried(action));
        const says = gather.children as XmlNode[];
        expect(says.map((n) => n.name)).toEqual(["Say", "Say"]);
        expect(says.map(textOf)).toEqual([carried(retry || "y"), carried(prompt || "x")]);
      }),
      { numRuns: 300 },
    );
  });

  it("xmlEscape leaves no markup character and keeps tabs and newlines as references (attributes would fold them)", () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const e = xmlEscape(s);
        expect(e).not.toMatch(/[<>"'\t\n\r]|&(?!(lt|gt|amp|quot|apos|#9|#10|#13);)/);
        const say = parseXml(twimlDoc(`<Say a="${e}">${e}</Say>`)).children[0] as XmlNode;
        expect(say.attrs.a).toBe(carried(s));
        expect(textOf(say)).toBe(carried(s));
      }),
      { numRuns: 500 },
    );
    expect(xmlEscape(`<a href="x">&'\n`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#10;");
  });

  it("the menu TwiML: keys and speech, the longest option's digit count, hints, silence calls back, retry prompt only on retries", () => {
    const first = gatherTwiml(IvrConfig.parse({ ...menu, language: "en-US", voice: "Polly.Joanna" }), "https://edge.example/hook?a=1&b=2", 1);
    expect(first).toBe(
      '<Gather input="dtmf speech" numDigits="2" timeout="5" speechTimeout="auto" hints="billing, my bill, invoice, delivery, where is my order, español, spanish" language="en-US" action="https://edge.example/hook?a=1&amp;b=2" method="POST" actionOnEmptyResult="true">' +
        '<Say voice="Polly.Joanna" language="en-US">For billing press 1 or say billing. For a delivery press 2. Para español, oprima 9.</Say></Gather>',
    );
    const keysOnly = IvrConfig.parse({ prompt: "Press 1", options: [{ digits: "1", label: "One", route: {} }] });
    expect(gatherTwiml(keysOnly, "u", 2)).toBe('<Gather input="dtmf" numDigits="1" timeout="5" action="u" method="POST" actionOnEmptyResult="true"><Say>Sorry, I did not get that.</Say><Say>Press 1</Say></Gather>');
    expect(sayTwiml("a & b")).toBe("<Say>a &amp; b</Say>");
  });
});

describe("menu matching", () => {
  it("keys pick the option with exactly those digits", () => {
    expect(matchOption(menu, { digits: "1" })?.label).toBe("Billing");
    expect(matchOption(menu, { digits: "*0" })?.label).toBe("Operator");
    expect(matchOption(menu, { digits: "11" })).toBeNull();
    expect(matchOption(menu, { digits: "0" })).toBeNull();
    // Keys win over words when Twilio reports both.
    expect(matchOption(menu, { digits: "2", speech: "billing" })?.label).toBe("Delivery");
  });

  it("speech matches whole words, ignoring case, punctuation and accents; the earliest phrase wins", () => {
    expect(matchOption(menu, { speech: "Hi, I have a question about MY BILL." })?.label).toBe("Billing");
    expect(matchOption(menu, { speech: "Espanol por favor" })?.label).toBe("Español");
    expect(matchOption(menu, { speech: "where is my order and my bill" })?.label).toBe("Delivery");
    expect(matchOption(menu, { speech: "billings department" })).toBeNull();
    expect(matchOption(menu, { speech: "" })).toBeNull();
  });

  it("speech below min_confidence is no answer", () => {
    const strict = IvrConfig.parse({ ...menu, min_confidence: 0.5 });
    expect(matchOption(strict, { speech: "billing", confidence: 0.49 })).toBeNull();
    expect(matchOption(strict, { speech: "billing", confidence: 0.5 })?.label).toBe("Billing");
  });

  it("any option's phrase said among words that are no phrase picks that option, however it is cased", () => {
    const filler = fc.constantFrom("um", "hello", "yes", "please", "the", "thanks", "question", "about");
    const phrase = fc.constantFrom(...menu.options.flatMap((o) => (o.speech ?? []).map((p) => [p, o.label] as const)));
    fc.assert(
      fc.property(fc.array(filler, { maxLength: 5 }), phrase, fc.array(filler, { maxLength: 5 }), fc.boolean(), (before, [p, label], after, upper) => {
        const said = [...before, upper ? p.toUpperCase() : p, ...after].join(" ") + (upper ? "!" : ".");
        expect(matchOption(menu, { speech: said })?.label).toBe(label);
      }),
    );
  });

  it("digits never match an option they are not", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9*#]{0,4}$/), (d) => {
        const m = matchOption(menu, { digits: d });
        expect(m === null ? !menu.options.some((o) => o.digits === d) : m.digits === d).toBe(true);
      }),
    );
  });

  it("words() folds case and accents and splits on anything that is not a letter or digit", () => {
    expect(words("Facturación, ¿DÓNDE-está? 42")).toEqual(["facturacion", "donde", "esta", "42"]);
  });
});

describe("attempts and fallback", () => {
  it("no match asks again until the last attempt, which falls back", () => {
    expect(decide(menu, {}, 1)).toEqual({ kind: "retry", attempt: 2 });
    expect(decide(menu, { digits: "7" }, 2)).toEqual({ kind: "retry", attempt: 3 });
    expect(decide(menu, { digits: "7" }, 3)).toEqual({ kind: "route", option: null, route: { queue: "general" } });
    expect(decide(menu, { digits: "1" }, 3)).toMatchObject({ kind: "route", option: { label: "Billing" } });
  });

  it("for any number of attempts, silence is asked again exactly attempts-1 times, then routed to the fallback", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), (attempts) => {
        const ivr = IvrConfig.parse({ ...menu, attempts });
        let attempt = 1;
        let retries = 0;
        for (;;) {
          const d = decide(ivr, {}, attemptOf(ivr, String(attempt)));
          if (d.kind === "route") {
            expect(d.route).toEqual(ivr.fallback);
            break;
          }
          retries++;
          attempt = d.attempt;
        }
        expect(retries).toBe(attempts - 1);
      }),
    );
  });

  it("the attempt read from the callback URL stays within 1..attempts", () => {
    expect([null, "", "0", "2", "99", "x", "-1"].map((a) => attemptOf(menu, a))).toEqual([1, 1, 1, 2, 3, 1, 1]);
  });
});

describe("routes", () => {
  it("become routing requests: skills required, language required, queue as the ivr_queue attribute", () => {
    expect(routingFor({ queue: "billing", skills: ["billing", "refunds"], language: "es" })).toEqual({
      required_skills: [
        { skill: "billing", min_proficiency: 1, mode: "required" },
        { skill: "refunds", min_proficiency: 1, mode: "required" },
      ],
      language: "es",
      language_required: true,
      attributes: { ivr_queue: "billing" },
    });
    expect(routingFor({})).toEqual({});
    expect(describeRoute({ queue: "billing", skills: ["billing", "refunds"], language: "es" })).toBe("queue billing; skills billing, refunds; language es");
    expect(describeRoute({})).toBe("default");
  });

  it("the menu config refuses what cannot work", () => {
    const bad = (patch: Record<string, unknown>) => IvrConfig.safeParse({ ...menu, ...patch }).success;
    expect(bad({ options: [] })).toBe(false);
    expect(bad({ options: [menu.options[0], { ...menu.options[1], digits: "1" }] })).toBe(false);
    expect(bad({ options: [menu.options[0], { ...menu.options[1], speech: ["Billing!"] }] })).toBe(false);
    expect(bad({ options: [{ ...menu.options[0], digits: "#" }] })).toBe(false);
    expect(bad({ options: [{ ...menu.options[0], route: { queue: "no spaces allowed" } }] })).toBe(false);
    expect(bad({ options: [{ ...menu.options[0], route: { team: "x" } }] })).toBe(false);
    expect(bad({ attempts: 0 })).toBe(false);
    expect(bad({ language: "english please" })).toBe(false);
    expect(bad({})).toBe(true);
  });
});
