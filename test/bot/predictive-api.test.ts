import { describe, expect, it } from "vitest";
import { call, ok, tenant, text, visitor } from "../helpers";
import { generateSessions } from "../../bench/lib/behaviour-sessions";

const checkoutTrouble = [
  { type: "page_view", url: "https://shop.example/cart", category: "cart" },
  { type: "checkout_start" },
  { type: "checkout_error", code: "card_declined", message: "Your card was declined" },
  { type: "checkout_start" },
  { type: "checkout_error", code: "card_declined" },
];

describe("predictive service through the API", () => {
  it("learns from imported sessions and greets a visitor whose behaviour says what they want", async () => {
    const t = await tenant();
    const sessions = generateSessions(11, 600);
    let imported = { sessions: 0, trained: false };
    // Request bodies are limited to 256 KB: a history goes in batches.
    for (let i = 0; i < sessions.length; i += 200) imported = await ok(call("/v1/nlp/sessions", { method: "POST", auth: t.key, json: { sessions: sessions.slice(i, i + 200) } }), 201);
    expect(imported).toEqual({ sessions: 600, trained: true });
    const scored = await ok(call("/v1/nlp/predict", { method: "POST", auth: t.key, json: { events: checkoutTrouble } }));
    expect(scored.top[0].intent).toBe("payment_issue");
    const v = await visitor(t.id);
    const seen = await ok(call("/v1/widget/events", { method: "POST", auth: v.token, json: { events: checkoutTrouble, lang: "en" } }));
    expect(seen.prediction.intent).toBe("payment_issue");
    expect(seen.greeting).toMatch(/payment/i);
  });

  it("a new tenant predicts nothing rather than guessing; bad events are refused field by field", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const none = await ok(call("/v1/widget/events", { method: "POST", auth: v.token, json: { events: checkoutTrouble } }));
    expect(none).toEqual({ prediction: { intent: null, confidence: 0, top: [] }, greeting: null });
    const bad = await call("/v1/widget/events", { method: "POST", auth: v.token, json: { events: [{ type: "teleport" }, { type: "page_view", url: "x".repeat(3000) }] } });
    expect(bad.status).toBe(422);
    expect((await call("/v1/widget/events", { method: "POST", auth: v.token, json: { events: Array.from({ length: 51 }, () => ({ type: "checkout_start" })) } })).status).toBe(422);
    expect((await call("/v1/widget/events", { method: "POST", auth: t.key, json: { events: checkoutTrouble } })).status).toBe(403);
  });

  it("a conversation's intent labels the visitor's session for the next training", async () => {
    const t = await tenant();
    await ok(call("/v1/bot/config", { method: "PATCH", auth: t.key, json: { enabled: true } }));
    const v = await visitor(t.id);
    await ok(call("/v1/widget/events", { method: "POST", auth: v.token, json: { events: checkoutTrouble } }));
    await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: v.token, json: { client_msg_id: "m1", parts: text("my card keeps getting declined at checkout, can a person help?") } }), 201);
    await expect.poll(async () => (await ok(call(`/v1/conversations/${v.conversationId}`, { auth: t.key }))).status, { timeout: 5000 }).toBe("queued");
    // The labelled session is in the training data: importing 29 more reaches the minimum and the model trains.
    const r = await ok(call("/v1/nlp/sessions", { method: "POST", auth: t.key, json: { sessions: generateSessions(5, 29) } }), 201);
    expect(r).toEqual({ sessions: 30, trained: true });
  });
});
