import { describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { call, Client, DeskClient, ok, tenant, text, visitor } from "./helpers";
import { FRAME_LIMIT } from "../shared/frame-limit";

/**
 * One regression test per defect found from outside (issue "Defects found from outside"), through the real
 * Worker entry. Each failed on f7e1f83.
 */

const PROTOTYPE_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"];

async function supervisor(t: Awaited<ReturnType<typeof tenant>>) {
  const s = await ok<{ id: string }>(call("/v1/agents", { method: "POST", auth: t.key, json: { name: "Sue", email: `sue-${crypto.randomUUID()}@example.com`, role: "supervisor" } }), 201);
  const { token } = await ok<{ token: string }>(call(`/v1/agents/${s.id}/token`, { method: "POST", auth: t.key }), 201);
  return { id: s.id, token };
}

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe("F1, F5: prototype names as ids", () => {
  it("answers 404 for an agent named like a prototype member and leaves every tenant working", async () => {
    const a = await tenant();
    const b = await tenant();
    const sup = await supervisor(a);
    for (const id of PROTOTYPE_KEYS) {
      for (const status of ["offline", "available"]) {
        const res = await call(`/v1/agents/${encodeURIComponent(id)}/status`, { method: "PUT", auth: sup.token, json: { status } });
        expect(res.status, `${id} ${status}`).toBe(404);
        expect(res.headers.get("content-type")).toContain("application/problem+json");
      }
      expect((await call(`/v1/agents/${encodeURIComponent(id)}/token`, { method: "POST", auth: a.key })).status).toBe(404);
      expect((await call(`/v1/agents/${encodeURIComponent(id)}/routing`, { method: "PUT", auth: a.key, json: { capacity: { voice: 1, chat: 1, email: 1 } } })).status).toBe(404);
    }
    // Another tenant's JSON requests and conversation reads are unaffected.
    await ok(call("/v1/agents", { method: "POST", auth: b.key, json: { name: "Bo", email: `bo-${crypto.randomUUID()}@example.com` } }), 201);
    const v = await visitor(b.id);
    await ok(call(`/v1/conversations/${v.conversationId}`, { auth: b.key }));
    expect(({} as Record<string, unknown>).status).toBeUndefined();
  });
});

describe("F2, F3: assignment and transfer targets", () => {
  it("refuses an assignee that is not an agent of this tenant, and a queue named like a prototype member", async () => {
    const a = await tenant();
    const b = await tenant();
    const v = await visitor(a.id);
    const state = (json: unknown, auth = a.key) => call(`/v1/conversations/${v.conversationId}/state`, { method: "POST", auth, json });
    for (const id of [...PROTOTYPE_KEYS, "agt_nobody", b.agentId]) {
      const res = await state({ action: "assign", assignee_id: id });
      expect(res.status, id).toBe(422);
      const body = await res.json<{ errors: { field: string }[] }>();
      expect(body.errors.map((e) => e.field)).toContain("assignee_id");
    }
    for (const queue_id of ["__proto__", "constructor"]) {
      expect((await state({ action: "transfer", transfer_to: { kind: "queue", queue_id } })).status).toBe(422);
    }
    // An agent assigns only to themselves; a supervisor or the API assigns anyone on the roster.
    const other = await ok<{ id: string }>(call("/v1/agents", { method: "POST", auth: a.key, json: { name: "Cy", email: `cy-${crypto.randomUUID()}@example.com` } }), 201);
    expect((await state({ action: "assign", assignee_id: other.id }, a.agentToken)).status).toBe(403);
    const assigned = await ok(state({ action: "assign", assignee_id: a.agentId }));
    expect(assigned).toMatchObject({ status: "assigned", assignee_id: a.agentId });
    // The desk still takes commands afterwards: the conversation resolves and the desk lets it go.
    await ok(state({ action: "resolve" }));
    const desk = await ok<{ waiting: unknown[] }>(call("/v1/routing/desk", { auth: a.key }));
    expect(desk.waiting).toEqual([]);
  });
});

describe("F4: deeply nested metadata", () => {
  it("refuses deep metadata on a socket with the message's client_msg_id and uses up no seq", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const c = await Client.open(v.conversationId, v.token);
    await c.next("welcome");
    for (const depth of [9, 5000, 7000]) {
      const cmid = `deep-${depth}`;
      c.send({ type: "message", client_msg_id: cmid, parts: text("hi"), metadata: nested(depth) });
      const err = await c.next("error", (f) => f.client_msg_id === cmid);
      expect(err.code).toBe("invalid_frame");
      expect(err.message).toContain("nested deeper");
    }
    c.send({ type: "message", client_msg_id: "fine", parts: text("hi"), metadata: nested(7) as Record<string, unknown> });
    const ack = await c.next("ack", (f) => f.client_msg_id === "fine");
    expect(ack.seq).toBe(1);
    const history = await ok<{ data: unknown[]; last_seq: number }>(call(`/v1/conversations/${v.conversationId}/messages`, { auth: t.key }));
    expect(history.last_seq).toBe(1);
    expect(history.data).toHaveLength(1);
  });

  it("answers 422 with the field over HTTP, and the conversation stays readable", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const url = `/v1/conversations/${v.conversationId}/messages`;
    for (const metadata of [nested(5000), { big: "x".repeat(20_000) }, Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`k${i}`, i]))]) {
      const res = await call(url, { method: "POST", auth: t.key, json: { client_msg_id: crypto.randomUUID(), parts: text("hi"), metadata } });
      expect(res.status).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const body = await res.json<{ errors: { field: string }[] }>();
      expect(body.errors[0]!.field).toMatch(/^metadata/);
    }
    const proto = await call(url, { method: "POST", auth: t.key, headers: { "content-type": "application/json" }, body: `{"client_msg_id":"p","parts":[{"type":"text","text":"x"}],"metadata":{"__proto__":{"x":1}}}` });
    expect(proto.status).toBe(422);
    const history = await ok<{ last_seq: number }>(call(url, { auth: t.key }));
    expect(history.last_seq).toBe(0);
  });
});

describe("F4, the same class elsewhere: recursive schemas", () => {
  it("refuses a channel spec whose JSON body template nests too deep with a 422, not a stack overflow", async () => {
    const t = await tenant();
    const res = await call("/v1/channels/custom:deep", { method: "PUT", auth: t.key, json: { spec: { slug: "deep", outbound: { url: "https://example.com", body: JSON.parse("[".repeat(120_000) + "]".repeat(120_000)) } } } });
    expect(res.status).toBe(422);
    expect((await res.json<{ errors: { field: string }[] }>()).errors[0]!.field).toMatch(/^spec/);
  });
});

describe("F0: the outbox under a burst", () => {
  it("acks and stores every message of a burst larger than a flush page, with no seq skipped", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const sockets: Client[] = [];
    // Spread over sockets, each within its frame burst (shared/frame-limit.ts): the burst is the conversation's.
    const burst = async (prefix: string, n: number) => {
      const fresh = await Promise.all(Array.from({ length: Math.ceil(n / FRAME_LIMIT.burst) }, () => Client.open(v.conversationId, v.token)));
      await Promise.all(fresh.map((c) => c.next("welcome")));
      sockets.push(...fresh);
      const via = (i: number) => fresh[Math.floor(i / FRAME_LIMIT.burst)]!;
      for (let i = 0; i < n; i++) via(i).send({ type: "message", client_msg_id: `${prefix}${i}`, parts: text(`m${i}`) });
      return Promise.all(Array.from({ length: n }, (_, i) => via(i).next("ack", (f) => f.client_msg_id === `${prefix}${i}`)));
    };
    await burst("a", 250);
    // The coalesced flush sends the burst's events in three outbox pages: all of them reach the D1 index, at once
    // (not after the outbox alarm's retry).
    const indexed = async () => (await ok<{ data: { last_seq: number }[] }>(call(`/v1/conversations?contact_id=${v.contactId}`, { auth: t.key }))).data[0]?.last_seq;
    await vi.waitFor(async () => expect(await indexed()).toBe(250), { timeout: 6_000, interval: 100 });
    const acks = await burst("b", 20);
    expect(sockets.flatMap((c) => c.of("error"))).toEqual([]);
    expect(acks.map((a) => a.seq)).toEqual(Array.from({ length: 20 }, (_, i) => 251 + i));
    const seqs: number[] = [];
    for (let after = 0; ; ) {
      const page = await ok<{ data: { seq: number }[]; next_after_seq: number | null }>(call(`/v1/conversations/${v.conversationId}/messages?after_seq=${after}&limit=500`, { auth: t.key }));
      seqs.push(...page.data.map((m) => m.seq));
      if (page.next_after_seq === null) break;
      after = page.next_after_seq;
    }
    expect(seqs).toEqual(Array.from({ length: 270 }, (_, i) => i + 1));
  });
});

describe("F0, the same audit for the desk: a failed save", () => {
  it("leaves the desk's memory as stored when its SQLite write fails", async () => {
    const t = await tenant();
    const status = async () => (await ok<{ agents: { id: string; status: string }[] }>(call("/v1/routing/desk", { auth: t.key }))).agents.find((a) => a.id === t.agentId)!.status;
    expect(await status()).toBe("offline");
    const stub = env.DESK.get(env.DESK.idFromName(`${t.id}:desk`));
    await runInDurableObject(stub, (instance) => {
      const store = (instance as unknown as { store: { save: (...args: unknown[]) => void } }).store;
      const save = store.save.bind(store);
      store.save = () => {
        store.save = save;
        throw new Error("injected SQLite failure");
      };
    });
    const failed = await call(`/v1/agents/${t.agentId}/status`, { method: "PUT", auth: t.key, json: { status: "available" } });
    expect(failed.status).toBe(500);
    expect(await status()).toBe("offline");
    await ok(call(`/v1/agents/${t.agentId}/status`, { method: "PUT", auth: t.key, json: { status: "available" } }));
    expect(await status()).toBe("available");
  });
});

describe("F6: offers only to open consoles", () => {
  it("counts an agent as connected only while a desk socket is open, also after the desk restarts", async () => {
    const t = await tenant();
    const overview = async () => (await ok<{ agents: { id: string; connected: boolean }[] }>(call("/v1/routing/desk", { auth: t.key }))).agents.find((a) => a.id === t.agentId)!;
    // Available through the REST API (an integration), but no console: nothing is offered.
    await ok(call(`/v1/agents/${t.agentId}/status`, { method: "PUT", auth: t.key, json: { status: "available" } }));
    expect((await overview()).connected).toBe(false);
    const v = await visitor(t.id);
    await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: v.token, json: { client_msg_id: "q", parts: text("help") } }), 201);
    const desk = await DeskClient.open(t.agentToken);
    await desk.next("hello");
    expect((await overview()).connected).toBe(true);
    // The waiting conversation is offered as soon as the console is open, not after an expiry and a bar.
    const offer = await desk.next("offer", (f) => f.conversation_id === v.conversationId);
    expect(offer.conversation_id).toBe(v.conversationId);
    // A crash loses every socket; the desk must not remember the console as open.
    await abortAllDurableObjects();
    expect((await overview()).connected).toBe(false);
  });
});

describe("F7, F8, F9: surrogates, frame bytes, long URLs", () => {
  it("refuses lone surrogates in client_msg_id and stores text with them replaced, identically on both reads", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const url = `/v1/conversations/${v.conversationId}/messages`;
    for (const id of ["\ud800", "\udfff", "a\ud83d"]) {
      const res = await call(url, { method: "POST", auth: t.key, json: { client_msg_id: id, parts: text("x") } });
      expect(res.status).toBe(422);
    }
    const posted = await ok<{ parts: { text: string }[] }>(call(url, { method: "POST", auth: t.key, json: { client_msg_id: "s", parts: text("ok \ud800 done") } }), 201);
    expect(posted.parts[0]!.text).toBe("ok \ufffd done");
    const read = await ok<{ data: { parts: { text: string }[] }[] }>(call(url, { auth: t.key }));
    expect(read.data[0]!.parts[0]!.text).toBe("ok \ufffd done");
  });

  it("counts the frame limit in UTF-8 bytes", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const c = await Client.open(v.conversationId, v.token);
    await c.next("welcome");
    // 30,000 '€' are 30,000 UTF-16 units but 90,000 bytes.
    c.send({ type: "message", client_msg_id: "euro", parts: text("€".repeat(15_000)), metadata: { more: "€".repeat(15_000) } });
    const err = await c.next("error");
    expect(err.code).toBe("too_large");
    c.send({ type: "message", client_msg_id: "small", parts: text("€".repeat(5_000)) });
    expect((await c.next("ack")).seq).toBe(1);
  });

  it("answers an over-long URL with a 414 problem", async () => {
    const t = await tenant();
    const res = await call(`/v1/conversations?x=${"a".repeat(100_000)}`, { auth: t.key });
    expect(res.status).toBe(414);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});
