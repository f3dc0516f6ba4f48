import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { eq } from "drizzle-orm";
import type { AuthEnv } from "../http/auth";
import { HttpError, invalidField } from "../http/problem";
import { defineRoute, json, jsonBody, router } from "../http/route";
import { db } from "../../db/client";
import { agents, routingConfig } from "../../db/schema";
import { loadSettings, saveSettings } from "../../objects/analytics-settings";
import { rollupCells, type Filters, type Grouping } from "../analytics/query";
import { AnalyticsSettings, slThreshold } from "../../shared/analytics/settings";
import { AnalyticsSummary, rate, summarize, type Cell } from "../../shared/analytics/summary";
import { Bound, Granularity, MAX_RANGE_DAYS, bucketStarts, instantOf, resolveRange, type Range } from "../../shared/analytics/range";
import { localDay, nextDay } from "../../shared/analytics/calendar";
import {
  AgentsReport,
  AnalyticsTimeseries,
  BusinessReport,
  ChannelsReport,
  ConversationsReport,
  IntentsReport,
  OrdersReported,
  PatternsReport,
  QueuesReport,
  conversationMetrics,
  intentRows,
  iso,
  patternsReport,
  type Conversion,
  type ConversationRow,
  type PatternRow,
  type PeriodMetrics,
} from "../../shared/analytics/api";
import { toCsv } from "../../shared/analytics/csv";
import { TimeZone } from "../../shared/nlp/settings";
import { ChannelName } from "../../shared/message";
import { RoutingConfig, queuesOf } from "../../shared/routing-config";
import { now } from "../../shared/ids";
import { deskStub } from "../../objects/routing-desk";


const Dimension = z.string().min(1).max(64);
const Format = z.enum(["json", "csv"]).optional().describe("csv: the same rows as CSV (as with Accept: text/csv)");

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

type Ctx = Context<AuthEnv>;

/** Analytics are for integrations and for supervisors and admins; an agent sees their own work in the console. */
const supervisors = createMiddleware<AuthEnv>(async (c, next) => {
  const p = c.get("principal");
  if (p.kind === "agent" && p.role === "agent") throw new HttpError(403, "forbidden", "analytics need a supervisor or admin");
  await next();
});

const tag = ["Analytics"];

/** Every report answers JSON, or the same rows as a CSV file by Accept: text/csv or ?format=csv. */
const report = <T extends z.ZodType>(schema: T, description: string) => {
  const j = json(schema, description);
  return { ...j, content: { ...j.content, "text/csv": { schema: z.string().describe("RFC 4180, nested fields as dotted columns (csat.mean)") } } };
};

/** A report's GET: who may read it and what it answers, as one definition. */
const reportRoute = <P extends string, Q extends z.ZodObject, T extends z.ZodType>(path: P, summary: string, query: Q, schema: T) =>
  defineRoute({
    method: "get", path, tags: tag, access: ["api", "agent"], middleware: [supervisors],
    summary, request: { query },
    responses: { 200: report(schema, "The report as JSON, or its rows as CSV") },
  });

const wantsCsv = (c: Ctx, format: "json" | "csv" | undefined) => format === "csv" || (format === undefined && /\btext\/csv\b/.test(c.req.header("accept") ?? ""));

const csvFile = (rows: Record<string, unknown>[], name: string) =>
  new Response(toCsv(rows), { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="edgedesk-${name}.csv"` } });

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

export const analyticsRoutes = router()
  .openapi(reportRoute("/summary", "Headline metrics of a period", SummaryQuery, AnalyticsSummary), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS.summary);
    const s = (await summaries(c, x, "none")).get("") ?? summarize(EMPTY, () => 0);
    if (wantsCsv(c, q.format)) return csvFile([{ from: iso(x.range.from), to: iso(x.range.to), tz: x.tz, ...s }], "summary");
    return c.json(s, 200);
  })
  .openapi(reportRoute("/timeseries", "The summary per hour, day or week, every bucket of the range included", TimeseriesQuery, AnalyticsTimeseries), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS[q.granularity]);
    const byBucket = await summaries(c, x, q.granularity);
    // Every bucket of the range, empty ones too, so a chart's x axis has no gaps.
    const empty = summarize(EMPTY, () => 0);
    const buckets: AnalyticsTimeseries["buckets"] = bucketStarts(x.range, q.granularity, x.tz).map((start) => ({ start: iso(start), start_ms: start, ...(byBucket.get(String(start)) ?? empty) }));
    if (wantsCsv(c, q.format)) return csvFile(buckets, "timeseries");
    const body: AnalyticsTimeseries = { granularity: q.granularity, tz: x.tz, buckets };
    return c.json(body, 200);
  })
  .openapi(reportRoute("/agents", "The summary per agent", SummaryQuery, AgentsReport), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS.summary);
    const [byAgent, named] = await Promise.all([summaries(c, x, "agent"), names(c, x.tenantId)]);
    const data: AgentsReport["data"] = [...byAgent].filter(([id]) => id !== "").map(([id, s]) => ({ agent_id: id, name: named.agent.get(id) ?? null, ...s }));
    if (wantsCsv(c, q.format)) return csvFile(data, "agents");
    return c.json({ data }, 200);
  })
  .openapi(reportRoute("/queues", "The summary per queue", SummaryQuery, QueuesReport), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS.summary);
    const [byQueue, named] = await Promise.all([summaries(c, x, "queue"), names(c, x.tenantId)]);
    // Conversations that never entered a queue (the bot kept them) are the row without a queue.
    const data: QueuesReport["data"] = [...byQueue].map(([id, s]) => ({ queue_id: id || null, name: id ? (named.queue.get(id) ?? null) : null, ...s }));
    if (wantsCsv(c, q.format)) return csvFile(data, "queues");
    return c.json({ data }, 200);
  })
  .openapi(reportRoute("/channels", "The summary per channel", SummaryQuery, ChannelsReport), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS.summary);
    const data: ChannelsReport["data"] = [...(await summaries(c, x, "channel"))].map(([channel, s]) => ({ channel, ...s }));
    if (wantsCsv(c, q.format)) return csvFile(data, "channels");
    return c.json({ data }, 200);
  })
  .openapi(reportRoute("/intents", "Contact reasons by intent with bot containment", SummaryQuery, IntentsReport), async (c) => {
    const q = c.req.valid("query");
    const x = await context(c, q, MAX_RANGE_DAYS.summary);
    const data = intentRows(await patternCells(c, x));
    if (wantsCsv(c, q.format)) return csvFile(data, "intents");
    return c.json({ data }, 200);
  })
  .openapi(
    reportRoute(
      "/patterns",
      "Behaviour patterns: day-of-week × hour heat map, channel mix, intents by day, repeat contact, containment by intent (CSV: the daily cells)",
      SummaryQuery,
      PatternsReport,
    ),
    async (c) => {
      const q = c.req.valid("query");
      const x = await context(c, q, MAX_RANGE_DAYS.summary);
      const cells = await patternCells(c, x);
      if (wantsCsv(c, q.format)) return csvFile(cells, "patterns");
      return c.json(patternsReport(cells, x.settings.timezone, x.settings.fcr_window_h), 200);
    },
  )
  .openapi(reportRoute("/conversations", "One row per conversation with its metrics, newest first (cursor pages; CSV export)", ConversationsQuery, ConversationsReport), async (c) => {
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
    const data = page.map(conversationMetrics);
    if (wantsCsv(c, q.format)) return csvFile(data, "conversations");
    const body: ConversationsReport = { data, next_cursor: results.length > q.limit && last ? `${last.created_at}:${last.conversation_id}` : null };
    return c.json(body, 200);
  })
  .openapi(reportRoute("/business", "Response time before/after, routing right-first-time, conversion from reported orders", BusinessQuery, BusinessReport), async (c) => {
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
    const view = (cells: Cell[]): PeriodMetrics => {
      const s = summarize(cells, threshold);
      // Right first time: assigned and never transferred.
      const rightFirstTime = s.transfer_rate === null ? null : Math.round((1 - s.transfer_rate) * 10_000) / 10_000;
      return { first_response_time_s: s.first_response_time_s, first_human_response_time_s: s.first_human_response_time_s, right_first_time_rate: rightFirstTime };
    };
    const a = view(after.get("") ?? EMPTY);
    const b = view(before.get("") ?? EMPTY);
    const conversion = await conversionOf(c.env, x.tenantId, x.range, q.conversion_window_days, x.filters);
    const body: BusinessReport = {
      period: { from: iso(x.range.from), to: iso(x.range.to) },
      compared_with: { from: iso(compareFrom), to: iso(compareTo) },
      after: a,
      before: b,
      first_response_change_s: a.first_response_time_s.avg !== null && b.first_response_time_s.avg !== null ? Math.round((a.first_response_time_s.avg - b.first_response_time_s.avg) * 1000) / 1000 : null,
      conversion,
    };
    if (wantsCsv(c, q.format)) return csvFile([body], "business");
    return c.json(body, 200);
  })
  .openapi(
    defineRoute({
      method: "post", path: "/orders", tags: tag, access: ["api"], idempotent: true,
      summary: "Report orders (idempotent by order_id) for conversion; orders of unknown customers are not kept",
      request: jsonBody(ReportOrders),
      responses: { 200: json(OrdersReported, "Which orders matched a contact") },
    }),
    async (c) => {
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
      return c.json({ data: matched.map((o) => ({ order_id: o.order_id, matched: o.contact !== null, contact_id: o.contact })) }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/settings", tags: tag, access: ["api", "agent"], middleware: [supervisors],
      summary: "Analytics settings: time zone, FCR window, service-level thresholds, surveys, retention",
      responses: { 200: json(AnalyticsSettings) },
    }),
    async (c) => c.json(await loadSettings(c.env, c.get("principal").tenantId), 200),
  )
  .openapi(
    defineRoute({
      method: "put", path: "/settings", tags: tag, access: ["api"],
      summary: "Replace the analytics settings",
      request: jsonBody(AnalyticsSettings),
      responses: { 200: json(AnalyticsSettings, "The settings as stored, defaults filled in") },
    }),
    async (c) => {
      const next = c.req.valid("json");
      const tenantId = c.get("principal").tenantId;
      await saveSettings(c.env, tenantId, next, now());
      await deskStub(c.env, tenantId).analyticsSettingsChanged(tenantId);
      return c.json(next, 200);
    },
  );

/** Patterns are kept per local day of the tenant's zone: the range is widened to the whole days it touches. */
async function patternCells(c: Ctx, x: Setup): Promise<PatternRow[]> {
  const tz = x.settings.timezone;
  const last = localDay(x.range.to - 1, tz);
  const { results } = await c.env.DB.prepare("SELECT day, kind, key, n, total FROM analytics_patterns WHERE tenant_id = ? AND day >= ? AND day < ? ORDER BY day, kind, key")
    .bind(x.tenantId, localDay(x.range.from, tz), nextDay(last))
    .all<PatternRow>();
  return results;
}

/**
 * Conversations of the period followed by an order of the same contact within the window (or an order that names
 * the conversation). This reads the period's conversations, not rollups: orders arrive on their own schedule.
 */
async function conversionOf(env: Env, tenantId: string, range: Range, windowDays: number, f: Filters): Promise<Conversion> {
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
