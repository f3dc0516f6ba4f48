import { describe, expect, it } from "vitest";
import { app } from "../workers/app";
import { call, ok } from "./helpers";

describe("OpenAPI document", () => {
  it("documents every /v1 route the app serves, and nothing it does not", async () => {
    const doc = await ok(call("/v1/openapi.json"));
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const served = app.routes
      .filter((r) => r.path.startsWith("/v1/") && r.method !== "ALL" && !r.path.endsWith("/*"))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    expect(new Set(documented)).toEqual(new Set(served));
  });

  it("carries the request schemas the routes validate with", async () => {
    const doc = await ok(call("/v1/openapi.json"));
    const body = doc.paths["/v1/conversations/{id}/messages"].post.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(expect.arrayContaining(["client_msg_id", "parts"]));
  });
});
