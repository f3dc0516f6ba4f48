import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  collect,
  embedSnippet,
  errorsByField,
  formatConditionValue,
  formatHours,
  formatList,
  formatRequiredSkills,
  formatSkills,
  parseConditionValue,
  parseDates,
  parseDecimal,
  parseHours,
  parseList,
  parseRequiredSkills,
  parseSkills,
  parseWhole,
  scopesFrom,
  WEEKDAYS,
} from "../../web/dashboard/admin/form-map";
import { channelConfig, CHANNEL_KINDS } from "../../web/dashboard/admin/channel-fields";
import { routingDraft, routingFromDraft, slugId } from "../../web/dashboard/admin/routing-drafts";
import { AgentRouting, RoutingConfig } from "../../shared/routing-config";
import { Calendar } from "../../shared/routing/schemas";
import { CreateApiKey } from "../../workers/routes/api-keys";

/** The admin pages' form text ⇄ API value mapping: what the forms send is what the API schemas accept. */

const word = fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/);
const level = fc.integer({ min: 1, max: 50 }).map((n) => n / 10);
const uniqueWords = (max: number) => fc.uniqueArray(word, { maxLength: max });
const clock = fc.integer({ min: 0, max: 24 * 60 }).map((m) => (m === 24 * 60 ? "24:00" : `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`));
const interval = fc
  .tuple(fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 7 }), clock, clock)
  .filter(([, a, b]) => a < b)
  .map(([days, open, close]) => ({ days: WEEKDAYS.filter((d) => days.includes(d)), open, close }));

describe("lists and skills", () => {
  it("a list reads back as it was written, blanks and repeats dropped", () => {
    fc.assert(fc.property(uniqueWords(10), (items) => void expect(parseList(formatList(items))).toEqual(items)));
    expect(parseList(" a, b,,\n a \n c ")).toEqual(["a", "b", "c"]);
  });

  it("agent skills read back exactly and are accepted by the routing API", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.record({ skill: word, proficiency: level }), { selector: (s) => s.skill, maxLength: 10 }), (skills) => {
        const parsed = parseSkills(formatSkills(skills));
        expect(parsed).toEqual({ ok: true, value: skills });
        if (parsed.ok) expect(AgentRouting.safeParse({ skills: parsed.value }).success).toBe(true);
      }),
    );
  });

  it("a bare skill gets level 3; levels outside 0–5 or not numbers are refused", () => {
    expect(parseSkills("billing, refunds:4.5")).toEqual({ ok: true, value: [{ skill: "billing", proficiency: 3 }, { skill: "refunds", proficiency: 4.5 }] });
    for (const bad of ["x:0", "x:6", "x:abc", "x:1:2", ":3"]) expect(parseSkills(bad).ok).toBe(false);
  });

  it("queue requirements keep their mode and minimum level", () => {
    const req = fc.record({ skill: word, min_proficiency: level, mode: fc.constantFrom("required" as const, "preferred" as const) });
    fc.assert(fc.property(fc.uniqueArray(req, { selector: (s) => s.skill, maxLength: 8 }), (skills) => void expect(parseRequiredSkills(formatRequiredSkills(skills))).toEqual({ ok: true, value: skills })));
    expect(parseRequiredSkills("spanish?")).toEqual({ ok: true, value: [{ skill: "spanish", min_proficiency: 1, mode: "preferred" }] });
  });
});

describe("business hours", () => {
  it("opening hours read back as written and make a valid calendar", () => {
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 8 }), (hours) => {
        const parsed = parseHours(formatHours(hours));
        expect(parsed).toEqual({ ok: true, value: hours });
        expect(Calendar.safeParse({ id: "cal", timezone: "Asia/Shanghai", hours }).success).toBe(true);
      }),
    );
  });

  it("consecutive days are written as a range", () => {
    expect(formatHours([{ days: ["mon", "tue", "wed", "thu", "fri"], open: "09:00", close: "17:00" }, { days: ["sat", "mon"], open: "10:00", close: "12:00" }])).toBe("mon-fri 09:00-17:00\nmon,sat 10:00-12:00");
    expect(parseHours("mon-wed,sat 08:30-12:00")).toEqual({ ok: true, value: [{ days: ["mon", "tue", "wed", "sat"], open: "08:30", close: "12:00" }] });
  });

  it("mistakes name their line", () => {
    const cases: [string, RegExp][] = [
      ["mon-fri 09:00-17:00\nfri-mon 09:00-17:00", /^line 2: .*forward/],
      ["mon 22:00-02:00", /^line 1: .*before closing/],
      ["mon 9-17", /^line 1: times/],
      ["monday 09:00-17:00", /^line 1: .*days are/],
      ["09:00-17:00", /^line 1: write days/],
      ["mon 24:30-25:00", /^line 1: times/],
    ];
    for (const [text, error] of cases) {
      const r = parseHours(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(error);
    }
  });

  it("holidays come back sorted and once each; impossible dates are refused", () => {
    const day = fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.array(day, { maxLength: 20 }), (days) => {
        const parsed = parseDates(days.join("\n"));
        expect(parsed).toEqual({ ok: true, value: [...new Set(days)].sort() });
        if (parsed.ok) expect(Calendar.safeParse({ id: "c", timezone: "UTC", hours: [], holidays: parsed.value }).success).toBe(true);
      }),
    );
    for (const bad of ["2026-02-30", "2026-13-01", "26-01-01", "tomorrow"]) expect(parseDates(bad).ok).toBe(false);
  });
});

describe("numbers and rule values", () => {
  it("whole numbers and decimals are bounded", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), (n) => {
        expect(parseWhole(String(n), -100, 100).ok).toBe(n >= -100 && n <= 100);
        expect(parseDecimal(String(n / 100), -1, 1).ok).toBe(n >= -100 && n <= 100);
      }),
    );
    expect(parseWhole("2.5", 0, 5).ok).toBe(false);
    expect(parseWhole("", 0, 5).ok).toBe(false);
  });

  it("condition values take the shape their operator needs", () => {
    const scalar = fc.oneof(word, fc.integer({ min: -1000, max: 1000 }), fc.boolean());
    fc.assert(fc.property(fc.array(scalar, { minLength: 1, maxLength: 6 }), (list) => void expect(parseConditionValue("in", formatConditionValue(list))).toEqual({ ok: true, value: [...new Set(list.map(String))].map((s) => list.find((v) => String(v) === s)) })));
    expect(parseConditionValue("gte", "0.5")).toEqual({ ok: true, value: 0.5 });
    expect(parseConditionValue("gte", "vip").ok).toBe(false);
    expect(parseConditionValue("exists", "")).toEqual({ ok: true, value: true });
    expect(parseConditionValue("eq", "").ok).toBe(false);
    expect(parseConditionValue("in", " , ").ok).toBe(false);
  });

  it("collect reports every failed field at once", () => {
    const r = collect({ a: parseWhole("x", 0, 1), b: parseWhole("1", 0, 1), c: parseDecimal("9", 0, 1) });
    expect(r.value).toBeNull();
    expect(Object.keys(r.errors).sort()).toEqual(["a", "c"]);
    expect(collect({ b: parseWhole("1", 0, 1) })).toEqual({ value: { b: 1 }, errors: {} });
  });
});

describe("errors from the API", () => {
  it("land on the longest field that owns their path; the rest go to the form", () => {
    const fields = ["skills", "capacity.chat", "capacity", "name"];
    const out = errorsByField(
      [
        { field: "skills.0.proficiency", message: "too big" },
        { field: "capacity.chat", message: "max 50" },
        { field: "capacity.voice", message: "max 10" },
        { field: "shifts.0", message: "start must be before end" },
        { field: "(root)", message: "bad body" },
      ],
      fields,
    );
    expect(out).toEqual({ skills: "too big", "capacity.chat": "max 50", capacity: "max 10", "": "shifts.0: start must be before end; bad body" });
  });

  it("every error is kept somewhere", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ field: word, message: word }), { maxLength: 10 }), uniqueWords(5), (errors, fields) => {
        const out = errorsByField(errors, fields);
        for (const e of errors) expect(Object.values(out).some((m) => m.includes(e.message))).toBe(true);
      }),
    );
  });
});

describe("routing configuration drafts", () => {
  const queue = fc.record({
    id: word,
    name: word,
    priority: fc.integer({ min: -100, max: 100 }),
    sla_first_response_s: fc.integer({ min: 1, max: 86_400 }),
    required_skills: fc.uniqueArray(fc.record({ skill: word, min_proficiency: level, mode: fc.constantFrom("required" as const, "preferred" as const) }), { selector: (s) => s.skill, maxLength: 3 }),
    sticky: fc.boolean(),
    strategy: fc.constantFrom("pack" as const, "spread" as const),
    targets: fc.constantFrom([{ kind: "any" as const }], [{ kind: "team" as const, value: "tier2", timeout_s: 30 }, { kind: "any" as const }]),
  });
  const condition = fc.oneof(
    fc.record({ field: fc.constant("channel"), op: fc.constant("in" as const), value: fc.uniqueArray(word, { minLength: 1, maxLength: 3 }) }),
    fc.record({ field: fc.constant("sentiment"), op: fc.constant("lte" as const), value: fc.integer({ min: -10, max: 10 }).map((n) => n / 10) }),
    fc.record({ field: fc.constant("intent"), op: fc.constant("eq" as const), value: word }),
  );
  const config = fc
    .uniqueArray(queue, { selector: (q) => q.id, minLength: 1, maxLength: 4 })
    .chain((queues) =>
      fc.record({
        queues: fc.constant(queues),
        rules: fc.uniqueArray(fc.record({ id: word, queue_id: fc.constantFrom(...queues.map((q) => q.id)), when: fc.array(condition, { maxLength: 3 }) }), { selector: (r) => r.id, maxLength: 4 }),
        default_queue_id: fc.constantFrom(...queues.map((q) => q.id)),
        settings: fc.constant({ offer_timeout_s: 30 }),
      }),
    )
    .map((c) => RoutingConfig.parse(c));

  it("an untouched draft saves the configuration it was made from", () => {
    fc.assert(
      fc.property(config, (c) => {
        const back = routingFromDraft(c, routingDraft(c));
        expect(back.errors).toEqual({});
        expect(RoutingConfig.parse(back.value)).toEqual(c);
      }),
    );
  });

  it("a new queue gets the server's defaults and an id not yet taken", () => {
    fc.assert(
      fc.property(config, word, (c, name) => {
        const draft = routingDraft(c);
        const id = slugId(name, new Set(c.queues.map((q) => q.id)));
        expect(c.queues.some((q) => q.id === id)).toBe(false);
        draft.queues.push({ ...routingDraft({ ...c, queues: [] }).queues[0]!, ...{ base: null, id, name, priority: "0", sla: "60", skills: "", calendar_id: "", out_of_hours_message: "", language: "preferred", strategy: "pack", sticky: false } });
        const saved = RoutingConfig.parse(routingFromDraft(c, draft).value);
        expect(saved.queues.at(-1)).toMatchObject({ id, name, targets: [{ kind: "skills", timeout_s: 120 }, { kind: "any" }] });
      }),
    );
  });

  it("mistakes are keyed by the path the API reports", () => {
    const c = RoutingConfig.parse({ queues: [{ id: "billing", name: "Billing" }], rules: [{ id: "r1", queue_id: "billing", when: [{ field: "sentiment", op: "lte", value: -0.5 }] }], default_queue_id: "billing" });
    const d = routingDraft(c);
    d.queues[0]!.sla = "0";
    d.queues[0]!.skills = "x:9";
    d.rules[0]!.when[0]!.value = "angry";
    d.rules[0]!.when.push({ field: "in_business_hours", op: "eq", value: "true", calendar_id: "" });
    expect(Object.keys(routingFromDraft(c, d).errors).sort()).toEqual(["queues.0.required_skills", "queues.0.sla_first_response_s", "rules.0.when.0.value", "rules.0.when.1.calendar_id"]);
  });
});

describe("other forms", () => {
  it("API key scopes are what CreateApiKey accepts", () => {
    const access = fc.dictionary(fc.constantFrom("agents", "kb", "routing", "webhooks", "api_keys"), fc.constantFrom("none" as const, "read" as const, "write" as const));
    fc.assert(
      fc.property(fc.boolean(), access, (all, a) => {
        const scopes = scopesFrom(all, a);
        if (all) expect(scopes).toEqual(["*"]);
        else expect(scopes.length).toBe(Object.values(a).filter((v) => v !== "none").length);
        if (scopes.length) expect(CreateApiKey.safeParse({ name: "k", scopes }).success).toBe(true);
      }),
    );
  });

  it("channel credentials: optional blanks are left out, required blanks sent for the server to name", () => {
    const telegram = CHANNEL_KINDS.find((k) => k.name === "telegram")!;
    expect(channelConfig(telegram, { bot_token: " 1:abc ", api_base: "" })).toEqual({ bot_token: "1:abc", secret_token: "" });
    const sms = CHANNEL_KINDS.find((k) => k.name === "sms")!;
    expect(channelConfig(sms, { account_sid: "AC1", auth_token: "t", phone_numbers: "+15550001, +15550002" })).toMatchObject({ phone_numbers: ["+15550001", "+15550002"] });
  });

  it("the embed snippet escapes what it quotes", () => {
    expect(embedSnippet("https://desk.example", "ten_demo")).toBe('<script src="https://desk.example/widget.js" data-tenant="ten_demo" async></script>');
    expect(embedSnippet("https://x", 'a"><img')).not.toContain('"><img');
  });
});
