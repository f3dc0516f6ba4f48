import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Outbox, ResumeState, backoffDelay } from "../sdk/reconnect";
import type { ServerFrame } from "../shared/protocol";
import type { StandardMessage } from "../shared/message";

type Stored = { id: string; seq: number; changed_rev?: number };

/** Only the fields the resume logic reads; the rest of a StandardMessage does not steer it. */
const message = (m: Stored) => ({ ...m }) as StandardMessage;
const welcome = (rev: number) => ({ type: "welcome", conversation: { rev }, you: { id: "a", kind: "agent" }, resumed_from: 0 }) as unknown as ServerFrame;

/**
 * The conversation's side as objects/conversation.ts behaves: on connect a welcome, the messages after `last_seq`,
 * the changes since `since_rev` to messages up to `last_seq` in seq order, then live frames. Posts and changes
 * bump the revision. `overlap` makes the replay start earlier than asked, as an at-least-once sender may.
 */
const Op = fc.oneof(
  fc.constant({ k: "post" as const }),
  fc.record({ k: fc.constant("change" as const), pick: fc.nat(50) }),
  fc.record({ k: fc.constant("connect" as const), cut: fc.option(fc.nat(6), { nil: null }), overlap: fc.nat(2) }),
  fc.constant({ k: "drop" as const }),
  fc.constant({ k: "ping" as const }),
);

describe("SDK resume state (model)", () => {
  it("delivers every message once in seq order and every change once, and ends with each message as stored", () => {
    fc.assert(
      fc.property(fc.array(Op, { maxLength: 80 }), (ops) => {
        const server: Stored[] = [];
        let rev = 0;
        const client = new ResumeState();
        let connected = false;
        const seqs: number[] = [];
        const view = new Map<string, number>();
        const updates = new Set<string>();
        const deliver = (f: ServerFrame) => {
          if (!client.accept(f)) return;
          if (f.type === "message") {
            seqs.push(f.message.seq);
            view.set(f.message.id, f.message.changed_rev ?? 0);
          }
          if (f.type === "message_update") {
            const key = `${f.message.id}@${f.message.changed_rev}`;
            expect(updates.has(key)).toBe(false);
            updates.add(key);
            view.set(f.message.id, f.message.changed_rev!);
          }
        };
        const connect = (cut: number | null, overlap: number) => {
          client.opened();
          const q = client.query();
          const replayed = server.filter((m) => m.seq > q.last_seq - overlap).map((m) => ({ type: "message", message: message(m) }) as ServerFrame);
          const changed =
            q.last_seq > 0 && q.since_rev !== undefined
              ? server.filter((m) => m.seq <= q.last_seq && (m.changed_rev ?? -1) > q.since_rev! - overlap).map((m) => ({ type: "message_update", message: message(m) }) as ServerFrame)
              : [];
          const frames = [welcome(rev), ...replayed, ...changed, { type: "pong" } as ServerFrame];
          const sent = cut === null ? frames : frames.slice(0, cut);
          sent.forEach(deliver);
          connected = sent.length === frames.length;
        };
        for (const op of ops) {
          if (op.k === "post") {
            const m = { id: `m${server.length + 1}`, seq: server.length + 1 };
            rev++;
            server.push(m);
            if (connected) deliver({ type: "message", message: message(m) });
          } else if (op.k === "change" && server.length > 0) {
            const m = server[op.pick % server.length]!;
            m.changed_rev = ++rev;
            if (connected) deliver({ type: "message_update", message: message(m) });
          } else if (op.k === "connect" && !connected) connect(op.cut, op.overlap);
          else if (op.k === "drop") connected = false;
          else if (op.k === "ping" && connected) deliver({ type: "pong" });
        }
        connected = false;
        connect(null, 0);
        expect(seqs).toEqual(server.map((m) => m.seq));
        for (const m of server) expect(view.get(m.id)).toBe(m.changed_rev ?? 0);
      }),
      {
        numRuns: 2000,
        // A resumed socket dies mid-replay after a later change to an earlier message: its revision must not count.
        examples: [[[{ k: "post" }, { k: "post" }, { k: "connect", cut: null, overlap: 0 }, { k: "drop" }, { k: "change", pick: 1 }, { k: "change", pick: 0 }, { k: "connect", cut: 2, overlap: 0 }]]],
      },
    );
  });
});

describe("SDK outbox (model)", () => {
  it("stores each message once and in send order however sockets die, whatever reached the server before", () => {
    const Step = fc.oneof(fc.constant({ k: "send" as const }), fc.record({ k: fc.constant("open" as const), reach: fc.nat(6), acked: fc.nat(6) }));
    fc.assert(
      fc.property(fc.array(Step, { maxLength: 60 }), (steps) => {
        const box = new Outbox<string>();
        const sent: string[] = [];
        const stored: string[] = [];
        // A socket opens, writes what waits; `reach` frames get to the server before it dies, `acked` answers make it back.
        const open = (reach: number, acked: number) => {
          const written = box.take().slice(0, reach);
          const answers: string[] = [];
          for (const id of written) {
            if (!stored.includes(id)) stored.push(id);
            answers.push(id);
          }
          for (const id of answers.slice(0, acked)) box.settle(id);
        };
        for (const s of steps) {
          if (s.k === "send") {
            const id = `c${sent.length}`;
            sent.push(id);
            box.push(id, id);
          } else open(s.reach, s.acked);
        }
        open(Infinity, Infinity);
        expect(stored).toEqual(sent);
        expect(box.size).toBe(0);
      }),
    );
  });

  it("writes unanswered frames once, in order with the messages around them", () => {
    const box = new Outbox<string>();
    box.push("m1", "m1");
    box.push("typing");
    box.push("m2", "m2");
    expect(box.take()).toEqual(["m1", "typing", "m2"]);
    box.settle("m1");
    expect(box.take()).toEqual(["m2"]);
  });
});

describe("SDK backoff", () => {
  it("waits at least half of a doubling window capped at maxMs, so retries neither spin nor run away", () => {
    fc.assert(
      fc.property(fc.nat(100), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 120_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, baseMs, extra, r) => {
        const o = { baseMs, maxMs: baseMs + extra };
        const d = backoffDelay(attempt, o, () => r);
        const window = Math.min(o.maxMs, baseMs * 2 ** attempt);
        expect(d).toBeGreaterThanOrEqual(Math.floor(window / 2));
        expect(d).toBeLessThanOrEqual(o.maxMs);
        expect(backoffDelay(attempt + 1, o, () => 0)).toBeGreaterThanOrEqual(backoffDelay(attempt, o, () => 0));
      }),
    );
  });
});
