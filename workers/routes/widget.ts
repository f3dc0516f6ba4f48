import { z } from "zod";
import { and, eq, gt, isNull } from "drizzle-orm";
import { issueToken } from "../http/auth";
import { clientAddress, enforceLimit } from "../http/rate-limit";
import { HttpError } from "../http/problem";
import { defineRoute, json, jsonBody, router } from "../http/route";
import { db, type Db } from "../../db/client";
import { contacts } from "../../db/schema";
import { checkOrigin, tenantById } from "../tenants";
import { createContact } from "../contacts";
import { conversationStub } from "../../objects/conversation-stub";
import { identityHash, sha256Hex, timingSafeEqual, toBase64 } from "../../shared/crypto";
import { newId, now } from "../../shared/ids";
import { unwrap } from "../http/problem";
import { assistantStub } from "../../objects/assistant";
import { BehaviourEvent, MAX_BEHAVIOUR_EVENTS } from "../../shared/nlp/behaviour";
import { Prediction } from "../../shared/nlp/predictive";
import { ConversationSnapshot } from "../../shared/events";
import { WidgetConfig, widgetConfig } from "../../shared/widget-config";
import { Id } from "../../shared/ids";

export const StartSession = z.object({
  tenant_id: z.string().min(1).max(64),
  /** The tenant's own user id, for a signed-in user; anonymous visitors omit it. */
  user_id: z.string().min(1).max(255).optional(),
  /** HMAC-SHA256(user_id, tenant identity secret), hex; required when the tenant enables identity verification. */
  user_hash: z.string().regex(/^[0-9a-f]{64}$/, "hex HMAC-SHA256").optional(),
  /** A returning anonymous visitor's `resume_token` from their previous session; unknown or expired ones start afresh. */
  resume_token: z.string().min(1).max(128).optional(),
  /** Contact ids are not secret (URLs, events, agent views), so they no longer resume anyone. */
  contact_id: z
    .never({ error: "no longer resumes a visitor; send the resume_token from the previous session" })
    .meta({ type: "string", deprecated: true, description: "Refused: contact ids no longer resume a visitor; send resume_token" })
    .optional(),
  name: z.string().max(255).optional(),
  email: z.email().max(320).optional(),
});

export const StartConversation = z.object({
  channel: z.enum(["web", "app"]).default("web"),
  subject: z.string().max(500).optional(),
});

/** Behaviour the widget saw on the tenant's site, batched; the answer may carry a proactive greeting. */
export const ReportBehaviour = z.object({
  events: z.array(BehaviourEvent).min(1).max(MAX_BEHAVIOUR_EVENTS),
  /** The visitor's UI language, for the greeting. */
  lang: z.enum(["en", "zh"]).default("en"),
});

type Details = Pick<z.infer<typeof StartSession>, "name" | "email">;

const RESUME_TOKEN_PREFIX = "edr_";
/** Sliding: every session pushes it out again, so only a visitor away this long starts afresh. */
const RESUME_TOKEN_TTL_MS = 30 * 86_400_000;

/** 32 random bytes: unguessable, so looking a token up by its hash leaks nothing a comparison would hide. */
function newResumeToken(): string {
  const base64 = toBase64(crypto.getRandomValues(new Uint8Array(32)));
  return RESUME_TOKEN_PREFIX + base64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Swaps a valid resume token for the next one in one statement: a token resumes once, so a stolen copy dies
 * when the visitor comes back, and two uses of the same token cannot both win. A signed-in user's contact is
 * never handed to an anonymous session.
 */
async function rotateResumeToken(d: Db, tenantId: string, token: string, next: { hash: string; expiresAt: number }, t: number): Promise<string | undefined> {
  const row = await d
    .update(contacts)
    .set({ resumeTokenHash: next.hash, resumeExpiresAt: next.expiresAt })
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.resumeTokenHash, await sha256Hex(token)), gt(contacts.resumeExpiresAt, t), isNull(contacts.externalUserId)))
    .returning({ id: contacts.id })
    .get();
  return row?.id;
}

/** The visitor's contact when their resume token is good, otherwise a new one; either way with a fresh token. */
async function anonymousContact(env: Env, d: Db, tenantId: string, b: Details & { resume_token?: string }): Promise<{ contactId: string; resumeToken: string }> {
  const t = now();
  const resumeToken = newResumeToken();
  const next = { hash: await sha256Hex(resumeToken), expiresAt: t + RESUME_TOKEN_TTL_MS };
  const resumed = b.resume_token ? await rotateResumeToken(d, tenantId, b.resume_token, next, t) : undefined;
  if (resumed) return { contactId: resumed, resumeToken };
  const contactId = newId("ctc");
  await createContact(env, d, {
    id: contactId,
    tenantId,
    name: b.name ?? null,
    email: b.email ?? null,
    resumeTokenHash: next.hash,
    resumeExpiresAt: next.expiresAt,
    createdAt: t,
    updatedAt: t,
  });
  return { contactId, resumeToken };
}

async function signedInContact(env: Env, d: Db, tenantId: string, userId: string, b: Details): Promise<string> {
  const byUser = () => d.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.externalUserId, userId))).get();
  const existing = await byUser();
  if (existing) return existing.id;
  const t = now();
  const contactId = newId("ctc");
  await createContact(env, d, { id: contactId, tenantId, name: b.name ?? null, email: b.email ?? null, externalUserId: userId, createdAt: t, updatedAt: t });
  // Two first sessions of the same user may race; the unique index keeps one contact.
  return (await byUser())?.id ?? contactId;
}

const tag = ["Widget"];

const VisitorSession = z
  .object({
    token: z.string().describe("The visitor token: the bearer credential for the widget's calls and its conversation socket"),
    expires_at: z.number(),
    contact_id: z.string(),
    resume_token: z.string().optional().describe("Anonymous visitors only: send it as resume_token next time to be the same visitor again; it works once"),
  })
  .meta({ id: "VisitorSession" });
type VisitorSession = z.infer<typeof VisitorSession>;

const BehaviourAnswer = z.object({ prediction: Prediction, greeting: z.string().nullable().describe("A proactive greeting, when the predicted intent is confident enough") }).meta({ id: "BehaviourAnswer" });
type BehaviourAnswer = z.infer<typeof BehaviourAnswer>;

const PublicWidgetConfig = z.object({ tenant: z.object({ id: z.string(), name: z.string() }), widget: WidgetConfig }).meta({ id: "PublicWidgetConfig" });

/** Pages embedding the widget all fetch this on load; a minute's staleness after a change is the price. */
const CONFIG_CACHE_CONTROL = "public, max-age=60";
const configResponse = json(PublicWidgetConfig);

export const widgetRoutes = router()
  .openapi(
    defineRoute({
      method: "get", path: "/config", tags: tag, access: "public",
      summary: "The tenant's widget configuration (public, cacheable for 60 s; defaults until the tenant sets it)",
      request: { query: z.object({ tenant_id: Id }) },
      responses: { 200: { ...configResponse, headers: { ...configResponse.headers, "Cache-Control": { description: CONFIG_CACHE_CONTROL, schema: { type: "string" as const } } } } },
      errors: [404],
    }),
    async (c) => {
      const tenant = await tenantById(c.env, c.req.valid("query").tenant_id).catch((err: unknown) => {
        throw err instanceof HttpError && err.status === 404 ? new HttpError(404, "unknown tenant", "no tenant with this id") : err;
      });
      c.header("cache-control", CONFIG_CACHE_CONTROL);
      return c.json({ tenant: { id: tenant.id, name: tenant.name }, widget: widgetConfig(tenant.widget) }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/session", tags: tag, access: "public", guard: false,
      summary: "Start a visitor session (anonymous, resumed by resume_token, or a signed-in user proven by user_hash); limited per tenant and address",
      request: jsonBody(StartSession),
      responses: { 201: json(VisitorSession, "The session") },
      errors: [401, 403, 404],
    }),
    async (c) => {
      const b = c.req.valid("json");
      // Sessions create contacts: an unauthenticated endpoint must not let one client mint them without bound.
      const client = clientAddress(c.req);
      await enforceLimit(c.env.SESSION_LIMITER, `${b.tenant_id}:${client}`, "too many new sessions from this address; retry in a minute");
      const tenant = await tenantById(c.env, b.tenant_id);
      checkOrigin(c.env, tenant, c.req.header("origin"));
      if (tenant.identityVerification && (!b.user_id || !b.user_hash)) throw new HttpError(401, "unauthorized", "this tenant requires user_id and user_hash");
      if (b.user_id && b.user_hash && !timingSafeEqual(await identityHash(b.user_id, tenant.identitySecret), b.user_hash)) {
        throw new HttpError(401, "unauthorized", "user_hash does not match user_id");
      }
      const d = db(c.env);
      // Only a user id proven by its hash names a contact: a bare user id is anyone's claim, as a bare contact id
      // was (it would hand that user's conversations to whoever types it). Unproven, the visitor is anonymous.
      const verifiedUser = b.user_id && b.user_hash ? b.user_id : undefined;
      const { contactId, resumeToken } = verifiedUser
        ? { contactId: await signedInContact(c.env, d, tenant.id, verifiedUser, b), resumeToken: undefined }
        : await anonymousContact(c.env, d, tenant.id, b);
      const session = await issueToken(c.env, {
        kind: "visitor",
        sub: contactId,
        tid: tenant.id,
        ...(b.name ? { name: b.name } : {}),
        ...(verifiedUser ? { uid: verifiedUser, uh: b.user_hash } : {}),
      });
      const answer: VisitorSession = { ...session, contact_id: contactId, ...(resumeToken ? { resume_token: resumeToken } : {}) };
      return c.json(answer, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/events", tags: tag, access: ["visitor"],
      summary: "Report the visitor's behaviour (page, product, cart, checkout, order, help); answers with a predicted intent and greeting",
      request: jsonBody(ReportBehaviour),
      responses: { 200: json(BehaviourAnswer) },
    }),
    async (c) => {
      const p = c.get("principal");
      if (p.kind !== "visitor") throw new HttpError(403, "forbidden");
      await enforceLimit(c.env.SESSION_LIMITER, `behaviour:${p.tenantId}:${p.contactId}`, "behaviour events are limited per visitor; batch them");
      const b = c.req.valid("json");
      const answer: BehaviourAnswer = await assistantStub(c.env, p.tenantId).behaviour(p.tenantId, p.contactId, b.events, b.lang);
      return c.json(answer, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/conversations", tags: tag, access: ["visitor"], idempotent: true,
      summary: "Start a conversation as the visitor",
      request: jsonBody(StartConversation),
      responses: { 201: json(ConversationSnapshot, "The new conversation") },
    }),
    async (c) => {
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
    },
  );
