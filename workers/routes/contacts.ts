import { Hono } from "hono";
import { conversationStub } from "../../objects/conversation-stub";
import { and, desc, eq } from "drizzle-orm";
import { requireAuth, type AuthEnv } from "../http/auth";
import { HttpError } from "../http/problem";
import { z } from "zod";
import { jsonBody, paramsOf } from "../http/validate";
import { Id, now } from "../../shared/ids";

const Params = z.object({ id: Id });
import { db } from "../../db/client";
import { contactIdentities, contacts, conversations } from "../../db/schema";

/** The customer as the agent sees them: one record, every channel identity, every conversation. */
/** The profile reads AI insights from this many of the customer's latest conversations (one object call each). */
const PROFILE_INSIGHT_CONVERSATIONS = 5;

export const UpdateContact = z
  .object({
    name: z.string().max(255).nullable(),
    email: z.email().max(320).nullable(),
    phone: z.string().regex(/^\+[1-9]\d{6,14}$/, "E.164 phone number").nullable(),
    tier: z.string().min(1).max(40),
    lifetime_value: z.number().nonnegative(),
  })
  .partial();

export const contactRoutes = new Hono<AuthEnv>()
  /** For CRM sync: the value signals routing reads (tier, lifetime value) and the contact's details. */
  .patch("/:id", requireAuth("api"), paramsOf(Params), jsonBody(UpdateContact), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const b = c.req.valid("json");
    const updated = await db(c.env)
      .update(contacts)
      .set({
        ...(b.name !== undefined ? { name: b.name } : {}),
        ...(b.email !== undefined ? { email: b.email?.toLowerCase() ?? null } : {}),
        ...(b.phone !== undefined ? { phone: b.phone } : {}),
        ...(b.tier !== undefined ? { tier: b.tier } : {}),
        ...(b.lifetime_value !== undefined ? { lifetimeValue: b.lifetime_value } : {}),
        updatedAt: now(),
      })
      .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, c.req.valid("param").id)))
      .returning();
    if (updated.length === 0) throw new HttpError(404, "not found", "no such contact");
    return c.json({ id: updated[0]!.id, tier: updated[0]!.tier, lifetime_value: updated[0]!.lifetimeValue });
  })
  .get("/:id", requireAuth("api", "agent"), paramsOf(Params), async (c) => {
  const tenantId = c.get("principal").tenantId;
  const id = c.req.valid("param").id;
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
  // What the AI layer found in the customer's latest conversations: what they came for and how they felt.
  const recent = await Promise.all(
    convs.slice(0, PROFILE_INSIGHT_CONVERSATIONS).map(async (conv) => ({ conv, r: await conversationStub(c.env, tenantId, conv.id).insights() })),
  );
  const seen = recent.flatMap(({ conv, r }) => (r.ok ? [{ conversation_id: conv.id, at: conv.updated_at, insights: r.value }] : []));
  return c.json({
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    external_user_id: row.externalUserId,
    tier: row.tier,
    lifetime_value: row.lifetimeValue,
    identities: identities.map((i) => ({ channel: i.channel, external_id: i.externalId })),
    conversations: convs,
    last_intents: seen.flatMap((x) => (x.insights.intent && x.insights.intent.intent !== "unknown" ? [{ conversation_id: x.conversation_id, at: x.at, ...x.insights.intent }] : [])),
    last_sentiment: seen.flatMap((x) => (x.insights.sentiment ? [{ conversation_id: x.conversation_id, at: x.at, ...x.insights.sentiment }] : []))[0] ?? null,
  });
});
