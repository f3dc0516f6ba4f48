import type { ContentPart, Sender, StandardMessage } from "../../shared/message";

/** A private note as the timeline needs it: what the notes API returns carries at least this. */
export type NoteLike = { id: string; body: string; created_at: number; author: { id: string; name: string } };

/** A message this console sent that the conversation has not acknowledged yet, or refused. */
export type PendingMessage = { client_msg_id: string; parts: ContentPart[]; created_at: number; failed: string | null };

export type Entry =
  | { kind: "message"; key: string; at: number; message: StandardMessage }
  | { kind: "pending"; key: string; at: number; pending: PendingMessage }
  | { kind: "note"; key: string; at: number; note: NoteLike };

/** Messages by seq (the conversation's order), each once; a later copy (an edit, a delivery) replaces the earlier. */
export function upsertMessage(list: readonly StandardMessage[], m: StandardMessage): StandardMessage[] {
  const at = list.findIndex((x) => x.id === m.id || x.seq === m.seq);
  if (at >= 0) return list.map((x, i) => (i === at ? m : x));
  const next = [...list, m];
  return list.length && list[list.length - 1]!.seq > m.seq ? next.sort((a, b) => a.seq - b.seq) : next;
}

/**
 * One column: messages keep their seq order (both sides see the same order), notes sit after the last message
 * stored before them, and unacknowledged sends stay at the end until their ack gives them a seq.
 */
export function timeline(messages: readonly StandardMessage[], notes: readonly NoteLike[], pending: readonly PendingMessage[]): Entry[] {
  const sortedNotes = [...notes].sort((a, b) => a.created_at - b.created_at);
  const out: Entry[] = [];
  let n = 0;
  for (const m of messages) {
    while (n < sortedNotes.length && sortedNotes[n]!.created_at < m.created_at) out.push(noteEntry(sortedNotes[n++]!));
    out.push({ kind: "message", key: m.id, at: m.created_at, message: m });
  }
  while (n < sortedNotes.length) out.push(noteEntry(sortedNotes[n++]!));
  for (const p of pending) out.push({ kind: "pending", key: p.client_msg_id, at: p.created_at, pending: p });
  return out;
}

const noteEntry = (note: NoteLike): Entry => ({ kind: "note", key: note.id, at: note.created_at, note });

export type Names = { customer: string; me: { id: string; name: string }; agents: ReadonlyMap<string, string> };

/** Who wrote a message, as a person reads it: the customer's name, the agent's name ("You" for me), "Bot". */
export function senderLabel(s: Sender, names: Names): string {
  switch (s.kind) {
    case "customer":
      return names.customer;
    case "agent":
      return s.id === names.me.id ? "You" : (names.agents.get(s.id) ?? s.name ?? "Agent");
    case "bot":
      return s.name ? `${s.name} (bot)` : "Bot";
    case "system":
      return "System";
  }
}

/** The highest seq of a customer message, which is what a `read` frame acknowledges. */
export function lastCustomerSeq(messages: readonly StandardMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.sender.kind === "customer") return messages[i]!.seq;
  return 0;
}

/** The text after a leading "/" while it is still one word: the composer's canned-response search. */
export function cannedQuery(draft: string): string | null {
  const m = /^\/(\S*)$/.exec(draft);
  return m ? m[1]! : null;
}

/** Message parts as one line, for an offer card or a notification. */
export function preview(parts: readonly ContentPart[], max = 140): string {
  const text = parts
    .map((p) => {
      switch (p.type) {
        case "text":
          return p.text;
        case "image":
          return p.caption ? `[image] ${p.caption}` : "[image]";
        case "file":
          return `[file] ${p.name ?? ""}`.trim();
        case "choice":
          return p.label ?? p.value;
        default:
          return `[${p.type.replace("_", " ")}]`;
      }
    })
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
