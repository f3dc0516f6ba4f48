import { describe, expect, it } from "vitest";
import { call, Client, ok, tenant, text, visitor } from "./helpers";

async function count(key: string, conversationId: string) {
  return (await ok(call(`/v1/conversations/${conversationId}/messages`, { auth: key }))).data.length as number;
}

async function problem(res: Promise<Response>, status: number) {
  const r = await res;
  expect(r.status).toBe(status);
  expect(r.headers.get("content-type")).toContain("application/problem+json");
  return (await r.json()) as { title: string; detail?: string; errors?: { field: string; message: string }[] };
}

describe("tenant isolation", () => {
  it("tenant A's key on tenant B's conversation is 404 and reads or writes nothing", async () => {
    const a = await tenant();
    const b = await tenant();
    const v = await visitor(b.id);
    await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: b.key, json: { client_msg_id: "b1", parts: text("secret") } }), 201);
    await problem(call(`/v1/conversations/${v.conversationId}`, { auth: a.key }), 404);
    await problem(call(`/v1/conversations/${v.conversationId}/messages`, { auth: a.key }), 404);
    await problem(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: a.key, json: { client_msg_id: "a1", parts: text("intrusion") } }), 404);
    await problem(call(`/v1/conversations/${v.conversationId}/state`, { method: "POST", auth: a.agentToken, json: { action: "resolve" } }), 404);
    await expect(Client.open(v.conversationId, a.agentToken)).rejects.toThrow(/404/);
    expect(await count(b.key, v.conversationId)).toBe(1);
  });

  it("a visitor cannot open or read another visitor's conversation", async () => {
    const t = await tenant();
    const v1 = await visitor(t.id);
    const v2 = await visitor(t.id);
    await problem(call(`/v1/conversations/${v1.conversationId}/messages`, { auth: v2.token }), 404);
    await expect(Client.open(v1.conversationId, v2.token)).rejects.toThrow(/404/);
  });

  it("requests without valid credentials are 401", async () => {
    await problem(call("/v1/conversations"), 401);
    await problem(call("/v1/conversations", { auth: "edk_not-a-real-key" }), 401);
    await problem(call("/v1/conversations", { auth: "eyJhbGciOiJIUzI1NiJ9.e30.bad" }), 401);
  });
});

describe("bad input over HTTP", () => {
  it("malformed JSON is 400, wrong types and missing fields 422 with field errors, nothing written", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const path = `/v1/conversations/${v.conversationId}/messages`;
    await problem(call(path, { method: "POST", auth: t.key, body: "{not json", headers: { "content-type": "application/json" } }), 400);
    const wrong = await problem(call(path, { method: "POST", auth: t.key, json: { client_msg_id: 42, parts: [{ type: "text", text: "" }] } }), 422);
    expect(wrong.errors!.map((e) => e.field)).toEqual(expect.arrayContaining(["client_msg_id", "parts.0.text"]));
    const missing = await problem(call(path, { method: "POST", auth: t.key, json: { parts: text("x") } }), 422);
    expect(missing.errors![0]!.field).toBe("client_msg_id");
    await problem(call(path, { method: "POST", auth: t.key, json: { client_msg_id: "x", parts: [{ type: "hologram" }] } }), 422);
    await problem(call(path, { method: "POST", auth: t.key, body: "client_msg_id=x", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);
    expect(await count(t.key, v.conversationId)).toBe(0);
  });

  it("a 1 MiB body is 413 and nothing is written", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const big = "x".repeat(1024 * 1024);
    await problem(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: t.key, json: { client_msg_id: "big", parts: text(big) } }), 413);
    expect(await count(t.key, v.conversationId)).toBe(0);
  });

  it("an illegal state change is 409 and leaves the state as it was", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const conv = `/v1/conversations/${v.conversationId}`;
    await problem(call(`${conv}/state`, { method: "POST", auth: t.key, json: { action: "reopen" } }), 409);
    await ok(call(`${conv}/state`, { method: "POST", auth: t.key, json: { action: "close" } }));
    const p = await problem(call(`${conv}/state`, { method: "POST", auth: t.key, json: { action: "assign", assignee_id: t.agentId } }), 409);
    expect(p.detail).toMatch(/cannot assign a conversation that is closed/);
    await problem(call(`${conv}/messages`, { method: "POST", auth: t.key, json: { client_msg_id: "late", parts: text("late") } }), 409);
    expect((await ok(call(conv, { auth: t.key }))).status).toBe("closed");
    expect(await count(t.key, v.conversationId)).toBe(0);
  });

  it("unknown routes and unknown conversation ids are 404 problems", async () => {
    const t = await tenant();
    await problem(call("/v1/nope", { auth: t.key }), 404);
    await problem(call("/v1/conversations/not-an-id", { auth: t.key }), 404);
    await problem(call("/v1/conversations/cnv_0123456789abcdef", { auth: t.key }), 404);
  });
});

describe("bad input over WebSocket", () => {
  it("malformed JSON, unknown frames, wrong types and oversized frames get error frames and write nothing", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const c = await Client.open(v.conversationId, v.token);
    await c.next("welcome");
    c.send("{oops");
    expect((await c.next("error")).code).toBe("invalid_json");
    c.send({ type: "teleport" });
    expect((await c.next("error")).code).toBe("invalid_frame");
    c.send({ type: "message", client_msg_id: "w1", parts: "hello" });
    expect(await c.next("error")).toMatchObject({ code: "invalid_frame", client_msg_id: "w1" });
    c.send({ type: "message", client_msg_id: "w2" });
    expect((await c.next("error")).message).toMatch(/parts/);
    c.send({ type: "message", client_msg_id: "w3", parts: text("x".repeat(1024 * 1024)) });
    expect((await c.next("error")).code).toBe("too_large");
    c.send({ type: "ping" });
    await c.next("pong");
    expect(await count(t.key, v.conversationId)).toBe(0);
  });

  it("a closed conversation refuses new messages with an error frame", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    await ok(call(`/v1/conversations/${v.conversationId}/state`, { method: "POST", auth: t.key, json: { action: "close" } }));
    const c = await Client.open(v.conversationId, v.token);
    await c.next("welcome");
    c.send({ type: "message", client_msg_id: "z", parts: text("anyone?") });
    expect(await c.next("error")).toMatchObject({ code: "closed", client_msg_id: "z" });
  });
});

describe("conversation lifecycle", () => {
  it("moves open → queued → assigned → resolved, and a customer message reopens it and queues it again", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const conv = `/v1/conversations/${v.conversationId}`;
    const agent = await Client.open(v.conversationId, t.agentToken);
    await agent.next("welcome");
    await ok(call(`${conv}/state`, { method: "POST", auth: t.key, json: { action: "queue" } }));
    const assigned = await ok(call(`${conv}/state`, { method: "POST", auth: t.agentToken, json: { action: "assign" } }));
    expect(assigned).toMatchObject({ status: "assigned", assignee_id: t.agentId });
    expect((await agent.next("state", (f) => f.conversation.status === "assigned")).conversation.assignee_id).toBe(t.agentId);
    await ok(call(`${conv}/state`, { method: "POST", auth: t.key, json: { action: "resolve" } }));
    await ok(call(`${conv}/messages`, { method: "POST", auth: v.token, json: { client_msg_id: "back", parts: text("one more thing") } }), 201);
    expect((await ok(call(conv, { auth: t.key }))).status).toBe("queued");
  });
});

describe("rate limits", () => {
  it("limits new visitor sessions per client address with a 429 problem", async () => {
    const t = await tenant();
    const statuses: number[] = [];
    for (let i = 0; i < 62; i++) {
      const r = await call("/v1/widget/session", { method: "POST", json: { tenant_id: t.id }, headers: { "cf-connecting-ip": "203.0.113.7" } });
      statuses.push(r.status);
      if (r.status === 429) expect(r.headers.get("content-type")).toContain("application/problem+json");
    }
    expect(statuses.slice(0, 60).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(60)).toEqual([429, 429]);
    // Another address is unaffected.
    expect((await call("/v1/widget/session", { method: "POST", json: { tenant_id: t.id }, headers: { "cf-connecting-ip": "203.0.113.8" } })).status).toBe(201);
  });
});
