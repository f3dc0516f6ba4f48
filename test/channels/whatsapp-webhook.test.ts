/// <reference types="vite/client" />
/**
 * WhatsApp end to end: Meta's documented payloads, signed as Meta signs them, through the real Worker entry into
 * the conversation objects, read back through the API; the recipient check; and the media proxy that resolves a
 * media id with the tenant's token without that token ever reaching a stored message or a response.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { threadConversationId } from "../../workers/channels/ingest";
import { BASE, call, ok, tenant, visitor } from "../helpers";
import addressFixture from "../fixtures/whatsapp/address_reply.json?raw";
import buttonFixture from "../fixtures/whatsapp/button.json?raw";
import contactsFixture from "../fixtures/whatsapp/contacts.json?raw";
import imageFixture from "../fixtures/whatsapp/image.json?raw";
import listReplyFixture from "../fixtures/whatsapp/interactive_list_reply.json?raw";
import locationFixture from "../fixtures/whatsapp/location.json?raw";
import orderFixture from "../fixtures/whatsapp/order.json?raw";
import stickerFixture from "../fixtures/whatsapp/sticker.json?raw";
import systemFixture from "../fixtures/whatsapp/system.json?raw";
import textFixture from "../fixtures/whatsapp/text.json?raw";
import productFixture from "../fixtures/whatsapp/text_referred_product.json?raw";
import editFixture from "../fixtures/whatsapp/unsupported_edit.json?raw";
import { signWhatsapp } from "../signers/whatsapp";

const TOKEN = "EAAwa-secret-access-token";
const CONFIG = { app_secret: "wa-app-secret", verify_token: "edgedesk-verify", access_token: TOKEN, phone_number_id: "106540352242922", api_base: "https://graph.stub/v21.0" };
const THREAD = "106540352242922:16505551234";

type Message = { parts: Record<string, unknown>[]; sender: { kind: string }; sent_at?: number; metadata: Record<string, unknown> };

async function whatsappTenant() {
  const t = await tenant();
  await ok(call("/v1/channels/whatsapp", { method: "PUT", auth: t.key, json: { config: CONFIG } }));
  const conversation = await threadConversationId(t.id, "whatsapp", THREAD);
  const post = (body: string) => call(`/webhooks/${t.id}/whatsapp`, { method: "POST", body, headers: signWhatsapp(body, CONFIG, `${BASE}/webhooks/${t.id}/whatsapp`, Date.now()) });
  const messages = async () => (await ok<{ data: Message[] }>(call(`/v1/conversations/${conversation}/messages`, { auth: t.key }))).data;
  return { t, post, messages, conversation };
}

/** Meta's examples reuse a few wamids; a test that stores several gives each its own, as real traffic would. */
function withId(fixture: string, id: string): string {
  const doc = JSON.parse(fixture);
  doc.entry[0].changes[0].value.messages[0].id = id;
  return JSON.stringify(doc);
}

afterEach(() => vi.restoreAllMocks());

describe("whatsapp webhook end to end", () => {
  it("stores each documented message type as its typed parts, with Meta's timestamp as sent_at", async () => {
    const { post, messages } = await whatsappTenant();
    const cases: [string, unknown[]][] = [
      [textFixture, [{ type: "text", text: "Does it come in another color?" }]],
      [productFixture, [{ type: "text", text: "Is this still available?" }, { type: "product", product_id: "di9ozbzfi4", catalog_id: "194836987003835" }]],
      [locationFixture, [{ type: "location", latitude: 37.44221496582, longitude: -122.16165924072, name: "Philz Coffee", address: "101 Forest Ave, Palo Alto, CA 94301", url: "https://philzcoffee.com/" }]],
      [contactsFixture, [{ type: "contact", name: "Barbara J. Johnson", organization: "Social Tsunami", phones: [{ number: "+1 (415) 555-0829", label: "MOBILE" }], user_id: "14125550829" }]],
      [buttonFixture, [{ type: "choice", value: "Unsubscribe", label: "Unsubscribe" }]],
      [editFixture, [{ type: "unsupported", provider_type: "edit", description: "131051: Message type unknown: Message type is currently not supported." }]],
    ];
    for (const [i, [fixture]] of cases.entries()) expect((await post(withId(fixture, `wamid.case${i}`))).status).toBe(200);
    const stored = await messages();
    expect(stored.map((m) => m.parts)).toEqual(cases.map(([, parts]) => parts));
    expect(stored.every((m) => m.sender.kind === "customer")).toBe(true);
    expect(stored[0]).toMatchObject({ sent_at: 1_749_416_383_000 });
  });

  it("contacts, orders, lists and Flows answers are kept whole, not as placeholder text", async () => {
    const { post, messages } = await whatsappTenant();
    for (const [i, fixture] of [contactsFixture, orderFixture, listReplyFixture, addressFixture].entries()) expect((await post(withId(fixture, `wamid.whole${i}`))).status).toBe(200);
    const parts = (await messages()).flatMap((m) => m.parts);
    expect(parts.map((p) => p.type).sort()).toEqual(["choice", "contact", "form", "product", "product", "text"]);
    expect(JSON.stringify(parts)).not.toMatch(/\((contacts|order|interactive) message\)/);
    expect(parts.find((p) => p.type === "form")).toMatchObject({ name: "address_message", fields: { "values.city": "Mumbai", saved_address_id: "address1" } });
  });

  it("a changed number is a system event in the conversation, not the customer's message", async () => {
    const { post, messages } = await whatsappTenant();
    expect((await post(systemFixture)).status).toBe(200);
    const [event] = await messages();
    expect(event).toMatchObject({ sender: { kind: "system" }, parts: [{ type: "unsupported", provider_type: "system:user_changed_number" }] });
  });

  it("a delivery for another phone number id is refused with 403 and stores nothing", async () => {
    const { post, conversation, t } = await whatsappTenant();
    const foreign = textFixture.replace('"phone_number_id": "106540352242922"', '"phone_number_id": "999999999999999"');
    const res = await post(foreign);
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await call(`/v1/conversations/${conversation}/messages`, { auth: t.key })).status).toBe(404);
    const elsewhere = await threadConversationId(t.id, "whatsapp", "999999999999999:16505551234");
    expect((await call(`/v1/conversations/${elsewhere}/messages`, { auth: t.key })).status).toBe(404);
  });

  it("a delivery signed only with the legacy SHA-1 header is refused with 401", async () => {
    const { t, conversation } = await whatsappTenant();
    const { createHmac } = await import("node:crypto");
    const res = await call(`/webhooks/${t.id}/whatsapp`, {
      method: "POST",
      body: textFixture,
      headers: { "content-type": "application/json", "x-hub-signature": `sha1=${createHmac("sha1", CONFIG.app_secret).update(textFixture).digest("hex")}` },
    });
    expect(res.status).toBe(401);
    expect((await call(`/v1/conversations/${conversation}/messages`, { auth: t.key })).status).toBe(404);
  });
});

const IMAGE = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
type Seen = { url: string; authorization: string | null };

/** Stubs Graph: the media lookup answers `lookup`, the download answers `download`; every request is recorded. */
function stubGraph(opts: { lookup?: () => Response; download?: () => Response; fail?: boolean } = {}) {
  const seen: Seen[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    seen.push({ url: req.url, authorization: req.headers.get("authorization") });
    if (opts.fail) throw new TypeError(`connect failed: ${req.url}`);
    if (req.url.startsWith("https://graph.stub/")) {
      return opts.lookup?.() ?? Response.json({ messaging_product: "whatsapp", url: "https://lookaside.stub/whatsapp_business/attachments/?mid=133", mime_type: "image/jpeg", sha256: "x", file_size: IMAGE.byteLength, id: "1003383421387256" });
    }
    if (req.url.startsWith("https://lookaside.stub/")) return opts.download?.() ?? new Response(IMAGE, { headers: { "content-type": "image/jpeg", "content-length": String(IMAGE.byteLength) } });
    return new Response("unexpected", { status: 500 });
  });
  return seen;
}

describe("whatsapp media proxy", () => {
  it("an image is stored at the proxy URL, and the proxy resolves and streams it with the tenant's token", async () => {
    const { t, post, messages } = await whatsappTenant();
    expect((await post(imageFixture)).status).toBe(200);
    expect((await post(withId(stickerFixture, "wamid.sticker"))).status).toBe(200);
    const stored = await messages();
    expect(stored.map((m) => m.parts[0])).toEqual([
      { type: "image", url: `${BASE}/v1/media/whatsapp/1003383421387256`, mime_type: "image/jpeg", caption: "Taj Mahal" },
      { type: "image", url: `${BASE}/v1/media/whatsapp/1908647269898587`, mime_type: "image/webp" },
    ]);
    expect(JSON.stringify(stored)).not.toContain(TOKEN);

    const seen = stubGraph();
    const res = await call(new URL(stored[0]!.parts[0]!.url as string).pathname, { auth: t.agentToken });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(res.headers.get("cache-control")).toMatch(/^private\b/);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(IMAGE);
    expect(seen).toEqual([
      { url: "https://graph.stub/v21.0/1003383421387256?phone_number_id=106540352242922", authorization: `Bearer ${TOKEN}` },
      { url: "https://lookaside.stub/whatsapp_business/attachments/?mid=133", authorization: `Bearer ${TOKEN}` },
    ]);
  });

  it("takes API keys and agent tokens; refuses visitors and anonymous callers; 404 without WhatsApp, before any call to Meta", async () => {
    const { t } = await whatsappTenant();
    const v = await visitor(t.id);
    const other = await tenant();
    const seen = stubGraph();
    expect((await call("/v1/media/whatsapp/1", { auth: t.key })).status).toBe(200);
    expect((await call("/v1/media/whatsapp/1", { auth: t.agentToken })).status).toBe(200);
    expect(seen).toHaveLength(4);
    // A widget visitor is never a WhatsApp customer: they have no business with the tenant's WhatsApp media.
    expect((await call("/v1/media/whatsapp/1", { auth: v.token })).status).toBe(403);
    expect((await call("/v1/media/whatsapp/1")).status).toBe(401);
    const unconfigured = await call("/v1/media/whatsapp/1", { auth: other.agentToken });
    expect(unconfigured.status).toBe(404);
    expect(unconfigured.headers.get("content-type")).toContain("application/problem+json");
    expect(seen).toHaveLength(4);
  });

  it("Meta's failures are 502 problems that never reveal the token", async () => {
    const { t } = await whatsappTenant();
    const cases = [
      { lookup: () => Response.json({ error: { message: "Unsupported get request. Object with ID '1' does not exist", code: 100 } }, { status: 400 }) },
      { lookup: () => new Response("<html>bad gateway</html>", { status: 502 }) },
      { lookup: () => Response.json({ id: "1" }) },
      { lookup: () => Response.json({ url: "file:///etc/passwd" }) },
      { download: () => new Response("Not Found", { status: 404 }) },
      { fail: true },
    ];
    for (const stub of cases) {
      stubGraph(stub);
      const res = await call("/v1/media/whatsapp/1", { auth: t.agentToken });
      const body = await res.text();
      expect(res.status, body).toBe(502);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(body).not.toContain(TOKEN);
      vi.restoreAllMocks();
    }
  });
});
