import { and, eq, sql } from "drizzle-orm";
import { linkContact } from "../contacts";
import { EventEnvelope, type ConversationSnapshot, type DomainEvent } from "../../shared/events";
import { db } from "../db/client";
import { conversations, events } from "../db/schema";
import { now } from "../../shared/ids";

/** D1 binds at most 100 parameters per statement; an event row takes 8. */
const EVENT_ROWS_PER_INSERT = 12;

/**
 * events → D1. Idempotent: the event log's primary key drops redeliveries, and the index row only
 * moves forward (`rev`), so out-of-order or repeated batches converge to the object's state.
 * A batch costs a few statements, not a few per event: event rows go in multi-row inserts, and each
 * conversation's index row is written once, from its newest snapshot in the batch.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const d = db(env);
  const valid: Message<unknown>[] = [];
  const rows: (typeof events.$inferInsert)[] = [];
  const newest = new Map<string, { snapshot: ConversationSnapshot; contactId: string | null }>();
  const receivedAt = now();
  const all: DomainEvent[] = [];
  for (const msg of batch.messages) {
    const parsed = EventEnvelope.safeParse(msg.body);
    if (!parsed.success) {
      // A malformed envelope is a producer bug: kept out of D1, retried, then parked in the dead-letter queue for a human.
      console.error(JSON.stringify({ level: "error", msg: "invalid event envelope", id: msg.id, issues: parsed.error.issues.slice(0, 3) }));
      msg.retry();
      continue;
    }
    valid.push(msg);
    all.push(...parsed.data.events);
  }
  for (const e of all) {
    rows.push({ id: e.id, tenantId: e.tenant_id, type: e.type, conversationId: e.conversation_id, rev: e.rev, payload: e, occurredAt: e.occurred_at, receivedAt });
    if (!("conversation" in e)) continue;
    const key = `${e.tenant_id}\u0000${e.conversation_id}`;
    const seen = newest.get(key);
    // A channel conversation names its customer by provider identity; the index shows the linked contact.
    const linked = e.type === "conversation.created" && e.contact ? await linkContact(d, e.tenant_id, e.contact, e.conversation.contact_id) : null;
    const contactId = linked ?? seen?.contactId ?? null;
    if (!seen || e.conversation.rev > seen.snapshot.rev) newest.set(key, { snapshot: e.conversation, contactId });
    else if (linked) seen.contactId = linked;
  }
  if (valid.length === 0) return;
  const statements = [];
  for (let i = 0; i < rows.length; i += EVENT_ROWS_PER_INSERT) {
    statements.push(d.insert(events).values(rows.slice(i, i + EVENT_ROWS_PER_INSERT)).onConflictDoNothing());
  }
  for (const { snapshot: s, contactId } of newest.values()) {
    statements.push(
      d
        .insert(conversations)
        .values({
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
        })
        .onConflictDoUpdate({
          target: [conversations.tenantId, conversations.id],
          set: { status: s.status, assigneeId: s.assignee_id, subject: s.subject, lastSeq: s.last_seq, lastMessageAt: s.last_message_at, updatedAt: s.updated_at, rev: s.rev },
          setWhere: sql`excluded.rev > ${conversations.rev}`,
        }),
    );
    if (contactId && contactId !== s.contact_id) {
      statements.push(d.update(conversations).set({ contactId }).where(and(eq(conversations.tenantId, s.tenant_id), eq(conversations.id, s.id))));
    }
  }
  await d.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
  for (const msg of valid) msg.ack();
}
