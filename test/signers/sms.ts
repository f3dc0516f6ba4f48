/** What Twilio sends: a form body and X-Twilio-Signature over the full URL plus the sorted parameters. */
import { createHmac } from "node:crypto";

export type TwilioParams = Record<string, string> | [string, string][];

function pairs(params: TwilioParams): [string, string][] {
  return Array.isArray(params) ? params : Object.entries(params);
}

export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  const data = pairs(params)
    .slice()
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .reduce((acc, [k, v]) => acc + k + v, url);
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

/** A signed POST: `params` may be an object or the pairs of an already form-encoded body. */
export function twilioRequest(authToken: string, url: string, params: TwilioParams | string) {
  const list = typeof params === "string" ? [...new URLSearchParams(params)] : pairs(params);
  return {
    url,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": twilioSignature(authToken, url, list),
    },
    body: typeof params === "string" ? params : new URLSearchParams(list).toString(),
  };
}
