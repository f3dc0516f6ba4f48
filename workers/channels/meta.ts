/**
 * What the Meta channels (WhatsApp, Messenger, Instagram) share: the X-Hub-Signature-256 check, the
 * hub.challenge handshake and Graph API send outcomes. The first section is channel-agnostic JSON
 * plumbing that Telegram, LINE and Slack reuse as well.
 */
import { z } from "zod";
import { hmac, timingSafeEqual, toHex } from "../../shared/crypto";
import type { ContentPart } from "../../shared/message";
import { ChannelError, httpOutcome } from "./adapter";
import type { InboundRequest, ProviderRequest, ProviderResponse, SendOutcome } from "./adapter";

// ---- JSON webhooks, any provider -------------------------------------------------------------

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

// ---- Meta -------------------------------------------------------------------------------------

export const GRAPH_API = "https://graph.facebook.com/v21.0";

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(raw body, app secret)>`. */
export async function verifyHubSignature(req: InboundRequest, appSecret: string): Promise<void> {
  const given = req.headers.get("x-hub-signature-256");
  if (!given) throw new ChannelError(401, "missing X-Hub-Signature-256 header");
  const expected = `sha256=${toHex(await hmac("SHA-256", appSecret, req.rawBody))}`;
  if (!timingSafeEqual(given.trim().toLowerCase(), expected)) {
    throw new ChannelError(401, "X-Hub-Signature-256 does not match the body signed with the app secret");
  }
}

/** The GET subscription check: echo hub.challenge when hub.verify_token is ours. Not a hub request → null. */
export function hubChallenge(req: InboundRequest, verifyToken: string): ProviderResponse | null {
  if (req.method !== "GET") return null;
  const query = new URL(req.url).searchParams;
  const mode = query.get("hub.mode");
  if (mode === null) return null;
  if (mode !== "subscribe" || !timingSafeEqual(query.get("hub.verify_token") ?? "", verifyToken)) {
    throw new ChannelError(403, "hub.verify_token does not match the configured verify token");
  }
  const challenge = query.get("hub.challenge");
  if (!challenge) throw new ChannelError(400, "hub.challenge is missing");
  return { status: 200, contentType: "text/plain", body: challenge };
}

/**
 * Graph API errors that clear up by themselves (throttling, "temporarily unavailable") often come back
 * as HTTP 400 with a code in the body; only the code says a retry can help.
 * https://developers.facebook.com/docs/graph-api/guides/error-handling,
 * https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
 */
const TRANSIENT_GRAPH_CODES = new Set([1, 2, 4, 17, 32, 341, 613, 1200, 80007, 130429, 131000, 131016, 131056, 133004]);

const GraphError = z.object({ error: z.object({ code: z.number() }) });

export function graphOutcome(status: number, body: string, idOf: (json: unknown) => string | undefined): SendOutcome {
  const json = jsonOrNull(body);
  if (status >= 200 && status < 300) return httpOutcome(status, body, idOf(json));
  const outcome = httpOutcome(status, body);
  const error = GraphError.safeParse(json);
  if (!outcome.ok && error.success && TRANSIENT_GRAPH_CODES.has(error.data.error.code)) return { ...outcome, retryable: true };
  return outcome;
}

export function graphRequest(url: string, token: string, body: unknown): ProviderRequest {
  return {
    url,
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

/** Threads are "<our account id>:<customer id>"; a reply goes to the customer half. */
export function customerOf(thread: string): string {
  const i = thread.indexOf(":");
  const customer = thread.slice(i + 1);
  if (i <= 0 || !customer) throw new ChannelError(422, `thread ${thread} is not <account id>:<customer id>`);
  return customer;
}
