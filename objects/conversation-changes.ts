/**
 * Edits, retractions and reactions applied to a conversation's messages, from a provider (by its message id) or
 * from a socket (by edgedesk's id). The rules are shared/message-change.ts; this stores, broadcasts and refuses.
 */
import type { ConversationStore } from "./conversation-store";
import type { IngestChange, Posted, PostOptions } from "./conversation";
import { applyChange, type MessageChange } from "../shared/message-change";
import type { ClientFrame, ErrorCode, ServerFrame } from "../shared/protocol";
import type { MessageInput, Sender, StandardMessage } from "../shared/message";
import type { Result } from "../shared/result";
import { now } from "../shared/ids";

export type ChangesHost = {
  store: ConversationStore;
  broadcast(frame: ServerFrame): void;
  scheduleFlush(urgent?: boolean): void;
  post(sender: Sender, input: MessageInput, opts: PostOptions): Result<Posted>;
};

type ChangeFrame = Extract<ClientFrame, { type: "edit" | "retract" | "react" }>;

export class ConversationChanges {
  constructor(private readonly host: ChangesHost) {}

  /**
   * A provider's changes. A change to a message edgedesk never stored is dropped, except an edit, which is the
   * message as the customer now wants it read: it is stored as that message.
   */
  fromProvider(items: IngestChange[]): StandardMessage[] {
    const { store } = this.host;
    const out: StandardMessage[] = [];
    for (const item of items) {
      const target = store.byProviderId(item.providerMessageId);
      if (!target) {
        if (item.change.type === "edit") {
          const input = { client_msg_id: `${store.current.channel}:${item.providerMessageId}`.slice(0, 128), parts: item.change.parts, metadata: { ...item.change.metadata, edited: true } };
          const r = this.host.post(item.sender, input, { providerMessageId: item.providerMessageId, ...(item.at !== undefined ? { sentAt: item.at } : {}) });
          if (r.ok) out.push(r.value.message);
        }
        continue;
      }
      const changed = this.apply(target, item.change, item.sender, item.at ?? now());
      if (changed.ok && changed.value) out.push(changed.value);
    }
    return out;
  }

  /** A socket's edit, retraction or reaction; an error to send back, or null when it was applied (or changed nothing). */
  fromFrame(frame: ChangeFrame, by: Sender): { code: ErrorCode; message: string } | null {
    const target = this.host.store.byId(frame.message_id);
    if (!target) return { code: "not_found", message: `no message ${frame.message_id} in this conversation` };
    // A change made here would not reach a provider's app, so the two sides would read different things.
    if (target.delivery || (target.direction === "inbound" && this.host.store.current.externalThreadId !== null)) {
      return { code: "conflict", message: `changes to messages on ${target.channel} are not sent to the provider` };
    }
    const change: MessageChange = frame.type === "edit" ? { type: "edit", parts: frame.parts } : frame.type === "retract" ? { type: "retract" } : { type: "reaction", emoji: frame.emoji, remove: !frame.on };
    const r = this.apply(target, change, by, now());
    return r.ok ? null : { code: "forbidden", message: r.detail ?? r.title };
  }

  private apply(target: StandardMessage, change: MessageChange, by: Sender, at: number): Result<StandardMessage | null> {
    const outcome = applyChange(target, change, by, at);
    if (!outcome.ok) return { ok: false, status: 403, title: "forbidden", detail: outcome.reason };
    if (!outcome.message) return { ok: true, value: null };
    const message = this.host.store.changeMessage(outcome.message, outcome.kind);
    this.host.broadcast({ type: "message_update", message });
    this.host.scheduleFlush(false);
    return { ok: true, value: message };
  }
}
