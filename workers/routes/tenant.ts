import { Hono } from "hono";
import { z } from "zod";
import { eq } from "drizzle-orm";
import { requireAuth, type AuthEnv } from "../http/auth";
import { jsonBody } from "../http/validate";
import { db } from "../../db/client";
import { tenants } from "../../db/schema";
import { forgetTenant, tenantById } from "../tenants";
import { sealCredentials } from "../../connectors/credentials";
import { CrmLookup } from "../../connectors/customer-profile";

export const UpdateTenant = z
  .object({
    name: z.string().min(1).max(200),
    allowed_origins: z.array(z.url()).max(50),
    identity_verification: z.boolean(),
    /** Customer lookup used when routing (R2.1); null removes it. The token is never returned. */
    crm_lookup: CrmLookup.nullable(),
  })
  .partial();

/** The calling tenant's own settings. The identity secret is for the tenant's backend to sign user ids. */
export const tenantRoutes = new Hono<AuthEnv>()
  .use(requireAuth("api"))
  .get("/", async (c) => {
    const t = await tenantById(c.env, c.get("principal").tenantId);
    return c.json({ id: t.id, name: t.name, allowed_origins: t.allowedOrigins, identity_verification: t.identityVerification, identity_secret: t.identitySecret });
  })
  .patch("/", jsonBody(UpdateTenant), async (c) => {
    const id = c.get("principal").tenantId;
    const b = c.req.valid("json");
    await db(c.env)
      .update(tenants)
      .set({
        ...(b.name !== undefined ? { name: b.name } : {}),
        ...(b.allowed_origins !== undefined ? { allowedOrigins: b.allowed_origins } : {}),
        ...(b.identity_verification !== undefined ? { identityVerification: b.identity_verification } : {}),
        ...(b.crm_lookup !== undefined ? { crmLookup: b.crm_lookup && (await sealCredentials(c.env, id, "crm", b.crm_lookup)) } : {}),
      })
      .where(eq(tenants.id, id));
    forgetTenant(id);
    const t = await tenantById(c.env, id);
    return c.json({ id: t.id, name: t.name, allowed_origins: t.allowedOrigins, identity_verification: t.identityVerification, crm_lookup: t.crmLookup ? "configured" : null });
  });
