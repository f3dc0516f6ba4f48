import { sqliteTable, text, integer, uniqueIndex, index } from "drizzle-orm/sqlite-core";

/** Durable Object SQLite: the conversation's own exact state. One object, one writer. */
export const meta = sqliteTable("meta", {
  id: integer("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  conversationId: text("conversation_id").notNull(),
  channel: text("channel").notNull(),
  status: text("status").notNull(),
  contactId: text("contact_id").notNull(),
  assigneeId: text("assignee_id"),
  /** The agent who last held the conversation, for sticky routing when it comes back. */
  lastAgentId: text("last_agent_id"),
  subject: text("subject"),
  externalThreadId: text("external_thread_id"),
  /** Identity-verification key as of the customer's last handshake; checked on every customer frame. */
  identitySecret: text("identity_secret"),
  /** The tenant's bot takes this conversation's customer messages first (decided once, at creation). */
  bot: integer("bot", { mode: "boolean" }).notNull().default(false),
  /** Intent, sentiment trend, entities, handoff and quality flags, as JSON (shared/bot/insights.ts). */
  insights: text("insights"),
  /** The conversation's metrics so far (shared/analytics/facts.ts ConversationFacts), as JSON. */
  analytics: text("analytics"),
  /** The survey question the customer was asked and may still answer (shared/analytics/survey-state.ts), as JSON. */
  survey: text("survey"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  rev: integer("rev").notNull(),
});

export const messages = sqliteTable(
  "messages",
  {
    seq: integer("seq").primaryKey(),
    id: text("id").notNull(),
    clientMsgId: text("client_msg_id").notNull(),
    direction: text("direction").notNull(),
    senderKind: text("sender_kind").notNull(),
    senderId: text("sender_id").notNull(),
    senderName: text("sender_name"),
    parts: text("parts").notNull(),
    metadata: text("metadata").notNull(),
    /** The provider's id once an outbound reply is sent, or of an inbound message; status webhooks refer to it. */
    providerMessageId: text("provider_message_id"),
    deliveryStatus: text("delivery_status"),
    deliveryReason: text("delivery_reason"),
    deliveryAt: integer("delivery_at"),
    /** The provider's own send time, when it gives one. */
    sentAt: integer("sent_at"),
    editedAt: integer("edited_at"),
    /** Earlier versions as JSON [{parts, at}], oldest first. */
    edits: text("edits"),
    retractedAt: integer("retracted_at"),
    /** JSON [{emoji, sender, at}]. */
    reactions: text("reactions"),
    /** Conversation revision of the last change after creation; a resuming client asks for changes after its revision. */
    changedRev: integer("changed_rev"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("messages_client_msg_id").on(t.clientMsgId), uniqueIndex("messages_id").on(t.id), index("messages_provider_id").on(t.providerMessageId)],
);

export const participants = sqliteTable("participants", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  name: text("name"),
  lastReadSeq: integer("last_read_seq").notNull().default(0),
  joinedAt: integer("joined_at").notNull(),
});

/** Transactional outbox: a queue message is written with the change, then sent to its queue and deleted. */
export const outbox = sqliteTable("outbox", {
  id: text("id").primaryKey(),
  /** `desk` rows are RPCs to the tenant's routing desk and `bot` rows turns for its assistant, retried like queue sends. */
  queue: text("queue", { enum: ["events", "outbound", "desk", "bot", "survey"] }).notNull(),
  body: text("body").notNull(),
  createdAt: integer("created_at").notNull(),
});
