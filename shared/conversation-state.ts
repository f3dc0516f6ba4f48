import { z } from "zod";

export const ConversationStatus = z.enum(["open", "queued", "assigned", "resolved", "closed"]);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

export const StateAction = z.enum(["queue", "assign", "transfer", "resolve", "reopen", "close"]);
export type StateAction = z.infer<typeof StateAction>;

/**
 * open is the bot's phase; queued waits for the desk; assigned has an agent; resolved may reopen
 * (customer writes again, or an agent reopens); closed is final.
 */
const TRANSITIONS: Record<StateAction, { from: readonly ConversationStatus[]; to: ConversationStatus }> = {
  queue: { from: ["open", "assigned"], to: "queued" },
  assign: { from: ["open", "queued"], to: "assigned" },
  transfer: { from: ["assigned"], to: "assigned" },
  resolve: { from: ["open", "queued", "assigned"], to: "resolved" },
  reopen: { from: ["resolved"], to: "open" },
  close: { from: ["open", "queued", "assigned", "resolved"], to: "closed" },
};

export type Transition = { ok: true; to: ConversationStatus } | { ok: false; reason: string };

export function transition(from: ConversationStatus, action: StateAction): Transition {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(from)) {
    return { ok: false, reason: `cannot ${action} a conversation that is ${from}` };
  }
  return { ok: true, to: rule.to };
}
