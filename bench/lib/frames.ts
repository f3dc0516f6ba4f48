import type { Classify } from "./driver.ts";

/**
 * What the WebSocket sections make of the frames they receive, shared so the closed-loop and open-loop
 * sections read the same frames the same way.
 */

type ConversationFrame = {
  type?: string;
  client_msg_id?: string;
  code?: string;
  message?: { client_msg_id?: string; seq?: number } | string;
};

/** Agent socket on a conversation: the fanned-out `message` frame, matched by client_msg_id; its seq is checked for gaps. */
export const conversationReceiver: Classify = (text) => {
  const f = JSON.parse(text) as ConversationFrame;
  if (f.type === "message" && typeof f.message === "object" && typeof f.message.client_msg_id === "string") {
    return { kind: "message", cmid: f.message.client_msg_id, ...(typeof f.message.seq === "number" ? { seq: f.message.seq } : {}) };
  }
  if (f.type === "error") return { kind: "error", detail: `${f.code}: ${String(f.message)}` };
  return { kind: "other" };
};

/** Customer socket on a conversation: the `ack` for each message (presence, state and the like are ignored). */
export const conversationSender: Classify = (text) => {
  const f = JSON.parse(text) as ConversationFrame;
  if (f.type === "ack" && typeof f.client_msg_id === "string") return { kind: "ack", cmid: f.client_msg_id };
  if (f.type === "error") return { kind: "error", detail: `${f.code}: ${String(f.message)}${f.client_msg_id ? ` (${f.client_msg_id})` : ""}` };
  return { kind: "other" };
};

/** The floor relay forwards the client frame verbatim: the receiver sees the sender's own frame. */
export const floorReceiver: Classify = (text) => {
  const f = JSON.parse(text) as { type?: string; client_msg_id?: string };
  return f.type === "message" && typeof f.client_msg_id === "string" ? { kind: "message", cmid: f.client_msg_id } : { kind: "other" };
};

/** The floor relay answers nothing to the sender. */
export const floorSender: Classify = () => ({ kind: "other" });
