// The socket clients' bookkeeping, apart from any socket or timer so it can be tested on its own:
// how long to wait before the next attempt, which frames the app has already seen, where to resume,
// and what to send once a socket is open again.
import type { ClientFrame, ServerFrame } from "../shared/protocol";

export type Backoff = { baseMs: number; maxMs: number };

export const DEFAULT_BACKOFF: Backoff = { baseMs: 500, maxMs: 15_000 };

/**
 * Delay before reconnect attempt `attempt` (0 for the first after a drop): doubling from `baseMs` up to `maxMs`,
 * drawn from the upper half of that window so many clients dropped at once do not come back at once, yet never
 * retry in a tight loop.
 */
export function backoffDelay(attempt: number, { baseMs, maxMs }: Backoff, random: () => number): number {
  const window = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(window / 2 + (window / 2) * random());
}

/**
 * Where a conversation socket resumes and which frames reach the app. On one socket the conversation sends
 * messages in seq order, a resumed socket starts after `last_seq`, and `since_rev` asks for the changes
 * (edits, reactions, retractions, deliveries) to messages the client already has.
 *
 * Replayed changes come in seq order, not revision order, so the revision a socket starts from only moves
 * past them once the replay is known complete: when the answer to the ping sent right after opening arrives,
 * since the conversation answers frames only after it has sent the whole replay.
 */
export class ResumeState {
  /** The highest seq delivered (or acknowledged to this client): messages at or below it are not delivered again. */
  lastSeq = 0;
  /** The revision whose changes are all known; null until the first socket has said where the conversation stands. */
  rev: number | null = null;
  private highestRev = 0;
  private syncing = false;
  /** Per message, the revision of its latest change delivered, so a replayed change is delivered once. */
  private readonly changed = new Map<string, number>();

  /** The query a new socket opens with. */
  query(): { last_seq: number; since_rev?: number } {
    return this.rev === null || this.lastSeq === 0 ? { last_seq: this.lastSeq } : { last_seq: this.lastSeq, since_rev: this.rev };
  }

  /** A new socket opened: until its first pong, changes may be replay. */
  opened(): void {
    this.syncing = true;
  }

  /** Whether the app should see `frame`; updates the resume point either way. */
  accept(frame: ServerFrame): boolean {
    switch (frame.type) {
      case "welcome":
        this.rev ??= frame.conversation.rev;
        this.highestRev = Math.max(this.highestRev, frame.conversation.rev);
        return true;
      case "message": {
        if (frame.message.seq <= this.lastSeq) return false;
        this.lastSeq = frame.message.seq;
        this.changed.set(frame.message.id, frame.message.changed_rev ?? 0);
        return true;
      }
      case "message_update": {
        const rev = frame.message.changed_rev ?? 0;
        if (rev <= (this.changed.get(frame.message.id) ?? -1)) return false;
        this.changed.set(frame.message.id, rev);
        this.advance(rev);
        return true;
      }
      case "state":
        this.advance(frame.conversation.rev);
        return true;
      case "ack":
        // Everything before the client's own message was sent on this socket ahead of the ack.
        this.lastSeq = Math.max(this.lastSeq, frame.seq);
        return true;
      case "pong":
        if (this.syncing) {
          this.syncing = false;
          this.rev = Math.max(this.rev ?? 0, this.highestRev);
        }
        return true;
      default:
        return true;
    }
  }

  private advance(rev: number): void {
    this.highestRev = Math.max(this.highestRev, rev);
    if (!this.syncing) this.rev = Math.max(this.rev ?? 0, rev);
  }
}

/**
 * Frames waiting for a socket, in the order the app sent them. A message stays until its ack (or an error
 * naming its client_msg_id) so it is sent again on the next socket; the conversation stores each
 * client_msg_id once, so a repeat of one that did arrive is only acknowledged again.
 */
export class Outbox<F> {
  private entries: { frame: F; key: string | undefined }[] = [];

  /** `key` marks a frame that waits for an answer; frames without one are gone once written to a socket. */
  push(frame: F, key?: string): void {
    this.entries.push({ frame, key });
  }

  /** Frames to write to a socket that just opened, in order; the ones awaiting an answer stay. */
  take(): F[] {
    const frames = this.entries.map((e) => e.frame);
    this.entries = this.entries.filter((e) => e.key !== undefined);
    return frames;
  }

  /** Its answer came: the frame is not sent again. */
  settle(key: string): void {
    this.entries = this.entries.filter((e) => e.key !== key);
  }

  /** Frames still waiting (for a socket or an answer). */
  get size(): number {
    return this.entries.length;
  }
}

/** The key a conversation frame waits under: only messages are answered (ack or error) by client_msg_id. */
export const answerKey = (frame: ClientFrame): string | undefined => (frame.type === "message" ? frame.client_msg_id : undefined);
