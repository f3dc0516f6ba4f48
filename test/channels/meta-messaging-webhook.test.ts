/// <reference types="vite/client" />
/**
 * Messenger and Instagram end to end: documented events, signed as Meta signs them, through the real Worker entry
 * into the conversation objects and read back through the API; and the account check that keeps one Meta app's
 * deliveries for another Page or Instagram account out of this tenant.
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { threadConversationId } from "../../workers/channels/ingest";
import { BASE, call, ok, tenant } from "../helpers";
import igQuickReply from "../fixtures/instagram/quick_reply.json?raw";
import igReel from "../fixtures/instagram/reel.json?raw";
import igShare from "../fixtures/instagram/share.json?raw";
import igText from "../fixtures/instagram/text.json?raw";
import messengerPostback from "../fixtures/messenger/postback.json?raw";
import messengerText from "../fixtures/messenger/text.json?raw";
import { signInstagram } from "../signers/instagram";
import { signMessenger } from "../signers/messenger";

const PAGE = "682498302938465";
const IG = "17841405822304914";
const MESSENGER = { app_secret: "messenger-app-secret", verify_token: "edgedesk-verify", access_token: "EAAGpage", page_id: PAGE };
const INSTAGRAM = { app_secret: "ig-app-secret", verify_token: "edgedesk-verify", access_token: "IGQtoken", ig_account_id: IG };

type Stored = { parts: Record<string, unknown>[]; sender: { kind: string }; sent_at?: number };

async function configured(channel: "messenger" | "instagram", config: Record<string, string>) {
  const t = await tenant();
  await ok(call(`/v1/channels/${channel}`, { method: "PUT", auth: t.key, json: { config } }));
  const sign = channel === "messenger" ? signMessenger : signInstagram;
  const post = (body: string, headers = sign(body, config as never, `${BASE}/webhooks/${t.id}/${channel}`, Date.now())) =>
    call(`/webhooks/${t.id}/${channel}`, { method: "POST", body, headers });
  const messages = async (thread: string) => {
    const res = await call(`/v1/conversations/${await threadConversationId(t.id, channel, thread)}/messages`, { auth: t.key });
    return res.status === 404 ? null : (await ok<{ data: Stored[] }>(res)).data;
  };
  return { post, messages };
}

/** Meta's examples use placeholder account ids; a tenant that pins its account gets them with its real id. */
const forPage = (fixture: string) => fixture.replaceAll("<PAGE_ID>", PAGE).replaceAll("PAGE-ID", PAGE);
const forAccount = (fixture: string) => fixture.replaceAll('"IGID"', `"${IG}"`);

describe("messenger webhook end to end", () => {
  it("a quick reply is stored as the text and the choice, a postback as the choice, with Meta's time as sent_at", async () => {
    const { post, messages } = await configured("messenger", MESSENGER);
    expect((await post(forPage(messengerText))).status).toBe(200);
    expect((await post(forPage(messengerPostback))).status).toBe(200);
    expect(await messages(`${PAGE}:<PSID>`)).toMatchObject([
      {
        sender: { kind: "customer" },
        parts: [
          { type: "text", text: "hello, world!" },
          { type: "choice", value: "<DEVELOPER_DEFINED_PAYLOAD>", label: "hello, world!" },
        ],
        sent_at: 1_458_692_752_478,
      },
    ]);
    expect(await messages(`${PAGE}:USER-REF-ID`)).toMatchObject([{ parts: [{ type: "choice", value: "USER-DEFINED-PAYLOAD", label: "TITLE-FOR-THE-CTA" }] }]);
  });

  it("a delivery for another Page is refused with 403 and stores nothing", async () => {
    const { post, messages } = await configured("messenger", MESSENGER);
    const other = messengerText.replaceAll("<PAGE_ID>", "111111111111111");
    const res = await post(other);
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await messages("111111111111111:<PSID>")).toBeNull();
    expect(await messages(`${PAGE}:<PSID>`)).toBeNull();
  });

  it("a delivery signed only with the legacy SHA-1 X-Hub-Signature is refused with 401", async () => {
    const { post, messages } = await configured("messenger", MESSENGER);
    const body = forPage(messengerText);
    const res = await post(body, { "content-type": "application/json", "x-hub-signature": `sha1=${createHmac("sha1", MESSENGER.app_secret).update(body).digest("hex")}` });
    expect(res.status).toBe(401);
    expect(await messages(`${PAGE}:<PSID>`)).toBeNull();
  });
});

describe("instagram webhook end to end", () => {
  it("text, quick replies, reels and shares become typed parts, never placeholder text", async () => {
    const { post, messages } = await configured("instagram", INSTAGRAM);
    const unique = (fixture: string, mid: string) => forAccount(fixture).replace('"mid": "MESSAGE-ID"', `"mid": "${mid}"`);
    for (const [fixture, mid] of [[igText, "m1"], [igQuickReply, "m2"], [igReel, "m3"], [igShare, "m4"]] as const) expect((await post(unique(fixture, mid))).status).toBe(200);
    const stored = await messages(`${IG}:IGSID`);
    expect(stored?.map((m) => m.parts)).toEqual([
      [{ type: "text", text: "MESSAGE-TEXT" }],
      [
        { type: "text", text: "MESSAGE-TEXT" },
        { type: "choice", value: "CUSTOMER-RESPONSE-PAYLOAD", label: "MESSAGE-TEXT" },
      ],
      [{ type: "video", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17900532154071430" }],
      [{ type: "card", title: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17876532154071430", buttons: [{ label: "Open", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17876532154071430" }] }],
    ]);
  });

  it("a delivery for another Instagram account is refused with 403 and stores nothing", async () => {
    const { post, messages } = await configured("instagram", INSTAGRAM);
    const res = await post(igText.replaceAll('"IGID"', '"17841400000000000"'));
    expect(res.status).toBe(403);
    expect(await messages("17841400000000000:IGSID")).toBeNull();
    expect(await messages(`${IG}:IGSID`)).toBeNull();
  });
});
