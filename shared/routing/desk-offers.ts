import { CHANNEL_CLASSES } from "./schemas";
import type { AgentStatus, ChannelClass, Policy, Target } from "./schemas";
import { meetsRequirements, rankTask, scoreAgent } from "./score";
import type { AgentScore, Rank } from "./score";
import type { AgentState, DeskState, Effect, Offer, Waiting } from "./desk-types";

const CANDIDATES_SHOWN = 5;

export function effectivePriority(w: Waiting): number {
  return w.queue.priority + w.task.priority + w.bump;
}

export function declinedBy(w: Waiting, agentId: string, now: number): boolean {
  const until = w.declined[agentId];
  return until !== undefined && until > now;
}

function hasRoom(agent: AgentState): boolean {
  return CHANNEL_CLASSES.some((c) => agent.load[c] < agent.capacity[c]);
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

/** Agents at work (available, console connected) who match the current target; `excludeDeclined` drops refusers. */
export function staffed(s: DeskState, w: Waiting, now: number, excludeDeclined: boolean): AgentState[] {
  const target = w.targets[w.target]!;
  return Object.values(s.agents).filter(
    (a) => a.status === "available" && a.disconnected_at === null && inTarget(a, target, w) && !(excludeDeclined && declinedBy(w, a.id, now)),
  );
}

/** Whether anyone could be offered this conversation under its current target; stops at the first agent found. */
export function anyStaffed(s: DeskState, w: Waiting, now: number): boolean {
  const target = w.targets[w.target]!;
  for (const a of Object.values(s.agents)) {
    if (a.status === "available" && a.disconnected_at === null && inTarget(a, target, w) && !declinedBy(w, a.id, now)) return true;
  }
  return false;
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

export function rankWaiting(s: DeskState, now: number): { w: Waiting; rank: Rank }[] {
  const ageing = s.config.settings.ageing_per_sla;
  const list = Object.values(s.waiting)
    .filter((w) => w.offer_id === null)
    .map((w) => {
      const waited = now - Math.max(w.enqueued_at, w.not_before);
      return { w, rank: rankTask(w.queue.weights, w.task, effectivePriority(w), waited, w.queue.sla_first_response_s * 1000, ageing) };
    });
  const byScore = s.config.settings.policy === "weighted";
  return list.sort(
    (x, y) =>
      y.rank.priority - x.rank.priority ||
      (byScore ? y.rank.order_score - x.rank.order_score : 0) ||
      x.w.enqueued_at - y.w.enqueued_at ||
      cmp(x.w.task.conversation_id, y.w.task.conversation_id),
  );
}

export function makeOffers(s: DeskState, ranked: { w: Waiting; rank: Rank }[], now: number, fx: Effect[]): void {
  let agents = Object.values(s.agents).filter((a) => a.status === "available" && a.disconnected_at === null && hasRoom(a));
  if (agents.length === 0) return;
  const policy = s.config.settings.policy;
  for (const { w, rank } of ranked) {
    if (w.not_before > now) continue;
    const target = w.targets[w.target]!;
    const eligible = agents.filter((a) => a.load[w.class] < a.capacity[w.class] && !declinedBy(w, a.id, now) && inTarget(a, target, w));
    if (eligible.length === 0) continue;
    const scored = eligible.map((a) => ({ agent: a, score: scoreAgent(w.queue.weights, w.task, w.requirements, a, a.load[w.class], a.capacity[w.class]) }));
    const ordered = order(s, policy, scored, w.class);
    const chosen = ordered[0]!;
    const agent = chosen.agent;
    if (policy === "round_robin") s.rr_last = agent.id;
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
        target: { index: w.target, kind: target.kind },
        rank,
        score: chosen.score,
        candidates: ordered.slice(0, CANDIDATES_SHOWN).map((c) => ({ agent_id: c.agent.id, agent_match: c.score.agent_match, score: c.score.score })),
      },
    };
    s.offers[offer.offer_id] = offer;
    w.offer_id = offer.offer_id;
    agent.load[w.class] += 1;
    const { offer_id, conversation_id, expires_at, breakdown } = offer;
    fx.push({ type: "offer", offer_id, conversation_id, agent_id: agent.id, queue_id: w.queue.id, expires_at, breakdown });
    if (!hasRoom(agent)) {
      agents = agents.filter((a) => a !== agent);
      if (agents.length === 0) return;
    }
  }
}

/** Candidates best first under the policy; ties fall to the longest-idle agent, then the id. */
function order<T extends { agent: AgentState; score: AgentScore }>(s: DeskState, policy: Policy, scored: T[], cls: ChannelClass): T[] {
  const idle = (x: T, y: T) => x.agent.idle_since - y.agent.idle_since || cmp(x.agent.id, y.agent.id);
  switch (policy) {
    case "weighted":
      return scored.sort((x, y) => y.score.score - x.score.score || idle(x, y));
    case "fifo":
      return scored.sort(idle);
    case "least_busy":
      return scored.sort((x, y) => x.agent.load[cls] / x.agent.capacity[cls] - y.agent.load[cls] / y.agent.capacity[cls] || idle(x, y));
    case "round_robin": {
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
