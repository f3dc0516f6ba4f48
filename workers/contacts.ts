import { and, eq, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { contactIdentities, contacts } from "../db/schema";
import type { ContactEvent, ContactHint, ContactSnapshot, EventEnvelope } from "../shared/events";
import { newId, now } from "../shared/ids";

type ContactRow = typeof contacts.$inferSelect;

export const contactSnapshot = (r: ContactRow): ContactSnapshot => ({
  id: r.id,
  name: r.name,
  email: r.email,
  phone: r.phone,
  external_user_id: r.externalUserId,
  tier: r.tier,
  lifetime_value: r.lifetimeValue,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

/** A contact's creation has one event id, so every path that reports it again (a redelivery, a retry) reports the same event. */
export const contactCreated = (r: ContactRow): ContactEvent => ({ id: `evt_${r.id}_created`, tenant_id: r.tenantId, type: "contact.created", occurred_at: r.createdAt, contact: contactSnapshot(r) });

export const contactUpdated = (r: ContactRow, changes: Extract<ContactEvent, { type: "contact.updated" }>["changes"]): ContactEvent => ({
  id: newId("evt"),
  tenant_id: r.tenantId,
  type: "contact.updated",
  occurred_at: r.updatedAt,
  contact: contactSnapshot(r),
  changes,
});

/** Contact events go through the events queue like a conversation's: the consumer logs them and fans them out to webhooks. */
export async function announceContact(env: Env, event: ContactEvent): Promise<void> {
  await env.EVENTS.send({ events: [event] } satisfies EventEnvelope);
}

/** Inserts a contact unless one with its id (or external user id) exists, and announces it when it was new. */
export async function createContact(env: Env, d: Db, row: typeof contacts.$inferInsert): Promise<boolean> {
  const stored = await d.insert(contacts).values(row).onConflictDoNothing().returning().get();
  if (stored) await announceContact(env, contactCreated(stored));
  return stored !== undefined;
}

/**
 * One customer across channels: a provider identity already seen maps to its contact; otherwise a contact
 * with the same phone number or e-mail address adopts it; otherwise the identity starts a new contact.
 * `created` is the contact when the identity started it, on every delivery of the event that did. A contact started
 * here dates from `startedAt`, the conversation's creation, so every delivery describes it alike.
 */
export async function linkContact(d: Db, tenantId: string, hint: ContactHint, newContactId: string, startedAt: number): Promise<{ contactId: string; created: ContactRow | null }> {
  const identity = and(eq(contactIdentities.tenantId, tenantId), eq(contactIdentities.channel, hint.channel), eq(contactIdentities.externalId, hint.external_id));
  const linked = d.select({ contactId: contactIdentities.contactId }).from(contactIdentities).where(identity);
  const started = d.select().from(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, newContactId)));
  const known = await linked.get();
  if (known) return { contactId: known.contactId, created: known.contactId === newContactId ? ((await started.get()) ?? null) : null };
  const matches = [hint.phone ? eq(contacts.phone, hint.phone) : undefined, hint.email ? eq(contacts.email, hint.email.toLowerCase()) : undefined].filter((x) => x !== undefined);
  const existing = matches.length
    ? await d
        .select({ id: contacts.id })
        .from(contacts)
        .where(and(eq(contacts.tenantId, tenantId), or(...matches)))
        .orderBy(contacts.createdAt)
        .get()
    : undefined;
  const contactId = existing?.id ?? newContactId;
  const t = now();
  const [, , stored, row] = await d.batch([
    d
      .insert(contacts)
      .values({ id: contactId, tenantId, name: hint.name ?? null, email: hint.email?.toLowerCase() ?? null, phone: hint.phone ?? null, createdAt: startedAt, updatedAt: startedAt })
      .onConflictDoNothing(),
    d.insert(contactIdentities).values({ tenantId, channel: hint.channel, externalId: hint.external_id, contactId, createdAt: t }).onConflictDoNothing(),
    linked,
    started,
  ]);
  // A concurrent delivery may have linked the identity first; its link stands, so every delivery reports the stored one.
  const storedId = stored[0]!.contactId;
  return { contactId: storedId, created: storedId === newContactId ? (row[0] ?? null) : null };
}
