import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Id } from "../shared/ids";
import { Metadata } from "../shared/message";
import { jsonIssue, METADATA_BOUNDS } from "../shared/json-bounds";
import { Desk } from "../shared/routing/desk";
import { Agent, Queue, Task } from "../shared/routing/schemas";
import { call, ok, tenant, text, visitor } from "./helpers";

/** The standing guard behind the defects found from outside: ids, free-form JSON and desk keys under fast-check. */

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const hostile = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ unit: "binary", maxLength: 20 }), fc.stringMatching(/^[a-z]{1,8}$/));

function nested(depth: number): unknown {
  let v: unknown = "x";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
}

function prototypeIntact(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual([...PROTOTYPE_NAMES].sort());
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
}

describe("ids", () => {
  it("accepts only printable ASCII ids that are no prototype member", () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const r = Id.safeParse(s);
        if (PROTOTYPE_NAMES.includes(s)) expect(r.success).toBe(false);
        if (r.success) expect(s).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/);
      }),
      { numRuns: 500 },
    );
  });
});

describe("free-form JSON", () => {
  it("never throws, and what it accepts is bounded and reads back unchanged through UTF-8", () => {
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 12 }),
      fc.integer({ min: 0, max: 20_000 }).map(nested),
      fc.dictionary(fc.constantFrom("__proto__", "constructor", "a", "\ud800"), fc.string({ unit: "binary", maxLength: 5 })),
    );
    fc.assert(
      fc.property(value, (v) => {
        const issue = jsonIssue(v, METADATA_BOUNDS);
        if (issue) return;
        const json = JSON.stringify(v) ?? "null";
        const bytes = new TextEncoder().encode(json);
        expect(bytes.byteLength).toBeLessThanOrEqual(METADATA_BOUNDS.maxBytes);
        expect(new TextDecoder().decode(bytes)).toBe(json);
        // A "__proto__" key is what must never pass; the same text as a string value is harmless data.
        expect(json).not.toMatch(/"__proto__"\s*:/);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a __proto__ key anywhere, not only at the top", () => {
    const r = Metadata.safeParse(JSON.parse('{"a":{"b":[{"__proto__":{"polluted":true}}]}}'));
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(["a", "b", 0, "__proto__"]);
    prototypeIntact();
  });
});

describe("desk state keyed by hostile ids", () => {
  it("keeps Object.prototype intact and answers unknown ids as invalid whatever the id", () => {
    const agent = (id: string) => ({ ...Agent.parse({ id: "agt_template", name: "A", status: "available", capacity: { voice: 1, chat: 2, email: 2 } }), id });
    const task = (id: string) => ({ ...Task.parse({ conversation_id: "cnv_template", channel: "web", arrived_at: 0 }), conversation_id: id });
    const command = fc.oneof(
      fc.tuple(fc.constant("agent" as const), hostile),
      fc.tuple(fc.constant("status" as const), hostile),
      fc.tuple(fc.constant("arrive" as const), hostile, fc.constantFrom("q1", "__proto__", "constructor")),
      fc.tuple(fc.constant("accept" as const), hostile, hostile),
      fc.tuple(fc.constant("transfer" as const), hostile, hostile),
      fc.tuple(fc.constant("resolve" as const), hostile),
      fc.tuple(fc.constant("abandon" as const), hostile),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (cmds) => {
        const desk = Desk.create({ queues: [Queue.parse({ id: "q1", name: "Q" })], agents: [agent("constructor")] }, 0);
        let t = 1;
        for (const c of cmds) {
          t += 1000;
          switch (c[0]) {
            case "agent":
              desk.upsertAgent(agent(c[1]), t);
              break;
            case "status":
              desk.agentStatus(c[1], "available", t);
              break;
            case "arrive":
              desk.arrive(task(c[1]), c[2], t);
              break;
            case "accept":
              desk.accept(c[1], c[2], t);
              break;
            case "transfer":
              desk.transfer(c[1], { kind: "agent", agent_id: c[2] }, "", t);
              desk.transfer(c[1], { kind: "queue", queue_id: c[2] }, "", t);
              break;
            case "resolve":
              desk.resolve(c[1], t);
              break;
            case "abandon":
              desk.abandon(c[1], t);
              break;
          }
          prototypeIntact();
        }
        for (const name of PROTOTYPE_NAMES) {
          if (!Object.hasOwn(desk.state.agents, name)) expect(desk.agentStatus(name, "away", t).some((e) => e.type === "invalid")).toBe(true);
          if (!Object.hasOwn(desk.state.waiting, name)) expect(desk.abandon(name, t).some((e) => e.type === "invalid")).toBe(true);
        }
        // The state survives the desk object's own JSON round trip.
        expect(JSON.parse(JSON.stringify(desk.state))).toEqual(JSON.parse(JSON.stringify(desk.state)));
      }),
      { numRuns: 150 },
    );
  });
});

describe("HTTP and socket edges with hostile ids", () => {
  it("answers every id with a 4xx problem, never a 5xx, and leaves every tenant working", async () => {
    const a = await tenant();
    const v = await visitor(a.id);
    await fc.assert(
      fc.asyncProperty(hostile, async (id) => {
        const path = encodeURIComponent(id) || "x";
        const responses = await Promise.all([
          call(`/v1/agents/${path}/status`, { method: "PUT", auth: a.key, json: { status: "available" } }),
          call(`/v1/conversations/${path}`, { auth: a.key }),
          call(`/v1/contacts/${path}`, { auth: a.key }),
          call(`/v1/conversations/${v.conversationId}/state`, { method: "POST", auth: a.key, json: { action: "assign", assignee_id: id } }),
          call(`/v1/conversations/${v.conversationId}/state`, { method: "POST", auth: a.key, json: { action: "transfer", transfer_to: { kind: "queue", queue_id: id } } }),
          call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: a.key, json: { client_msg_id: id, parts: text("x"), metadata: { [id]: id } } }),
        ]);
        for (const r of responses) {
          expect(r.status).toBeLessThan(500);
          if (r.status >= 400) expect(r.headers.get("content-type")).toContain("application/problem+json");
          await r.body?.cancel();
        }
      }),
      { numRuns: 40 },
    );
    await ok(call("/v1/agents", { method: "POST", auth: a.key, json: { name: "Still", email: `still-${crypto.randomUUID()}@example.com` } }), 201);
    prototypeIntact();
  });
});
