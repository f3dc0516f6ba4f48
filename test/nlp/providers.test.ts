import fc from "fast-check";
import { describe, expect, inject, it, vi } from "vitest";
import type { IntentResult } from "../../shared/nlp/intent";
import { providerFromEnv } from "../../shared/nlp/provider-config";
import {
  DEFAULT_WORKERS_AI_MODEL,
  firstJsonObject,
  httpProvider,
  modelAnswerIn,
  ProviderChain,
  ProviderFailure,
  workersAiProvider,
  type AiBinding,
  type IntentProvider,
} from "../../shared/nlp/providers";
import type { StubStats } from "./stub-nlp-servers";

// Real HTTP services started by test/nlp/stub-nlp-servers.ts (vitest globalSetup) on 127.0.0.1.
const stubs = inject("nlpStubs");
const INTENTS = ["order_status", "refund", "talk_to_human", "greeting", "complaint"];
const BUILTIN: IntentResult = { intent: "complaint", confidence: 0.42, lang: "en", alternatives: [{ intent: "refund", confidence: 0.3 }] };

/** A provider URL of its own on a stub server, so counters start at zero for every test. */
function scopeOn(server: string, mode = "t"): string {
  return `${server}/${mode}/${crypto.randomUUID()}`;
}

async function stats(url: string): Promise<StubStats> {
  return (await fetch(`${url}/stats`)).json<StubStats>();
}

function builtinSpy() {
  return vi.fn(() => BUILTIN);
}

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe("http provider against a healthy NLU service", () => {
  it("answers with the service's intent, confidence and alternatives, and sends text, intents, lang and the token", async () => {
    const url = scopeOn(stubs.healthy);
    const chain = new ProviderChain(httpProvider({ url, fetch, token: "s3cret" }));
    const builtin = builtinSpy();
    const r = await chain.classify("Hi, I'd like a refund for the blender", builtin, INTENTS);
    expect(r).toEqual({
      intent: "refund",
      confidence: 0.91,
      lang: "en",
      alternatives: [{ intent: "complaint", confidence: 0.05 }],
      provider: "http",
    });
    expect(builtin).not.toHaveBeenCalled();
    const s = await stats(url);
    expect(s.requests).toBe(1);
    expect(s.last).toEqual({ text: "Hi, I'd like a refund for the blender", intents: INTENTS, lang: "en" });
    expect(s.authorization).toBe("Bearer s3cret");
  });

  it("takes the language of the result from the text, not from the service", async () => {
    const url = scopeOn(stubs.healthy);
    const r = await new ProviderChain(httpProvider({ url, fetch })).classify("我要退款，东西坏了", builtinSpy(), INTENTS);
    expect(r).toMatchObject({ intent: "refund", lang: "zh", provider: "http" });
    expect((await stats(url)).last).toMatchObject({ lang: "zh" });
    expect((await stats(url)).authorization).toBeNull();
  });

  it("reads the bare contract {\"intent\"} as confidence 1 with no alternatives", async () => {
    const url = scopeOn(stubs.healthy, "minimal");
    const r = await new ProviderChain(httpProvider({ url: `${url}/`, fetch })).classify("where is my order?", builtinSpy(), INTENTS);
    expect(r).toEqual({ intent: "order_status", confidence: 1, lang: "en", alternatives: [], provider: "http" });
  });

  it("passes \"unknown\" through as an answer, not a failure", async () => {
    const r = await new ProviderChain(httpProvider({ url: scopeOn(stubs.healthy), fetch })).classify("what's the weather", builtinSpy(), INTENTS);
    expect(r).toMatchObject({ intent: "unknown", provider: "http" });
    expect(r.fallback).toBeUndefined();
  });

  it("drops alternatives outside the tenant's intents but keeps the answer", async () => {
    const r = await new ProviderChain(httpProvider({ url: scopeOn(stubs.healthy), fetch })).classify("refund", builtinSpy(), ["refund"]);
    expect(r).toMatchObject({ intent: "refund", alternatives: [], provider: "http" });
  });
});

describe("fallback to the built-in model", () => {
  it.each(["500", "reset"])("a service that fails (%s) gives the built-in result with reason error", async (mode) => {
    const url = scopeOn(stubs.failing, mode);
    const builtin = builtinSpy();
    const r = await new ProviderChain(httpProvider({ url, fetch })).classify("refund please", builtin, INTENTS);
    expect(r).toEqual({ ...BUILTIN, provider: "builtin", fallback: { from: "http", reason: "error" } });
    expect(builtin).toHaveBeenCalledTimes(1);
    expect((await stats(url)).requests).toBe(1);
  });

  it.each([
    ["an intent outside the tenant's set", () => scopeOn(stubs.healthy), ["order_status", "greeting"]],
    ["a body that is not JSON", () => scopeOn(stubs.failing, "garbage"), INTENTS],
    ["JSON of the wrong shape", () => scopeOn(stubs.failing, "shape"), INTENTS],
  ])("%s is an invalid_response", async (_, url, intents) => {
    const r = await new ProviderChain(httpProvider({ url: url(), fetch })).classify("refund please", builtinSpy(), intents);
    expect(r).toMatchObject({ intent: BUILTIN.intent, provider: "builtin", fallback: { from: "http", reason: "invalid_response" } });
  });

  it("the provider itself rejects with a typed failure", async () => {
    const classify = (url: string, intents = INTENTS) =>
      httpProvider({ url, fetch }).classify("refund", { signal: new AbortController().signal, intents, lang: "en" });
    await expect(classify(scopeOn(stubs.failing, "500"))).rejects.toMatchObject({ name: "ProviderFailure", reason: "error" });
    await expect(classify(scopeOn(stubs.failing, "garbage"))).rejects.toMatchObject({ reason: "invalid_response" });
    await expect(classify(scopeOn(stubs.healthy), ["greeting"])).rejects.toBeInstanceOf(ProviderFailure);
  });

  it("with no external provider the built-in model answers with no fallback mark", async () => {
    const chain = new ProviderChain(null);
    expect(await chain.classify("refund", builtinSpy(), INTENTS)).toEqual({ ...BUILTIN, provider: "builtin" });
    expect(chain.health()).toEqual({ provider: null, breaker: { state: "closed", failures: 0, openedAt: 0 } });
  });
});

describe("circuit breaker around the provider", () => {
  const breaker = { threshold: 3, cooldownMs: 10_000 };

  it("opens after N failures, then fails fast without calling the service", async () => {
    const url = scopeOn(stubs.failing, "500");
    const c = clock();
    const chain = new ProviderChain(httpProvider({ url, fetch }), { breaker, now: c.now });
    for (let i = 0; i < 3; i++) expect((await chain.classify("refund", builtinSpy(), INTENTS)).fallback?.reason).toBe("error");
    expect(chain.health().breaker.state).toBe("open");
    expect((await stats(url)).requests).toBe(3);

    c.advance(9_999);
    for (let i = 0; i < 5; i++) {
      const r = await chain.classify("refund", builtinSpy(), INTENTS);
      expect(r).toMatchObject({ provider: "builtin", fallback: { from: "http", reason: "circuit_open" } });
    }
    expect((await stats(url)).requests).toBe(3);
  });

  it("after the cooldown lets exactly one probe out, and its success closes the circuit", async () => {
    const url = scopeOn(stubs.failing, "500");
    const c = clock();
    const chain = new ProviderChain(httpProvider({ url, fetch }), { breaker, now: c.now });
    for (let i = 0; i < 3; i++) await chain.classify("refund", builtinSpy(), INTENTS);
    await fetch(`${url}/heal`, { method: "POST" });
    c.advance(10_000);

    const [probe, concurrent] = await Promise.all([
      chain.classify("refund", builtinSpy(), INTENTS),
      chain.classify("refund", builtinSpy(), INTENTS),
    ]);
    expect(probe).toMatchObject({ intent: "refund", provider: "http" });
    expect(concurrent.fallback?.reason).toBe("circuit_open");
    expect((await stats(url)).requests).toBe(4);
    expect(chain.health()).toEqual({ provider: "http", breaker: { state: "closed", failures: 0, openedAt: 0 } });

    expect((await chain.classify("refund", builtinSpy(), INTENTS)).provider).toBe("http");
    expect((await stats(url)).requests).toBe(5);
  });

  it("a failed probe reopens the circuit for another cooldown", async () => {
    const url = scopeOn(stubs.failing, "reset");
    const c = clock();
    const chain = new ProviderChain(httpProvider({ url, fetch }), { breaker, now: c.now });
    for (let i = 0; i < 3; i++) await chain.classify("refund", builtinSpy(), INTENTS);
    c.advance(10_000);
    expect((await chain.classify("refund", builtinSpy(), INTENTS)).fallback?.reason).toBe("error");
    expect((await stats(url)).requests).toBe(4);
    expect(chain.health().breaker).toMatchObject({ state: "open", openedAt: c.now() });
    c.advance(5_000);
    expect((await chain.classify("refund", builtinSpy(), INTENTS)).fallback?.reason).toBe("circuit_open");
    expect((await stats(url)).requests).toBe(4);
  });

  it("a success between failures resets the count", async () => {
    const url = scopeOn(stubs.healthy);
    const chain = new ProviderChain(httpProvider({ url, fetch }), { breaker });
    await chain.classify("refund", builtinSpy(), ["greeting"]);
    await chain.classify("refund", builtinSpy(), ["greeting"]);
    expect(chain.health().breaker).toMatchObject({ state: "closed", failures: 2 });
    await chain.classify("refund", builtinSpy(), INTENTS);
    expect(chain.health().breaker).toMatchObject({ state: "closed", failures: 0 });
  });
});

describe("timeouts", () => {
  it("a slow service gives the built-in result with reason timeout, and its request is aborted", async () => {
    const url = scopeOn(stubs.slow);
    const chain = new ProviderChain(httpProvider({ url, fetch }), { timeoutMs: 200 });
    const r = await chain.classify("refund please", builtinSpy(), INTENTS);
    expect(r).toEqual({ ...BUILTIN, provider: "builtin", fallback: { from: "http", reason: "timeout" } });
    // The stub sees the connection close once workerd cancels the subrequest; it never gets to answer.
    await vi.waitFor(async () => expect(await stats(url)).toMatchObject({ requests: 1, aborted: 1, completed: 0 }), { timeout: 4_000 });
  });

  it("timeouts count as failures for the breaker", async () => {
    const url = scopeOn(stubs.slow);
    const chain = new ProviderChain(httpProvider({ url, fetch }), { timeoutMs: 150, breaker: { threshold: 2, cooldownMs: 60_000 } });
    await chain.classify("refund", builtinSpy(), INTENTS);
    await chain.classify("refund", builtinSpy(), INTENTS);
    expect((await chain.classify("refund", builtinSpy(), INTENTS)).fallback?.reason).toBe("circuit_open");
    await vi.waitFor(async () => expect(await stats(url)).toMatchObject({ requests: 2, aborted: 2 }), { timeout: 4_000 });
  });

  it("a provider that ignores its abort signal is still cut off at the deadline", async () => {
    // Not an HTTP service: a provider written against the interface that never settles, the case the race exists for.
    let seen: AbortSignal | undefined;
    const hung: IntentProvider = {
      name: "http",
      classify: (_, ctx) => {
        seen = ctx.signal;
        return new Promise(() => {});
      },
    };
    const r = await new ProviderChain(hung, { timeoutMs: 50 }).classify("refund", builtinSpy(), INTENTS);
    expect(r.fallback).toEqual({ from: "http", reason: "timeout" });
    expect(seen?.aborted).toBe(true);
  });
});

/**
 * No AI binding exists offline, so this is the one stand-in in these tests: an object with `run` that
 * returns the output shapes Workers AI documents for text generation (`{response: string}`, `{response:
 * object}` in JSON mode, a bare string, OpenAI-style `choices`) and fails the way it does.
 */
function aiReturning(output: unknown | (() => Promise<unknown>)) {
  const calls: { model: string; input: unknown; opts: unknown }[] = [];
  const ai: AiBinding = {
    run: async (model, input, opts) => {
      calls.push({ model, input, opts });
      return typeof output === "function" ? (output as () => Promise<unknown>)() : output;
    },
  };
  return { ai, calls };
}

describe("workers-ai provider", () => {
  it.each<[string, unknown, { intent: string; confidence: number }]>([
    ["a string response holding JSON", { response: '{"intent":"refund","confidence":0.8}' }, { intent: "refund", confidence: 0.8 }],
    ["an object response (JSON mode)", { response: { intent: "order_status", confidence: 0.7 } }, { intent: "order_status", confidence: 0.7 }],
    [
      "JSON in prose and a code fence, id in other case, percent as a string",
      { response: 'Sure! Here it is:\n```json\n{"intent": " Greeting ", "confidence": "85"}\n```' },
      { intent: "greeting", confidence: 0.85 },
    ],
    ["a bare string output", '{"intent":"talk_to_human","confidence":1}', { intent: "talk_to_human", confidence: 1 }],
    ["OpenAI-style choices, no confidence", { choices: [{ message: { content: '{"intent":"UNKNOWN"}' } }] }, { intent: "unknown", confidence: 1 }],
  ])("reads %s", async (_, output, expected) => {
    const { ai } = aiReturning(output);
    const r = await new ProviderChain(workersAiProvider({ ai })).classify("some message", builtinSpy(), INTENTS);
    expect(r).toEqual({ ...expected, lang: "en", alternatives: [], provider: "workers-ai" });
  });

  it.each<[string, unknown]>([
    ["prose without JSON", { response: "I think the customer wants a refund." }],
    ["an intent outside the set", { response: '{"intent":"weather","confidence":0.9}' }],
    ["a confidence out of range", { response: { intent: "refund", confidence: -2 } }],
    ["an async-queue answer", { request_id: "abc" }],
    ["a truncated answer", { response: '{"intent":"ref' }],
  ])("%s is an invalid_response", async (_, output) => {
    const r = await new ProviderChain(workersAiProvider(aiReturning(output))).classify("some message", builtinSpy(), INTENTS);
    expect(r).toMatchObject({ provider: "builtin", fallback: { from: "workers-ai", reason: "invalid_response" } });
  });

  it("a failed run (e.g. JSON Mode couldn't be met) is an error", async () => {
    const { ai } = aiReturning(() => Promise.reject(new Error("JSON Mode couldn't be met")));
    const r = await new ProviderChain(workersAiProvider({ ai })).classify("some message", builtinSpy(), INTENTS);
    expect(r.fallback).toEqual({ from: "workers-ai", reason: "error" });
  });

  it("asks the default model in JSON mode for one of the allowed ids and passes the abort signal", async () => {
    const { ai, calls } = aiReturning({ response: { intent: "refund", confidence: 0.9 } });
    await new ProviderChain(workersAiProvider({ ai })).classify("我要退款", builtinSpy(), INTENTS);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.model).toBe(DEFAULT_WORKERS_AI_MODEL);
    const input = call.input as { messages: { role: string; content: string }[]; response_format: { type: string; json_schema: { properties: { intent: { enum: string[] } } } } };
    const system = input.messages.find((m) => m.role === "system")?.content ?? "";
    for (const id of INTENTS) expect(system).toContain(id);
    expect(input.messages.find((m) => m.role === "user")?.content).toBe("我要退款");
    expect(input.response_format.type).toBe("json_schema");
    expect(input.response_format.json_schema.properties.intent.enum).toEqual([...INTENTS, "unknown"]);
    expect((call.opts as { signal?: unknown }).signal).toBeInstanceOf(AbortSignal);
  });

  it("uses the configured model, and a slow run is aborted at the deadline", async () => {
    let signal: AbortSignal | undefined;
    const ai: AiBinding = {
      run: (_model, _input, opts) => {
        signal = (opts as { signal: AbortSignal }).signal;
        return new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal?.reason)));
      },
    };
    const spy = vi.spyOn(ai, "run");
    const r = await new ProviderChain(workersAiProvider({ ai, model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast" }), { timeoutMs: 50 }).classify(
      "refund",
      builtinSpy(),
      INTENTS,
    );
    expect(r.fallback).toEqual({ from: "workers-ai", reason: "timeout" });
    expect(spy.mock.calls[0]?.[0]).toBe("@cf/meta/llama-3.3-70b-instruct-fp8-fast");
    expect(signal?.aborted).toBe(true);
  });
});

describe("reading model output", () => {
  const noBraces = fc.string().filter((s) => !/[{}"\\]/.test(s));

  it("finds any JSON object wherever it sits in prose", () => {
    fc.assert(
      fc.property(noBraces, fc.dictionary(fc.string(), fc.jsonValue()), noBraces, (before, obj, after) => {
        expect(firstJsonObject(`${before}${JSON.stringify(obj)}${after}`)).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
    );
  });

  it("skips a broken object and finds the next one", () => {
    expect(firstJsonObject('{"intent": oops} then {"intent": "refund", "note": "a } in a string"}')).toEqual({ intent: "refund", note: "a } in a string" });
  });

  it("never throws on any string or any value", () => {
    fc.assert(fc.property(fc.string(), (s) => void firstJsonObject(s)));
    fc.assert(fc.property(fc.anything(), (v) => void modelAnswerIn(v)));
  });
});

describe("providerFromEnv", () => {
  const ai: AiBinding = { run: async () => ({ response: { intent: "refund", confidence: 0.9 } }) };

  it.each<[string, Parameters<typeof providerFromEnv>[0], string | null, RegExp | undefined]>([
    ["nothing configured", {}, null, undefined],
    ["builtin chosen explicitly even with a URL", { NLP_PROVIDER: "builtin", NLP_SERVICE_URL: "https://nlu.example" }, null, undefined],
    ["a URL alone", { NLP_SERVICE_URL: "https://nlu.example" }, "http", undefined],
    ["http, any case", { NLP_PROVIDER: " HTTP ", NLP_SERVICE_URL: "https://nlu.example" }, "http", undefined],
    ["http without a URL", { NLP_PROVIDER: "http" }, null, /NLP_SERVICE_URL/],
    ["http with a non-http URL", { NLP_PROVIDER: "http", NLP_SERVICE_URL: "ftp://nlu.example" }, null, /http\(s\)/],
    ["http with garbage for a URL", { NLP_PROVIDER: "http", NLP_SERVICE_URL: "not a url" }, null, /http\(s\)/],
    ["workers-ai with the binding", { NLP_PROVIDER: "workers-ai", AI: ai }, "workers-ai", undefined],
    ["workers-ai without the binding", { NLP_PROVIDER: "workers-ai" }, null, /AI binding/],
    ["workers-ai with something that is not a binding", { NLP_PROVIDER: "workers-ai", AI: { run: "yes" } }, null, /AI binding/],
    ["an AI binding alone", { AI: ai }, null, undefined],
    ["an unknown provider", { NLP_PROVIDER: "openai" }, null, /"openai"/],
  ])("%s", (_, env, name, warning) => {
    const cfg = providerFromEnv(env, fetch);
    expect(cfg.provider?.name ?? null).toBe(name);
    if (warning) expect(cfg.warning).toMatch(warning);
    else expect(cfg.warning).toBeUndefined();
  });

  it("the configured http provider reaches the service with its token", async () => {
    const url = scopeOn(stubs.healthy);
    const { provider } = providerFromEnv({ NLP_SERVICE_URL: url, NLP_SERVICE_TOKEN: "tok" }, fetch);
    const r = await new ProviderChain(provider).classify("can I talk to a human", builtinSpy(), INTENTS);
    expect(r).toMatchObject({ intent: "talk_to_human", provider: "http" });
    expect((await stats(url)).authorization).toBe("Bearer tok");
  });

  it("never throws, and warns only when it falls back", () => {
    const value = fc.option(fc.oneof(fc.string(), fc.constantFrom("http", "workers-ai", "builtin", "https://x.example", "http://127.0.0.1:1"), fc.anything()), {
      nil: undefined,
    });
    fc.assert(
      fc.property(value, value, value, fc.option(fc.constant(ai), { nil: undefined }), (NLP_PROVIDER, NLP_SERVICE_URL, NLP_SERVICE_TOKEN, AI) => {
        const cfg = providerFromEnv({ NLP_PROVIDER, NLP_SERVICE_URL, NLP_SERVICE_TOKEN, AI }, fetch);
        if (cfg.warning !== undefined) expect(cfg.provider).toBeNull();
      }),
    );
  });
});
