import { and, eq } from "drizzle-orm";
import { db } from "../../db/client";
import { agents } from "../../db/schema";
import { deskAgent } from "../../db/desk-roster";
import { deskStub } from "../../objects/routing-desk";
import type { AnalyticsSettings } from "../../shared/analytics/settings";
import { dayStart, localDay, nextDay } from "../../shared/analytics/calendar";
import { HOUR_MS, METRIC } from "../../shared/analytics/contributions";
import { patternsOf, type PatternInput } from "../../shared/analytics/patterns";
import { loadSettings } from "../../objects/analytics-settings";
import { ALL_AGENTS } from "./query";

const DAY_MS = 24 * HOUR_MS;
/** Work per tenant and run is bounded so one run stays well inside a cron invocation; the rest waits 15 minutes. */
const MAX_DIRTY_HOURS = 2_000;
const MAX_DELETES = 5_000;
/** The agent's routing CSAT is their mean rating over this period. */
const AGENT_CSAT_DAYS = 30;

export type CronReport = { tenants: number; fcr_decided: number; days_rebuilt: number; agents_rated: number; deleted: number };

/**
 * The batch layer's periodic pass (Cron Trigger): decides first contact resolution for conversations whose window
 * has passed (again when late events touched them), rebuilds the daily rollups and behaviour patterns of days that
 * changed, refreshes the agents' routing CSAT and enforces retention. Every step is a recomputation from stored
 * rows, so a run that fails half-way or runs twice leaves the same result.
 */
export async function runAnalyticsCron(env: Env, t: number): Promise<CronReport> {
  const report: CronReport = { tenants: 0, fcr_decided: 0, days_rebuilt: 0, agents_rated: 0, deleted: 0 };
  const { results } = await env.DB.prepare(
    `SELECT t.id AS id, coalesce(s.last_run_at, 0) AS last_run_at FROM tenants AS t LEFT JOIN analytics_settings AS s ON s.tenant_id = t.id`,
  ).all<{ id: string; last_run_at: number }>();
  for (const tenant of results) {
    try {
      const settings = await loadSettings(env, tenant.id);
      report.fcr_decided += await decideFcr(env, tenant.id, settings, tenant.last_run_at, t);
      report.days_rebuilt += await rebuildDays(env, tenant.id, settings, t);
      report.agents_rated += await rateAgents(env, tenant.id, t);
      report.deleted += await enforceRetention(env, tenant.id, settings, t);
      await env.DB.prepare(
        `INSERT INTO analytics_settings (tenant_id, body, last_run_at, updated_at) VALUES (?, '{}', ?, ?)
         ON CONFLICT (tenant_id) DO UPDATE SET last_run_at = excluded.last_run_at`,
      )
        .bind(tenant.id, t, t)
        .run();
      report.tenants++;
    } catch (err) {
      // One tenant's failure must not hold back the others; its work is redone from stored rows next run.
      console.error(JSON.stringify({ level: "error", msg: "analytics cron failed for a tenant", tenant: tenant.id, error: String(err) }));
    }
  }
  return report;
}

/**
 * First contact resolution, once the window after the first resolution has passed: resolved by at most one agent,
 * not reopened within the window, and no other conversation from the same contact within it on the same intent
 * (an unknown intent on either side counts as the same: a repeat contact we cannot tell apart is not a success).
 * A conversation that arrives late for a decided window re-opens that decision.
 */
async function decideFcr(env: Env, tenantId: string, s: AnalyticsSettings, lastRunAt: number, t: number): Promise<number> {
  const w = s.fcr_window_h * HOUR_MS;
  await env.DB.prepare(
    `UPDATE analytics_conversations AS a SET fcr_dirty = 1
     WHERE a.tenant_id = ?1 AND a.fcr IS NOT NULL AND a.fcr_dirty = 0 AND a.contact_id IN (
       SELECT b.contact_id FROM analytics_conversations AS b WHERE b.tenant_id = ?1 AND b.received_at >= ?2
     ) AND EXISTS (
       SELECT 1 FROM analytics_conversations AS b WHERE b.tenant_id = ?1 AND b.contact_id = a.contact_id AND b.conversation_id != a.conversation_id
         AND b.received_at >= ?2 AND b.created_at > a.first_resolved_at AND b.created_at <= a.first_resolved_at + ?3
     )`,
  )
    .bind(tenantId, lastRunAt, w)
    .run();
  const decided = await env.DB.prepare(
    `UPDATE analytics_conversations AS a SET fcr_dirty = 0, fcr = CASE WHEN coalesce(a.agents_at_first_resolution, 0) <= 1
         AND (a.reopened_at IS NULL OR a.reopened_at > a.first_resolved_at + ?2)
         AND NOT EXISTS (
           SELECT 1 FROM analytics_conversations AS b WHERE b.tenant_id = a.tenant_id AND b.contact_id = a.contact_id
             AND b.conversation_id != a.conversation_id AND b.created_at > a.first_resolved_at AND b.created_at <= a.first_resolved_at + ?2
             AND (a.intent IS NULL OR b.intent IS NULL OR a.intent = b.intent)
         ) THEN 1 ELSE 0 END
     WHERE a.tenant_id = ?1 AND a.first_resolved_at IS NOT NULL AND a.first_resolved_at <= ?3 - ?2 AND (a.fcr IS NULL OR a.fcr_dirty = 1)
     RETURNING (first_resolved_at / ${HOUR_MS}) * ${HOUR_MS} AS hour`,
  )
    .bind(tenantId, w, t)
    .all<{ hour: number }>();
  const hours = [...new Set(decided.results.map((r) => r.hour))];
  if (!hours.length) return 0;
  const list = JSON.stringify(hours);
  // The FCR cells of an hour are rebuilt whole from the decided conversations resolved in it, so a change of mind replaces, never adds.
  await env.DB.batch([
    env.DB.prepare(`DELETE FROM rollup_hourly WHERE tenant_id = ? AND metric IN ('${METRIC.fcr}', '${METRIC.fcrEligible}') AND hour IN (SELECT value FROM json_each(?))`).bind(tenantId, list),
    env.DB.prepare(
      `INSERT INTO rollup_hourly (tenant_id, hour, channel, queue, team, agent, metric, bin, n, total)
       SELECT tenant_id, (first_resolved_at / ${HOUR_MS}) * ${HOUR_MS} AS h, channel, coalesce(queue, ''), coalesce(team, ''), coalesce(agent, ''), m.metric, 0,
         sum(CASE WHEN m.metric = '${METRIC.fcr}' THEN fcr ELSE 1 END), 0
       FROM analytics_conversations, (SELECT '${METRIC.fcr}' AS metric UNION ALL SELECT '${METRIC.fcrEligible}') AS m
       WHERE tenant_id = ?1 AND fcr IS NOT NULL AND first_resolved_at >= ?2 AND first_resolved_at < ?3 AND h IN (SELECT value FROM json_each(?4))
       GROUP BY h, channel, coalesce(queue, ''), coalesce(team, ''), coalesce(agent, ''), m.metric`,
    ).bind(tenantId, Math.min(...hours), Math.max(...hours) + HOUR_MS, list),
    env.DB.prepare("INSERT OR IGNORE INTO rollup_dirty (tenant_id, hour) SELECT ?, value FROM json_each(?)").bind(tenantId, list),
  ]);
  return decided.results.length;
}

/**
 * Daily rollups and patterns for the local days holding dirty hours. Reading the dirty hours and rebuilding happen
 * apart, but the rebuild and the clearing of exactly those marks are one transaction: an event stored after the read
 * either is in the rebuilt sums or marks its hour again.
 */
async function rebuildDays(env: Env, tenantId: string, s: AnalyticsSettings, t: number): Promise<number> {
  const { results } = await env.DB.prepare("SELECT hour FROM rollup_dirty WHERE tenant_id = ? ORDER BY hour LIMIT ?").bind(tenantId, MAX_DIRTY_HOURS).all<{ hour: number }>();
  if (!results.length) return 0;
  const tz = s.timezone;
  const hourlyFrom = t - s.retention.hourly_days * DAY_MS;
  const days = new Map<string, number[]>();
  for (const { hour } of results) {
    const day = localDay(hour, tz);
    days.set(day, [...(days.get(day) ?? []), hour]);
  }
  let rebuilt = 0;
  for (const [day, hours] of days) {
    const from = dayStart(day, tz);
    const to = dayStart(nextDay(day), tz);
    const clear = env.DB.prepare("DELETE FROM rollup_dirty WHERE tenant_id = ? AND hour IN (SELECT value FROM json_each(?))").bind(tenantId, JSON.stringify(hours));
    // A day partly past the hourly retention cannot be summed again from hours; it keeps the daily rows it has.
    if (from < hourlyFrom) {
      await clear.run();
      continue;
    }
    const patterns = patternsOf(await patternInputs(env, tenantId, from, to, s.fcr_window_h * HOUR_MS), tz);
    await env.DB.batch([
      env.DB.prepare("DELETE FROM rollup_daily WHERE tenant_id = ? AND day = ?").bind(tenantId, day),
      env.DB.prepare(
        `INSERT INTO rollup_daily (tenant_id, day, channel, queue, team, agent, metric, bin, n, total)
         SELECT tenant_id, ?2, channel, queue, team, agent, metric, bin, sum(n), sum(total) FROM rollup_hourly
         WHERE tenant_id = ?1 AND hour >= ?3 AND hour < ?4 GROUP BY channel, queue, team, agent, metric, bin`,
      ).bind(tenantId, day, from, to),
      // The same day summed over teams and agents (ALL_AGENTS): what a query neither filtered nor grouped by them
      // reads, a fraction of the rows.
      env.DB.prepare(
        `INSERT INTO rollup_daily (tenant_id, day, channel, queue, team, agent, metric, bin, n, total)
         SELECT tenant_id, ?2, channel, queue, '${ALL_AGENTS}', '${ALL_AGENTS}', metric, bin, sum(n), sum(total) FROM rollup_hourly
         WHERE tenant_id = ?1 AND hour >= ?3 AND hour < ?4 GROUP BY channel, queue, metric, bin`,
      ).bind(tenantId, day, from, to),
      env.DB.prepare("DELETE FROM analytics_patterns WHERE tenant_id = ? AND day = ?").bind(tenantId, day),
      env.DB.prepare(
        `INSERT INTO analytics_patterns (tenant_id, day, kind, key, n, total)
         SELECT ?1, ?2, p.value->>'kind', p.value->>'key', p.value->>'n', p.value->>'total' FROM json_each(?3) AS p`,
      ).bind(tenantId, day, JSON.stringify(patterns)),
      clear,
    ]);
    rebuilt++;
  }
  return rebuilt;
}

async function patternInputs(env: Env, tenantId: string, from: number, to: number, repeatWindowMs: number): Promise<PatternInput[]> {
  const { results } = await env.DB.prepare(
    `SELECT a.created_at, a.channel, a.intent, a.bot, a.resolved_by, EXISTS (
       SELECT 1 FROM analytics_conversations AS b WHERE b.tenant_id = a.tenant_id AND b.contact_id = a.contact_id
         AND b.conversation_id != a.conversation_id AND b.created_at < a.created_at AND b.created_at >= a.created_at - ?4
     ) AS repeat
     FROM analytics_conversations AS a WHERE a.tenant_id = ?1 AND a.created_at >= ?2 AND a.created_at < ?3`,
  )
    .bind(tenantId, from, to, repeatWindowMs)
    .all<{ created_at: number; channel: string; intent: string | null; bot: number; resolved_by: string | null; repeat: number }>();
  return results.map((r) => ({ ...r, bot: r.bot === 1, repeat: r.repeat === 1 }));
}

/** The agent's mean CSAT over the last 30 days becomes `csat` in their routing profile, on the roster and the desk. */
async function rateAgents(env: Env, tenantId: string, t: number): Promise<number> {
  const { results } = await env.DB.prepare(
    `SELECT agent, sum(total) * 1.0 / sum(n) AS csat FROM rollup_hourly
     WHERE tenant_id = ? AND metric = '${METRIC.csat}' AND hour >= ? AND agent != '' GROUP BY agent HAVING sum(n) > 0`,
  )
    .bind(tenantId, t - AGENT_CSAT_DAYS * DAY_MS)
    .all<{ agent: string; csat: number }>();
  const d = db(env);
  let rated = 0;
  for (const r of results) {
    const csat = Math.round(r.csat * 100) / 100;
    const updated = await d
      .update(agents)
      .set({ csat })
      .where(and(eq(agents.tenantId, tenantId), eq(agents.id, r.agent)))
      .returning();
    const row = updated[0];
    if (!row) continue;
    await deskStub(env, tenantId).upsertAgent(tenantId, deskAgent(row));
    rated++;
  }
  return rated;
}

/** Retention per tenant; R2 keeps the raw history (its lifecycle rules, not this cron, bound it). */
async function enforceRetention(env: Env, tenantId: string, s: AnalyticsSettings, t: number): Promise<number> {
  const r = s.retention;
  const tz = s.timezone;
  const bounded = (table: string, where: string) => `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE tenant_id = ?1 AND ${where} LIMIT ${MAX_DELETES})`;
  const out = await env.DB.batch([
    env.DB.prepare(bounded("events", "occurred_at < ?2")).bind(tenantId, t - r.events_days * DAY_MS),
    env.DB.prepare(bounded("rollup_hourly", "hour < ?2")).bind(tenantId, t - r.hourly_days * DAY_MS),
    env.DB.prepare(bounded("rollup_daily", "day < ?2")).bind(tenantId, localDay(t - r.daily_days * DAY_MS, tz)),
    env.DB.prepare(bounded("analytics_patterns", "day < ?2")).bind(tenantId, localDay(t - r.daily_days * DAY_MS, tz)),
    env.DB.prepare(bounded("analytics_conversations", "created_at < ?2")).bind(tenantId, t - r.conversations_days * DAY_MS),
  ]);
  return out.reduce((sum, x) => sum + (x.meta.changes ?? 0), 0);
}
