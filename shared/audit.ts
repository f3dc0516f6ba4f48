/**
 * Which requests the audit log records and what it keeps of them (workers/http/audit.ts writes the rows).
 * Configuration changes are recorded; conversation data (messages, state, contacts) and agent status are not:
 * they are data, and their history is already in the domain events.
 */

/** Route groups where every change is configuration. */
const GROUPS = ["/v1/tenant", "/v1/channels", "/v1/kb/entries", "/v1/kb/links", "/v1/webhook-endpoints", "/v1/api-keys", "/v1/admin/tenants", "/v1/canned-responses"];

/** Single configuration routes in groups that otherwise handle data or computation. */
const ROUTES = new Set([
  "POST /v1/agents",
  "PUT /v1/agents/{id}/routing",
  "POST /v1/agents/{id}/token",
  "PUT /v1/routing/config",
  "PATCH /v1/bot/config",
  "POST /v1/bot/policy/reset",
  "PUT /v1/nlp/intents",
  "PUT /v1/nlp/settings",
  "POST /v1/nlp/sessions",
  "PUT /v1/analytics/settings",
]);

/** A router pattern (`/v1/channels/:name`, `:id{[0-9]+}` included) in the OpenAPI spelling, `/v1/channels/{name}`. */
export function openApiPath(pattern: string): string {
  return pattern.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}").replace(/\/+$/, "") || "/";
}

/** The action an audited request is recorded as ("PUT /v1/channels/{name}"), or null when it is not audited. */
export function auditedAction(method: string, pattern: string): string | null {
  const m = method.toUpperCase();
  if (m === "GET" || m === "HEAD" || m === "OPTIONS") return null;
  const path = openApiPath(pattern);
  const action = `${m} ${path}`;
  if (ROUTES.has(action) || GROUPS.some((g) => path === g || path.startsWith(`${g}/`))) return action;
  return null;
}

/** The first parameter a pattern names (`name` in /v1/channels/:name), whose value is the change's target. */
export function firstParam(pattern: string): string | null {
  return pattern.match(/:([A-Za-z0-9_]+)/)?.[1] ?? null;
}

export const REDACTED = "••••";

/** A body key naming a secret: `bot_token`, `clientSecret`, `api_key`, `credentials`, … but not `keywords`. */
const SECRET_WORD = /^(tokens?|secrets?|passwords?|passphrase|keys?|credentials?|authorization)$/;

export function isSecretKey(key: string): boolean {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .some((word) => SECRET_WORD.test(word));
}

/**
 * Body fields whose every value is a credential, sealed at rest: the log keeps which fields were set, as the API
 * shows them, never a value.
 */
const SEALED_FIELDS: Record<string, string[]> = { "PUT /v1/channels/{name}": ["config"] };

/** Above this, a body is recorded by its top-level fields and size only. */
export const MAX_CHANGES_BYTES = 8 * 1024;

/** The request body as the audit log keeps it: secrets replaced by ••••, large bodies summarised. */
export function auditChanges(action: string, body: unknown): unknown {
  if (body === undefined) return null;
  const sealed = new Set(SEALED_FIELDS[action] ?? []);
  const top = isPlainObject(body)
    ? Object.fromEntries(
        Object.entries(body).map(([k, v]) => [k, sealed.has(k) && isPlainObject(v) ? Object.fromEntries(Object.keys(v).map((f) => [f, REDACTED])) : v]),
      )
    : body;
  const redacted = redactSecrets(top);
  const text = JSON.stringify(redacted);
  const bytes = new TextEncoder().encode(text).byteLength;
  if (bytes <= MAX_CHANGES_BYTES) return redacted;
  return { truncated: true, bytes, ...(isPlainObject(redacted) ? { fields: Object.keys(redacted).slice(0, 100) } : {}) };
}

/** Nesting below this is dropped: configuration is shallow, and the walk must not overflow on a hostile body. */
const MAX_DEPTH = 16;

/** Replaces the value of every secret-named key, at any depth. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[nested]";
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretKey(k) ? REDACTED : redactSecrets(v, depth + 1)]));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
