import { AnalyticsSettings, DEFAULT_ANALYTICS_SETTINGS } from "../shared/analytics/settings";

/** A tenant's analytics settings; a tenant that never set them has the defaults. */
export async function loadSettings(env: Env, tenantId: string): Promise<AnalyticsSettings> {
  const row = await env.DB.prepare("SELECT body FROM analytics_settings WHERE tenant_id = ?").bind(tenantId).first<{ body: string }>();
  return row ? AnalyticsSettings.parse(JSON.parse(row.body)) : DEFAULT_ANALYTICS_SETTINGS;
}

/**
 * Stores new settings. A new time zone moves every local day, so each hour still held hourly is marked for the
 * cron to rebuild its day and patterns in the new zone; days older than the hourly retention keep the old zone's
 * boundaries.
 */
export async function saveSettings(env: Env, tenantId: string, next: AnalyticsSettings, t: number): Promise<void> {
  const before = await loadSettings(env, tenantId);
  const body = JSON.stringify(next);
  const upsert = env.DB.prepare(
    `INSERT INTO analytics_settings (tenant_id, body, last_run_at, updated_at) VALUES (?, ?, 0, ?)
     ON CONFLICT (tenant_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
  ).bind(tenantId, body, t);
  if (before.timezone === next.timezone) {
    await upsert.run();
    return;
  }
  await env.DB.batch([
    upsert,
    env.DB.prepare("INSERT OR IGNORE INTO rollup_dirty (tenant_id, hour) SELECT DISTINCT tenant_id, hour FROM rollup_hourly WHERE tenant_id = ?").bind(tenantId),
    env.DB.prepare("INSERT OR IGNORE INTO rollup_dirty (tenant_id, hour) SELECT DISTINCT tenant_id, (created_at / 3600000) * 3600000 FROM analytics_conversations WHERE tenant_id = ?").bind(tenantId),
  ]);
}
