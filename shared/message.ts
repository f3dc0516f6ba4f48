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

export const TextEntity = z.object({
  type: z.enum(["bold", "italic", "underline", "strikethrough", "code", "pre", "link", "mention", "hashtag", "spoiler", "quote", "email", "phone", "other"]),
  offset: z.int().nonnegative(),
  length: z.int().positive(),
  url: url.optional(),
  language: z.string().max(50).optional(),
});
export type TextEntity = z.infer<typeof TextEntity>;

export const ContentPart = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("text"),
    text: text().min(1).max(16_000),
    /** Formatting and links as the provider marked them (Telegram entities, Slack rich text): offsets in UTF-16 units. */
    entities: z.array(TextEntity).max(100).optional(),
  }),
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
    /** A link the provider gave with the place (WhatsApp location `url`). */
    url: url.optional(),
  }),
  /** A contact card the customer shared (WhatsApp contacts, Telegram contact, vCard). */
  z.object({
    type: z.literal("contact"),
    name: text().min(1).max(255),
    phones: z.array(z.object({ number: text().min(1).max(64), label: text().max(50).optional() })).max(20).optional(),
    emails: z.array(z.object({ address: text().min(1).max(320), label: text().max(50).optional() })).max(20).optional(),
    organization: text().max(255).optional(),
    user_id: text().max(255).optional(),
  }),
  /** The customer picked an option offered to them (a quick reply, button, list row, IVR digit). */
  z.object({
    type: z.literal("choice"),
    value: text().min(1).max(1000),
    label: text().max(255).optional(),
  }),
  /** A form the customer filled in (WhatsApp Flows, a Slack modal): its fields as the provider sent them. */
  z.object({
    type: z.literal("form"),
    name: text().max(255).optional(),
    fields: z.record(z.string().max(100), z.union([z.string().max(4000), z.number(), z.boolean(), z.null(), z.array(z.string().max(1000)).max(50)])),
  }),
  /** A product from the business's catalogue the customer asked about or sent (WhatsApp catalog, Messenger product). */
  z.object({
    type: z.literal("product"),
    product_id: text().min(1).max(255),
    catalog_id: text().max(255).optional(),
    title: text().max(255).optional(),
  }),
  /**
   * Content the provider documents but edgedesk cannot show as anything else (a poll, a game, a payment). Kept as
   * what it is, with the provider's own type, so an agent knows something arrived; never silently dropped.
   */
  z.object({
    type: z.literal("unsupported"),
    provider_type: text().min(1).max(100),
    description: text().max(1000).optional(),
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
    /** `input`: the caller answered a menu (digits or speech); `queued`: the call waits for an agent. */
    event: z.enum(["initiated", "ringing", "answered", "completed", "busy", "no_answer", "failed", "canceled", "input", "queued", "recorded", "transcribed"]),
    call_id: text().max(255),
    duration_s: z.number().nonnegative().optional(),
    recording_url: url.optional(),
    digits: text().max(64).optional(),
    speech: text().max(4000).optional(),
    transcript: text().max(16_000).optional(),
    /** Where an IVR choice sent the call (queue, skill or language). */
    route: text().max(255).optional(),
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
  // Empty only once retracted; every message is stored with at least one part.
  parts: z.array(ContentPart),
  // Stored messages passed the edge's bounds; readers (the events consumer) need not walk them again.
  metadata: MetadataRecord,
  delivery: z.object({ status: DeliveryStatus, reason: z.string().optional(), at: z.number().optional() }).optional(),
  /** When the provider says it was sent; `created_at` is when edgedesk stored it (see `displayOrder`). */
  sent_at: z.number().optional(),
  /** Set once the sender edited it; `edits` holds the earlier versions, oldest first. */
  edited_at: z.number().optional(),
  edits: z.array(z.object({ parts: z.array(ContentPart), at: z.number() })).optional(),
  /** The sender took it back (unsend, delete for everyone): its content and history are gone, `parts` is empty. */
  retracted_at: z.number().optional(),
  reactions: z.array(z.object({ emoji: z.string(), sender: Sender, at: z.number() })).optional(),
  /** The conversation revision of the message's last change (edit, retraction, reaction, delivery). */
  changed_rev: z.int().nonnegative().optional(),
  created_at: z.number(),
}).meta({ id: "Message" });
export type StandardMessage = z.infer<typeof StandardMessage>;

/** What a client or adapter supplies; the conversation fills in the rest. */
export const MessageInput = z.object({
  client_msg_id: ClientMsgId,
  parts: z.array(ContentPart).min(1).max(20),
  metadata: Metadata.optional(),
});
export type MessageInput = z.infer<typeof MessageInput>;
