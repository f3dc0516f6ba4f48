import { Hono } from "hono";
import { and, desc, eq } from "drizzle-orm";
import { requireAuth, type AuthEnv } from "../http/auth";
import { HttpError } from "../http/problem";
import { db } from "../db/client";
import { contactIdentities, contacts, conversations } from "../db/schema";

/** The customer as the agent sees them: one record, every channel identity, every conversation. */
export const contactRoutes = new Hono<AuthEnv>().get("/:id", requireAuth("api", "agent"), async (c) => {
  const tenantId = c.get("principal").tenantId;
  const id = c.req.param("id");
  const d = db(c.env);
  const [contact, identities, convs] = await d.batch([
    d.select().from(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id))),
    d.select().from(contactIdentities).where(and(eq(contactIdentities.tenantId, tenantId), eq(contactIdentities.contactId, id))),
    d
      .select({ id: conversations.id, channel: conversations.channel, status: conversations.status, updated_at: conversations.updatedAt })
      .from(conversations)
      .where(and(eq(conversations.tenantId, tenantId), eq(conversations.contactId, id)))
      .orderBy(desc(conversations.updatedAt))
      .limit(100),
  ]);
  const row = contact[0];
  if (!row) throw new HttpError(404, "not found", "no such contact");
  return c.json({
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    external_user_id: row.externalUserId,
    identities: identities.map((i) => ({ channel: i.channel, external_id: i.externalId })),
    conversations: convs,
  });
});
