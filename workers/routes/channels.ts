import { Hono } from "hono";
import { z } from "zod";
import { and, asc, eq } from "drizzle-orm";
import { requireAuth, type AuthEnv } from "../http/auth";
import { HttpError, fieldErrors, invalid, invalidField } from "../http/problem";
import { jsonBody } from "../http/validate";
import { db } from "../../db/client";
import { channels } from "../../db/schema";
import { adapterFor, isChannelName } from "../channels/registry";
import { redact, sealCredentials } from "../../connectors/credentials";
import { forgetChannel, type SealedChannel } from "../channels/store";
import { DeclarativeChannelSpec } from "../../shared/declarative-channel";
import { now } from "../../shared/ids";
import { bounded, CONFIG_BOUNDS } from "../../shared/json-bounds";

export const PutChannel = z.object({
  config: bounded(z.record(z.string(), z.unknown()), CONFIG_BOUNDS).default({}),
  /** Only for `custom:<slug>` channels: the declarative definition (its JSON body template is recursive: bounded first). */
  spec: bounded(DeclarativeChannelSpec, CONFIG_BOUNDS).optional(),
  enabled: z.boolean().default(true),
});

const webhookUrl = (origin: string, tenantId: string, name: string) => `${origin}/webhooks/${tenantId}/${name}`;

/** Channel connections. Credentials go in, never come back out: responses list which fields are set. */
export const channelRoutes = new Hono<AuthEnv>()
  .use(requireAuth("api"))
  .get("/", async (c) => {
    const tenantId = c.get("principal").tenantId;
    const rows = await db(c.env).select().from(channels).where(eq(channels.tenantId, tenantId)).orderBy(asc(channels.name)).all();
    const origin = new URL(c.req.url).origin;
    return c.json({ data: rows.map((r) => ({ name: r.name, enabled: r.enabled, webhook_url: webhookUrl(origin, tenantId, r.name), spec: r.spec ?? undefined, updated_at: r.updatedAt })) });
  })
  .put("/:name", jsonBody(PutChannel), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const name = c.req.param("name");
    if (!isChannelName(name)) throw new HttpError(404, "unsupported channel", `no channel named ${name}`);
    const body = c.req.valid("json");
    const custom = name.startsWith("custom:");
    if (custom && !body.spec) throw invalidField("spec", "required for custom channels");
    if (!custom && body.spec) throw invalidField("spec", "only custom channels take a spec");
    if (custom && body.spec!.slug !== name.slice("custom:".length)) {
      throw invalidField("spec.slug", "must match the channel name");
    }
    const adapter = adapterFor(name, body.spec ?? null);
    if (!adapter) throw new HttpError(404, "unsupported channel", `no channel named ${name}`);
    const config = adapter.config.safeParse(body.config);
    if (!config.success) {
      throw invalid(fieldErrors(config.error).map((e) => ({ ...e, field: `config.${e.field}` })), "invalid channel configuration");
    }
    const t = now();
    const sealed: SealedChannel = { config: config.data, spec: body.spec ?? null };
    const shownSpec = body.spec ? { ...body.spec, signature: { ...body.spec.signature, secret: "••••" } } : null;
    const row = { tenantId, name, configCiphertext: await sealCredentials(c.env, tenantId, name, sealed), spec: shownSpec, enabled: body.enabled, createdAt: t, updatedAt: t };
    await db(c.env)
      .insert(channels)
      .values(row)
      .onConflictDoUpdate({ target: [channels.tenantId, channels.name], set: { configCiphertext: row.configCiphertext, spec: row.spec, enabled: row.enabled, updatedAt: t } });
    forgetChannel(tenantId, name);
    return c.json({ name, enabled: row.enabled, config: redact(config.data as Record<string, unknown>), webhook_url: webhookUrl(new URL(c.req.url).origin, tenantId, name), spec: shownSpec ?? undefined }, 200);
  })
  .delete("/:name", async (c) => {
    const tenantId = c.get("principal").tenantId;
    const name = c.req.param("name");
    const gone = await db(c.env).delete(channels).where(and(eq(channels.tenantId, tenantId), eq(channels.name, name))).returning({ name: channels.name });
    if (gone.length === 0) throw new HttpError(404, "not found", `channel ${name} is not configured`);
    forgetChannel(tenantId, name);
    return c.body(null, 204);
  });
