/**
 * WeChat Official Account and Mini Program customer-service messages (docs/channels/wechat.md).
 *
 * Plain mode (明文模式): every push carries ?signature&timestamp&nonce, the hex SHA-1 of the sorted [token,
 * timestamp, nonce]. That signature leaves the body out, so the gateway remembers each signed timestamp and nonce
 * with the body first seen under it (replayKey, workers/channels/replay.ts) and refuses another body.
 *
 * Safe mode (安全模式, and 兼容模式 which adds the plaintext beside it): once the tenant sets encoding_aes_key, a
 * push must carry msg_signature = SHA-1 over [token, timestamp, nonce, Encrypt]; the message is decrypted from
 * Encrypt (wechat-crypto.ts), its appid checked, and plain-mode pushes are refused, so a captured plain
 * signature cannot be used to slip a forged plaintext body past the tenant's choice of safe mode.
 *
 * Official accounts push XML, mini programs XML or JSON with the same field names; we answer "success" so
 * WeChat does not retry, and reply later through the customer-service send API (never a passive reply, so
 * nothing outbound is encrypted). Media arrive as MediaId: part URLs point at the gateway's authenticated
 * proxy /v1/media/wechat/<media id> (workers/routes/media-wechat.ts), never at a URL holding the access token.
 */
import { z } from "zod";
import { toHex, timingSafeEqual } from "../../shared/crypto";
import { ContentPart } from "../../shared/message";
import { ChannelError, clip, epochMs, httpOutcome, httpUrl, ProviderId, textOf, uriPart, utf8 } from "./adapter";
import type { ChannelAdapter, InboundMessage, InboundRequest, ParseResult, ProviderResponse, ReplayKey, SendOutcome } from "./adapter";
import { ENCODING_AES_KEY, wechatDecrypt, wechatMsgSignature } from "./wechat-crypto";
import { parseWeChatXml, type XmlObject } from "./wechat-xml";


export const WeChatConfig = z
  .object({
    /** The Token set in the WeChat console's server configuration; the signing key. */
    token: z.string().min(1).max(128),
    /** Customer-service API token; WeChat expires it every 2 hours, so whoever stores the config refreshes it. */
    access_token: z.string().min(1).optional(),
    api_base: z.url({ protocol: /^https?$/ }).default("https://api.weixin.qq.com"),
    /** Pushes whose timestamp is further than this from now are refused; 0 turns the check (and nonce memory) off. */
    max_age_s: z.int().min(0).default(300),
    /** The console's EncodingAESKey: set it when the account uses safe or compatible mode; plain pushes are then refused. */
    encoding_aes_key: z.string().regex(ENCODING_AES_KEY, "an EncodingAESKey is 43 characters of A-Z, a-z, 0-9").optional(),
    /** The account's or mini program's AppID; the decrypted message must name it. Required with encoding_aes_key. */
    app_id: z.string().min(1).max(64).optional(),
    /** The account's original id (gh_…), which WeChat sends as ToUserName; pushes for any other account get 403. */
    original_id: z.string().min(1).max(64).optional(),
  })
  .refine((c) => !c.encoding_aes_key || c.app_id, { message: "safe mode (encoding_aes_key) needs app_id", path: ["app_id"] });
export type WeChatConfig = z.infer<typeof WeChatConfig>;

const SUCCESS: ProviderResponse = { status: 200, contentType: "text/plain", body: "success" };

export async function wechatSignature(token: string, timestamp: string, nonce: string): Promise<string> {
  const joined = [token, timestamp, nonce].sort().join("");
  return toHex(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(joined)));
}

function signedQuery(req: InboundRequest, signatureParam: "signature" | "msg_signature"): { signature: string; timestamp: string; nonce: string } {
  const q = new URL(req.url).searchParams;
  const signature = q.get(signatureParam);
  const timestamp = q.get("timestamp");
  const nonce = q.get("nonce");
  if (!signature || !timestamp || !nonce) throw new ChannelError(401, `missing ${signatureParam}, timestamp or nonce`);
  return { signature, timestamp, nonce };
}

function checkFresh(timestamp: string, config: WeChatConfig, nowMs: number): void {
  if (config.max_age_s > 0 && !(/^[0-9]{1,12}$/.test(timestamp) && Math.abs(nowMs - Number(timestamp) * 1000) <= config.max_age_s * 1000)) {
    throw new ChannelError(401, "WeChat timestamp is stale");
  }
}

async function checkPlainSignature(req: InboundRequest, config: WeChatConfig, nowMs: number): Promise<void> {
  const { signature, timestamp, nonce } = signedQuery(req, "signature");
  if (!timingSafeEqual(signature.toLowerCase(), await wechatSignature(config.token, timestamp, nonce))) {
    throw new ChannelError(401, "WeChat signature does not match");
  }
  checkFresh(timestamp, config, nowMs);
}

async function checkMsgSignature(req: InboundRequest, config: WeChatConfig, encrypt: string, nowMs: number): Promise<void> {
  const { signature, timestamp, nonce } = signedQuery(req, "msg_signature");
  if (!timingSafeEqual(signature.toLowerCase(), await wechatMsgSignature(config.token, timestamp, nonce, encrypt))) {
    throw new ChannelError(401, "WeChat msg_signature does not match");
  }
  checkFresh(timestamp, config, nowMs);
}

type Fields = Record<string, string>;
type Body = { fields: Fields; format: "xml" | "json" };

/** Nested elements (ScanCodeInfo, SendLocationInfo) become dotted keys: "ScanCodeInfo.ScanResult". */
function flatten(node: XmlObject, prefix: string, out: Fields): Fields {
  for (const [k, v] of Object.entries(node)) {
    if (typeof v === "string") out[`${prefix}${k}`] = v;
    else flatten(v, `${prefix}${k}.`, out);
  }
  return out;
}

function jsonFields(src: string): Fields {
  let parsed: unknown;
  try {
    // MsgId is a 64-bit integer: keep the digits as written instead of rounding to a double.
    parsed = JSON.parse(src, (_key, value: unknown, context?: { source?: string }) =>
      typeof value === "number" && context?.source ? context.source : value,
    );
  } catch {
    throw new ChannelError(400, "body is neither XML nor JSON");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new ChannelError(422, "body is not a JSON object");
  const out: Fields = Object.create(null);
  for (const [k, v] of Object.entries(parsed)) if (["string", "number", "boolean"].includes(typeof v)) out[k] = String(v);
  return out;
}

/** Official accounts push XML; mini programs may be configured for JSON. The decrypted message has the same two shapes. */
function readBody(src: string): Body {
  const text = src.trim();
  return text.startsWith("<") ? { fields: flatten(parseWeChatXml(text), "", Object.create(null)), format: "xml" } : { fields: jsonFields(text), format: "json" };
}

function bodyText(req: InboundRequest): string {
  try {
    return utf8(req.rawBody);
  } catch {
    throw new ChannelError(400, "body is not UTF-8");
  }
}

/** The safe-mode envelope's Encrypt; a push without one carries nothing msg_signature could have signed. */
function encryptOf(envelope: Body): string {
  const encrypt = envelope.fields.Encrypt;
  if (!encrypt) throw new ChannelError(401, "safe mode is configured (encoding_aes_key) but the push has no Encrypt");
  return encrypt;
}

async function decrypted(encrypt: string, config: WeChatConfig & { encoding_aes_key: string }): Promise<string> {
  const { message, appId } = await wechatDecrypt(config.encoding_aes_key, encrypt);
  if (appId !== config.app_id) throw new ChannelError(403, `the push is encrypted for app ${appId.slice(0, 64)}, not this channel's app_id`);
  return message;
}

const isSafeMode = (c: WeChatConfig): c is WeChatConfig & { encoding_aes_key: string } => c.encoding_aes_key !== undefined;

/** The gateway's media proxy for a MediaId, on the origin the webhook arrived at; no credentials in it. */
function mediaUrl(mediaId: string | undefined, webhookUrl: string, msgType: string): string {
  if (!ProviderId.safeParse(mediaId).success) throw new ChannelError(422, `${msgType} message without a usable MediaId`);
  return new URL(`/v1/media/wechat/${uriPart(mediaId!)}`, webhookUrl).toString();
}

/** A decimal coordinate as WeChat writes it ("23.134521"); anything else (an empty field included) is refused. */
function coordinate(s: string | undefined): number {
  return s !== undefined && /^-?[0-9]{1,3}(\.[0-9]+)?$/.test(s.trim()) ? Number(s) : NaN;
}

const VOICE_MIME: Record<string, string> = { amr: "audio/amr", speex: "audio/speex", mp3: "audio/mpeg" };

type Content = { parts: ContentPart[]; metadata: Record<string, unknown>; event?: true };

function unsupported(providerType: string, description?: string): ContentPart {
  return { type: "unsupported", provider_type: providerType.slice(0, 100), ...(description ? { description: description.slice(0, 1000) } : {}) };
}

/** A choice when there is a value to record, else the event as what it is. */
function choice(value: string | undefined, providerType: string, description: string): ContentPart {
  return value ? { type: "choice", value: value.slice(0, 1000) } : unsupported(providerType, description);
}

/** Every customer message type WeChat documents (docs/channels/wechat.md). */
function messageContent(f: Fields, webhookUrl: string): Content {
  const metadata: Record<string, unknown> = {};
  if (f.MediaId) metadata.media_id = f.MediaId;
  switch (f.MsgType) {
    case "text":
      // A tap on a customer-service menu (msgmenu) comes back as text naming the option's id.
      if (f.bizmsgmenuid) return { parts: [{ type: "choice", value: f.bizmsgmenuid.slice(0, 1000), ...(f.Content ? { label: f.Content.slice(0, 255) } : {}) }], metadata };
      return { parts: [{ type: "text", text: f.Content ?? "" }], metadata };
    case "image":
      return { parts: [{ type: "image", url: httpUrl(f.PicUrl) ?? mediaUrl(f.MediaId, webhookUrl, "image") }], metadata };
    case "voice": {
      if (f.Format) metadata.voice_format = f.Format;
      const mime = VOICE_MIME[(f.Format ?? "").toLowerCase()];
      const part: ContentPart = { type: "audio", url: mediaUrl(f.MediaId, webhookUrl, "voice"), ...(mime ? { mime_type: mime } : {}), ...(f.Recognition ? { transcript: f.Recognition.slice(0, 16_000) } : {}) };
      return { parts: [part], metadata };
    }
    case "video":
    case "shortvideo":
      if (f.ThumbMediaId) {
        metadata.thumb_media_id = f.ThumbMediaId;
        metadata.thumb_url = mediaUrl(f.ThumbMediaId, webhookUrl, "thumbnail");
      }
      return { parts: [{ type: "video", url: mediaUrl(f.MediaId, webhookUrl, f.MsgType) }], metadata };
    case "location":
      if (f.Scale) metadata.scale = Number(f.Scale);
      return { parts: [{ type: "location", latitude: coordinate(f.Location_X), longitude: coordinate(f.Location_Y), ...(f.Label ? { address: clip(f.Label, 1000) } : {}) }], metadata };
    case "link": {
      const url = httpUrl(f.Url);
      const title = clip(f.Title, 255) || clip(url, 255);
      if (!title) return { parts: [unsupported("link", "A link without a title or a usable URL")], metadata: f.Url ? { ...metadata, url: f.Url } : metadata };
      return { parts: [{ type: "card", title, ...(f.Description ? { subtitle: clip(f.Description, 1000) } : {}), ...(url ? { buttons: [{ label: "Open link", url }] } : {}) }], metadata };
    }
    case "miniprogrampage": {
      const image_url = httpUrl(f.ThumbUrl);
      if (f.AppId) metadata.app_id = f.AppId;
      if (f.ThumbMediaId) metadata.thumb_media_id = f.ThumbMediaId;
      return {
        parts: [{ type: "card", title: clip(f.Title, 255) || "Mini Program page", ...(f.PagePath ? { subtitle: clip(f.PagePath, 1000) } : {}), ...(image_url ? { image_url } : {}) }],
        metadata,
      };
    }
    case "file": {
      const name = clip(f.Title || f.FileName, 255);
      if (f.MediaId) return { parts: [{ type: "file", url: mediaUrl(f.MediaId, webhookUrl, "file"), ...(name ? { name } : {}) }], metadata };
      // Pushed with a FileKey only: WeChat offers no download for it through the media API.
      const size = f.FileTotalLen ? ` (${f.FileTotalLen} bytes)` : "";
      return { parts: [unsupported("file", `A file${name ? ` "${name}"` : ""}${size} that WeChat offers no download for`)], metadata };
    }
    default:
      return { parts: [unsupported(f.MsgType ?? "unknown")], metadata };
  }
}

/**
 * Events that concern the conversation, stored as system messages; null for those that do not or that repeat what
 * a message already carries (listed with the reason in docs/channels/wechat.md).
 */
function eventContent(f: Fields): Content | null {
  const event = f.Event ?? "";
  const metadata: Record<string, unknown> = { event };
  if (f.EventKey) metadata.event_key = f.EventKey;
  if (f.Ticket) metadata.ticket = f.Ticket;
  if (f.MenuId) metadata.menu_id = f.MenuId;
  const as = (part: ContentPart): Content => ({ parts: [part], metadata, event: true });
  switch (event) {
    case "subscribe": {
      const scene = f.EventKey?.startsWith("qrscene_") ? f.EventKey.slice("qrscene_".length) : "";
      return as(unsupported("event:subscribe", scene ? `The customer followed the account by scanning QR code scene ${scene}` : "The customer followed the account"));
    }
    case "unsubscribe":
      return as(unsupported("event:unsubscribe", "The customer unfollowed the account"));
    case "SCAN":
      return as(unsupported("event:SCAN", `The customer scanned QR code scene ${f.EventKey ?? ""}`.trim()));
    case "CLICK":
      return as(choice(f.EventKey, "event:CLICK", "The customer tapped a menu button"));
    case "VIEW":
    case "view_miniprogram":
      return as(choice(f.EventKey, `event:${event}`, "The customer opened a menu link"));
    case "scancode_push":
    case "scancode_waitmsg": {
      const result = f["ScanCodeInfo.ScanResult"];
      if (result) metadata.scan_result = result;
      if (f["ScanCodeInfo.ScanType"]) metadata.scan_type = f["ScanCodeInfo.ScanType"];
      return as(unsupported(`event:${event}`, result ? `The customer scanned a code from the menu: ${result}` : "The customer scanned a code from the menu"));
    }
    case "kf_create_session":
      return as(unsupported("event:kf_create_session", `WeChat customer service: session taken by ${f.KfAccount ?? "an agent"}`));
    case "kf_close_session":
      return as(unsupported("event:kf_close_session", `WeChat customer service: session closed by ${f.KfAccount ?? "an agent"}`));
    case "kf_switch_session":
      return as(unsupported("event:kf_switch_session", `WeChat customer service: session moved from ${f.FromKfAccount ?? "?"} to ${f.ToKfAccount ?? "?"}`));
    case "user_enter_tempsession":
      if (f.SessionFrom) metadata.session_from = f.SessionFrom;
      return as(unsupported("event:user_enter_tempsession", "The customer opened the customer-service chat"));
    default:
      return null;
  }
}

/** System busy, expired/invalid access token (refreshed between attempts), and rate limits. */
const RETRYABLE = new Set([-1, 40001, 40014, 42001, 45009, 45011]);

export const wechatAdapter: ChannelAdapter<WeChatConfig> = {
  name: "wechat",
  config: WeChatConfig,

  async handshake(req, config, nowMs) {
    const q = new URL(req.url).searchParams;
    const echostr = q.get("echostr");
    if (req.method !== "GET" || echostr === null) return null;
    // Official accounts and mini programs verify the URL with the plain signature even in safe mode (nothing is
    // stored and echostr is only echoed); an encrypted echostr (msg_signature over it) is answered decrypted.
    if (q.has("msg_signature")) {
      if (!isSafeMode(config)) throw new ChannelError(401, "an encrypted handshake needs encoding_aes_key");
      await checkMsgSignature(req, config, echostr, nowMs);
      return { status: 200, contentType: "text/plain", body: await decrypted(echostr, config) };
    }
    await checkPlainSignature(req, config, nowMs);
    return { status: 200, contentType: "text/plain", body: echostr };
  },

  async verify(req, config, nowMs) {
    if (!isSafeMode(config)) return checkPlainSignature(req, config, nowMs);
    if (!new URL(req.url).searchParams.has("msg_signature")) {
      throw new ChannelError(401, "safe mode is configured (encoding_aes_key): plain-mode pushes are refused");
    }
    await checkMsgSignature(req, config, encryptOf(readBody(bodyText(req))), nowMs);
  },

  replayKey(req, config): ReplayKey | null {
    // With the freshness check off a signature never expires, so there is no window to remember nonces for.
    if (config.max_age_s === 0) return null;
    const q = new URL(req.url).searchParams;
    const timestamp = q.get("timestamp") ?? "";
    const nonce = q.get("nonce") ?? "";
    // Both are signed, so a replay repeats both; keying on the pair keeps two pushes whose random nonces collide apart.
    return { key: `${timestamp}:${nonce}`, expiresAt: (Number(timestamp) + config.max_age_s) * 1000 };
  },

  async parse(req, config): Promise<ParseResult> {
    const envelope = readBody(bodyText(req));
    const encrypted = isSafeMode(config);
    // In compatible mode the envelope also holds the plaintext; only the decrypted copy is authenticated.
    const { fields: f, format } = encrypted ? readBody(await decrypted(encryptOf(envelope), config)) : envelope;
    if (!f.MsgType) throw new ChannelError(422, f.Encrypt ? "encrypted (safe mode) push, but the channel has no encoding_aes_key" : "no MsgType");
    if (!f.FromUserName || !f.ToUserName) throw new ChannelError(422, "no FromUserName/ToUserName");
    if (config.original_id && f.ToUserName !== config.original_id) throw new ChannelError(403, `push for account ${f.ToUserName.slice(0, 64)}, not this channel's original_id`);

    const content = f.MsgType === "event" ? eventContent(f) : messageContent(f, req.url);
    if (!content) return { items: [], response: SUCCESS };
    const occurredAt = epochMs(f.CreateTime);
    // Events have no MsgId; WeChat's own advice is to deduplicate their retries by sender and CreateTime.
    const providerMessageId = f.MsgType === "event" ? (occurredAt ? `event:${f.Event}:${f.CreateTime}` : undefined) : f.MsgId;
    if (!providerMessageId) throw new ChannelError(422, f.MsgType === "event" ? "event without CreateTime" : "no MsgId");
    const checked = ContentPart.array().min(1).safeParse(content.parts);
    if (!checked.success) throw new ChannelError(422, `unusable ${f.MsgType} message: ${checked.error.issues[0]?.message}`);
    const item: InboundMessage = {
      kind: "message",
      externalThreadId: `${f.ToUserName}:${f.FromUserName}`,
      providerMessageId,
      contact: { externalId: f.FromUserName },
      parts: checked.data,
      metadata: { ...content.metadata, msg_type: f.MsgType, to: f.ToUserName, format, ...(encrypted ? { encrypted: true } : {}) },
      ...(occurredAt ? { occurredAt } : {}),
      ...(content.event ? { event: true } : {}),
    };
    return { items: [item], response: SUCCESS };
  },

  async send(reply, config) {
    if (!config.access_token) throw new ChannelError(422, "WeChat access_token is not configured");
    const openid = reply.externalThreadId.slice(reply.externalThreadId.indexOf(":") + 1);
    // The send API takes images only as uploaded media_id; URLs go out as text.
    const content = textOf(reply.parts);
    if (!openid || !content) throw new ChannelError(422, "nothing to send or no recipient");
    return [
      {
        url: `${config.api_base.replace(/\/+$/, "")}/cgi-bin/message/custom/send?access_token=${encodeURIComponent(config.access_token)}`,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ touser: openid, msgtype: "text", text: { content } }),
      },
    ];
  },

  sendOutcome(status, body): SendOutcome {
    if (status < 200 || status >= 300) return httpOutcome(status, body);
    let parsed: { errcode?: unknown; errmsg?: unknown } = {};
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return { ok: false, retryable: true, reason: `unreadable WeChat answer: ${body.slice(0, 300)}` };
    }
    const code = Number(parsed.errcode ?? 0);
    if (code === 0) return { ok: true };
    return { ok: false, retryable: RETRYABLE.has(code), reason: `WeChat errcode ${code}: ${String(parsed.errmsg ?? "")}` };
  },
};
