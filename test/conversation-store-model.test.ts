import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { ConversationStore } from "../objects/conversation-store";

/**
 * A model test of the conversation's store: random appends (single and in bursts larger than an outbox page),
 * state changes, outbox flushes that succeed or fail, SQLite writes that fail mid-transaction, and restarts.
 * After every command: seq is gapless and matches the model, no event that was written is lost, and no event
 * the queue accepted is offered again (until a restart, when re-sending is allowed: the consumer is idempotent).
 */

type Fault = { armed: RegExp | null };

/** The object's storage with SQL statements that can be made to fail, as a full disk or a bug would. */
function faulty(storage: DurableObjectStorage, fault: Fault): DurableObjectStorage {
  const sql = new Proxy(storage.sql, {
    get(target, key) {
      if (key === "exec") {
        return (query: string, ...bindings: unknown[]) => {
          if (fault.armed?.test(query)) {
            fault.armed = null;
            throw new Error("injected SQLite failure");
          }
          return target.exec(query, ...bindings);
        };
      }
      const v = Reflect.get(target, key) as unknown;
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return new Proxy(storage, {
    get(target, key) {
      if (key === "sql") return sql;
      const v = Reflect.get(target, key) as unknown;
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

type Real = { store: ConversationStore; storage: DurableObjectStorage; fault: Fault };
type Model = { seq: number; delivered: Set<number>; deliveredSinceRestart: Set<string>; rev: number };

const sender = { kind: "customer" as const, id: "ctc_model" };
let cmid = 0;

function append(r: Real): void {
  r.store.append({ client_msg_id: `m${++cmid}`, channel: "web", direction: "inbound", sender, parts: [{ type: "text", text: "hi" }], metadata: {} });
}

function storedSeqs(r: Real): number[] {
  return r.storage.sql
    .exec<{ seq: number }>("SELECT seq FROM messages ORDER BY seq")
    .toArray()
    .map((x) => x.seq);
}

function check(m: Model, r: Real): void {
  expect(r.store.seq).toBe(m.seq);
  expect(r.store.current.rev).toBe(m.rev);
  expect(storedSeqs(r)).toEqual(Array.from({ length: m.seq }, (_, i) => i + 1));
  const pending = r.store.pendingEvents(10_000);
  for (const row of pending) expect(m.deliveredSinceRestart.has(row.id)).toBe(false);
  // Every message's event is either delivered or still waiting in the outbox.
  const waiting = new Set(pending.filter((p) => p.queue === "events").map((p) => (JSON.parse(p.body) as { message?: { seq: number } }).message?.seq));
  for (let s = 1; s <= m.seq; s++) expect(m.delivered.has(s) || waiting.has(s), `event of seq ${s}`).toBe(true);
}

/** One outbox page sent to the queues, as Conversation.flush does; `ok: false` is a queue send that failed. */
function flushPage(m: Model, r: Real, ok: boolean): void {
  const rows = r.store.pendingEvents(100);
  if (!ok || rows.length === 0) return;
  const events = rows.filter((x) => x.queue === "events");
  for (const e of events) {
    m.deliveredSinceRestart.add(e.id);
    const seq = (JSON.parse(e.body) as { message?: { seq: number } }).message?.seq;
    if (seq) m.delivered.add(seq);
  }
  r.store.markEventsSent(events.map((e) => e.rowid));
  const others = rows.filter((x) => x.queue !== "events").map((x) => x.id);
  if (others.length) r.store.ackNow(others);
}

class Append implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    for (let i = 0; i < this.n; i++) {
      append(r);
      m.seq++;
      m.rev++;
    }
    check(m, r);
  }
  toString = () => `append(${this.n})`;
}

/** A write that fails part-way (the event row, after the message row): nothing of it may remain, not even in memory. */
class FailingAppend implements fc.AsyncCommand<Model, Real> {
  constructor(readonly at: "outbox" | "meta") {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    r.fault.armed = this.at === "outbox" ? /insert into "outbox"/i : /update "meta"/i;
    expect(() => append(r)).toThrow(/injected/);
    r.fault.armed = null;
    check(m, r);
  }
  toString = () => `failingAppend(${this.at})`;
}

class Read implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.seq > 0;
  async run(m: Model, r: Real): Promise<void> {
    r.store.markRead({ id: `agt_reader${m.rev}`, kind: "agent" }, m.seq);
    check(m, r);
  }
  toString = () => "read";
}

class Flush implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pages: number, readonly ok: boolean) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    for (let i = 0; i < this.pages; i++) flushPage(m, r, this.ok);
    check(m, r);
  }
  toString = () => `flush(${this.pages}, ${this.ok ? "ok" : "fails"})`;
}

class Restart implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    r.store = new ConversationStore(faulty(r.storage, r.fault));
    await r.store.load();
    m.deliveredSinceRestart.clear();
    check(m, r);
  }
  toString = () => "restart";
}

const commands = [
  fc.integer({ min: 1, max: 3 }).map((n) => new Append(n)),
  fc.integer({ min: 90, max: 260 }).map((n) => new Append(n)),
  fc.constantFrom<"outbox" | "meta">("outbox", "meta").map((at) => new FailingAppend(at)),
  fc.constant(new Read()),
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.boolean()).map(([p, ok]) => new Flush(p, ok)),
  fc.constant(new Restart()),
];

describe("conversation store model", () => {
  it("keeps seq gapless and the outbox consistent under random appends, flush failures, write failures and restarts", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
        const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName(`model:${++run}:${crypto.randomUUID()}`));
        await runInDurableObject(stub, async (_instance, state) => {
          const fault: Fault = { armed: null };
          const store = new ConversationStore(faulty(state.storage, fault));
          await store.load();
          await store.create({ tenantId: "ten_model", conversationId: "cnv_model0000", channel: "web", status: "open", contactId: sender.id, subject: null, externalThreadId: null, identitySecret: null, bot: false });
          const real: Real = { store, storage: state.storage, fault };
          const model: Model = { seq: 0, delivered: new Set(), deliveredSinceRestart: new Set(), rev: 0 };
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          // Drained at the end, every message's event reached the queue.
          for (let i = 0; i < 20 && real.store.pendingEvents(1).length; i++) flushPage(model, real, true);
          expect(real.store.pendingEvents(10_000)).toEqual([]);
          for (let s = 1; s <= model.seq; s++) expect(model.delivered.has(s)).toBe(true);
        });
      }),
      {
        numRuns: 40,
        // Sent rows all deleted, then a new row: SQLite reuses the freed rowids, below the old watermark.
        examples: [[[new Append(3), new Flush(1, true), new Append(1)] as never]],
      },
    );
  });
});
