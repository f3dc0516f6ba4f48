/** What WeChat's servers send: the push URL with signature, timestamp and nonce in the query. */
import { createHash } from "node:crypto";

export function wechatSignature(token: string, timestamp: string, nonce: string): string {
  return createHash("sha1").update([token, timestamp, nonce].sort().join("")).digest("hex");
}

/** `url` with ?signature&timestamp&nonce (plus `extra`, e.g. echostr for the handshake or openid). */
export function wechatSignedUrl(url: string, token: string, nowMs: number, extra: Record<string, string> = {}, nonce = "1743502518"): string {
  const timestamp = String(Math.floor(nowMs / 1000));
  const u = new URL(url);
  u.searchParams.set("signature", wechatSignature(token, timestamp, nonce));
  u.searchParams.set("timestamp", timestamp);
  u.searchParams.set("nonce", nonce);
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
  return u.toString();
}

export function wechatHeaders(body: string): Record<string, string> {
  return { "content-type": body.trimStart().startsWith("<") ? "text/xml" : "application/json" };
}
