import { z } from "zod";
import { and, desc, eq } from "drizzle-orm";
import { HttpError } from "../http/problem";
import { defineRoute, json, jsonBody, router } from "../http/route";
import { db } from "../../db/client";
import { contactIdentities, contacts, conversations } from "../../db/schema";
import { tenantById } from "../tenants";
import { announceContact, contactUpdated } from "../contacts";
import { conversationStub } from "../../objects/conversation-stub";
import { lookupOrders } from "../../connectors/orders";
import { ChannelName } from "../../shared/message";
import { ConversationStatus } from "../../shared/conversation-state";
import { Sentiment } from "../../shared/nlp/sentiment";
import { Order, OrdersSource } from "../../shared/orders";
import { ContactField, ContactSnapshot } from "../../shared/events";
import { Id, now } from "../../shared/ids";

const Params = z.object({ id: Id });

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

const ContactValue = z.object({ id: z.string(), tier: z.string(), lifetime_value: z.number() });

const Seen = { conversation_id: z.string(), at: z.number() };

export const ContactProfile = ContactSnapshot.omit({ created_at: true, updated_at: true })
  .extend({
    identities: z.array(z.object({ channel: z.string(), external_id: z.string() })),
    conversations: z.array(z.object({ id: z.string(), channel: ChannelName, status: ConversationStatus, updated_at: z.number() })).describe("Newest first, up to 100"),
    last_intents: z.array(z.object({ ...Seen, intent: z.string(), confidence: z.number(), provider: z.string() })),
    last_sentiment: Sentiment.extend(Seen).nullable(),
    orders: z.array(Order).describe("From the tenant's order system (docs/connectors.md); empty unless orders_source is crm"),
    orders_source: OrdersSource,
  })
  .meta({ id: "ContactProfile" });

const tag = ["Contacts"];

/** The customer as the agent sees them: one record, every channel identity, every conversation, their orders. */
export const contactRoutes = router()
  .openapi(
    defineRoute({
      method: "patch", path: "/{id}", tags: tag, access: ["api"],
      summary: "For CRM sync: the value signals routing reads (tier, lifetime value) and the contact's details",
      request: { params: Params, ...jsonBody(UpdateContact) },
      responses: { 200: json(ContactValue) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const id = c.req.valid("param").id;
      const b = c.req.valid("json");
      const d = db(c.env);
      const mine = and(eq(contacts.tenantId, tenantId), eq(contacts.id, id));
      const before = await d.select().from(contacts).where(mine).get();
      if (!before) throw new HttpError(404, "not found", "no such contact");
      const next = {
        ...(b.name !== undefined ? { name: b.name } : {}),
        ...(b.email !== undefined ? { email: b.email?.toLowerCase() ?? null } : {}),
        ...(b.phone !== undefined ? { phone: b.phone } : {}),
        ...(b.tier !== undefined ? { tier: b.tier } : {}),
        ...(b.lifetime_value !== undefined ? { lifetimeValue: b.lifetime_value } : {}),
      };
      const column = { name: "name", email: "email", phone: "phone", tier: "tier", lifetime_value: "lifetimeValue" } as const;
      const changes = ContactField.options.filter((f) => column[f] in next && next[column[f] as keyof typeof next] !== before[column[f]]);
      const updated = await d.update(contacts).set({ ...next, updatedAt: now() }).where(mine).returning().get();
      if (!updated) throw new HttpError(404, "not found", "no such contact");
      if (changes.length) await announceContact(c.env, contactUpdated(updated, changes));
      return c.json({ id: updated.id, tier: updated.tier, lifetime_value: updated.lifetimeValue }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/{id}", tags: tag, access: ["api", "agent"],
      summary: "The customer profile: identities, conversations, what the AI layer found, and orders from the tenant's system",
      request: { params: Params },
      responses: { 200: json(ContactProfile) },
    }),
    async (c) => {
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
      // What the AI layer found in the customer's latest conversations, and the orders, read side by side: a slow
      // order system costs the profile at most the connector's timeout, and a failed lookup only empties `orders`.
      const [recent, orders] = await Promise.all([
        Promise.all(convs.slice(0, PROFILE_INSIGHT_CONVERSATIONS).map(async (conv) => ({ conv, r: await conversationStub(c.env, tenantId, conv.id).insights() }))),
        tenantById(c.env, tenantId).then((t) => lookupOrders(c.env, tenantId, t.crmLookup, { id: row.id, email: row.email, phone: row.phone, external_user_id: row.externalUserId })),
      ]);
      const seen = recent.flatMap(({ conv, r }) => (r.ok ? [{ conversation_id: conv.id, at: conv.updated_at, insights: r.value }] : []));
      return c.json(
        {
          id: row.id,
          name: row.name,
          email: row.email,
          phone: row.phone,
          external_user_id: row.externalUserId,
          tier: row.tier,
          lifetime_value: row.lifetimeValue,
          identities: identities.map((i) => ({ channel: i.channel, external_id: i.externalId })),
          conversations: convs.map((x) => ({ ...x, status: x.status as ConversationStatus })),
          last_intents: seen.flatMap((x) => (x.insights.intent && x.insights.intent.intent !== "unknown" ? [{ conversation_id: x.conversation_id, at: x.at, ...x.insights.intent }] : [])),
          last_sentiment: seen.flatMap((x) => (x.insights.sentiment ? [{ conversation_id: x.conversation_id, at: x.at, ...x.insights.sentiment }] : []))[0] ?? null,
          orders: orders.orders,
          orders_source: orders.source,
        },
        200,
      );
    },
  );
