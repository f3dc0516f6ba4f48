import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { log, sleep } from "../lib/log.ts";
import { prng } from "../lib/prng.ts";
import { Api, mapLimit } from "../lib/provision.ts";
import { LatencyRecorder, round } from "../lib/stats.ts";
import type { Section } from "./types.ts";

/**
 * webhooks_out (issue 10): outgoing webhooks to a local receiver on 127.0.0.1 that answers 20 % of requests with 500.
 *
 * One tenant, one endpoint subscribed to message.created, CONVERSATIONS conversations with MESSAGES messages each posted
 * through the API. The receiver verifies every signature with the standardwebhooks package, dedupes by webhook-id,
 * and times event → first accepted delivery (the payload's timestamp is when the conversation object stored the
 * message). After retries every event must arrive: `lost` counts those that did not within DEADLINE_MS after the
 * last post, `duplicates` the accepted deliveries of a webhook-id already accepted. `first_attempt_*` times only the
 * events accepted at their first attempt: the pipeline's own latency, without retries or waiting behind a retry.
 */
const CONVERSATIONS = 20;
const MESSAGES = 25;
const FAILURE_RATE = Number(process.env.WEBHOOKS_OUT_FAILURE_RATE ?? 0.2);
const DEADLINE_MS = 60_000;

type Receiver = { url: string; attempted: Set<string>; eventAt: Map<string, number>; firstTry: LatencyRecorder; close(): Promise<void>; requests: number; failed: number; badSignatures: number; accepted: Map<string, number>; duplicates: number; latency: LatencyRecorder; lastAcceptAt: number };

async function startReceiver(secret: () => string | null, runId: string): Promise<Receiver> {
  const random = prng(10);
  const r: Receiver = { url: "", attempted: new Set(), eventAt: new Map(), firstTry: new LatencyRecorder(CONVERSATIONS * MESSAGES), close: async () => {}, requests: 0, failed: 0, badSignatures: 0, accepted: new Map(), duplicates: 0, latency: new LatencyRecorder(CONVERSATIONS * MESSAGES), lastAcceptAt: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      r.requests++;
      const body = Buffer.concat(chunks).toString("utf8");
      const key = secret();
      let payload: { timestamp: string; data: { message?: { client_msg_id?: string } } };
      try {
        payload = new Webhook(key ?? "").verify(body, req.headers as Record<string, string>) as typeof payload;
      } catch {
        r.badSignatures++;
        res.writeHead(400).end();
        return;
      }
      const id = String(req.headers["webhook-id"]);
      const retry = r.attempted.has(id);
      r.attempted.add(id);
      r.eventAt.set(id, Date.parse(payload.timestamp));
      if (random() < FAILURE_RATE) {
        r.failed++;
        res.writeHead(500).end("injected failure");
        return;
      }
      if (r.accepted.has(id)) r.duplicates++;
      else if (payload.data.message?.client_msg_id?.startsWith(runId)) {
        const at = Date.now();
        r.accepted.set(id, at);
        r.lastAcceptAt = at;
        r.latency.add(at - Date.parse(payload.timestamp));
        if (!retry) r.firstTry.add(at - Date.parse(payload.timestamp));
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  r.close = () => new Promise((resolve) => server.close(() => resolve()));
  return r;
}

/**
 * Where the time goes, from the endpoint's delivery log: event → stored in the endpoint's object (events queue, D1
 * writes, fan-out, webhooks queue) and stored → delivered (the object's sending, retries and waiting in order).
 */
async function stageLatency(api: Api, key: string, endpointId: string, r: Receiver) {
  const toObject = new LatencyRecorder(r.accepted.size);
  const inObject = new LatencyRecorder(r.accepted.size);
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const res: { data: { id: string; created_at: number; delivered_at: number | null }[]; next_cursor: string | null } = await api.call(
      "GET",
      `/v1/webhook-endpoints/${endpointId}/deliveries?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
      key,
    );
    for (const d of res.data) {
      const at = r.eventAt.get(d.id);
      if (at !== undefined) toObject.add(d.created_at - at);
      if (d.delivered_at !== null) inObject.add(d.delivered_at - d.created_at);
    }
    if (!(cursor = res.next_cursor)) break;
  }
  const a = toObject.summary();
  const b = inObject.summary();
  return { event_to_object_p50_ms: a.p50_ms, event_to_object_p99_ms: a.p99_ms, object_to_delivery_p50_ms: b.p50_ms, object_to_delivery_p99_ms: b.p99_ms };
}

export const webhooksOut: Section = {
  name: "webhooks_out",
  needs: ["main"],
  async run(ctx) {
    const main = ctx.main!;
    const api = new Api(main.url);
    const tenant = await api.createTenant(main.adminToken, `bench webhooks_out ${ctx.runId}`);
    let secret: string | null = null;
    const receiver = await startReceiver(() => secret, ctx.runId);
    try {
      const endpoint = await api.call<{ id: string; secret: string }>("POST", "/v1/webhook-endpoints", tenant.api_key, { url: receiver.url, events: ["message.created"] });
      secret = endpoint.secret;
      const convs = await mapLimit(Array.from({ length: CONVERSATIONS }, (_, i) => i), 4, (i) =>
        api.call<{ id: string }>("POST", "/v1/conversations", tenant.api_key, { contact: { name: `bench ${i}` } }),
      );
      log(`webhooks_out: posting ${CONVERSATIONS * MESSAGES} messages over ${CONVERSATIONS} conversations`);
      const started = Date.now();
      await mapLimit(convs, CONVERSATIONS, async (c, i) => {
        for (let m = 0; m < MESSAGES; m++) {
          await api.call("POST", `/v1/conversations/${c.id}/messages`, tenant.api_key, { client_msg_id: `${ctx.runId}.${i}.${m}`, parts: [{ type: "text", text: `webhook bench ${m}` }] });
        }
      });
      const expected = CONVERSATIONS * MESSAGES;
      const posted = Date.now();
      while (receiver.accepted.size < expected && Date.now() - posted < DEADLINE_MS) await sleep(100);
      // A moment more, so a late duplicate would be counted.
      await sleep(1_000);
      const l = receiver.latency.summary();
      const stages = await stageLatency(api, tenant.api_key, endpoint.id, receiver);
      const delivered = receiver.accepted.size;
      const elapsedS = (receiver.lastAcceptAt - started) / 1000;
      log(`webhooks_out: ${delivered}/${expected} delivered, ${receiver.failed} injected failures, p99 ${l.p99_ms} ms`);
      return {
        deliveries_per_s: delivered && elapsedS > 0 ? round(delivered / elapsedS, 1) : null,
        delivery_p50_ms: l.p50_ms,
        delivery_p99_ms: l.p99_ms,
        receiver_failure_rate: receiver.requests ? round(receiver.failed / receiver.requests, 3) : null,
        delivered,
        lost: expected - delivered,
        duplicates: receiver.duplicates,
        expected,
        first_attempt_p50_ms: receiver.firstTry.summary().p50_ms,
        first_attempt_p99_ms: receiver.firstTry.summary().p99_ms,
        ...stages,
        requests: receiver.requests,
        bad_signatures: receiver.badSignatures,
        endpoint_id: endpoint.id,
      };
    } finally {
      await receiver.close();
    }
  },
};
