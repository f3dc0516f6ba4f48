/**
 * What the Meta channels (WhatsApp, Messenger, Instagram) share: the X-Hub-Signature-256 check, the
 * hub.challenge handshake and Graph API send outcomes. Channel-neutral JSON plumbing lives in ./adapter.
 */
import { z } from "zod";
import { hmac, timingSafeEqual, toHex } from "../../shared/crypto";
import { ChannelError, httpOutcome, jsonOrNull } from "./adapter";
import type { InboundRequest, ProviderRequest, ProviderResponse, SendOutcome } from "./adapter";

export const GRAPH_API = "https://graph.facebook.com/v21.0";

/**
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(raw body, app secret)>`. Meta sends the legacy SHA-1
 * `X-Hub-Signature` beside it on every delivery; with the SHA-256 header present that one is never consulted, and a
 * delivery carrying only SHA-1 is refused: accepting it alone would let the weaker scheme stand in for the stronger
 * one (a downgrade), and no genuine Meta delivery lacks the SHA-256 header.
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads
 */
export async function verifyHubSignature(req: InboundRequest, appSecret: string): Promise<void> {
  const given = req.headers.get("x-hub-signature-256");
  if (!given) {
    const legacyOnly = req.headers.has("x-hub-signature");
    throw new ChannelError(401, legacyOnly ? "only the legacy SHA-1 X-Hub-Signature was sent; X-Hub-Signature-256 is required" : "missing X-Hub-Signature-256 header");
  }
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
