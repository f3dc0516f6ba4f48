import type { OpenAPIHono } from "@hono/zod-openapi";
import { securitySchemes } from "./http/route";
import { scopeFor } from "../shared/api-scopes";

type Generated = { getOpenAPI31Document(config: Parameters<OpenAPIHono["getOpenAPI31Document"]>[0]): ReturnType<OpenAPIHono["getOpenAPI31Document"]> };

/**
 * The OpenAPI 3.1 document, generated from the routes' own definitions (workers/http/route.ts): the app's registry
 * holds every mounted route group's operations, so there is no second list to keep.
 */
type Document = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

/** The routes do not change while an isolate lives: the document is generated once per origin it is served under. */
const generated = new Map<string, Document>();

export function openApiDocument(app: Generated, serverUrl: string): Document {
  const known = generated.get(serverUrl);
  if (known) return known;
  const doc = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "edgedesk API",
      version: "1.0.0",
      description:
        "Omnichannel customer-service runtime. Errors are RFC 9457 problem documents; every response carries X-Request-Id; creating POSTs take Idempotency-Key; lists are cursor pages `{data, next_cursor}`. API keys carry scopes (`<resource>:read|write`).",
    },
    servers: [{ url: serverUrl }],
  });
  doc.components = { ...doc.components, securitySchemes: securitySchemes as never };
  // The scope an API key needs follows from method and path (shared/api-scopes.ts): listed where the key is accepted.
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops as Record<string, { security?: Record<string, string[]>[] }>)) {
      for (const requirement of op.security ?? []) if (requirement.apiKey) requirement.apiKey = [scopeFor(method, path)];
    }
  }
  if (generated.size < 8) generated.set(serverUrl, doc);
  return doc;
}
