/** What the Twilio SMS and voice adapters share: request signing, the recipient check, form bodies, TwiML, the Messages API. */
import { z } from "zod";
import { fromBase64, hmac, sha256Hex, timingSafeEqual, toBase64 } from "../../shared/crypto";
import type { ContentPart } from "../../shared/message";
import { ChannelError, httpOutcome, jsonOrNull, textOf, utf8 } from "./adapter";
import type { InboundRequest, ProviderRequest, ProviderResponse, SendOutcome } from "./adapter";

/** E.164 (a plus, a country code, at most 15 digits), or a short code, which is what To/From then carry. */
export const TwilioNumber = z.string().regex(/^\+[1-9][0-9]{1,14}$|^[0-9]{3,8}$/, "phone numbers are E.164 (e.g. +15017122661) or short codes");

export const TwilioConfig = z.object({
  account_sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  auth_token: z.string().min(1),
  api_base: z.url({ protocol: /^https?$/ }).default("https://api.twilio.com"),
  /**
   * This tenant's Twilio numbers. Optional so existing channels keep working, but it should be set: one auth
   * token signs every number of the account, so without it a delivery for another tenant's number is accepted.
   */
  phone_numbers: z.array(TwilioNumber).min(1).max(500).optional(),
});
export type TwilioConfig = z.infer<typeof TwilioConfig>;

/** Twilio posts form bodies; with a GET webhook the same parameters ride in the query string instead. */
export function twilioParams(req: InboundRequest): URLSearchParams {
  if (req.method === "GET") return new URL(req.url).searchParams;
  let body: string;
  try {
    body = utf8(req.rawBody);
  } catch {
    throw new ChannelError(400, "body is not UTF-8 form data");
  }
  return new URLSearchParams(body);
}

/** JSON deliveries (Event Streams sinks) say so; everything else Twilio sends is a form. */
export function isJsonDelivery(req: InboundRequest): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(req.headers.get("content-type") ?? "");
}

/**
 * base64(HMAC-SHA1(auth token, URL + each parameter's name and value)), as twilio-node's
 * getExpectedTwilioSignature computes it: names sorted; a name sent several times contributes each distinct
 * value once, values sorted, each preceded by the name.
 */
export async function twilioSignature(authToken: string, url: string, params: Iterable<[string, string]>): Promise<string> {
  const grouped = new Map<string, Set<string>>();
  for (const [k, v] of params) {
    const values = grouped.get(k);
    if (values) values.add(v);
    else grouped.set(k, new Set([v]));
  }
  let data = url;
  for (const k of [...grouped.keys()].sort()) for (const v of [...grouped.get(k)!].sort()) data += k + v;
  return toBase64(await hmac("SHA-1", authToken, data));
}

/**
 * The URLs Twilio may have signed for the one we were called at, in twilio-node's validateRequest order:
 * without the port, with it (":443"/":80" added when absent), and both again with the query string re-encoded
 * the way Node's legacy querystring does (Twilio's signing side is inconsistent about escaping, e.g. of "'").
 */
export function signedUrlVariants(url: string): string[] {
  const u = new URL(url);
  const without = removePort(u);
  const withPort = addPort(u);
  return [...new Set([without, withPort, withLegacyQuerystring(without), withLegacyQuerystring(withPort)])];
}

function removePort(u: URL): string {
  const copy = new URL(u);
  copy.port = "";
  return copy.toString();
}

function addPort(u: URL): string {
  if (u.port) return u.toString();
  const port = u.protocol === "https:" ? ":443" : ":80";
  const auth = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ""}@` : "";
  return `${u.protocol}//${auth}${u.host}${port}${u.pathname}${u.search}${u.hash}`;
}

function withLegacyQuerystring(url: string): string {
  const u = new URL(url);
  if (!u.search) return url;
  const query = legacyQuerystring(u.search.slice(1));
  u.search = "";
  return `${u.toString()}?${query}`;
}

/** What Node's querystring.parse then querystring.stringify make of a query (at most 1,000 pairs are kept). */
export function legacyQuerystring(query: string): string {
  // A null-prototype object, like querystring.parse's: its key order (integer-like names first) is the order
  // stringify writes, so the same engine rule must decide it here.
  const parsed: Record<string, string[]> = Object.create(null);
  let kept = 0;
  for (const piece of query.split("&")) {
    if (kept === 1000) break;
    kept++;
    if (!piece) continue;
    const eq = piece.indexOf("=");
    const key = qsUnescape(eq < 0 ? piece : piece.slice(0, eq));
    const value = eq < 0 ? "" : qsUnescape(piece.slice(eq + 1));
    (parsed[key] ??= []).push(value);
  }
  return Object.keys(parsed)
    .flatMap((k) => parsed[k]!.map((v) => `${qsEscape(k)}=${qsEscape(v)}`))
    .join("&");
}

const HEX = /^[0-9a-fA-F]{2}$/;

/** querystring.unescape: "+" is a space, valid %XX escapes are bytes, anything else stays; bytes are UTF-8. */
function qsUnescape(s: string): string {
  const bytes: number[] = [];
  const text = new TextEncoder();
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "+") bytes.push(0x20);
    else if (c === "%" && HEX.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...text.encode(c));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** querystring.escape keeps encodeURIComponent's unreserved set; decoded text never holds a lone surrogate. */
function qsEscape(s: string): string {
  return encodeURIComponent(s);
}

/** Credentials in a webhook URL reach us as Basic authorization, but Twilio signed the URL that carried them. */
function withCredentials(url: string, authorization: string | null): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(authorization ?? "");
  if (!m) return null;
  let decoded: string;
  try {
    decoded = utf8(fromBase64(m[1]!));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  const u = new URL(url);
  u.username = colon < 0 ? decoded : decoded.slice(0, colon);
  u.password = colon < 0 ? "" : decoded.slice(colon + 1);
  return u.toString();
}

/** twilio-node's validateRequest: the signature of any of the URL's variants with these parameters. */
export async function validateRequest(authToken: string, signature: string, url: string, params: Iterable<[string, string]>): Promise<boolean> {
  const list = [...params];
  let valid = false;
  for (const variant of signedUrlVariants(url)) if (timingSafeEqual(signature, await twilioSignature(authToken, variant, list))) valid = true;
  return valid;
}

/** twilio-node's validateRequestWithBody: the URL (carrying bodySHA256) signed alone, and the body hashing to it. */
export async function validateRequestWithBody(authToken: string, signature: string, url: string, body: Uint8Array): Promise<boolean> {
  const signed = await validateRequest(authToken, signature, url, []);
  const hash = new URL(url).searchParams.get("bodySHA256") ?? "";
  return timingSafeEqual(hash, await sha256Hex(body)) && signed;
}

/**
 * A URL carrying `bodySHA256` (JSON deliveries) is checked as validateRequestWithBody, anything else as
 * validateRequest over the POST form. Credentials in the configured URL reach us as Basic authorization while
 * Twilio signed the URL that carried them, so with that header the URL is tried with them too.
 */
export async function verifyTwilio(req: InboundRequest, authToken: string): Promise<void> {
  const given = req.headers.get("x-twilio-signature");
  if (!given) throw new ChannelError(401, "missing X-Twilio-Signature");
  const withBody = new URL(req.url).searchParams.has("bodySHA256");
  // GET parameters are already part of the signed URL; only POST forms are appended.
  const params = withBody || req.method === "GET" ? [] : [...twilioParams(req)];
  const credentialed = withCredentials(req.url, req.headers.get("authorization"));
  let valid = false;
  for (const url of credentialed ? [credentialed, req.url] : [req.url]) {
    if (await (withBody ? validateRequestWithBody(authToken, given, url, req.rawBody) : validateRequest(authToken, given, url, params))) valid = true;
  }
  if (!valid) throw new ChannelError(401, withBody ? "X-Twilio-Signature or bodySHA256 does not match" : "X-Twilio-Signature does not match");
}

/**
 * S3: one auth token signs every number on the account, so the signature alone does not say the delivery is
 * this tenant's. The account and, where the tenant listed its numbers, our side of the exchange must match.
 */
export function checkRecipient(config: TwilioConfig, accountSid: string | null, ourNumber: string | null): void {
  if (accountSid !== null && accountSid !== config.account_sid) throw new ChannelError(403, `delivery for account ${accountSid}, not this channel's`);
  // Twilio's WhatsApp and RCS senders are the same number with a channel prefix ("whatsapp:+14155238886").
  const bare = ourNumber?.replace(/^[a-z]+:/, "") ?? null;
  if (config.phone_numbers && (bare === null || !config.phone_numbers.includes(bare))) {
    throw new ChannelError(403, `delivery for ${ourNumber ?? "an unnamed number"}, which is not one of this channel's phone_numbers`);
  }
}

const XML_ESCAPES: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;" };

/**
 * Text or attribute value for TwiML. Tab, newline and CR are character references so an attribute keeps them
 * (a parser would fold them to spaces); characters XML 1.0 cannot carry at all are dropped, and a lone
 * surrogate becomes U+FFFD, so any tenant text gives a document Twilio can parse.
 */
export function xmlEscape(s: string): string {
  return s
    .toWellFormed()
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/[<>&"'\t\n\r]/g, (c) => XML_ESCAPES[c] ?? c);
}

export function twiml(inner = ""): ProviderResponse {
  return { status: 200, contentType: "text/xml", body: `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>` };
}

/**
 * Phone-pair threads are "<our number>:<customer number>", so an SMS conversation and a call with the
 * same customer on the same line land on the same thread id.
 */
export function phoneThread(ourNumber: string, customer: string): string {
  return `${ourNumber}:${customer}`;
}

export function splitPhoneThread(thread: string): { ourNumber: string; customer: string } {
  const i = thread.indexOf(":");
  const ourNumber = thread.slice(0, i);
  const customer = thread.slice(i + 1);
  if (i <= 0 || !customer) throw new ChannelError(422, `thread ${thread} is not <our number>:<customer number>`);
  return { ourNumber, customer };
}

const MEDIA = new Set(["image", "file", "audio", "video"]);

/** One Messages API call: text parts become Body, media parts MediaUrl (MMS). */
export function messageRequest(config: TwilioConfig, from: string, to: string, parts: ContentPart[]): ProviderRequest {
  const media = parts.flatMap((p) => (MEDIA.has(p.type) && "url" in p && p.url ? [p.url] : []));
  const captions = parts.flatMap((p) => ("caption" in p && p.caption ? [p.caption] : []));
  const text = [textOf(parts.filter((p) => !MEDIA.has(p.type))), ...captions].filter(Boolean).join("\n\n");
  if (!text && media.length === 0) throw new ChannelError(422, "nothing to send");
  const form = new URLSearchParams({ To: to, From: from });
  if (text) form.set("Body", text);
  for (const url of media.slice(0, 10)) form.append("MediaUrl", url);
  return {
    url: `${config.api_base.replace(/\/+$/, "")}/2010-04-01/Accounts/${config.account_sid}/Messages.json`,
    method: "POST",
    headers: {
      authorization: `Basic ${btoa(`${config.account_sid}:${config.auth_token}`)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: form.toString(),
  };
}

export function messageOutcome(status: number, body: string): SendOutcome {
  const parsed = jsonOrNull(body);
  const sid = parsed && typeof parsed === "object" && "sid" in parsed && typeof parsed.sid === "string" ? parsed.sid : undefined;
  return httpOutcome(status, body, sid);
}

/** Twilio's `Timestamp` (RFC 2822, "Tue, 14 Jan 2025 17:20:48 +0000") or an Event Streams ISO time, as epoch ms. */
export function twilioTime(value: string | null | undefined): number | undefined {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** Twilio's *Duration parameters are whole seconds as text. */
export function seconds(value: string | null): number | undefined {
  return value && /^[0-9]+$/.test(value) ? Number(value) : undefined;
}
