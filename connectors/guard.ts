import type { z } from "zod";
import { admit, closedBreaker, record, type BreakerState } from "../shared/circuit-breaker";
import { webhookUrlProblem } from "../shared/webhooks/url";
import { TtlCache } from "../shared/ttl-cache";
import { now } from "../shared/ids";

export type CrmOperation = "lookup" | "orders" | "tickets";

export type CallResult<T> = { ok: true; value: T } | { ok: false; reason: "circuit_open" | "failed"; detail: string; retryInMs: number };

/**
 * One circuit per tenant and operation: a tenant's slow order system neither stops its ticket creation nor anyone
 * else's lookups. Per isolate, like every cache here; an entry that expires is a closed circuit again.
 */
const breakers = new TtlCache<BreakerState>(10_000, 10 * 60_000);

const breakerKey = (tenantId: string, op: CrmOperation) => `${tenantId}\u0000${op}`;

/**
 * One call to the tenant's external system: JSON POST with the connector's token, bounded by `timeoutMs`, refused
 * fast while the circuit is open, and never thrown: the caller decides how to degrade. Outside development, private
 * and loopback addresses are refused as webhook URLs are (a tenant's config must not reach into the network).
 */
export async function callConnector<S extends z.ZodType>(
  env: Env,
  tenantId: string,
  op: CrmOperation,
  req: { url: string; token?: string | undefined; body: unknown; timeoutMs: number; headers?: Record<string, string> },
  answer: S,
): Promise<CallResult<z.output<S>>> {
  const problem = webhookUrlProblem(req.url, (env.ENVIRONMENT as string) === "development");
  if (problem) return { ok: false, reason: "failed", detail: `connector URL refused: ${problem}`, retryInMs: 0 };
  const key = breakerKey(tenantId, op);
  const t = now();
  const gate = admit(breakers.get(key, t) ?? closedBreaker(), t);
  breakers.set(key, gate.next, t);
  if (!gate.allowed) return { ok: false, reason: "circuit_open", detail: `${op} circuit open`, retryInMs: gate.retryInMs };
  let result: CallResult<z.output<S>>;
  try {
    const res = await fetch(req.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(req.token ? { authorization: `Bearer ${req.token}` } : {}), ...req.headers },
      body: JSON.stringify(req.body),
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    if (!res.ok) throw new Error(`answered ${res.status}`);
    const parsed = answer.safeParse(await res.json());
    if (!parsed.success) throw new Error(`answered an unexpected shape: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    result = { ok: true, value: parsed.data };
  } catch (err) {
    const detail = err instanceof Error && err.name === "TimeoutError" ? `no answer within ${req.timeoutMs} ms` : err instanceof Error ? err.message : String(err);
    result = { ok: false, reason: "failed", detail, retryInMs: 0 };
    console.warn(JSON.stringify({ level: "warn", msg: "CRM connector call failed", tenant: tenantId, op, error: detail }));
  }
  const after = now();
  breakers.set(key, record(breakers.get(key, after) ?? closedBreaker(), result.ok, after), after);
  return result;
}
