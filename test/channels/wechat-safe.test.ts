/// <reference types="vite/client" />
/**
 * WeChat safe mode (安全模式 / 兼容模式): Tencent's and wechatpy's published vectors, exactly; the signer
 * (node:crypto) and the adapter (Web Crypto) against each other; and safe-mode pushes and handshakes through the
 * real webhook route.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChannelError, type InboundMessage, type InboundRequest } from "../../workers/channels/adapter";
import { threadConversationId } from "../../workers/channels/ingest";
import { wechatAdapter, type WeChatConfig } from "../../workers/channels/wechat";
import { wechatDecrypt, wechatMsgSignature } from "../../workers/channels/wechat-crypto";
import { BASE, call, ok, tenant } from "../helpers";
import vectors from "../fixtures/wechat/safe-vectors.json";
import tencentSample from "../fixtures/wechat/safe-tencent-sample.xml?raw";
import wechatpySample from "../fixtures/wechat/safe-wechatpy-work.xml?raw";
import mpText from "../fixtures/wechat/mp-text.json?raw";
import oaText from "../fixtures/wechat/oa-text.xml?raw";
import { wechatEncrypt, wechatHeaders, wechatMsgSignature as oracleMsgSignature, wechatSafePush, wechatSignedUrl } from "../signers/wechat";
import { expectWellFormed } from "./never-crashes";
import { rejects } from "./support";

const HOOK = "https://edge.example/webhooks/ten_1/wechat";

function post(url: string, body: string): InboundRequest {
  return { method: "POST", url, headers: new Headers(wechatHeaders(body)), rawBody: new TextEncoder().encode(body) };
}

function get(url: string): InboundRequest {
  return { method: "GET", url, headers: new Headers(), rawBody: new Uint8Array() };
}

function safeUrl(v: { timestamp: string; nonce: string; msg_signature: string }, extra: Record<string, string> = {}): string {
  const u = new URL(HOOK);
  for (const [k, val] of Object.entries({ timestamp: v.timestamp, nonce: v.nonce, encrypt_type: "aes", msg_signature: v.msg_signature, ...extra })) u.searchParams.set(k, val);
  return u.toString();
}

const configOf = (v: { token: string; encoding_aes_key: string; app_id: string }, extra: Partial<WeChatConfig> = {}): WeChatConfig =>
  wechatAdapter.config.parse({ token: v.token, encoding_aes_key: v.encoding_aes_key, app_id: v.app_id, max_age_s: 0, ...extra });

async function parsedMessage(req: InboundRequest, config: WeChatConfig): Promise<InboundMessage> {
  await wechatAdapter.verify(req, config, Date.now());
  const r = await wechatAdapter.parse(req, config);
  expect(r.response).toEqual({ status: 200, contentType: "text/plain", body: "success" });
  const [item] = r.items;
  if (item?.kind !== "message") throw new Error("expected a message");
  return item;
}

describe("WeChat safe mode: published vectors", () => {
  it("Tencent's official-account sample (WXBizMsgCrypt Sample.py): msg_signature, decryption and appid exactly", async () => {
    const v = vectors.tencent_oa_decrypt;
    const encrypt = /<Encrypt><!\[CDATA\[(.*?)\]\]><\/Encrypt>/.exec(tencentSample)![1]!;
    expect(await wechatMsgSignature(v.token, v.timestamp, v.nonce, encrypt)).toBe(v.msg_signature);
    const { message, appId } = await wechatDecrypt(v.encoding_aes_key, encrypt);
    expect(appId).toBe(v.app_id);
    expect(message).toBe(
      "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>",
    );
  });

  it("Tencent's sample push verifies and parses as the message it encrypts (compatible mode: the decrypted copy wins)", async () => {
    const v = vectors.tencent_oa_decrypt;
    const config = configOf(v);
    // The envelope's plaintext copy is unauthenticated: changing it changes nothing that is stored.
    const forgedPlain = tencentSample.replace("abcdteT", "forged");
    for (const body of [tencentSample, forgedPlain]) {
      expect(await parsedMessage(post(safeUrl(v), body), config)).toEqual({
        kind: "message",
        externalThreadId: "gh_10f6c3c3ac5a:oyORnuP8q7ou2gfYjqLzSIWZf0rs",
        providerMessageId: "6054768590064713728",
        contact: { externalId: "oyORnuP8q7ou2gfYjqLzSIWZf0rs" },
        parts: [{ type: "text", text: "abcdteT" }],
        metadata: { msg_type: "text", to: "gh_10f6c3c3ac5a", format: "xml", encrypted: true },
        occurredAt: 1_409_735_668_000,
      });
    }
    await rejects(wechatAdapter.verify(post(safeUrl({ ...v, nonce: "1320562133" }), tencentSample), config, Date.now()), 401, "WeChat msg_signature does not match");
    await rejects(wechatAdapter.verify(post(safeUrl(v), tencentSample), { ...config, token: "spamtest2" }, Date.now()), 401);
    await rejects(wechatAdapter.parse(post(safeUrl(v), tencentSample), { ...config, app_id: "wx0000000000000000" }), 403);
  });

  it("wechatpy's decrypt vector (tests/test_crypto.py test_decrypt_message)", async () => {
    const v = vectors.wechatpy_decrypt;
    const m = await parsedMessage(post(safeUrl(v), wechatpySample), configOf(v));
    expect(m.parts).toEqual([{ type: "text", text: "test" }]);
    expect(m.contact).toEqual({ externalId: "messense" });
    expect(m.providerMessageId).toBe("4363689963896700987");
    expect(m.externalThreadId).toBe("wx49f0ab532d5d035a:messense");
  });

  it("wechatpy's encrypted echostr (test_check_signature_should_ok / _should_fail): answered decrypted, only when signed", async () => {
    const v = vectors.wechatpy_echostr;
    const config = configOf(v);
    expect(await wechatAdapter.handshake!(get(safeUrl(v, { echostr: v.echostr })), config, Date.now())).toEqual({ status: 200, contentType: "text/plain", body: "5927782489442352469" });
    await rejects(wechatAdapter.handshake!(get(safeUrl({ ...v, nonce: v.wrong_nonce }, { echostr: v.echostr })), config, Date.now()), 401);
    // An encrypted handshake for a channel in plain mode has no key to answer with.
    await rejects(wechatAdapter.handshake!(get(safeUrl(v, { echostr: v.echostr })), wechatAdapter.config.parse({ token: v.token, max_age_s: 0 }), Date.now()), 401);
  });

  it("wechatpy's and Tencent's Java encryption vectors: the signer reproduces them and the adapter decrypts them back", async () => {
    const w = vectors.wechatpy_encrypt;
    expect(wechatEncrypt(w.encoding_aes_key, w.app_id, w.message, Buffer.from(w.random))).toBe(w.encrypt);
    expect(oracleMsgSignature(w.token, w.timestamp, w.nonce, w.encrypt)).toBe(w.msg_signature);
    expect(await wechatMsgSignature(w.token, w.timestamp, w.nonce, w.encrypt)).toBe(w.msg_signature);
    expect(await wechatDecrypt(w.encoding_aes_key, w.encrypt)).toEqual({ message: w.message, appId: w.app_id });
    for (const j of vectors.tencent_java_encrypt) {
      expect(wechatEncrypt(j.encoding_aes_key, j.app_id, j.message, Buffer.from(j.random))).toBe(j.encrypt);
      expect(await wechatDecrypt(j.encoding_aes_key, j.encrypt)).toEqual({ message: j.message, appId: j.app_id });
    }
  });
});

describe("WeChat safe mode: adapter", () => {
  const key = vectors.tencent_oa_decrypt.encoding_aes_key;
  const safe = { token: "weixin", encoding_aes_key: key, app_id: "wx2c2769f8efd9abc2" };
  const config = wechatAdapter.config.parse(safe);
  const now = 1_700_000_000_000;

  it("Web Crypto decrypts what node:crypto encrypts, for every padding length 1..32 and any text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 80 }), fc.string({ minLength: 1, maxLength: 20 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), async (message, appId, random) => {
        expect(await wechatDecrypt(key, wechatEncrypt(key, appId, message, Buffer.from(random)))).toEqual({ message, appId });
      }),
      { numRuns: 200 },
    );
  });

  it("refuses plain-mode pushes once safe mode is configured, even correctly signed ones", async () => {
    await rejects(wechatAdapter.verify(post(wechatSignedUrl(HOOK, config.token, now), oaText), config, now), 401, "safe mode is configured (encoding_aes_key): plain-mode pushes are refused");
    // A plain body under a msg_signature: nothing was signed, nothing to decrypt.
    const { url } = wechatSafePush(HOOK, safe, oaText, now);
    await rejects(wechatAdapter.verify(post(url, oaText), config, now), 401, "safe mode is configured (encoding_aes_key) but the push has no Encrypt");
  });

  it("refuses tampered, stale, foreign-key and foreign-app pushes", async () => {
    const push = wechatSafePush(HOOK, safe, oaText, now);
    await expect(wechatAdapter.verify(post(push.url, push.body), config, now)).resolves.toBeUndefined();
    // The ciphertext is random per run: the changed first character must differ from the one it replaces.
    const tampered = push.body.replace(/Encrypt><!\[CDATA\[(.)/, (_, c: string) => `Encrypt><![CDATA[${c === "A" ? "B" : "A"}`);
    expect(tampered).not.toBe(push.body);
    await rejects(wechatAdapter.verify(post(push.url, tampered), config, now), 401);
    await rejects(wechatAdapter.verify(post(push.url, push.body), config, now + 301_000), 401, "WeChat timestamp is stale");
    // Correctly signed, but encrypted under another EncodingAESKey: it does not unpad or its length overruns.
    const otherKey = wechatSafePush(HOOK, { ...safe, encoding_aes_key: "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR" }, oaText, now);
    await rejects(wechatAdapter.parse(post(otherKey.url, otherKey.body), config), 401);
    const otherApp = wechatSafePush(HOOK, { ...safe, app_id: "wx0123456789abcdef" }, oaText, now);
    await expect(wechatAdapter.verify(post(otherApp.url, otherApp.body), config, now)).resolves.toBeUndefined();
    await rejects(wechatAdapter.parse(post(otherApp.url, otherApp.body), config), 403);
  });

  it("needs app_id with encoding_aes_key and a 43-character key", () => {
    expect(wechatAdapter.config.safeParse({ token: "t", encoding_aes_key: key }).success).toBe(false);
    expect(wechatAdapter.config.safeParse({ token: "t", encoding_aes_key: key.slice(1), app_id: "wx1" }).success).toBe(false);
    expect(wechatAdapter.config.safeParse({ token: "t", encoding_aes_key: key, app_id: "wx1" }).success).toBe(true);
  });

  it("a mini program's JSON envelope decrypts to its JSON message", async () => {
    const push = wechatSafePush(HOOK, safe, mpText, now);
    expect(JSON.parse(push.body)).toEqual({ ToUserName: "gh_10f6c3c3ac5a", Encrypt: expect.any(String) });
    const m = await parsedMessage(post(push.url, push.body), { ...config, max_age_s: 0 });
    expect(m.parts).toEqual([{ type: "text", text: "this is a test" }]);
    expect(m.metadata).toEqual({ msg_type: "text", to: "toUser", format: "json", encrypted: true });
  });

  it("parse never crashes on any envelope: random Encrypt values and real encryptions of arbitrary messages", async () => {
    const field = fc.constantFrom("ToUserName", "FromUserName", "MsgType", "Content", "MsgId", "MediaId", "Event", "CreateTime");
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("text", "video", "event", "subscribe", "CLICK", "1", "<", "]]>"));
    const inner = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.array(fc.tuple(field, value), { maxLength: 7 }).map((kv) => `<xml>${kv.map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`).join("")}</xml>`),
      fc.dictionary(field, value).map((o) => JSON.stringify(o)),
    );
    const encrypt = fc.oneof(
      fc.uint8Array({ maxLength: 96 }).map((b) => Buffer.from(b).toString("base64")),
      fc.string({ maxLength: 40 }),
      fc.tuple(inner, fc.constantFrom(safe.app_id, "wx_other")).map(([m, app]) => wechatEncrypt(key, app, m)),
    );
    const envelope = fc.tuple(encrypt, fc.boolean()).map(([e, xml]) => (xml ? `<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[${e}]]></Encrypt></xml>` : JSON.stringify({ ToUserName: "gh", Encrypt: e })));
    await fc.assert(
      fc.asyncProperty(envelope, async (body) => {
        try {
          expectWellFormed(await wechatAdapter.parse(post(HOOK, body), config));
        } catch (e) {
          // 401: the push does not decrypt under this channel's key (verify has checked msg_signature before).
          expect(e).toBeInstanceOf(ChannelError);
          expect([400, 401, 403, 422]).toContain((e as ChannelError).status);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a plain-mode channel receiving a safe-mode push explains what is missing", async () => {
    const plain = wechatAdapter.config.parse({ token: "weixin" });
    const push = wechatSafePush(HOOK, safe, oaText, now);
    await expect(wechatAdapter.verify(post(push.url, push.body), plain, now)).resolves.toBeUndefined();
    await rejects(wechatAdapter.parse(post(push.url, push.body), plain), 422, "encrypted (safe mode) push, but the channel has no encoding_aes_key");
  });
});

describe("WeChat safe mode through the webhook route", () => {
  async function safeTenant(config: Record<string, unknown>) {
    const t = await tenant();
    await ok(call("/v1/channels/wechat", { method: "PUT", auth: t.key, json: { config } }));
    const hook = `${BASE}/webhooks/${t.id}/wechat`;
    const send = (url: string, body?: string, method = "POST") => call(url.slice(BASE.length), { method, ...(body !== undefined ? { body, headers: wechatHeaders(body) } : {}) });
    const messages = async (thread: string) => {
      const res = await call(`/v1/conversations/${await threadConversationId(t.id, "wechat", thread)}/messages`, { auth: t.key });
      return res.status === 404 ? [] : ((await ok(res)).data as any[]);
    };
    return { ...t, hook, send, messages };
  }

  it("Tencent's published push is stored once, decrypted; a plain push to the same tenant is 401 and stores nothing", async () => {
    const v = vectors.tencent_oa_decrypt;
    const t = await safeTenant({ token: v.token, encoding_aes_key: v.encoding_aes_key, app_id: v.app_id, original_id: "gh_10f6c3c3ac5a", max_age_s: 0 });
    const url = `${t.hook}?${new URL(safeUrl(v)).searchParams}`;
    for (let i = 0; i < 2; i++) {
      const res = await t.send(url, tencentSample);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("success");
    }
    const [m, ...rest] = await t.messages("gh_10f6c3c3ac5a:oyORnuP8q7ou2gfYjqLzSIWZf0rs");
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ channel: "wechat", direction: "inbound", parts: [{ type: "text", text: "abcdteT" }], sent_at: 1_409_735_668_000, metadata: { encrypted: true } });

    const plain = oaText.replace("toUser", "gh_10f6c3c3ac5a").replace("fromUser", "attacker");
    const res = await t.send(wechatSignedUrl(t.hook, v.token, Date.now(), {}, "555"), plain);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await t.messages("gh_10f6c3c3ac5a:attacker")).toEqual([]);
  });

  it("an official account's XML and a mini program's JSON, encrypted with fresh signatures", async () => {
    const config = { token: "weixin", encoding_aes_key: vectors.tencent_oa_decrypt.encoding_aes_key, app_id: "wx2c2769f8efd9abc2" };
    const t = await safeTenant(config);
    const xml = wechatSafePush(t.hook, config, oaText.replace("1234567890123456", "7000000000000000001"), Date.now(), "101");
    const json = wechatSafePush(t.hook, config, mpText.replace("this is a test", "小程序你好"), Date.now(), "102");
    for (const p of [xml, json]) expect((await t.send(p.url, p.body)).status).toBe(200);
    const stored = await t.messages("toUser:fromUser");
    expect(stored.map((m) => [m.parts, m.metadata.format, m.metadata.encrypted])).toEqual([
      [[{ type: "text", text: "this is a test" }], "xml", true],
      [[{ type: "text", text: "小程序你好" }], "json", true],
    ]);
  });

  it("handshakes: the console's plain echostr check and an encrypted echostr both answer; a wrong one is 401", async () => {
    const v = vectors.wechatpy_echostr;
    const t = await safeTenant({ token: v.token, encoding_aes_key: v.encoding_aes_key, app_id: v.app_id, max_age_s: 0 });
    const plain = await t.send(wechatSignedUrl(t.hook, v.token, Date.now(), { echostr: "8305999631672647420" }), undefined, "GET");
    expect([plain.status, await plain.text()]).toEqual([200, "8305999631672647420"]);
    const encrypted = await t.send(`${t.hook}?${new URL(safeUrl(v, { echostr: v.echostr })).searchParams}`, undefined, "GET");
    expect([encrypted.status, encrypted.headers.get("content-type"), await encrypted.text()]).toEqual([200, "text/plain", "5927782489442352469"]);
    const wrong = await t.send(`${t.hook}?${new URL(safeUrl({ ...v, nonce: v.wrong_nonce }, { echostr: v.echostr })).searchParams}`, undefined, "GET");
    expect(wrong.status).toBe(401);
  });
});
