/**
 * Twilio's signing side, written from twilio-node's getExpectedTwilioSignature with node:crypto, independently
 * of the adapter: names sorted, a repeated name's distinct values sorted, and JSON bodies signed through the
 * bodySHA256 query parameter.
 */
import { createHash, createHmac } from "node:crypto";

export type SignedParams = Record<string, string | string[]>;

export function expectedSignature(authToken: string, url: string, params: SignedParams): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => {
      const v = params[key]!;
      return acc + (Array.isArray(v) ? [...new Set(v)].sort().map((x) => key + x).join("") : key + v);
    }, url);
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf-8")).digest("base64");
}

/** The form body Twilio posts for these parameters: a list value is the same name repeated. */
export function formBody(params: SignedParams): string {
  return new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]))).toString();
}

/** A JSON delivery (Event Streams): the URL gains bodySHA256 and is signed with no parameters. */
export function twilioJsonRequest(authToken: string, url: string, body: string) {
  const u = new URL(url);
  u.searchParams.set("bodySHA256", createHash("sha256").update(body, "utf8").digest("hex"));
  const signedUrl = u.toString();
  return {
    url: signedUrl,
    headers: { "content-type": "application/json; charset=utf-8", "x-twilio-signature": expectedSignature(authToken, signedUrl, {}) },
    body,
  };
}
