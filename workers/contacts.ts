import { and, eq, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { contactIdentities, contacts } from "../db/schema";
import type { ContactHint } from "../shared/events";
import { now } from "../shared/ids";

/**
 * One customer across channels: a provider identity already seen maps to its contact; otherwise a contact
 * with the same phone number or e-mail address adopts it; otherwise the identity starts a new contact.
 */
export async function linkContact(d: Db, tenantId: string, hint: ContactHint, newContactId: string): Promise<string> {
  const identity = and(eq(contactIdentities.tenantId, tenantId), eq(contactIdentities.channel, hint.channel), eq(contactIdentities.externalId, hint.external_id));
  const linked = d.select({ contactId: contactIdentities.contactId }).from(contactIdentities).where(identity);
  const known = await linked.get();
  if (known) return known.contactId;
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
  const [, , stored] = await d.batch([
    d
      .insert(contacts)
      .values({ id: contactId, tenantId, name: hint.name ?? null, email: hint.email?.toLowerCase() ?? null, phone: hint.phone ?? null, createdAt: t, updatedAt: t })
      .onConflictDoNothing(),
    d.insert(contactIdentities).values({ tenantId, channel: hint.channel, externalId: hint.external_id, contactId, createdAt: t }).onConflictDoNothing(),
    linked,
  ]);
  // A concurrent delivery may have linked the identity first; its link stands, so every delivery reports the stored one.
  return stored[0]!.contactId;
}
