import { z } from "zod";
import type { ChannelName, ContentPart, DeliveryStatus } from "../../shared/message";
import { verifyStandardWebhook } from "../../shared/standard-webhooks";
import { assertNever } from "../../shared/protocol";
import type { RoutingRequest } from "../../shared/routing-config";
import type { MessageChange } from "../../shared/message-change";

/** A webhook as it arrived: the raw bytes are what signatures are computed over. */
export type InboundRequest = {
  method: string;
  /** The full public URL the provider called (Twilio signs it). */
  url: string;
  headers: Headers;
  rawBody: Uint8Array;
};

/** Who wrote, as the provider identifies them; used to find or link the contact. */
export type ContactHint = {
  /** Provider-scoped user id (WhatsApp wa_id, Telegram user id, LINE userId, e-mail address …). */
  externalId: string;
  name?: string;
  phone?: string;
  email?: string;
};

export type InboundMessage = {
  kind: "message";
  /** Stable id of the provider thread (chat, phone pair, e-mail thread root): one conversation per thread. */
  externalThreadId: string;
  /** The provider's id of this message; a retry of the same delivery carries the same id. */
  providerMessageId: string;
  contact: ContactHint;
  parts: ContentPart[];
  metadata: Record<string, unknown>;
  /** When the provider says the customer sent it (kept as `sent_at`; `created_at` is our receipt). */
  occurredAt?: number;
  /**
   * Not a customer's words but something that happened in the conversation (a call ringing, an IVR choice, an
   * auto-reply): stored as a system message, which neither reopens, routes nor counts as the customer writing.
   */
  event?: boolean;
  /** Ask for a person with these routing hints (an IVR choice), even when `event` is set. */
  routing?: RoutingRequest;
  /** Attachment bytes the provider sent inline (e-mail): stored by the gateway before the message, see InboundBlob. */
  blobs?: InboundBlob[];
};

/** Bytes for `parts[part]` (an image or file part): the gateway stores them and sets that part's `url` to the copy. */
export type InboundBlob = { part: number; bytes: Uint8Array; contentType: string; name?: string };

export type InboundStatus = {
  kind: "status";
  /** The provider id returned when we sent the message. */
  providerMessageId: string;
  status: Exclude<DeliveryStatus, "pending">;
  reason?: string;
  externalThreadId?: string;
  occurredAt?: number;
};


export type InboundChange = {
  kind: "change";
  externalThreadId: string;
  /** The provider's id of the message that changed. */
  providerMessageId: string;
  /** Who made the change. */
  contact: ContactHint;
  change: MessageChange;
  occurredAt?: number;
};

/** "Everything we sent up to this moment was delivered/read" (Messenger and Instagram watermarks). */
export type InboundWatermark = {
  kind: "watermark";
  externalThreadId: string;
  status: "delivered" | "read";
  /** Epoch ms: outbound messages created at or before it take the status. */
  upTo: number;
};

export type InboundItem = InboundMessage | InboundStatus | InboundChange | InboundWatermark;

/** What to answer the provider with, when it expects more than an empty 200 (Slack challenge, TwiML, "success"). */
export type ProviderResponse = { status: number; contentType: string; body: string };

export type ParseResult = { items: InboundItem[]; response?: ProviderResponse };

/**
 * A signed one-time value of a delivery whose signature leaves the body out (WeChat plain mode). The gateway keeps
 * the hash of the body first delivered under `key` until `expiresAt` (epoch ms, when the signature stops verifying):
 * the same body again is the provider retrying, another body is a replay (workers/channels/replay.ts).
 */
export type ReplayKey = { key: string; expiresAt: number };

/** A reply as the conversation holds it, ready to be turned into the provider's API call. */
export type OutboundReply = {
  messageId: string;
  externalThreadId: string;
  parts: ContentPart[];
  /** Provider message id of the customer message being answered, for threading (e-mail, Slack). */
  inReplyTo?: string;
  /** Earlier provider ids in the thread, oldest first (e-mail References). */
  references?: string[];
  metadata: Record<string, unknown>;
};

/** `providerMessageId`: the id the provider will know the message by when the sender chooses it (e-mail's Message-ID). */
export type ProviderRequest = { url: string; method: "POST" | "PUT"; headers: Record<string, string>; body: string; providerMessageId?: string };

/** The provider's answer to a send: its message id, or whether trying again can help. */
export type SendOutcome = { ok: true; providerMessageId?: string } | { ok: false; retryable: boolean; reason: string };

/** Signature/handshake failures (→ 401) and malformed payloads (→ 400/422) are thrown as this. */
export class ChannelError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 422,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One channel. Pure functions over plain values plus Web Crypto: no bindings, no storage, no fetch.
 * The gateway owns I/O, idempotency and conversations; an adapter only speaks its provider's dialect.
 */
export interface ChannelAdapter<C = Record<string, string>> {
  readonly name: ChannelName;
  /** The tenant's credentials and settings for this channel (stored encrypted; handed in decrypted). */
  readonly config: z.ZodType<C>;
  /** GET subscription handshakes (Meta hub.challenge, WeChat echostr). null = not a handshake. */
  handshake?(req: InboundRequest, config: C, nowMs: number): Promise<ProviderResponse | null>;
  /** Verifies the provider's signature over the raw bytes in constant time; throws ChannelError(401) on failure. */
  verify(req: InboundRequest, config: C, nowMs: number): Promise<void>;
  /** Called after `verify` for providers whose signature does not cover the body; null = nothing to remember. */
  replayKey?(req: InboundRequest, config: C): ReplayKey | null;
  /** Converts a verified payload into standard items; throws ChannelError(400|422) on malformed input. */
  parse(req: InboundRequest, config: C): Promise<ParseResult>;
  /** Builds the provider call(s) that deliver a reply. Throws ChannelError(422) if the reply cannot be expressed. */
  send(reply: OutboundReply, config: C): Promise<ProviderRequest[]>;
  /** Interprets the provider's HTTP answer to `send`. */
  sendOutcome(status: number, body: string): SendOutcome;
}

/** Retry 429 and 5xx, not 4xx: a rejected request stays rejected. */
export function httpOutcome(status: number, body: string, providerMessageId?: string): SendOutcome {
  if (status >= 200 && status < 300) return providerMessageId ? { ok: true, providerMessageId } : { ok: true };
  return { ok: false, retryable: status === 429 || status >= 500, reason: `HTTP ${status}: ${body.slice(0, 300)}` };
}

export function textOf(parts: ContentPart[]): string {
  return parts
    .map((p) => {
      switch (p.type) {
        case "text":
          return p.text;
        case "quick_replies":
          return [p.text, ...p.options.map((o) => `• ${o.label}`)].filter(Boolean).join("\n");
        case "card":
          return [p.title, p.subtitle, ...(p.buttons ?? []).map((b) => `• ${b.label}${b.url ? ` ${b.url}` : ""}`)].filter(Boolean).join("\n");
        case "location":
          return [p.name, p.address, `https://maps.google.com/?q=${p.latitude},${p.longitude}`].filter(Boolean).join("\n");
        case "image":
        case "file":
        case "audio":
        case "video":
          return [("caption" in p && p.caption) || ("name" in p && p.name) || "", p.url].filter(Boolean).join(" ");
        case "call_event":
          return [`call ${p.event}`, p.digits, p.speech, p.transcript].filter(Boolean).join(": ");
        case "contact":
          return [p.name, p.organization, ...(p.phones ?? []).map((x) => x.number), ...(p.emails ?? []).map((x) => x.address)].filter(Boolean).join("\n");
        case "choice":
          return p.label ?? p.value;
        case "form":
          return [p.name, ...Object.entries(p.fields).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`)].filter(Boolean).join("\n");
        case "product":
          return p.title ?? `product ${p.product_id}`;
        case "unsupported":
          return p.description ?? `(${p.provider_type})`;
        default:
          return assertNever(p);
      }
    })
    .join("\n\n");
}

// ---- Helpers any adapter may use ---------------------------------------------------------------

/** Decodes and validates a JSON body: bytes that are not JSON → 400, JSON of the wrong shape → 422. */
export function jsonBody<T>(raw: Uint8Array, schema: z.ZodType<T>): T {
  return validated(decodeJson(raw), schema);
}

/** UTF-8 JSON (bytes, or text already decoded) → value; anything else is a 400. */
export function decodeJson(raw: Uint8Array | string): unknown {
  try {
    return JSON.parse(typeof raw === "string" ? raw : utf8(raw));
  } catch {
    throw new ChannelError(400, "body is not UTF-8 JSON");
  }
}

/** Strict: invalid UTF-8 throws rather than turning into U+FFFD. */
export function utf8(raw: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(raw);
}

export function validated<T>(value: unknown, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
  throw new ChannelError(422, `unexpected payload at ${where}: ${issue?.message ?? "invalid"}`);
}

/** Provider ids end up inside URLs; bounding them keeps every URL we build under ContentPart's 2048 limit. */
export const ProviderId = z.string().min(1).max(512);

const HttpUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** The URL if a ContentPart can hold it (http(s), at most 2048 characters), else undefined. */
export function httpUrl(s: string | undefined): string | undefined {
  return HttpUrl.safeParse(s).success ? s : undefined;
}

/** Epoch milliseconds from a provider timestamp that may be seconds or milliseconds, number or string. */
export function epochMs(value: string | number | undefined): number | undefined {
  const n = Number(value);
  if (value === undefined || value === "" || !Number.isFinite(n) || n <= 0) return undefined;
  return Math.round(n < 1e11 ? n * 1000 : n);
}

/** Sizes and durations a ContentPart accepts: whole, non-negative, exact. */
export function count(n: number | undefined): number | undefined {
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export function clip(s: string | undefined, max: number): string | undefined {
  return s ? s.slice(0, max) : undefined;
}

/** A text part, or nothing for empty text; providers allow more than a part holds, so it is cut to fit. */
export function textParts(text: string | undefined): ContentPart[] {
  return text ? [{ type: "text", text: text.slice(0, 16_000) }] : [];
}

/** Path segments and query values built from payload strings; lone surrogates would make encodeURIComponent throw. */
export function uriPart(s: string): string {
  return encodeURIComponent(s.toWellFormed());
}

export function trimSlash(base: string): string {
  return base.replace(/\/+$/, "");
}

type QuickReplies = Extract<ContentPart, { type: "quick_replies" }>;
type PromptedQuickReplies = Omit<QuickReplies, "text"> & { text: string };
export type OutgoingPart = Exclude<ContentPart, { type: "quick_replies" }> | PromptedQuickReplies;

/**
 * Every provider wants a prompt with its buttons. A quick-reply set without its own text takes the text
 * part right before it (one message, not two); with neither, the labels themselves are the prompt.
 */
export function withPrompts(parts: ContentPart[]): OutgoingPart[] {
  const out: OutgoingPart[] = [];
  for (const p of parts) {
    if (p.type !== "quick_replies") out.push(p);
    else if (p.text) out.push({ ...p, text: p.text });
    else {
      const prev = out.at(-1);
      if (prev?.type === "text") out.pop();
      out.push({ ...p, text: prev?.type === "text" ? prev.text : p.options.map((o) => o.label).join(" / ") });
    }
  }
  return out;
}

export function jsonOrNull(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    // a non-JSON answer (a proxy's error page) still has a meaningful status
    return null;
  }
}

/** Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) checked against the secret; 401 on failure. */
export async function verifyStandardWebhookRequest(secret: string, req: InboundRequest, nowMs: number): Promise<void> {
  const h = req.headers;
  const result = await verifyStandardWebhook(
    secret,
    { id: h.get("webhook-id"), timestamp: h.get("webhook-timestamp"), signature: h.get("webhook-signature") },
    req.rawBody,
    nowMs,
  );
  if (!result.ok) throw new ChannelError(401, result.reason);
}
