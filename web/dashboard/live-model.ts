import type { DeskOverview, DeskServerFrame } from "../../shared/desk-protocol";
import type { LiveCounters } from "../../shared/routing/desk-live";
import type { AgentSkill, AgentStatus, Queue } from "../../shared/routing/schemas";

/**
 * The live page's state: the desk overview (REST, the baseline) with the desk socket's frames applied on top.
 * Waits are measured by the server at an instant; `at` and `liveAt` keep those instants so the page can let them
 * tick without asking again.
 */
export type LiveState = { overview: DeskOverview; at: number; liveAt: number };
export type DeskAgent = DeskOverview["agents"][number];

export const fromOverview = (overview: DeskOverview, at: number): LiveState => ({ overview, at, liveAt: at });

/** A wait measured `ms` long at `at`, as long as it is by `now`. */
export const ticking = (ms: number | null, at: number, now: number): number | null => (ms === null ? null : ms + Math.max(0, now - at));

/**
 * One desk frame applied. `refresh` says the waiting and assigned lists may have changed in ways a frame does not
 * carry (who waits, who holds what), so the overview should be read again.
 */
export function applyFrame(s: LiveState, f: DeskServerFrame, at: number): { state: LiveState; refresh: boolean } {
  switch (f.type) {
    case "hello":
      return { state: { ...s, overview: { ...s.overview, summary: f.queue, ...(f.live ? { live: f.live } : {}) }, ...(f.live ? { liveAt: at } : {}) }, refresh: true };
    case "live":
      return { state: { ...s, overview: { ...s.overview, live: f.counters }, liveAt: at }, refresh: countsChanged(s.overview.live, f.counters) };
    case "queue":
      return { state: { ...s, overview: { ...s.overview, summary: f.summary } }, refresh: true };
    case "agent_status": {
      const agents = s.overview.agents.map((a) => (a.id === f.agent_id ? { ...a, status: f.status } : a));
      return { state: { ...s, overview: { ...s.overview, agents } }, refresh: false };
    }
    case "assigned":
    case "offer":
    case "offer_expired":
    case "offer_revoked":
    case "alert":
      return { state: s, refresh: true };
    case "pong":
    case "error":
      return { state: s, refresh: false };
  }
}

/** The counters that say someone started or stopped waiting, or was assigned: the clock alone changes none. */
function countsChanged(a: LiveCounters, b: LiveCounters): boolean {
  return a.waiting !== b.waiting || a.assigned !== b.assigned || a.offers_pending !== b.offers_pending || a.sla_at_risk !== b.sla_at_risk;
}

export const STATUS_ORDER: readonly AgentStatus[] = ["available", "busy", "away", "offline"];

/**
 * Whether an agent could take a contact of `queue` now: present, on shift, with room left and every skill the
 * queue requires at its level. Preferred skills only raise a score, so they do not count here.
 */
export function availableFor(queue: Pick<Queue, "required_skills">, agent: DeskAgent, skills: readonly AgentSkill[]): boolean {
  if (agent.status !== "available" || !agent.connected || !agent.on_shift || agent.budget_used >= 1) return false;
  return queue.required_skills
    .filter((r) => r.mode === "required")
    .every((r) => skills.some((s) => s.skill === r.skill && s.proficiency >= r.min_proficiency));
}

export type QueueRow = {
  id: string;
  name: string;
  waiting: number;
  longest_wait_ms: number | null;
  sla_at_risk: number;
  agents_available: number;
  /** Today's service level of the queue from the analytics rollups; null before any answer today. */
  service_level: number | null;
  sla_s: number | null;
};

/** Every configured queue, plus any queue contacts still wait in after it was removed from the configuration. */
export function queueRows(
  live: LiveCounters,
  queues: readonly Pick<Queue, "id" | "name" | "required_skills" | "sla_first_response_s">[],
  agents: readonly DeskAgent[],
  skillsOf: (agentId: string) => readonly AgentSkill[],
  slToday: ReadonlyMap<string, number | null>,
): QueueRow[] {
  const known = new Map(queues.map((q) => [q.id, q]));
  const ids = [...queues.map((q) => q.id), ...Object.keys(live.per_queue).filter((id) => !known.has(id))];
  return ids.map((id) => {
    const q = known.get(id);
    const l = live.per_queue[id] ?? { waiting: 0, longest_wait_ms: null, sla_at_risk: 0 };
    return {
      id,
      name: q?.name ?? id,
      waiting: l.waiting,
      longest_wait_ms: l.longest_wait_ms,
      sla_at_risk: l.sla_at_risk,
      agents_available: q ? agents.filter((a) => availableFor(q, a, skillsOf(a.id))).length : 0,
      service_level: slToday.get(id) ?? null,
      sla_s: q?.sla_first_response_s ?? null,
    };
  });
}

export type Risk = "ok" | "at_risk" | "breached";

/** A wait against its queue's first-response threshold, warned from the desk's warning ratio on. */
export function riskOf(waitedMs: number, slaS: number | null, warnRatio: number): Risk {
  if (slaS === null) return "ok";
  if (waitedMs >= slaS * 1000) return "breached";
  return waitedMs >= slaS * 1000 * warnRatio ? "at_risk" : "ok";
}

/** Load across the agents who are signed in: contacts held or offered, and the share of their capacity in use. */
export function teamLoad(agents: readonly DeskAgent[]): { active: number; capacity: number; used: number | null } {
  const present = agents.filter((a) => a.status !== "offline");
  const active = present.reduce((n, a) => n + Object.values(a.load).reduce((x, y) => x + y, 0), 0);
  const capacity = present.reduce((n, a) => n + a.capacity.chat + a.capacity.voice + a.capacity.email, 0);
  const used = present.length ? present.reduce((n, a) => n + Math.min(1, a.budget_used), 0) / present.length : null;
  return { active, capacity, used };
}

/** An agent's load per channel class they can take, "chat 2/3". */
export function loadLabel(a: Pick<DeskAgent, "load" | "capacity">): string {
  const classes = (["chat", "email", "voice"] as const).filter((c) => a.capacity[c] > 0 || (a.load[c] ?? 0) > 0);
  return classes.map((c) => `${c} ${a.load[c] ?? 0}/${a.capacity[c]}`).join(", ") || "no capacity";
}

/**
 * Who a conversation can be reassigned to: every agent except the one holding it, the ones who can take work now
 * first, then by name.
 */
export function reassignCandidates<A extends Pick<DeskAgent, "id" | "name" | "status" | "budget_used">>(agents: readonly A[], holder: string | null): A[] {
  const rank = (a: A) => STATUS_ORDER.indexOf(a.status) * 2 + (a.budget_used >= 1 ? 1 : 0);
  return agents.filter((a) => a.id !== holder).sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}
