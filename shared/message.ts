import { z } from "zod";
import { bounded, METADATA_BOUNDS } from "./json-bounds";

export const CHANNELS = [
  "web",
  "app",
  "whatsapp",
  "messenger",
  "instagram",
  "telegram",
  "line",
  "slack",
  "wechat",
  "email",
  "sms",
  "voice",
  "api",
] as const;

/** Built-in channels plus tenant-defined declarative channels (`custom:<slug>`). */
export const ChannelName = z.union([
  z.enum(CHANNELS),
  z.string().regex(/^custom:[a-z0-9][a-z0-9-]{0,39}$/, "custom channels are named custom:<slug>"),
]);
export type ChannelName = z.infer<typeof ChannelName>;

export const SenderKind = z.enum(["customer", "agent", "bot", "system"]);
export type SenderKind = z.infer<typeof SenderKind>;

export const Direction = z.enum(["inbound", "outbound"]);
export type Direction = z.infer<typeof Direction>;

/**
 * Free text: lone UTF-16 surrogates (truncated emoji from some providers, or a client's bug) become U+FFFD before
 * anything is stored, so what is stored, acknowledged and read back is the same string.
 */
const text = () => z.string().overwrite((s) => s.toWellFormed());

const url = z.url({ protocol: /^https?$/ }).max(2048);

export const ContentPart = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: text().min(1).max(16_000) }),
  z.object({
    type: z.literal("image"),
    url,
    mime_type: text().max(100).optional(),
    caption: text().max(4000).optional(),
  }),
  z.object({
    type: z.literal("file"),
    url,
    name: text().max(255).optional(),
    mime_type: text().max(100).optional(),
    size: z.int().nonnegative().optional(),
  }),
  z.object({
    type: z.literal("audio"),
    url,
    mime_type: text().max(100).optional(),
    duration_s: z.number().nonnegative().optional(),
    transcript: text().max(16_000).optional(),
  }),
  z.object({
    type: z.literal("video"),
    url,
    mime_type: text().max(100).optional(),
    duration_s: z.number().nonnegative().optional(),
  }),
  z.object({
    type: z.literal("location"),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: text().max(255).optional(),
    address: text().max(1000).optional(),
  }),
  z.object({
    type: z.literal("card"),
    title: text().min(1).max(255),
    subtitle: text().max(1000).optional(),
    image_url: url.optional(),
    buttons: z
      .array(z.object({ label: text().min(1).max(80), value: text().max(1000).optional(), url: url.optional() }))
      .max(10)
      .optional(),
  }),
  z.object({
    type: z.literal("quick_replies"),
    text: text().max(4000).optional(),
    options: z.array(z.object({ label: text().min(1).max(80), value: text().max(1000) })).min(1).max(13),
  }),
  z.object({
    type: z.literal("call_event"),
    event: z.enum(["initiated", "ringing", "answered", "completed", "busy", "no_answer", "failed", "canceled"]),
    call_id: text().max(255),
    duration_s: z.number().nonnegative().optional(),
    recording_url: url.optional(),
  }),
]);
export type ContentPart = z.infer<typeof ContentPart>;

const MetadataRecord = z.record(z.string().max(100), z.unknown());
/** Metadata as clients and adapters send it: bounded at the edge, so what is stored is bounded. */
export const Metadata = bounded(MetadataRecord, METADATA_BOUNDS);

/**
 * A client's idempotency key. Lone surrogates are refused: SQLite stores UTF-8, where every one of them becomes
 * U+FFFD, so two different keys would read back as one.
 */
export const ClientMsgId = z.string().min(1).max(128).refine((s) => s.isWellFormed(), "invalid Unicode: lone surrogate");

export const DeliveryStatus = z.enum(["pending", "sent", "delivered", "read", "failed"]);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const Sender = z.object({
  kind: SenderKind,
  id: text().min(1).max(255),
  name: text().max(255).optional(),
});
export type Sender = z.infer<typeof Sender>;

/** The one message shape every channel becomes. `seq` is gapless per conversation. */
export const StandardMessage = z.object({
  id: z.string(),
  tenant_id: z.string(),
  conversation_id: z.string(),
  seq: z.int().positive(),
  client_msg_id: z.string(),
  channel: ChannelName,
  direction: Direction,
  sender: Sender,
  parts: z.array(ContentPart).min(1),
  // Stored messages passed the edge's bounds; readers (the events consumer) need not walk them again.
  metadata: MetadataRecord,
  delivery: z.object({ status: DeliveryStatus, reason: z.string().optional(), at: z.number().optional() }).optional(),
  created_at: z.number(),
});
export type StandardMessage = z.infer<typeof StandardMessage>;

/** What a client or adapter supplies; the conversation fills in the rest. */
export const MessageInput = z.object({
  client_msg_id: ClientMsgId,
  parts: z.array(ContentPart).min(1).max(20),
  metadata: Metadata.optional(),
});
export type MessageInput = z.infer<typeof MessageInput>;
