import { sqliteTable, text, integer, real, index } from "drizzle-orm/sqlite-core";

/** Durable Object SQLite: one tenant's AI state. One object per tenant, the only writer of it. */
export const kv = sqliteTable("kv", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** What the bot remembers about each conversation it holds. */
export const dialogs = sqliteTable("dialogs", {
  conversationId: text("conversation_id").primaryKey(),
  state: text("state").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** A turn's decision by the customer message it answers: a redelivered turn gets the same answer and teaches nothing twice. */
export const turns = sqliteTable(
  "turns",
  {
    messageId: text("message_id").primaryKey(),
    conversationId: text("conversation_id").notNull(),
    decision: text("decision").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("turns_created").on(t.createdAt)],
);

/** Policy decisions waiting for (or given) their reward. */
export const episodes = sqliteTable(
  "episodes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    conversationId: text("conversation_id").notNull(),
    ctx: text("ctx").notNull(),
    action: text("action").notNull(),
    reward: real("reward"),
    createdAt: integer("created_at").notNull(),
    settledAt: integer("settled_at"),
  },
  (t) => [index("episodes_conversation").on(t.conversationId), index("episodes_created").on(t.createdAt)],
);

/** Behaviour events of a visitor's current session, and the intent it turned out to have. */
export const sessions = sqliteTable(
  "sessions",
  {
    contactId: text("contact_id").primaryKey(),
    events: text("events").notNull(),
    intent: text("intent"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("sessions_labelled").on(t.intent, t.updatedAt)],
);
