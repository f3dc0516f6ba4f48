import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decideTurn, NEW_DIALOG, complexityOf, type DialogState, type KbHit, type TurnInput } from "../../shared/bot/dialog";
import { BotConfig } from "../../shared/bot/config";
import type { BotAction } from "../../shared/bot/bandit";

const hit: KbHit = { id: "kb_1", title: "Refunds", answer: "Refunds take 5 days.", score: 0.8, quick_replies: [] };
const refund = { intent: "refund", confidence: 0.9, lang: "en" as const, alternatives: [{ intent: "return_exchange", confidence: 0.05 }] };
const neutral = { label: "neutral" as const, score: 0 };

function input(over: Partial<TurnInput> = {}, pick: BotAction | null = null): TurnInput {
  return {
    text: "how do refunds work",
    lang: "en",
    intent: refund,
    sentiment: neutral,
    entities: [],
    hits: [hit],
    channel: "web",
    tier: "standard",
    state: NEW_DIALOG,
    config: BotConfig.parse({ enabled: true }),
    choose: (_ctx, allowed) => (pick && allowed.includes(pick) ? pick : allowed[0]!),
    ...over,
  };
}

const awaitingFeedback: DialogState = { ...NEW_DIALOG, turns: 1, awaiting: { kind: "feedback", entry_id: "kb_1", episode: 7 } };

describe("decideTurn", () => {
  it("answers from the best hit with feedback buttons and waits for feedback", () => {
    const d = decideTurn(input());
    expect(d.action).toBe("answer");
    expect(d.parts[0]).toEqual({ type: "text", text: "Refunds take 5 days." });
    expect(d.awaits).toEqual({ kind: "feedback", entry_id: "kb_1" });
    expect(d.episode?.action).toBe("answer");
    expect(d.handoff).toBeNull();
  });

  it("resolves on yes and rewards the answer; hands off on no and penalises it", () => {
    const yes = decideTurn(input({ text: "bot:helped", state: awaitingFeedback }));
    expect(yes.action).toBe("resolve");
    expect(yes.settle).toEqual([{ episode: 7, reward: 1 }]);
    expect(yes.state.done).toBe(true);
    for (const no of ["No, that didn't help", "bot:human", "没用"]) {
      const d = decideTurn(input({ text: no, state: awaitingFeedback }));
      expect(d.action).toBe("handoff");
      expect(d.handoff?.reason).toBe(no === "bot:human" ? "not_helped" : "not_helped");
      expect(d.settle[0]!.reward).toBeLessThan(0);
      expect(d.handoff?.routing).toMatchObject({ intent: "refund", language: "en", priority: 10 });
    }
  });

  it("hands off on request, on negative sentiment and on a business-rule intent, before the policy is asked", () => {
    const asked: string[] = [];
    const choose = (_: unknown, allowed: BotAction[]) => (asked.push("x"), allowed[0]!);
    expect(decideTurn(input({ text: "let me talk to a human", choose })).handoff?.reason).toBe("requested");
    expect(decideTurn(input({ text: "我要转人工", lang: "zh", choose })).handoff?.reason).toBe("requested");
    const angry = decideTurn(input({ sentiment: { label: "negative", score: -0.8 }, choose }));
    expect(angry.handoff?.reason).toBe("negative_sentiment");
    expect(angry.handoff?.routing.sentiment).toBe(-0.8);
    expect(decideTurn(input({ intent: { ...refund, intent: "complaint" }, choose })).handoff?.reason).toBe("business_rule");
    expect(asked).toEqual([]);
  });

  it("offers clarification when two intents are plausible, and routes the picked one", () => {
    const unsure = { intent: "refund", confidence: 0.45, lang: "en" as const, alternatives: [{ intent: "return_exchange", confidence: 0.4 }, { intent: "cancel_order", confidence: 0.1 }] };
    const d = decideTurn(input({ intent: unsure, hits: [] }, "clarify"));
    expect(d.action).toBe("clarify");
    expect(d.awaits).toEqual({ kind: "clarify", options: ["refund", "return_exchange", "cancel_order"] });
    const qr = d.parts[0]!;
    expect(qr.type === "quick_replies" && qr.options.map((o) => o.label)).toEqual(["Refund", "Return or exchange", "Cancel an order", "Something else"]);
    const state: DialogState = { ...d.state, awaiting: { kind: "clarify", options: ["refund", "return_exchange", "cancel_order"], episode: 3 } };
    const picked = decideTurn(input({ text: "return_exchange", intent: { ...unsure, intent: "unknown", confidence: 0.1 }, hits: [], state }));
    expect(picked.settle).toEqual([{ episode: 3, reward: 0.4 }]);
    expect(picked.handoff?.routing.intent).toBe("return_exchange");
    // Where buttons arrive as text, the label typed back or its number picks the option too.
    for (const reply of ["return or exchange", "2"]) {
      const typed = decideTurn(input({ text: reply, intent: { ...unsure, intent: "unknown", confidence: 0.1 }, hits: [], state }));
      expect(typed.handoff?.routing.intent).toBe("return_exchange");
    }
  });

  it("hands off after repeated failure, and with low confidence and nothing to answer", () => {
    const failed: DialogState = { ...NEW_DIALOG, turns: 2, failures: 2 };
    expect(decideTurn(input({ state: failed })).handoff?.reason).toBe("repeated_failure");
    const lost = decideTurn(input({ intent: { intent: "unknown", confidence: 0.2, lang: "en", alternatives: [] }, hits: [] }));
    expect(lost.handoff?.reason).toBe("low_confidence");
    expect(lost.episode).toBeNull();
  });

  it("greets on a first-turn greeting, in the customer's language", () => {
    const d = decideTurn(input({ text: "你好", lang: "zh", intent: { intent: "greeting", confidence: 0.9, lang: "zh", alternatives: [] } }));
    expect(d.action).toBe("greet");
    expect(d.parts[0]!.type === "text" && d.parts[0]!.text).toMatch(/您好/);
  });

  it("a weak knowledge hit is not an answer", () => {
    const d = decideTurn(input({ hits: [{ ...hit, score: 0.1 }] }));
    expect(d.action).toBe("handoff");
  });

  it("any input gives a consistent decision: a handoff always routes, complexity stays in 0..1", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        fc.constantFrom<BotAction>("answer", "clarify", "handoff"),
        (text, score, confidence, withHit, pick) => {
          const d = decideTurn(input({ text, sentiment: { label: "neutral", score }, intent: { ...refund, confidence }, hits: withHit ? [hit] : [] }, pick));
          expect(d.action === "handoff").toBe(d.handoff !== null);
          if (d.handoff) expect(d.handoff.routing.complexity).toBeGreaterThanOrEqual(0);
          if (d.action === "answer") expect(withHit).toBe(true);
          expect(d.state.turns).toBe(1);
        },
      ),
    );
    expect(complexityOf({ intent: "unknown", confidence: 0, lang: "en", alternatives: [] }, { label: "negative", score: -1 }, 9, 99)).toBeLessThanOrEqual(1);
  });
});
