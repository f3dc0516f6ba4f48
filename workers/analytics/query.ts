import type { AnalyticsSettings } from "../../shared/analytics/settings";
import type { Cell } from "../../shared/analytics/summary";
import type { Granularity, Range } from "../../shared/analytics/range";
import { dayStart, localDay, nextDay, weekStart } from "../../shared/analytics/calendar";

export type Filters = { channel?: string | undefined; queue?: string | undefined; team?: string | undefined; agent?: string | undefined };
export type Grouping = "none" | Granularity | "agent" | "queue" | "channel" | "team";

const DAY_MS = 86_400_000;

/** The team and agent of daily cells summed over every team and agent; no id can be it (shared/ids.ts Id). */
export const ALL_AGENTS = "*";

/**
 * Rollup cells of a period, summed per group. Whole local days come from the daily rollups when they are current
 * (the cron rebuilt them and no event touched them since) and the request's time zone is the tenant's; the rest
 * (edges, days with late events, other zones) from the hourly ones. Both are O(buckets): hours or days times the
 * dimension combinations present, never the events. An hour belongs to the period holding its start.
 */
export async function rollupCells(env: Env, tenantId: string, s: AnalyticsSettings, range: Range, tz: string, f: Filters, group: Grouping): Promise<Map<string, Cell[]>> {
  const { days, spans } = await plan(env, tenantId, s, range, tz, group);
  const where = filterSql(f, group);
  const byAgent = group === "agent" || group === "team" || f.team !== undefined || f.agent !== undefined;
  const statements: D1PreparedStatement[] = [];
  const key = (source: "hour" | "day") => (group === "none" ? "''" : group === "hour" || group === "day" || group === "week" ? source : group);
  for (const span of spans) {
    statements.push(
      env.DB.prepare(
        `SELECT ${key("hour")} AS k, 'h' AS src, metric, bin, queue, channel, sum(n) AS n, sum(total) AS total FROM rollup_hourly
         WHERE tenant_id = ? AND hour >= ? AND hour < ? ${where.sql} GROUP BY k, metric, bin, queue, channel`,
      ).bind(tenantId, span.from, span.to, ...where.params),
    );
  }
  if (days.length) {
    statements.push(
      env.DB.prepare(
        `SELECT ${key("day")} AS k, 'd' AS src, metric, bin, queue, channel, sum(n) AS n, sum(total) AS total FROM rollup_daily
         WHERE tenant_id = ? AND day IN (SELECT value FROM json_each(?)) AND agent ${byAgent ? "!=" : "="} '${ALL_AGENTS}' ${where.sql} GROUP BY k, metric, bin, queue, channel`,
      ).bind(tenantId, JSON.stringify(days), ...where.params),
    );
  }
  const out = new Map<string, Cell[]>();
  if (!statements.length) return out;
  type Row = Cell & { k: string | number; src: "h" | "d" };
  for (const result of await env.DB.batch<Row>(statements)) {
    for (const r of result.results) {
      const k = bucketOf(r.k, r.src, group, tz);
      const list = out.get(k) ?? [];
      list.push({ metric: r.metric, bin: r.bin, n: r.n, total: r.total, queue: r.queue, channel: r.channel });
      out.set(k, list);
    }
  }
  return out;
}

function bucketOf(k: string | number, src: "h" | "d", group: Grouping, tz: string): string {
  if (group !== "hour" && group !== "day" && group !== "week") return String(k);
  const start = src === "h" ? Number(k) : dayStart(String(k), tz);
  if (group === "hour") return String(start);
  if (group === "day") return String(src === "h" ? dayStart(localDay(start, tz), tz) : start);
  return String(weekStart(start, tz));
}

/** Agent time has no channel or queue: those filters leave it whole, and per-channel or per-queue groups leave it out. */
function filterSql(f: Filters, group: Grouping): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  const conv: string[] = [];
  if (f.channel !== undefined) {
    conv.push("channel = ?");
    params.push(f.channel);
  }
  if (f.queue !== undefined) {
    conv.push("queue = ?");
    params.push(f.queue);
  }
  if (group === "queue" || group === "channel") parts.push("metric NOT LIKE 'agent\\_%' ESCAPE '\\'");
  if (conv.length) parts.push(`(metric LIKE 'agent\\_%' ESCAPE '\\' OR (${conv.join(" AND ")}))`);
  for (const [col, v] of [["team", f.team], ["agent", f.agent]] as const) {
    if (v === undefined) continue;
    parts.push(`${col} = ?`);
    params.push(v);
  }
  return { sql: parts.map((p) => `AND ${p}`).join(" "), params };
}

async function plan(env: Env, tenantId: string, s: AnalyticsSettings, range: Range, tz: string, group: Grouping): Promise<{ days: string[]; spans: Range[] }> {
  if (tz !== s.timezone || group === "hour") return { days: [], spans: [range] };
  const { results } = await env.DB.prepare("SELECT hour FROM rollup_dirty WHERE tenant_id = ? AND hour >= ? AND hour < ?")
    .bind(tenantId, range.from - DAY_MS, range.to + DAY_MS)
    .all<{ hour: number }>();
  const dirty = new Set(results.map((r) => localDay(r.hour, tz)));
  const days: string[] = [];
  const spans: Range[] = [];
  const hourly = (from: number, to: number) => {
    const last = spans[spans.length - 1];
    if (last && last.to === from) last.to = to;
    else spans.push({ from, to });
  };
  for (let day = localDay(range.from, tz); ; day = nextDay(day)) {
    const start = dayStart(day, tz);
    if (start >= range.to) break;
    const end = dayStart(nextDay(day), tz);
    if (start >= range.from && end <= range.to && !dirty.has(day)) days.push(day);
    else hourly(Math.max(start, range.from), Math.min(end, range.to));
  }
  return { days, spans };
}
