import type { AgentStatus, ChannelClass, Policy, Target } from "./schemas";
import { meetsRequirements, orderScore, rankTask, scoreAgent, speaks } from "./score";
import type { AgentScore, Rank } from "./score";
import type { AgentState, DeskState, Effect, Offer, Waiting } from "./desk-types";
import { fits, hasRoom, onShift, roomAfter, used } from "./desk-capacity";
import { heldBack, scarcePools } from "./desk-scarcity";

const CANDIDATES_SHOWN = 5;

export function effectivePriority(w: Waiting): number {
  return w.queue.priority + w.task.priority + w.bump;
}

export function declinedBy(w: Waiting, agentId: string, now: number): boolean {
  const until = w.declined[agentId];
  return until !== undefined && until > now;
}

/** The yardstick's baselines ignore queue targets, priorities and tiers (schemas.ts Policy). */
const BASELINES: ReadonlySet<Policy> = new Set(["fifo_skill", "fifo_skill_pack", "round_robin_blind"]);

/** A relaxation that asks only that the skill is held, at any level. */
const HOLDS_AT_ALL = 1e-9;

function languageRequired(w: Waiting): boolean {
  return w.task.language !== null && (w.queue.language === "required" || w.task.language_required);
}

/** Who may take the conversation under the policy: the current target and a required language, or the baseline's own rule. */
function mayTake(s: DeskState, agent: AgentState, w: Waiting, target = w.target): boolean {
  switch (s.config.settings.policy) {
    case "round_robin_blind":
      return true;
    case "fifo_skill":
    case "fifo_skill_pack":
      return meetsRequirements(agent, w.requirements, HOLDS_AT_ALL);
    default:
      return inTarget(agent, w.targets[target]!, w) && (!languageRequired(w) || speaks(agent, w.task.language));
  }
}

/** Available, console connected and on shift: may be given new work. */
function atWork(s: DeskState, agent: AgentState, now: number): boolean {
  return agent.status === "available" && agent.disconnected_at === null && onShift(agent, now, s.config.calendars);
}

function inTarget(agent: AgentState, target: Target, w: Waiting): boolean {
  switch (target.kind) {
    case "any":
      return true;
    case "team":
      return agent.teams.includes(target.value);
    case "agents":
      return target.value.includes(agent.id);
    case "skills":
      return meetsRequirements(agent, target.value ?? w.requirements, target.relax_to);
  }
}

/** Agents at work (available, connected, on shift) who may take the conversation; `excludeDeclined` drops refusers. */
export function staffed(s: DeskState, w: Waiting, now: number, excludeDeclined: boolean): AgentState[] {
  const out: AgentState[] = [];
  for (const id in s.agents) {
    const a = s.agents[id]!;
    if (atWork(s, a, now) && mayTake(s, a, w) && !(excludeDeclined && declinedBy(w, a.id, now))) out.push(a);
  }
  return out;
}

/**
 * `staffed(…, false)` by staff key, for one settle after the deadlines have set anyone away: nothing in the rest
 * of a settle changes who is at work or whom a target admits (offers change load, which staffing ignores).
 */
export class StaffCache {
  private byKey = new Map<string, AgentState[]>();
  private idle: AgentState[] | undefined;
  private s: DeskState;
  private now: number;
  constructor(s: DeskState, now: number) {
    this.s = s;
    this.now = now;
  }
  /** `free(…)` as the settle began offering: read before any offer of this settle changes a load. */
  free(): AgentState[] {
    return (this.idle ??= free(this.s, this.now));
  }
  of(w: Waiting): AgentState[] {
    const key = staffKey(w);
    let staff = this.byKey.get(key);
    if (!staff) this.byKey.set(key, (staff = staffed(this.s, w, this.now, false)));
    return staff;
  }
}

/** Whether an agent has refused the conversation and is still skipped, without building a list of refusals. */
export function anyDeclined(w: Waiting, now: number): boolean {
  for (const id in w.declined) if (w.declined[id]! > now) return true;
  return false;
}

/** Whether anyone could be offered this conversation under its current target; stops at the first agent found. */
export function anyStaffed(s: DeskState, w: Waiting, now: number): boolean {
  for (const id in s.agents) {
    const a = s.agents[id]!;
    if (atWork(s, a, now) && mayTake(s, a, w) && !declinedBy(w, a.id, now)) return true;
  }
  return false;
}

/**
 * How many of `free` (agents at work with room) are outside the current target, in the next one, and fit the
 * contact; `excludeDeclined` leaves out those who refused it.
 */
export function freeBeyondTarget(s: DeskState, w: Waiting, free: readonly AgentState[], now: number, excludeDeclined: boolean): number {
  if (w.target >= w.targets.length - 1) return 0;
  let n = 0;
  for (const a of free) {
    if (fits(a, w.class, s.config.settings) && !(excludeDeclined && declinedBy(w, a.id, now)) && mayTake(s, a, w, w.target + 1) && !mayTake(s, a, w)) n++;
  }
  return n;
}

/**
 * What `staffed(…, false)` depends on besides the agents: the current target, the requirements and a required
 * language. Waiting contacts with the same key have the same staff, so a pass over hundreds of them asks once
 * per key instead of once per contact (O(keys × agents), not O(waiting × agents)).
 */
export function staffKey(w: Waiting): string {
  return keysFor(w).key;
}

/** The staff key with the class in front: contacts with the same line key wait for the same slots. */
export function lineKey(w: Waiting): string {
  return keysFor(w).line;
}

function keysFor(w: Waiting): { target: number; key: string; line: string } {
  const cached = staffKeys.get(w);
  if (cached?.target === w.target) return cached;
  const key = JSON.stringify([w.targets[w.target], w.requirements, languageRequired(w) ? w.task.language : null]);
  const keys = { target: w.target, key, line: `${w.class}|${key}` };
  staffKeys.set(w, keys);
  return keys;
}

/** Only the target index changes while a contact waits; the keys are rebuilt when it does. */
const staffKeys = new WeakMap<Waiting, { target: number; key: string; line: string }>();

/** Whether the agent could be offered the conversation now: at work, allowed, room for its class, not a refuser. */
export function canOffer(s: DeskState, agent: AgentState, w: Waiting, now: number): boolean {
  return atWork(s, agent, now) && fits(agent, w.class, s.config.settings) && !declinedBy(w, agent.id, now) && mayTake(s, agent, w);
}

export function reofferMs(s: DeskState): number {
  return s.config.settings.reoffer_after_s * 1000;
}

export function release(s: DeskState, agentId: string, cls: ChannelClass, now: number): void {
  const agent = s.agents[agentId];
  if (!agent) return;
  agent.load[cls] = Math.max(0, agent.load[cls] - 1);
  agent.idle_since = now;
}

export function setStatus(
  s: DeskState,
  agent: AgentState,
  status: AgentStatus,
  reason: "set" | "missed_offer" | "disconnected",
  now: number,
  fx: Effect[],
): void {
  if (status === "available" && agent.status !== "available") agent.idle_since = now;
  agent.status = status;
  fx.push({ type: "agent_status", agent_id: agent.id, status, reason });
  if (status !== "available") revokeAgentOffers(s, agent.id, now, fx);
}

/** Remove an offer and free its slot; `declined` keeps the agent from being offered the conversation again for a while. */
export function dropOffer(s: DeskState, offer: Offer, now: number, declined: boolean): void {
  delete s.offers[offer.offer_id];
  release(s, offer.agent_id, offer.class, now);
  const w = s.waiting[offer.conversation_id];
  if (!w) return;
  w.offer_id = null;
  if (declined) w.declined[offer.agent_id] = now + reofferMs(s);
}

export function revokeOffer(s: DeskState, offer: Offer, reason: Extract<Effect, { type: "offer_revoked" }>["reason"], now: number, fx: Effect[]): void {
  dropOffer(s, offer, now, false);
  fx.push({ type: "offer_revoked", offer_id: offer.offer_id, conversation_id: offer.conversation_id, agent_id: offer.agent_id, reason });
}

export function revokeAgentOffers(s: DeskState, agentId: string, now: number, fx: Effect[]): void {
  for (const offer of Object.values(s.offers)) if (offer.agent_id === agentId) revokeOffer(s, offer, "agent_unavailable", now, fx);
}

export function expireOffer(s: DeskState, offer: Offer, now: number, fx: Effect[]): void {
  dropOffer(s, offer, now, true);
  fx.push({ type: "offer_expired", offer_id: offer.offer_id, conversation_id: offer.conversation_id, agent_id: offer.agent_id });
  const agent = s.agents[offer.agent_id];
  if (agent && s.config.settings.away_on_missed_offer && agent.status === "available") {
    setStatus(s, agent, "away", "missed_offer", now, fx);
  }
}

/** Tier priority with ageing: the tier's head start counts as time already waited. */
export function headStartMs(s: DeskState, tier: string): number {
  const table = s.config.settings.tier_head_start_s;
  const key = tier.toLowerCase();
  return Object.hasOwn(table, key) ? table[key]! * 1000 : 0;
}

/** A waiting contact in line: what it is sorted by; its Rank (with the parts) is built only when it is offered. */
export type Ranked = { w: Waiting; priority: number; order: number; waited: number };

/** The Rank of a ranked contact, as an offer's breakdown shows it. */
export function rankOf(s: DeskState, r: Ranked): Rank {
  return rankTask(r.w.queue.weights, r.w.task, r.priority, r.waited, r.w.queue.sla_first_response_s * 1000, s.config.settings.ageing_per_sla);
}

export function rankWaiting(s: DeskState, now: number): Ranked[] {
  const ageing = s.config.settings.ageing_per_sla;
  const policy = s.config.settings.policy;
  const baseline = BASELINES.has(policy);
  // A handful of tiers, hundreds of contacts: each tier's head start is looked up once.
  const headStarts = new Map<string, number>();
  const list: Ranked[] = [];
  for (const id in s.waiting) {
    const w = s.waiting[id]!;
    if (w.offer_id !== null) continue;
    let head = 0;
    if (policy === "weighted") {
      const cached = headStarts.get(w.task.tier);
      if (cached === undefined) headStarts.set(w.task.tier, (head = headStartMs(s, w.task.tier)));
      else head = cached;
    }
    const waited = now - Math.max(w.enqueued_at, w.not_before) + head;
    list.push({ w, priority: baseline ? 0 : effectivePriority(w), order: orderScore(w.queue.weights, w.task, waited, w.queue.sla_first_response_s * 1000, ageing), waited });
  }
  if (baseline) return list.sort((x, y) => x.w.task.arrived_at - y.w.task.arrived_at || cmp(x.w.task.conversation_id, y.w.task.conversation_id));
  const byScore = policy === "weighted";
  return list.sort(
    (x, y) =>
      y.priority - x.priority ||
      (byScore ? y.order - x.order : 0) ||
      x.w.enqueued_at - y.w.enqueued_at ||
      cmp(x.w.task.conversation_id, y.w.task.conversation_id),
  );
}

/**
 * The capacity signal of the score under the queue's strategy (score.ts): `spread` prefers the agent with the
 * most budget left after the offer, `pack` the one with the least, so chats fill partly loaded agents and whole
 * agents stay free for calls.
 */
export function capacitySignal(s: DeskState, w: Waiting, agent: AgentState): number {
  const left = Math.max(0, roomAfter(agent, w.class, s.config.settings));
  return w.queue.strategy === "spread" ? left : 1 - left;
}

/** Agents who may be given new work now; the scarce pools are counted among them. */
export function free(s: DeskState, now: number): AgentState[] {
  return Object.values(s.agents).filter((a) => atWork(s, a, now) && hasRoom(a, s.config.settings));
}

/**
 * Scarce-pool protection is the weighted policy's; baselines do without it. Pools are counted among the agents on
 * shift and signed in (away and busy included: scarcity is about the team, not this instant), so making offers
 * does not change them mid-decision.
 */
function poolsFor(s: DeskState, now: number): ReturnType<typeof scarcePools> {
  if (s.config.settings.policy !== "weighted") return new Map();
  return scarcePools(s, Object.values(s.agents).filter((a) => a.status !== "offline" && onShift(a, now, s.config.calendars)), now);
}

/** The agents the conversation could be offered to right now, under every rule makeOffers applies. */
export function offerable(s: DeskState, w: Waiting, now: number): AgentState[] {
  const agents = free(s, now);
  const pools = w.queue.protect_scarce ? poolsFor(s, now) : new Map();
  const ready = (a: AgentState) => atWork(s, a, now);
  return agents.filter((a) => fits(a, w.class, s.config.settings) && !declinedBy(w, a.id, now) && mayTake(s, a, w) && !heldBack(a, w, pools, s.config.settings, ready));
}

export function makeOffers(s: DeskState, ranked: Ranked[], now: number, fx: Effect[], idle: readonly AgentState[]): void {
  const settings = s.config.settings;
  let agents = [...idle];
  if (agents.length === 0) return;
  const policy = settings.policy;
  const pools = poolsFor(s, now);
  const ready = (a: AgentState) => atWork(s, a, now);
  // With a full desk most waiting contacts are of a class nobody has room for: they are skipped at once.
  const roomFor = (cls: ChannelClass) => agents.some((a) => fits(a, cls, settings));
  let room = { voice: roomFor("voice"), chat: roomFor("chat"), email: roomFor("email") };
  /** Candidates by class and staff key; any offer changes someone's room, so it empties the cache. */
  const candidates = new Map<string, AgentState[]>();
  for (const r of ranked) {
    const w = r.w;
    if (w.not_before > now || !room[w.class]) continue;
    const target = w.targets[w.target]!;
    const protect = w.queue.protect_scarce ? pools : new Map();
    // Who has room, may take it and is not held back for a pool depends only on the class, the staff key (the
    // pool keys follow from it) and whether the queue protects pools: shared by many waiting contacts.
    const key = w.queue.protect_scarce ? `${lineKey(w)}|protect` : lineKey(w);
    let base = candidates.get(key);
    if (!base) candidates.set(key, (base = agents.filter((a) => fits(a, w.class, settings) && mayTake(s, a, w) && !heldBack(a, w, protect, settings, ready))));
    if (base.length === 0) continue;
    const eligible = base.filter((a) => !declinedBy(w, a.id, now));
    if (eligible.length === 0) continue;
    const scored = eligible.map((a) => ({ agent: a, score: scoreAgent(w.queue.weights, w.task, w.requirements, a, capacitySignal(s, w, a)) }));
    const ordered = order(s, policy, scored, w);
    const chosen = ordered[0]!;
    const agent = chosen.agent;
    if (policy === "round_robin" || policy === "round_robin_blind") s.rr_last = agent.id;
    s.seq += 1;
    const offer: Offer = {
      offer_id: `ofr_${s.seq}`,
      conversation_id: w.task.conversation_id,
      agent_id: agent.id,
      class: w.class,
      offered_at: now,
      expires_at: now + s.config.settings.offer_timeout_s * 1000,
      breakdown: {
        policy,
        conversation_id: w.task.conversation_id,
        agent_id: agent.id,
        queue_id: w.queue.id,
        decided_at: now,
        target: { index: w.target, kind: target.kind, ...(w.target_reason ? { reason: w.target_reason } : {}) },
        rank: rankOf(s, r),
        score: chosen.score,
        candidates: ordered.slice(0, CANDIDATES_SHOWN).map((c) => ({ agent_id: c.agent.id, agent_match: c.score.agent_match, score: c.score.score })),
      },
    };
    s.offers[offer.offer_id] = offer;
    w.offer_id = offer.offer_id;
    agent.load[w.class] += 1;
    const { offer_id, conversation_id, expires_at, breakdown } = offer;
    fx.push({ type: "offer", offer_id, conversation_id, agent_id: agent.id, queue_id: w.queue.id, expires_at, breakdown });
    if (!hasRoom(agent, settings)) {
      agents = agents.filter((a) => a !== agent);
      if (agents.length === 0) return;
    }
    room = { voice: roomFor("voice"), chat: roomFor("chat"), email: roomFor("email") };
    candidates.clear();
  }
}

/** Candidates best first under the policy; ties fall to the longest-idle agent, then the id. */
function order<T extends { agent: AgentState; score: AgentScore }>(s: DeskState, policy: Policy, scored: T[], w: Waiting): T[] {
  const idle = (x: T, y: T) => x.agent.idle_since - y.agent.idle_since || cmp(x.agent.id, y.agent.id);
  const busy = (a: AgentState) => used(a, s.config.settings);
  switch (policy) {
    case "weighted": {
      // First an agent with the required skills: a widened target permits others, it does not prefer them.
      // Then packing: a contact that fits beside work in progress never breaks a wholly free agent, the only
      // kind a call can take; and a chat or e-mail goes to an agent who takes no calls before one who does,
      // whose capacity would otherwise never drain back to a whole agent for the next call. The score then
      // chooses among the agents left level.
      const pack = w.queue.strategy === "pack";
      const whole = (x: T) => (pack && busy(x.agent) === 0 ? 1 : 0);
      const takesCalls = (x: T) => (pack && w.class !== "voice" && x.agent.capacity.voice > 0 ? 1 : 0);
      const wrong = (x: T) => (meetsRequirements(x.agent, w.requirements) ? 0 : 1);
      return scored.sort((x, y) => wrong(x) - wrong(y) || whole(x) - whole(y) || takesCalls(x) - takesCalls(y) || y.score.score - x.score.score || idle(x, y));
    }
    case "fifo":
      return scored.sort(idle);
    case "least_busy":
    case "fifo_skill":
      return scored.sort((x, y) => busy(x.agent) - busy(y.agent) || idle(x, y));
    case "fifo_skill_pack":
      return scored.sort((x, y) => busy(y.agent) - busy(x.agent) || idle(x, y));
    case "round_robin":
    case "round_robin_blind": {
      const last = s.rr_last;
      const byId = scored.sort((x, y) => cmp(x.agent.id, y.agent.id));
      const next = last === null ? 0 : byId.findIndex((x) => x.agent.id > last);
      return next <= 0 ? byId : [...byId.slice(next), ...byId.slice(0, next)];
    }
  }
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
