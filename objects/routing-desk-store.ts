import { drizzle, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import type { z } from "zod";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import migrations from "../migrations/routing-desk/migrations.js";
import * as schema from "./routing-desk-schema";
import type { AgentState, Breakdown, DeskState, Effect, Waiting } from "../shared/routing/desk";
import { Agent, DeskSettings, Queue, type AgentStatus, type RoutingRule } from "../shared/routing/schemas";
import { asDict, dict } from "../shared/dict";
import type { TodayCounters } from "../shared/routing/desk-live";
import type { Presence } from "../shared/routing/desk-activity";
import type { AgentActivity } from "../shared/events";

type Meta = Pick<DeskState, "config" | "seq" | "rr_last" | "handle_ms" | "settled" | "last_arrival" | "queue_stats" | "quiet_until"> & { rules: RoutingRule[] };
type Kind = (typeof schema.deskEntities.$inferSelect)["kind"];
const KINDS: readonly Kind[] = ["agents", "waiting", "offers", "assignments"];
export type DecisionOutcome = (typeof schema.deskDecisions.$inferSelect)["outcome"];

/** Which rows a command changed: taken from its arguments and from the effects it returned. */
export type Touched = { conversations: Set<string>; agents: Set<string>; offers: Set<string> };

export function touchedBy(effects: readonly Effect[], args: { conversations?: string[]; agents?: string[]; offers?: string[] } = {}): Touched {
  const t: Touched = { conversations: new Set(args.conversations), agents: new Set(args.agents), offers: new Set(args.offers) };
  for (const e of effects) {
    if ("conversation_id" in e) t.conversations.add(e.conversation_id);
    if ("agent_id" in e && e.agent_id) t.agents.add(e.agent_id);
    if ("offer_id" in e) t.offers.add(e.offer_id);
    if (e.type === "transferred" && e.to.kind === "agent") t.agents.add(e.to.agent_id);
  }
  return t;
}

/**
 * What analytics keeps of a command, written in the state's own transaction: an interval or an answer is counted
 * exactly when the change that made it is stored. `presence` holds only the agents whose interval changed.
 */
export type Analytics = {
  today?: { tz: string; counters: TodayCounters };
  presence?: { set: Record<string, Presence>; drop: string[] };
  events?: AgentActivity[];
};

export class DeskStore {
  private readonly db: DrizzleSqliteDODatabase<typeof schema>;

  constructor(storage: DurableObjectStorage) {
    this.db = drizzle(storage, { schema });
  }

  async migrate(): Promise<void> {
    await migrate(this.db, migrations);
  }

  load(): { tenantId: string; state: DeskState; rules: RoutingRule[] } | null {
    const meta = this.db.select().from(schema.deskMeta).get();
    if (!meta) return null;
    const m = JSON.parse(meta.body) as Meta;
    const maps: Record<Kind, Record<string, never>> = { agents: dict(), waiting: dict(), offers: dict(), assignments: dict() };
    for (const r of this.db.select().from(schema.deskEntities).all()) maps[r.kind][r.id] = JSON.parse(r.body) as never;
    // Every record keyed by an id is a dict again, as the desk built it (shared/dict.ts says why).
    for (const w of Object.values(maps.waiting) as Waiting[]) {
      w.declined = asDict(w.declined);
      w.queue = withDefaults(Queue, w.queue);
    }
    for (const [id, a] of Object.entries(maps.agents) as [string, AgentState][]) maps.agents[id] = { ...a, ...withDefaults(Agent, a) } as never;
    // Rows written by an earlier version lack settings added since: their defaults apply.
    m.config.settings = withDefaults(DeskSettings, m.config.settings);
    m.config.queues = dict(Object.entries(m.config.queues).map(([id, q]) => [id, withDefaults(Queue, q)] as const));
    m.config.calendars = asDict(m.config.calendars);
    return {
      tenantId: meta.tenantId,
      rules: m.rules,
      state: {
        config: m.config,
        seq: m.seq,
        rr_last: m.rr_last,
        handle_ms: m.handle_ms,
        // Desks stored before scarce-pool forecasts (or before they were kept per key) start without one.
        last_arrival: asDict(m.last_arrival ?? {}),
        queue_stats: asDict(m.queue_stats ?? {}),
        ...(m.quiet_until === undefined ? {} : { quiet_until: m.quiet_until }),
        // …nor observed patience.
        settled: m.settled ?? { voice: [], chat: [], email: [] },
        agents: maps.agents,
        waiting: maps.waiting,
        offers: maps.offers,
        assignments: maps.assignments,
      },
    };
  }

  /** Writes exactly the rows a command touched, plus the small meta row and the command's analytics, in one transaction. */
  save(tenantId: string, state: DeskState, rules: RoutingRule[], touched: Touched | "all", analytics: Analytics = {}): void {
    this.db.transaction((tx) => {
      writeAnalytics(tx, analytics);
      const meta: Meta = { config: state.config, seq: state.seq, rr_last: state.rr_last, handle_ms: state.handle_ms, settled: state.settled, last_arrival: state.last_arrival, queue_stats: state.queue_stats, quiet_until: state.quiet_until ?? null, rules };
      tx.insert(schema.deskMeta)
        .values({ id: 1, tenantId, body: JSON.stringify(meta) })
        .onConflictDoUpdate({ target: schema.deskMeta.id, set: { body: JSON.stringify(meta) } })
        .run();
      const e = schema.deskEntities;
      const sync = (kind: Kind, ids: Iterable<string>) => {
        const source = state[kind] as Record<string, unknown>;
        for (const id of ids) {
          const value = source[id];
          if (value === undefined) tx.delete(e).where(and(eq(e.kind, kind), eq(e.id, id))).run();
          else tx.insert(e).values({ kind, id, body: JSON.stringify(value) }).onConflictDoUpdate({ target: [e.kind, e.id], set: { body: JSON.stringify(value) } }).run();
        }
      };
      if (touched === "all") {
        tx.delete(e).run();
        for (const kind of KINDS) sync(kind, Object.keys(state[kind]));
        return;
      }
      sync("agents", touched.agents);
      sync("waiting", touched.conversations);
      sync("assignments", touched.conversations);
      sync("offers", touched.offers);
    });
  }

  /** Today's counters and the time zone they were counted in; null before the first. */
  today(): { tz: string; counters: TodayCounters } | null {
    const r = this.db.select().from(schema.deskToday).get();
    return r ? { tz: r.tz, counters: { day: r.day, answered: r.answered, answered_within_sl: r.answeredWithinSl, abandoned: r.abandoned } } : null;
  }

  presence(): Record<string, Presence> {
    const out: Record<string, Presence> = dict();
    for (const r of this.db.select().from(schema.deskPresence).all()) out[r.agentId] = { status: r.status as AgentStatus, conversations: r.conversations, load: r.load, since: r.since };
    return out;
  }

  /** Activity events not yet on the events queue, oldest first, as stored JSON. */
  pendingEvents(limit: number): { id: string; body: string }[] {
    const o = schema.deskOutbox;
    return this.db.select({ id: o.id, body: o.body }).from(o).orderBy(asc(o.occurredAt), asc(o.id)).limit(limit).all();
  }

  ackEvents(ids: string[]): void {
    if (ids.length) this.db.delete(schema.deskOutbox).where(inArray(schema.deskOutbox.id, ids)).run();
  }

  recordOffer(offerId: string, b: Breakdown): void {
    this.db
      .insert(schema.deskDecisions)
      .values({ offerId, conversationId: b.conversation_id, agentId: b.agent_id, decidedAt: b.decided_at, outcome: "offered", breakdown: JSON.stringify(b) })
      .onConflictDoNothing()
      .run();
  }

  settleOffers(outcome: DecisionOutcome, offerIds: string[]): void {
    if (offerIds.length) this.db.update(schema.deskDecisions).set({ outcome }).where(inArray(schema.deskDecisions.offerId, offerIds)).run();
  }

  decisions(conversationId: string): { offer_id: string; agent_id: string; decided_at: number; outcome: DecisionOutcome; breakdown: Breakdown }[] {
    return this.db
      .select()
      .from(schema.deskDecisions)
      .where(eq(schema.deskDecisions.conversationId, conversationId))
      .orderBy(desc(schema.deskDecisions.decidedAt))
      .limit(50)
      .all()
      .map((r) => ({ offer_id: r.offerId, agent_id: r.agentId, decided_at: r.decidedAt, outcome: r.outcome, breakdown: JSON.parse(r.breakdown) as Breakdown }));
  }
}

type Tx = Parameters<Parameters<DrizzleSqliteDODatabase<typeof schema>["transaction"]>[0]>[0];

function writeAnalytics(tx: Tx, a: Analytics): void {
  if (a.today) {
    const { day, answered, answered_within_sl, abandoned } = a.today.counters;
    const row = { tz: a.today.tz, day, answered, answeredWithinSl: answered_within_sl, abandoned };
    tx.insert(schema.deskToday).values({ id: 1, ...row }).onConflictDoUpdate({ target: schema.deskToday.id, set: row }).run();
  }
  const p = schema.deskPresence;
  for (const [agentId, x] of Object.entries(a.presence?.set ?? {})) {
    const row = { status: x.status, conversations: x.conversations, load: x.load, since: x.since };
    tx.insert(p).values({ agentId, ...row }).onConflictDoUpdate({ target: p.agentId, set: row }).run();
  }
  if (a.presence?.drop.length) tx.delete(p).where(inArray(p.agentId, a.presence.drop)).run();
  // Ids are the agent and the interval's start, unique by construction; were one to recur, the command must not fail for it.
  for (const e of a.events ?? []) tx.insert(schema.deskOutbox).values({ id: e.id, body: JSON.stringify(e), occurredAt: e.occurred_at }).onConflictDoNothing().run();
}

/** A stored value with the schema's defaults filled in; one that no longer parses is kept as it was. */
function withDefaults<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : (value as z.output<S>);
}
