/**
 * WeChat Official Account and Mini Program customer-service messages, plain (non-encrypted) mode.
 * Every push carries ?signature&timestamp&nonce: hex SHA-1 of the sorted [token, timestamp, nonce].
 * Official accounts push XML, mini programs XML or JSON with the same field names; we answer "success"
 * so WeChat does not retry, and reply later through the customer-service send API.
 *
 * The signature does not cover the body, so a captured query string could be reused with another body;
 * the timestamp window (max_age_s) limits that to a few minutes.
 */
import { z } from "zod";
import { toHex, timingSafeEqual } from "../../shared/crypto";
import { ContentPart } from "../../shared/message";
import { ChannelError, httpOutcome, textOf, utf8 } from "./adapter";
import type { ChannelAdapter, InboundRequest, ParseResult, ProviderResponse, SendOutcome } from "./adapter";

// WeChat XML: a deliberately small reader for push bodies: elements, text, CDATA, comments and the five
// predefined entities. No attributes, no DOCTYPE, no custom entities, so no entity-expansion or external
// entity surprises; nesting is capped. Objects have no prototype, so a "__proto__" element is just a key.

type XmlNode = string | XmlObject;
type XmlObject = { [name: string]: XmlNode };

const MAX_DEPTH = 4;
const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const SPACE = /\s*/y;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(s: string, fail: (msg: string) => never): string {
  return s.replace(/&([^;&<]*);?/g, (all, ref: string) => {
    if (!all.endsWith(";")) fail("bare &");
    const named = ENTITIES[ref];
    if (named) return named;
    const code = /^#x[0-9a-fA-F]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]{1,7}$/.test(ref) ? Number(ref.slice(1)) : NaN;
    if (!(code >= 0 && code <= 0x10ffff)) fail(`unknown entity &${ref};`);
    return String.fromCodePoint(code);
  });
}

class Reader {
  pos = 0;
  constructor(private readonly src: string) {}

  fail(msg: string): never {
    throw new ChannelError(400, `malformed XML at offset ${this.pos}: ${msg}`);
  }

  at(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  skipSpaceAndComments(): void {
    for (;;) {
      SPACE.lastIndex = this.pos;
      SPACE.exec(this.src);
      this.pos = SPACE.lastIndex;
      if (!this.at("<!--")) return;
      this.skipPast("-->");
    }
  }

  skipPast(end: string): number {
    const i = this.src.indexOf(end, this.pos);
    if (i < 0) this.fail(`missing ${end}`);
    const start = this.pos;
    this.pos = i + end.length;
    return start;
  }

  name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.src);
    if (!m) this.fail("expected an element name");
    this.pos = NAME.lastIndex;
    return m[0];
  }

  /** Reads `<name>…</name>` starting at its "<". */
  element(depth: number): [string, XmlNode] {
    this.pos++;
    const name = this.name();
    this.skipSpaceAndComments();
    if (this.at("/>")) {
      this.pos += 2;
      return [name, ""];
    }
    if (!this.at(">")) this.fail("attributes are not supported");
    this.pos++;
    const children: XmlObject = Object.create(null);
    let hasChildren = false;
    let text = "";
    for (;;) {
      if (this.pos >= this.src.length) this.fail(`unterminated <${name}>`);
      if (this.at("<![CDATA[")) {
        this.pos += "<![CDATA[".length;
        const start = this.skipPast("]]>");
        text += this.src.slice(start, this.pos - 3);
      } else if (this.at("<!--")) {
        this.skipPast("-->");
      } else if (this.at("</")) {
        this.pos += 2;
        const close = this.name();
        this.skipSpaceAndComments();
        if (close !== name || !this.at(">")) this.fail(`expected </${name}>`);
        this.pos++;
        break;
      } else if (this.at("<")) {
        if (this.at("<!") || this.at("<?")) this.fail("declarations are not allowed inside elements");
        if (depth >= MAX_DEPTH) this.fail("nested too deeply");
        const [key, value] = this.element(depth + 1);
        hasChildren = true;
        // Repeated elements (list items) keep the first; WeChat's inbound fields are not lists.
        if (!(key in children)) children[key] = value;
      } else {
        const next = this.src.indexOf("<", this.pos);
        const end = next < 0 ? this.src.length : next;
        text += decodeEntities(this.src.slice(this.pos, end), (m) => this.fail(m));
        this.pos = end;
      }
    }
    if (!hasChildren) return [name, text];
    if (text.trim()) this.fail(`<${name}> mixes text and elements`);
    return [name, children];
  }

  document(): XmlObject {
    if (this.at("\ufeff")) this.pos++;
    this.skipSpaceAndComments();
    if (this.at("<?xml")) this.skipPast("?>");
    this.skipSpaceAndComments();
    if (this.at("<!")) this.fail("DOCTYPE and other declarations are not allowed");
    if (!this.at("<")) this.fail("expected the root element");
    const [, root] = this.element(1);
    this.skipSpaceAndComments();
    if (this.pos !== this.src.length) this.fail("content after the root element");
    if (typeof root === "string") this.fail("the root element has no fields");
    return root;
  }
}

export function parseWeChatXml(src: string): XmlObject {
  return new Reader(src).document();
}

export const WeChatConfig = z.object({
  /** The Token set in the WeChat console's server configuration; the signing key. */
  token: z.string().min(1).max(128),
  /** Customer-service API token; WeChat expires it every 2 hours, so whoever stores the config refreshes it. */
  access_token: z.string().min(1).optional(),
  api_base: z.url({ protocol: /^https?$/ }).default("https://api.weixin.qq.com"),
  /** Pushes whose timestamp is further than this from now are refused; 0 turns the check off. */
  max_age_s: z.int().min(0).default(300),
});
export type WeChatConfig = z.infer<typeof WeChatConfig>;

const SUCCESS: ProviderResponse = { status: 200, contentType: "text/plain", body: "success" };

export async function wechatSignature(token: string, timestamp: string, nonce: string): Promise<string> {
  const joined = [token, timestamp, nonce].sort().join("");
  return toHex(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(joined)));
}

async function checkSignature(req: InboundRequest, config: WeChatConfig, nowMs: number): Promise<void> {
  const q = new URL(req.url).searchParams;
  const signature = q.get("signature");
  const timestamp = q.get("timestamp");
  const nonce = q.get("nonce");
  if (!signature || !timestamp || !nonce) throw new ChannelError(401, "missing signature, timestamp or nonce");
  if (!timingSafeEqual(signature.toLowerCase(), await wechatSignature(config.token, timestamp, nonce))) {
    throw new ChannelError(401, "WeChat signature does not match");
  }
  if (config.max_age_s > 0 && !(/^[0-9]{1,12}$/.test(timestamp) && Math.abs(nowMs - Number(timestamp) * 1000) <= config.max_age_s * 1000)) {
    throw new ChannelError(401, "WeChat timestamp is stale");
  }
}

type Fields = Record<string, string>;

function xmlFields(src: string): Fields {
  const out: Fields = Object.create(null);
  for (const [k, v] of Object.entries(parseWeChatXml(src))) if (typeof v === "string") out[k] = v;
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

function httpUrl(s: string | undefined): string | undefined {
  return s && ContentPart.safeParse({ type: "image", url: s }).success ? s : undefined;
}

/** What each message type becomes. Media arrive as MediaId only (or a PicUrl), so a placeholder names them. */
function partsOf(f: Fields): { parts: ContentPart[]; metadata: Record<string, unknown> } {
  const metadata: Record<string, unknown> = {};
  if (f.MediaId) metadata.media_id = f.MediaId;
  switch (f.MsgType) {
    case "text":
      return { parts: [{ type: "text", text: f.Content ?? "" }], metadata };
    case "image": {
      const url = httpUrl(f.PicUrl);
      return { parts: [url ? { type: "image", url } : { type: "text", text: "[image]" }], metadata };
    }
    case "voice":
      if (f.Format) metadata.voice_format = f.Format;
      if (f.Recognition) return { parts: [{ type: "text", text: f.Recognition }], metadata: { ...metadata, transcript: true } };
      return { parts: [{ type: "text", text: "[voice message]" }], metadata };
    case "video":
    case "shortvideo":
      if (f.ThumbMediaId) metadata.thumb_media_id = f.ThumbMediaId;
      return { parts: [{ type: "text", text: "[video]" }], metadata };
    case "location":
      return {
        parts: [{ type: "location", latitude: Number(f.Location_X), longitude: Number(f.Location_Y), ...(f.Label ? { name: f.Label } : {}) }],
        metadata: f.Scale ? { ...metadata, scale: Number(f.Scale) } : metadata,
      };
    case "link":
      return { parts: [{ type: "text", text: [f.Title, f.Description, f.Url].filter(Boolean).join("\n") }], metadata };
    case "miniprogrampage": {
      const image_url = httpUrl(f.ThumbUrl);
      if (f.AppId) metadata.app_id = f.AppId;
      return {
        parts: [{ type: "card", title: f.Title || "Mini Program page", ...(f.PagePath ? { subtitle: f.PagePath } : {}), ...(image_url ? { image_url } : {}) }],
        metadata,
      };
    }
    default:
      return { parts: [{ type: "text", text: `[unsupported WeChat message type ${f.MsgType}]` }], metadata };
  }
}

/** System busy, expired/invalid access token (refreshed between attempts), and rate limits. */
const RETRYABLE = new Set([-1, 40001, 40014, 42001, 45009, 45011]);

export const wechatAdapter: ChannelAdapter<WeChatConfig> = {
  name: "wechat",
  config: WeChatConfig,

  async handshake(req, config, nowMs) {
    const echostr = new URL(req.url).searchParams.get("echostr");
    if (req.method !== "GET" || echostr === null) return null;
    await checkSignature(req, config, nowMs);
    return { status: 200, contentType: "text/plain", body: echostr };
  },

  async verify(req, config, nowMs) {
    await checkSignature(req, config, nowMs);
  },

  async parse(req): Promise<ParseResult> {
    let src: string;
    try {
      src = utf8(req.rawBody).trim();
    } catch {
      throw new ChannelError(400, "body is not UTF-8");
    }
    // Official accounts push XML; mini programs may be configured for JSON.
    const xml = src.startsWith("<");
    const f = xml ? xmlFields(src) : jsonFields(src);
    if (!f.MsgType) throw new ChannelError(422, f.Encrypt ? "encrypted (safe mode) pushes are not supported; use plain mode" : "no MsgType");
    if (!f.FromUserName || !f.ToUserName) throw new ChannelError(422, "no FromUserName/ToUserName");
    // Events (subscribe, menu clicks, user_enter_tempsession) carry no customer message.
    if (f.MsgType === "event") return { items: [], response: SUCCESS };
    if (!f.MsgId) throw new ChannelError(422, "no MsgId");

    const { parts, metadata } = partsOf(f);
    const checked = ContentPart.array().min(1).safeParse(parts);
    if (!checked.success) throw new ChannelError(422, `unusable ${f.MsgType} message: ${checked.error.issues[0]?.message}`);
    const createdS = Number(f.CreateTime);
    return {
      items: [
        {
          kind: "message",
          externalThreadId: `${f.ToUserName}:${f.FromUserName}`,
          providerMessageId: f.MsgId,
          contact: { externalId: f.FromUserName },
          parts: checked.data,
          metadata: { ...metadata, msg_type: f.MsgType, to: f.ToUserName, format: xml ? "xml" : "json" },
          ...(Number.isFinite(createdS) && createdS > 0 ? { occurredAt: createdS * 1000 } : {}),
        },
      ],
      response: SUCCESS,
    };
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
