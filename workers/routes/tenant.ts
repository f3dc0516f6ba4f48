import { z } from "zod";
import { eq } from "drizzle-orm";
import { defineRoute, json, jsonBody, router } from "../http/route";
import { db } from "../../db/client";
import { tenants } from "../../db/schema";
import { forgetTenant, tenantById } from "../tenants";
import { sealCredentials } from "../../connectors/credentials";
import { CrmLookup } from "../../connectors/crm-config";
import { mergeWidgetConfig, WidgetConfig, WidgetConfigPatch, widgetConfig } from "../../shared/widget-config";

export const UpdateTenant = z
  .object({
    name: z.string().min(1).max(200),
    allowed_origins: z.array(z.url()).max(50),
    identity_verification: z.boolean(),
    /** The CRM/ERP connector (docs/connectors.md): customer lookup, orders, tickets; null removes it. The token is never returned. */
    crm_lookup: CrmLookup.nullable(),
    /** Merged into the stored widget config: only the fields sent change. */
    widget: WidgetConfigPatch,
  })
  .partial();

const TenantBase = z.object({ id: z.string(), name: z.string(), allowed_origins: z.array(z.string()), identity_verification: z.boolean(), widget: WidgetConfig });
const TenantView = TenantBase.extend({ identity_secret: z.string().describe("Signs visitors' user ids (identity verification), on the tenant's backend only") }).meta({ id: "Tenant" });
const UpdatedTenant = TenantBase.extend({ crm_lookup: z.literal("configured").nullable().describe("Whether a CRM lookup is set; its URL and token are not returned") }).meta({
  id: "UpdatedTenant",
});

const tag = ["Tenant"];

/** The calling tenant's own settings. The identity secret is for the tenant's backend to sign user ids. */
export const tenantRoutes = router()
  .openapi(
    defineRoute({
      method: "get", path: "/", tags: tag, access: ["api"],
      summary: "The calling tenant's settings",
      responses: { 200: json(TenantView) },
    }),
    async (c) => {
      const t = await tenantById(c.env, c.get("principal").tenantId);
      return c.json({ id: t.id, name: t.name, allowed_origins: t.allowedOrigins, identity_verification: t.identityVerification, widget: widgetConfig(t.widget), identity_secret: t.identitySecret }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "patch", path: "/", tags: tag, access: ["api"],
      summary: "Change tenant settings (origins, identity verification, CRM lookup, widget)",
      request: jsonBody(UpdateTenant),
      responses: { 200: json(UpdatedTenant) },
    }),
    async (c) => {
      const id = c.get("principal").tenantId;
      const b = c.req.valid("json");
      // Merged with the row as stored now, not the cached tenant, so a change made elsewhere is not undone.
      const stored = b.widget && (await db(c.env).select({ widget: tenants.widget }).from(tenants).where(eq(tenants.id, id)).get());
      const widget = b.widget && mergeWidgetConfig(widgetConfig(stored?.widget), b.widget);
      const changes = {
        ...(b.name !== undefined ? { name: b.name } : {}),
        ...(b.allowed_origins !== undefined ? { allowedOrigins: b.allowed_origins } : {}),
        ...(b.identity_verification !== undefined ? { identityVerification: b.identity_verification } : {}),
        ...(widget ? { widget } : {}),
        ...(b.crm_lookup !== undefined ? { crmLookup: b.crm_lookup && (await sealCredentials(c.env, id, "crm", b.crm_lookup)) } : {}),
      };
      // An empty patch changes nothing and answers the settings as they are.
      if (Object.keys(changes).length > 0) await db(c.env).update(tenants).set(changes).where(eq(tenants.id, id));
      forgetTenant(id);
      const t = await tenantById(c.env, id);
      return c.json({ id: t.id, name: t.name, allowed_origins: t.allowedOrigins, identity_verification: t.identityVerification, widget: widgetConfig(t.widget), crm_lookup: t.crmLookup ? ("configured" as const) : null }, 200);
    },
  );
