import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { StandardMessage } from "../../shared/message";
import * as T from "../../web/widget/thread";

const me = { kind: "customer" as const, id: "ctc_me" };
const agent = { kind: "agent" as const, id: "agt_1", name: "Ada" };

/** A stored message as the conversation sends it; only what the thread reads is filled in. */
function stored(seq: number, key: string, sender: StandardMessage["sender"], text = key): StandardMessage {
  return {
    id: `msg_${seq}`,
    tenant_id: "ten_1",
    conversation_id: "cnv_1",
    seq,
    client_msg_id: key,
    channel: "web",
    direction: sender.kind === "customer" ? "inbound" : "outbound",
    sender,
    parts: [{ type: "text", text }],
    metadata: {},
    created_at: 1_000 + seq,
  };
}

const text = (t: string) => [{ type: "text" as const, text: t }];

/**
 * The server as objects/conversation.ts behaves towards one visitor: it stores each client_msg_id once (a resend
 * is acknowledged again with the first seq), agents write in between, refusals name the message, and a reconnect
 * replays stored messages, possibly ones the client already has.
 */
const Op = fc.oneof(
  fc.constant({ k: "send" as const }),
  fc.record({ k: fc.constant("store" as const), pick: fc.nat(20) }),
  fc.record({ k: fc.constant("ack" as const), pick: fc.nat(20) }),
  fc.record({ k: fc.constant("refuse" as const), pick: fc.nat(20) }),
  fc.record({ k: fc.constant("retry" as const), pick: fc.nat(20) }),
  fc.constant({ k: "agent" as const }),
  fc.record({ k: fc.constant("replay" as const), from: fc.nat(30) }),
  fc.record({ k: fc.constant("read" as const), upto: fc.nat(40) }),
);

describe("widget thread (model)", () => {
  it("shows every message once, in seq order with unsent ones last, and never shows a refused message as sent", () => {
    fc.assert(
      fc.property(fc.array(Op, { maxLength: 60 }), (ops) => {
        let t = T.emptyThread();
        const log: StandardMessage[] = [];
        const sent: string[] = [];
        const refused = new Set<string>();
        let n = 0;
        const storedKey = (key: string) => log.find((m) => m.client_msg_id === key);
        const store = (key: string) => storedKey(key) ?? (log.push(stored(log.length + 1, key, me)), log[log.length - 1]!);
        for (const op of ops) {
          const pick = "pick" in op ? sent[op.pick % Math.max(1, sent.length)] : undefined;
          switch (op.k) {
            case "send": {
              const key = `c${n++}`;
              sent.push(key);
              t = T.sendLocal(t, { key, parts: text(key), at: n }, me);
              break;
            }
            case "store":
            case "ack":
              if (pick === undefined || refused.has(pick)) break;
              {
                const m = store(pick);
                if (op.k === "ack") t = T.acknowledge(t, { client_msg_id: pick, message_id: m.id, seq: m.seq });
              }
              break;
            case "refuse":
              if (pick === undefined || storedKey(pick)) break;
              refused.add(pick);
              t = T.fail(t, pick, "closed");
              break;
            case "retry":
              if (pick === undefined) break;
              refused.delete(pick);
              t = T.retrying(t, pick);
              break;
            case "agent":
              log.push(stored(log.length + 1, `a${n++}`, agent));
              t = T.receive(t, log[log.length - 1]!);
              break;
            case "replay":
              for (const m of log.slice(Math.min(op.from, log.length))) t = T.receive(t, m);
              break;
            case "read":
              t = T.readByPeer(t, op.upto);
              break;
          }
        }
        const keys = t.entries.map((e) => e.key);
        expect(new Set(keys).size).toBe(keys.length);
        for (const key of sent) expect(keys).toContain(key);
        const seqs = t.entries.filter((e) => e.seq !== null).map((e) => e.seq!);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(new Set(seqs).size).toBe(seqs.length);
        const firstPending = t.entries.findIndex((e) => e.seq === null);
        if (firstPending >= 0) expect(t.entries.slice(firstPending).every((e) => e.seq === null)).toBe(true);
        for (const e of t.entries) {
          const state = T.stateOf(e, t);
          if (!e.own) expect(state).toBeNull();
          else if (e.seq !== null) expect(state === "sent" || state === "read").toBe(true);
          else expect(state).toBe(refused.has(e.key) ? "failed" : "sending");
        }
        expect(T.unsent(t).map((o) => o.key).sort()).toEqual(t.entries.filter((e) => e.own && e.seq === null && !refused.has(e.key)).map((e) => e.key).sort());
      }),
    );
  });

  it("ends the same whatever order and however often history, replay and live frames bring the messages", () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 15 }).chain((mine) => {
          const log = mine.map((own, i) => stored(i + 1, `k${i}`, own ? me : agent));
          return fc.tuple(fc.constant(log), fc.shuffledSubarray([...log, ...log, ...log], { minLength: log.length * 3 }));
        }),
        ([log, deliveries]) => {
          let t = T.emptyThread();
          for (const m of deliveries) t = T.receive(t, m);
          expect(t.entries.map((e) => e.id)).toEqual(log.map((m) => m.id));
        },
      ),
    );
  });

  it("marks the visitor's messages read up to the seq an agent read, and counts only others' messages as unread", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 20 }), fc.nat(25), fc.nat(25), (mine, peer, readSeq) => {
        let t = T.emptyThread();
        mine.forEach((own, i) => (t = T.receive(t, stored(i + 1, `k${i}`, own ? me : agent))));
        t = T.readByPeer(t, peer);
        for (const e of t.entries) if (e.own) expect(T.stateOf(e, t)).toBe(e.seq! <= peer ? "read" : "sent");
        expect(T.unread(t, readSeq)).toBe(mine.filter((own, i) => !own && i + 1 > readSeq).length);
        expect(T.lastSeq(t)).toBe(mine.length);
      }),
    );
  });

  it("keeps a refused message with its reason until it is retried, and an ack after a retry makes it sent", () => {
    let t = T.sendLocal(T.emptyThread(), { key: "c1", parts: text("hi"), at: 1 }, me);
    t = T.fail(t, "c1", "the conversation is closed");
    expect(T.stateOf(t.entries[0]!, t)).toBe("failed");
    expect(t.entries[0]!.failed).toBe("the conversation is closed");
    expect(T.unsent(t)).toEqual([]);
    t = T.retrying(t, "c1");
    expect(T.stateOf(t.entries[0]!, t)).toBe("sending");
    t = T.acknowledge(t, { client_msg_id: "c1", message_id: "msg_1", seq: 1 });
    expect(T.stateOf(t.entries[0]!, t)).toBe("sent");
    expect(T.fail(t, "c1", "late error")).toBe(t);
  });

  it("offers a message's buttons only until the visitor writes after it", () => {
    let t = T.receive(T.emptyThread(), stored(1, "q", agent));
    expect(T.awaitsAnswer(t, 0)).toBe(true);
    t = T.receive(t, stored(2, "a", agent));
    expect(T.awaitsAnswer(t, 0)).toBe(true);
    t = T.sendLocal(t, { key: "c1", parts: text("5"), at: 5 }, me);
    expect(T.awaitsAnswer(t, 0)).toBe(false);
  });

  it("applies edits and delivery changes to the message they name", () => {
    let t = T.receive(T.emptyThread(), stored(1, "c1", me));
    t = T.update(t, { ...stored(1, "c1", me, "edited text"), edited_at: 5 });
    expect(t.entries[0]!.parts).toEqual(text("edited text"));
    expect(t.entries[0]!.edited).toBe(true);
    t = T.delivered(t, "msg_1", "delivered");
    expect(T.stateOf(t.entries[0]!, t)).toBe("delivered");
    expect(T.update(t, stored(9, "zz", agent))).toBe(t);
  });
});
