import { createHash, createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { CpuMeter } from "../lib/cpu.ts";
import { log, sleep } from "../lib/log.ts";
import { Api, mapLimit } from "../lib/provision.ts";
import { LatencyRecorder, round } from "../lib/stats.ts";
import { ROOT } from "../lib/wrangler.ts";
import type { Section } from "./types.ts";

/**
 * webhooks (issue 3): open-loop signed provider deliveries to POST /webhooks/<tenant>/<channel>.
 *
 * R = --webhook-rate requests/s for --webhook-seconds, spread over THREADS provider threads of one tenant
 * (each thread belongs to one channel). 5 % of the slots re-send an earlier delivery byte for byte (same body,
 * same headers), 1 % are fresh deliveries with a wrong signature. Bodies are the documented fixtures in
 * test/fixtures/<channel>/ with a unique provider message id and the thread's ids; headers are what each
 * provider sends (as test/signers/<channel>.ts compute them, with node:crypto).
 *
 * Latency: request written -> response fully read. Afterwards, once nothing changes any more, every thread's
 * conversation (id derived exactly like workers/channels/ingest.ts threadConversationId) is paged through
 * GET /v1/conversations/:id/messages and matched by client_msg_id (`<channel>:<provider message id>`).
 */

const THREADS = 200;
const DUPLICATE_SHARE = 0.05;
const BAD_SIGNATURE_SHARE = 0.01;
/** A duplicate re-sends one of the last this-many fresh deliveries (a provider retrying soon after). */
const DUPLICATE_WINDOW = 1000;
const REQUEST_TIMEOUT_MS = 30_000;
const PRIME_CONCURRENCY = 4;
const PRIME_SETTLE_MS = 3_000;

type Channel = "telegram" | "whatsapp" | "line" | "slack" | "api";
const CHANNELS: Channel[] = ["telegram", "whatsapp", "line", "slack", "api"];

type Secrets = {
  telegram: { bot_token: string; secret_token: string };
  whatsapp: { app_secret: string; verify_token: string; access_token: string; phone_number_id: string };
  line: { channel_secret: string; channel_access_token: string };
  slack: { signing_secret: string; bot_token: string };
  api: { secret: string; outbound_url: string };
};

type Delivery = {
  channel: Channel;
  thread: number;
  /** What the conversation stores as client_msg_id: `${channel}:${providerMessageId}`. */
  cmid: string;
  body: Buffer;
  bad: boolean;
  /** Built at first send (Slack and Standard Webhooks timestamps must be fresh) and reused by duplicates. */
  headers: Record<string, string> | null;
};

type Slot = { delivery: number; kind: "fresh" | "duplicate" | "bad" };

function fixture(channel: string, file: string): unknown {
  return JSON.parse(readFileSync(path.join(ROOT, "test", "fixtures", channel, file), "utf8"));
}

/** mulberry32: a small seeded PRNG, so a run's schedule is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const b64 = (n: number) => randomBytes(n).toString("base64url").replace(/[^A-Za-z0-9]/g, "x");

function secrets(): Secrets {
  return {
    telegram: { bot_token: `123456:${b64(24)}`, secret_token: b64(32) },
    whatsapp: { app_secret: b64(24), verify_token: b64(12), access_token: b64(24), phone_number_id: "106540352242922" },
    line: { channel_secret: b64(24), channel_access_token: b64(24) },
    slack: { signing_secret: b64(24), bot_token: `xoxb-${b64(16)}` },
    api: { secret: `whsec_${randomBytes(32).toString("base64")}`, outbound_url: "http://127.0.0.1:9/bench-unused" },
  };
}

/** The provider's thread id as the adapter derives it (see each adapter's parse). */
function threadKey(channel: Channel, t: number, s: Secrets): string {
  switch (channel) {
    case "telegram":
      return String(900_000_000 + t);
    case "whatsapp":
      return `${s.whatsapp.phone_number_id}:${waId(t)}`;
    case "line":
      return `Cbench${t}`;
    case "slack":
      return `TXXXXXXXX:${slackChannel(t)}`;
    case "api":
      return `bench-thread-${t}`;
  }
}
const waId = (t: number) => String(16_500_000_000 + t);
const slackChannel = (t: number) => `D0BENCH${t}`;

/** A fixture body with unique provider ids for delivery n in thread t; returns the body and the provider message id. */
function buildBody(channel: Channel, n: number, t: number, runTag: string): { body: unknown; providerMessageId: string } {
  switch (channel) {
    case "telegram": {
      const u = fixture("telegram", "text.json") as { update_id: number; message: { message_id: number; chat: { id: number }; from: { id: number }; text: string; date: number } };
      const chat = 900_000_000 + t;
      u.update_id = n;
      u.message.message_id = n;
      u.message.chat.id = chat;
      u.message.from.id = chat;
      u.message.text = `bench ${runTag} ${n}`;
      return { body: u, providerMessageId: `${chat}:${n}` };
    }
    case "whatsapp": {
      const p = fixture("whatsapp", "text.json") as { entry: { changes: { value: { contacts: { wa_id: string }[]; messages: { id: string; from: string; text: { body: string } }[] } }[] }[] };
      const v = p.entry[0]!.changes[0]!.value;
      const id = `wamid.${runTag}.${n}`;
      v.contacts[0]!.wa_id = waId(t);
      v.messages[0]!.id = id;
      v.messages[0]!.from = waId(t);
      v.messages[0]!.text.body = `bench ${runTag} ${n}`;
      return { body: p, providerMessageId: id };
    }
    case "line": {
      const p = fixture("line", "text_group.json") as { events: { webhookEventId: string; timestamp: number; source: { groupId: string; userId: string }; message: { id: string; text: string } }[] };
      const e = p.events[0]!;
      const id = `${runTag}${n}`;
      e.webhookEventId = `01BENCH${runTag}${n}`;
      e.source.groupId = `Cbench${t}`;
      e.source.userId = `Ubench${t}`;
      e.message.id = id;
      return { body: p, providerMessageId: id };
    }
    case "slack": {
      const p = fixture("slack", "message.json") as { event_id: string; event: { channel: string; channel_type?: string; user: string; text: string; ts: string } };
      const ts = `${1_700_000_000 + Math.floor(n / 1_000_000)}.${String(n % 1_000_000).padStart(6, "0")}`;
      p.event_id = `Ev${runTag}${n}`;
      p.event.channel = slackChannel(t);
      p.event.channel_type = "im";
      p.event.user = `U0BENCH${t}`;
      p.event.text = `bench ${runTag} ${n}`;
      p.event.ts = ts;
      return { body: p, providerMessageId: `${slackChannel(t)}:${ts}` };
    }
    case "api": {
      const p = fixture("api", "message-text.json") as { thread_id: string; message_id: string; contact: { external_id: string }; parts: { type: string; text: string }[] };
      const id = `m_${runTag}_${n}`;
      p.thread_id = `bench-thread-${t}`;
      p.message_id = id;
      p.contact.external_id = `cust_bench_${t}`;
      p.parts[0]!.text = `bench ${runTag} ${n}`;
      return { body: p, providerMessageId: id };
    }
  }
}

/** The headers each provider sends (test/signers/<channel>.ts); `bad` signs with a wrong secret. */
function sign(d: Delivery, s: Secrets, webhookId: string): Record<string, string> {
  const wrong = (secret: string) => (d.bad ? `${secret}-wrong` : secret);
  const hmac = (key: string | Buffer) => createHmac("sha256", key);
  switch (d.channel) {
    case "telegram":
      return { "content-type": "application/json", "x-telegram-bot-api-secret-token": wrong(s.telegram.secret_token) };
    case "whatsapp":
      return { "content-type": "application/json", "x-hub-signature-256": `sha256=${hmac(wrong(s.whatsapp.app_secret)).update(d.body).digest("hex")}` };
    case "line":
      return { "content-type": "application/json; charset=utf-8", "x-line-signature": hmac(wrong(s.line.channel_secret)).update(d.body).digest("base64") };
    case "slack": {
      const ts = String(Math.floor(Date.now() / 1000));
      const sig = hmac(wrong(s.slack.signing_secret)).update(`v0:${ts}:`).update(d.body).digest("hex");
      return { "content-type": "application/json", "x-slack-request-timestamp": ts, "x-slack-signature": `v0=${sig}` };
    }
    case "api": {
      const ts = Math.floor(Date.now() / 1000);
      const key = Buffer.from(s.api.secret.slice("whsec_".length), "base64");
      if (d.bad) key[0] = key[0]! ^ 0xff;
      const sig = hmac(key).update(`${webhookId}.${ts}.`).update(d.body).digest("base64");
      return { "content-type": "application/json", "webhook-id": webhookId, "webhook-timestamp": String(ts), "webhook-signature": `v1,${sig}` };
    }
  }
}

export function conversationIdOf(tenantId: string, channel: string, thread: string): string {
  return `cnv_${createHash("sha256").update(`${tenantId}\u0000${channel}\u0000${thread}`).digest("hex").slice(0, 32)}`;
}

type Reply = { status: number; ms: number };

function post(agent: http.Agent, url: URL, body: Buffer, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { ...headers, "content-length": String(body.length) }, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
        res.on("error", () => resolve({ status: 0, ms: performance.now() - t0 }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(body);
  });
}

/**
 * The same open-loop schedule against the floor worker's bare HTTP endpoint: what one HTTP request costs
 * through `wrangler dev` on this machine before any edgedesk code runs.
 */
async function httpFloor(floorUrl: string, pgid: number | null, bodies: Buffer[], rate: number, total: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(`${floorUrl}/__bench_floor/http`);
  const lat = new LatencyRecorder(total);
  const cpu = new CpuMeter(pgid ? [pgid] : []);
  const done: Promise<void>[] = [];
  const tStart = performance.now();
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      while (next < total && tStart + (next * 1000) / rate <= performance.now()) {
        const body = bodies[next++ % bodies.length]!;
        done.push(post(agent, url, body, { "content-type": "application/json" }).then((r) => lat.add(r.ms)));
      }
      if (next < total) setTimeout(tick, Math.max(0, tStart + (next * 1000) / rate - performance.now()));
      else resolve();
    };
    tick();
  });
  await Promise.all(done);
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
    const done: Promise<void>[] = [];
    const interval = 1000 / rate;
    const tStart = performance.now();
    await new Promise<void>((resolve) => {
      let next = 0;
      const tick = () => {
        const t = performance.now();
        while (next < total && tStart + next * interval <= t) {
          const i = next++;
          const slot = slots[i]!;
          const d = deliveries[slot.delivery]!;
          d.headers ??= sign(d, s, `msg_${runTag}_${slot.delivery}`);
          sendLag.add(performance.now() - (tStart + i * interval));
          done.push(
            post(agent, urls[d.channel], d.body, d.headers).then((r) => {
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
            }),
          );
        }
        if (next < total) setTimeout(tick, Math.max(0, tStart + next * interval - performance.now()));
        else resolve();
      };
      tick();
    });
    const sendSeconds = (performance.now() - tStart) / 1000;
    await Promise.all(done);
    const wallSeconds = (performance.now() - tStart) / 1000;
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
