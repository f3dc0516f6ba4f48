/**
 * A channel made from a tenant's DeclarativeChannelSpec (R1.3): the spec is data stored with the tenant,
 * this turns it into an adapter at run time, so a new provider needs no deploy. The adapter's config is a
 * flat map of the tenant's values ({config.x} in URL and header templates), e.g. an API key.
 */
import { z } from "zod";
import { hmac, timingSafeEqual, toBase64, toHex } from "../../shared/crypto";
import { DeclarativeChannelSpec } from "../../shared/declarative-channel";
import type { InboundMap, JsonValue } from "../../shared/declarative-channel";
import { resolvePointer } from "../../shared/json-pointer";
import { ContentPart } from "../../shared/message";
import { ChannelError, decodeJson, epochMs, httpOutcome, textOf, verifyStandardWebhookRequest } from "./adapter";
import type { ChannelAdapter, InboundMessage, InboundRequest, OutboundReply } from "./adapter";

export const DeclarativeConfig = z.record(z.string().max(64), z.string().max(4096));
export type DeclarativeConfig = z.infer<typeof DeclarativeConfig>;

const MAX_ITEMS = 100;

async function verifySignature(sig: DeclarativeChannelSpec["signature"], req: InboundRequest, nowMs: number): Promise<void> {
  if (sig.scheme === "standard-webhooks") return verifyStandardWebhookRequest(sig.secret, req, nowMs);
  const value = sig.header ? req.headers.get(sig.header) : null;
  const prefix = sig.prefix ?? "";
  if (!value || !value.startsWith(prefix)) throw new ChannelError(401, `missing ${sig.header}`);
  const given = value.slice(prefix.length).trim();
  let expected: string;
  if (sig.scheme === "shared-token") expected = sig.secret;
  else {
    const mac = await hmac("SHA-256", sig.secret, req.rawBody);
    expected = sig.scheme === "hmac-sha256-hex" ? toHex(mac) : toBase64(mac);
  }
  const comparable = sig.scheme === "hmac-sha256-hex" ? given.toLowerCase() : given;
  if (!timingSafeEqual(comparable, expected)) throw new ChannelError(401, `${sig.header} does not match`);
}

function scalar(doc: unknown, pointer: string | undefined): string | undefined {
  if (pointer === undefined) return undefined;
  const v = resolvePointer(doc, pointer);
  if (typeof v === "string") return v || undefined;
  return typeof v === "number" && Number.isFinite(v) ? String(v) : undefined;
}

/** Epoch ms from a number (seconds or ms), a numeric string or an ISO 8601 string; anything else is no time. */
function timeAt(doc: unknown, pointer: string | undefined): number | undefined {
  if (pointer === undefined) return undefined;
  const v = resolvePointer(doc, pointer);
  if (typeof v === "number" || (typeof v === "string" && /^\d+(\.\d+)?$/.test(v))) return epochMs(v);
  if (typeof v !== "string") return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) && t > 0 ? t : undefined;
}

/** The messages a mapped body holds; items the map's `when` excludes, and items without content, are skipped. */
export function mappedItems(m: InboundMap, body: unknown): InboundMessage[] {
  const list = m.items === undefined ? [body] : resolvePointer(body, m.items);
  if (!Array.isArray(list)) throw new ChannelError(422, `${m.items} is not an array`);
  if (list.length > MAX_ITEMS) throw new ChannelError(422, `more than ${MAX_ITEMS} items`);
  const out: InboundMessage[] = [];
  list.forEach((item: unknown, i) => {
    if (m.when) {
      const v = scalar(item, m.when.pointer);
      if (v === undefined || !m.when.equals.includes(v)) return;
    }
    const required = (pointer: string, what: string): string => {
      const v = scalar(item, pointer);
      if (v === undefined) throw new ChannelError(422, `item ${i}: no ${what} at ${pointer}`);
      return v;
    };
    const thread = required(m.thread_id, "thread id");
    const messageId = required(m.message_id, "message id");
    const contactId = required(m.contact_id, "contact id");
    const parts: ContentPart[] = [];
    const text = scalar(item, m.text);
    if (text?.trim()) parts.push({ type: "text", text: text.slice(0, 16_000) });
    const image = scalar(item, m.image_url);
    if (image) parts.push({ type: "image", url: image });
    const file = scalar(item, m.file_url);
    if (file) parts.push({ type: "file", url: file });
    const checked = ContentPart.array().safeParse(parts);
    if (!checked.success) throw new ChannelError(422, `item ${i}: ${checked.error.issues[0]?.message}`);
    // Items without content (typing, reads, provider pings) are acknowledged and dropped.
    if (checked.data.length === 0) return;
    const name = scalar(item, m.contact_name);
    const email = scalar(item, m.contact_email);
    const phone = scalar(item, m.contact_phone);
    const sentAt = timeAt(item, m.sent_at);
    out.push({
      kind: "message",
      externalThreadId: thread,
      providerMessageId: messageId,
      contact: { externalId: contactId, ...(name ? { name } : {}), ...(email ? { email } : {}), ...(phone ? { phone } : {}) },
      parts: checked.data,
      metadata: {},
      ...(sentAt ? { occurredAt: sentAt } : {}),
    });
  });
  return out;
}

/** {thread_id} and {message_id} are URL-encoded (they come from outside); {config.x} is the tenant's own value, used as is. */
function fill(template: string, reply: OutboundReply, config: DeclarativeConfig, encode: (s: string) => string): string {
  return template.replace(/\{([^{}]*)\}/g, (_all, name: string) => {
    if (name === "thread_id") return encode(reply.externalThreadId);
    if (name === "message_id") return encode(reply.messageId);
    const value = config[name.slice("config.".length)];
    if (value === undefined) throw new ChannelError(422, `{${name}} is not set in the channel config`);
    return value;
  });
}

function render(node: JsonValue, vars: Record<string, string>): JsonValue {
  if (typeof node === "string") return /^\{\{(text|thread_id|message_id)\}\}$/.test(node) ? (vars[node.slice(2, -2)] ?? node) : node;
  if (Array.isArray(node)) return node.map((n) => render(n, vars));
  if (node !== null && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, render(v, vars)]));
  return node;
}

export function declarativeAdapter(input: z.input<typeof DeclarativeChannelSpec>): ChannelAdapter<DeclarativeConfig> {
  const spec = DeclarativeChannelSpec.parse(input);
  return {
    name: `custom:${spec.slug}`,
    config: DeclarativeConfig,

    async verify(req, _config, nowMs) {
      await verifySignature(spec.signature, req, nowMs);
    },

    async parse(req) {
      return { items: mappedItems(spec.inbound, decodeJson(req.rawBody)) };
    },

    async send(reply, config) {
      const text = textOf(reply.parts);
      if (!text) throw new ChannelError(422, "nothing to send");
      const headers: Record<string, string> = {};
      for (const [name, template] of Object.entries(spec.outbound.headers)) {
        const value = fill(template, reply, config, (s) => s);
        if (/[\r\n]/.test(value)) throw new ChannelError(422, `header ${name} would contain a line break`);
        headers[name.toLowerCase()] = value;
      }
      headers["content-type"] ??= "application/json";
      const vars = { text, thread_id: reply.externalThreadId, message_id: reply.messageId };
      return [
        {
          url: fill(spec.outbound.url, reply, config, encodeURIComponent),
          method: spec.outbound.method,
          headers,
          body: JSON.stringify(render(spec.outbound.body, vars)),
        },
      ];
    },

    sendOutcome(status, body) {
      let providerId: string | undefined;
      if (spec.response_id !== undefined && status >= 200 && status < 300) {
        try {
          providerId = scalar(JSON.parse(body), spec.response_id);
        } catch {
          // the provider accepted the message but said nothing parseable about its id
        }
      }
      return httpOutcome(status, body, providerId);
    },
  };
}
