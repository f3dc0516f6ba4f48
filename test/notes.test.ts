import { describe, expect, it } from "vitest";
import { call, ok, tenant, text, visitor } from "./helpers";

type Note = { id: string; conversation_id: string; author: { id: string; name: string }; body: string; created_at: number };

async function problem(res: Promise<Response>, status: number) {
  const r = await res;
  expect(r.status).toBe(status);
  expect(r.headers.get("content-type")).toContain("application/problem+json");
  return (await r.json()) as { title: string; errors?: { field: string }[] };
}

const addNote = (conversationId: string, auth: string, body: string) => ok<Note>(call(`/v1/conversations/${conversationId}/notes`, { method: "POST", auth, json: { body } }), 201);
const notes = (conversationId: string, auth: string) => ok<{ data: Note[] }>(call(`/v1/conversations/${conversationId}/notes`, { auth }));

describe("conversation notes", () => {
  it("agents and API keys add notes, listed oldest first, named after the agent row or the key", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const first = await addNote(v.conversationId, t.agentToken, "  VIP: handle with care  ");
    expect(first).toMatchObject({ conversation_id: v.conversationId, author: { id: t.agentId, name: "Ada" }, body: "VIP: handle with care" });
    expect(first.id).toMatch(/^nte_/);

    const key = await ok<{ id: string; key: string }>(call("/v1/api-keys", { method: "POST", auth: t.key, json: { name: "CRM sync", scopes: ["conversations:write"] } }), 201);
    const second = await addNote(v.conversationId, key.key, "Order #1234 refunded in the CRM");
    expect(second.author).toEqual({ id: key.id, name: "CRM sync" });

    const listed = await notes(v.conversationId, t.agentToken);
    // Oldest first; notes written in the same millisecond follow by id.
    expect(listed.data).toEqual([first, second].sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1)));
    expect((await notes(v.conversationId, key.key)).data).toHaveLength(2);
  });

  it("validates the body", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    for (const body of ["", "   ", "x".repeat(4001)]) {
      const p = await problem(call(`/v1/conversations/${v.conversationId}/notes`, { method: "POST", auth: t.agentToken, json: { body } }), 422);
      expect(p.errors?.[0]?.field).toBe("body");
    }
    await addNote(v.conversationId, t.agentToken, "x".repeat(4000));
  });

  it("404 for a conversation that does not exist in the caller's tenant", async () => {
    const t = await tenant();
    const u = await tenant();
    const v = await visitor(t.id);
    await addNote(v.conversationId, t.agentToken, "ours");
    await problem(call(`/v1/conversations/${v.conversationId}/notes`, { auth: u.agentToken }), 404);
    await problem(call(`/v1/conversations/${v.conversationId}/notes`, { method: "POST", auth: u.key, json: { body: "theirs" } }), 404);
    await problem(call("/v1/conversations/cnv_doesnotexist0000/notes", { auth: t.agentToken }), 404);
    await problem(call("/v1/conversations/not-an-id/notes", { method: "POST", auth: t.agentToken, json: { body: "x" } }), 404);
    expect((await notes(v.conversationId, t.agentToken)).data.map((n) => n.body)).toEqual(["ours"]);
  });

  it("visitors can neither read nor write notes, and notes never enter the conversation's messages", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: v.token, json: { client_msg_id: "m1", parts: text("Hello") } }), 201);
    const secret = `internal remark ${crypto.randomUUID()}`;
    await addNote(v.conversationId, t.agentToken, secret);

    await problem(call(`/v1/conversations/${v.conversationId}/notes`, { auth: v.token }), 403);
    await problem(call(`/v1/conversations/${v.conversationId}/notes`, { method: "POST", auth: v.token, json: { body: "mine" } }), 403);
    for (const auth of [v.token, t.agentToken]) {
      const history = await call(`/v1/conversations/${v.conversationId}/messages`, { auth });
      expect(history.status).toBe(200);
      const raw = await history.text();
      expect(raw).toContain("Hello");
      expect(raw).not.toContain(secret);
    }
    expect((await notes(v.conversationId, t.agentToken)).data.map((n) => n.body)).toEqual([secret]);
  });
});
