/// <reference types="vite/client" />
/**
 * LINE through the real Worker entry and conversation objects: a group message lands in the group's conversation
 * under the user who wrote it, an unsend retracts it, membership changes are system events, a webhook for another
 * bot is refused, and LINE-hosted content is served through the media proxy with the channel token kept on the
 * server.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { channelContactId, threadConversationId } from "../../workers/channels/ingest";
import { lineMediaRoutes } from "../../workers/routes/media-line";
import { BASE, call, ok, tenant, visitor } from "../helpers";
import imageFixture from "../fixtures/line/image.json?raw";
import memberJoinedFixture from "../fixtures/line/member_joined.json?raw";
import textFixture from "../fixtures/line/text_group.json?raw";
import unsendFixture from "../fixtures/line/unsend.json?raw";
import { signLine } from "../signers/line";

const SECRET = "8c570fa6dd201bb328f1c1eac23a96d8";
const TOKEN = "W1TeHCgfH2Liwa2zvcTe5S+8tTv5ZJ1sJ0m3o0xQ5aDyBfaZ1hGQMLJfQ8n2cK+3qc3z";
const BOT = "U0123456789abcdef0123456789abcdef";

type Stored = { parts: Record<string, unknown>[]; sender: { kind: string; id: string }; metadata: Record<string, unknown>; sent_at?: number; retracted_at?: number };

async function lineTenant(extra: Record<string, string> = {}) {
  const t = await tenant();
  const config = { channel_secret: SECRET, channel_access_token: TOKEN, api_base: "https://line.stub", data_api_base: "https://line-data.stub", ...extra };
  await ok(call("/v1/channels/line", { method: "PUT", auth: t.key, json: { config } }));
  const hook = `${BASE}/webhooks/${t.id}/line`;
  const post = (body: string) => call(`/webhooks/${t.id}/line`, { method: "POST", body, headers: signLine(body, config, hook, Date.now()) });
  const messages = async (thread: string): Promise<Stored[] | null> => {
    const res = await call(`/v1/conversations/${await threadConversationId(t.id, "line", thread)}/messages`, { auth: t.key });
    return res.status === 404 ? null : (await ok<{ data: Stored[] }>(res)).data;
  };
  return { ...t, post, messages };
}

async function expectOk(res: Response): Promise<void> {
  expect(res.status, await res.clone().text()).toBe(200);
}

afterEach(() => vi.restoreAllMocks());

describe("line webhook end to end", () => {
  it("a group message is stored in the group's conversation from the user who wrote it, with LINE's time, mentions and quote token", async () => {
    const s = await lineTenant();
    await expectOk(await s.post(textFixture));
    await expectOk(await s.post(textFixture));
    const stored = await s.messages("Ca56f94637c...");
    expect(stored).toHaveLength(1);
    expect(stored![0]).toMatchObject({
      sender: { kind: "customer", id: await channelContactId(s.id, "line", "U4af4980629...") },
      parts: [{ type: "text", text: "@All @example Good Morning!! (love)", entities: [{ type: "mention", offset: 0, length: 4 }, { type: "mention", offset: 5, length: 8 }] }],
      metadata: { source_type: "group", quote_token: "q3Plxr4AgKd..." },
      sent_at: 1_462_629_479_859,
    });
  });

  it("an unsend retracts the message in the group: its content is gone", async () => {
    const s = await lineTenant();
    await expectOk(await s.post(textFixture.replace('"id": "444573844083572737"', '"id": "325708"')));
    await expectOk(await s.post(unsendFixture));
    const [m] = (await s.messages("Ca56f94637c..."))!;
    expect(m!.retracted_at).toBe(1_462_629_479_859);
    expect(m!.parts).toEqual([]);
    expect(JSON.stringify(m)).not.toContain("Good Morning");
  });

  it("members joining is a system event in the group, not a customer message", async () => {
    const s = await lineTenant();
    await expectOk(await s.post(memberJoinedFixture));
    expect(await s.messages("C4af4980629...")).toMatchObject([{ sender: { kind: "system" }, parts: [{ type: "text", text: "Joined this group: U4af4980629..., U91eeaf62d9..." }] }]);
  });

  it("with bot_user_id set, a webhook for another bot is 403 and stores nothing; its own is stored", async () => {
    const s = await lineTenant({ bot_user_id: BOT });
    const res = await s.post(textFixture);
    expect(res.status, await res.clone().text()).toBe(403);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await s.messages("Ca56f94637c...")).toBeNull();
    await expectOk(await s.post(textFixture.replace('"destination": "xxxxxxxxxx"', `"destination": "${BOT}"`)));
    expect(await s.messages("Ca56f94637c...")).toHaveLength(1);
  });
});

type Seen = { url: string; authorization: string | null };

function stubLine(answer: () => Response = () => new Response(JPEG, { headers: { "content-type": "image/jpeg", "content-length": String(JPEG.byteLength) } }), fail = false) {
  const seen: Seen[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    seen.push({ url: req.url, authorization: req.headers.get("authorization") });
    if (fail) throw new TypeError(`connect failed: ${req.url} ${req.headers.get("authorization")}`);
    return answer();
  });
  return seen;
}

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const media = (path: string, credential?: string) => lineMediaRoutes.request(path, { headers: credential ? { authorization: `Bearer ${credential}` } : {} }, env);

describe("line content through the media proxy", () => {
  it("an image is stored at the proxy, which fetches Get content with the channel token and streams it back", async () => {
    const s = await lineTenant();
    await expectOk(await s.post(imageFixture));
    const stored = await s.messages("U4af4980629...");
    expect(stored![0]!.parts).toEqual([{ type: "image", url: `${BASE}/v1/media/line/354718705033693859` }]);
    expect(JSON.stringify(stored)).not.toContain(TOKEN);

    const seen = stubLine();
    const res = await media("/354718705033693859", s.agentToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(JPEG);
    expect(seen).toEqual([{ url: "https://line-data.stub/v2/bot/message/354718705033693859/content", authorization: `Bearer ${TOKEN}` }]);
  });

  it("needs an API key or agent token, 404s a tenant without LINE or a bad id without calling LINE", async () => {
    const s = await lineTenant();
    const other = await tenant();
    const v = await visitor(s.id);
    const seen = stubLine();
    expect((await media("/325708", s.key)).status).toBe(200);
    expect((await media("/325708", v.token)).status).toBe(403);
    expect((await media("/325708")).status).toBe(401);
    expect((await media("/325708", other.agentToken)).status).toBe(404);
    expect((await media("/..%2F..%2Fv2%2Fbot%2Finfo", s.agentToken)).status).toBe(404);
    expect(seen).toHaveLength(1);
  });

  it("LINE's failures (content expired, unreachable) are 502 problems that never reveal the token", async () => {
    const s = await lineTenant();
    for (const [answer, fail] of [[() => Response.json({ message: "Not found" }, { status: 404 }), false], [undefined, true]] as const) {
      stubLine(answer, fail);
      const res = await media("/325708", s.agentToken);
      const body = await res.text();
      expect(res.status, body).toBe(502);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(body).not.toContain(TOKEN);
      vi.restoreAllMocks();
    }
  });
});
