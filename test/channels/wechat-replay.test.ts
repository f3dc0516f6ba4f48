/// <reference types="vite/client" />
/**
 * S1 (a plain-mode signature does not cover the body, so a captured query string must not carry another body)
 * and S3 (a push for another account's ToUserName is refused), through the real webhook route and D1.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { purgeExpiredNonces, refuseReplay } from "../../workers/channels/replay";
import { threadConversationId } from "../../workers/channels/ingest";
import { wechatAdapter } from "../../workers/channels/wechat";
import { BASE, call, ok, tenant } from "../helpers";
import oaText from "../fixtures/wechat/oa-text.xml?raw";
import oaTextChinese from "../fixtures/wechat/oa-text-chinese.xml?raw";
import { wechatHeaders, wechatSafePush, wechatSignedUrl } from "../signers/wechat";
import { rejects, statusOf } from "./support";

async function wechatTenant(config: Record<string, unknown> = {}) {
  const t = await tenant();
  await ok(call("/v1/channels/wechat", { method: "PUT", auth: t.key, json: { config: { token: "weixin", ...config } } }));
  const hook = `${BASE}/webhooks/${t.id}/wechat`;
  const send = (url: string, body: string) => call(url.slice(BASE.length), { method: "POST", body, headers: wechatHeaders(body) });
  const messages = async (thread: string) => {
    const res = await call(`/v1/conversations/${await threadConversationId(t.id, "wechat", thread)}/messages`, { auth: t.key });
    return res.status === 404 ? [] : ((await ok(res)).data as any[]);
  };
  return { ...t, hook, send, messages };
}

const withSender = (body: string, from: string, msgId: string) => body.replaceAll("fromUser", from).replace("1234567890123456", msgId);

describe("WeChat replayed nonces (S1)", () => {
  it("the same signed query with the same body is a retry; with another body it is 401 and stores nothing", async () => {
    const t = await wechatTenant();
    const url = wechatSignedUrl(t.hook, "weixin", Date.now(), {}, "90001");
    const first = withSender(oaText, "alice", "1001");
    for (let i = 0; i < 2; i++) expect((await t.send(url, first)).status).toBe(200);
    expect(await t.messages("toUser:alice")).toHaveLength(1);

    const forged = withSender(oaText, "mallory", "1002");
    const res = await t.send(url, forged);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ title: "invalid signature", detail: "replayed nonce: this signature was already used for another body" });
    expect(await t.messages("toUser:mallory")).toEqual([]);
    // The first body still owns the signature: a retry of it is still accepted.
    expect((await t.send(url, first)).status).toBe(200);

    // The same body under a fresh nonce is a new delivery, and nonces are remembered per tenant.
    expect((await t.send(wechatSignedUrl(t.hook, "weixin", Date.now(), {}, "90002"), forged)).status).toBe(200);
    const other = await wechatTenant();
    expect((await other.send(url.replace(t.id, other.id), forged)).status).toBe(200);
  });

  it("applies in safe mode too: a retried encrypted push is accepted once stored", async () => {
    const safe = { token: "weixin", encoding_aes_key: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", app_id: "wx2c2769f8efd9abc2" };
    const t = await wechatTenant(safe);
    const p = wechatSafePush(t.hook, safe, withSender(oaText, "bob", "2001"), Date.now(), "90003");
    for (let i = 0; i < 2; i++) expect((await t.send(p.url, p.body)).status).toBe(200);
    expect(await t.messages("toUser:bob")).toHaveLength(1);
    const key = wechatAdapter.replayKey!({ method: "POST", url: p.url, headers: new Headers(), rawBody: new Uint8Array() }, wechatAdapter.config.parse(safe));
    expect(key).toEqual({ key: `${new URL(p.url).searchParams.get("timestamp")}:90003`, expiresAt: (Number(new URL(p.url).searchParams.get("timestamp")) + 300) * 1000 });
  });

  it("is off only with the freshness window (max_age_s: 0), where no window exists to remember nonces for", () => {
    const req = { method: "POST", url: wechatSignedUrl("https://edge.example/webhooks/t/wechat", "weixin", 1_700_000_000_000), headers: new Headers(), rawBody: new Uint8Array() };
    expect(wechatAdapter.replayKey!(req, wechatAdapter.config.parse({ token: "weixin", max_age_s: 0 }))).toBeNull();
    expect(wechatAdapter.replayKey!(req, wechatAdapter.config.parse({ token: "weixin", max_age_s: 60 }))).toEqual({ key: "1700000000:1743502518", expiresAt: 1_700_000_060_000 });
  });
});

describe("the nonce store", () => {
  const body = (s: string) => new TextEncoder().encode(s);
  const tenantId = () => `ten_replay_${crypto.randomUUID().slice(0, 8)}`;

  it("holds a key's first body until it expires, then lets a new body take it over", async () => {
    const ten = tenantId();
    const k = { key: "1700000000:42", expiresAt: 1_000 };
    await expect(refuseReplay(env, ten, "wechat", k, body("A"), 0)).resolves.toBeUndefined();
    await expect(refuseReplay(env, ten, "wechat", k, body("A"), 500)).resolves.toBeUndefined();
    await rejects(refuseReplay(env, ten, "wechat", k, body("B"), 999), 401);
    // Other channels and tenants have their own keys.
    await expect(refuseReplay(env, ten, "custom:x", k, body("B"), 500)).resolves.toBeUndefined();
    await expect(refuseReplay(env, tenantId(), "wechat", k, body("B"), 500)).resolves.toBeUndefined();
    // After the window the signature no longer verifies, so the old body is moot: B takes the key over.
    await expect(refuseReplay(env, ten, "wechat", { ...k, expiresAt: 2_000 }, body("B"), 1_000)).resolves.toBeUndefined();
    await rejects(refuseReplay(env, ten, "wechat", k, body("A"), 1_500), 401);
    const row = await env.DB.prepare("SELECT body_hash, expires_at FROM webhook_nonces WHERE tenant_id = ? AND channel = 'wechat'").bind(ten).first();
    expect(row).toEqual({ body_hash: expect.stringMatching(/^[0-9a-f]{64}$/), expires_at: 2_000 });
  });

  it("the cron purges expired keys and keeps live ones", async () => {
    const ten = tenantId();
    for (const [key, expiresAt] of [["a", 10], ["b", 20], ["c", 30]] as const) await refuseReplay(env, ten, "wechat", { key, expiresAt }, body(key), 0);
    // Rows of other tests expire long before this; only this tenant's rows are looked at.
    expect(await purgeExpiredNonces(env, 20)).toBeGreaterThanOrEqual(2);
    const { results } = await env.DB.prepare("SELECT nonce FROM webhook_nonces WHERE tenant_id = ? ORDER BY nonce").bind(ten).all();
    expect(results).toEqual([{ nonce: "c" }]);
  });
});

describe("WeChat recipient check (S3) through the webhook route", () => {
  it("a push for another account's ToUserName is 403 and stores nothing; the configured account's is stored", async () => {
    const t = await wechatTenant({ original_id: "gh_866835093fea" });
    const res = await t.send(wechatSignedUrl(t.hook, "weixin", Date.now(), {}, "91001"), oaText);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ title: "forbidden", detail: "push for account toUser, not this channel's original_id" });
    expect(await t.messages("toUser:fromUser")).toEqual([]);
    expect((await t.send(wechatSignedUrl(t.hook, "weixin", Date.now(), {}, "91002"), oaTextChinese)).status).toBe(200);
    expect(await t.messages("gh_866835093fea:ogdotwSc_MmEEsJs9-ABZ1QL_4r4")).toHaveLength(1);
    expect(await statusOf(wechatAdapter.parse({ method: "POST", url: t.hook, headers: new Headers(), rawBody: new TextEncoder().encode(oaText) }, wechatAdapter.config.parse({ token: "weixin" })))).toBe("ok");
  });
});
