/**
 * The conversation as the visitor sees it: the server's messages and the visitor's own not yet acknowledged, each
 * once, in the server's seq order. Plain values in and out (no DOM, no socket) so the rules that keep a message
 * from being lost, doubled or shown as sent when it was refused can be tested on their own.
 */
import type { ContentPart, DeliveryStatus, Sender, StandardMessage } from "../../shared/message";

export type DeliveryState = "sending" | "sent" | "delivered" | "read" | "failed";

export type Entry = {
  /** The client_msg_id: the visitor's own messages are known by it before the server has stored them. */
  key: string;
  id: string | null;
  seq: number | null;
  sender: Sender;
  own: boolean;
  parts: ContentPart[];
  metadata: Record<string, unknown>;
  at: number;
  /** The reason the server or the network gave for refusing it; null while it may still arrive. */
  failed: string | null;
  delivery: DeliveryStatus | null;
  edited: boolean;
  retracted: boolean;
};

export type Thread = {
  entries: readonly Entry[];
  /** The highest seq an agent has read: the visitor's messages up to it show as read. */
  peerRead: number;
};

export const emptyThread = (): Thread => ({ entries: [], peerRead: 0 });

/** What the visitor sends; `metadata.reply_label` names the button a quick-reply value came from. */
export type Outgoing = { key: string; parts: ContentPart[]; metadata?: Record<string, unknown>; at: number };

const CUSTOMER = "customer";

// Stored messages by seq; the visitor's pending ones after them in the order written, as the server will place them.
function ordered(entries: Entry[]): Entry[] {
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.seq ?? Infinity) - (b.e.seq ?? Infinity) || a.e.at - b.e.at || a.i - b.i)
    .map((x) => x.e);
}

function replace(t: Thread, index: number, next: Entry): Thread {
  const entries = t.entries.slice();
  entries[index] = next;
  return { ...t, entries: ordered(entries) };
}

export function sendLocal(t: Thread, out: Outgoing, me: Sender): Thread {
  if (t.entries.some((e) => e.key === out.key)) return t;
  const entry: Entry = {
    key: out.key,
    id: null,
    seq: null,
    sender: me,
    own: true,
    parts: out.parts,
    metadata: out.metadata ?? {},
    at: out.at,
    failed: null,
    delivery: null,
    edited: false,
    retracted: false,
  };
  return { ...t, entries: ordered([...t.entries, entry]) };
}

/** The server stored the visitor's message (or had stored it before: a resend under the same client_msg_id). */
export function acknowledge(t: Thread, ack: { client_msg_id: string; message_id: string; seq: number }): Thread {
  const i = t.entries.findIndex((e) => e.key === ack.client_msg_id);
  if (i < 0) return t;
  return replace(t, i, { ...t.entries[i]!, id: ack.message_id, seq: ack.seq, failed: null });
}

/** Refused for good (an error frame naming it, or a REST error); kept on screen with its reason so it can be retried. */
export function fail(t: Thread, key: string, reason: string): Thread {
  const i = t.entries.findIndex((e) => e.key === key);
  const e = t.entries[i];
  if (!e || e.seq !== null) return t;
  return replace(t, i, { ...e, failed: reason });
}

export function retrying(t: Thread, key: string): Thread {
  const i = t.entries.findIndex((e) => e.key === key);
  const e = t.entries[i];
  if (!e || e.failed === null) return t;
  return replace(t, i, { ...e, failed: null });
}

function fromServer(m: StandardMessage): Entry {
  return {
    key: m.client_msg_id,
    id: m.id,
    seq: m.seq,
    sender: m.sender,
    own: m.sender.kind === CUSTOMER,
    parts: m.parts,
    metadata: m.metadata,
    at: m.sent_at === undefined ? m.created_at : Math.min(m.sent_at, m.created_at),
    failed: null,
    delivery: m.delivery?.status ?? null,
    edited: m.edited_at !== undefined,
    retracted: m.retracted_at !== undefined,
  };
}

/**
 * A stored message from history, a replay after a reconnect or live: it takes the place of the visitor's pending
 * copy (same client_msg_id) or of an earlier copy of itself (same id), so a message is never shown twice.
 */
export function receive(t: Thread, m: StandardMessage): Thread {
  const next = fromServer(m);
  const i = t.entries.findIndex((e) => (e.id !== null && e.id === m.id) || (e.own === next.own && e.key === m.client_msg_id));
  if (i >= 0) return replace(t, i, next);
  return { ...t, entries: ordered([...t.entries, next]) };
}

/** An edit, retraction, reaction or delivery change to a message already shown; unknown ones are ignored. */
export function update(t: Thread, m: StandardMessage): Thread {
  const i = t.entries.findIndex((e) => e.id === m.id);
  return i < 0 ? t : replace(t, i, fromServer(m));
}

export function readByPeer(t: Thread, seq: number): Thread {
  return seq > t.peerRead ? { ...t, peerRead: seq } : t;
}

export function delivered(t: Thread, messageId: string, status: DeliveryStatus): Thread {
  const i = t.entries.findIndex((e) => e.id === messageId);
  return i < 0 ? t : replace(t, i, { ...t.entries[i]!, delivery: status });
}

/** What the visitor's own message shows: sending until acknowledged, then sent, delivered or read. */
export function stateOf(e: Entry, t: Thread): DeliveryState | null {
  if (!e.own) return null;
  if (e.failed !== null) return "failed";
  if (e.seq === null) return "sending";
  if (e.seq <= t.peerRead || e.delivery === "read") return "read";
  if (e.delivery === "delivered") return "delivered";
  return "sent";
}

/** The highest seq shown; what `read` acknowledges once the visitor has seen it. */
export const lastSeq = (t: Thread): number => t.entries.reduce((max, e) => Math.max(max, e.seq ?? 0), 0);

/** Messages from others the visitor has not seen (after `readSeq`), for the launcher's badge. */
export const unread = (t: Thread, readSeq: number): number => t.entries.filter((e) => !e.own && e.seq !== null && e.seq > readSeq).length;

/** The visitor's messages not yet stored and not refused: kept across reloads and sent again. */
export const unsent = (t: Thread): Outgoing[] =>
  t.entries.filter((e) => e.own && e.seq === null && e.failed === null).map((e) => ({ key: e.key, parts: e.parts, metadata: e.metadata, at: e.at }));

/** Whether buttons offered by entry `index` still apply: the visitor has not written since it arrived. */
export const awaitsAnswer = (t: Thread, index: number): boolean => !t.entries.slice(index + 1).some((e) => e.own);
