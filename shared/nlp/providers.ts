/**
 * Pluggable intent providers (R3.4) behind a timeout and a circuit breaker (R5.3): an external NLU service
 * over HTTP or a Workers AI model answers first, and the built-in model answers whenever that one is slow,
 * down, cut off by the breaker or says something outside the tenant's intent set. Pure-ish: `fetch` and the
 * AI binding are passed in; nothing here reads globals or the environment.
 */
import { z } from "zod";
import { admit, closedBreaker, DEFAULT_BREAKER, record, type BreakerOptions, type BreakerState } from "../circuit-breaker";
import { IntentResult } from "./intent";
import { detectLanguage, type Lang } from "./language";

export const ProviderName = z.enum(["builtin", "workers-ai", "http"]);
export type ProviderName = z.infer<typeof ProviderName>;
export const FallbackReason = z.enum(["timeout", "error", "circuit_open", "invalid_response"]);
export type FallbackReason = z.infer<typeof FallbackReason>;

/** How a provider call failed; anything else a provider throws counts as `error`. */
export class ProviderFailure extends Error {
  constructor(
    readonly reason: Exclude<FallbackReason, "circuit_open">,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ProviderFailure";
  }
}

const confidence = z.number().min(0).max(1);
const alternativeSchema = z.object({ intent: z.string().min(1), confidence });

/**
 * The answer of an external NLU service. `confidence` is optional because the minimal contract is just
 * `{"intent"}`: a service that does not score its answers is taken at its word (1).
 */
const providerIntentSchema = z.object({
  intent: z.string().min(1),
  confidence: confidence.default(1),
  alternatives: z.array(alternativeSchema).optional(),
});

export type ProviderIntent = z.infer<typeof providerIntentSchema>;

export type ProviderContext = { signal: AbortSignal; intents: string[]; lang: Lang };

export interface IntentProvider {
  readonly name: ProviderName;
  /** Resolves to an intent from `ctx.intents` or "unknown", or rejects (preferably with a ProviderFailure). */
  classify(text: string, ctx: ProviderContext): Promise<ProviderIntent>;
}

// The id the built-in model gives below its threshold (intent.ts); a provider may answer it too.
const UNKNOWN_INTENT = "unknown";

/** Maps an id as a provider spelled it to the tenant's id (or "unknown"), or undefined when it is neither. */
type IntentResolver = (raw: string) => string | undefined;

function exactIds(intents: string[]): IntentResolver {
  const ids = new Set([...intents, UNKNOWN_INTENT]);
  return (raw) => (ids.has(raw) ? raw : undefined);
}

/** Models echo ids with stray case or spaces; the tenant's spelling is what the rest of the system keys on. */
function foldedIds(intents: string[]): IntentResolver {
  const byFolded = new Map([...intents, UNKNOWN_INTENT].map((id) => [id.trim().toLowerCase(), id]));
  return (raw) => byFolded.get(raw.trim().toLowerCase());
}

/**
 * Holds an answer to the tenant's intent set: an intent the tenant does not have would route the conversation
 * nowhere, so it is a failure rather than a result. Alternatives are advisory: unknown ids are dropped.
 */
function withinIntents(answer: ProviderIntent, resolve: IntentResolver): ProviderIntent {
  const intent = resolve(answer.intent);
  if (intent === undefined) throw new ProviderFailure("invalid_response", `intent ${JSON.stringify(answer.intent)} is not one of the tenant's intents`);
  if (!answer.alternatives) return { intent, confidence: answer.confidence };
  const alternatives = answer.alternatives.flatMap((a) => {
    const id = resolve(a.intent);
    return id === undefined || id === UNKNOWN_INTENT || id === intent ? [] : [{ intent: id, confidence: a.confidence }];
  });
  return { intent, confidence: answer.confidence, alternatives };
}

/**
 * An external NLU service: `POST {url}/intent` with `{"text"}` (plus `intents` and `lang`, which a service is
 * free to ignore), answering `{"intent", "confidence"?, "alternatives"?}`. `token` is sent as a bearer token.
 */
export function httpProvider(o: { url: string; fetch: typeof fetch; token?: string }): IntentProvider {
  const endpoint = `${o.url.replace(/\/+$/, "")}/intent`;
  // Called detached: workerd's fetch refuses a `this` other than the global scope ("Illegal invocation").
  const send = o.fetch;
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  return {
    name: "http",
    async classify(text, ctx) {
      let res: Response;
      try {
        res = await send(endpoint, {
          method: "POST",
          headers,
          body: JSON.stringify({ text, intents: ctx.intents, lang: ctx.lang }),
          signal: ctx.signal,
        });
      } catch (cause) {
        throw new ProviderFailure("error", "NLU service unreachable", { cause });
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new ProviderFailure("error", `NLU service answered HTTP ${res.status}`);
      }
      let raw: string;
      try {
        raw = await res.text();
      } catch (cause) {
        throw new ProviderFailure("error", "NLU service answer cut off", { cause });
      }
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch (cause) {
        throw new ProviderFailure("invalid_response", "NLU service answered with something that is not JSON", { cause });
      }
      const parsed = providerIntentSchema.safeParse(body);
      if (!parsed.success) throw new ProviderFailure("invalid_response", `NLU service answer: ${z.prettifyError(parsed.error)}`);
      return withinIntents(parsed.data, exactIds(ctx.intents));
    },
  };
}

export const DEFAULT_WORKERS_AI_MODEL = "@cf/meta/llama-3.1-8b-instruct";

export type AiBinding = { run(model: string, input: unknown, opts?: unknown): Promise<unknown> };

/**
 * Models write percentages ("85") and quoted numbers ("0.9") as often as the asked-for 0..1, and a
 * self-reported confidence is a rough signal either way, so all three are read; a missing one counts as 1,
 * as for the HTTP service.
 */
const modelConfidence = z
  .preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v), z.number().min(0).max(100))
  .transform((c) => (c > 1 ? c / 100 : c));
const modelAnswerSchema = z.object({ intent: z.string().min(1), confidence: modelConfidence.default(1) });

/** Output shapes of Workers AI text generation: `{response}` (a string, or an object in JSON mode), a bare string, or OpenAI-style `choices`. */
const responseOutput = z.object({ response: z.union([z.string(), z.record(z.string(), z.unknown())]) });
const chatOutput = z.object({ choices: z.tuple([z.object({ message: z.object({ content: z.string() }) })], z.unknown()) });

/** The first balanced `{…}` in the text that parses, so prose or code fences around the JSON do not matter. */
export function firstJsonObject(text: string): unknown {
  for (let start = text.indexOf("{"); start !== -1; start = text.indexOf("{", start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === "\\") i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === "{") depth++;
      else if (ch === "}" && --depth === 0) {
        try {
          return JSON.parse(text.slice(start, i + 1));
        } catch {
          break;
        }
      }
    }
  }
  return undefined;
}

/** The model's answer object inside whatever shape run() returned, or undefined. */
export function modelAnswerIn(output: unknown): unknown {
  if (typeof output === "string") return firstJsonObject(output);
  const plain = responseOutput.safeParse(output);
  if (plain.success) return typeof plain.data.response === "string" ? firstJsonObject(plain.data.response) : plain.data.response;
  const chat = chatOutput.safeParse(output);
  return chat.success ? firstJsonObject(chat.data.choices[0].message.content) : undefined;
}

function systemPrompt(intents: string[], lang: Lang): string {
  return [
    "You classify one customer-support message into exactly one intent.",
    `Allowed intent ids: ${intents.join(", ")}.`,
    `If none of them fits, the intent is "${UNKNOWN_INTENT}".`,
    `The customer writes in ${lang === "zh" ? "Chinese" : "English"}; answer with an id exactly as listed.`,
    'Reply with JSON only: {"intent": "<allowed id>", "confidence": <number from 0 to 1>}.',
  ].join("\n");
}

/** Zero-shot classification with a Workers AI text-generation model in JSON mode. */
export function workersAiProvider(o: { ai: AiBinding; model?: string }): IntentProvider {
  const model = o.model ?? DEFAULT_WORKERS_AI_MODEL;
  return {
    name: "workers-ai",
    async classify(text, ctx) {
      const allowed = [...ctx.intents, UNKNOWN_INTENT];
      let output: unknown;
      try {
        output = await o.ai.run(
          model,
          {
            messages: [
              { role: "system", content: systemPrompt(ctx.intents, ctx.lang) },
              { role: "user", content: text },
            ],
            response_format: {
              type: "json_schema",
              json_schema: {
                type: "object",
                properties: { intent: { type: "string", enum: allowed }, confidence: { type: "number", minimum: 0, maximum: 1 } },
                required: ["intent", "confidence"],
              },
            },
            temperature: 0,
            max_tokens: 96,
          },
          { signal: ctx.signal },
        );
      } catch (cause) {
        // Includes Workers AI's "JSON Mode couldn't be met": the model had no answer in the asked shape.
        throw new ProviderFailure("error", "Workers AI call failed", { cause });
      }
      const parsed = modelAnswerSchema.safeParse(modelAnswerIn(output));
      if (!parsed.success) throw new ProviderFailure("invalid_response", "Workers AI answer is not an intent object");
      return withinIntents(parsed.data, foldedIds(ctx.intents));
    },
  };
}

export const DEFAULT_TIMEOUT_MS = 800;

export type ProviderChainOptions = { timeoutMs: number; breaker: BreakerOptions; now: () => number };

export const ChainResult = IntentResult.extend({
  provider: ProviderName.describe("Who answered"),
  fallback: z.object({ from: ProviderName, reason: FallbackReason }).optional().describe("Present when the configured provider failed and the built-in model answered"),
}).meta({ id: "IntentClassification" });
export type ChainResult = z.infer<typeof ChainResult>;

/** Runs the call with an abort deadline; a provider that ignores its signal is raced, so the caller never waits past it. */
async function callWithin(provider: IntentProvider, text: string, ctx: Omit<ProviderContext, "signal">, timeoutMs: number): Promise<ProviderIntent> {
  const controller = new AbortController();
  const timeout = new ProviderFailure("timeout", `no answer within ${timeoutMs} ms`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(timeout);
      reject(timeout);
    }, timeoutMs);
  });
  try {
    return await Promise.race([provider.classify(text, { ...ctx, signal: controller.signal }), deadline]);
  } catch (e) {
    throw controller.signal.aborted ? timeout : e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The primary provider with the built-in model behind it. One breaker per chain, held in memory: a chain lives
 * as long as its isolate or Durable Object, and a fresh one starting closed costs at most `threshold` slow calls.
 */
export class ProviderChain {
  readonly #primary: IntentProvider | null;
  readonly #opts: ProviderChainOptions;
  #breaker: BreakerState = closedBreaker();

  constructor(primary: IntentProvider | null, opts: Partial<ProviderChainOptions> = {}) {
    this.#primary = primary;
    this.#opts = { timeoutMs: DEFAULT_TIMEOUT_MS, breaker: DEFAULT_BREAKER, now: Date.now, ...opts };
  }

  /** `builtin` is only called when the built-in model answers, so a chain with a healthy primary never pays for it. */
  async classify(text: string, builtin: () => IntentResult, intents: string[]): Promise<ChainResult> {
    const primary = this.#primary;
    if (!primary) return { ...builtin(), provider: "builtin" };
    const fallback = (reason: FallbackReason): ChainResult => ({ ...builtin(), provider: "builtin", fallback: { from: primary.name, reason } });

    const { breaker: breakerOpts, now, timeoutMs } = this.#opts;
    const gate = admit(this.#breaker, now(), breakerOpts);
    if (!gate.allowed) return fallback("circuit_open");
    this.#breaker = gate.next;

    const lang = detectLanguage(text);
    try {
      const answer = await callWithin(primary, text, { intents, lang }, timeoutMs);
      this.#breaker = record(this.#breaker, true, now(), breakerOpts);
      return { intent: answer.intent, confidence: answer.confidence, lang, alternatives: answer.alternatives ?? [], provider: primary.name };
    } catch (e) {
      // Wrong answers count against the breaker too: a service that has started misbehaving is not worth the wait.
      this.#breaker = record(this.#breaker, false, now(), breakerOpts);
      return fallback(e instanceof ProviderFailure ? e.reason : "error");
    }
  }

  /** The breaker as of the last call (an open circuit past its cooldown still reads "open" until a call probes it). */
  health(): { provider: ProviderName | null; breaker: BreakerState } {
    return { provider: this.#primary?.name ?? null, breaker: { ...this.#breaker } };
  }
}
