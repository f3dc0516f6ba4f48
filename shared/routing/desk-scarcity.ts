import { cost, roomAfter } from "./desk-capacity";
import type { ChannelClass, DeskSettings } from "./schemas";
import type { AgentState, DeskState, Waiting } from "./desk-types";

/**
 * Scarce-pool protection. A skill or language is scarce when at most `scarce_share` of the agents at work hold
 * it. An agent of a scarce pool is not given work that does not need the pool while the pool has work waiting,
 * and, while such work is only forecast (it arrived within `forecast_window_s`), only as long as the agent keeps
 * room for the pool's next contact. Without this the scarce agents fill up with general work and the contacts
 * only they can serve abandon.
 */

/** `skill:<name>` for a required skill, `lang:<primary subtag>` for a language. */
export type PoolKey = string;

type Pool = { holders: Set<string>; waiting: boolean; forecast: Set<ChannelClass> };
/** The pools, and every agent in one of them (most agents are in none: they are never held back). */
export type Pools = Map<PoolKey, Pool> & { members?: Set<string> };

const primary = (tag: string) => tag.split("-")[0]!.toLowerCase();

/** A waiting contact's requirements never change while it waits: its keys are worked out once. */
const keysCache = new WeakMap<Pick<Waiting, "requirements" | "task" | "queue">, PoolKey[]>();

export function keysOf(w: Pick<Waiting, "requirements" | "task" | "queue">): PoolKey[] {
  let keys = keysCache.get(w);
  if (keys) return keys;
  keys = w.requirements.filter((r) => r.mode !== "preferred").map((r) => `skill:${r.skill}`);
  // Only a required language makes its speakers a pool to protect: a preferred one is a matter of score.
  if (w.task.language && (w.queue.language === "required" || w.task.language_required)) keys.push(`lang:${primary(w.task.language)}`);
  keysCache.set(w, keys);
  return keys;
}

function agentKeys(a: AgentState): PoolKey[] {
  return [...a.skills.map((s) => `skill:${s.skill}`), ...a.languages.map((l) => `lang:${primary(l)}`)];
}

/** The scarce pools among `atWork` (the team on shift) and the demand on each. */
export function scarcePools(s: DeskState, atWork: readonly AgentState[], now: number): Pools {
  const pools: Pools = new Map<PoolKey, Pool>();
  if (atWork.length === 0) return pools;
  const holders = new Map<PoolKey, Set<string>>();
  for (const a of atWork) for (const k of new Set(agentKeys(a))) (holders.get(k) ?? holders.set(k, new Set()).get(k)!).add(a.id);
  const limit = s.config.settings.scarce_share * atWork.length;
  for (const [k, set] of holders) if (set.size <= limit && set.size < atWork.length) pools.set(k, { holders: set, waiting: false, forecast: new Set() });
  if (pools.size === 0) return pools;
  pools.members = new Set([...pools.values()].flatMap((p) => [...p.holders]));
  for (const w of Object.values(s.waiting)) {
    if (!w.queue.protect_scarce || w.not_before > now) continue;
    for (const k of keysOf(w)) {
      const p = pools.get(k);
      if (p) p.waiting = true;
    }
  }
  const since = now - s.config.settings.forecast_window_s * 1000;
  for (const r of s.recent) {
    if (r.at < since) continue;
    for (const k of r.keys) pools.get(k)?.forecast.add(r.class);
  }
  return pools;
}

/** Whether `agent` is held back from contact `w` to protect a scarce pool that `w` does not need. */
export function heldBack(agent: AgentState, w: Waiting, pools: Pools, settings: DeskSettings): boolean {
  if (pools.size === 0 || !pools.members?.has(agent.id)) return false;
  const needs = keysOf(w);
  for (const [k, p] of pools) {
    if (!p.holders.has(agent.id) || needs.includes(k)) continue;
    if (p.waiting) return true;
    // Room is kept only for a class the agent can take at all.
    for (const cls of p.forecast) if (cost(agent, cls) !== Infinity && roomAfter(agent, w.class, settings) < cost(agent, cls) - 1e-9) return true;
  }
  return false;
}

/** Arrivals remembered for the forecast: bounded by the window and by count. */
const RECENT_MAX = 1000;

export function rememberArrival(s: DeskState, w: Waiting, now: number): void {
  if (!w.queue.protect_scarce) return;
  const since = now - s.config.settings.forecast_window_s * 1000;
  s.recent = s.recent.filter((r) => r.at >= since).slice(-(RECENT_MAX - 1));
  s.recent.push({ at: now, class: w.class, keys: keysOf(w) });
}
