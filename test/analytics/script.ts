import { track, type Happening } from "../../shared/analytics/tracker";
import { NO_FACTS } from "../../shared/analytics/facts";
import type { ConversationSnapshot, DomainEvent } from "../../shared/events";
import type { SurveyKind } from "../../shared/events";
import type { AgentStatus } from "../../shared/routing/schemas";

/** One step of a scripted conversation, `at` in seconds from the script's start. */
export type Step =
  | { at: number; do: "customer" | "bot" | "agent" }
  | { at: number; do: "queued" | "resolved" | "reopened" | "closed" | "transferred"; by: "customer" | "agent" | "bot" | "system" }
  | { at: number; do: "assigned"; to: string }
  | { at: number; do: "survey"; survey: SurveyKind; score: number };

export type Script = { id: string; channel: string; contact: string; intent: string | null; bot: boolean; queue?: string; steps: Step[] };

/**
 * The events a conversation object would emit for a script: the same tracker (shared/analytics/tracker.ts) computes
 * each event's metrics and the conversation's facts, so only the timing is scripted.
 */
export function eventsOf(tenantId: string, t0: number, s: Script): DomainEvent[] {
  const created = t0 + s.steps[0]!.at * 1000;
  let facts = { ...NO_FACTS, intent: s.intent };
  let rev = 0;
  let seq = 0;
  let assignee: string | null = null;
  let status: ConversationSnapshot["status"] = "open";
  const out: DomainEvent[] = [];
  const emit = (at: number, h: Happening, body: (snap: ConversationSnapshot) => Record<string, unknown>, hint = {}) => {
    rev++;
    const r = track(facts, h, at, hint);
    facts = { ...r.facts, intent: s.intent };
    const conversation: ConversationSnapshot = {
      id: s.id, tenant_id: tenantId, channel: s.channel, status, contact_id: s.contact, assignee_id: assignee, subject: null, external_thread_id: null,
      last_seq: seq, last_message_at: at, created_at: created, updated_at: at, rev,
    };
    out.push({
      id: `evt_${tenantId}_${s.id}_${rev}`, tenant_id: tenantId, conversation_id: s.id, rev, occurred_at: at, conversation,
      ...body(conversation), ...(r.metrics ? { metrics: r.metrics } : {}), facts,
    } as DomainEvent);
  };
  emit(created, { type: "conversation.created", bot: s.bot }, () => ({ type: "conversation.created", actor: { kind: "customer", id: s.contact } }));
  for (const step of s.steps) {
    const at = t0 + step.at * 1000;
    switch (step.do) {
      case "customer":
      case "bot":
      case "agent": {
        seq++;
        const sender = step.do === "customer" ? { kind: "customer", id: s.contact } : step.do === "bot" ? { kind: "bot", id: "bot" } : { kind: "agent", id: assignee ?? "agt" };
        emit(at, { type: "message.created", sender: step.do }, (snap) => ({
          type: "message.created",
          message: {
            id: `msg_${s.id}_${seq}`, tenant_id: tenantId, conversation_id: s.id, seq, client_msg_id: `c${seq}`, channel: s.channel,
            direction: step.do === "customer" ? "inbound" : "outbound", sender, parts: [{ type: "text", text: `m${seq}` }], metadata: {}, created_at: at,
          },
          conversation: { ...snap, last_seq: seq },
        }));
        break;
      }
      case "assigned":
        assignee = step.to;
        status = "assigned";
        emit(at, { type: "conversation.assigned", actor: "system", assignee: step.to }, () => ({ type: "conversation.assigned", actor: { kind: "system", id: "desk" } }));
        break;
      case "survey":
        emit(at, { type: "survey.responded", survey: step.survey, score: step.score }, () => ({
          type: "survey.responded", survey: step.survey, score: step.score, agent_id: facts.agent,
        }));
        break;
      default: {
        status = step.do === "queued" || step.do === "transferred" ? "queued" : step.do === "reopened" ? "open" : step.do;
        if (step.do === "queued") assignee = null;
        const hint = step.do === "queued" ? { queue: s.queue ?? "default" } : {};
        emit(at, { type: `conversation.${step.do}`, actor: step.by }, () => ({ type: `conversation.${step.do}`, actor: { kind: step.by, id: step.by } }), hint);
      }
    }
  }
  return out;
}

/** An agent's presence interval, as the routing desk reports it. */
export function agentInterval(tenantId: string, t0: number, agent: string, status: AgentStatus, from: number, to: number, conversations: number, load: number, team: string | null = null): DomainEvent {
  return {
    id: `evt_${tenantId}_${agent}_${t0 + from * 1000}`, tenant_id: tenantId, type: "agent.status", occurred_at: t0 + to * 1000, agent_id: agent, team, status,
    conversations, load, from: t0 + from * 1000, to: t0 + to * 1000, next_status: status,
  };
}
