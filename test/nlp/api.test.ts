import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { call, ok, tenant } from "../helpers";
import { IntentSet, TrainSummary } from "../../objects/assistant";
import { ImportedSessions } from "../../objects/assistant-behaviour";
import { Entities, TextAnalysis } from "../../workers/routes/nlp";
import { ChainResult } from "../../shared/nlp/providers";
import { Sentiment } from "../../shared/nlp/sentiment";
import { Prediction } from "../../shared/nlp/predictive";
import { NlpSettings } from "../../shared/nlp/settings";

const post = (path: string, auth: string, json: unknown) => call(path, { method: "POST", auth, json });

/** Parsing strips keys a schema does not name and fails on a value it refuses: equal means fully documented. */
const documented = async (schema: z.ZodType, res: Promise<Response>, status = 200) => {
  const body = await ok(res, status);
  expect(schema.parse(body)).toEqual(body);
};

describe("NLP API contract", () => {
  it("classifies with the starter model: the seed's {text} → {intent} works unchanged", async () => {
    const t = await tenant();
    const r = await ok(post("/v1/nlp/intent", t.key, { text: "where is my order? it's been a week" }));
    expect(r).toMatchObject({ intent: "order_status", lang: "en", provider: "builtin" });
    expect(r.confidence).toBeGreaterThan(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
    expect(r.alternatives.length).toBeGreaterThan(0);
    for (const a of r.alternatives) expect(Object.keys(a).sort()).toEqual(["confidence", "intent"]);
    const zh = await ok(post("/v1/nlp/intent", t.key, { text: "我的快递到哪了，订单号 #A2231 一直没更新" }));
    expect(zh).toMatchObject({ intent: "order_status", lang: "zh" });
  });

  it("PUT /v1/nlp/intents replaces the training set for this tenant only; GET returns it", async () => {
    const a = await tenant();
    const b = await tenant();
    const examples = [
      ...["I want to book a flight", "book me a plane ticket to Paris", "need a flight tomorrow", "reserve a seat on a flight", "find me flights to Tokyo"].map((text) => ({ text, intent: "book_flight" })),
      ...["cancel my hotel booking", "I need to cancel the hotel", "please cancel my room reservation", "drop my hotel stay", "cancel hotel for next week"].map((text) => ({ text, intent: "cancel_hotel" })),
      ...["订一张去上海的机票", "帮我买明天的机票", "我要订航班"].map((text) => ({ text, intent: "book_flight", lang: "zh" })),
    ];
    const trained = await ok(call("/v1/nlp/intents", { method: "PUT", auth: a.key, json: { examples, threshold: 0.3 } }));
    expect(trained).toMatchObject({ intents: ["book_flight", "cancel_hotel"], examples: examples.length, model_version: expect.any(Number), trained_at: expect.any(Number) });
    const set = await ok(call("/v1/nlp/intents", { auth: a.key }));
    expect(set.examples).toHaveLength(examples.length);
    expect(set.threshold).toBe(0.3);
    expect((await ok(post("/v1/nlp/intent", a.key, { text: "can you get me on a flight to Berlin" }))).intent).toBe("book_flight");
    expect((await ok(post("/v1/nlp/intent", a.key, { text: "帮我订去北京的航班" }))).intent).toBe("book_flight");
    // Tenant B still has the starter model.
    expect((await ok(post("/v1/nlp/intent", b.key, { text: "I was charged twice for my order" }))).intent).toBe("payment_issue");
    const again = await ok(call("/v1/nlp/intents", { method: "PUT", auth: a.key, json: { examples } }));
    expect(again.model_version).toBe(trained.model_version + 1);
  });

  it("sentiment, entities and analyze answer their documented shapes", async () => {
    const t = await tenant();
    expect(await ok(post("/v1/nlp/sentiment", t.key, { text: "not satisfied at all" }))).toMatchObject({ label: "negative" });
    expect(await ok(post("/v1/nlp/sentiment", t.key, { text: "挺好的没毛病" }))).toMatchObject({ label: "positive" });
    const s = await ok(post("/v1/nlp/sentiment", t.key, { text: "no complaints here" }));
    expect(s.label).toBe("positive");
    expect(s.score).toBeGreaterThanOrEqual(-1);
    expect(s.score).toBeLessThanOrEqual(1);

    const text = "Order #A55821 cost $1,299.99, deliver it tomorrow, mail me at Jo@Example.com";
    const { entities } = await ok(post("/v1/nlp/entities", t.key, { text, now: "2026-03-10T12:00:00Z", tz: "UTC" }));
    for (const e of entities) expect(text.slice(e.start, e.end)).toBe(e.value);
    const by = (type: string) => entities.find((e: { type: string }) => e.type === type);
    expect(by("order_id").value).toBe("#A55821");
    expect(by("money")).toMatchObject({ value: "$1,299.99" });
    expect(by("date")).toMatchObject({ value: "tomorrow", normalized: "2026-03-11" });
    expect(by("email")).toMatchObject({ value: "Jo@Example.com", normalized: "jo@example.com" });

    const a = await ok(post("/v1/nlp/analyze", t.key, { text: "我要退款，下周三之前能到账吗？订单号 202312150001", now: "2026-03-10T12:00:00Z", tz: "Asia/Shanghai" }));
    expect(a.lang).toBe("zh");
    expect(a.intent.intent).toBe("refund");
    expect(a.intent.provider).toBe("builtin");
    expect(["positive", "negative", "neutral"]).toContain(a.sentiment.label);
    expect(a.entities.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(["date", "order_id"]));
  });

  it("answers exactly what /v1/openapi.json documents for each route", async () => {
    const t = await tenant();
    const text = "My order #A55821 for $20 never came, mail jo@example.com by Friday";
    await documented(IntentSet, call("/v1/nlp/intents", { auth: t.key }));
    await documented(ChainResult, post("/v1/nlp/intent", t.key, { text }));
    await documented(Sentiment, post("/v1/nlp/sentiment", t.key, { text }));
    await documented(Entities, post("/v1/nlp/entities", t.key, { text }));
    await documented(TextAnalysis, post("/v1/nlp/analyze", t.key, { text }));
    await documented(NlpSettings, call("/v1/nlp/settings", { auth: t.key }));
    await documented(Prediction, post("/v1/nlp/predict", t.key, { events: [{ type: "order_page" }] }));
    await documented(ImportedSessions, post("/v1/nlp/sessions", t.key, { sessions: [{ events: [{ type: "checkout_error" }], intent: "payment_issue" }] }), 201);
    const examples = ["book a flight", "cancel my hotel"].map((line, i) => ({ text: line, intent: i ? "cancel_hotel" : "book_flight" }));
    await documented(TrainSummary, call("/v1/nlp/intents", { method: "PUT", auth: t.key, json: { examples } }));
  });

  it("the tenant's time zone and order patterns are its settings", async () => {
    const t = await tenant();
    await ok(call("/v1/nlp/settings", { method: "PUT", auth: t.key, json: { timezone: "Asia/Shanghai", order_patterns: ["SO\\d{6}"] } }));
    // 20:00 UTC on 10 March is already 11 March in Shanghai: "tomorrow" is the 12th there.
    const { entities } = await ok(post("/v1/nlp/entities", t.key, { text: "ship SO123456 tomorrow", now: "2026-03-10T20:00:00Z" }));
    expect(entities).toEqual(expect.arrayContaining([expect.objectContaining({ type: "order_id", value: "SO123456" }), expect.objectContaining({ type: "date", normalized: "2026-03-12" })]));
    const bad = await call("/v1/nlp/settings", { method: "PUT", auth: t.key, json: { timezone: "Mars/Olympus", order_patterns: ["(unclosed"] } });
    expect(bad.status).toBe(422);
    const fields = ((await bad.json()) as { errors: { field: string }[] }).errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(["timezone", "order_patterns.0"]));
  });

  it("refuses bad input with problem+json: empty 422, over 4,000 characters 413, no auth 401", async () => {
    const t = await tenant();
    for (const path of ["/v1/nlp/intent", "/v1/nlp/sentiment", "/v1/nlp/entities", "/v1/nlp/analyze"]) {
      const empty = await post(path, t.key, { text: "   " });
      expect(empty.status).toBe(422);
      expect(empty.headers.get("content-type")).toContain("application/problem+json");
      expect(((await empty.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("text");
      expect((await post(path, t.key, { text: "x".repeat(4001) })).status).toBe(413);
      expect((await post(path, t.key, { text: 42 })).status).toBe(422);
      expect((await call(path, { method: "POST", json: { text: "hi" } })).status).toBe(401);
    }
    expect((await post("/v1/nlp/intent", t.key, { text: "y".repeat(4000) })).status).toBe(200);
    const oneIntent = await call("/v1/nlp/intents", { method: "PUT", auth: t.key, json: { examples: [{ text: "a", intent: "x" }, { text: "b", intent: "x" }] } });
    expect(oneIntent.status).toBe(422);
    const proto = await call("/v1/nlp/intents", { method: "PUT", auth: t.key, json: { examples: [{ text: "a", intent: "__proto__" }, { text: "b", intent: "constructor" }] } });
    expect(proto.status).toBe(422);
    // Nothing was trained by the refused requests: the starter model still answers.
    expect((await ok(post("/v1/nlp/intent", t.key, { text: "I lost my credit card" }))).intent).toBe("card_lost");
  });
});
