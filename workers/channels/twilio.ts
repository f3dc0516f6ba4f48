/** What the Twilio SMS and voice adapters share: request signing, form bodies, TwiML, the Messages API. */
import { z } from "zod";
import { hmac, timingSafeEqual, toBase64 } from "../../shared/crypto";
import type { ContentPart } from "../../shared/message";
import { ChannelError, httpOutcome, jsonOrNull, textOf, utf8 } from "./adapter";
import type { InboundRequest, ProviderRequest, ProviderResponse, SendOutcome } from "./adapter";

export const TwilioConfig = z.object({
  account_sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  auth_token: z.string().min(1),
  api_base: z.url({ protocol: /^https?$/ }).default("https://api.twilio.com"),
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

/** base64(HMAC-SHA1(auth token, URL + each POST parameter's name and value, sorted by name)). */
export async function twilioSignature(authToken: string, url: string, params: Iterable<[string, string]>): Promise<string> {
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + sorted.map(([k, v]) => k + v).join("");
  return toBase64(await hmac("SHA-1", authToken, data));
}

export async function verifyTwilio(req: InboundRequest, authToken: string): Promise<void> {
  const given = req.headers.get("x-twilio-signature");
  if (!given) throw new ChannelError(401, "missing X-Twilio-Signature");
  // GET parameters are already part of the signed URL; only POST bodies are appended.
  const params = req.method === "GET" ? [] : twilioParams(req);
  const expected = await twilioSignature(authToken, req.url, params);
  if (!timingSafeEqual(given, expected)) throw new ChannelError(401, "X-Twilio-Signature does not match");
}

const XML_ESCAPES: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" };

export function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => XML_ESCAPES[c] ?? c);
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
  const media = parts.flatMap((p) => ("url" in p && MEDIA.has(p.type) ? [p.url] : []));
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

/** Twilio's *Duration parameters are whole seconds as text. */
export function seconds(value: string | null): number | undefined {
  return value && /^[0-9]+$/.test(value) ? Number(value) : undefined;
}
