import { sqliteTable, text, integer, index, primaryKey } from "drizzle-orm/sqlite-core";

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
