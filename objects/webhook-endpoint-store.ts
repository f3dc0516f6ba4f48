import { drizzle, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import migrations from "../migrations/webhook-endpoint/migrations.js";
import * as schema from "./webhook-endpoint-schema";
import type { WebhookEvent } from "../shared/webhooks/events";
import type { DeliveryView } from "../shared/webhooks/delivery";

export type EndpointRow = typeof schema.endpoint.$inferSelect;
export type DeliveryRow = typeof schema.deliveries.$inferSelect;
export type DeliveryState = DeliveryRow["state"];

export type { DeliveryView };

export const viewOf = (d: DeliveryRow): DeliveryView => ({
  id: d.id,
  event_id: d.eventId,
  event_type: d.eventType,
  state: d.state,
  attempts: d.attempts,
  last_status: d.lastStatus,
  last_error: d.lastError,
  next_attempt_at: d.nextAt,
  created_at: d.createdAt,
  updated_at: d.updatedAt,
  delivered_at: d.deliveredAt,
});

const OPEN: DeliveryState[] = ["pending", "failed"];
const RETAIN_MS = 30 * 86_400_000;

/** The endpoint object's SQLite through drizzle; synchronous, one writer. */
export class WebhookEndpointStore {
  private readonly db: DrizzleSqliteDODatabase<typeof schema>;

  constructor(storage: DurableObjectStorage) {
    this.db = drizzle(storage, { schema });
  }

  async migrate(): Promise<void> {
    await migrate(this.db, migrations);
  }

  endpoint(): EndpointRow | null {
    return this.db.select().from(schema.endpoint).get() ?? null;
  }

  saveEndpoint(row: EndpointRow): void {
    this.db.insert(schema.endpoint).values(row).onConflictDoUpdate({ target: schema.endpoint.id, set: row }).run();
  }

  /** Stores each event once by its webhook-id; returns how many were new. */
  insert(events: { webhookId: string; event: WebhookEvent }[], at: number): number {
    let added = 0;
    for (const { webhookId, event } of events) {
      const row = {
        id: webhookId,
        eventId: event.event_id,
        eventType: event.payload.type,
        orderKey: event.order_key,
        rank: event.rank,
        body: JSON.stringify(event.payload),
        state: "pending" as const,
        createdAt: at,
        updatedAt: at,
        nextAt: at,
      };
      added += this.db.insert(schema.deliveries).values(row).onConflictDoNothing().returning({ seq: schema.deliveries.seq }).all().length;
    }
    return added;
  }

  /**
   * The first open delivery of every ordering key (by rank, then arrival): only these may be sent, so a conversation's
   * later event never overtakes an earlier one, and keys do not wait for each other.
   */
  heads(limit: number): DeliveryRow[] {
    return this.db.all<DeliveryRow>(sql`
      SELECT seq, id, event_id AS eventId, event_type AS eventType, order_key AS orderKey, rank, body, state, attempts,
             last_status AS lastStatus, last_error AS lastError, next_at AS nextAt, created_at AS createdAt,
             updated_at AS updatedAt, delivered_at AS deliveredAt
      FROM deliveries d
      WHERE d.state IN ('pending', 'failed') AND NOT EXISTS (
        SELECT 1 FROM deliveries e WHERE e.order_key = d.order_key AND e.state IN ('pending', 'failed')
          AND (e.rank < d.rank OR (e.rank = d.rank AND e.seq < d.seq)))
      ORDER BY d.next_at, d.seq LIMIT ${limit}`);
  }

  /** The first open delivery of one ordering key. */
  headOf(orderKey: string): DeliveryRow | null {
    return (
      this.db
        .select()
        .from(schema.deliveries)
        .where(and(eq(schema.deliveries.orderKey, orderKey), inArray(schema.deliveries.state, OPEN)))
        .orderBy(asc(schema.deliveries.rank), asc(schema.deliveries.seq))
        .limit(1)
        .get() ?? null
    );
  }

  update(seq: number, set: Partial<DeliveryRow>): void {
    this.db.update(schema.deliveries).set(set).where(eq(schema.deliveries.seq, seq)).run();
  }

  byId(id: string): DeliveryRow | null {
    return this.db.select().from(schema.deliveries).where(eq(schema.deliveries.id, id)).get() ?? null;
  }

  page(limit: number, before: number | null, state: DeliveryState | null): DeliveryRow[] {
    const filters = [before !== null ? lt(schema.deliveries.seq, before) : undefined, state ? eq(schema.deliveries.state, state) : undefined].filter((x) => x !== undefined);
    return this.db
      .select()
      .from(schema.deliveries)
      .where(filters.length ? and(...filters) : undefined)
      .orderBy(desc(schema.deliveries.seq))
      .limit(limit)
      .all();
  }

  openCount(): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(schema.deliveries).where(inArray(schema.deliveries.state, OPEN)).get()?.n ?? 0;
  }

  /** Finished deliveries older than the retention window go; open ones stay whatever their age. */
  prune(at: number): void {
    this.db
      .delete(schema.deliveries)
      .where(and(inArray(schema.deliveries.state, ["delivered", "dead"]), lt(schema.deliveries.updatedAt, at - RETAIN_MS)))
      .run();
  }

  clear(): void {
    this.db.delete(schema.deliveries).run();
  }
}
