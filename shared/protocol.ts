import { z } from "zod";
import { ClientMsgId, ContentPart, DeliveryStatus, Metadata, StandardMessage } from "./message";
import { ConversationSnapshot } from "./events";

/** Frames a client (widget, app, agent console) sends on a conversation socket. */
export const ClientFrame = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("message"),
    client_msg_id: ClientMsgId,
    parts: z.array(ContentPart).min(1).max(20),
    metadata: Metadata.optional(),
  }),
  z.object({ type: z.literal("typing"), on: z.boolean() }),
  z.object({ type: z.literal("read"), seq: z.int().nonnegative() }),
  z.object({ type: z.literal("ping") }),
  /** The author changes or takes back their own message; anyone in the conversation reacts to any message. */
  z.object({ type: z.literal("edit"), message_id: z.string().min(1).max(64), parts: z.array(ContentPart).min(1).max(20) }),
  z.object({ type: z.literal("retract"), message_id: z.string().min(1).max(64) }),
  z.object({ type: z.literal("react"), message_id: z.string().min(1).max(64), emoji: z.string().min(1).max(64), on: z.boolean() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ParticipantRef = z.object({
  id: z.string(),
  kind: z.enum(["customer", "agent", "bot", "supervisor"]),
  name: z.string().optional(),
});
export type ParticipantRef = z.infer<typeof ParticipantRef>;

export const ErrorCode = z.enum([
  "invalid_json",
  "invalid_frame",
  "too_large",
  "forbidden",
  "identity_invalid",
  "conflict",
  "closed",
  "not_found",
  "internal",
  /** More frames a second than the socket may send (shared/frame-limit.ts); the frame was dropped. */
  "rate_limited",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Frames the conversation sends. */
export const ServerFrame = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("welcome"),
    conversation: ConversationSnapshot,
    you: ParticipantRef,
    resumed_from: z.int().nonnegative(),
  }),
  z.object({ type: z.literal("message"), message: StandardMessage }),
  /** A message already sent was edited, retracted or reacted to: `message` is how it reads now. */
  z.object({ type: z.literal("message_update"), message: StandardMessage }),
  z.object({
    type: z.literal("ack"),
    client_msg_id: z.string(),
    message_id: z.string(),
    seq: z.int().positive(),
    duplicate: z.boolean(),
  }),
  z.object({ type: z.literal("typing"), participant: ParticipantRef, on: z.boolean() }),
  z.object({ type: z.literal("read"), participant: ParticipantRef, seq: z.int().nonnegative() }),
  z.object({ type: z.literal("presence"), participant: ParticipantRef, status: z.enum(["online", "offline"]) }),
  z.object({ type: z.literal("state"), conversation: ConversationSnapshot }),
  z.object({
    type: z.literal("delivery"),
    message_id: z.string(),
    seq: z.int().positive(),
    status: DeliveryStatus,
    reason: z.string().optional(),
  }),
  z.object({ type: z.literal("queue"), position: z.int().positive(), estimated_wait_s: z.number().nonnegative().nullable() }),
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("error"), code: ErrorCode, message: z.string(), client_msg_id: z.string().optional() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Frames above this size (UTF-8 bytes) are refused before parsing; keeps one client from stalling a conversation. */
export const MAX_FRAME_BYTES = 64 * 1024;

/**
 * A frame's size in UTF-8 bytes, what the limit means. A string's length counts UTF-16 units, up to three
 * times fewer than its bytes ('€' is one unit, three bytes), so only frames near the limit are encoded to count.
 */
export function frameBytes(data: string | ArrayBuffer, limit = MAX_FRAME_BYTES): number {
  if (typeof data !== "string") return data.byteLength;
  if (data.length * 3 <= limit || data.length > limit) return data.length;
  return new TextEncoder().encode(data).byteLength;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
