import { z } from "zod";
import { and, eq, sql } from "drizzle-orm";
import { HttpError } from "../http/problem";
import { defineRoute, json, jsonBody, noContent, router } from "../http/route";
import { enforceLimit } from "../http/rate-limit";
import { db } from "../../db/client";
import { agents } from "../../db/schema";
import { DECOY_HASH, verifyPassword } from "../../shared/password";
import { Id } from "../../shared/ids";
import { endSession, redeemMagicLink, rotateSession, startSession } from "../agent-sessions";

/**
 * Console and dashboard sign-in (docs/web.md): e-mail and password, or a one-time link an admin or the tenant's
 * backend makes (POST /v1/agents/{id}/magic-link); both answer a Session. Mounted at /v1/auth.
 */
const Session = z
  .object({
    access_token: z.string().describe("An agent JWT for the API and the desk socket, valid 15 minutes"),
    expires_at: z.int().describe("When the access token expires, epoch ms"),
    refresh_token: z.string().describe("Exchanged for the next session at POST /v1/auth/refresh; single use"),
    refresh_expires_at: z.int().describe("Epoch ms"),
    agent: z.object({ id: z.string(), name: z.string(), email: z.string(), role: z.enum(["agent", "supervisor", "admin"]) }),
    tenant: z.object({ id: z.string(), name: z.string() }),
  })
  .meta({ id: "ConsoleSession" });

const Login = z.object({ tenant_id: Id, email: z.email().max(320), password: z.string().min(1).max(256) });
const Magic = z.object({ code: z.string().regex(/^[0-9a-f]{64}$/, "a sign-in code from a magic link") });
const Refresh = z.object({ refresh_token: z.string().min(1).max(200) });

const tag = ["Auth"];
const userAgent = (req: { header(name: string): string | undefined }) => req.header("user-agent") ?? null;
/** One answer for an unknown e-mail, an agent without a password and a wrong password. */
const badCredentials = () => new HttpError(401, "unauthorized", "wrong e-mail or password");

export const authRoutes = router()
  .openapi(
    defineRoute({
      method: "post", path: "/login", tags: tag, access: "public",
      summary: "Sign in to the console with e-mail and password (10 attempts a minute per e-mail)",
      request: jsonBody(Login),
      responses: { 200: json(Session, "Signed in") },
      errors: [401, 429],
    }),
    async (c) => {
      const b = c.req.valid("json");
      const email = b.email.toLowerCase();
      await enforceLimit(c.env.LOGIN_LIMITER, `login:${b.tenant_id}:${email}`, "too many sign-in attempts for this e-mail; wait a minute");
      const agent = await db(c.env)
        .select()
        .from(agents)
        .where(and(eq(agents.tenantId, b.tenant_id), eq(sql`lower(${agents.email})`, email)))
        .get();
      // The decoy costs the same derivation, so the answer's timing does not tell which e-mails exist.
      const valid = await verifyPassword(b.password, agent?.passwordHash ?? DECOY_HASH);
      if (!agent || !agent.passwordHash || !valid) throw badCredentials();
      return c.json(await startSession(c.env, agent, userAgent(c.req)), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/magic", tags: tag, access: "public",
      summary: "Exchange a magic-link code (single use, 15 minutes) for a session",
      request: jsonBody(Magic),
      responses: { 200: json(Session, "Signed in") },
      errors: [401],
    }),
    async (c) => {
      const agent = await redeemMagicLink(c.env, c.req.valid("json").code);
      if (!agent) throw new HttpError(401, "unauthorized", "this sign-in link is unknown, used or expired; ask for a new one");
      return c.json(await startSession(c.env, agent, userAgent(c.req)), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/refresh", tags: tag, access: "public",
      summary: "Rotate a refresh token into a new session; a token used twice ends its whole sign-in",
      request: jsonBody(Refresh),
      responses: { 200: json(Session, "The next session") },
      errors: [401],
    }),
    async (c) => {
      const next = await rotateSession(c.env, c.req.valid("json").refresh_token, userAgent(c.req));
      if (!next) throw new HttpError(401, "unauthorized", "this session has ended; sign in again");
      return c.json(next, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/logout", tags: tag, access: "public",
      summary: "End the sign-in a refresh token belongs to",
      request: jsonBody(Refresh),
      responses: { 204: noContent },
    }),
    async (c) => {
      await endSession(c.env, c.req.valid("json").refresh_token);
      return c.body(null, 204);
    },
  );
