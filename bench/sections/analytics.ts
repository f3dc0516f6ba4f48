import { groupCpuSeconds } from "../lib/cpu.ts";
import { log, sleep } from "../lib/log.ts";
import { Api, mapLimit } from "../lib/provision.ts";
import { WranglerDev, freePort } from "../lib/wrangler.ts";
import { LatencyRecorder, round } from "../lib/stats.ts";
import type { Section } from "./types.ts";

/**
 * analytics (issue 8), through `wrangler dev`:
 * 1. throughput: the events consumer (workers/consumers/events.ts) run by the seeder worker on batches of 100
 *    one-event messages of synthetic conversations, into the shared local D1; then, end to end, conversations
 *    created through the REST API until the rollups count them all (object → queue → consumer);
 * 2. lag: conversations created at a steady rate, each one's time from the API's acknowledgement until the rollups
 *    count it (sampled every 20 ms);
 * 3. summary: 30 days holding 1,000,000 seeded events (rollups computed with the consumer's contributions() by
 *    bench/analytics/worker.ts, a second `wrangler dev` on the same local D1; days built by the real cron), then the
 *    p99 of GET /v1/analytics/summary over the whole month.
 */

const SEEDED_EVENTS = 1_000_000;
const DAYS = 30;
const CONSUMER_CONVERSATIONS = 2_000;
const BURST_CONVERSATIONS = 1_000;
const BURST_CONCURRENCY = 16;
const LAG_SECONDS = 10;
const LAG_PER_S = 20;
const SUMMARY_QUERIES = 200;

type Progress = { conversations: number; dirty_hours: number };

export const analytics: Section = {
  name: "analytics",
  needs: ["main"],
  async run(ctx) {
    const main = ctx.main!;
    const api = new Api(main.url);
    if (!main.persistTo) throw new Error("the analytics section seeds the local D1: run it against a main it starts, not --url");
    const port = await freePort(ctx.args.port + 2, new Set());
    const seeder = await WranglerDev.start({ label: "analytics-seeder", configs: ["bench/analytics/wrangler.toml"], port, inspectorPort: await freePort(ctx.args.port + 102, new Set([port])), persistTo: main.persistTo, healthPath: "/__bench_analytics/health" });
    try {
      return await measure(ctx.runId, main, api, seeder.url, seeder.pid);
    } finally {
      await seeder.stop();
    }
  },
};

async function measure(runId: string, main: { url: string; pgid: number | null; adminToken: string }, api: Api, seederUrl: string, seederPgid: number | null) {
    const bench = (path: string, body?: unknown) =>
      fetch(`${seederUrl}/__bench_analytics/${path}`, { method: body === undefined ? "GET" : "POST", ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }), signal: AbortSignal.timeout(300_000) }).then(async (r) => {
        if (!r.ok) throw new Error(`/__bench_analytics/${path} -> ${r.status}: ${(await r.text()).slice(0, 300)}`);
        return r.json() as Promise<any>;
      });
    const tenant = await api.createTenant(main.adminToken, `bench analytics ${runId}`);
    const progress = (): Promise<Progress> => bench(`progress?tenant=${tenant.id}`);
    let made = 0;
    const create = () => api.call("POST", "/v1/conversations", tenant.api_key, { contact: { name: `Bench ${++made}` } });
    const until = async (goal: number, timeoutMs: number) => {
      const stop = Date.now() + timeoutMs;
      for (;;) {
        const p = await progress();
        if (p.conversations >= goal) return p;
        if (Date.now() > stop) throw new Error(`rollups stopped at ${p.conversations} of ${goal} conversations`);
        await sleep(20);
      }
    };

    log(`analytics: consumer: ${CONSUMER_CONVERSATIONS} conversations' events in batches of 100 messages`);
    const consumerTenant = await api.createTenant(main.adminToken, `bench analytics consumer ${runId}`);
    const c0 = seederPgid ? groupCpuSeconds(seederPgid) : null;
    const tc = performance.now();
    const consumed = await bench("consume", { tenant: consumerTenant.id, seed: 7, conversations: CONSUMER_CONVERSATIONS });
    const consumerS = (performance.now() - tc) / 1000;
    const c1 = seederPgid ? groupCpuSeconds(seederPgid) : null;
    const eventsPerS = round(consumed.events / consumerS, 0);
    log(`analytics: ${consumed.events} events in ${consumed.batches} batches, ${round(consumerS, 2)} s: ${eventsPerS} events/s`);

    log(`analytics: end to end: ${BURST_CONVERSATIONS} conversations created through the API at concurrency ${BURST_CONCURRENCY}`);
    const cpu0 = main.pgid ? groupCpuSeconds(main.pgid) : null;
    const t0 = performance.now();
    await mapLimit(Array.from({ length: BURST_CONVERSATIONS }), BURST_CONCURRENCY, create);
    await until(BURST_CONVERSATIONS, 300_000);
    const burstS = (performance.now() - t0) / 1000;
    const cpu1 = main.pgid ? groupCpuSeconds(main.pgid) : null;
    const e2ePerS = round(BURST_CONVERSATIONS / burstS, 0);
    log(`analytics: ${BURST_CONVERSATIONS} conversations in ${round(burstS, 2)} s: ${e2ePerS}/s`);

    log(`analytics: lag at ${LAG_PER_S} conversations/s for ${LAG_SECONDS} s`);
    const lag = new LatencyRecorder(LAG_SECONDS * LAG_PER_S);
    const acked: { at: number; goal: number }[] = [];
    let goal = BURST_CONVERSATIONS;
    let sending = true;
    const poller = (async () => {
      while (sending || acked.length) {
        const p = await progress();
        const t = performance.now();
        while (acked.length && p.conversations >= acked[0]!.goal) lag.add(t - acked.shift()!.at);
        await sleep(20);
      }
    })();
    for (let i = 0; i < LAG_SECONDS * LAG_PER_S; i++) {
      const next = performance.now() + 1000 / LAG_PER_S;
      await create();
      acked.push({ at: performance.now(), goal: ++goal });
      await sleep(Math.max(0, next - performance.now()));
    }
    sending = false;
    await Promise.race([poller, sleep(60_000).then(() => Promise.reject(new Error("lag events never reached the rollups")))]);
    const lagSummary = lag.summary();
    log(`analytics: lag p50 ${lagSummary.p50_ms} ms, p99 ${lagSummary.p99_ms} ms over ${lagSummary.count} events`);

    log(`analytics: seeding ${SEEDED_EVENTS} events over ${DAYS} days`);
    const seedTenant = await api.createTenant(main.adminToken, `bench analytics history ${runId}`);
    const to = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const from = to - DAYS * 86_400_000;
    let seeded = 0;
    for (let chunk = 0; seeded < SEEDED_EVENTS; chunk++) {
      const r = await bench("seed", { tenant: seedTenant.id, seed: 1000 + chunk, conversations: 10_000, from, span_ms: DAYS * 86_400_000, presence_hours: chunk === 0 ? DAYS * 24 : 0 });
      seeded += r.events;
    }
    // The real cron builds the daily rollups the summary reads for whole days.
    const cron = await fetch(`${main.url}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
    if (!cron.ok) throw new Error(`/__scheduled -> ${cron.status}`);
    for (let stop = Date.now() + 120_000; (await bench(`progress?tenant=${seedTenant.id}`)).dirty_hours > 0; ) {
      if (Date.now() > stop) throw new Error("the cron did not build the seeded days");
      await sleep(200);
    }
    const summary = new LatencyRecorder(SUMMARY_QUERIES);
    const query = `/v1/analytics/summary?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    let conversations = 0;
    for (let i = 0; i < SUMMARY_QUERIES; i++) {
      const at = performance.now();
      conversations = (await api.call<{ conversations: number }>("GET", query, seedTenant.api_key)).conversations;
      summary.add(performance.now() - at);
    }
    const s = summary.summary();
    // The same month as whole UTC days (the tenant's zone), what a dashboard's date picker asks: daily cells only.
    const days = new LatencyRecorder(SUMMARY_QUERIES);
    const dayQuery = `/v1/analytics/summary?from=${new Date(from + 86_400_000).toISOString().slice(0, 10)}&to=${new Date(to - 86_400_000).toISOString().slice(0, 10)}`;
    for (let i = 0; i < SUMMARY_QUERIES; i++) {
      const at = performance.now();
      await api.call("GET", dayQuery, seedTenant.api_key);
      days.add(performance.now() - at);
    }
    const d = days.summary();
    log(`analytics: summary over whole days: p50 ${d.p50_ms} ms, p99 ${d.p99_ms} ms`);
    log(`analytics: summary over ${DAYS} days (${conversations} conversations): p50 ${s.p50_ms} ms, p99 ${s.p99_ms} ms`);
    return {
      events_per_s: eventsPerS,
      consumer_cpu_ms_per_event: c0 !== null && c1 !== null ? round(((c1 - c0) * 1000) / consumed.events, 3) : null,
      // The whole path of a conversation's creation: the REST request, the conversation object, the queue and the consumer.
      e2e_conversations_per_s: e2ePerS,
      e2e_cpu_ms_per_conversation: cpu0 !== null && cpu1 !== null ? round(((cpu1 - cpu0) * 1000) / BURST_CONVERSATIONS, 3) : null,
      lag_p50_ms: lagSummary.p50_ms === null ? null : round(lagSummary.p50_ms, 1),
      lag_p99_ms: lagSummary.p99_ms === null ? null : round(lagSummary.p99_ms, 1),
      summary_p50_ms: s.p50_ms === null ? null : round(s.p50_ms, 2),
      summary_p99_ms: s.p99_ms === null ? null : round(s.p99_ms, 2),
      summary_whole_days_p50_ms: d.p50_ms === null ? null : round(d.p50_ms, 2),
      summary_whole_days_p99_ms: d.p99_ms === null ? null : round(d.p99_ms, 2),
      events_seeded: seeded,
      days: DAYS,
      reference: { lag_p99_ms: 2000, summary_p99_ms: 100 },
    };
}
