import { Hono } from "hono";
import { z } from "zod";
import { requireAuth, type AuthEnv } from "../http/auth";
import { HttpError } from "../http/problem";
import { jsonBody } from "../http/validate";
import { assistantStub } from "../../objects/assistant";
import { analyzeSentiment } from "../../shared/nlp/sentiment";
import { detectLanguage } from "../../shared/nlp/language";
import { IntentExampleSchema, IntentId } from "../../shared/nlp/intent";
import { NlpSettings, TimeZone } from "../../shared/nlp/settings";
import { BehaviourEvent } from "../../shared/nlp/behaviour";
import { idempotent } from "../http/idempotency";

/** Longer texts are not one customer message; the contract answers them with 413. */
export const MAX_TEXT_CHARS = 4000;
const MAX_EXAMPLES = 10_000;
const MAX_IMPORTED_SESSIONS = 2_000;

const Text = z.string().refine((s) => s.trim().length > 0, "must not be empty");

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

/**
 * The NLP contract: intent (the seed's `POST {"text"}` → `{"intent"}`), sentiment, entities and all three at once,
 * the tenant's training set, settings, and the behaviour model. Sentiment needs no tenant model and runs here;
 * the rest runs in the tenant's Assistant object, beside its model.
 */
export const nlpRoutes = new Hono<AuthEnv>()
  .get("/intents", requireAuth("api", "agent"), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const set = await assistantStub(c.env, tenantId).intents(tenantId);
    return c.json(set);
  })
  .put("/intents", requireAuth("api"), jsonBody(TrainIntents), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const body = c.req.valid("json");
    return c.json(await assistantStub(c.env, tenantId).train(tenantId, body.examples, body.threshold));
  })
  .post("/intent", requireAuth("api", "agent"), jsonBody(TextInput), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const r = await assistantStub(c.env, tenantId).classify(tenantId, bounded(c.req.valid("json").text));
    return c.json({ intent: r.intent, confidence: r.confidence, lang: r.lang, provider: r.provider, alternatives: r.alternatives, ...(r.fallback ? { fallback: r.fallback } : {}) });
  })
  .post("/sentiment", requireAuth("api", "agent"), jsonBody(TextInput), (c) => {
    const text = bounded(c.req.valid("json").text);
    return c.json(analyzeSentiment(text, detectLanguage(text)));
  })
  .post("/entities", requireAuth("api", "agent"), jsonBody(EntitiesInput), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const { text, now, tz } = c.req.valid("json");
    const entities = await assistantStub(c.env, tenantId).entities(tenantId, bounded(text), { ...(now !== undefined ? { now } : {}), ...(tz ? { tz } : {}) });
    return c.json({ entities });
  })
  .post("/analyze", requireAuth("api", "agent"), jsonBody(EntitiesInput), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const { text, now, tz } = c.req.valid("json");
    const a = await assistantStub(c.env, tenantId).analyze(tenantId, bounded(text), { ...(now !== undefined ? { now } : {}), ...(tz ? { tz } : {}) });
    return c.json({
      lang: a.lang,
      intent: { intent: a.intent.intent, confidence: a.intent.confidence, provider: a.intent.provider, alternatives: a.intent.alternatives },
      sentiment: a.sentiment,
      entities: a.entities,
    });
  })
  .get("/settings", requireAuth("api", "agent"), async (c) => {
    const tenantId = c.get("principal").tenantId;
    return c.json(await assistantStub(c.env, tenantId).settings(tenantId));
  })
  .put("/settings", requireAuth("api"), jsonBody(NlpSettings), async (c) => {
    const tenantId = c.get("principal").tenantId;
    return c.json(await assistantStub(c.env, tenantId).setSettings(tenantId, c.req.valid("json")));
  })
  .post("/sessions", requireAuth("api"), idempotent(), jsonBody(ImportSessions), async (c) => {
    const tenantId = c.get("principal").tenantId;
    return c.json(await assistantStub(c.env, tenantId).importSessions(tenantId, c.req.valid("json").sessions), 201);
  })
  .post("/predict", requireAuth("api", "agent"), jsonBody(PredictInput), async (c) => {
    const tenantId = c.get("principal").tenantId;
    return c.json(await assistantStub(c.env, tenantId).predict(tenantId, c.req.valid("json").events));
  });
