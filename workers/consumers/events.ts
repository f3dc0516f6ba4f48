import { and, eq, sql } from "drizzle-orm";
import { linkContact } from "../contacts";
import { DomainEvent } from "../../shared/events";
import { db } from "../db/client";
import { conversations, events } from "../db/schema";
import { now } from "../../shared/ids";

/**
 * events → D1. Idempotent: the event log's primary key drops redeliveries, and the index row only
 * moves forward (`rev`), so out-of-order or repeated batches converge to the object's state.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const d = db(env);
  const statements = [];
  const valid: Message<unknown>[] = [];
  for (const msg of batch.messages) {
    const parsed = DomainEvent.safeParse(msg.body);
    if (!parsed.success) {
      // A malformed event is a producer bug: kept out of D1, retried, then parked in the dead-letter queue for a human.
      console.error(JSON.stringify({ level: "error", msg: "invalid event", id: msg.id, issues: parsed.error.issues.slice(0, 3) }));
      msg.retry();
      continue;
    }
    const e = parsed.data;
    valid.push(msg);
    statements.push(
      d
        .insert(events)
        .values({ id: e.id, tenantId: e.tenant_id, type: e.type, conversationId: e.conversation_id, rev: e.rev, payload: e, occurredAt: e.occurred_at, receivedAt: now() })
        .onConflictDoNothing(),
    );
    if ("conversation" in e) {
      const s = e.conversation;
      // A channel conversation names its customer by provider identity; the index shows the linked contact.
      const contactId = e.type === "conversation.created" && e.contact ? await linkContact(d, e.tenant_id, e.contact, s.contact_id) : null;
      const row = {
        id: s.id,
        tenantId: s.tenant_id,
        channel: s.channel,
        status: s.status,
        contactId: contactId ?? s.contact_id,
        assigneeId: s.assignee_id,
        subject: s.subject,
        externalThreadId: s.external_thread_id,
        lastSeq: s.last_seq,
        lastMessageAt: s.last_message_at,
        createdAt: s.created_at,
        updatedAt: s.updated_at,
        rev: s.rev,
      };
      statements.push(
        d
          .insert(conversations)
          .values(row)
          .onConflictDoUpdate({
            target: [conversations.tenantId, conversations.id],
            set: {
              status: row.status,
              assigneeId: row.assigneeId,
              subject: row.subject,
              lastSeq: row.lastSeq,
              lastMessageAt: row.lastMessageAt,
              updatedAt: row.updatedAt,
              rev: row.rev,
            },
            setWhere: sql`excluded.rev > ${conversations.rev}`,
          }),
      );
      if (contactId && contactId !== s.contact_id) {
        statements.push(d.update(conversations).set({ contactId }).where(and(eq(conversations.tenantId, s.tenant_id), eq(conversations.id, s.id))));
      }
    }
  }
  if (statements.length === 0) return;
  await d.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
  for (const msg of valid) msg.ack();
}
