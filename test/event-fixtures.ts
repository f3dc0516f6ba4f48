import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { vi } from "vitest";
import worker from "../workers/index";
import type { ContactHint, ConversationSnapshot, DomainEvent, EventEnvelope } from "../shared/events";

/** Tenant rows written straight to D1: the consumer only needs them to exist (the index references them). */
export async function seedTenants(...ids: string[]): Promise<void> {
  await env.DB.batch(ids.map((id) => env.DB.prepare("INSERT OR IGNORE INTO tenants (id, name, identity_secret, created_at) VALUES (?, ?, 's', 0)").bind(id, id)));
}

export function snapshot(tenantId: string, conversationId: string, rev: number, contactId = `ctc_${conversationId}`): ConversationSnapshot {
  return {
    id: conversationId,
    tenant_id: tenantId,
    channel: "whatsapp",
    status: rev % 2 ? "queued" : "assigned",
    contact_id: contactId,
    assignee_id: rev % 2 ? null : "agt_1",
    subject: null,
    external_thread_id: null,
    last_seq: rev,
    last_message_at: 1000 + rev,
    created_at: 1000,
    updated_at: 1000 + rev,
    rev,
  };
}

/** The event the conversation object emits at `rev`: its creation at rev 1 (with the channel's contact), then messages. */
export function conversationEvent(tenantId: string, conversationId: string, rev: number, contact?: ContactHint & { contactId: string }): DomainEvent {
  const conversation = snapshot(tenantId, conversationId, rev, contact?.contactId);
  const base = { id: `evt_${conversationId}_${rev}`, tenant_id: tenantId, conversation_id: conversationId, rev, occurred_at: 1000 + rev, conversation };
  if (rev === 1) {
    const hint = contact && { channel: contact.channel, external_id: contact.external_id, ...(contact.phone ? { phone: contact.phone } : {}) };
    return { ...base, type: "conversation.created", actor: { kind: "customer", id: conversation.contact_id }, ...(hint ? { contact: hint } : {}) };
  }
  return {
    ...base,
    type: "message.created",
    message: {
      id: `msg_${conversationId}_${rev}`,
      tenant_id: tenantId,
      conversation_id: conversationId,
      seq: rev,
      client_msg_id: `c${rev}`,
      channel: "whatsapp",
      direction: "inbound",
      sender: { kind: "customer", id: conversation.contact_id },
      parts: [{ type: "text", text: `message ${rev}` }],
      metadata: {},
      created_at: 1000 + rev,
    },
  };
}

export type Delivered = { acked: string[]; retried: { id: string; delaySeconds: number | undefined }[] };

export type Queued<T> = { id: string; attempts?: number; body: T };

/** Runs one batch through the exported worker, as the Queues runtime would, and reports each message's fate. */
export async function runQueue<T>(queue: string, messages: Queued<T>[]): Promise<Delivered> {
  const batch = createMessageBatch<T>(
    queue,
    messages.map((m) => ({ id: m.id, timestamp: new Date(), attempts: m.attempts ?? 1, body: m.body })),
  );
  // The harness records that a message was retried, not its delay.
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  const result = await getQueueResult(batch, ctx);
  const retried = batch.messages.flatMap((m, i) => retries[i]!.mock.calls.map(([options]) => ({ id: m.id, delaySeconds: options?.delaySeconds })));
  return { acked: [...result.explicitAcks].sort(), retried };
}

export const deliver = (envelopes: Queued<EventEnvelope>[]) => runQueue("edgedesk-events", envelopes);

export const indexOf = (tenantId: string) =>
  env.DB.prepare("SELECT id, status, contact_id, assignee_id, last_seq, rev FROM conversations WHERE tenant_id = ? ORDER BY id").bind(tenantId).all().then((r) => r.results);

export const eventLogOf = (tenantId: string) =>
  env.DB.prepare("SELECT id, type, conversation_id, rev, payload FROM events WHERE tenant_id = ? ORDER BY id").bind(tenantId).all().then((r) => r.results);
