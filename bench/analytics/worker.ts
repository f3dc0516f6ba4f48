/**
 * Bench-only worker for the analytics section (bench/sections/analytics.ts). `/consume` runs the events consumer on
 * synthetic batches; `/progress` reads how far the rollups and the cron got; `/seed` writes the
 * hourly rollups a stream of synthetic events (./synthetic.ts) would have produced, computed with the consumer's
 * own `contributions()`, so the summary query runs over a month of history without a month of queueing.
 */
import { contributions } from "../../shared/analytics/contributions";
import { syntheticConversations, syntheticPresence } from "./synthetic";
import { consumeEvents } from "../../workers/consumers/events";

type Env = { DB: D1Database; ARCHIVE: R2Bucket };

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/__bench_analytics/health":
        return json({ ok: true });
      case "/__bench_analytics/consume": {
        // The events consumer itself, fed batches of 100 one-event messages as the Queues runtime would hand them over.
        const q = (await request.json()) as { tenant: string; seed: number; conversations: number };
        const events = syntheticConversations(q.tenant, q.seed, q.conversations, Date.now(), 3_600_000);
        let batches = 0;
        for (let i = 0; i < events.length; i += 100) {
          const messages = events.slice(i, i + 100).map((e) => ({ id: e.id, timestamp: new Date(), attempts: 1, body: { events: [e] }, ack() {}, retry() {} }));
          await consumeEvents({ queue: "edgedesk-events", messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<unknown>, env as unknown as Parameters<typeof consumeEvents>[1]);
          batches++;
        }
        return json({ events: events.length, batches });
      }
      case "/__bench_analytics/progress": {
        const tenant = url.searchParams.get("tenant") ?? "";
        const [done, dirty] = await env.DB.batch<{ n: number }>([
          env.DB.prepare("SELECT coalesce(sum(n), 0) AS n FROM rollup_hourly WHERE tenant_id = ? AND metric = 'conversations'").bind(tenant),
          env.DB.prepare("SELECT count(*) AS n FROM rollup_dirty WHERE tenant_id = ?").bind(tenant),
        ]);
        return json({ conversations: done!.results[0]?.n ?? 0, dirty_hours: dirty!.results[0]?.n ?? 0 });
      }
      case "/__bench_analytics/seed": {
        const q = (await request.json()) as { tenant: string; seed: number; conversations: number; from: number; span_ms: number; presence_hours: number };
        const events = [...syntheticConversations(q.tenant, q.seed, q.conversations, q.from, q.span_ms), ...syntheticPresence(q.tenant, q.seed, q.from, q.presence_hours)];
        const cells = new Map<string, number[]>();
        for (const e of events) {
          for (const c of contributions(e)) {
            const key = JSON.stringify([c.hour, c.channel, c.queue, c.team, c.agent, c.metric, c.bin]);
            const sum = cells.get(key) ?? [0, 0];
            sum[0]! += c.n;
            sum[1]! += c.total;
            cells.set(key, sum);
          }
        }
        const rows = [...cells].map(([k, [n, total]]) => [...(JSON.parse(k) as unknown[]), n, total]);
        const hours = [...new Set(rows.map((r) => r[0]))];
        const statements = [];
        for (let i = 0; i < rows.length; i += 2000) {
          statements.push(
            env.DB.prepare(
              `INSERT INTO rollup_hourly (tenant_id, hour, channel, queue, team, agent, metric, bin, n, total)
               SELECT ?1, r.value->>0, r.value->>1, r.value->>2, r.value->>3, r.value->>4, r.value->>5, r.value->>6, r.value->>7, r.value->>8 FROM json_each(?2) AS r WHERE true
               ON CONFLICT (tenant_id, hour, metric, channel, queue, team, agent, bin) DO UPDATE SET n = n + excluded.n, total = total + excluded.total`,
            ).bind(q.tenant, JSON.stringify(rows.slice(i, i + 2000))),
          );
        }
        // Marked as the consumer marks them, so the cron builds their days.
        statements.push(env.DB.prepare("INSERT OR IGNORE INTO rollup_dirty (tenant_id, hour) SELECT ?1, value FROM json_each(?2)").bind(q.tenant, JSON.stringify(hours)));
        await env.DB.batch(statements);
        return json({ events: events.length, cells: rows.length });
      }
      default:
        return json({ error: "not found" }, 404);
    }
  },
};
