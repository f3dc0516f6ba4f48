import { z } from "zod";

export const ConversationStatus = z.enum(["open", "queued", "assigned", "resolved", "closed"]);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

export const StateAction = z.enum(["queue", "assign", "transfer", "resolve", "reopen", "close"]);
export type StateAction = z.infer<typeof StateAction>;

/**
 * open is the bot's phase; queued waits for the desk; assigned has an agent; resolved reopens when the
 * customer writes again or an agent reopens it. closed takes nothing from the widget or the API; only a
 * provider thread writing again reopens it, because that thread is the conversation.
 */
/** `resume` is internal: a provider thread that writes again after close. The API cannot ask for it. */
export type InternalAction = StateAction | "resume";

const TRANSITIONS: Record<InternalAction, { from: readonly ConversationStatus[]; to: ConversationStatus }> = {
  queue: { from: ["open", "assigned"], to: "queued" },
  assign: { from: ["open", "queued"], to: "assigned" },
  transfer: { from: ["assigned", "queued"], to: "queued" },
  resolve: { from: ["open", "queued", "assigned"], to: "resolved" },
  reopen: { from: ["resolved"], to: "open" },
  close: { from: ["open", "queued", "assigned", "resolved"], to: "closed" },
  resume: { from: ["resolved", "closed"], to: "open" },
};

export type Transition = { ok: true; to: ConversationStatus } | { ok: false; reason: string };

export function transition(from: ConversationStatus, action: InternalAction): Transition {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(from)) {
    return { ok: false, reason: `cannot ${action} a conversation that is ${from}` };
  }
  return { ok: true, to: rule.to };
}
