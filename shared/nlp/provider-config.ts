/**
 * Which intent provider a deployment uses, from its environment (passed in as a plain object):
 * - NLP_PROVIDER: "builtin" | "http" | "workers-ai" (case-insensitive). Unset: "http" when NLP_SERVICE_URL
 *   is set, else the built-in model. An `AI` binding alone does not switch to Workers AI: every call would
 *   be billed, so that takes an explicit NLP_PROVIDER.
 * - NLP_SERVICE_URL (http, https) and the optional NLP_SERVICE_TOKEN (sent as a bearer token) for "http".
 * - AI, the Workers AI binding, for "workers-ai".
 * A configuration that cannot work falls back to the built-in model with a warning for the operator's log,
 * rather than failing every request.
 */
import { httpProvider, workersAiProvider, type AiBinding, type IntentProvider } from "./providers";

/** Values are typed loosely because a Worker's env is whatever wrangler.toml and secrets hold; a non-string counts as unset. */
export type ProviderEnv = { NLP_PROVIDER?: unknown; NLP_SERVICE_URL?: unknown; NLP_SERVICE_TOKEN?: unknown; AI?: unknown };

/** `provider: null` means the built-in model alone. */
export type ProviderConfig = { provider: IntentProvider | null; warning?: string };

function isAiBinding(ai: unknown): ai is AiBinding {
  return typeof ai === "object" && ai !== null && "run" in ai && typeof ai.run === "function";
}

const text = (v: unknown): string => (typeof v === "string" ? v.trim() : "");

function serviceUrl(raw: string): URL | null {
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

export function providerFromEnv(env: ProviderEnv, fetchFn: typeof fetch): ProviderConfig {
  const url = text(env.NLP_SERVICE_URL);
  const name = text(env.NLP_PROVIDER).toLowerCase() || (url ? "http" : "builtin");
  switch (name) {
    case "builtin":
      return { provider: null };
    case "http": {
      if (!url) return { provider: null, warning: "NLP_PROVIDER=http needs NLP_SERVICE_URL; using the built-in model" };
      const parsed = serviceUrl(url);
      if (!parsed) return { provider: null, warning: "NLP_SERVICE_URL is not an http(s) URL; using the built-in model" };
      const token = text(env.NLP_SERVICE_TOKEN);
      return { provider: httpProvider({ url: parsed.href, fetch: fetchFn, ...(token ? { token } : {}) }) };
    }
    case "workers-ai":
      if (!isAiBinding(env.AI)) return { provider: null, warning: "NLP_PROVIDER=workers-ai needs an AI binding; using the built-in model" };
      return { provider: workersAiProvider({ ai: env.AI }) };
    default:
      return { provider: null, warning: `NLP_PROVIDER=${JSON.stringify(env.NLP_PROVIDER)} is not builtin, http or workers-ai; using the built-in model` };
  }
}
