import { Hono, type Context } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { eq } from "drizzle-orm";
import { requireAuth, type AuthEnv } from "../http/auth";
import { HttpError, invalidField } from "../http/problem";
import { jsonBody, queryOf } from "../http/validate";
import { db } from "../../db/client";
import { agents, routingConfig } from "../../db/schema";
import { loadSettings, saveSettings } from "../../objects/analytics-settings";
import { rollupCells, type Filters, type Grouping } from "../analytics/query";
import { AnalyticsSettings, slThreshold } from "../../shared/analytics/settings";
import { AnalyticsSummary, rate, summarize, type Cell } from "../../shared/analytics/summary";
import { Bound, Granularity, MAX_RANGE_DAYS, instantOf, resolveRange, type Range } from "../../shared/analytics/range";
import { dayStart, localDay, nextDay, weekStart } from "../../shared/analytics/calendar";
import { toCsv } from "../../shared/analytics/csv";
import { TimeZone } from "../../shared/nlp/settings";
import { ChannelName } from "../../shared/message";
import { RoutingConfig, queuesOf } from "../../shared/routing-config";
import { now } from "../../shared/ids";
import { deskStub } from "../../objects/routing-desk";
import { idempotent } from "../http/idempotency";

const Dimension = z.string().min(1).max(64);
const Format = z.enum(["json", "csv"]).optional();

export const SummaryQuery = z.object({
  from: Bound.optional(),
  to: Bound.optional(),
  /** Day boundaries; the tenant's analytics time zone when absent. */
  tz: TimeZone.optional(),
  channel: ChannelName.optional(),
  queue: Dimension.optional(),
  team: Dimension.optional(),
  agent: Dimension.optional(),
  format: Format,
});
export const TimeseriesQuery = SummaryQuery.extend({ granularity: Granularity.default("day") });
export const ConversationsQuery = SummaryQuery.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().regex(/^\d+:[A-Za-z0-9_]+$/, "opaque cursor from a previous page").optional(),
});
export const BusinessQuery = SummaryQuery.extend({
  /** The period compared against; the one of equal length just before `from` when absent. */
  compare_from: Bound.optional(),
  compare_to: Bound.optional(),
  /** An order within this many days after a conversation began counts as its conversion. */
  conversion_window_days: z.coerce.number().int().min(1).max(90).default(7),
});

const Order = z
  .object({
    order_id: z.string().min(1).max(128),
    contact_id: z.string().min(1).max(64).optional(),
    email: z.email().max(320).optional(),
    /** The conversation that led to the order, when the shop knows it. */
    conversation_id: z.string().min(1).max(64).optional(),
    amount: z.number().nonnegative().max(1e12),
    currency: z.string().regex(/^[A-Z]{3}$/, "ISO 4217 currency code"),
    ordered_at: z.union([z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)), z.int().nonnegative()]),
  })
  .refine((o) => o.contact_id !== undefined || o.email !== undefined, { message: "name the customer by contact_id or email", path: ["contact_id"] });
export const ReportOrders = z.object({ orders: z.array(Order).min(1).max(500) });

export const AnalyticsTimeseries = z.object({ granularity: Granularity, tz: z.string(), buckets: z.array(AnalyticsSummary.extend({ start: z.string(), start_ms: z.number() })) });

type Ctx = Context<AuthEnv>;

/** Analytics are for integrations and for supervisors and admins; an agent sees their own work in the console. */
const supervisors = createMiddleware<AuthEnv>(async (c, next) => {
  const p = c.get("principal");
  if (p.kind === "agent" && p.role === "agent") throw new HttpError(403, "forbidden", "analytics need a supervisor or admin");
  await next();
});

async function context(c: Ctx, q: z.infer<typeof SummaryQuery>, maxDays: number) {
  const tenantId = c.get("principal").tenantId;
  const settings = await loadSettings(c.env, tenantId);
  const tz = q.tz ?? settings.timezone;
  const r = resolveRange(q, tz, now(), maxDays);
  if (!r.ok) throw invalidField(r.field, r.message);
  const filters: Filters = { channel: q.channel, queue: q.queue, team: q.team, agent: q.agent };
  return { tenantId, settings, tz, range: r.range, filters };
}

type Setup = Awaited<ReturnType<typeof context>>;

async function summaries(c: Ctx, x: Setup, group: Grouping, range: Range = x.range): Promise<Map<string, AnalyticsSummary>> {
  const cells = await rollupCells(c.env, x.tenantId, x.settings, range, x.tz, x.filters, group);
  const threshold = (queue: string, channel: string) => slThreshold(x.settings, queue, channel);
  return new Map([...cells].map(([k, list]) => [k, summarize(list, threshold)]));
}

const EMPTY: Cell[] = [];

function respond(c: Ctx, format: "json" | "csv" | undefined, json: unknown, rows: () => Record<string, unknown>[], name: string): Response {
  const csv = format === "csv" || (format === undefined && /\btext\/csv\b/.test(c.req.header("accept") ?? ""));
  if (!csv) return c.json(json);
  return new Response(toCsv(rows()), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="edgedesk-${name}.csv"` },
  });
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms) / 1000);

async function names(c: Ctx, tenantId: string) {
  const d = db(c.env);
  const [roster, config] = await Promise.all([
    d.select({ id: agents.id, name: agents.name }).from(agents).where(eq(agents.tenantId, tenantId)).all(),
    d.select().from(routingConfig).where(eq(routingConfig.tenantId, tenantId)).get(),
  ]);
  return {
    agent: new Map(roster.map((a) => [a.id, a.name])),
    queue: new Map(queuesOf(RoutingConfig.parse(config?.body ?? {})).map((q) => [q.id, q.name ?? q.id])),
  };
}

export const analyticsRoutes = new Hono<AuthEnv>()
  .use("*", requireAuth("api", "agent"), supervisors)
  .get("/summary", queryOf(SummaryQuery), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS.summary);
    const s = (await summaries(c, x, "none")).get("") ?? summarize(EMPTY, () => 0);
    return respond(c, q.format, s, () => [{ from: iso(x.range.from), to: iso(x.range.to), tz: x.tz, ...s }], "summary");
  })
  .get("/timeseries", queryOf(TimeseriesQuery), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS[q.granularity]);
    const byBucket = await summaries(c, x, q.granularity);
    // Every bucket of the range, empty ones too, so a chart's x axis has no gaps.
    const empty = summarize(EMPTY, () => 0);
    const buckets = bucketStarts(x.range, q.granularity, x.tz).map((start) => ({ start: iso(start)!, start_ms: start, ...(byBucket.get(String(start)) ?? empty) }));
    return respond(c, q.format, { granularity: q.granularity, tz: x.tz, buckets }, () => buckets, "timeseries");
  })
  .get("/agents", queryOf(SummaryQuery), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS.summary);
    const [byAgent, named] = await Promise.all([summaries(c, x, "agent"), names(c, x.tenantId)]);
    const data = [...byAgent].filter(([id]) => id !== "").map(([id, s]) => ({ agent_id: id, name: named.agent.get(id) ?? null, ...s }));
    return respond(c, q.format, { data }, () => data, "agents");
  })
  .get("/queues", queryOf(SummaryQuery), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS.summary);
    const [byQueue, named] = await Promise.all([summaries(c, x, "queue"), names(c, x.tenantId)]);
    // Conversations that never entered a queue (the bot kept them) are the row without a queue.
    const data = [...byQueue].map(([id, s]) => ({ queue_id: id || null, name: id ? (named.queue.get(id) ?? null) : null, ...s }));
    return respond(c, q.format, { data }, () => data, "queues");
  })
  .get("/channels", queryOf(SummaryQuery), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS.summary);
    const data = [...(await summaries(c, x, "channel"))].map(([channel, s]) => ({ channel, ...s }));
    return respond(c, q.format, { data }, () => data, "channels");
  })
  .get("/intents", queryOf(SummaryQuery), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS.summary);
    const cells = await patternCells(c, x);
    const total = sumOf(cells, "intent");
    const data = [...groupBy(cells.filter((p) => p.kind === "intent"), (p) => p.key)].map(([intent, list]) => {
      const bot = cells.filter((p) => p.kind === "intent_bot" && p.key === intent);
      const handled = bot.reduce((a, p) => a + p.n, 0);
      const resolved = bot.reduce((a, p) => a + p.total, 0);
      const conversations = list.reduce((a, p) => a + p.n, 0);
      return { intent: intent || null, conversations, share: rate(conversations, total), bot_handled: handled, bot_resolved: resolved, bot_containment_rate: rate(resolved, handled) };
    });
    data.sort((a, b) => b.conversations - a.conversations);
    return respond(c, q.format, { data }, () => data, "intents");
  })
  .get("/patterns", queryOf(SummaryQuery), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS.summary);
    const cells = await patternCells(c, x);
    const total = sumOf(cells, "intent");
    const heat = new Map(groupBy(cells.filter((p) => p.kind === "heatmap"), (p) => p.key).entries());
    const heatmap = Array.from({ length: 7 * 24 }, (_, i) => {
      const key = `${Math.floor(i / 24)}:${i % 24}`;
      return { weekday: Math.floor(i / 24), hour: i % 24, conversations: (heat.get(key) ?? []).reduce((a, p) => a + p.n, 0) };
    });
    const channels = [...groupBy(cells.filter((p) => p.kind === "channel"), (p) => p.key)].map(([channel, list]) => {
      const n = list.reduce((a, p) => a + p.n, 0);
      return { channel, conversations: n, share: rate(n, total) };
    });
    const repeat = cells.filter((p) => p.kind === "repeat");
    const repeated = repeat.reduce((a, p) => a + p.total, 0);
    const body = {
      tz: x.settings.timezone,
      heatmap,
      channels,
      intents_by_day: cells.filter((p) => p.kind === "intent").map((p) => ({ day: p.day, intent: p.key || null, conversations: p.n })),
      bot_containment_by_intent: [...groupBy(cells.filter((p) => p.kind === "intent_bot"), (p) => p.key)].map(([intent, list]) => {
        const handled = list.reduce((a, p) => a + p.n, 0);
        const resolved = list.reduce((a, p) => a + p.total, 0);
        return { intent: intent || null, bot_handled: handled, bot_resolved: resolved, rate: rate(resolved, handled) };
      }),
      repeat_contact: { conversations: total, repeat: repeated, rate: rate(repeated, total), window_h: x.settings.fcr_window_h },
    };
    return respond(c, q.format, body, () => cells, "patterns");
  })
  .get("/conversations", queryOf(ConversationsQuery), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS.summary);
    const where = ["tenant_id = ?", "created_at >= ?", "created_at < ?"];
    const params: (string | number)[] = [x.tenantId, x.range.from, x.range.to];
    for (const [col, v] of [["channel", q.channel], ["queue", q.queue], ["team", q.team], ["agent", q.agent]] as const) {
      if (v === undefined) continue;
      where.push(`${col} = ?`);
      params.push(v);
    }
    if (q.cursor) {
      const [at, id] = q.cursor.split(":") as [string, string];
      where.push("(created_at < ? OR (created_at = ? AND conversation_id < ?))");
      params.push(Number(at), Number(at), id);
    }
    const { results } = await c.env.DB.prepare(`SELECT * FROM analytics_conversations WHERE ${where.join(" AND ")} ORDER BY created_at DESC, conversation_id DESC LIMIT ?`)
      .bind(...params, q.limit + 1)
      .all<ConversationRow>();
    const page = results.slice(0, q.limit);
    const last = page[page.length - 1];
    const data = page.map(conversationJson);
    const next = results.length > q.limit && last ? `${last.created_at}:${last.conversation_id}` : null;
    return respond(c, q.format, { data, next_cursor: next }, () => data, "conversations");
  })
  .get("/business", queryOf(BusinessQuery), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS.summary);
    const length = x.range.to - x.range.from;
    const compareFrom = q.compare_from === undefined ? x.range.from - length : instantOf(q.compare_from, x.tz, false);
    const compareTo = q.compare_to === undefined ? x.range.from : instantOf(q.compare_to, x.tz, true);
    if (!(compareFrom < compareTo)) throw invalidField("compare_to", "must be after compare_from");
    const [after, before] = await Promise.all([
      rollupCells(c.env, x.tenantId, x.settings, x.range, x.tz, x.filters, "none"),
      rollupCells(c.env, x.tenantId, x.settings, { from: compareFrom, to: compareTo }, x.tz, x.filters, "none"),
    ]);
    const threshold = (queue: string, channel: string) => slThreshold(x.settings, queue, channel);
    const view = (cells: Cell[]) => {
      const s = summarize(cells, threshold);
      // Right first time: assigned and never transferred.
      const rightFirstTime = s.transfer_rate === null ? null : Math.round((1 - s.transfer_rate) * 10_000) / 10_000;
      return { first_response_time_s: s.first_response_time_s, first_human_response_time_s: s.first_human_response_time_s, right_first_time_rate: rightFirstTime };
    };
    const a = view(after.get("") ?? EMPTY);
    const b = view(before.get("") ?? EMPTY);
    const conversion = await conversionOf(c.env, x.tenantId, x.range, q.conversion_window_days, x.filters);
    const body = {
      period: { from: iso(x.range.from), to: iso(x.range.to) },
      compared_with: { from: iso(compareFrom), to: iso(compareTo) },
      after: a,
      before: b,
      first_response_change_s: a.first_response_time_s.avg !== null && b.first_response_time_s.avg !== null ? Math.round((a.first_response_time_s.avg - b.first_response_time_s.avg) * 1000) / 1000 : null,
      conversion,
    };
    return respond(c, q.format, body, () => [body], "business");
  })
  .post("/orders", requireAuth("api"), idempotent(), jsonBody(ReportOrders), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const { orders } = c.req.valid("json");
    const emails = [...new Set(orders.flatMap((o) => (o.contact_id === undefined && o.email ? [o.email.toLowerCase()] : [])))];
    const { results } = emails.length
      ? await c.env.DB.prepare("SELECT id, email FROM contacts WHERE tenant_id = ? AND email IN (SELECT value FROM json_each(?))").bind(tenantId, JSON.stringify(emails)).all<{ id: string; email: string }>()
      : { results: [] };
    const byEmail = new Map(results.map((r) => [r.email, r.id]));
    const matched = orders.map((o) => ({ ...o, contact: o.contact_id ?? byEmail.get(o.email!.toLowerCase()) ?? null }));
    const rows = matched.filter((o) => o.contact !== null).map((o) => [o.order_id, o.contact, o.conversation_id ?? null, o.amount, o.currency, o.ordered_at]);
    // A customer edgedesk never spoke with cannot have converted after a conversation, so such orders are not kept.
    if (rows.length) {
      await c.env.DB.prepare(
        `INSERT INTO analytics_orders (tenant_id, order_id, contact_id, conversation_id, amount, currency, ordered_at)
         SELECT ?1, o.value->>0, o.value->>1, o.value->>2, o.value->>3, o.value->>4, o.value->>5 FROM json_each(?2) AS o WHERE true
         ON CONFLICT (tenant_id, order_id) DO UPDATE SET contact_id = excluded.contact_id, conversation_id = excluded.conversation_id,
           amount = excluded.amount, currency = excluded.currency, ordered_at = excluded.ordered_at`,
      )
        .bind(tenantId, JSON.stringify(rows))
        .run();
    }
    return c.json({ data: matched.map((o) => ({ order_id: o.order_id, matched: o.contact !== null, contact_id: o.contact })) });
  })
  .get("/settings", async (c) => c.json(await loadSettings(c.env, c.get("principal").tenantId)))
  .put("/settings", requireAuth("api"), jsonBody(AnalyticsSettings), async (c) => {
    const next = c.req.valid("json");
    const tenantId = c.get("principal").tenantId;
    await saveSettings(c.env, tenantId, next, now());
    await deskStub(c.env, tenantId).analyticsSettingsChanged(tenantId);
    return c.json(next);
  });

/** Starts of the hours, local days or local weeks (Monday) that overlap the range. */
function bucketStarts(r: Range, g: z.infer<typeof Granularity>, tz: string): number[] {
  const out: number[] = [];
  if (g === "hour") {
    for (let t = Math.floor(r.from / 3_600_000) * 3_600_000; t < r.to; t += 3_600_000) out.push(t);
    return out;
  }
  for (let day = localDay(g === "week" ? weekStart(r.from, tz) : r.from, tz); ; day = nextDay(day)) {
    const start = dayStart(day, tz);
    if (start >= r.to) return out;
    if (g === "day" || weekStart(start, tz) === start) out.push(start);
  }
}

type PatternRow = { day: string; kind: string; key: string; n: number; total: number };

/** Patterns are kept per local day of the tenant's zone: the range is widened to the whole days it touches. */
async function patternCells(c: Ctx, x: Setup): Promise<PatternRow[]> {
  const tz = x.settings.timezone;
  const last = localDay(x.range.to - 1, tz);
  const { results } = await c.env.DB.prepare("SELECT day, kind, key, n, total FROM analytics_patterns WHERE tenant_id = ? AND day >= ? AND day < ? ORDER BY day, kind, key")
    .bind(x.tenantId, localDay(x.range.from, tz), nextDay(last))
    .all<PatternRow>();
  return results;
}

function sumOf(cells: PatternRow[], kind: string): number {
  return cells.reduce((a, p) => a + (p.kind === kind ? p.n : 0), 0);
}

function groupBy<T>(list: T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of list) out.set(key(x), [...(out.get(key(x)) ?? []), x]);
  return out;
}


/**
 * Conversations of the period followed by an order of the same contact within the window (or an order that names
 * the conversation). This reads the period's conversations, not rollups: orders arrive on their own schedule.
 */
async function conversionOf(env: Env, tenantId: string, range: Range, windowDays: number, f: Filters) {
  const w = windowDays * 86_400_000;
  const where = ["a.tenant_id = ?1", "a.created_at >= ?2", "a.created_at < ?3"];
  const params: (string | number)[] = [tenantId, range.from, range.to, w];
  for (const [col, v] of [["channel", f.channel], ["queue", f.queue], ["team", f.team], ["agent", f.agent]] as const) {
    if (v === undefined) continue;
    params.push(v);
    where.push(`a.${col} = ?${params.length}`);
  }
  const attributed = `o.tenant_id = a.tenant_id AND (o.conversation_id = a.conversation_id OR (o.contact_id = a.contact_id AND o.ordered_at >= a.created_at AND o.ordered_at < a.created_at + ?4))`;
  const [counts, revenue] = await env.DB.batch<Record<string, number | string>>([
    env.DB.prepare(`SELECT count(*) AS conversations, coalesce(sum(EXISTS (SELECT 1 FROM analytics_orders AS o WHERE ${attributed})), 0) AS converted FROM analytics_conversations AS a WHERE ${where.join(" AND ")}`).bind(...params),
    env.DB.prepare(
      `SELECT o.currency AS currency, sum(o.amount) AS amount, count(*) AS orders FROM analytics_orders AS o
       WHERE o.tenant_id = ?1 AND EXISTS (SELECT 1 FROM analytics_conversations AS a WHERE ${where.join(" AND ")} AND ${attributed}) GROUP BY o.currency`,
    ).bind(...params),
  ]);
  const n = Number(counts!.results[0]?.conversations ?? 0);
  const converted = Number(counts!.results[0]?.converted ?? 0);
  return {
    window_days: windowDays,
    conversations: n,
    converted,
    rate: rate(converted, n),
    revenue: revenue!.results.map((r) => ({ currency: String(r.currency), amount: Number(r.amount), orders: Number(r.orders) })),
  };
}

type ConversationRow = {
  conversation_id: string; channel: string; contact_id: string; status: string; created_at: number; queue: string | null; team: string | null; agent: string | null;
  intent: string | null; bot: number; first_response_ms: number | null; first_human_response_ms: number | null; answered: number; abandoned: number; wait_ms: number;
  handle_ms: number; transfers: number; reopens: number; agents_count: number; resolutions: number; first_resolved_at: number | null; resolved_by: string | null;
  ended_at: number | null; csat: number | null; nps: number | null; fcr: number | null;
};

function conversationJson(r: ConversationRow) {
  return {
    conversation_id: r.conversation_id,
    channel: r.channel,
    contact_id: r.contact_id,
    status: r.status,
    created_at: iso(r.created_at),
    queue: r.queue,
    team: r.team,
    agent: r.agent,
    intent: r.intent,
    bot_handled: r.bot === 1,
    first_response_s: seconds(r.first_response_ms),
    first_human_response_s: seconds(r.first_human_response_ms),
    wait_s: seconds(r.wait_ms),
    handle_s: seconds(r.handle_ms),
    answered: r.answered > 0,
    abandoned: r.abandoned > 0,
    transfers: r.transfers,
    reopens: r.reopens,
    agents: r.agents_count,
    resolutions: r.resolutions,
    first_resolved_at: iso(r.first_resolved_at),
    resolved_by: r.resolved_by,
    ended_at: iso(r.ended_at),
    fcr: r.fcr === null ? null : r.fcr === 1,
    csat: r.csat,
    nps: r.nps,
  };
}
