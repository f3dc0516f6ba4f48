import { describe, expect, it } from "vitest";
import { app } from "../workers/app";
import { call, ok } from "./helpers";

type Operation = {
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> } };

const documented = (doc: Doc) => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => ({ key: `${m.toUpperCase()} ${path}`, path, op })));

describe("OpenAPI document", () => {
  it("documents every API route the app serves, and nothing it does not", async () => {
    const doc = await ok<Doc>(call("/v1/openapi.json"));
    expect(doc.openapi).toBe("3.1.0");
    const served = app.routes
      .filter((r) => (r.path.startsWith("/v1/") || r.path.startsWith("/webhooks/")) && r.method !== "ALL" && !r.path.endsWith("/*"))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    expect(new Set(documented(doc).map((d) => d.key))).toEqual(new Set(served));
  });

  it("gives every operation a summary, its success body and the problem statuses it can answer", async () => {
    const doc = await ok<Doc>(call("/v1/openapi.json"));
    const gaps: string[] = [];
    for (const { key, op } of documented(doc)) {
      const statuses = Object.keys(op.responses);
      const success = statuses.filter((s) => /^[123]\d\d$/.test(s) && Number(s) < 400);
      if (!op.summary) gaps.push(`${key}: no summary`);
      if (success.length === 0) gaps.push(`${key}: no success response`);
      for (const s of success) if (!["101", "204", "301", "302"].includes(s) && !op.responses[s]!.content) gaps.push(`${key}: ${s} without a body schema`);
      if (!statuses.includes("429") || !statuses.includes("500")) gaps.push(`${key}: 429/500 missing`);
      if (op.requestBody && !statuses.includes("422") && !key.startsWith("POST /webhooks")) gaps.push(`${key}: a body but no 422`);
      if ((op.security?.length ?? 0) > 0 && !statuses.includes("401")) gaps.push(`${key}: credentials but no 401`);
      for (const s of statuses.filter((x) => Number(x) >= 400)) {
        if (!op.responses[s]!.content?.["application/problem+json"]) gaps.push(`${key}: ${s} is not problem+json`);
      }
    }
    expect(gaps).toEqual([]);
  });

  it("carries the request schemas the routes validate with, and names shared schemas as components", async () => {
    const doc = await ok<Doc>(call("/v1/openapi.json"));
    const body = doc.paths["/v1/conversations/{id}/messages"]!.post!.requestBody!.content["application/json"]!.schema as { required?: string[]; $ref?: string };
    const resolved = body.$ref ? (doc.components.schemas[body.$ref.split("/").pop()!] as { required: string[] }) : body;
    expect(resolved.required).toEqual(expect.arrayContaining(["client_msg_id", "parts"]));
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["Problem", "WebhookEndpoint"]));
    expect(Object.keys(doc.components.securitySchemes)).toEqual(expect.arrayContaining(["apiKey", "agent", "visitor", "operator"]));
  });

  it("lists Idempotency-Key on creating POSTs and Retry-After on 429", async () => {
    const doc = await ok<Doc>(call("/v1/openapi.json"));
    const create = doc.paths["/v1/webhook-endpoints"]!.post!;
    expect(create.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: "Idempotency-Key", in: "header" })]));
    expect((create.responses["429"] as { headers?: Record<string, unknown> }).headers).toHaveProperty("Retry-After");
    expect(create.security).toContainEqual({ apiKey: ["webhooks:write"] });
    expect(doc.paths["/v1/conversations"]!.get!.security).toContainEqual({ apiKey: ["conversations:read"] });
  });
});
