import type { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import type { Context } from "hono";
import { IDEMPOTENCY_HEADER } from "./idempotency";
import { REQUEST_ID_HEADER } from "./request-id";
import { originAllowed } from "../tenants";

type Registry = OpenAPIHono<never>["openAPIRegistry"];
type Matcher = { method: string; path: RegExp };

/**
 * Which routes a page on any site may call cross-origin: those a widget visitor may call, and the public ones
 * outside console sign-in (widget config and session, health, the API document). Everything else (agents, API
 * keys, operators, sign-in) answers a browser only from the deployment's own origins (ALLOWED_ORIGINS, where the
 * console and dashboard run): a tenant's site has no business calling them, and a script injected into one must
 * not be able to. Read from the route definitions themselves, so a new route is classified by its `access`.
 */
export function crossSiteMatchers(registry: Registry): Matcher[] {
  const out: Matcher[] = [];
  for (const def of registry.definitions) {
    if (def.type !== "route") continue;
    const { method, path, security = [] } = def.route;
    const visitor = security.some((s) => "visitor" in s);
    const open = security.length === 0 && !path.startsWith("/v1/auth/");
    if (!visitor && !open) continue;
    const pattern = path.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")).join("[^/]+");
    out.push({ method: method.toUpperCase(), path: new RegExp(`^${pattern.replace(/\/$/, "")}/?$`) });
  }
  return out;
}

/** CORS for /v1: any origin on the cross-site routes, the deployment's own origins on all of them. */
export function apiCors(registry: Registry) {
  let matchers: Matcher[] | undefined;
  const crossSite = (c: Context): boolean => {
    matchers ??= crossSiteMatchers(registry);
    // A preflight asks about the method that will follow.
    const method = c.req.method === "OPTIONS" ? (c.req.header("access-control-request-method") ?? "").toUpperCase() : c.req.method;
    const path = c.req.path;
    return matchers.some((m) => (m.method === method || (m.method === "GET" && method === "HEAD")) && m.path.test(path));
  };
  return cors({
    // Credentials are bearer tokens, never cookies, so an allowed origin is reflected, not `*`.
    origin: (origin, c) => {
      if (!origin) return null;
      return originAllowed(c.env as Env, null, origin) || crossSite(c) ? origin : null;
    },
    allowHeaders: ["authorization", "content-type", IDEMPOTENCY_HEADER, REQUEST_ID_HEADER],
    exposeHeaders: [REQUEST_ID_HEADER, "Idempotent-Replayed", "Retry-After"],
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    maxAge: 600,
  });
}
