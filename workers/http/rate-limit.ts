import { createMiddleware } from "hono/factory";
import type { Principal } from "./auth";
import { HttpError } from "./problem";

/**
 * The `period` of every `[[ratelimits]]` binding in wrangler.toml, in seconds. The binding only answers allowed or
 * not, so `Retry-After` is this whole period: the longest a caller may have to wait for its window to reset.
 */
export const LIMIT_PERIOD_S = 60;

/** Counts one request under `key`; over the binding's limit it is refused as 429 with `Retry-After`. */
export async function enforceLimit(limiter: RateLimit, key: string, detail: string): Promise<void> {
  if ((await limiter.limit({ key })).success) return;
  throw new HttpError(429, "too many requests", detail, undefined, { "retry-after": String(LIMIT_PERIOD_S) });
}

/**
 * Every authenticated REST call counts against its credential: API keys and agent tokens under API_LIMITER (each
 * key and each agent on its own), visitor tokens under VISITOR_LIMITER per visitor.
 */
export function limitPrincipal(env: Env, p: Principal): Promise<void> {
  switch (p.kind) {
    case "api":
      return enforceLimit(env.API_LIMITER, `key:${p.keyId}`, "too many requests with this API key");
    case "agent":
      return enforceLimit(env.API_LIMITER, `agent:${p.tenantId}:${p.agentId}`, "too many requests with this agent token");
    case "visitor":
      return enforceLimit(env.VISITOR_LIMITER, `visitor:${p.tenantId}:${p.contactId}`, "too many requests from this visitor");
  }
}

/** The caller's address as Cloudflare's edge saw it; `wrangler dev` and tests have none. */
export const clientAddress = (req: { header(name: string): string | undefined }) => req.header("cf-connecting-ip") ?? "local";

/** For public routes without credentials: requests per client address under IP_LIMITER. */
export const perAddress = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  await enforceLimit(c.env.IP_LIMITER, `ip:${clientAddress(c.req)}`, "too many requests from this address");
  await next();
});
