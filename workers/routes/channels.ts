import { z } from "zod";
import { and, asc, eq } from "drizzle-orm";
import { HttpError, fieldErrors, invalid, invalidField } from "../http/problem";
import { defineRoute, json, jsonBody, noContent, router } from "../http/route";
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

const Params = z.object({ name: z.string().min(1).max(64).describe("A built-in channel (telegram, whatsapp, …) or custom:<slug>") });

const ShownSpec = DeclarativeChannelSpec.optional().describe("Custom channels: the definition, its signing secret shown as ••••");
const WebhookUrl = z.string().describe("Where the provider posts this channel's webhooks");
const ChannelListItem = z
  .object({ name: z.string(), enabled: z.boolean(), webhook_url: WebhookUrl, spec: ShownSpec, updated_at: z.int() })
  .meta({ id: "Channel" });
const ConfiguredChannel = z
  .object({
    name: z.string(),
    enabled: z.boolean(),
    config: z.record(z.string(), z.string()).describe("The configuration's fields, each shown as ••••"),
    webhook_url: WebhookUrl,
    spec: ShownSpec,
  })
  .meta({ id: "ConfiguredChannel" });

const webhookUrl = (origin: string, tenantId: string, name: string) => `${origin}/webhooks/${tenantId}/${name}`;

const tag = ["Channels"];

/** Channel connections. Credentials go in, never come back out: responses list which fields are set. */
export const channelRoutes = router()
  .openapi(
    defineRoute({
      method: "get", path: "/", tags: tag, access: ["api"],
      summary: "Connected channels (credentials never returned)",
      responses: { 200: json(z.object({ data: z.array(ChannelListItem) })) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const rows = await db(c.env).select().from(channels).where(eq(channels.tenantId, tenantId)).orderBy(asc(channels.name)).all();
      const origin = new URL(c.req.url).origin;
      const data = rows.map((r): z.infer<typeof ChannelListItem> => ({
        name: r.name,
        enabled: r.enabled,
        webhook_url: webhookUrl(origin, tenantId, r.name),
        // The column holds what PUT stored: the spec with its secret masked.
        spec: (r.spec as DeclarativeChannelSpec | null) ?? undefined,
        updated_at: r.updatedAt,
      }));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "put", path: "/{name}", tags: tag, access: ["api"],
      summary: "Connect or reconfigure a channel",
      request: { params: Params, ...jsonBody(PutChannel) },
      responses: { 200: json(ConfiguredChannel) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const { name } = c.req.valid("param");
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
      const shown: z.infer<typeof ConfiguredChannel> = {
        name,
        enabled: row.enabled,
        config: redact(config.data as Record<string, unknown>),
        webhook_url: webhookUrl(new URL(c.req.url).origin, tenantId, name),
        spec: shownSpec ?? undefined,
      };
      return c.json(shown, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "delete", path: "/{name}", tags: tag, access: ["api"],
      summary: "Disconnect a channel",
      request: { params: Params },
      responses: { 204: noContent },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const { name } = c.req.valid("param");
      const gone = await db(c.env).delete(channels).where(and(eq(channels.tenantId, tenantId), eq(channels.name, name))).returning({ name: channels.name });
      if (gone.length === 0) throw new HttpError(404, "not found", `channel ${name} is not configured`);
      forgetChannel(tenantId, name);
      return c.body(null, 204);
    },
  );
