import { z } from "zod";
import { HttpError } from "../http/problem";
import { defineRoute, json, jsonBody, router } from "../http/route";
import { assistantStub, IntentSet, TrainSummary } from "../../objects/assistant";
import { ImportedSessions } from "../../objects/assistant-behaviour";
import { analyzeSentiment, Sentiment } from "../../shared/nlp/sentiment";
import { detectLanguage, Lang } from "../../shared/nlp/language";
import { IntentExampleSchema, IntentId } from "../../shared/nlp/intent";
import { ChainResult } from "../../shared/nlp/providers";
import { Entity } from "../../shared/nlp/entities";
import { Prediction } from "../../shared/nlp/predictive";
import { NlpSettings, TimeZone } from "../../shared/nlp/settings";
import { BehaviourEvent } from "../../shared/nlp/behaviour";

/** Longer texts are not one customer message; the contract answers them with 413. */
export const MAX_TEXT_CHARS = 4000;
const MAX_EXAMPLES = 10_000;
const MAX_IMPORTED_SESSIONS = 2_000;

// Length is checked after validation: a long text is a 413, not a field error.
const Text = z.string().refine((s) => s.trim().length > 0, "must not be empty").describe(`Up to ${MAX_TEXT_CHARS} characters (longer: 413)`);

export const TextInput = z.object({ text: Text });
export const EntitiesInput = z.object({
  text: Text,
  /** The moment relative dates count from (ISO 8601 or epoch ms); default now. */
  now: z.union([z.iso.datetime({ offset: true }), z.iso.date(), z.int().nonnegative()]).optional(),
  /** IANA time zone; default the tenant's (`/v1/nlp/settings`). */
  tz: TimeZone.optional(),
});

export const TrainIntents = z.object({
  examples: z
    .array(IntentExampleSchema)
    .min(2)
    .max(MAX_EXAMPLES)
    .refine((xs) => new Set(xs.map((x) => x.intent)).size >= 2, "at least two intents are needed to tell them apart"),
  /** Confidence below which the answer is "unknown". */
  threshold: z.number().min(0).max(1).optional(),
});

export const ImportSessions = z.object({
  sessions: z.array(z.object({ events: z.array(BehaviourEvent).max(200), intent: IntentId })).min(1).max(MAX_IMPORTED_SESSIONS),
});
export const PredictInput = z.object({ events: z.array(BehaviourEvent).max(200) });

function bounded(text: string): string {
  if (text.length > MAX_TEXT_CHARS) throw new HttpError(413, "text too long", `texts are limited to ${MAX_TEXT_CHARS} characters`);
  return text;
}

export const Entities = z.object({ entities: z.array(Entity) });
export const TextAnalysis = z
  .object({ lang: Lang, intent: ChainResult.omit({ lang: true, fallback: true }), sentiment: Sentiment, entities: z.array(Entity) })
  .meta({ id: "TextAnalysis" });

const tag = ["NLP"];

/**
 * The NLP contract: intent (the seed's `POST {"text"}` → `{"intent"}`), sentiment, entities and all three at once,
 * the tenant's training set, settings, and the behaviour model. Sentiment needs no tenant model and runs here;
 * the rest runs in the tenant's Assistant object, beside its model.
 */
export const nlpRoutes = router()
  .openapi(
    defineRoute({
      method: "get", path: "/intents", tags: tag, access: ["api", "agent"],
      summary: "The tenant's intent training set and model version",
      responses: { 200: json(IntentSet) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      return c.json(await assistantStub(c.env, tenantId).intents(tenantId), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "put", path: "/intents", tags: tag, access: ["api"],
      summary: "Replace the intent training set and train",
      request: jsonBody(TrainIntents),
      responses: { 200: json(TrainSummary, "The trained model's intents and version") },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const body = c.req.valid("json");
      return c.json(await assistantStub(c.env, tenantId).train(tenantId, body.examples, body.threshold), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/intent", tags: tag, access: ["api", "agent"],
      summary: "Classify a message's intent (texts over 4,000 characters: 413)",
      request: jsonBody(TextInput),
      responses: { 200: json(ChainResult) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const r = await assistantStub(c.env, tenantId).classify(tenantId, bounded(c.req.valid("json").text));
      return c.json({ intent: r.intent, confidence: r.confidence, lang: r.lang, provider: r.provider, alternatives: r.alternatives, ...(r.fallback ? { fallback: r.fallback } : {}) }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/sentiment", tags: tag, access: ["api", "agent"],
      summary: "Sentiment of a message: label and score in −1…1",
      request: jsonBody(TextInput),
      responses: { 200: json(Sentiment) },
    }),
    (c) => {
      const text = bounded(c.req.valid("json").text);
      return c.json(analyzeSentiment(text, detectLanguage(text)), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/entities", tags: tag, access: ["api", "agent"],
      summary: "Entities: e-mail, phone, order id, money, date, product",
      request: jsonBody(EntitiesInput),
      responses: { 200: json(Entities) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const { text, now, tz } = c.req.valid("json");
      const entities = await assistantStub(c.env, tenantId).entities(tenantId, bounded(text), { ...(now !== undefined ? { now } : {}), ...(tz ? { tz } : {}) });
      return c.json({ entities }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/analyze", tags: tag, access: ["api", "agent"],
      summary: "Language, intent, sentiment and entities at once",
      request: jsonBody(EntitiesInput),
      responses: { 200: json(TextAnalysis) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const { text, now, tz } = c.req.valid("json");
      const a = await assistantStub(c.env, tenantId).analyze(tenantId, bounded(text), { ...(now !== undefined ? { now } : {}), ...(tz ? { tz } : {}) });
      return c.json(
        {
          lang: a.lang,
          intent: { intent: a.intent.intent, confidence: a.intent.confidence, provider: a.intent.provider, alternatives: a.intent.alternatives },
          sentiment: a.sentiment,
          entities: a.entities,
        },
        200,
      );
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/settings", tags: tag, access: ["api", "agent"],
      summary: "NLP settings (time zone, order-number patterns)",
      responses: { 200: json(NlpSettings) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      return c.json(await assistantStub(c.env, tenantId).settings(tenantId), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "put", path: "/settings", tags: tag, access: ["api"],
      summary: "Replace the NLP settings",
      request: jsonBody(NlpSettings),
      responses: { 200: json(NlpSettings) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      return c.json(await assistantStub(c.env, tenantId).setSettings(tenantId, c.req.valid("json")), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/sessions", tags: tag, access: ["api"], idempotent: true,
      summary: "Import past behaviour sessions with their intents and retrain the predictive model",
      request: jsonBody(ImportSessions),
      responses: { 201: json(ImportedSessions) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      return c.json(await assistantStub(c.env, tenantId).importSessions(tenantId, c.req.valid("json").sessions), 201);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/predict", tags: tag, access: ["api", "agent"],
      summary: "Predict the intent of a behaviour sequence",
      request: jsonBody(PredictInput),
      responses: { 200: json(Prediction) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      return c.json(await assistantStub(c.env, tenantId).predict(tenantId, c.req.valid("json").events), 200);
    },
  );
