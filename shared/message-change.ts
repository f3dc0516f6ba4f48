import { z } from "zod";
import { ContentPart, Metadata, type Sender, type StandardMessage } from "./message";

/**
 * A change to a message already sent: an edit (the new content; earlier versions are kept as history), a
 * retraction (unsend, delete for everyone), or a reaction. A reaction with `emoji: null` removes all of the
 * sender's reactions, with `remove` only that emoji; `replace` is for providers that allow one reaction per
 * person (WhatsApp, Messenger), so a new one replaces the old.
 */
export const MessageChange = z.discriminatedUnion("type", [
  z.object({ type: z.literal("edit"), parts: z.array(ContentPart).min(1).max(20), metadata: Metadata.optional() }),
  z.object({ type: z.literal("retract") }),
  z.object({ type: z.literal("reaction"), emoji: z.string().min(1).max(64).nullable(), remove: z.boolean().optional(), replace: z.boolean().optional() }),
]);
export type MessageChange = z.infer<typeof MessageChange>;

export type ChangeKind = "edited" | "retracted" | "reaction";

/** Earlier versions beyond this are dropped, oldest first: a message edited all day must not grow without bound. */
export const MAX_EDITS = 20;
/** Distinct reactions kept per message. */
export const MAX_REACTIONS = 50;

export type ChangeOutcome =
  | { ok: true; message: StandardMessage; kind: ChangeKind }
  /** Nothing to do: a repeat, a stale edit already in the history, a change to a retracted message. */
  | { ok: true; message: null }
  | { ok: false; reason: string };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The message after `change` by `by` at `at`. Pure and idempotent: applying the same change twice, or an older
 * edit after a newer one (providers redeliver out of order), gives the same message as applying it once in order.
 * Only the author edits or retracts; anyone in the conversation may react.
 */
export function applyChange(m: StandardMessage, change: MessageChange, by: Sender, at: number): ChangeOutcome {
  if (m.retracted_at !== undefined) return { ok: true, message: null };
  switch (change.type) {
    case "edit": {
      if (by.id !== m.sender.id) return { ok: false, reason: "only the author can edit a message" };
      const history = m.edits ?? [];
      const currentAt = m.edited_at ?? m.sent_at ?? m.created_at;
      if (same(change.parts, m.parts) || history.some((e) => same(e.parts, change.parts))) return { ok: true, message: null };
      const metadata = change.metadata ? { ...m.metadata, ...change.metadata } : m.metadata;
      if (at < currentAt) {
        // A late delivery of an earlier version: it belongs in the history, in time order, not on top.
        const edits = [...history, { parts: change.parts, at }].sort((a, b) => a.at - b.at).slice(-MAX_EDITS);
        return { ok: true, kind: "edited", message: { ...m, edits } };
      }
      const edits = [...history, { parts: m.parts, at: currentAt }].slice(-MAX_EDITS);
      return { ok: true, kind: "edited", message: { ...m, parts: change.parts, metadata, edits, edited_at: at } };
    }
    case "retract": {
      if (by.id !== m.sender.id) return { ok: false, reason: "only the author can retract a message" };
      // The content and every earlier version go: the sender asked for it to be gone.
      const { edits: _edits, ...rest } = m;
      return { ok: true, kind: "retracted", message: { ...rest, parts: [], retracted_at: at } };
    }
    case "reaction": {
      const before = m.reactions ?? [];
      const mine = (r: { sender: Sender }) => r.sender.id === by.id && r.sender.kind === by.kind;
      let after = before;
      if (change.emoji === null) after = before.filter((r) => !mine(r));
      else if (change.remove) after = before.filter((r) => !(mine(r) && r.emoji === change.emoji));
      else if (!before.some((r) => mine(r) && r.emoji === change.emoji)) {
        const kept = change.replace ? before.filter((r) => !mine(r)) : before;
        if (kept.length >= MAX_REACTIONS) return { ok: false, reason: `a message holds at most ${MAX_REACTIONS} reactions` };
        after = [...kept, { emoji: change.emoji, sender: by, at }];
      }
      if (same(after, before)) return { ok: true, message: null };
      return { ok: true, kind: "reaction", message: after.length ? { ...m, reactions: after } : withoutReactions(m) };
    }
  }
}

function withoutReactions(m: StandardMessage): StandardMessage {
  const { reactions: _r, ...rest } = m;
  return rest;
}

/**
 * The order a person reads messages in: by when they were sent, where the provider says so, never later than
 * when edgedesk stored them. Taking the earlier of the two keeps a provider's clock running ahead from putting
 * a customer's message after the reply to it; ties keep the stored order.
 */
export function displayTime(m: Pick<StandardMessage, "sent_at" | "created_at">): number {
  return m.sent_at === undefined ? m.created_at : Math.min(m.sent_at, m.created_at);
}

export function displayOrder<T extends Pick<StandardMessage, "sent_at" | "created_at" | "seq">>(messages: T[]): T[] {
  return [...messages].sort((a, b) => displayTime(a) - displayTime(b) || a.seq - b.seq);
}
