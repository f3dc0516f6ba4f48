import { cost, fits, roomAfter } from "./desk-capacity";
import { CHANNEL_CLASSES } from "./schemas";
import type { ChannelClass, DeskSettings } from "./schemas";
import type { AgentState, DeskState, Waiting } from "./desk-types";

/**
 * Scarce-pool protection. A skill or language is scarce when at most `scarce_share` of the agents at work hold
 * it. An agent of a scarce pool is not given work that does not need the pool while the pool has work waiting,
 * and, while such work is only forecast (it arrived within `forecast_window_s`), not the work that would leave
 * the pool without one agent ready with room for its next contact. Without this the scarce agents fill up with
 * general work and the contacts only they can serve abandon; keeping the whole pool idle for a forecast instead
 * costs everyone else far more than the pool gains (docs/routing.md, "Evaluation").
 */

/** `skill:<name>` for a required skill, `lang:<primary subtag>` for a language. */
export type PoolKey = string;

type Pool = { holders: Map<string, AgentState>; waiting: boolean; forecast: Set<ChannelClass> };
/** The pools, and every agent in one of them (most agents are in none: they are never held back). */
export type Pools = Map<PoolKey, Pool> & { members?: Set<string> };

const primary = (tag: string) => tag.split("-")[0]!.toLowerCase();

/** A waiting contact's requirements never change while it waits: its keys are worked out once. */
const keysCache = new WeakMap<Pick<Waiting, "requirements" | "task" | "queue">, PoolKey[]>();

export function keysOf(w: Pick<Waiting, "requirements" | "task" | "queue">): PoolKey[] {
  let keys = keysCache.get(w);
  if (keys) return keys;
  keys = w.requirements.filter((r) => r.mode !== "preferred").map((r) => `skill:${r.skill}`);
  // Only a required language makes its speakers a pool to protect: a preferred one is a matter of score
  // (holding speakers back for contacts others may serve cost more service level than it gained).
  if (w.task.language && (w.queue.language === "required" || w.task.language_required)) keys.push(`lang:${primary(w.task.language)}`);
  keysCache.set(w, keys);
  return keys;
}

/** An agent's keys, worked out again only when its skills or languages are replaced (a roster update). */
const agentKeysCache = new WeakMap<AgentState, { skills: AgentState["skills"]; languages: AgentState["languages"]; keys: PoolKey[] }>();

function agentKeys(a: AgentState): PoolKey[] {
  const cached = agentKeysCache.get(a);
  if (cached && cached.skills === a.skills && cached.languages === a.languages) return cached.keys;
  const keys = [...new Set([...a.skills.map((s) => `skill:${s.skill}`), ...a.languages.map((l) => `lang:${primary(l)}`)])];
  agentKeysCache.set(a, { skills: a.skills, languages: a.languages, keys });
  return keys;
}

/** The scarce pools among `atWork` (the team on shift) and the demand on each. */
export function scarcePools(s: DeskState, atWork: readonly AgentState[], now: number): Pools {
  const pools: Pools = new Map<PoolKey, Pool>();
  if (atWork.length === 0) return pools;
  const holders = new Map<PoolKey, Map<string, AgentState>>();
  for (const a of atWork) for (const k of agentKeys(a)) (holders.get(k) ?? holders.set(k, new Map()).get(k)!).set(a.id, a);
  const limit = s.config.settings.scarce_share * atWork.length;
  for (const [k, set] of holders) if (set.size <= limit && set.size < atWork.length) pools.set(k, { holders: set, waiting: false, forecast: new Set() });
  if (pools.size === 0) return pools;
  pools.members = new Set([...pools.values()].flatMap((p) => [...p.holders.keys()]));
  let unmarked = pools.size;
  for (const id in s.waiting) {
    const w = s.waiting[id]!;
    if (!w.queue.protect_scarce || w.not_before > now) continue;
    for (const k of keysOf(w)) {
      const p = pools.get(k);
      if (p && !p.waiting) {
        p.waiting = true;
        unmarked--;
      }
    }
    if (unmarked === 0) break;
  }
  const since = now - s.config.settings.forecast_window_s * 1000;
  for (const [k, p] of pools) {
    const last = s.last_arrival[k];
    if (!last) continue;
    for (const cls of CHANNEL_CLASSES) if ((last[cls] ?? -Infinity) > since) p.forecast.add(cls);
  }
  return pools;
}

/**
 * Whether every pool `w` counted toward (now that it has left the line) still has other work waiting, so its
 * leaving changes no pool's demand. A contact without pool keys changes none.
 */
export function stillAwaited(s: DeskState, w: Waiting, now: number): boolean {
  const keys = w.queue.protect_scarce ? keysOf(w) : [];
  if (keys.length === 0) return true;
  const open = new Set(keys);
  for (const id in s.waiting) {
    const other = s.waiting[id]!;
    if (other === w || !other.queue.protect_scarce || other.not_before > now) continue;
    for (const k of keysOf(other)) open.delete(k);
    if (open.size === 0) return true;
  }
  return false;
}

/**
 * Whether `agent` is held back from contact `w` to protect a scarce pool that `w` does not need. `ready` says
 * whether a holder could be offered work now (desk-offers.ts), for counting who else keeps room for a forecast.
 */
export function heldBack(agent: AgentState, w: Waiting, pools: Pools, settings: DeskSettings, ready: (a: AgentState) => boolean): boolean {
  if (pools.size === 0 || !pools.members?.has(agent.id)) return false;
  const needs = keysOf(w);
  for (const [k, p] of pools) {
    if (!p.holders.has(agent.id) || needs.includes(k)) continue;
    if (p.waiting) return true;
    for (const cls of p.forecast) {
      // Room is kept only for a class the agent can take at all, and only by the last ready holder with room.
      if (cost(agent, cls) === Infinity || roomAfter(agent, w.class, settings) >= cost(agent, cls) - 1e-9) continue;
      let kept = false;
      for (const h of p.holders.values()) {
        if (h !== agent && ready(h) && fits(h, cls, settings)) {
          kept = true;
          break;
        }
      }
      if (!kept) return true;
    }
  }
  return false;
}

/**
 * Only the last arrival per pool key and class matters for the forecast, so that is all that is kept: constant
 * work per decision however busy the desk. Keys come from the configuration's skills and languages, so the
 * record stays small; entries older than the window are dropped as arrivals come.
 */
export function rememberArrival(s: DeskState, w: Waiting, now: number): void {
  if (!w.queue.protect_scarce) return;
  for (const k of keysOf(w)) (s.last_arrival[k] ??= {})[w.class] = now;
  const since = now - s.config.settings.forecast_window_s * 1000;
  for (const [k, last] of Object.entries(s.last_arrival)) {
    if (CHANNEL_CLASSES.every((cls) => (last[cls] ?? -Infinity) <= since)) delete s.last_arrival[k];
  }
}
