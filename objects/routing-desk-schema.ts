import { sqliteTable, text, integer, real, index, primaryKey } from "drizzle-orm/sqlite-core";

/**
 * The desk's own SQLite: its DeskState split into one row per entity, so a decision rewrites the rows it
 * touched, not the whole desk. Values are the plain JSON the pure desk (shared/routing/desk.ts) works on.
 */
export const deskMeta = sqliteTable("desk_meta", {
  id: integer("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  /** config, seq, rr_last, handle_ms and the routing rules. */
  body: text("body").notNull(),
});

/** agents, waiting, offers, assignments: the four maps of DeskState, one row per entry. */
export const deskEntities = sqliteTable(
  "desk_entities",
  {
    kind: text("kind", { enum: ["agents", "waiting", "offers", "assignments"] }).notNull(),
    id: text("id").notNull(),
    body: text("body").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.id] })],
);

/** Every offer's breakdown, kept after the offer is gone: "why did agent X get this?" has an answer later. */
export const deskDecisions = sqliteTable(
  "desk_decisions",
  {
    offerId: text("offer_id").primaryKey(),
    conversationId: text("conversation_id").notNull(),
    agentId: text("agent_id").notNull(),
    decidedAt: integer("decided_at").notNull(),
    outcome: text("outcome", { enum: ["offered", "accepted", "rejected", "expired", "revoked"] }).notNull(),
    breakdown: text("breakdown").notNull(),
  },
  (t) => [index("desk_decisions_conversation").on(t.conversationId, t.decidedAt)],
);

/** Today's answered and abandoned contacts for the live counters (shared/routing/desk-live.ts): one row. */
export const deskToday = sqliteTable("desk_today", {
  id: integer("id").primaryKey(),
  /** The tenant's analytics time zone, which draws the day's bounds; kept so a restart needs no D1 read. */
  tz: text("tz").notNull(),
  day: text("day").notNull(),
  answered: integer("answered").notNull(),
  answeredWithinSl: integer("answered_within_sl").notNull(),
  abandoned: integer("abandoned").notNull(),
});

/** Each agent's activity interval in progress (shared/routing/desk-activity.ts Presence): where the next event starts. */
export const deskPresence = sqliteTable("desk_presence", {
  agentId: text("agent_id").primaryKey(),
  status: text("status").notNull(),
  conversations: integer("conversations").notNull(),
  load: real("load").notNull(),
  since: integer("since").notNull(),
});

/** Transactional outbox: ended activity intervals, written with the state that ended them, deleted once on the events queue. */
export const deskOutbox = sqliteTable("desk_outbox", {
  id: text("id").primaryKey(),
  body: text("body").notNull(),
  occurredAt: integer("occurred_at").notNull(),
});
