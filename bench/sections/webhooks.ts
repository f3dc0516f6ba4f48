import http from "node:http";
import { CpuMeter } from "../lib/cpu.ts";
import { log, sleep } from "../lib/log.ts";
import { openLoop, post } from "../lib/open-loop.ts";
import { prng } from "../lib/prng.ts";
import { Api, mapLimit } from "../lib/provision.ts";
import { LatencyRecorder, round } from "../lib/stats.ts";
import { buildBody, CHANNELS, conversationIdOf, secrets, sign, threadKey, type Channel, type Delivery } from "../lib/webhook-payloads.ts";
import type { Section } from "./types.ts";

/**
 * webhooks (issue 3): open-loop signed provider deliveries to POST /webhooks/<tenant>/<channel>.
 *
 * R = --webhook-rate requests/s for --webhook-seconds, spread over THREADS provider threads of one tenant
 * (each thread belongs to one channel). 5 % of the slots re-send an earlier delivery byte for byte (same body,
 * same headers), 1 % are fresh deliveries with a wrong signature (bodies and signatures: lib/webhook-payloads.ts).
 *
 * Latency: request written -> response fully read. Afterwards, once nothing changes any more, every thread's
 * conversation is paged through GET /v1/conversations/:id/messages and matched by client_msg_id
 * (`<channel>:<provider message id>`).
 */

const THREADS = 200;
const DUPLICATE_SHARE = 0.05;
const BAD_SIGNATURE_SHARE = 0.01;
/** A duplicate re-sends one of the last this-many fresh deliveries (a provider retrying soon after). */
const DUPLICATE_WINDOW = 1000;
const PRIME_CONCURRENCY = 4;
const PRIME_SETTLE_MS = 3_000;

type Slot = { delivery: number; kind: "fresh" | "duplicate" | "bad" };

/**
 * The same open-loop schedule against the floor worker's bare HTTP endpoint: what one HTTP request costs
 * through `wrangler dev` on this machine before any edgedesk code runs.
 */
async function httpFloor(floorUrl: string, pgid: number | null, bodies: Buffer[], rate: number, total: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(`${floorUrl}/__bench_floor/http`);
  const lat = new LatencyRecorder(total);
  const cpu = new CpuMeter(pgid ? [pgid] : []);
  await openLoop(rate, total, (i) => post(agent, url, bodies[i % bodies.length]!, { "content-type": "application/json" }).then((r) => lat.add(r.ms)));
  agent.destroy();
  const l = lat.summary();
  return { ack_p50_ms: l.p50_ms, ack_p99_ms: l.p99_ms, ...cpu.read(total) };
}

type Stored = { byCmid: Map<string, number>; foreign: number; missingConversations: number; total: number };

async function readStored(api: Api, apiKey: string, convs: string[], known: Set<string>): Promise<Stored> {
  const byCmid = new Map<string, number>();
  let foreign = 0;
  let missingConversations = 0;
  let total = 0;
  await mapLimit(convs, 8, async (id) => {
    let after = 0;
    for (;;) {
      const res = await fetch(`${api.base}/v1/conversations/${id}/messages?limit=500&after_seq=${after}`, { headers: { authorization: `Bearer ${apiKey}` }, signal: AbortSignal.timeout(30_000) });
      if (res.status === 404) {
        await res.arrayBuffer();
        missingConversations++;
        return;
      }
      if (!res.ok) throw new Error(`GET messages of ${id} -> ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const page = (await res.json()) as { data: { client_msg_id: string }[]; next_after_seq: number | null };
      for (const m of page.data) {
        total++;
        if (known.has(m.client_msg_id)) byCmid.set(m.client_msg_id, (byCmid.get(m.client_msg_id) ?? 0) + 1);
        else foreign++;
      }
      if (page.next_after_seq === null) return;
      after = page.next_after_seq;
    }
  });
  return { byCmid, foreign, missingConversations, total };
}

export const webhooks: Section = {
  name: "webhooks",
  needs: ["main", "floor"],
  async run(ctx) {
    const main = ctx.main!;
    const { args } = ctx;
    const api = new Api(main.url);
    const rate = args.webhookRate;
    const seconds = args.webhookSeconds;
    const total = Math.round(rate * seconds);
    const runTag = ctx.runId.replace(/[^A-Za-z0-9]/g, "");

    log(`webhooks: provisioning a tenant and ${CHANNELS.length} channels (${CHANNELS.join(", ")})`);
    const tenant = await api.createTenant(main.adminToken, `bench webhooks ${ctx.runId}`);
    const s = secrets();
    for (const ch of CHANNELS) await api.call("PUT", `/v1/channels/${ch}`, tenant.api_key, { config: s[ch] });

    // The schedule: exact shares of duplicates and bad signatures, shuffled with a seeded PRNG.
    const rnd = prng(0x5eed ^ total);
    const dupCount = Math.round(total * DUPLICATE_SHARE);
    const badCount = Math.round(total * BAD_SIGNATURE_SHARE);
    const kinds: Slot["kind"][] = [...Array<Slot["kind"]>(dupCount).fill("duplicate"), ...Array<Slot["kind"]>(badCount).fill("bad")];
    while (kinds.length < total) kinds.push("fresh");
    for (let i = kinds.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
    }
    // A duplicate needs an earlier fresh delivery to repeat.
    const firstFresh = kinds.indexOf("fresh");
    if (firstFresh > 0) [kinds[0], kinds[firstFresh]] = [kinds[firstFresh]!, kinds[0]!];

    const deliveries: Delivery[] = [];
    const fresh: number[] = [];
    const slots: Slot[] = [];
    const addDelivery = (thread: number, bad: boolean): number => {
      const n = deliveries.length + 1;
      const channel = CHANNELS[thread % CHANNELS.length]!;
      const { body, providerMessageId } = buildBody(channel, n, thread, runTag);
      deliveries.push({ channel, thread, cmid: `${channel}:${providerMessageId}`.slice(0, 128), body: Buffer.from(JSON.stringify(body)), bad, headers: null });
      if (!bad) fresh.push(deliveries.length - 1);
      return deliveries.length - 1;
    };
    // Priming: one delivery per thread before the measurement, so it measures deliveries to existing
    // conversations; the first delivery of a thread (which creates its conversation) is timed separately.
    const primed = args.webhookPrime ? Array.from({ length: THREADS }, (_, t) => addDelivery(t, false)) : [];
    for (const kind of kinds) {
      if (kind === "duplicate") {
        const lo = Math.max(0, fresh.length - DUPLICATE_WINDOW);
        slots.push({ kind, delivery: fresh[lo + Math.floor(rnd() * (fresh.length - lo))]! });
        continue;
      }
      slots.push({ kind, delivery: addDelivery(Math.floor(rnd() * THREADS), kind === "bad") });
    }
    const urls = Object.fromEntries(CHANNELS.map((ch) => [ch, new URL(`${main.url}/webhooks/${tenant.id}/${ch}`)])) as Record<Channel, URL>;

    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const latency = new LatencyRecorder(total);
    const badLatency = new LatencyRecorder(badCount);
    const sendLag = new LatencyRecorder(total);
    const statusCounts: Record<string, number> = {};
    let non2xxGood = 0;
    let badAnswered2xx = 0;
    const badAccepted = new Set<number>();
    const firstErrors: string[] = [];
    /** Ack latencies of valid requests per second of the schedule, to show a warm-up or a backlog building. */
    const perSecond: number[][] = Array.from({ length: Math.ceil(seconds) }, () => []);

    // Warm the path (isolate, channel config cache, one conversation per channel) outside the measurement.
    log("webhooks: warming up");
    for (const ch of CHANNELS) {
      const { body } = buildBody(ch, 0, THREADS, `${runTag}w`);
      const d: Delivery = { channel: ch, thread: THREADS, cmid: "", body: Buffer.from(JSON.stringify(body)), bad: false, headers: null };
      const r = await post(agent, urls[ch], d.body, sign(d, s, `msg_${runTag}_warm_${ch}`));
      if (r.status < 200 || r.status >= 300) throw new Error(`warm-up delivery to ${ch} answered ${r.status}`);
    }

    const createLat = new LatencyRecorder(THREADS);
    let primeFailures = 0;
    if (primed.length) {
      log(`webhooks: priming ${primed.length} threads (first delivery creates the conversation), ${PRIME_CONCURRENCY} at a time`);
      await mapLimit(primed, PRIME_CONCURRENCY, async (i) => {
        const d = deliveries[i]!;
        d.headers = sign(d, s, `msg_${runTag}_${i}`);
        const r = await post(agent, urls[d.channel], d.body, d.headers);
        if (r.status >= 200 && r.status < 300) createLat.add(r.ms);
        else primeFailures++;
      });
      // Let what the new conversations set off (event envelopes, desk enqueues) settle.
      await sleep(PRIME_SETTLE_MS);
    }

    log(`webhooks: ${total} requests at ${rate}/s for ${seconds} s over ${THREADS} threads (${dupCount} duplicates, ${badCount} bad signatures)`);
    const cpu = new CpuMeter(main.pgid ? [main.pgid] : []);
    const { sendSeconds, wallSeconds } = await openLoop(rate, total, (i, due) => {
      const slot = slots[i]!;
      const d = deliveries[slot.delivery]!;
      d.headers ??= sign(d, s, `msg_${runTag}_${slot.delivery}`);
      sendLag.add(performance.now() - due);
      return post(agent, urls[d.channel], d.body, d.headers).then((r) => {
        const key = r.status === 0 ? "error" : String(r.status);
        statusCounts[key] = (statusCounts[key] ?? 0) + 1;
        const ok = r.status >= 200 && r.status < 300;
        if (slot.kind === "bad") {
          badLatency.add(r.ms);
          if (ok) {
            badAnswered2xx++;
            badAccepted.add(slot.delivery);
          }
          return;
        }
        latency.add(r.ms);
        perSecond[Math.min(perSecond.length - 1, Math.floor(i / rate))]!.push(r.ms);
        if (!ok) {
          non2xxGood++;
          if (firstErrors.length < 5) firstErrors.push(`${d.channel} ${slot.kind} -> ${key}`);
        }
      });
    });
    const usage = cpu.read(total);
    agent.destroy();
    log(`webhooks: all ${total} answered in ${wallSeconds.toFixed(1)} s (${JSON.stringify(statusCounts)})`);

    // Count what was stored once the system is quiet (buffered deliveries are applied by the inbound queue).
    const threadsUsed = new Map<string, string>();
    for (const d of deliveries) threadsUsed.set(`${d.channel}\u0000${d.thread}`, conversationIdOf(tenant.id, d.channel, threadKey(d.channel, d.thread, s)));
    const convs = [...new Set(threadsUsed.values())];
    const known = new Set(deliveries.map((d) => d.cmid));
    // Quiet: the counts did not change over two polls in a row (or once, when everything expected is there).
    const complete = (x: Stored) => fresh.every((i) => x.byCmid.has(deliveries[i]!.cmid));
    let stored = await readStored(api, tenant.api_key, convs, known);
    const quietDeadline = performance.now() + 60_000;
    for (let unchanged = 0; ; ) {
      await sleep(1500);
      const again = await readStored(api, tenant.api_key, convs, known);
      unchanged = again.total === stored.total && again.missingConversations === stored.missingConversations ? unchanged + 1 : 0;
      stored = again;
      if (unchanged >= 2 || (unchanged >= 1 && complete(stored))) break;
      if (performance.now() > quietDeadline) {
        log("webhooks: stored counts still changing after 60 s; counting what is there");
        break;
      }
    }

    let storedUnique = 0;
    let duplicatesStored = 0;
    const expected = fresh.length;
    for (const i of fresh) {
      const c = stored.byCmid.get(deliveries[i]!.cmid) ?? 0;
      if (c > 0) storedUnique++;
      if (c > 1) duplicatesStored += c - 1;
    }
    for (let i = 0; i < deliveries.length; i++) {
      const d = deliveries[i]!;
      if (!d.bad) continue;
      const c = stored.byCmid.get(d.cmid) ?? 0;
      if (c > 0) badAccepted.add(i);
      if (c > 1) duplicatesStored += c - 1;
    }
    const lat = latency.summary();
    const lag = sendLag.summary();
    const result = {
      rate_rps: rate,
      seconds,
      requests: total,
      achieved_rps: round(total / sendSeconds, 1),
      ack_p50_ms: lat.p50_ms,
      ack_p99_ms: lat.p99_ms,
      ack_p999_ms: lat.p999_ms,
      ack_max_ms: lat.max_ms,
      ack_mean_ms: lat.mean_ms,
      ack_p50_ms_by_second: perSecond.map((xs) => (xs.length ? round(xs.sort((a, b) => a - b)[Math.ceil(xs.length / 2) - 1]!, 1) : null)),
      bad_signature_p50_ms: badLatency.summary().p50_ms,
      non_2xx_good: non2xxGood + primeFailures,
      primed_threads: primed.length,
      create_p50_ms: createLat.summary().p50_ms,
      create_p99_ms: createLat.summary().p99_ms,
      statuses: statusCounts,
      stored: storedUnique,
      expected_stored: expected,
      duplicates_sent: dupCount,
      duplicates_stored: duplicatesStored,
      bad_signatures_sent: badCount,
      bad_signatures_accepted: badAccepted.size,
      bad_signatures_answered_2xx: badAnswered2xx,
      lost: expected - storedUnique,
      foreign_stored: stored.foreign,
      conversations: convs.length,
      conversations_missing: stored.missingConversations,
      channels: CHANNELS,
      send_lag_p99_ms: lag.p99_ms,
      send_lag_max_ms: lag.max_ms,
      ...(firstErrors.length ? { first_errors: firstErrors } : {}),
      client_cpu_pct: usage.client_cpu_pct,
      server_cpu_pct: usage.server_cpu_pct,
      server_cpu_ms_per_request: usage.server_cpu_ms_per_msg,
    };
    log(`webhooks: ack p50 ${lat.p50_ms} ms, p99 ${lat.p99_ms} ms; stored ${storedUnique}/${expected}, duplicates stored ${duplicatesStored}, bad accepted ${badAccepted.size}`);
    if (!ctx.floor) return result;
    log(`webhooks: the same schedule against the floor's bare HTTP endpoint`);
    const floor = await httpFloor(ctx.floor.url, ctx.floor.pgid, deliveries.slice(0, 500).map((d) => d.body), rate, total);
    log(`webhooks: http floor ack p50 ${floor.ack_p50_ms} ms, p99 ${floor.ack_p99_ms} ms, ${floor.server_cpu_ms_per_msg} server CPU ms/request`);
    return { ...result, http_floor: { ack_p50_ms: floor.ack_p50_ms, ack_p99_ms: floor.ack_p99_ms, server_cpu_ms_per_request: floor.server_cpu_ms_per_msg } };
  },
};
