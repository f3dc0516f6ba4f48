/**
 * What WeChat's servers send: the push URL with signature, timestamp and nonce in the query, and in safe mode an
 * AES-256-CBC `Encrypt` envelope with msg_signature. Built on node:crypto, independently of the adapter's Web
 * Crypto code, so each checks the other (and both are checked against Tencent's and wechatpy's published vectors).
 */
import { createCipheriv, createHash, randomBytes } from "node:crypto";

export function wechatSignature(token: string, timestamp: string, nonce: string): string {
  return createHash("sha1").update([token, timestamp, nonce].sort().join("")).digest("hex");
}

export function wechatMsgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash("sha1").update([token, timestamp, nonce, encrypt].sort().join("")).digest("hex");
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

/** WXBizMsgCrypt's encryption: random(16) ‖ length(4, big-endian) ‖ message ‖ appid, PKCS#7 to 32 bytes, AES-256-CBC. */
export function wechatEncrypt(encodingAesKey: string, appId: string, message: string, random: Buffer = randomBytes(16)): string {
  const key = Buffer.from(`${encodingAesKey}=`, "base64");
  const msg = Buffer.from(message, "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(msg.length);
  const plain = Buffer.concat([random, length, msg, Buffer.from(appId, "utf8")]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString("base64");
}

export type SafeConfig = { token: string; encoding_aes_key: string; app_id: string };

/**
 * A safe-mode push of `message` (the XML or JSON WeChat would have sent in plain mode): the envelope in the same
 * format, and the URL with both signatures and encrypt_type=aes, as WeChat sends them.
 */
export function wechatSafePush(url: string, config: SafeConfig, message: string, nowMs: number, nonce = "1320562132", toUserName = "gh_10f6c3c3ac5a"): { url: string; body: string } {
  const encrypt = wechatEncrypt(config.encoding_aes_key, config.app_id, message);
  const timestamp = String(Math.floor(nowMs / 1000));
  const body = message.trimStart().startsWith("<")
    ? `<xml><ToUserName><![CDATA[${toUserName}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`
    : JSON.stringify({ ToUserName: toUserName, Encrypt: encrypt });
  const signed = new URL(wechatSignedUrl(url, config.token, nowMs, {}, nonce));
  signed.searchParams.set("encrypt_type", "aes");
  signed.searchParams.set("msg_signature", wechatMsgSignature(config.token, timestamp, nonce, encrypt));
  return { url: signed.toString(), body };
}
