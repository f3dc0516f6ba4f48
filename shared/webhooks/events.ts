/**
 * Outgoing webhooks: which domain events a tenant may subscribe to, and the public payload each becomes
 * (Standard Webhooks: {"type","timestamp","data"}). Pure: takes an event, returns plain values.
 */
import { z } from "zod";
import { streamOf, type DomainEvent } from "../events";

export const WEBHOOK_EVENT_TYPES = [
  "conversation.created",
  "conversation.queued",
  "conversation.assigned",
  "conversation.transferred",
  "conversation.resolved",
  "conversation.reopened",
  "conversation.closed",
  "conversation.flagged",
  "message.created",
  "message.updated",
  "message.delivery",
  "message.read",
  "csat.responded",
  "nps.responded",
  "agent.status",
  "ticket.created",
  "ticket.updated",
  "ticket.synced",
  "contact.created",
  "contact.updated",
  "webhook_endpoint.disabled",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const KNOWN = new Set<string>(WEBHOOK_EVENT_TYPES);
const PREFIXES = new Set(WEBHOOK_EVENT_TYPES.map((t) => t.split(".")[0]!));

/** A subscription: an exact type, `<prefix>.*` for a known prefix, or `*`. */
export function isEventPattern(p: string): boolean {
  if (p === "*" || KNOWN.has(p)) return true;
  return p.endsWith(".*") && PREFIXES.has(p.slice(0, -2));
}

export const EventPattern = z.string().max(64).refine(isEventPattern, { message: `unknown event type; one of ${WEBHOOK_EVENT_TYPES.join(", ")}, a "<prefix>.*" wildcard or "*"` });

export function matchesAny(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === "*" || p === type || (p.endsWith(".*") && type.startsWith(p.slice(0, -1))));
}

export type WebhookPayload = { type: WebhookEventType; timestamp: string; data: Record<string, unknown> };

/**
 * What a delivery needs besides its payload: the event id (the webhook-id derives from it), and the ordering key and
 * rank (a conversation's events go out in `rev` order, an agent's presence in time order, a ticket's events by
 * version, a contact's by the time of each change).
 */
export type WebhookEvent = { event_id: string; tenant_id: string; order_key: string; rank: number; payload: WebhookPayload };

/** Analytics fields are internal (rollup deltas, metrics so far): never part of the public shape. */
function publicData(e: Record<string, unknown>): Record<string, unknown> {
  const { metrics: _m, facts: _f, ...rest } = e;
  return rest;
}

function typeOf(e: DomainEvent): WebhookEventType {
  switch (e.type) {
    case "survey.responded":
      return e.survey === "csat" ? "csat.responded" : "nps.responded";
    default:
      return e.type;
  }
}

const KEY_PREFIX = { conversation: "cnv", agent: "agt", ticket: "tkt", contact: "ctc" } as const;

export function webhookEventOf(e: DomainEvent): WebhookEvent {
  const type = typeOf(e);
  const stream = streamOf(e);
  return {
    event_id: e.id,
    tenant_id: e.tenant_id,
    order_key: `${KEY_PREFIX[stream.kind]}:${stream.id}`,
    rank: stream.rank,
    payload: { type, timestamp: new Date(e.occurred_at).toISOString(), data: publicData(e as unknown as Record<string, unknown>) },
  };
}

/**
 * A `webhooks` queue message: events for one endpoint (the events consumer matched them), or a tenant-wide notice
 * (an endpoint was disabled) that the webhooks consumer fans out to the tenant's other endpoints.
 */
export type WebhookQueueMessage =
  | { kind: "deliver"; tenant_id: string; endpoint_id: string; events: WebhookEvent[] }
  | { kind: "fanout"; tenant_id: string; exclude_endpoint_id: string; events: WebhookEvent[] };
