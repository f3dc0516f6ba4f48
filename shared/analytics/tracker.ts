import type { SenderKind } from "../message";
import type { SurveyKind } from "../events";
import { NO_FACTS, type ConversationFacts, type EventMetrics } from "./facts";

type ActorKind = "customer" | "agent" | "bot" | "system" | "api";

/** What the conversation object records, as the tracker needs to see it. */
export type Happening =
  | { type: "conversation.created"; bot: boolean }
  | { type: "message.created"; sender: SenderKind }
  | { type: "conversation.queued" | "conversation.transferred" | "conversation.resolved" | "conversation.reopened" | "conversation.closed"; actor: ActorKind }
  | { type: "conversation.assigned"; actor: ActorKind; assignee: string }
  | { type: "survey.responded"; survey: SurveyKind; score: number }
  | { type: "other" };

/** Where the desk placed the conversation, learnt outside the events (the enqueue's answer, the assignment). */
export type RoutingHint = { queue?: string | null; team?: string | null };

const MAX_AGENTS = 20;

/**
 * One step of a conversation's metrics: the facts after `h` at time `at`, and what `h` adds to the rollups
 * (null when nothing). Pure, so the conversation object applies it inside the write that records the event.
 */
export function track(before: ConversationFacts, h: Happening, at: number, hint: RoutingHint = {}): { facts: ConversationFacts; metrics: EventMetrics | null } {
  const f: ConversationFacts = { ...before, agents: [...before.agents] };
  if (hint.queue !== undefined) f.queue = hint.queue;
  if (hint.team !== undefined) f.team = hint.team;
  const m: Partial<EventMetrics> = {};
  const endHolding = () => {
    if (f.assigned_at === null) return;
    m.handle_ms = Math.max(0, at - f.assigned_at);
    f.handle_ms += m.handle_ms;
    f.assigned_at = null;
  };
  switch (h.type) {
    case "conversation.created":
      f.bot = h.bot;
      m.created = true;
      if (h.bot) m.bot_handled = true;
      break;
    case "message.created":
      if (h.sender === "customer") {
        f.first_customer_at ??= at;
        break;
      }
      // Desk notices (system) are not replies; only a bot or a person answers the customer.
      if (f.first_customer_at === null || (h.sender !== "agent" && h.sender !== "bot")) break;
      if (f.first_response_ms === null) m.first_response_ms = f.first_response_ms = Math.max(0, at - f.first_customer_at);
      if (h.sender === "agent" && f.first_human_response_ms === null) m.first_human_response_ms = f.first_human_response_ms = Math.max(0, at - f.first_customer_at);
      break;
    case "conversation.queued":
      endHolding();
      if (f.queued_at === null) {
        f.queued_at = at;
        f.transfer_wait = false;
      }
      break;
    case "conversation.transferred":
      f.transfers += 1;
      if (f.transfers === 1) m.first_transfer = true;
      // A transfer while holding starts a wait that is part of a contact already answered, not a new contact.
      if (f.assigned_at !== null) {
        endHolding();
        f.queued_at = at;
        f.transfer_wait = true;
      }
      break;
    case "conversation.assigned":
      if (f.agents.length === 0) m.first_assignment = true;
      if (!f.agents.includes(h.assignee) && f.agents.length < MAX_AGENTS) f.agents.push(h.assignee);
      f.agent = h.assignee;
      if (f.queued_at !== null && !f.transfer_wait) {
        m.answered_wait_ms = Math.max(0, at - f.queued_at);
        f.answered += 1;
        f.wait_ms += m.answered_wait_ms;
      }
      f.queued_at = null;
      f.transfer_wait = false;
      f.assigned_at = at;
      break;
    case "conversation.resolved":
    case "conversation.closed": {
      if (f.ended_at !== null) break;
      endHolding();
      // A customer (or the system on their behalf) leaving a wait abandons it; an agent clearing the queue does not.
      if (f.queued_at !== null && !f.transfer_wait && (h.actor === "customer" || h.actor === "system")) {
        m.abandoned_wait_ms = Math.max(0, at - f.queued_at);
        f.abandoned += 1;
      }
      f.queued_at = null;
      f.transfer_wait = false;
      f.ended_at = at;
      if (f.agents.length > 0 && !f.handled) m.handled = f.handled = true;
      if (h.type === "conversation.resolved") {
        f.resolutions += 1;
        if (f.first_resolved_at === null) {
          f.first_resolved_at = at;
          f.agents_at_first_resolution = f.agents.length;
          f.resolved_by = h.actor === "bot" ? "bot" : f.agents.length > 0 ? "agent" : "other";
          m.resolved_by = f.resolved_by;
        }
      }
      break;
    }
    case "conversation.reopened":
      f.reopens += 1;
      f.ended_at = null;
      m.reopened = true;
      if (f.first_resolved_at !== null) f.reopened_at ??= at;
      break;
    case "survey.responded":
      if (h.survey === "csat") f.csat = h.score;
      else f.nps = h.score;
      break;
    case "other":
      break;
  }
  const changed = Object.keys(m).length > 0 || h.type === "survey.responded";
  return { facts: f, metrics: changed ? { queue: f.queue, team: f.team, agent: f.agent, ...m } : null };
}

export function factsOf(raw: string | null | undefined): ConversationFacts {
  return raw ? { ...NO_FACTS, ...(JSON.parse(raw) as Partial<ConversationFacts>) } : NO_FACTS;
}
