import { sqliteTable, text, integer, index, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Durable Object SQLite: one outgoing webhook endpoint, its sending state and its delivery log. */
export const endpoint = sqliteTable("endpoint", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  url: text("url").notNull(),
  events: text("events", { mode: "json" }).$type<string[]>().notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  /** The signing secret, sealed (shared/sealing.ts); the previous one still signs until `previous_until`. */
  secret: text("secret").notNull(),
  previousSecret: text("previous_secret"),
  previousUntil: integer("previous_until"),
  /** shared/circuit-breaker.ts BreakerState. */
  breaker: text("breaker", { mode: "json" }).$type<{ state: "closed" | "open" | "half_open"; failures: number; openedAt: number }>().notNull(),
  failingSince: integer("failing_since"),
  consecutiveDead: integer("consecutive_dead").notNull().default(0),
  disabledAt: integer("disabled_at"),
  disabledReason: text("disabled_reason"),
  deleted: integer("deleted", { mode: "boolean" }).notNull().default(false),
  updatedAt: integer("updated_at").notNull(),
});

export const deliveries = sqliteTable(
  "deliveries",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    /** The webhook-id: derived from the event and the endpoint, so a redelivered queue message is stored once. */
    id: text("id").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    /** Deliveries of one key go out in `rank` order, each after the one before it was delivered or died. */
    orderKey: text("order_key").notNull(),
    rank: integer("rank").notNull(),
    body: text("body").notNull(),
    state: text("state", { enum: ["pending", "failed", "delivered", "dead"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    nextAt: integer("next_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [uniqueIndex("deliveries_id").on(t.id), index("deliveries_open").on(t.state, t.orderKey, t.rank, t.seq), index("deliveries_updated").on(t.updatedAt)],
);
