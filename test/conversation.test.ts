import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { evictDurableObject, abortAllDurableObjects } from "cloudflare:test";
import { call, Client, ok, tenant, text, visitor } from "./helpers";

const stubOf = (tenantId: string, conversationId: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(`${tenantId}:${conversationId}`));

async function history(key: string, conversationId: string) {
  const page = await ok(call(`/v1/conversations/${conversationId}/messages?limit=500`, { auth: key }));
  return page.data as { seq: number; client_msg_id: string; parts: unknown }[];
}

describe("conversation over WebSocket", () => {
  it("a repeated client_msg_id stores one message and acks the original", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const customer = await Client.open(v.conversationId, v.token);
    await customer.next("welcome");
    const id = crypto.randomUUID();
    customer.send({ type: "message", client_msg_id: id, parts: text("hello") });
    const first = await customer.next("ack");
    customer.send({ type: "message", client_msg_id: id, parts: text("hello again") });
    const second = await customer.next("ack");
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, seq: first.seq, message_id: first.message_id });
    const msgs = await history(t.key, v.conversationId);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.parts).toEqual(text("hello"));
  });

  it("20 sockets sending concurrently get a gapless seq and every socket sees every message", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const sockets = await Promise.all(Array.from({ length: 20 }, (_, i) => Client.open(v.conversationId, i % 2 ? v.token : t.agentToken)));
    await Promise.all(sockets.map((s) => s.next("welcome")));
    const perSocket = 5;
    for (let round = 0; round < perSocket; round++) {
      sockets.forEach((s, i) => s.send({ type: "message", client_msg_id: `s${i}-r${round}`, parts: text(`socket ${i} round ${round}`) }));
    }
    const acks = await Promise.all(sockets.map((s) => Promise.all(Array.from({ length: perSocket }, () => s.next("ack")))));
    const seqs = acks.flat().map((a) => a.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // Each socket receives the other 95 messages as `message` frames, each exactly once.
    for (const s of sockets) {
      const got = await Promise.all(Array.from({ length: 95 }, () => s.next("message")));
      expect(new Set(got.map((f) => f.message.seq)).size).toBe(95);
    }
    expect((await history(t.key, v.conversationId)).map((m) => m.seq)).toEqual(seqs);
  });

  it("resume with last_seq delivers exactly the missed messages once, in order, then live", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const customer = await Client.open(v.conversationId, v.token);
    await customer.next("welcome");
    for (let i = 1; i <= 3; i++) {
      customer.send({ type: "message", client_msg_id: `c${i}`, parts: text(`c${i}`) });
      await customer.next("ack");
    }
    customer.close();
    for (let i = 1; i <= 4; i++) {
      await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: t.agentToken, json: { client_msg_id: `a${i}`, parts: text(`a${i}`) } }), 201);
    }
    const back = await Client.open(v.conversationId, v.token, "&last_seq=3");
    expect((await back.next("welcome")).resumed_from).toBe(3);
    const missed = await Promise.all(Array.from({ length: 4 }, () => back.next("message")));
    expect(missed.map((f) => f.message.client_msg_id)).toEqual(["a1", "a2", "a3", "a4"]);
    await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: t.agentToken, json: { client_msg_id: "a5", parts: text("a5") } }), 201);
    expect((await back.next("message")).message.seq).toBe(8);
    expect(back.of("message")).toHaveLength(0);
  });

  it("evicting or aborting the object between and during sends loses no acknowledged message", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const acked = new Set<string>();
    const send = async (ids: string[]) => {
      const c = await Client.open(v.conversationId, v.token);
      await c.next("welcome");
      for (const id of ids) c.send({ type: "message", client_msg_id: id, parts: text(id) });
      return c;
    };
    const c1 = await send(["e1", "e2", "e3"]);
    for (let i = 0; i < 3; i++) acked.add((await c1.next("ack")).client_msg_id);
    await evictDurableObject(stubOf(t.id, v.conversationId), { webSockets: "close" });
    const c2 = await send(["e4", "e5", "e6", "e7", "e8"]);
    await c2.next("ack").then((a) => acked.add(a.client_msg_id));
    await abortAllDurableObjects();
    // Acks that arrived before the abort count; the rest are retried by the client with the same ids.
    for (const f of c2.of("ack")) acked.add(f.client_msg_id);
    const c3 = await send(["e4", "e5", "e6", "e7", "e8", "e9"]);
    for (let i = 0; i < 6; i++) acked.add((await c3.next("ack")).client_msg_id);
    const stored = await history(t.key, v.conversationId);
    const ids = stored.map((m) => m.client_msg_id);
    for (const id of acked) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(ids).toEqual(["e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"]);
  });

  it("typing, read receipts and presence reach the other participants", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const customer = await Client.open(v.conversationId, v.token);
    await customer.next("welcome");
    const agent = await Client.open(v.conversationId, t.agentToken);
    await agent.next("welcome");
    expect(await customer.next("presence")).toMatchObject({ status: "online", participant: { id: t.agentId, kind: "agent" } });
    customer.send({ type: "typing", on: true });
    expect(await agent.next("typing")).toMatchObject({ on: true, participant: { id: v.contactId, kind: "customer" } });
    customer.send({ type: "message", client_msg_id: "m1", parts: text("hi") });
    await agent.next("message");
    agent.send({ type: "read", seq: 1 });
    expect(await customer.next("read")).toMatchObject({ seq: 1, participant: { id: t.agentId } });
    agent.close();
    expect(await customer.next("presence")).toMatchObject({ status: "offline", participant: { id: t.agentId } });
  });
});
