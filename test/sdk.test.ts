import { afterEach, describe, expect, it, vi } from "vitest";
import { exports } from "cloudflare:workers";
import { ServerFrame } from "../shared/protocol";
import { DeskServerFrame } from "../shared/desk-protocol";
import { ConversationSocket, DeskSocket, EdgedeskError, createClient, idempotencyKey, paginate, unwrap, type SocketLike } from "../sdk";
import { BASE, Client, tenant, text } from "./helpers";

const workerFetch = (req: Request) => exports.default.fetch(req);

/**
 * The SDK's sockets over workerd's: the Worker is reached through its own `fetch`, not a network. `network.up`
 * false refuses new connections and `drop()` cuts one as a lost network would, without a close handshake.
 */
const network = { up: true, sockets: [] as WorkerSocket[] };

class WorkerSocket implements SocketLike {
  readyState = 0;
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  private ws: WebSocket | null = null;
  /** A half-open connection: nothing the server sends arrives any more, and nothing says so. */
  muted = false;

  constructor(readonly url: string) {
    network.sockets.push(this);
    void this.start(url.replace(/^ws/, "http"));
  }

  private async start(url: string): Promise<void> {
    if (!network.up) return this.end(1006, "network down");
    const res = await exports.default.fetch(url, { headers: { upgrade: "websocket" } });
    if (!res.webSocket) return this.end(1006, `upgrade refused: ${res.status}`);
    const ws = res.webSocket;
    ws.accept();
    this.ws = ws;
    this.readyState = 1;
    ws.addEventListener("message", (e) => this.readyState === 1 && !this.muted && this.onmessage?.({ data: e.data }));
    ws.addEventListener("close", (e) => this.end(e.code, e.reason));
    this.onopen?.({});
  }

  send(data: string): void {
    this.ws!.send(data);
  }

  close(code?: number, reason?: string): void {
    this.ws?.close(code, reason);
  }

  /** Frames still in flight to this client are lost, as they would be on a dead connection. */
  drop(): void {
    this.ws?.close(4000, "dropped");
    this.end(1006, "dropped");
  }

  private end(code: number, reason: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }
}

/** The newest socket to a path: the one a client is using now. */
const latest = (path: string) => network.sockets.filter((s) => new URL(s.url).pathname === path).at(-1)!;

const fast = { WebSocket: WorkerSocket, backoff: { baseMs: 10, maxMs: 40 }, heartbeatMs: 0 };

/** Generous for two shared CI cores: waits for a condition, never asserts how long it took. */
const until = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 10 });

/** Clients a failed test left open would keep reconnecting into the next one. */
const clients: { close(): void }[] = [];
function track<T extends { close(): void }>(client: T): T {
  clients.push(client);
  return client;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  network.up = true;
});

describe("SDK REST client", () => {
  it("creates, posts and reads through the typed client, pages with paginate(), and replays idempotent creates", async () => {
    const t = await tenant();
    const api = createClient({ baseUrl: BASE, token: t.key, fetch: workerFetch });
    const created = [];
    for (const name of ["Ann", "Bo", "Cy"]) created.push(await unwrap(api.v1.conversations.$post({ json: { contact: { name } } })));
    const first = created[0]!;
    const msg = await unwrap(api.v1.conversations[":id"].messages.$post({ param: { id: first.id }, json: { client_msg_id: "sdk-1", parts: text("hello") } }));
    expect(msg).toMatchObject({ seq: 1, client_msg_id: "sdk-1" });
    const history = await unwrap(api.v1.conversations[":id"].messages.$get({ param: { id: first.id }, query: {} }));
    expect(history.data.map((m) => m.id)).toEqual([msg.id]);

    const hooks = [];
    for (const n of [1, 2, 3]) hooks.push(await unwrap(api.v1["webhook-endpoints"].$post({ json: { url: `https://hooks.example.com/sdk/${n}`, events: ["*"], enabled: false } })));
    const listed = [];
    for await (const h of paginate((cursor) => api.v1["webhook-endpoints"].$get({ query: { limit: "2", ...(cursor ? { cursor } : {}) } }))) listed.push(h.id);
    expect(listed).toEqual(hooks.map((h) => h.id));

    const key = idempotencyKey();
    const once = await api.v1.conversations.$post({ json: { contact: { name: "Di" } } }, key);
    const again = await api.v1.conversations.$post({ json: { contact: { name: "Di" } } }, key);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await again.json()).id).toBe((await once.json()).id);
  });

  it("throws problem+json answers as EdgedeskError with field errors and the request id it was sent under", async () => {
    const t = await tenant();
    const api = createClient({ baseUrl: BASE, token: () => t.key, fetch: workerFetch, requestId: () => "trace-sdk-42" });
    const err = await unwrap(api.v1.conversations.$post({ json: { contact: { email: "not an address" } } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdgedeskError);
    expect(err).toMatchObject({ status: 422, request_id: "trace-sdk-42", errors: [expect.objectContaining({ field: "contact.email" })] });

    const anonymous = createClient({ baseUrl: BASE, fetch: workerFetch });
    await expect(unwrap(anonymous.v1.conversations.$get({ query: {} }))).rejects.toMatchObject({ name: "EdgedeskError", status: 401, request_id: expect.stringMatching(/^req_/) });
  });
});

describe("SDK conversation socket", () => {
  it("resumes after a forced disconnect: every message once and in seq order, queued and in-flight sends stored once", async () => {
    const t = await tenant();
    const api = createClient({ baseUrl: BASE, token: t.key, fetch: workerFetch });
    const conv = await unwrap(api.v1.conversations.$post({ json: { contact: { name: "Resume" } } }));
    const post = (n: number) => unwrap(api.v1.conversations[":id"].messages.$post({ param: { id: conv.id }, json: { client_msg_id: `rest-${n}`, parts: text(`rest ${n}`) } }));
    const early = await post(1);
    await post(2);

    const sock = track(new ConversationSocket({ baseUrl: BASE, conversationId: conv.id, token: t.agentToken, parse: (f) => ServerFrame.parse(f), ...fast }));
    const seqs: number[] = [];
    const acks: { client_msg_id: string; seq: number }[] = [];
    const updates: number[] = [];
    const opens: boolean[] = [];
    let retries = 0;
    sock.on("message", (f) => seqs.push(f.message.seq));
    sock.on("ack", (f) => acks.push({ client_msg_id: f.client_msg_id, seq: f.seq }));
    sock.on("message_update", (f) => updates.push(f.message.changed_rev!));
    sock.on("open", (e) => opens.push(e.resumed));
    sock.on("disconnect", (e) => e.retry_in_ms !== null && retries++);
    await until(() => expect(seqs).toEqual([1, 2]));
    sock.sendText("before", { client_msg_id: "agent-before" });
    await until(() => expect(acks.map((a) => a.seq)).toEqual([3]));

    // Written to the socket the moment it dies: it may or may not have been stored, never twice.
    sock.sendText("in flight", { client_msg_id: "agent-in-flight" });
    network.up = false;
    latest(`/v1/conversations/${conv.id}/ws`).drop();
    for (const n of [3, 4, 5]) await post(n);
    sock.sendText("while down", { client_msg_id: "agent-while-down" });
    const reactor = await Client.open(conv.id, t.agentToken);
    reactor.send({ type: "react", message_id: early.id, emoji: "👍", on: true });
    await reactor.next("message_update");
    reactor.close();
    await until(() => expect(retries).toBeGreaterThanOrEqual(3));
    expect(sock.pending).toBe(2);
    network.up = true;

    await until(() => expect(acks.map((a) => a.client_msg_id)).toEqual(["agent-before", "agent-in-flight", "agent-while-down"]));
    await until(() => expect(updates).toHaveLength(1));
    const stored = await unwrap(api.v1.conversations[":id"].messages.$get({ param: { id: conv.id }, query: {} }));
    const ids = stored.data.map((m) => m.client_msg_id);
    expect(ids.filter((id) => id !== "agent-in-flight")).toEqual(["rest-1", "rest-2", "agent-before", "rest-3", "rest-4", "rest-5", "agent-while-down"]);
    expect(ids.filter((id) => id === "agent-in-flight")).toHaveLength(1);
    expect(stored.data.map((m) => m.seq)).toEqual(stored.data.map((_, i) => i + 1));
    // The app saw each seq once, in order: others' messages as frames, its own as acks (or, when the ack was lost, as the replayed message).
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set([...seqs, ...acks.map((a) => a.seq)])).toEqual(new Set(stored.data.map((m) => m.seq)));
    expect(seqs.length).toBe(new Set(seqs).size);
    expect(opens).toEqual([false, true]);
    expect(sock.pending).toBe(0);
  });

  it("paces a large backlog after a reconnect so the server's frame limit refuses none of it", async () => {
    const t = await tenant();
    const api = createClient({ baseUrl: BASE, token: t.key, fetch: workerFetch });
    const conv = await unwrap(api.v1.conversations.$post({ json: { contact: { name: "Backlog" } } }));
    const sock = track(new ConversationSocket({ baseUrl: BASE, conversationId: conv.id, token: t.agentToken, ...fast }));
    const acks: string[] = [];
    const refused: string[] = [];
    sock.on("ack", (f) => acks.push(f.client_msg_id));
    sock.on("error", (f) => refused.push(f.code));
    let opened = 0;
    sock.on("open", () => opened++);
    await until(() => expect(opened).toBe(1));
    network.up = false;
    latest(`/v1/conversations/${conv.id}/ws`).drop();
    // More than the server's burst of 40 frames per socket.
    const sent = Array.from({ length: 70 }, (_, i) => `backlog-${i}`);
    for (const id of sent) sock.sendText(id, { client_msg_id: id });
    network.up = true;
    await until(() => expect(acks).toHaveLength(70));
    expect(acks).toEqual(sent);
    expect(refused).toEqual([]);
    expect(sock.pending).toBe(0);
  });

  it("keeps retrying a refused upgrade with backoff until close() ends it", async () => {
    const t = await tenant();
    const sock = track(new ConversationSocket({ baseUrl: BASE, conversationId: "cnv_doesnotexist0000000000", token: t.agentToken, ...fast }));
    const drops: (number | null)[] = [];
    sock.on("disconnect", (e) => drops.push(e.retry_in_ms));
    await until(() => expect(drops.length).toBeGreaterThanOrEqual(2));
    sock.close();
    const seen = drops.length;
    expect(drops.at(-1)).toBeNull();
    await new Promise((r) => setTimeout(r, 100));
    expect(drops).toHaveLength(seen);
  });
});

describe("SDK heartbeat", () => {
  it("replaces a connection that stops answering pings, and resumes where it was", async () => {
    const t = await tenant();
    const api = createClient({ baseUrl: BASE, token: t.key, fetch: workerFetch });
    const conv = await unwrap(api.v1.conversations.$post({ json: { contact: { name: "Quiet" } } }));
    const post = (n: number) => unwrap(api.v1.conversations[":id"].messages.$post({ param: { id: conv.id }, json: { client_msg_id: `hb-${n}`, parts: text(`hb ${n}`) } }));
    await post(1);
    const sock = track(new ConversationSocket({ baseUrl: BASE, conversationId: conv.id, token: t.agentToken, ...fast, heartbeatMs: 100, pongTimeoutMs: 300 }));
    const seqs: number[] = [];
    const drops: string[] = [];
    sock.on("message", (f) => seqs.push(f.message.seq));
    sock.on("disconnect", (e) => drops.push(e.reason));
    await until(() => expect(seqs).toEqual([1]));
    const quiet = latest(`/v1/conversations/${conv.id}/ws`);
    quiet.muted = true;
    await post(2);
    await until(() => expect(seqs).toEqual([1, 2]));
    expect(drops).toContain("heartbeat timeout");
    expect(latest(`/v1/conversations/${conv.id}/ws`)).not.toBe(quiet);
  });
});

describe("SDK desk socket", () => {
  it("greets with hello, sends status, and after a drop sends what was queued meanwhile", async () => {
    const t = await tenant();
    const desk = track(new DeskSocket({ baseUrl: BASE, token: t.agentToken, parse: (f) => DeskServerFrame.parse(f), ...fast }));
    const statuses: string[] = [];
    const hellos: (string | null)[] = [];
    desk.on("hello", (f) => hellos.push(f.status));
    desk.on("agent_status", (f) => statuses.push(f.status));
    await until(() => expect(hellos).toHaveLength(1));
    desk.setStatus("available");
    await until(() => expect(statuses).toEqual(["available"]));
    network.up = false;
    latest("/v1/routing/desk/ws").drop();
    desk.setStatus("away");
    network.up = true;
    await until(() => expect(statuses).toEqual(["available", "away"]));
    expect(hellos).toEqual(["offline", "available"]);
  });
});
