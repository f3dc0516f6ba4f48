/// <reference types="vite/client" />
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InboundMessage, InboundRequest } from "../../workers/channels/adapter";
import { parseWeChatXml, wechatAdapter, wechatSignature } from "../../workers/channels/wechat";
import type { WeChatConfig } from "../../workers/channels/wechat";
import mpEvent from "../fixtures/wechat/mp-event-enter-session.json?raw";
import mpImage from "../fixtures/wechat/mp-image.json?raw";
import mpCard from "../fixtures/wechat/mp-miniprogrampage.json?raw";
import mpText from "../fixtures/wechat/mp-text.json?raw";
import oaImage from "../fixtures/wechat/oa-image.xml?raw";
import oaLocation from "../fixtures/wechat/oa-location.xml?raw";
import oaTextChinese from "../fixtures/wechat/oa-text-chinese.xml?raw";
import oaText from "../fixtures/wechat/oa-text.xml?raw";
import oaVoice from "../fixtures/wechat/oa-voice-recognition.xml?raw";
import { wechatSignature as oracle, wechatSignedUrl } from "../signers/wechat";
import { parseNeverCrashes } from "./never-crashes";
import { rejects } from "./support";

const NOW = 1_700_000_000_000;
const BASE = "https://edge.example/webhooks/wechat/ten_1";
const config: WeChatConfig = wechatAdapter.config.parse({ token: "weixin", access_token: "ACCESS", api_base: "https://wx.stub" });

function push(body: string, url = wechatSignedUrl(BASE, config.token, NOW, { openid: "fromUser" })): InboundRequest {
  return { method: "POST", url, headers: new Headers(), rawBody: new TextEncoder().encode(body) };
}

async function one(body: string): Promise<InboundMessage> {
  const r = await wechatAdapter.parse(push(body), config);
  expect(r.response).toEqual({ status: 200, contentType: "text/plain", body: "success" });
  expect(r.items).toHaveLength(1);
  const item = r.items[0]!;
  if (item.kind !== "message") throw new Error("expected a message");
  return item;
}

describe("WeChat signature", () => {
  it("is the hex SHA-1 of the sorted token, timestamp and nonce (node:crypto as oracle)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.stringMatching(/^[0-9]{1,10}$/), fc.stringMatching(/^[0-9]{1,10}$/), async (token, ts, nonce) => {
        expect(await wechatSignature(token, ts, nonce)).toBe(oracle(token, ts, nonce));
      }),
    );
    // token "weixin" sorts after the digits: sha1("1348831860" + "1743502518" + "weixin")
    expect(await wechatSignature("weixin", "1348831860", "1743502518")).toBe(oracle("weixin", "1348831860", "1743502518"));
  });

  it("accepts a signed push and refuses missing, wrong, or stale signatures with 401", async () => {
    await expect(wechatAdapter.verify(push(oaText), config, NOW)).resolves.toBeUndefined();
    await rejects(wechatAdapter.verify(push(oaText, BASE), config, NOW), 401);
    await rejects(wechatAdapter.verify(push(oaText, wechatSignedUrl(BASE, "other-token", NOW)), config, NOW), 401);
    const tampered = new URL(wechatSignedUrl(BASE, config.token, NOW));
    tampered.searchParams.set("nonce", "1");
    await rejects(wechatAdapter.verify(push(oaText, tampered.toString()), config, NOW), 401);
    await rejects(wechatAdapter.verify(push(oaText), config, NOW + 301_000), 401);
    await expect(wechatAdapter.verify(push(oaText), { ...config, max_age_s: 0 }, NOW + 86_400_000)).resolves.toBeUndefined();
  });

  it("answers the echostr handshake as text/plain, only when signed", async () => {
    const get = (url: string): InboundRequest => ({ method: "GET", url, headers: new Headers(), rawBody: new Uint8Array() });
    expect(await wechatAdapter.handshake!(get(wechatSignedUrl(BASE, config.token, NOW, { echostr: "8305999631672647420" })), config, NOW)).toEqual({
      status: 200,
      contentType: "text/plain",
      body: "8305999631672647420",
    });
    await rejects(wechatAdapter.handshake!(get(`${BASE}?echostr=1&signature=00&timestamp=1&nonce=1`), config, NOW), 401);
    expect(await wechatAdapter.handshake!(get(wechatSignedUrl(BASE, config.token, NOW)), config, NOW)).toBeNull();
    expect(await wechatAdapter.handshake!(push(oaText), config, NOW)).toBeNull();
  });
});

describe("WeChat fixtures", () => {
  it("official account text", async () => {
    expect(await one(oaText)).toEqual({
      kind: "message",
      externalThreadId: "toUser:fromUser",
      providerMessageId: "1234567890123456",
      contact: { externalId: "fromUser" },
      parts: [{ type: "text", text: "this is a test" }],
      metadata: { msg_type: "text", to: "toUser", format: "xml" },
      occurredAt: 1_348_831_860_000,
    });
  });

  it("official account text with a 64-bit MsgId and Chinese content", async () => {
    const m = await one(oaTextChinese);
    expect(m.providerMessageId).toBe("6349323426230210995");
    expect(m.externalThreadId).toBe("gh_866835093fea:ogdotwSc_MmEEsJs9-ABZ1QL_4r4");
    expect(m.contact).toEqual({ externalId: "ogdotwSc_MmEEsJs9-ABZ1QL_4r4" });
    expect(m.parts).toEqual([{ type: "text", text: "你好" }]);
    expect(m.occurredAt).toBe(1_478_317_060_000);
  });

  it("official account image: the doc's PicUrl is no URL, so a placeholder plus the media id", async () => {
    const m = await one(oaImage);
    expect(m.parts).toEqual([{ type: "text", text: "[image]" }]);
    expect(m.metadata).toEqual({ media_id: "media_id", msg_type: "image", to: "toUser", format: "xml" });
    const real = await one(oaImage.replace("this is a url", "http://mmbiz.qpic.cn/mmbiz_jpg/abc/0"));
    expect(real.parts).toEqual([{ type: "image", url: "http://mmbiz.qpic.cn/mmbiz_jpg/abc/0" }]);
  });

  it("voice with speech recognition becomes its transcript", async () => {
    const m = await one(oaVoice);
    expect(m.parts).toEqual([{ type: "text", text: "腾讯微信团队" }]);
    expect(m.metadata).toEqual({ media_id: "media_id", voice_format: "Format", transcript: true, msg_type: "voice", to: "toUser", format: "xml" });
    expect(m.occurredAt).toBe(1_357_290_913_000);
  });

  it("location", async () => {
    const m = await one(oaLocation);
    expect(m.parts).toEqual([{ type: "location", latitude: 23.134521, longitude: 113.358803, name: "位置信息" }]);
    expect(m.metadata).toEqual({ scale: 20, msg_type: "location", to: "toUser", format: "xml" });
  });

  it("mini program JSON text", async () => {
    expect(await one(mpText)).toEqual({
      kind: "message",
      externalThreadId: "toUser:fromUser",
      providerMessageId: "1234567890123456",
      contact: { externalId: "fromUser" },
      parts: [{ type: "text", text: "this is a test" }],
      metadata: { msg_type: "text", to: "toUser", format: "json" },
      occurredAt: 1_482_048_670_000,
    });
  });

  it("mini program JSON image", async () => {
    const m = await one(mpImage);
    expect(m.parts).toEqual([{ type: "text", text: "[image]" }]);
    expect(m.metadata).toEqual({ media_id: "media_id", msg_type: "image", to: "toUser", format: "json" });
  });

  it("mini program card", async () => {
    const m = await one(mpCard);
    expect(m.parts).toEqual([{ type: "card", title: "title", subtitle: "path" }]);
    expect(m.metadata).toEqual({ app_id: "appid", msg_type: "miniprogrampage", to: "toUser", format: "json" });
  });

  it("events are acknowledged with success and store nothing", async () => {
    expect(await wechatAdapter.parse(push(mpEvent), config)).toEqual({ items: [], response: { status: 200, contentType: "text/plain", body: "success" } });
  });

  it("a MsgId beyond 2^53 in JSON keeps its digits", async () => {
    const m = await one(mpText.replace("1234567890123456", "6666666666666666666"));
    expect(m.providerMessageId).toBe("6666666666666666666");
  });

  it("link messages keep title, description and URL", async () => {
    const xml = "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType>link</MsgType><Title>公众平台官网链接</Title><Description>公众平台官网链接</Description><Url>https://mp.weixin.qq.com</Url><MsgId>1</MsgId></xml>";
    expect((await one(xml)).parts).toEqual([{ type: "text", text: "公众平台官网链接\n公众平台官网链接\nhttps://mp.weixin.qq.com" }]);
  });
});

describe("WeChat malformed bodies", () => {
  it("400 for bodies that are neither XML nor JSON, or unsafe/broken XML", async () => {
    const bad = [
      "hello",
      "{not json",
      '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x "boom">]><xml><Content>&x;</Content></xml>',
      '<xml><Content a="1">x</Content></xml>',
      "<xml><Content>x</Other></xml>",
      "<xml><Content>&unknown;</Content></xml>",
      "<xml><a><b><c><d><e>deep</e></d></c></b></a></xml>",
      "<xml><Content><![CDATA[unterminated</Content></xml>",
      "<xml><MsgType>text</MsgType></xml><xml/>",
    ];
    for (const body of bad) await rejects(wechatAdapter.parse(push(body), config), 400);
    await rejects(wechatAdapter.parse({ ...push(""), rawBody: new Uint8Array([0x3c, 0xff]) }, config), 400);
  });

  it("422 for well-formed bodies of the wrong shape, including safe-mode pushes", async () => {
    const wrong = [
      "<xml><ToUserName>a</ToUserName><Encrypt><![CDATA[abc]]></Encrypt></xml>",
      '{"MsgType":"text","Content":"x","MsgId":1}',
      '{"ToUserName":"a","FromUserName":"b","MsgType":"text","Content":"x"}',
      '{"ToUserName":"a","FromUserName":"b","MsgType":"location","Location_X":"north","MsgId":1}',
      "[1,2]",
    ];
    for (const body of wrong) await rejects(wechatAdapter.parse(push(body), config), 422);
  });

  it("decodes entities and keeps __proto__ as a plain field", () => {
    const fields = parseWeChatXml("<xml><A>&lt;b&gt; &amp; &#x4F60;&#22909;</A><__proto__><polluted>1</polluted></__proto__></xml>");
    expect(fields.A).toBe("<b> & 你好");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(fields)).toBeNull();
  });
});

describe("WeChat send", () => {
  it("posts a customer-service text message; image URLs go as text", async () => {
    const reqs = await wechatAdapter.send(
      {
        messageId: "m1",
        externalThreadId: "gh_866835093fea:ogdotwSc_MmEEsJs9-ABZ1QL_4r4",
        parts: [{ type: "text", text: "您好，已为您查询" }, { type: "image", url: "https://cdn.acme.example/a.png", caption: "receipt" }],
        metadata: {},
      },
      config,
    );
    expect(reqs).toEqual([
      {
        url: "https://wx.stub/cgi-bin/message/custom/send?access_token=ACCESS",
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ touser: "ogdotwSc_MmEEsJs9-ABZ1QL_4r4", msgtype: "text", text: { content: "您好，已为您查询\n\nreceipt https://cdn.acme.example/a.png" } }),
      },
    ]);
  });

  it("needs an access token", async () => {
    const cfg = wechatAdapter.config.parse({ token: "t" });
    expect(cfg.api_base).toBe("https://api.weixin.qq.com");
    await rejects(wechatAdapter.send({ messageId: "m", externalThreadId: "a:b", parts: [{ type: "text", text: "x" }], metadata: {} }, cfg), 422);
  });

  it("reads errcode from 200 answers", () => {
    expect(wechatAdapter.sendOutcome(200, '{"errcode":0,"errmsg":"ok"}')).toEqual({ ok: true });
    expect(wechatAdapter.sendOutcome(200, '{"errcode":42001,"errmsg":"access_token expired"}')).toEqual({ ok: false, retryable: true, reason: "WeChat errcode 42001: access_token expired" });
    expect(wechatAdapter.sendOutcome(200, '{"errcode":45015,"errmsg":"response out of time limit"}')).toMatchObject({ ok: false, retryable: false });
    expect(wechatAdapter.sendOutcome(400, "bad")).toMatchObject({ ok: false, retryable: false });
    expect(wechatAdapter.sendOutcome(429, "")).toMatchObject({ ok: false, retryable: true });
    expect(wechatAdapter.sendOutcome(502, "")).toMatchObject({ ok: false, retryable: true });
  });
});

const key = fc.constantFrom("ToUserName", "FromUserName", "MsgType", "Content", "MsgId", "PicUrl", "Location_X", "Location_Y", "CreateTime", "Encrypt", "__proto__");
const value = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("text", "image", "location", "event", "link", "http://x.cn/a", "<", "&amp;", "]]>"));
const xml = fc.array(fc.tuple(key, value), { maxLength: 8 }).map((kv) => `<xml>${kv.map(([k, v]) => `<${k}>${v}</${k}>`).join("")}</xml>`);
const cdata = fc.array(fc.tuple(key, value), { maxLength: 8 }).map((kv) => `<xml>${kv.map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`).join("")}</xml>`);
const json = fc.oneof(fc.json(), fc.dictionary(key, fc.oneof(value, fc.integer())).map((o) => JSON.stringify(o)));

parseNeverCrashes({
  name: "WeChat",
  adapter: wechatAdapter,
  config,
  request: (bytes) => ({ ...push(""), rawBody: bytes }),
  cases: {
    "on arbitrary bytes": fc.uint8Array({ maxLength: 300 }),
    "on arbitrary JSON and XML-ish text with WeChat's field names": fc.oneof(xml, cdata, json),
  },
});
