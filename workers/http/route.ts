import { createRoute, OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import { requireAuth, type AuthEnv, type Principal } from "./auth";
import { idempotent, IDEMPOTENCY_HEADER } from "./idempotency";
import { HttpError, invalid } from "./problem";
import { perAddress } from "./rate-limit";

/**
 * Every route is defined once, here: `defineRoute` turns one description (path, auth, zod request and response
 * schemas) into the validation, the authentication, the Idempotency-Key handling and the route's OpenAPI 3.1
 * operation, with every error status it can answer. Route groups are `router()`s; app.ts mounts them and serves
 * the merged document at /v1/openapi.json.
 */

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional().describe("Field-level messages, for 422"),
    request_id: z.string().optional().describe("The response's X-Request-Id"),
  })
  .meta({ id: "Problem", description: "An RFC 9457 problem document" });

const TITLES: Record<number, string> = {
  400: "Malformed request (or a malformed Idempotency-Key)",
  401: "Missing, invalid or expired credentials",
  403: "These credentials may not do this",
  404: "No such resource",
  405: "This method is not served here",
  409: "Conflict with the current state (or the same Idempotency-Key still in flight)",
  413: "Body or text too large",
  415: "The body is not application/json",
  422: "The request failed validation; `errors` names each field",
  426: "Not a WebSocket upgrade",
  429: "Rate limited; retry after `Retry-After` seconds",
  500: "Internal error",
  502: "The provider behind this failed",
  503: "Temporarily unavailable",
};

/** Every response carries the request's id (workers/http/request-id.ts), also in problem bodies and error logs. */
const requestIdHeader = { "X-Request-Id": { description: "This request's id: the caller's when well-formed, else a new one", schema: { type: "string" as const } } };

export const problemResponses = (statuses: Iterable<number>) =>
  Object.fromEntries(
    [...new Set(statuses)].sort().map((s) => [
      s,
      {
        description: TITLES[s] ?? "Error",
        content: { "application/problem+json": { schema: Problem } },
        headers: s === 429 ? { ...requestIdHeader, "Retry-After": { description: "Seconds until the limit resets", schema: { type: "integer" as const } } } : requestIdHeader,
      },
    ]),
  );

/** Who may call a route: principals of these kinds, the operator (ADMIN_TOKEN), or anyone (limited per address). */
export type Access = Principal["kind"][] | "operator" | "public";

const SCHEME: Record<Principal["kind"] | "operator", string> = { api: "apiKey", agent: "agent", visitor: "visitor", operator: "operator" };

export const securitySchemes = {
  operator: { type: "http", scheme: "bearer", description: "The deployment's ADMIN_TOKEN secret" },
  apiKey: { type: "http", scheme: "bearer", description: "A tenant API key (edk_…), limited to its scopes" },
  agent: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "An agent token" },
  visitor: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "A visitor session token (the widget)" },
} as const;

type Spec = Omit<RouteConfig, "security" | "responses"> & {
  access: Access;
  /** An operator-only route's own check (admin.ts): `access: "operator"` needs it. */
  operator?: MiddlewareHandler;
  /** A POST that creates something: honours Idempotency-Key (workers/http/idempotency.ts). */
  idempotent?: boolean | ((c: Context<AuthEnv>) => string);
  /** Success responses; the problem responses are added from what the route does. */
  responses: RouteConfig["responses"];
  /** Error statuses beyond those that follow from access and request (e.g. 404 on a lookup, 409, 502). */
  errors?: number[];
  /**
   * `false`: the handler checks the caller itself and no guard runs first (`access` then only documents who may
   * call). A WebSocket handshake answers 426 to anything else before it authenticates (`?token=` too) and is not
   * counted as a REST call; a provider webhook verifies its signature over the raw body and is not limited per
   * address; a widget session counts against its own limiter.
   */
  guard?: false;
};

const IdempotencyHeaders = z.object({
  [IDEMPOTENCY_HEADER]: z
    .string()
    .optional()
    .describe("Up to 255 printable ASCII characters; a repeat within 24 h returns the first response with Idempotent-Replayed: true"),
});

export function defineRoute<const S extends Spec>(spec: S) {
  const { access, operator, idempotent: keyed, errors = [], guard: guarded = true, middleware = [], request, responses, ...rest } = spec;
  const guard: MiddlewareHandler[] = !guarded
    ? []
    : access === "public"
      ? [perAddress]
      : access === "operator"
        ? [perAddress, ...(operator ? [operator] : [])]
        : [requireAuth(...access) as MiddlewareHandler];
  if (access === "operator" && !operator) throw new Error(`${spec.method.toUpperCase()} ${spec.path}: operator routes pass their check`);
  const statuses = [429, 500, ...errors];
  if (access !== "public") statuses.push(401);
  if (Array.isArray(access)) statuses.push(403);
  if (request?.params) statuses.push(404);
  if (request?.query) statuses.push(422);
  if (request?.body) statuses.push(400, 413, 415, 422);
  if (keyed) statuses.push(400, 409, 422);
  return createRoute({
    ...rest,
    request: keyed ? { ...request, headers: request?.headers ?? IdempotencyHeaders } : request,
    security: access === "public" ? [] : access === "operator" ? [{ operator: [] }] : access.map((k) => ({ [SCHEME[k]]: [] })),
    middleware: [...guard, ...(keyed ? [idempotent(keyed === true ? undefined : keyed)] : []), ...(Array.isArray(middleware) ? middleware : [middleware])],
    responses: { ...responses, ...problemResponses(statuses) },
  } as Omit<S, "access" | "operator" | "idempotent" | "errors" | "guard"> & Pick<RouteConfig, "security">);
}

/**
 * Validation failures as problem+json: a path parameter that cannot name anything is a 404 (as for an unknown id),
 * a bad query or body a 422 with field-level errors.
 */
function onInvalid(result: { success: boolean; target: string; error?: z.ZodError }): void {
  if (result.success) return;
  if (result.target === "param") throw new HttpError(404, "not found", result.error?.issues[0]?.message);
  throw invalid(result.error!, result.target === "query" ? "invalid query" : result.target === "header" ? "invalid header" : "invalid request");
}

/** A route group. */
export const router = <E extends AuthEnv | { Bindings: Env } = AuthEnv>() => new OpenAPIHono<E>({ defaultHook: onInvalid as never });

export const json = <T extends z.ZodType>(schema: T, description = "Success") => ({ description, headers: requestIdHeader, content: { "application/json": { schema } } });

export const noContent = { description: "Done; no body", headers: requestIdHeader };

export const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { "application/json": { schema } } } });
