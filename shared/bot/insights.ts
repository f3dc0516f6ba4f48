import { z } from "zod";
import { Entity } from "../nlp/entities";
import { analyzeSentiment, Sentiment } from "../nlp/sentiment";
import { detectLanguage } from "../nlp/language";
import type { ContentPart } from "../message";

export const QualityFlag = z.enum(["negative_spike", "repeated_contact", "long_wait", "sla_breach"]);
export type QualityFlag = z.infer<typeof QualityFlag>;

/** What the agent sees beside the transcript: what the customer wants, how they feel, what they mentioned, why they are here. */
export const Insights = z
  .object({
    intent: z.object({ intent: z.string(), confidence: z.number(), provider: z.string() }).nullable(),
    lang: z.string().nullable(),
    sentiment: Sentiment.nullable(),
    /** Customer messages' sentiment, oldest first, the last TREND_POINTS of them. */
    trend: z.array(z.object({ seq: z.int(), score: z.number(), at: z.number() })),
    entities: z.array(Entity),
    handoff: z.object({ reason: z.string(), at: z.number() }).nullable(),
    predicted: z.object({ intent: z.string(), confidence: z.number() }).nullable(),
    flags: z.array(z.object({ flag: QualityFlag, at: z.number(), detail: z.string().optional() })),
  })
  .meta({ id: "ConversationInsights" });
export type Insights = z.infer<typeof Insights>;

export const EMPTY_INSIGHTS: Insights = { intent: null, lang: null, sentiment: null, trend: [], entities: [], handoff: null, predicted: null, flags: [] };

const TREND_POINTS = 20;
const MAX_ENTITIES = 30;
const MAX_FLAGS = 20;
/** A message this negative, this far below the customer's recent mood, is a spike worth a supervisor's look. */
const SPIKE_LEVEL = -0.5;
const SPIKE_DROP = 0.6;
const RECENT = 3;

/** Whether a new score is a negative spike against the scores before it. */
export function isNegativeSpike(prior: number[], score: number): boolean {
  if (score > SPIKE_LEVEL) return false;
  const recent = prior.slice(-RECENT);
  if (!recent.length) return true;
  const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
  return mean - score >= SPIKE_DROP;
}

/** Adds a customer message's sentiment; returns the new insights and whether it is a spike. */
export function withSentiment(i: Insights, seq: number, s: Sentiment, at: number): { insights: Insights; spike: boolean } {
  const spike = isNegativeSpike(
    i.trend.map((p) => p.score),
    s.score,
  );
  return { insights: { ...i, sentiment: s, trend: [...i.trend, { seq, score: s.score, at }].slice(-TREND_POINTS) }, spike };
}

/** Entities seen so far, newest last; the same thing said twice is kept once. */
export function withEntities(i: Insights, found: Entity[]): Insights {
  const key = (e: Entity) => `${e.type}\u0000${e.normalized ?? e.value}`;
  const seen = new Set(found.map(key));
  return { ...i, entities: [...i.entities.filter((e) => !seen.has(key(e))), ...found].slice(-MAX_ENTITIES) };
}

export function withFlag(i: Insights, flag: QualityFlag, at: number, detail?: string): Insights {
  return { ...i, flags: [...i.flags, { flag, at, ...(detail ? { detail } : {}) }].slice(-MAX_FLAGS) };
}

/** The text a customer wrote, as intent, sentiment and the bot read it: text, captions and transcripts. */
export function customerText(parts: readonly ContentPart[]): string {
  return parts
    .map((p) => (p.type === "text" ? p.text : p.type === "quick_replies" ? (p.text ?? "") : p.type === "image" ? (p.caption ?? "") : p.type === "audio" ? (p.transcript ?? "") : p.type === "choice" ? (p.label ?? p.value) : ""))
    .filter(Boolean)
    .join("\n")
    .slice(0, 4000);
}

/** A customer message's sentiment added to the trend; a sharp drop also comes back as the flag to raise. */
export function observeMessage(prior: Insights, seq: number, text: string, at: number): { insights: Insights; flag?: { flag: QualityFlag; detail: string } } {
  const s = analyzeSentiment(text, detectLanguage(text));
  const { insights, spike } = withSentiment(prior, seq, s, at);
  if (!spike) return { insights };
  const detail = `sentiment ${s.score.toFixed(2)}`;
  return { insights: withFlag(insights, "negative_spike", at, detail), flag: { flag: "negative_spike", detail } };
}
