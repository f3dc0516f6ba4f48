/// <reference types="vite/client" />
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InboundMessage, InboundRequest } from "../../workers/channels/adapter";
import { wechatAdapter, wechatSignature } from "../../workers/channels/wechat";
import { parseWeChatXml } from "../../workers/channels/wechat-xml";
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
import oaVideo from "../fixtures/wechat/oa-video.xml?raw";
import oaLink from "../fixtures/wechat/oa-link.xml?raw";
import evSubscribe from "../fixtures/wechat/oa-event-subscribe.xml?raw";
import evSubscribeScan from "../fixtures/wechat/oa-event-subscribe-scan.xml?raw";
import evUnsubscribe from "../fixtures/wechat/oa-event-unsubscribe.xml?raw";
import evScan from "../fixtures/wechat/oa-event-scan.xml?raw";
import evLocation from "../fixtures/wechat/oa-event-location.xml?raw";
import evClick from "../fixtures/wechat/oa-event-click.xml?raw";
import evView from "../fixtures/wechat/oa-event-view.xml?raw";
import evScancode from "../fixtures/wechat/oa-event-scancode-waitmsg.xml?raw";
import evPicSysphoto from "../fixtures/wechat/oa-event-pic-sysphoto.xml?raw";
import evLocationSelect from "../fixtures/wechat/oa-event-location-select.xml?raw";
import evKfCreate from "../fixtures/wechat/oa-event-kf-create-session.xml?raw";
import evKfClose from "../fixtures/wechat/oa-event-kf-close-session.xml?raw";
import evKfSwitch from "../fixtures/wechat/oa-event-kf-switch-session.xml?raw";
import evTemplateFinish from "../fixtures/wechat/oa-event-template-send-job-finish.xml?raw";
import { wechatSignature as oracle, wechatSignedUrl } from "../signers/wechat";
import { parseNeverCrashes } from "./never-crashes";
import { rejects } from "./support";

const NOW = 1_700_000_000_000;
const BASE = "https://edge.example/webhooks/wechat/ten_1";
const MEDIA = "https://edge.example/v1/media/wechat";
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

  it("official account image: a real PicUrl is kept; the doc's placeholder PicUrl falls back to the media proxy", async () => {
    const m = await one(oaImage);
    expect(m.parts).toEqual([{ type: "image", url: `${MEDIA}/media_id` }]);
    expect(m.metadata).toEqual({ media_id: "media_id", msg_type: "image", to: "toUser", format: "xml" });
    const real = await one(oaImage.replace("this is a url", "http://mmbiz.qpic.cn/mmbiz_jpg/abc/0"));
    expect(real.parts).toEqual([{ type: "image", url: "http://mmbiz.qpic.cn/mmbiz_jpg/abc/0" }]);
    await rejects(wechatAdapter.parse(push(oaImage.replace(/<MediaId>.*<\/MediaId>\n/, "")), config), 422);
  });

  it("voice is an audio part through the media proxy, with the speech recognition as its transcript", async () => {
    const m = await one(oaVoice);
    expect(m.parts).toEqual([{ type: "audio", url: `${MEDIA}/media_id`, transcript: "腾讯微信团队" }]);
    expect(m.metadata).toEqual({ media_id: "media_id", voice_format: "Format", msg_type: "voice", to: "toUser", format: "xml" });
    expect(m.occurredAt).toBe(1_357_290_913_000);
    const amr = await one(oaVoice.replace("<Format><![CDATA[Format]]>", "<Format><![CDATA[amr]]>").replace(/<Recognition>.*<\/Recognition>\n/, ""));
    expect(amr.parts).toEqual([{ type: "audio", url: `${MEDIA}/media_id`, mime_type: "audio/amr" }]);
  });

  it("video and short video are video parts through the media proxy, the thumbnail beside them", async () => {
    for (const type of ["video", "shortvideo"]) {
      const m = await one(oaVideo.replace("[video]", `[${type}]`));
      expect(m.parts).toEqual([{ type: "video", url: `${MEDIA}/media_id` }]);
      expect(m.metadata).toEqual({ media_id: "media_id", thumb_media_id: "thumb_media_id", thumb_url: `${MEDIA}/thumb_media_id`, msg_type: type, to: "toUser", format: "xml" });
      expect(m.occurredAt).toBe(1_357_290_913_000);
    }
    // Ids are one path segment: a slash in one cannot reach another route.
    const odd = await one(oaVideo.replace("<MediaId><![CDATA[media_id]]>", "<MediaId><![CDATA[a/../b c]]>"));
    expect(odd.parts).toEqual([{ type: "video", url: `${MEDIA}/a%2F..%2Fb%20c` }]);
  });

  it("location: Label is the address", async () => {
    const m = await one(oaLocation);
    expect(m.parts).toEqual([{ type: "location", latitude: 23.134521, longitude: 113.358803, address: "位置信息" }]);
    expect(m.metadata).toEqual({ scale: 20, msg_type: "location", to: "toUser", format: "xml" });
    await rejects(wechatAdapter.parse(push(oaLocation.replace("<Location_X>23.134521</Location_X>", "<Location_X></Location_X>")), config), 422);
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
    expect(m.parts).toEqual([{ type: "image", url: `${MEDIA}/media_id` }]);
    expect(m.metadata).toEqual({ media_id: "media_id", msg_type: "image", to: "toUser", format: "json" });
  });

  it("mini program card", async () => {
    const m = await one(mpCard);
    expect(m.parts).toEqual([{ type: "card", title: "title", subtitle: "path" }]);
    expect(m.metadata).toEqual({ app_id: "appid", msg_type: "miniprogrampage", to: "toUser", format: "json" });
  });


  it("a MsgId beyond 2^53 in JSON keeps its digits", async () => {
    const m = await one(mpText.replace("1234567890123456", "6666666666666666666"));
    expect(m.providerMessageId).toBe("6666666666666666666");
  });

  it("link messages are cards: title, description and the URL as a button", async () => {
    const real = await one(oaLink.replace("<Url><![CDATA[url]]>", "<Url><![CDATA[https://mp.weixin.qq.com]]>"));
    expect(real.parts).toEqual([{ type: "card", title: "公众平台官网链接", subtitle: "公众平台官网链接", buttons: [{ label: "Open link", url: "https://mp.weixin.qq.com" }] }]);
    // The doc's own sample has "url" for a URL: the card keeps what is there, no button to nowhere.
    expect((await one(oaLink)).parts).toEqual([{ type: "card", title: "公众平台官网链接", subtitle: "公众平台官网链接" }]);
  });

  it("a customer-service menu tap (text with bizmsgmenuid) is a choice", async () => {
    const m = await one(oaText.replace("<MsgId>", "<bizmsgmenuid>101</bizmsgmenuid><MsgId>").replace("this is a test", "满意"));
    expect(m.parts).toEqual([{ type: "choice", value: "101", label: "满意" }]);
  });

  it("files: with a MediaId through the proxy; with only a FileKey, an unsupported part naming the file", async () => {
    const base = "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType>file</MsgType><Title>合同.pdf</Title>";
    expect((await one(`${base}<MediaId>m1</MediaId><MsgId>1</MsgId></xml>`)).parts).toEqual([{ type: "file", url: `${MEDIA}/m1`, name: "合同.pdf" }]);
    expect((await one(`${base}<FileKey>k</FileKey><FileTotalLen>2048</FileTotalLen><MsgId>2</MsgId></xml>`)).parts).toEqual([
      { type: "unsupported", provider_type: "file", description: 'A file "合同.pdf" (2048 bytes) that WeChat offers no download for' },
    ]);
  });

  it("a message type WeChat adds later is kept as unsupported with its type, not as placeholder text", async () => {
    expect((await one(oaText.replace("[text]", "[hologram]"))).parts).toEqual([{ type: "unsupported", provider_type: "hologram" }]);
  });
});

describe("WeChat events", () => {
  async function event(body: string): Promise<InboundMessage> {
    const m = await one(body);
    expect(m.event).toBe(true);
    return m;
  }

  it("follow, unfollow and QR scans are system events with the scene and ticket", async () => {
    const follow = await event(evSubscribe);
    expect(follow).toEqual({
      kind: "message",
      externalThreadId: "toUser:FromUser",
      providerMessageId: "event:subscribe:123456789",
      contact: { externalId: "FromUser" },
      parts: [{ type: "unsupported", provider_type: "event:subscribe", description: "The customer followed the account" }],
      metadata: { event: "subscribe", msg_type: "event", to: "toUser", format: "xml" },
      occurredAt: 123_456_789_000,
      event: true,
    });
    const scanFollow = await event(evSubscribeScan);
    expect(scanFollow.parts).toEqual([{ type: "unsupported", provider_type: "event:subscribe", description: "The customer followed the account by scanning QR code scene 123123" }]);
    expect(scanFollow.metadata).toMatchObject({ event_key: "qrscene_123123", ticket: "TICKET" });
    expect((await event(evUnsubscribe)).parts).toEqual([{ type: "unsupported", provider_type: "event:unsubscribe", description: "The customer unfollowed the account" }]);
    const scan = await event(evScan);
    expect(scan.parts).toEqual([{ type: "unsupported", provider_type: "event:SCAN", description: "The customer scanned QR code scene 123123" }]);
    expect(scan.providerMessageId).toBe("event:SCAN:123456789");
  });

  it("menu taps are choices: CLICK by key, VIEW by URL", async () => {
    const click = await event(evClick);
    expect(click.parts).toEqual([{ type: "choice", value: "EVENTKEY" }]);
    expect(click.metadata).toMatchObject({ event: "CLICK", event_key: "EVENTKEY" });
    expect((await event(evView)).parts).toEqual([{ type: "choice", value: "www.qq.com" }]);
    expect((await event(evClick.replace(/<EventKey>.*<\/EventKey>\n/, ""))).parts).toEqual([{ type: "unsupported", provider_type: "event:CLICK", description: "The customer tapped a menu button" }]);
  });

  it("a menu scan keeps the scanned result", async () => {
    const m = await event(evScancode);
    expect(m.parts).toEqual([{ type: "unsupported", provider_type: "event:scancode_waitmsg", description: "The customer scanned a code from the menu: 2" }]);
    expect(m.metadata).toMatchObject({ scan_result: "2", scan_type: "qrcode", event_key: "6" });
  });

  it("WeChat's own customer-service session events", async () => {
    expect((await event(evKfCreate)).parts).toEqual([{ type: "unsupported", provider_type: "event:kf_create_session", description: "WeChat customer service: session taken by test1@test" }]);
    expect((await event(evKfClose)).parts).toEqual([{ type: "unsupported", provider_type: "event:kf_close_session", description: "WeChat customer service: session closed by test1@test" }]);
    expect((await event(evKfSwitch)).parts).toEqual([{ type: "unsupported", provider_type: "event:kf_switch_session", description: "WeChat customer service: session moved from test1@test to test2@test" }]);
  });

  it("a mini program customer opening the chat is an event with its session source", async () => {
    const m = await event(mpEvent);
    expect(m.parts).toEqual([{ type: "unsupported", provider_type: "event:user_enter_tempsession", description: "The customer opened the customer-service chat" }]);
    expect(m.metadata).toEqual({ event: "user_enter_tempsession", session_from: "sessionFrom", msg_type: "event", to: "toUser", format: "json" });
  });

  it("documented omissions are acknowledged and store nothing: location reports, picture/location pickers, broadcast results", async () => {
    for (const body of [evLocation, evPicSysphoto, evLocationSelect, evTemplateFinish, oaText.replace("[text]", "[event]").replace("<MsgId>", "<Event>card_pass_check</Event><MsgId>")]) {
      expect(await wechatAdapter.parse(push(body), config)).toEqual({ items: [], response: { status: 200, contentType: "text/plain", body: "success" } });
    }
  });
});

describe("WeChat recipient check", () => {
  it("refuses a push for another account with 403 when original_id is set, and accepts its own", async () => {
    const own = { ...config, original_id: "gh_866835093fea" };
    expect((await wechatAdapter.parse(push(oaTextChinese), own)).items).toHaveLength(1);
    await rejects(wechatAdapter.parse(push(oaText), own), 403, "push for account toUser, not this channel's original_id");
    await rejects(wechatAdapter.parse(push(evSubscribe), own), 403);
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
      "<xml><a><b><c><d><e><f>deep</f></e></d></c></b></a></xml>",
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
