import { z } from "zod";
import type { SenderKind } from "../../shared/message";

/** Per conversation, the highest seq this agent has seen in the console. */
export type ReadMarks = Record<string, number>;

const Marks = z.record(z.string(), z.int().nonnegative());

/** How many conversations' marks are kept; the oldest marked are forgotten first. */
export const MAX_MARKS = 500;

export function parseMarks(raw: string | null): ReadMarks {
  if (!raw) return {};
  try {
    const parsed = Marks.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Marks only move forward; the conversation just read becomes the most recent, so pruning keeps it. */
export function markRead(marks: ReadMarks, id: string, seq: number, max = MAX_MARKS): ReadMarks {
  const before = marks[id] ?? 0;
  if (seq <= before && id in marks) return marks;
  const { [id]: _old, ...rest } = marks;
  const entries = Object.entries(rest);
  const kept = entries.slice(Math.max(0, entries.length - (max - 1)));
  return { ...Object.fromEntries(kept), [id]: Math.max(seq, before) };
}

/** Unread = customer messages after the read mark; the bot's and agents' messages are not waiting for anyone. */
export function unreadCount(messages: readonly { seq: number; sender: { kind: SenderKind } }[], readSeq: number): number {
  return messages.filter((m) => m.sender.kind === "customer" && m.seq > readSeq).length;
}

/** Whether a conversation may have unread messages at all, so only those are fetched to count them. */
export function mayHaveUnread(lastSeq: number, readSeq: number): boolean {
  return lastSeq > readSeq;
}
