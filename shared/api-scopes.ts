import { z } from "zod";

/**
 * What an API key may do: one scope per resource and access. `r:read` covers GET and HEAD on the resource,
 * `r:write` every other method and implies `r:read`; `r:*` is the same as `r:write`, and `*` covers everything,
 * routes that name no resource included (keys issued before scopes existed hold `*`).
 */
export const RESOURCES = [
  "conversations",
  "contacts",
  "agents",
  "routing",
  "channels",
  "kb",
  "nlp",
  "bot",
  "analytics",
  "webhooks",
  "tickets",
  "tenant",
  "media",
  "audit",
  "api_keys",
  "canned_responses",
] as const;
export type Resource = (typeof RESOURCES)[number];

export const SCOPES = ["*", ...RESOURCES.flatMap((r) => [`${r}:read`, `${r}:write`, `${r}:*`] as const)] as const;
export const Scope = z.enum(SCOPES).meta({ id: "ApiKeyScope", description: "resource:read, resource:write (implies read), resource:* or *" });
export type Scope = z.infer<typeof Scope>;

/** What one request needs: a concrete read or write scope, or `*` for a path no resource covers. */
export type RequiredScope = `${Resource}:${"read" | "write"}` | "*";

/**
 * What an admin-role agent may do on routes otherwise open to API keys only: the tenant's configuration (settings,
 * channels, routing, bot, knowledge base, NLP, analytics settings and surveys, webhooks, API keys, agents, audit).
 * Conversations, contacts, tickets and media stay with integrations' keys.
 */
export const ADMIN_AGENT_SCOPES: readonly Scope[] = (
  ["tenant", "channels", "routing", "bot", "kb", "nlp", "analytics", "webhooks", "api_keys", "agents", "audit"] as const satisfies readonly Resource[]
).map((r) => `${r}:*` as const);

/** The first path segment after /v1/ that names each resource, where it differs from the resource's name. */
const SEGMENT: Record<string, Resource> = {
  "webhook-endpoints": "webhooks",
  "audit-log": "audit",
  "api-keys": "api_keys",
  "canned-responses": "canned_responses",
};

const isResource = (s: string): s is Resource => (RESOURCES as readonly string[]).includes(s);

export function scopeFor(method: string, path: string): RequiredScope {
  const segment = path.match(/^\/v1\/([^/?#]+)/)?.[1];
  const resource = segment === undefined ? undefined : Object.hasOwn(SEGMENT, segment) ? SEGMENT[segment] : isResource(segment) ? segment : undefined;
  if (!resource) return "*";
  const m = method.toUpperCase();
  return `${resource}:${m === "GET" || m === "HEAD" ? "read" : "write"}`;
}

export function allows(granted: readonly string[], required: RequiredScope): boolean {
  if (granted.includes("*")) return true;
  if (required === "*") return false;
  const [resource, access] = required.split(":") as [Resource, "read" | "write"];
  return granted.includes(`${resource}:*`) || granted.includes(`${resource}:write`) || (access === "read" && granted.includes(`${resource}:read`));
}

/** Whether a key holding `granted` may issue a key with `scope`: nobody hands out more than they hold. */
export function covers(granted: readonly string[], scope: Scope): boolean {
  if (scope === "*") return granted.includes("*");
  const [resource, access] = scope.split(":") as [Resource, string];
  return allows(granted, `${resource}:${access === "read" ? "read" : "write"}`);
}
