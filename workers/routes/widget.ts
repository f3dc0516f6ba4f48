import { Hono } from "hono";
import { z } from "zod";
import { and, eq } from "drizzle-orm";
import { requireAuth, issueToken, type AuthEnv } from "../http/auth";
import { HttpError } from "../http/problem";
import { jsonBody } from "../http/validate";
import { db } from "../db/client";
import { contacts } from "../db/schema";
import { checkOrigin, tenantById } from "../tenants";
import { conversationStub } from "../conversation-stub";
import { identityHash, timingSafeEqual } from "../../shared/crypto";
import { newId, now } from "../../shared/ids";
import { unwrap } from "../http/problem";

export const StartSession = z.object({
  tenant_id: z.string().min(1).max(64),
  /** The tenant's own user id, for a signed-in user; anonymous visitors omit it. */
  user_id: z.string().min(1).max(255).optional(),
  /** HMAC-SHA256(user_id, tenant identity secret), hex; required when the tenant enables identity verification. */
  user_hash: z.string().regex(/^[0-9a-f]{64}$/, "hex HMAC-SHA256").optional(),
  /** A returning anonymous visitor's contact, from the previous session token. */
  contact_id: z.string().max(64).optional(),
  name: z.string().max(255).optional(),
  email: z.email().max(320).optional(),
});

export const StartConversation = z.object({
  channel: z.enum(["web", "app"]).default("web"),
  subject: z.string().max(500).optional(),
});

export const widgetRoutes = new Hono<AuthEnv>()
  .post("/session", jsonBody(StartSession), async (c) => {
    const b = c.req.valid("json");
    // Sessions create contacts: an unauthenticated endpoint must not let one client mint them without bound.
    const client = c.req.header("cf-connecting-ip") ?? "local";
    if (!(await c.env.SESSION_LIMITER.limit({ key: `${b.tenant_id}:${client}` })).success) {
      throw new HttpError(429, "too many requests", "too many new sessions from this address; retry in a minute");
    }
    const tenant = await tenantById(c.env, b.tenant_id);
    checkOrigin(c.env, tenant, c.req.header("origin"));
    if (tenant.identityVerification) {
      if (!b.user_id || !b.user_hash) throw new HttpError(401, "unauthorized", "this tenant requires user_id and user_hash");
      if (!timingSafeEqual(await identityHash(b.user_id, tenant.identitySecret), b.user_hash)) throw new HttpError(401, "unauthorized", "user_hash does not match user_id");
    }
    const d = db(c.env);
    const t = now();
    let contactId: string | undefined;
    if (b.user_id) {
      const existing = await d.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.tenantId, tenant.id), eq(contacts.externalUserId, b.user_id))).get();
      contactId = existing?.id;
    } else if (b.contact_id) {
      const existing = await d.select({ id: contacts.id, uid: contacts.externalUserId }).from(contacts).where(and(eq(contacts.tenantId, tenant.id), eq(contacts.id, b.contact_id))).get();
      // A signed-in user's contact is never handed to an anonymous session.
      if (existing && !existing.uid) contactId = existing.id;
    }
    if (!contactId) {
      contactId = newId("ctc");
      await d
        .insert(contacts)
        .values({ id: contactId, tenantId: tenant.id, name: b.name ?? null, email: b.email ?? null, externalUserId: b.user_id ?? null, createdAt: t, updatedAt: t })
        .onConflictDoNothing();
      if (b.user_id) {
        // Two first sessions of the same user may race; the unique index keeps one contact.
        const winner = await d.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.tenantId, tenant.id), eq(contacts.externalUserId, b.user_id))).get();
        contactId = winner?.id ?? contactId;
      }
    }
    const session = await issueToken(c.env, {
      kind: "visitor",
      sub: contactId,
      tid: tenant.id,
      ...(b.name ? { name: b.name } : {}),
      ...(b.user_id ? { uid: b.user_id } : {}),
      ...(b.user_hash ? { uh: b.user_hash } : {}),
    });
    return c.json({ ...session, contact_id: contactId }, 201);
  })
  .post("/conversations", requireAuth("visitor"), jsonBody(StartConversation), async (c) => {
    const p = c.get("principal");
    if (p.kind !== "visitor") throw new HttpError(403, "forbidden");
    const b = c.req.valid("json");
    const conversationId = newId("cnv");
    const r = unwrap(
      await conversationStub(c.env, p.tenantId, conversationId).create({
        tenantId: p.tenantId,
        conversationId,
        channel: b.channel,
        contactId: p.contactId,
        subject: b.subject ?? null,
        actor: { kind: "customer", id: p.contactId },
      }),
    );
    return c.json(r.conversation, 201);
  });
