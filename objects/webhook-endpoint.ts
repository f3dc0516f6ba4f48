import { DurableObject } from "cloudflare:workers";
import { WebhookEndpointStore, viewOf, type DeliveryRow, type DeliveryState, type DeliveryView, type EndpointRow } from "./webhook-endpoint-store";
import { sendWebhook } from "./webhook-send";
import { admit, closedBreaker, record, type BreakerOptions, type BreakerState } from "../shared/circuit-breaker";
import { matchesAny, type WebhookEvent, type WebhookQueueMessage } from "../shared/webhooks/events";
import { afterAttempt, disableReason, nextAttemptAt, type Health } from "../shared/webhooks/policy";
import { unseal } from "../shared/sealing";
import { sha256Hex } from "../shared/crypto";
import { now } from "../shared/ids";
import type { DeliveryPage, EndpointHealth } from "../shared/webhooks/delivery";

export type EndpointInit = { id: string; tenant_id: string; url: string; events: string[]; enabled: boolean; secret_sealed: string };
export type EndpointPatch = { url?: string; events?: string[]; enabled?: boolean };

/** The associated data a secret is sealed under: it only opens for this tenant's endpoint. */
export const secretOwner = (tenantId: string, endpointId: string) => `${tenantId}:webhook:${endpointId}`;

/** The webhook-id of an event's delivery to an endpoint: the same queue message delivered twice yields the same id. */
export async function webhookIdOf(endpointId: string, eventId: string): Promise<string> {
  return `msg_${(await sha256Hex(`${endpointId}:${eventId}`)).slice(0, 32)}`;
}

const BREAKER: BreakerOptions = { threshold: 10, cooldownMs: 10_000 };
/** Deliveries in flight at once (each to a different ordering key). */
const CONCURRENCY = 32;

/** One alarm pass's view of the endpoint, shared by the keys it drains. */
type Run = { ep: EndpointRow; secrets: string[]; breaker: BreakerState; health: Health; until: number };
/** An alarm sends for at most this long, then hands over to the next alarm. */
const ALARM_BUDGET_MS = 20_000;
/** While an alarm runs, how often it looks for new and newly due deliveries. */
const POLL_MS = 50;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * One outgoing webhook endpoint: its configuration and sealed secrets, a durable delivery log, and the sender. All
 * sending happens in the alarm, one at a time, so a delivery is never in flight twice. Order is kept per conversation
 * (shared/webhooks/events.ts order_key); retries follow shared/webhooks/policy.ts; a circuit breaker stops hammering
 * an endpoint that is down; sustained failure disables the endpoint and tells the tenant's other endpoints.
 */
export class WebhookEndpoint extends DurableObject<Env> {
  private readonly store: WebhookEndpointStore;
  private opened: { sealed: string; secret: string }[] = [];
  private running: Promise<void> | null = null;
  /** Set when deliveries arrive or come due by an API call while a pump runs: it looks again before it stops. */
  private dirty = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new WebhookEndpointStore(ctx.storage);
    ctx.blockConcurrencyWhile(() => this.store.migrate());
  }

  create(init: EndpointInit): void {
    const t = now();
    this.store.saveEndpoint({
      id: init.id,
      tenantId: init.tenant_id,
      url: init.url,
      events: init.events,
      enabled: init.enabled,
      secret: init.secret_sealed,
      previousSecret: null,
      previousUntil: null,
      breaker: closedBreaker(),
      failingSince: null,
      consecutiveDead: 0,
      disabledAt: null,
      disabledReason: null,
      deleted: false,
      updatedAt: t,
    });
  }

  /** Re-enabling clears the breaker and the failure history, and resumes what was waiting. */
  async update(patch: EndpointPatch): Promise<boolean> {
    const ep = this.live();
    if (!ep) return false;
    const next: EndpointRow = { ...ep, ...patch, updatedAt: now() };
    if (patch.enabled && !ep.enabled) Object.assign(next, { breaker: closedBreaker(), failingSince: null, consecutiveDead: 0, disabledAt: null, disabledReason: null });
    this.store.saveEndpoint(next);
    if (next.enabled) await this.wake();
    return true;
  }

  /** The new secret signs from now on; the old one keeps signing beside it until `overlapUntil`. */
  rotate(sealed: string, overlapUntil: number): boolean {
    const ep = this.live();
    if (!ep) return false;
    this.store.saveEndpoint({ ...ep, secret: sealed, previousSecret: ep.secret, previousUntil: overlapUntil, updatedAt: now() });
    return true;
  }

  async remove(): Promise<void> {
    const ep = this.store.endpoint();
    if (ep) this.store.saveEndpoint({ ...ep, deleted: true, enabled: false, updatedAt: now() });
    this.store.clear();
    await this.ctx.storage.deleteAlarm();
  }

  /** Stores the events the endpoint subscribes to, once each; returns how many were new. */
  async enqueue(events: WebhookEvent[]): Promise<number> {
    const ep = this.live();
    if (!ep) return 0;
    const wanted = events.filter((e) => matchesAny(ep.events, e.payload.type));
    const rows = await Promise.all(wanted.map(async (event) => ({ webhookId: await webhookIdOf(ep.id, event.event_id), event })));
    const added = this.store.insert(rows, now());
    if (added > 0 && ep.enabled) await this.wake();
    return added;
  }

  deliveries(limit: number, cursor: number | null, state: DeliveryState | null): DeliveryPage | null {
    if (!this.live()) return null;
    const rows = this.store.page(limit + 1, cursor, state);
    const page = rows.slice(0, limit);
    return { data: page.map(viewOf), next_cursor: rows.length > limit ? String(page[page.length - 1]!.seq) : null };
  }

  /** Sends a delivery again with a fresh set of attempts, whatever its state (dead, delivered or waiting). */
  async redeliver(id: string): Promise<DeliveryView | null> {
    const ep = this.live();
    const d = ep && this.store.byId(id);
    if (!ep || !d) return null;
    const t = now();
    this.store.update(d.seq, { state: "pending", attempts: 0, nextAt: t, updatedAt: t });
    if (ep.enabled) await this.wake();
    return viewOf(this.store.byId(id)!);
  }

  health(): EndpointHealth | null {
    const ep = this.live();
    if (!ep) return null;
    return { open_deliveries: this.store.openCount(), breaker: ep.breaker.state, disabled_at: ep.disabledAt, disabled_reason: ep.disabledReason };
  }

  override async alarm(): Promise<void> {
    await this.kick();
  }

  /** One pump at a time per object; the alarm is the durable backup that restarts it after an eviction. */
  private kick(): Promise<void> {
    this.running ??= this.pump().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Sending: keeps up to CONCURRENCY ordering keys draining at once. A key whose drain ends (nothing due, or a failure waiting
   * for its retry) frees its slot for the next due head at once; newly enqueued events and due retries are picked up
   * within POLL_MS while the alarm runs.
   */
  private async pump(): Promise<void> {
    const started = now();
    this.store.prune(started);
    const ep = this.live();
    if (!ep || !ep.enabled) return;
    const run: Run = { ep, secrets: await this.secrets(ep, started), breaker: ep.breaker, health: { failingSince: ep.failingSince, consecutiveDead: ep.consecutiveDead }, until: started + ALARM_BUDGET_MS };
    const active = new Map<string, Promise<void>>();
    let next: number | null = null;
    for (;;) {
      const t = now();
      this.dirty = false;
      // A change through the API (URL, rotation, disabling, deletion) applies to the next send, not the next pump.
      const current = this.live();
      if (!current || !current.enabled) break;
      if (current.url !== run.ep.url || current.secret !== run.ep.secret || current.previousSecret !== run.ep.previousSecret) Object.assign(run, { ep: current, secrets: await this.secrets(current, t) });
      const reason = disableReason(run.health, t);
      if (reason) {
        await Promise.all(active.values());
        this.saveRun(run);
        return this.disable(reason, now());
      }
      const gate = admit(run.breaker, t, BREAKER);
      const heads = t < run.until && gate.allowed ? this.store.heads(CONCURRENCY * 2).filter((h) => !active.has(h.orderKey)) : [];
      for (const d of heads.filter((h) => (h.nextAt ?? 0) <= t).slice(0, CONCURRENCY - active.size)) {
        active.set(d.orderKey, this.drain(run, d).finally(() => active.delete(d.orderKey)));
      }
      next = heads.find((h) => (h.nextAt ?? 0) > t)?.nextAt ?? null;
      if (active.size === 0 && !this.dirty) break;
      await Promise.race([...active.values(), sleep(POLL_MS)]);
    }
    this.saveRun(run);
    const t = now();
    const gate = admit(run.breaker, t, BREAKER);
    if (!gate.allowed) await this.ctx.storage.setAlarm(t + gate.retryInMs);
    else if (t >= run.until) await this.ctx.storage.setAlarm(t);
    else if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  private saveRun(run: Run): void {
    const ep = this.live();
    if (ep) this.store.saveEndpoint({ ...ep, breaker: run.breaker, failingSince: run.health.failingSince, consecutiveDead: run.health.consecutiveDead });
  }

  /**
   * Sends one ordering key's deliveries one after the other while they succeed and are due: the next event of a
   * conversation goes out as soon as the one before it is delivered, without waiting for other conversations.
   */
  private async drain(run: Run, first: DeliveryRow): Promise<void> {
    for (let d: DeliveryRow | null = first; d && (d.nextAt ?? 0) <= now() && now() < run.until; d = this.store.headOf(d.orderKey)) {
      // Closed: go. Open past its cooldown: this one is the probe (the state turns half-open, which admits no other).
      const gate = admit(run.breaker, now(), BREAKER);
      if (!gate.allowed) return;
      run.breaker = gate.next;
      const o = await sendWebhook(run.ep.url, run.secrets, d.id, d.body, now());
      const at = now();
      const attempts = d.attempts + 1;
      const retryAt = o.ok ? null : nextAttemptAt(attempts, at);
      const state = o.ok ? "delivered" : retryAt === null ? "dead" : "failed";
      this.store.update(d.seq, { state, attempts, lastStatus: o.status, lastError: o.error, nextAt: retryAt, updatedAt: at, deliveredAt: o.ok ? at : d.deliveredAt });
      run.breaker = record(run.breaker, o.ok, at, BREAKER);
      run.health = afterAttempt(run.health, state, at);
      if (state === "failed") return;
    }
  }

  private live(): EndpointRow | null {
    const ep = this.store.endpoint();
    return ep && !ep.deleted ? ep : null;
  }

  /** Starts sending now, with an alarm a moment later in case this instance goes away first. */
  private async wake(): Promise<void> {
    this.dirty = true;
    const backup = now() + 1_000;
    const at = await this.ctx.storage.getAlarm();
    if (at === null || at > backup) await this.ctx.storage.setAlarm(backup);
    void this.kick();
  }

  private async secrets(ep: EndpointRow, t: number): Promise<string[]> {
    const sealed = [ep.secret, ...(ep.previousSecret && (ep.previousUntil ?? 0) > t ? [ep.previousSecret] : [])];
    return Promise.all(
      sealed.map(async (s) => {
        const known = this.opened.find((o) => o.sealed === s);
        if (known) return known.secret;
        const secret = (await unseal(this.env.CHANNEL_KEY, secretOwner(ep.tenantId, ep.id), s)) as string;
        this.opened = [...this.opened.slice(-3), { sealed: s, secret }];
        return secret;
      }),
    );
  }

  /** Records the notice on the endpoint and its D1 row, logs it, and tells the tenant's other endpoints. */
  private async disable(reason: string, at: number): Promise<void> {
    const ep = this.live();
    if (!ep) return;
    this.store.saveEndpoint({ ...ep, enabled: false, disabledAt: at, disabledReason: reason, updatedAt: at });
    console.warn(JSON.stringify({ level: "warn", msg: "endpoint.disabled", tenant: ep.tenantId, endpoint: ep.id, reason }));
    await this.env.DB.prepare("UPDATE webhook_endpoints SET enabled = 0, disabled_at = ?, disabled_reason = ?, updated_at = ? WHERE tenant_id = ? AND id = ?")
      .bind(at, reason, at, ep.tenantId, ep.id)
      .run();
    const notice: WebhookQueueMessage = {
      kind: "fanout",
      tenant_id: ep.tenantId,
      exclude_endpoint_id: ep.id,
      events: [
        {
          event_id: `evt_disabled_${ep.id}_${at}`,
          tenant_id: ep.tenantId,
          order_key: `whe:${ep.id}`,
          rank: at,
          payload: { type: "webhook_endpoint.disabled", timestamp: new Date(at).toISOString(), data: { endpoint_id: ep.id, url: ep.url, reason, disabled_at: at } },
        },
      ],
    };
    await this.env.WEBHOOKS.send(notice);
  }
}
