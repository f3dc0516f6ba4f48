/**
 * vitest globalSetup: three real NLU services on 127.0.0.1 (port 0), run in Node next to workerd, so the
 * provider tests go through workerd's real fetch, sockets and abort handling rather than a fake `fetch`.
 *
 * Every request path is `/<scope…>/intent`: a test picks a fresh scope (its provider URL is
 * `<server>/<scope>`) and reads that scope's counters at `GET /<scope…>/stats`, so tests never see each
 * other's traffic.
 * - healthy: answers from a fixed keyword mapping and echoes what it got; scopes under `/minimal/` answer
 *   only `{"intent"}`, the bare contract of an external NLU service.
 * - failing: the first path segment picks the failure: `500`, `reset` (socket destroyed), `garbage` (not
 *   JSON), `shape` (JSON of the wrong shape). `POST /<scope…>/heal` makes the scope answer like the healthy
 *   server from then on: a service that has recovered.
 * - slow: answers like the healthy server after 5 s, and counts requests the client gave up on first.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

export type StubStats = { requests: number; completed: number; aborted: number; last: unknown; authorization: string | null };
export type NlpStubUrls = { healthy: string; failing: string; slow: string };

declare module "vitest" {
  interface ProvidedContext {
    nlpStubs: NlpStubUrls;
  }
}

const SLOW_MS = 5000;

const KEYWORDS: [RegExp, string][] = [
  [/refund|money back|退款/i, "refund"],
  [/where is my order|track|物流|到哪/i, "order_status"],
  [/human|agent|人工/i, "talk_to_human"],
  [/hello|hi there|你好/i, "greeting"],
];

function answerFor(text: string): { intent: string; confidence: number; alternatives: { intent: string; confidence: number }[] } {
  const hit = KEYWORDS.find(([re]) => re.test(text));
  if (!hit) return { intent: "unknown", confidence: 0.4, alternatives: [] };
  return { intent: hit[1], confidence: 0.91, alternatives: [{ intent: "complaint", confidence: 0.05 }] };
}

type Behaviour = "healthy" | "failing" | "slow";
type Scope = StubStats & { healed: boolean };

function newScope(): Scope {
  return { requests: 0, completed: 0, aborted: 0, last: null, authorization: null, healed: false };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: string, scope?: Scope): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body, () => {
    if (scope) scope.completed++;
  });
}

function healthyAnswer(res: ServerResponse, scope: Scope, scopePath: string, text: string, received: unknown): void {
  const answer = scopePath.startsWith("/minimal/") ? { intent: answerFor(text).intent } : { ...answerFor(text), echo: received };
  send(res, 200, JSON.stringify(answer), scope);
}

function startStub(behaviour: Behaviour): Promise<Server> {
  const scopes = new Map<string, Scope>();
  const scopeOf = (path: string): Scope => {
    let s = scopes.get(path);
    if (!s) scopes.set(path, (s = newScope()));
    return s;
  };

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://stub").pathname;
    const [, scopePath = "", action = ""] = /^(\/.+)\/(intent|stats|heal)$/.exec(path) ?? [];
    if (!scopePath) return send(res, 404, JSON.stringify({ error: "no such route" }));
    const scope = scopeOf(scopePath);
    if (action === "stats") {
      const { healed: _, ...stats } = scope;
      return send(res, 200, JSON.stringify(stats));
    }
    if (action === "heal") {
      scope.healed = true;
      return send(res, 200, "{}");
    }

    scope.requests++;
    scope.authorization = req.headers.authorization ?? null;
    const raw = await readBody(req);
    let received: unknown = raw;
    try {
      received = JSON.parse(raw);
    } catch {
      // A client sending a non-JSON body is recorded as the raw string.
    }
    scope.last = received;
    const text = typeof received === "object" && received !== null && "text" in received ? String(received.text) : "";

    if (behaviour === "slow") {
      const timer = setTimeout(() => healthyAnswer(res, scope, scopePath, text, received), SLOW_MS);
      res.on("close", () => {
        if (res.writableFinished) return;
        clearTimeout(timer);
        scope.aborted++;
      });
      return;
    }
    if (behaviour === "healthy" || scope.healed) return healthyAnswer(res, scope, scopePath, text, received);

    const failure = scopePath.split("/")[1];
    if (failure === "reset") return req.socket.destroy();
    if (failure === "garbage") return send(res, 200, `{"intent": "refund", confid`, scope);
    if (failure === "shape") return send(res, 200, JSON.stringify({ label: "refund", score: "high" }), scope);
    send(res, 500, JSON.stringify({ error: "internal" }), scope);
  });

  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const urlOf = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [healthy, failing, slow] = await Promise.all([startStub("healthy"), startStub("failing"), startStub("slow")]);
  project.provide("nlpStubs", { healthy: urlOf(healthy), failing: urlOf(failing), slow: urlOf(slow) });
  return async () => {
    for (const s of [healthy, failing, slow]) s.closeAllConnections();
    await Promise.all([healthy, failing, slow].map((s) => new Promise((r) => s.close(r))));
  };
}
