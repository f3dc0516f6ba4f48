/// <reference types="vite/client" />
/** WeChat media (video, voice, images by MediaId) stored as proxy URLs and served by /v1/media/wechat with a stubbed WeChat. */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { wechatMediaRoutes } from "../../workers/routes/media-wechat";
import { threadConversationId } from "../../workers/channels/ingest";
import { BASE, call, ok, tenant, visitor } from "../helpers";
import oaVideo from "../fixtures/wechat/oa-video.xml?raw";
import { wechatHeaders, wechatSignedUrl } from "../signers/wechat";

const TOKEN = "ACCESS_TOKEN_8a7dbf01-secret";
const MP4 = new TextEncoder().encode("\x00\x00\x00\x18ftypmp42 video bytes");
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const VIDEO_URL = "http://vweixinf.tc.qq.com/102/20202/snsvideodownload?filekey=abc";

type Seen = { url: string; method: string };

/** Stubs WeChat: media/get answers `media`, the video CDN answers `video`; requests are recorded as plain values. */
function stubWeChat(opts: { media?: () => Response; video?: () => Response; fail?: boolean } = {}) {
  const seen: Seen[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    seen.push({ url: req.url, method: req.method });
    if (opts.fail) throw new TypeError(`connect failed: ${req.url}`);
    if (req.url.includes("/cgi-bin/media/get?")) return opts.media?.() ?? new Response(JSON.stringify({ video_url: VIDEO_URL }), { headers: { "content-type": "text/plain" } });
    if (req.url.startsWith("http://vweixinf.tc.qq.com/")) return opts.video?.() ?? new Response(MP4, { headers: { "content-type": "video/mp4", "content-length": String(MP4.byteLength) } });
    return new Response("unexpected", { status: 500 });
  });
  return seen;
}

async function wechatTenant(config: Record<string, unknown> = { access_token: TOKEN }) {
  const t = await tenant();
  await ok(call("/v1/channels/wechat", { method: "PUT", auth: t.key, json: { config: { token: "weixin", api_base: "https://wx.stub", ...config } } }));
  return t;
}

const media = (path: string, credential?: string) => wechatMediaRoutes.request(path, { headers: credential ? { authorization: `Bearer ${credential}` } : {} }, env);

afterEach(() => vi.restoreAllMocks());

describe("wechat media proxy", () => {
  it("a delivered video is stored as a video part with the proxy URL; the proxy follows video_url and streams the bytes", async () => {
    const t = await wechatTenant();
    const hook = `${BASE}/webhooks/${t.id}/wechat`;
    const res = await call(wechatSignedUrl(hook, "weixin", Date.now()).slice(BASE.length), { method: "POST", body: oaVideo, headers: wechatHeaders(oaVideo) });
    expect(res.status).toBe(200);
    const conversation = await threadConversationId(t.id, "wechat", "toUser:fromUser");
    const listed = await ok(call(`/v1/conversations/${conversation}/messages`, { auth: t.key }));
    expect(listed.data[0].parts).toEqual([{ type: "video", url: `${BASE}/v1/media/wechat/media_id` }]);
    expect(listed.data[0].metadata.thumb_url).toBe(`${BASE}/v1/media/wechat/thumb_media_id`);
    expect(listed.data[0].sent_at).toBe(1_357_290_913_000);
    expect(JSON.stringify(listed)).not.toContain(TOKEN);

    const seen = stubWeChat();
    // Through the app as mounted, with the stored URL's path.
    const proxied = await call(new URL(listed.data[0].parts[0].url).pathname, { auth: t.agentToken });
    expect(proxied.status).toBe(200);
    expect(proxied.headers.get("content-type")).toBe("video/mp4");
    expect(proxied.headers.get("content-length")).toBe(String(MP4.byteLength));
    expect(proxied.headers.get("cache-control")).toMatch(/^private\b/);
    expect(proxied.headers.get("x-content-type-options")).toBe("nosniff");
    expect(proxied.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(new Uint8Array(await proxied.arrayBuffer())).toEqual(MP4);
    expect(seen).toEqual([
      { url: `https://wx.stub/cgi-bin/media/get?access_token=${TOKEN}&media_id=media_id`, method: "GET" },
      { url: VIDEO_URL, method: "GET" },
    ]);
  });

  it("images and voice come back as bytes in one call; API keys and agents may fetch, visitors may not", async () => {
    const t = await wechatTenant();
    const v = await visitor(t.id);
    const seen = stubWeChat({ media: () => new Response(JPEG, { headers: { "content-type": "image/jpeg", "content-disposition": 'attachment; filename="m.jpg"' } }) });
    for (const credential of [t.key, t.agentToken]) {
      const res = await media("/a%2Fb", credential);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/jpeg");
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(JPEG);
    }
    expect((await media("/a%2Fb", v.token)).status).toBe(403);
    expect(seen.map((s) => s.url)).toEqual([`https://wx.stub/cgi-bin/media/get?access_token=${TOKEN}&media_id=a%2Fb`, `https://wx.stub/cgi-bin/media/get?access_token=${TOKEN}&media_id=a%2Fb`]);
  });

  it("needs credentials, a configured channel and an access token, before any call to WeChat", async () => {
    await wechatTenant();
    const none = await tenant();
    const noToken = await wechatTenant({});
    const seen = stubWeChat();
    expect((await media("/media_id")).status).toBe(401);
    expect((await media("/media_id", none.agentToken)).status).toBe(404);
    const res = await media("/media_id", noToken.agentToken);
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(seen).toEqual([]);
  });

  it("WeChat's refusals and failures are 502 problems that never reveal the access token", async () => {
    const t = await wechatTenant();
    const cases = [
      { media: () => Response.json({ errcode: 40007, errmsg: "invalid media_id hint: [x]" }) },
      { media: () => new Response(JSON.stringify({ errcode: 40001, errmsg: `invalid credential, access_token ${TOKEN} is invalid` }), { headers: { "content-type": "text/plain" } }) },
      { media: () => new Response("<html>bad gateway</html>", { status: 502 }) },
      { media: () => new Response("not json", { headers: { "content-type": "text/plain" } }) },
      { media: () => Response.json({ video_url: "file:///etc/passwd" }) },
      { video: () => new Response("gone", { status: 404 }) },
      { fail: true },
    ];
    const details: string[] = [];
    for (const stub of cases) {
      stubWeChat(stub);
      const res = await media("/media_id", t.agentToken);
      const body = await res.text();
      expect(res.status).toBe(502);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(body).not.toContain(TOKEN);
      details.push(JSON.parse(body).detail);
      vi.restoreAllMocks();
    }
    expect(details.slice(0, 2)).toEqual(["WeChat media/get refused: errcode 40007 invalid media_id hint: [x]", "WeChat media/get refused: errcode 40001 invalid credential, access_token … is invalid"]);
  });
});
