import { z } from "zod";
import { ChannelName, StandardMessage } from "./message";
import { ConversationStatus } from "./conversation-state";
import { AgentStatus } from "./routing/schemas";
import { ConversationFacts, EventMetrics } from "./analytics/facts";
import { TicketField, TicketView } from "./tickets";

const base = {
  id: z.string(),
  tenant_id: z.string(),
  conversation_id: z.string(),
  /** Monotonic per conversation, so consumers can apply events out of order and keep the newest state. */
  rev: z.int().nonnegative(),
  occurred_at: z.number(),
};

export const ConversationSnapshot = z.object({
  id: z.string(),
  tenant_id: z.string(),
  channel: ChannelName,
  status: ConversationStatus,
  contact_id: z.string(),
  assignee_id: z.string().nullable(),
  subject: z.string().nullable(),
  external_thread_id: z.string().nullable(),
  last_seq: z.int().nonnegative(),
  last_message_at: z.number().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
  rev: z.int().nonnegative(),
}).meta({ id: "Conversation" });
export type ConversationSnapshot = z.infer<typeof ConversationSnapshot>;

/** How a channel identified the customer; the events consumer links it to one contact across channels. */
export const ContactHint = z.object({
  channel: z.string(),
  external_id: z.string(),
  name: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
});
export type ContactHint = z.infer<typeof ContactHint>;

/** Rollup deltas and the conversation's metrics so far (shared/analytics/facts.ts), written with the event. */
const analytics = { metrics: EventMetrics.optional(), facts: ConversationFacts.optional() };

const Actor = z.object({ kind: z.enum(["customer", "agent", "bot", "system", "api"]), id: z.string() });

const stateEvent = <T extends string>(type: T) =>
  z.object({
    ...base,
    type: z.literal(type),
    conversation: ConversationSnapshot,
    actor: Actor,
    note: z.string().optional(),
    contact: ContactHint.optional(),
    ...analytics,
  });

/** Surveys a conversation can ask at resolution. */
export const SurveyKind = z.enum(["csat", "nps"]);
export type SurveyKind = z.infer<typeof SurveyKind>;

/**
 * An agent's time between two changes of presence or load, reported by the routing desk when the interval ends:
 * occupancy and idle time are sums of these intervals, so each is an immutable fact whatever the delivery order.
 */
export const AgentActivity = z.object({
  id: z.string(),
  tenant_id: z.string(),
  type: z.literal("agent.status"),
  occurred_at: z.number(),
  agent_id: z.string(),
  /** The agent's first team, the rollups' team dimension. */
  team: z.string().nullable(),
  /** Presence during [from, to). */
  status: AgentStatus,
  /** Conversations held during the interval, and the share of the agent's capacity they used (0…1). */
  conversations: z.int().nonnegative(),
  load: z.number().min(0).max(1),
  from: z.number(),
  to: z.number(),
  /** Presence from `to` on. */
  next_status: AgentStatus,
});
export type AgentActivity = z.infer<typeof AgentActivity>;

/** A contact as events show it; the resume token and other secrets stay out. */
export const ContactSnapshot = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  external_user_id: z.string().nullable(),
  tier: z.string(),
  lifetime_value: z.number(),
  created_at: z.number(),
  updated_at: z.number(),
});
export type ContactSnapshot = z.infer<typeof ContactSnapshot>;

export const ContactField = z.enum(["name", "email", "phone", "tier", "lifetime_value"]);

/** Events about a ticket or a contact belong to no conversation: no `conversation_id`, no `rev`. */
const entity = { id: z.string(), tenant_id: z.string(), occurred_at: z.number() };

export const TicketEvent = z.discriminatedUnion("type", [
  z.object({ ...entity, type: z.literal("ticket.created"), ticket: TicketView, actor: Actor }),
  /** `changes` names the fields the update changed; `previous` holds their values before it. */
  z.object({ ...entity, type: z.literal("ticket.updated"), ticket: TicketView, actor: Actor, changes: z.array(TicketField).min(1), previous: TicketView.pick({ subject: true, status: true, priority: true, assignee_id: true, due_at: true }).partial() }),
  /** The connector created the ticket in the tenant's external system: `ticket.external_id` names it there. */
  z.object({ ...entity, type: z.literal("ticket.synced"), ticket: TicketView }),
]);
export type TicketEvent = z.infer<typeof TicketEvent>;

export const ContactEvent = z.discriminatedUnion("type", [
  z.object({ ...entity, type: z.literal("contact.created"), contact: ContactSnapshot }),
  z.object({ ...entity, type: z.literal("contact.updated"), contact: ContactSnapshot, changes: z.array(ContactField).min(1) }),
]);
export type ContactEvent = z.infer<typeof ContactEvent>;

export const DomainEvent = z.discriminatedUnion("type", [
  ...TicketEvent.options,
  ...ContactEvent.options,
  stateEvent("conversation.created"),
  stateEvent("conversation.queued"),
  stateEvent("conversation.assigned"),
  stateEvent("conversation.transferred"),
  stateEvent("conversation.resolved"),
  stateEvent("conversation.reopened"),
  stateEvent("conversation.closed"),
  z.object({ ...base, type: z.literal("message.created"), conversation: ConversationSnapshot, message: StandardMessage, ...analytics }),
  /** An edit, retraction or reaction; `message` is the message as it is now. */
  z.object({ ...base, type: z.literal("message.updated"), conversation: ConversationSnapshot, message: StandardMessage, change: z.enum(["edited", "retracted", "reaction"]) }),
  /** A customer's answer to a survey; `agent_id` is who held the conversation when it was resolved. */
  z.object({
    ...base,
    type: z.literal("survey.responded"),
    conversation: ConversationSnapshot,
    survey: SurveyKind,
    score: z.int().min(0).max(10),
    comment: z.string().max(2000).optional(),
    agent_id: z.string().nullable(),
    ...analytics,
  }),
  AgentActivity,
  /** A quality flag (shared/bot/insights.ts QualityFlag) raised on the conversation, for supervisors and analytics. */
  z.object({ ...base, type: z.literal("conversation.flagged"), conversation: ConversationSnapshot, flag: z.string(), detail: z.string().optional() }),
  z.object({
    ...base,
    type: z.literal("message.delivery"),
    message_id: z.string(),
    status: z.enum(["sent", "delivered", "read", "failed"]),
    reason: z.string().optional(),
    provider_message_id: z.string().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("message.read"),
    participant_id: z.string(),
    seq: z.int().nonnegative(),
  }),
]);
export type DomainEvent = z.infer<typeof DomainEvent>;

/**
 * What an event is about and its place in that thing's history: a conversation's events by `rev`, an agent's
 * presence by time, a ticket's by version, a contact's by the time of its change.
 */
export function streamOf(e: DomainEvent): { kind: "conversation" | "agent" | "ticket" | "contact"; id: string; rank: number } {
  if ("conversation_id" in e) return { kind: "conversation", id: e.conversation_id, rank: e.rev };
  if ("ticket" in e) return { kind: "ticket", id: e.ticket.id, rank: e.ticket.version };
  if ("contact" in e) return { kind: "contact", id: e.contact.id, rank: e.contact.updated_at };
  return { kind: "agent", id: e.agent_id, rank: e.occurred_at };
}

/**
 * One queue message carries many events: a queue message costs the same whatever its size, and a flush of
 * a busy conversation becomes one send. Queue messages are limited to 128 KB, so envelopes are packed by size.
 */
export const EventEnvelope = z.object({ events: z.array(DomainEvent).min(1) });
export type EventEnvelope = z.infer<typeof EventEnvelope>;

export const MAX_ENVELOPE_BYTES = 96 * 1024;

const OMITTED = "[content omitted from the event stream: too large; read the message from its conversation]";

/** Packs serialized events into envelopes under `maxBytes`, in order. An event too large on its own loses its content. */
export function packEvents(bodies: string[], maxBytes = MAX_ENVELOPE_BYTES): DomainEvent[][] {
  const out: DomainEvent[][] = [];
  const utf8 = new TextEncoder();
  let current: DomainEvent[] = [];
  let size = 0;
  for (const body of bodies) {
    let event = JSON.parse(body) as DomainEvent;
    let bytes = utf8.encode(body).length;
    if (bytes > maxBytes && event.type === "message.created") {
      event = { ...event, message: { ...event.message, parts: [{ type: "text", text: OMITTED }], metadata: { ...event.message.metadata, content_omitted: true } } };
      bytes = utf8.encode(JSON.stringify(event)).length;
    }
    if (current.length && size + bytes > maxBytes) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(event);
    size += bytes;
  }
  if (current.length) out.push(current);
  return out;
}
