/**
 * vitest globalSetup: a CRM/ERP on 127.0.0.1 (port 0), run in Node next to workerd, so the connector tests go through
 * workerd's real fetch, timeouts and aborts. Every path is `/<scope>/<operation>`: a test picks a fresh scope (its
 * connector URLs are `<server>/<scope>/orders` and so on) and never sees another test's traffic.
 * - POST /<scope>/setup {orders?, fail?: {orders?, tickets?, lookup?}, slow?: {...}}: what the scope answers from now on.
 * - POST /<scope>/orders → {orders}; /tickets → {id, url}, the same ticket again for a repeated Idempotency-Key;
 *   /lookup → {tier, lifetime_value}. A failing operation answers 503; a slow one answers after 5 s.
 * - GET /<scope>/stats: requests per operation, with the last body, authorization and every Idempotency-Key seen.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  interface ProvidedContext {
    crmStub: string;
  }
}

const OPERATIONS = ["orders", "tickets", "lookup"] as const;
type Operation = (typeof OPERATIONS)[number];
export type CrmOpStats = { requests: number; last: unknown; authorization: string | null; idempotency_keys: string[] };
export type CrmStubStats = Record<Operation, CrmOpStats>;

type Scope = { stats: CrmStubStats; orders: unknown[]; fail: Partial<Record<Operation, boolean>>; slow: Partial<Record<Operation, boolean>>; tickets: Map<string, string> };

const SLOW_MS = 5000;

function newScope(): Scope {
  const op = (): CrmOpStats => ({ requests: 0, last: null, authorization: null, idempotency_keys: [] });
  return { stats: { orders: op(), tickets: op(), lookup: op() }, orders: [], fail: {}, slow: {}, tickets: new Map() };
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      try {
        resolve(raw ? JSON.parse(raw) : null);
      } catch {
        resolve(raw);
      }
    });
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function answer(scope: Scope, op: Operation, req: IncomingMessage): unknown {
  if (op === "orders") return { orders: scope.orders };
  if (op === "lookup") return { tier: "vip", lifetime_value: 250000 };
  const key = String(req.headers["idempotency-key"] ?? crypto.randomUUID());
  let id = scope.tickets.get(key);
  if (!id) scope.tickets.set(key, (id = `EXT-${scope.tickets.size + 1}`));
  return { id, url: `https://crm.example/tickets/${id}` };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const scopes = new Map<string, Scope>();
  const server = createServer(async (req, res) => {
    const [, name = "", action = ""] = /^\/(.+)\/([a-z]+)$/.exec(new URL(req.url ?? "/", "http://stub").pathname) ?? [];
    if (!name) return send(res, 404, { error: "no such route" });
    let scope = scopes.get(name);
    if (!scope) scopes.set(name, (scope = newScope()));
    const body = await readBody(req);
    if (action === "stats") return send(res, 200, scope.stats);
    if (action === "setup") {
      const b = body as Partial<Pick<Scope, "orders" | "fail" | "slow">>;
      if (b.orders) scope.orders = b.orders;
      scope.fail = { ...scope.fail, ...b.fail };
      scope.slow = { ...scope.slow, ...b.slow };
      return send(res, 200, {});
    }
    const op = OPERATIONS.find((o) => o === action);
    if (!op) return send(res, 404, { error: "no such operation" });
    const stats = scope.stats[op];
    stats.requests++;
    stats.last = body;
    stats.authorization = req.headers.authorization ?? null;
    const key = req.headers["idempotency-key"];
    if (typeof key === "string") stats.idempotency_keys.push(key);
    if (scope.fail[op]) return send(res, 503, { error: "down" });
    if (scope.slow[op]) {
      const timer = setTimeout(() => send(res, 200, answer(scope, op, req)), SLOW_MS);
      res.on("close", () => clearTimeout(timer));
      return;
    }
    send(res, 200, answer(scope, op, req));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  project.provide("crmStub", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
}
