import { and, eq, getTableColumns, sql } from "drizzle-orm";
import { contactCreated, linkContact } from "../contacts";
import { EventEnvelope, streamOf, type ContactEvent, type ConversationSnapshot, type DomainEvent } from "../../shared/events";
import { db, runBatch, type Db, type Statement } from "../../db/client";
import { conversations, events } from "../../db/schema";
import { now } from "../../shared/ids";
import { describeError, retryDelaySeconds } from "./retry";
import { archiveEvents } from "../analytics/archive";
import { analyticsWrites, type FactsEntry } from "../analytics/ingest";
import { fanOutEvents } from "../webhooks/endpoints";

/** D1 refuses a statement that binds more than 100 parameters. */
const D1_MAX_BOUND_PARAMETERS = 100;

/**
 * Drizzle binds one parameter per column for every row of a multi-row insert (a column's default included; only a
 * column with neither a value nor a default becomes a literal null), so the column count bounds what a row binds.
 */
const EVENT_ROWS_PER_INSERT = Math.floor(D1_MAX_BOUND_PARAMETERS / Object.keys(getTableColumns(events)).length);

type Delivery = { msg: Message<unknown>; events: DomainEvent[] };
type IndexEntry = { snapshot: ConversationSnapshot; contactId: string | null };

/**
 * events → D1. Idempotent: the event log's primary key drops redeliveries, and the index row only
 * moves forward (`rev`), so out-of-order or repeated batches converge to the object's state.
 * A batch costs a few statements, not a few per event: event rows go in multi-row inserts, and each
 * conversation's index row is written once, from its newest snapshot in the batch.
 * When D1 refuses that batch, each queue message is applied on its own: a message that cannot be stored is
 * retried, and finally dead-lettered, alone, instead of taking the rest of the batch (other tenants too) with it.
 * A contact that a channel identity starts is announced (contact.created) with the events that started it.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const d = db(env);
  const receivedAt = now();
  const deliveries = parseDeliveries(batch.messages);
  const together = deliveries.length > 1 ? await appliedTogether(d, deliveries, receivedAt) : null;
  if (together) {
    await archived(env, deliveries, together);
    return;
  }
  for (const delivery of deliveries) {
    const started = await applyAlone(d, delivery, receivedAt);
    if (started) await archived(env, [delivery], started);
  }
}

/**
 * Acknowledged once archived too, one R2 object per (tenant, date) for what was stored together, and handed to the
 * `webhooks` queue for tenants with matching endpoints; a failure retries the messages, whose D1 writes are already
 * idempotent, as are the endpoints' delivery logs (one delivery per webhook-id).
 */
async function archived(env: Env, stored: Delivery[], started: ContactEvent[]): Promise<void> {
  try {
    const list = [...stored.flatMap((x) => x.events), ...started];
    await Promise.all([archiveEvents(env.ARCHIVE, stored[0]!.msg.id, list), fanOutEvents(env, list)]);
    for (const { msg } of stored) msg.ack();
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "event archive or webhook fan-out failed; retrying the messages", ids: stored.map((x) => x.msg.id), error: describeError(err) }));
    for (const { msg } of stored) msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
  }
}

function parseDeliveries(messages: readonly Message<unknown>[]): Delivery[] {
  const deliveries: Delivery[] = [];
  for (const msg of messages) {
    const parsed = EventEnvelope.safeParse(msg.body);
    if (parsed.success) {
      deliveries.push({ msg, events: parsed.data.events });
      continue;
    }
    // A malformed envelope is a producer bug: kept out of D1, retried, then parked in the dead-letter queue for a human.
    console.error(JSON.stringify({ level: "error", msg: "invalid event envelope", id: msg.id, issues: parsed.error.issues.slice(0, 3) }));
    msg.retry();
  }
  return deliveries;
}

/** D1 applies a statement batch atomically: when this fails no event or index row of it was written, so each message can go again alone. */
async function appliedTogether(d: Db, deliveries: Delivery[], receivedAt: number): Promise<ContactEvent[] | null> {
  try {
    return await apply(d, deliveries.flatMap((x) => x.events), receivedAt);
  } catch (err) {
    console.warn(JSON.stringify({ level: "warn", msg: "event batch refused; applying its messages one by one", messages: deliveries.length, error: describeError(err) }));
    return null;
  }
}

async function applyAlone(d: Db, { msg, events: list }: Delivery, receivedAt: number): Promise<ContactEvent[] | null> {
  try {
    return await apply(d, list, receivedAt);
  } catch (err) {
    const tenants = [...new Set(list.map((e) => e.tenant_id))];
    console.error(JSON.stringify({ level: "error", msg: "event message refused; retrying it alone", id: msg.id, attempts: msg.attempts, tenants, error: describeError(err) }));
    msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
    return null;
  }
}

/** Stores the events; returns the contact.created events of the contacts their channel identities started. */
async function apply(d: Db, list: DomainEvent[], receivedAt: number): Promise<ContactEvent[]> {
  const { index, started } = await newestSnapshots(d, list);
  // Marks the event rows this pass stores, so only they add to the rollups (workers/analytics/ingest.ts).
  const batch = crypto.randomUUID();
  await runBatch(d, [...eventInserts(d, [...list, ...started], receivedAt, batch), ...indexWrites(d, index), ...analyticsWrites(list, newestFacts(list, index), batch, receivedAt)]);
  return started;
}

/** Each conversation's newest facts in the batch, named by the contact its identity links to when this batch linked it. */
function newestFacts(list: DomainEvent[], index: IndexEntry[]): FactsEntry[] {
  const linked = new Map(index.map((x) => [`${x.snapshot.tenant_id}\u0000${x.snapshot.id}`, x.contactId]));
  const newest = new Map<string, FactsEntry>();
  for (const e of list) {
    if (!("facts" in e) || !e.facts) continue;
    const key = `${e.tenant_id}\u0000${e.conversation_id}`;
    const seen = newest.get(key);
    if (seen && seen.event.rev >= e.rev) continue;
    const contact = linked.get(key);
    newest.set(key, { event: e as FactsEntry["event"], contactId: contact ?? e.conversation.contact_id, linked: !!contact && contact !== e.conversation.contact_id });
  }
  return [...newest.values()];
}

function eventInserts(d: Db, list: DomainEvent[], receivedAt: number, batch: string): Statement[] {
  // An agent's activity, a ticket's and a contact's changes belong to no conversation: the log files them under
  // `agent:<id>`, `ticket:<id>` (by version) and `contact:<id>` (by time of change).
  const rows = list.map((e) => {
    const s = streamOf(e);
    return {
      id: e.id,
      tenantId: e.tenant_id,
      type: e.type,
      conversationId: s.kind === "conversation" ? s.id : `${s.kind}:${s.id}`,
      rev: s.kind === "agent" ? 0 : s.rank,
      payload: e,
      occurredAt: e.occurred_at,
      receivedAt,
      batch,
    };
  });
  const inserts: Statement[] = [];
  for (let i = 0; i < rows.length; i += EVENT_ROWS_PER_INSERT) {
    inserts.push(d.insert(events).values(rows.slice(i, i + EVENT_ROWS_PER_INSERT)).onConflictDoNothing());
  }
  return inserts;
}

/**
 * Each conversation's newest snapshot, with the contact its channel identity links to. Linking writes ahead of the
 * batch, but an identity once linked keeps its contact, so a retried or redelivered message finds the same one.
 */
async function newestSnapshots(d: Db, list: DomainEvent[]): Promise<{ index: IndexEntry[]; started: ContactEvent[] }> {
  const newest = new Map<string, IndexEntry>();
  const started = new Map<string, ContactEvent>();
  for (const e of list) {
    if (!("conversation" in e)) continue;
    const key = `${e.tenant_id}\u0000${e.conversation_id}`;
    const seen = newest.get(key);
    // A channel conversation names its customer by provider identity; the index shows the linked contact.
    const link = e.type === "conversation.created" && e.contact ? await linkContact(d, e.tenant_id, e.contact, e.conversation.contact_id, e.conversation.created_at) : null;
    if (link?.created) started.set(`${e.tenant_id}\u0000${link.contactId}`, contactCreated(link.created));
    const linked = link?.contactId ?? null;
    const contactId = linked ?? seen?.contactId ?? null;
    if (!seen || e.conversation.rev > seen.snapshot.rev) newest.set(key, { snapshot: e.conversation, contactId });
    else if (linked) seen.contactId = linked;
  }
  return { index: [...newest.values()], started: [...started.values()] };
}

function indexWrites(d: Db, entries: IndexEntry[]): Statement[] {
  return entries.flatMap(({ snapshot: s, contactId }) => {
    const upsert = d
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
      });
    // The link is not ordered by rev: it lands whenever the creation event does, even after newer snapshots.
    if (!contactId || contactId === s.contact_id) return [upsert];
    return [upsert, d.update(conversations).set({ contactId }).where(and(eq(conversations.tenantId, s.tenant_id), eq(conversations.id, s.id)))];
  });
}
