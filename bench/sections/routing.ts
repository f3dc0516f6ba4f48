import { pureDesk, scaleDesk } from "../lib/desk-load.ts";
import { Socket } from "../lib/driver.ts";
import { log, sleep } from "../lib/log.ts";
import { Api, mapLimit } from "../lib/provision.ts";
import { LatencyRecorder, round } from "../lib/stats.ts";
import type { Section } from "./types.ts";

/**
 * routing (issue 4): how fast the routing desk decides.
 *
 * 1. The pure desk in this Node process (lib/desk-load.ts): the Durable Object cannot time its own decisions.
 * 2. End to end through `wrangler dev`: --routing-agents agents with open desk sockets (accepting every offer
 *    and resolving every assignment); a customer's first REST message -> `offer` frame on an agent socket.
 * 3. The desk object's own throughput: --routing-burst first messages posted at once.
 */

const E2E_CONCURRENCY = 1;
const E2E_WARMUP = 10;
const OFFER_TIMEOUT_MS = 20_000;

type DeskFrame = { type?: string; offer_id?: string; conversation_id?: string; status?: string; code?: string; message?: string };
type Conv = { id: string; token: string };

export const routing: Section = {
  name: "routing",
  needs: ["main"],
  async run(ctx) {
    const main = ctx.main!;
    const { args } = ctx;
    // The scale point first, on a fresh heap: a tenant's desk object has an isolate's heap to itself, not one
    // the pure-desk run below has just filled with 30 000 commands' garbage.
    const scale = await scaleDesk();
    log(`routing: ${scale.agents} agents, ${scale.waiting} waiting: decision p99 ${scale.scale_decision_p99_ms} ms, ${scale.scale_decisions_per_s} decisions per CPU second`);
    const pure = await pureDesk(args.deskRate, args.deskSeconds, args.deskAcceptMs);
    log(`routing: pure desk: ${pure.decisions_per_s} decisions per CPU second, p50 ${pure.decision_p50_ms} ms, p99 ${pure.decision_p99_ms} ms`);

    const api = new Api(main.url);
    const N = args.routingAgents;
    const M = args.routingConversations;
    const K = args.routingBurst;
    log(`routing: provisioning a tenant and ${N} agents`);
    const tenant = await api.createTenant(main.adminToken, `bench routing ${ctx.runId}`);
    const agents = await mapLimit(Array.from({ length: N }, (_, i) => i), 4, async (i) => {
      const a = await api.call<{ id: string }>("POST", "/v1/agents", tenant.api_key, {
        name: `Bench Agent ${i}`,
        email: `bench-${ctx.runId}-${i}@example.com`,
        routing: { skills: [], teams: [], languages: ["en"], capacity: { voice: 1, chat: 50, email: 10 } },
      });
      const { token } = await api.agentToken(tenant.api_key, a.id);
      return { id: a.id, token };
    });

    // Sessions are limited to 60/min per tenant and client address: each gets its own address.
    let sessionNo = 0;
    const newConversation = async (): Promise<Conv> => {
      const n = ++sessionNo;
      const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      const res = await fetch(`${api.base}/v1/widget/session`, {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": ip },
        body: JSON.stringify({ tenant_id: tenant.id, name: `Bench Visitor ${n}` }),
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok) throw new Error(`POST /v1/widget/session -> ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const session = (await res.json()) as { token: string };
      const conv = await api.widgetConversation(session.token);
      return { id: conv.id, token: session.token };
    };
    log(`routing: creating ${E2E_WARMUP + M + K} widget conversations`);
    const convs = await mapLimit(Array.from({ length: E2E_WARMUP + M + K }, (_, i) => i), 6, () => newConversation());

    // Offers: conversation id -> waiter. Agents accept every offer and resolve every assignment.
    const waiters = new Map<string, (t: number) => void>();
    const offerTimes = new Map<string, number>();
    const resolving: Promise<void>[] = [];
    const errors: string[] = [];
    let errorCount = 0;
    let offersSeen = 0;
    let assignedSeen = 0;
    let resolveFailures = 0;
    const noteError = (e: string) => {
      errorCount++;
      if (errors.length < 5) errors.push(e);
    };
    log(`routing: opening ${N} desk sockets`);
    const sockets = await mapLimit(agents, 4, async (a, i) => {
      const sock = await Socket.open(api.wsUrl(`/v1/routing/desk/ws?token=${encodeURIComponent(a.token)}`), `routing.agent[${i}]`);
      return { sock, agent: a };
    });
    const available = sockets.map(
      ({ sock, agent }) =>
        new Promise<void>((resolveAvailable, rejectAvailable) => {
          const timer = setTimeout(() => rejectAvailable(new Error(`${sock.label}: no agent_status available within 10 s`)), 10_000);
          sock.handler = (text) => {
            const t = performance.now();
            const f = JSON.parse(text) as DeskFrame;
            switch (f.type) {
              case "agent_status":
                if (f.status === "available") {
                  clearTimeout(timer);
                  resolveAvailable();
                }
                break;
              case "offer": {
                offersSeen++;
                const id = f.conversation_id!;
                if (!offerTimes.has(id)) offerTimes.set(id, t);
                waiters.get(id)?.(t);
                waiters.delete(id);
                sock.ws.send(JSON.stringify({ type: "accept", offer_id: f.offer_id }));
                break;
              }
              case "assigned": {
                assignedSeen++;
                const id = f.conversation_id!;
                resolving.push(
                  api.call("POST", `/v1/conversations/${id}/state`, agent.token, { action: "resolve" }).then(
                    () => {},
                    (err: unknown) => {
                      resolveFailures++;
                      noteError(`resolve ${id}: ${err instanceof Error ? err.message : String(err)}`);
                    },
                  ),
                );
                break;
              }
              case "error":
                noteError(`${sock.label}: ${f.code}: ${f.message}`);
                break;
            }
          };
          sock.ws.send(JSON.stringify({ type: "status", status: "available" }));
        }),
    );
    await Promise.all(available);

    let msgNo = 0;
    /** Posts the customer's first message; resolves with post -> offer ms, or null on timeout. */
    const firstMessage = (c: Conv): Promise<{ t0: number; ms: number | null }> =>
      new Promise((resolve) => {
        const t0 = performance.now();
        const timer = setTimeout(() => {
          waiters.delete(c.id);
          resolve({ t0, ms: null });
        }, OFFER_TIMEOUT_MS);
        waiters.set(c.id, (t) => {
          clearTimeout(timer);
          resolve({ t0, ms: t - t0 });
        });
        api.call("POST", `/v1/conversations/${c.id}/messages`, c.token, { client_msg_id: `${ctx.runId}.routing.${++msgNo}`, parts: [{ type: "text", text: "hi" }] }).catch((err: unknown) => {
          noteError(`post ${c.id}: ${err instanceof Error ? err.message : String(err)}`);
        });
      });

    try {
      log(`routing: new conversation -> offer, ${E2E_WARMUP} warm-up + ${M} measured, ${E2E_CONCURRENCY} at a time`);
      const e2e = new LatencyRecorder(M);
      let e2eMissing = 0;
      await mapLimit(convs.slice(0, E2E_WARMUP), E2E_CONCURRENCY, (c) => firstMessage(c));
      await mapLimit(convs.slice(E2E_WARMUP, E2E_WARMUP + M), E2E_CONCURRENCY, async (c) => {
        const r = await firstMessage(c);
        if (r.ms === null) e2eMissing++;
        else e2e.add(r.ms);
      });

      // Let every assignment resolve so the burst starts against an idle desk.
      await sleep(500);
      await Promise.all(resolving);
      const idleDeadline = performance.now() + 20_000;
      for (;;) {
        const o = await api.call<{ waiting: unknown[]; offers: unknown[]; agents: { load: { chat: number } }[] }>("GET", "/v1/routing/desk", tenant.api_key);
        const busy = o.waiting.length + o.offers.length + o.agents.reduce((n, a) => n + a.load.chat, 0);
        if (busy === 0 || performance.now() > idleDeadline) {
          if (busy) log(`routing: desk not idle before the burst (${busy} waiting/offered/assigned)`);
          break;
        }
        await sleep(250);
      }

      log(`routing: burst of ${K} first messages at once`);
      const burst = convs.slice(E2E_WARMUP + M);
      const burstLat = new LatencyRecorder(K);
      const tBurst = performance.now();
      const results = await Promise.all(burst.map((c) => firstMessage(c)));
      let burstMissing = 0;
      let lastOffer = tBurst;
      for (const r of results) {
        if (r.ms === null) burstMissing++;
        else {
          burstLat.add(r.ms);
          lastOffer = Math.max(lastOffer, r.t0 + r.ms);
        }
      }
      const burstS = (lastOffer - tBurst) / 1000;
      await sleep(500);
      await Promise.all(resolving);

      const e = e2e.summary();
      const b = burstLat.summary();
      const result = {
        ...pure,
        ...scale,
        e2e_offer_p50_ms: e.p50_ms,
        e2e_offer_p99_ms: e.p99_ms,
        e2e_offer_max_ms: e.max_ms,
        e2e_conversations: M,
        e2e_concurrency: E2E_CONCURRENCY,
        e2e_missing: e2eMissing,
        desk_offers_per_s: burstS > 0 && burstMissing < K ? round((K - burstMissing) / burstS, 1) : null,
        burst: K,
        burst_offer_p50_ms: b.p50_ms,
        burst_offer_p99_ms: b.p99_ms,
        burst_missing: burstMissing,
        // `agents` and `waiting` are the scale point's (from `scale`); the end-to-end tenant's roster is this.
        e2e_agents: N,
        offers_seen: offersSeen,
        assigned_seen: assignedSeen,
        resolve_failures: resolveFailures,
        errors: errorCount,
        ...(errors.length ? { first_errors: errors } : {}),
      };
      log(`routing: e2e offer p50 ${e.p50_ms} ms, p99 ${e.p99_ms} ms; burst of ${K}: ${result.desk_offers_per_s} offers/s`);
      return result;
    } finally {
      await Promise.all(sockets.map((s) => s.sock.close()));
    }
  },
};
