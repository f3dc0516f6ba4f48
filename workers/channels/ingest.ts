import { z } from "zod";
import { sha256Hex } from "../../shared/crypto";
import { MessageInput, type ChannelName } from "../../shared/message";
import { conversationStub } from "../../objects/conversation-stub";
import type { Ingest, IngestChange } from "../../objects/conversation";
import type { InboundItem, InboundStatus, InboundWatermark } from "./adapter";
import { ChannelError } from "./adapter";

/** Deterministic ids: the same provider thread always lands in the same conversation object, with no lookup. */
export async function threadConversationId(tenantId: string, channel: string, thread: string): Promise<string> {
  return `cnv_${(await sha256Hex(`${tenantId}\u0000${channel}\u0000${thread}`)).slice(0, 32)}`;
}

export async function channelContactId(tenantId: string, channel: string, externalId: string): Promise<string> {
  return `ctc_${(await sha256Hex(`${tenantId}\u0000${channel}\u0000${externalId}`)).slice(0, 32)}`;
}

/** Verified channel work, grouped per conversation; also the body of an `inbound` queue message when buffered. */
export const InboundBatch = z.object({
  tenant_id: z.string(),
  channel: z.string(),
  conversation_id: z.string(),
  ingest: z.array(z.custom<Ingest>()),
  statuses: z.array(z.custom<InboundStatus>()),
  /** Edits, retractions and reactions; absent in batches queued before they existed. */
  changes: z.array(z.custom<IngestChange>()).optional(),
  watermarks: z.array(z.custom<Pick<InboundWatermark, "status" | "upTo">>()).optional(),
  received_at: z.number(),
});
export type InboundBatch = z.infer<typeof InboundBatch>;

/**
 * Turns parsed items into per-conversation work. Every message is validated before anything is written,
 * so a payload with one unrepresentable item stores nothing.
 */
export async function planInbound(tenantId: string, channel: ChannelName, items: InboundItem[], receivedAt: number): Promise<{ batches: InboundBatch[]; orphanStatuses: InboundStatus[] }> {
  const byConversation = new Map<string, InboundBatch>();
  const orphanStatuses: InboundStatus[] = [];
  const batchFor = async (thread: string) => {
    const id = await threadConversationId(tenantId, channel, thread);
    let b = byConversation.get(id);
    if (!b) byConversation.set(id, (b = { tenant_id: tenantId, channel, conversation_id: id, ingest: [], statuses: [], changes: [], watermarks: [], received_at: receivedAt }));
    return b;
  };
  for (const item of items) {
    if (item.kind === "status") {
      if (item.externalThreadId) (await batchFor(item.externalThreadId)).statuses.push(item);
      else orphanStatuses.push(item);
      continue;
    }
    if (item.kind === "watermark") {
      (await batchFor(item.externalThreadId)).watermarks!.push({ status: item.status, upTo: item.upTo });
      continue;
    }
    if (item.kind === "change") {
      if (item.change.type === "edit" && !MessageInput.shape.parts.safeParse(item.change.parts).success) {
        throw new ChannelError(422, `edit of ${item.providerMessageId}: the new content is not representable`);
      }
      const contactId = await channelContactId(tenantId, channel, item.contact.externalId);
      (await batchFor(item.externalThreadId)).changes!.push({
        providerMessageId: item.providerMessageId,
        sender: { kind: "customer", id: contactId, ...(item.contact.name ? { name: item.contact.name } : {}) },
        change: item.change,
        ...(item.occurredAt ? { at: item.occurredAt } : {}),
      });
      continue;
    }
    const input = MessageInput.safeParse({ client_msg_id: `${channel}:${item.providerMessageId}`.slice(0, 128), parts: item.parts, metadata: item.metadata });
    if (!input.success) {
      throw new ChannelError(422, `message ${item.providerMessageId}: ${input.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    }
    const b = await batchFor(item.externalThreadId);
    const contactId = await channelContactId(tenantId, channel, item.contact.externalId);
    b.ingest.push({
      init: {
        tenantId,
        conversationId: b.conversation_id,
        channel,
        contactId,
        externalThreadId: item.externalThreadId,
        actor: { kind: "customer", id: contactId },
        contact: {
          channel,
          external_id: item.contact.externalId,
          ...(item.contact.name ? { name: item.contact.name } : {}),
          ...(item.contact.phone ? { phone: item.contact.phone } : {}),
          ...(item.contact.email ? { email: item.contact.email } : {}),
        },
      },
      // An event (a call ringing, an auto-reply) is the channel speaking, not the customer.
      sender: item.event ? { kind: "system", id: channel } : { kind: "customer", id: contactId, ...(item.contact.name ? { name: item.contact.name } : {}) },
      input: input.data,
      providerMessageId: item.providerMessageId,
      ...(item.occurredAt ? { sentAt: item.occurredAt } : {}),
      ...(item.event ? { event: true } : {}),
      ...(item.routing ? { routing: item.routing } : {}),
    });
  }
  return { batches: [...byConversation.values()], orphanStatuses };
}

/** Applies one conversation's work in one object round trip for the messages, then its status updates. */
export async function applyInbound(env: Env, b: InboundBatch): Promise<void> {
  const stub = conversationStub(env, b.tenant_id, b.conversation_id);
  if (b.ingest.length) {
    const r = await stub.ingest(b.ingest);
    if (!r.ok) throw new Error(`ingest refused: ${r.status} ${r.title} ${r.detail ?? ""}`);
  }
  if (b.changes?.length) {
    const r = await stub.change(b.changes);
    if (!r.ok && r.status !== 404) throw new Error(`change refused: ${r.status} ${r.title}`);
  }
  for (const w of b.watermarks ?? []) {
    const r = await stub.watermark(w.status, w.upTo);
    if (!r.ok && r.status !== 404) throw new Error(`watermark refused: ${r.status} ${r.title}`);
  }
  for (const s of b.statuses) {
    const r = await stub.delivery({ providerMessageId: s.providerMessageId }, s.status, s.reason);
    // A status for a conversation that never existed here is not ours (another platform shares the number).
    if (!r.ok && r.status !== 404) throw new Error(`status refused: ${r.status} ${r.title}`);
  }
}
