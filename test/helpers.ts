import { exports } from "cloudflare:workers";
import type { ServerFrame } from "../shared/protocol";
import type { DeskServerFrame } from "../shared/desk-protocol";

export const BASE = "http://localhost:8787";
const ADMIN = "test-admin-token";

export function call(path: string, init: RequestInit & { json?: unknown; auth?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  if (init.auth) headers.set("authorization", `Bearer ${init.auth}`);
  return exports.default.fetch(`${BASE}${path}`, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
}

export async function ok<T = any>(res: Response | Promise<Response>, status?: number): Promise<T> {
  const r = await res;
  const body = await r.text();
  if (!r.ok || (status !== undefined && r.status !== status)) throw new Error(`expected ${status ?? "2xx"}, got ${r.status}: ${body}`);
  return JSON.parse(body) as T;
}

let n = 0;
export async function tenant(opts: { identity_verification?: boolean } = {}) {
  n++;
  const t = await ok<{ id: string; api_key: string }>(
    call("/v1/admin/tenants", { method: "POST", auth: ADMIN, json: { id: `ten_t${n}_${crypto.randomUUID().slice(0, 8)}`, name: `Tenant ${n}`, ...opts } }),
    201,
  );
  const agent = await ok<{ id: string }>(call("/v1/agents", { method: "POST", auth: t.api_key, json: { name: "Ada", email: `ada${n}@example.com` } }), 201);
  const { token: agentToken } = await ok<{ token: string }>(call(`/v1/agents/${agent.id}/token`, { method: "POST", auth: t.api_key }), 201);
  return { id: t.id, key: t.api_key, agentId: agent.id, agentToken };
}

export async function visitor(tenantId: string, extra: Record<string, unknown> = {}) {
  const s = await ok<{ token: string; contact_id: string }>(call("/v1/widget/session", { method: "POST", json: { tenant_id: tenantId, name: "Vic", ...extra } }), 201);
  const conv = await ok<{ id: string }>(call("/v1/widget/conversations", { method: "POST", auth: s.token, json: {} }), 201);
  return { token: s.token, contactId: s.contact_id, conversationId: conv.id };
}

/** A test WebSocket client that buffers frames, so a test can await the next frame of a kind. */
export class Client {
  readonly frames: ServerFrame[] = [];
  private waiters: { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  closed = Promise.withResolvers<{ code: number }>();
  private cursor = 0;

  constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => {
      const frame = JSON.parse(e.data as string) as ServerFrame;
      this.frames.push(frame);
      const i = this.waiters.findIndex((w) => w.pred(frame));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(frame);
    });
    ws.addEventListener("close", (e) => this.closed.resolve({ code: e.code }));
  }

  static async open(conversationId: string, token: string, query = "", headers: Record<string, string> = {}): Promise<Client> {
    const res = await exports.default.fetch(`${BASE}/v1/conversations/${conversationId}/ws?token=${token}${query}`, { headers: { upgrade: "websocket", ...headers } });
    if (!res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
    res.webSocket.accept();
    return new Client(res.webSocket);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Next unseen frame matching `pred`, in arrival order. */
  next<T extends ServerFrame["type"]>(type: T, pred: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true): Promise<Extract<ServerFrame, { type: T }>> {
    for (let i = this.cursor; i < this.frames.length; i++) {
      const f = this.frames[i]!;
      if (f.type === type && pred(f as never)) {
        this.frames.splice(i, 1);
        return Promise.resolve(f as never);
      }
    }
    return new Promise((resolve) => {
      this.waiters.push({
        pred: (f) => f.type === type && pred(f as never),
        resolve: (f) => {
          this.frames.splice(this.frames.indexOf(f), 1);
          resolve(f as never);
        },
      });
    });
  }

  of<T extends ServerFrame["type"]>(type: T): Extract<ServerFrame, { type: T }>[] {
    return this.frames.filter((f) => f.type === type) as never;
  }

  close(): void {
    this.ws.close(1000, "bye");
  }
}

export const text = (t: string) => [{ type: "text" as const, text: t }];

/** An agent console's desk socket: offers, assignments and presence. */
export class DeskClient {
  frames: DeskServerFrame[] = [];
  private waiters: { pred: (f: DeskServerFrame) => boolean; resolve: (f: DeskServerFrame) => void }[] = [];
  constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => {
      const f = JSON.parse(e.data as string) as DeskServerFrame;
      const i = this.waiters.findIndex((w) => w.pred(f));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(f);
      else this.frames.push(f);
    });
  }
  static async open(token: string): Promise<DeskClient> {
    const res = await exports.default.fetch(`${BASE}/v1/routing/desk/ws?token=${token}`, { headers: { upgrade: "websocket" } });
    if (!res.webSocket) throw new Error(`desk upgrade refused: ${res.status} ${await res.text()}`);
    res.webSocket.accept();
    return new DeskClient(res.webSocket);
  }
  send(frame: unknown) {
    this.ws.send(JSON.stringify(frame));
  }
  next<T extends DeskServerFrame["type"]>(type: T, pred: (f: Extract<DeskServerFrame, { type: T }>) => boolean = () => true): Promise<Extract<DeskServerFrame, { type: T }>> {
    const match = (f: DeskServerFrame) => f.type === type && pred(f as never);
    const i = this.frames.findIndex(match);
    if (i >= 0) return Promise.resolve(this.frames.splice(i, 1)[0] as never);
    return new Promise((resolve) => this.waiters.push({ pred: match, resolve: resolve as never }));
  }
}

/** Polls until `pred` holds (queues and alarms run on their own time); generous, never a timing assertion. */
export async function until<T>(f: () => Promise<T>, pred: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (pred(v)) return v;
    if (Date.now() > end) throw new Error(`condition not reached: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
