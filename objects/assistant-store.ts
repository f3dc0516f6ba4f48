import { drizzle, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { and, asc, desc, eq, isNotNull, isNull, lt, sql } from "drizzle-orm";
import migrations from "../migrations/assistant/migrations.js";
import * as schema from "./assistant-schema";
import { NEW_DIALOG, type DialogState } from "../shared/bot/dialog";
import type { BanditContext, BotAction } from "../shared/bot/bandit";
import type { BehaviourEvent } from "../shared/nlp/behaviour";
import type { LabelledSession } from "../shared/nlp/predictive";
import { now } from "../shared/ids";

/** How long turn decisions are kept for redeliveries, and how many recent sessions a tenant learns behaviour from. */
const TURN_TTL_MS = 7 * 86_400_000;
const SESSION_EVENTS_MAX = 200;
export const TRAINING_SESSIONS_MAX = 5_000;

export type Episode = { id: number; conversationId: string; ctx: BanditContext; action: BotAction; reward: number | null };

/** The assistant's SQLite through drizzle; synchronous, like the conversation's store. */
export class AssistantStore {
  private readonly db: DrizzleSqliteDODatabase<typeof schema>;

  constructor(storage: DurableObjectStorage) {
    this.db = drizzle(storage, { schema });
  }

  async migrate(): Promise<void> {
    await migrate(this.db, migrations);
  }

  get<T>(key: string): T | null {
    const row = this.db.select({ value: schema.kv.value }).from(schema.kv).where(eq(schema.kv.key, key)).get();
    return row ? (JSON.parse(row.value) as T) : null;
  }

  put(key: string, value: unknown): void {
    const body = JSON.stringify(value);
    this.db.insert(schema.kv).values({ key, value: body, updatedAt: now() }).onConflictDoUpdate({ target: schema.kv.key, set: { value: body, updatedAt: now() } }).run();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(() => fn());
  }

  dialog(conversationId: string): DialogState {
    const row = this.db.select({ state: schema.dialogs.state }).from(schema.dialogs).where(eq(schema.dialogs.conversationId, conversationId)).get();
    return row ? (JSON.parse(row.state) as DialogState) : NEW_DIALOG;
  }

  setDialog(conversationId: string, state: DialogState): void {
    const body = JSON.stringify(state);
    this.db
      .insert(schema.dialogs)
      .values({ conversationId, state: body, updatedAt: now() })
      .onConflictDoUpdate({ target: schema.dialogs.conversationId, set: { state: body, updatedAt: now() } })
      .run();
  }

  turn<T>(messageId: string): T | null {
    const row = this.db.select({ decision: schema.turns.decision }).from(schema.turns).where(eq(schema.turns.messageId, messageId)).get();
    return row ? (JSON.parse(row.decision) as T) : null;
  }

  saveTurn(messageId: string, conversationId: string, decision: unknown): void {
    this.db.insert(schema.turns).values({ messageId, conversationId, decision: JSON.stringify(decision), createdAt: now() }).onConflictDoNothing().run();
  }

  addEpisode(conversationId: string, ctx: BanditContext, action: BotAction, reward: number | null): number {
    const row = this.db
      .insert(schema.episodes)
      .values({ conversationId, ctx: JSON.stringify(ctx), action, reward, createdAt: now(), settledAt: reward === null ? null : now() })
      .returning({ id: schema.episodes.id })
      .get();
    return row.id;
  }

  /** The episode if it still waits for its reward; settling twice is a no-op, so redelivered outcomes teach once. */
  unsettled(id: number): Episode | null {
    const row = this.db.select().from(schema.episodes).where(and(eq(schema.episodes.id, id), isNull(schema.episodes.settledAt))).get();
    return row ? { id: row.id, conversationId: row.conversationId, ctx: JSON.parse(row.ctx) as BanditContext, action: row.action as BotAction, reward: row.reward } : null;
  }

  settle(id: number, reward: number): void {
    this.db.update(schema.episodes).set({ reward, settledAt: now() }).where(eq(schema.episodes.id, id)).run();
  }

  /** The newest settled episode of a conversation, for outcomes that arrive after the bot is done (reopen, CSAT). */
  lastSettled(conversationId: string): Episode | null {
    const row = this.db
      .select()
      .from(schema.episodes)
      .where(and(eq(schema.episodes.conversationId, conversationId), isNotNull(schema.episodes.settledAt)))
      .orderBy(desc(schema.episodes.id))
      .limit(1)
      .get();
    return row ? { id: row.id, conversationId: row.conversationId, ctx: JSON.parse(row.ctx) as BanditContext, action: row.action as BotAction, reward: row.reward } : null;
  }

  openEpisodes(conversationId: string): Episode[] {
    return this.db
      .select()
      .from(schema.episodes)
      .where(and(eq(schema.episodes.conversationId, conversationId), isNull(schema.episodes.settledAt)))
      .orderBy(asc(schema.episodes.id))
      .all()
      .map((row) => ({ id: row.id, conversationId: row.conversationId, ctx: JSON.parse(row.ctx) as BanditContext, action: row.action as BotAction, reward: row.reward }));
  }

  /** Appends to the visitor's session; a session that already has its intent starts over. */
  addBehaviour(contactId: string, events: BehaviourEvent[]): BehaviourEvent[] {
    const row = this.db.select().from(schema.sessions).where(eq(schema.sessions.contactId, contactId)).get();
    const kept = row && row.intent === null ? (JSON.parse(row.events) as BehaviourEvent[]) : [];
    const all = [...kept, ...events].slice(-SESSION_EVENTS_MAX);
    const body = JSON.stringify(all);
    this.db
      .insert(schema.sessions)
      .values({ contactId, events: body, intent: null, updatedAt: now() })
      .onConflictDoUpdate({ target: schema.sessions.contactId, set: { events: body, intent: null, updatedAt: now() } })
      .run();
    return all;
  }

  behaviour(contactId: string): BehaviourEvent[] {
    const row = this.db.select({ events: schema.sessions.events, intent: schema.sessions.intent }).from(schema.sessions).where(eq(schema.sessions.contactId, contactId)).get();
    return row && row.intent === null ? (JSON.parse(row.events) as BehaviourEvent[]) : [];
  }

  /** Labels the visitor's open session with the intent their conversation turned out to have; false if there was none. */
  labelSession(contactId: string, intent: string): boolean {
    const r = this.db
      .update(schema.sessions)
      .set({ intent, updatedAt: now() })
      .where(and(eq(schema.sessions.contactId, contactId), isNull(schema.sessions.intent), sql`${schema.sessions.events} != '[]'`))
      .returning({ id: schema.sessions.contactId })
      .all();
    return r.length > 0;
  }

  labelledSessions(limit = TRAINING_SESSIONS_MAX): LabelledSession[] {
    return this.db
      .select({ events: schema.sessions.events, intent: schema.sessions.intent })
      .from(schema.sessions)
      .where(isNotNull(schema.sessions.intent))
      .orderBy(desc(schema.sessions.updatedAt))
      .limit(limit)
      .all()
      .map((r) => ({ events: JSON.parse(r.events) as BehaviourEvent[], intent: r.intent! }));
  }

  importSessions(list: LabelledSession[]): void {
    for (const s of list) {
      this.db
        .insert(schema.sessions)
        .values({ contactId: `import:${crypto.randomUUID()}`, events: JSON.stringify(s.events.slice(-SESSION_EVENTS_MAX)), intent: s.intent, updatedAt: now() })
        .run();
    }
  }

  /** Old turn records and labelled sessions beyond what training reads are dropped by the idle alarm. */
  prune(): void {
    this.db.delete(schema.turns).where(lt(schema.turns.createdAt, now() - TURN_TTL_MS)).run();
    this.db.run(
      sql`DELETE FROM sessions WHERE intent IS NOT NULL AND contact_id NOT IN (SELECT contact_id FROM sessions WHERE intent IS NOT NULL ORDER BY updated_at DESC LIMIT ${TRAINING_SESSIONS_MAX})`,
    );
  }
}
