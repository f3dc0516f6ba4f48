/**
 * The change rules as a state machine (shared/message-change.ts): fast-check generates edits, retractions and
 * reactions from several people, delivered duplicated and in any order.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { applyChange, displayOrder, MAX_EDITS, type MessageChange } from "../shared/message-change";
import type { Sender, StandardMessage } from "../shared/message";

const AUTHOR: Sender = { kind: "customer", id: "ctc_author" };
const OTHERS: Sender[] = [{ kind: "agent", id: "agt_1", name: "Ada" }, { kind: "customer", id: "ctc_other" }];

const original = (): StandardMessage => ({
  id: "msg_1",
  tenant_id: "ten_1",
  conversation_id: "cnv_1",
  seq: 1,
  client_msg_id: "c1",
  channel: "telegram",
  direction: "inbound",
  sender: AUTHOR,
  parts: [{ type: "text", text: "v0" }],
  metadata: {},
  sent_at: 1_000,
  created_at: 1_500,
});

type Step = { change: MessageChange; by: Sender; at: number };

function run(steps: Step[]): StandardMessage {
  let m = original();
  for (const s of steps) {
    const r = applyChange(m, s.change, s.by, s.at);
    if (r.ok && r.message) m = r.message;
  }
  return m;
}

const edit = (i: number): Step => ({ change: { type: "edit", parts: [{ type: "text", text: `v${i}` }] }, by: AUTHOR, at: 1_000 + i * 100 });

describe("message changes", () => {
  it("edits delivered duplicated and in any order end at the newest text with every earlier version in time order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.infiniteStream(fc.nat()), fc.array(fc.nat(), { maxLength: 8 }), (n, randoms, dupes) => {
        const inOrder = Array.from({ length: n }, (_, i) => edit(i + 1));
        const delivered = [...inOrder, ...dupes.map((d) => inOrder[d % n]!)];
        const shuffled = delivered.map((s) => ({ s, k: randoms.next().value as number })).sort((a, b) => a.k - b.k).map((x) => x.s);
        const m = run(shuffled);
        expect(m.parts).toEqual([{ type: "text", text: `v${n}` }]);
        expect(m.edited_at).toBe(1_000 + n * 100);
        expect(m.edits!.map((e) => (e.parts[0] as { text: string }).text)).toEqual(Array.from({ length: n }, (_, i) => `v${i}`));
      }),
    );
  });

  it("only the author edits or retracts; a retraction removes content and history, and nothing changes it afterwards", () => {
    const edited = run([edit(1)]);
    expect(applyChange(edited, { type: "edit", parts: [{ type: "text", text: "x" }] }, OTHERS[0]!, 2_000)).toEqual({ ok: false, reason: "only the author can edit a message" });
    expect(applyChange(edited, { type: "retract" }, OTHERS[1]!, 2_000).ok).toBe(false);
    const gone = run([edit(1), { change: { type: "retract" }, by: AUTHOR, at: 3_000 }]);
    expect(gone.parts).toEqual([]);
    expect(gone.edits).toBeUndefined();
    expect(gone.retracted_at).toBe(3_000);
    expect(applyChange(gone, { type: "reaction", emoji: "👍" }, OTHERS[0]!, 4_000)).toEqual({ ok: true, message: null });
    expect(applyChange(gone, edit(5).change, AUTHOR, 5_000)).toEqual({ ok: true, message: null });
  });

  it("reactions are a set per person: adding twice is once, replace keeps one per person, removal takes only that emoji", () => {
    const emoji = fc.constantFrom("👍", "🔥", "❤️");
    const step = fc.record({ emoji, who: fc.constantFrom(0, 1), op: fc.constantFrom("add", "remove", "replace", "clear") });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (ops) => {
        const model = new Map<string, Set<string>>([["agt_1", new Set()], ["ctc_other", new Set()]]);
        let m = original();
        for (const o of ops) {
          const by = OTHERS[o.who]!;
          const mine = model.get(by.id)!;
          const change: MessageChange =
            o.op === "clear" ? { type: "reaction", emoji: null } : { type: "reaction", emoji: o.emoji, ...(o.op === "remove" ? { remove: true } : o.op === "replace" ? { replace: true } : {}) };
          if (o.op === "clear") mine.clear();
          else if (o.op === "remove") mine.delete(o.emoji);
          else if (o.op === "replace") {
            if (!mine.has(o.emoji)) (mine.clear(), mine.add(o.emoji));
          } else mine.add(o.emoji);
          const r = applyChange(m, change, by, 2_000);
          expect(r.ok).toBe(true);
          if (r.ok && r.message) m = r.message;
          for (const [id, set] of model) expect(new Set((m.reactions ?? []).filter((x) => x.sender.id === id).map((x) => x.emoji))).toEqual(set);
        }
      }),
    );
  });

  it("history is bounded", () => {
    const m = run(Array.from({ length: MAX_EDITS + 5 }, (_, i) => edit(i + 1)));
    expect(m.edits).toHaveLength(MAX_EDITS);
    expect(m.parts).toEqual([{ type: "text", text: `v${MAX_EDITS + 5}` }]);
  });

  it("display order: by provider send time, never after receipt, ties in stored order", () => {
    const at = (seq: number, created_at: number, sent_at?: number) => ({ seq, created_at, ...(sent_at !== undefined ? { sent_at } : {}) });
    // A backlog (seq 2 sent before seq 1), a provider clock ahead of ours (seq 3), and our reply after it (seq 4).
    const order = displayOrder([at(1, 100, 90), at(2, 101, 50), at(3, 200, 260), at(4, 201)]).map((m) => m.seq);
    expect(order).toEqual([2, 1, 3, 4]);
  });
});
