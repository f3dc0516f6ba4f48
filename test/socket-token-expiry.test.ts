import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Client, call, ok, tenant, text, visitor } from "./helpers";
import { issueToken } from "../workers/http/auth";
import { TOKEN_EXPIRED } from "../objects/conversation";

async function expiringAgentToken(t: { id: string; agentId: string }) {
  return issueToken(env, { kind: "agent", sub: t.agentId, tid: t.id, role: "agent", name: "Ada" }, 1);
}

const afterExpiry = async (expiresAt: number) => {
  while (Date.now() <= expiresAt) await new Promise((r) => setTimeout(r, 100));
};

describe("a socket whose token expires", () => {
  it("is closed with TOKEN_EXPIRED when it next sends, and a fresh token resumes where it was", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: v.token, json: { client_msg_id: "m1", parts: text("hello") } }));
    const short = await expiringAgentToken(t);
    const agent = await Client.open(v.conversationId, short.token);
    await agent.next("welcome");
    await agent.next("message");
    await afterExpiry(short.expires_at);
    agent.send({ type: "ping" });
    expect((await agent.closed.promise).code).toBe(TOKEN_EXPIRED);
    expect(agent.frames.some((f) => f.type === "pong")).toBe(false);
    const again = await Client.open(v.conversationId, t.agentToken, "&last_seq=1");
    const welcome = await again.next("welcome");
    expect(welcome.resumed_from).toBe(1);
  });

  it("receives nothing after expiry: the next broadcast closes it instead", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const short = await expiringAgentToken(t);
    const agent = await Client.open(v.conversationId, short.token);
    await agent.next("welcome");
    const customer = await Client.open(v.conversationId, v.token);
    await customer.next("welcome");
    await afterExpiry(short.expires_at);
    customer.send({ type: "message", client_msg_id: "late", parts: text("are you there?") });
    await customer.next("ack");
    expect((await agent.closed.promise).code).toBe(TOKEN_EXPIRED);
    expect(agent.frames.some((f) => f.type === "message" && f.message.client_msg_id === "late")).toBe(false);
  });
});
