/// <reference types="vite/client" />
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ContentPart } from "../../shared/message";
import type { OutboundReply } from "../../workers/channels/adapter";
import { whatsappAdapter as adapter, WhatsappConfig } from "../../workers/channels/whatsapp";
import { flowFields } from "../../workers/channels/whatsapp-form";
import addressFixture from "../fixtures/whatsapp/address_reply.json?raw";
import buttonFixture from "../fixtures/whatsapp/button.json?raw";
import contactsFixture from "../fixtures/whatsapp/contacts.json?raw";
import errorsFixture from "../fixtures/whatsapp/errors.json?raw";
import flowFixture from "../fixtures/whatsapp/flow_reply.json?raw";
import imageFixture from "../fixtures/whatsapp/image.json?raw";
import buttonReplyFixture from "../fixtures/whatsapp/interactive_button_reply.json?raw";
import listReplyFixture from "../fixtures/whatsapp/interactive_list_reply.json?raw";
import locationFixture from "../fixtures/whatsapp/location.json?raw";
import orderFixture from "../fixtures/whatsapp/order.json?raw";
import reactionFixture from "../fixtures/whatsapp/reaction.json?raw";
import reactionRemovedFixture from "../fixtures/whatsapp/reaction_removed.json?raw";
import welcomeFixture from "../fixtures/whatsapp/request_welcome.json?raw";
import deliveredFixture from "../fixtures/whatsapp/status_delivered.json?raw";
import failedFixture from "../fixtures/whatsapp/status_failed.json?raw";
import sentFixture from "../fixtures/whatsapp/status_sent.json?raw";
import stickerFixture from "../fixtures/whatsapp/sticker.json?raw";
import systemFixture from "../fixtures/whatsapp/system.json?raw";
import textFixture from "../fixtures/whatsapp/text.json?raw";
import productFixture from "../fixtures/whatsapp/text_referred_product.json?raw";
import editFixture from "../fixtures/whatsapp/unsupported_edit.json?raw";
import { signWhatsapp } from "../signers/whatsapp";
import { parseNeverCrashes } from "./never-crashes";
import { rejects, statusOf, webhookRequests } from "./support";

const config = WhatsappConfig.parse({
  app_secret: "6fd4a3c2e1b0f9e8d7c6b5a4",
  verify_token: "edgedesk-verify",
  access_token: "EAAtoken",
  phone_number_id: "106540352242922",
  api_base: "https://graph.test/v21.0",
});
const HOOK = "https://edge.test/webhooks/whatsapp/ten_1";
const NOW = 1_750_000_000_000;
const FIXTURES = [
  textFixture,
  listReplyFixture,
  deliveredFixture,
  errorsFixture,
  addressFixture,
  buttonFixture,
  contactsFixture,
  flowFixture,
  imageFixture,
  buttonReplyFixture,
  locationFixture,
  orderFixture,
  reactionFixture,
  reactionRemovedFixture,
  welcomeFixture,
  failedFixture,
  sentFixture,
  stickerFixture,
  systemFixture,
  productFixture,
  editFixture,
];
const MEDIA = "https://edge.test/v1/media/whatsapp";
const SHEENA = { externalId: "16505551234", name: "Sheena Nelson", phone: "+16505551234" };
const THREAD = "106540352242922:16505551234";

const req = webhookRequests(signWhatsapp, config, HOOK, NOW);

function wrap(value: Record<string, unknown>): string {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: [{ id: "102290129340398", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { phone_number_id: "106540352242922" }, ...value } }] }],
  });
}

const parse = (body: string) => adapter.parse(req(body), config);
const reply = (parts: ContentPart[]): OutboundReply => ({ messageId: "msg_1", externalThreadId: "106540352242922:16505551234", parts, metadata: {} });

describe("whatsapp handshake", () => {
  const get = (query: string) => req("", {}, "GET", `${HOOK}?${query}`);

  it("echoes hub.challenge as text/plain when the verify token matches", async () => {
    expect(await adapter.handshake!(get("hub.mode=subscribe&hub.verify_token=edgedesk-verify&hub.challenge=1158201444"), config, NOW)).toEqual({
      status: 200,
      contentType: "text/plain",
      body: "1158201444",
    });
  });

  it("refuses a wrong verify token with 403", async () => {
    expect(await statusOf(adapter.handshake!(get("hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1"), config, NOW))).toBe(403);
  });

  it("is no handshake without hub.mode, or on POST", async () => {
    expect(await adapter.handshake!(get("foo=bar"), config, NOW)).toBeNull();
    expect(await adapter.handshake!(req(textFixture), config, NOW)).toBeNull();
  });
});

describe("whatsapp signature", () => {
  it("accepts X-Hub-Signature-256 computed independently (node:crypto) over the documented bytes", async () => {
    for (const body of FIXTURES) {
      const header = `sha256=${createHmac("sha256", config.app_secret).update(body).digest("hex")}`;
      expect(await statusOf(adapter.verify(req(body, { "x-hub-signature-256": header }), config, NOW))).toBe("ok");
    }
  });

  it("rejects a missing header, a tampered body and another app's secret with 401", async () => {
    const signed = signWhatsapp(textFixture, config, HOOK, NOW);
    expect(await statusOf(adapter.verify(req(textFixture, {}), config, NOW))).toBe(401);
    expect(await statusOf(adapter.verify(req(textFixture.replace("color", "colour"), signed), config, NOW))).toBe(401);
    const other = signWhatsapp(textFixture, { app_secret: "another-app" }, HOOK, NOW);
    expect(await statusOf(adapter.verify(req(textFixture, other), config, NOW))).toBe(401);
    expect(await statusOf(adapter.verify(req(textFixture, { "x-hub-signature-256": "sha1=abc" }), config, NOW))).toBe(401);
  });

  it("the legacy SHA-1 X-Hub-Signature is never consulted: ignored beside SHA-256, refused on its own", async () => {
    const sha1 = `sha1=${createHmac("sha1", config.app_secret).update(textFixture).digest("hex")}`;
    const signed = signWhatsapp(textFixture, config, HOOK, NOW);
    expect(await statusOf(adapter.verify(req(textFixture, { ...signed, "x-hub-signature": "sha1=wrong" }), config, NOW))).toBe("ok");
    await rejects(adapter.verify(req(textFixture, { "x-hub-signature": sha1 }), config, NOW), 401, "only the legacy SHA-1 X-Hub-Signature was sent; X-Hub-Signature-256 is required");
  });
});

describe("whatsapp documented payloads", () => {
  it("text message", async () => {
    expect(await parse(textFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "106540352242922:16505551234",
          providerMessageId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
          contact: { externalId: "16505551234", name: "Sheena Nelson", phone: "+16505551234" },
          parts: [{ type: "text", text: "Does it come in another color?" }],
          metadata: {},
          occurredAt: 1_749_416_383_000,
        },
      ],
    });
  });

  it("interactive list reply: a choice, the row id its value, title and description its label", async () => {
    expect(await parse(listReplyFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: THREAD,
          providerMessageId: "wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTZDMzFGRUFBQjlDMzIzMzlEQwA=",
          contact: { externalId: "16505551234", name: "Pablo Morales", phone: "+16505551234" },
          parts: [{ type: "choice", value: "priority_express", label: "Priority Mail Express — Next Day to 2 Days" }],
          metadata: { reply_to: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIwMjg0RkMxOEMyMkNEQUFFRDgA" },
          occurredAt: 1_712_595_443_000,
        },
      ],
    });
  });

  it("interactive reply button and template quick-reply button: choices", async () => {
    expect((await parse(buttonReplyFixture)).items).toMatchObject([{ parts: [{ type: "choice", value: "change-button", label: "Change" }], metadata: { reply_to: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBJBM0Y4RUU0RUNFQkFDMjYzQUMA" } }]);
    expect((await parse(buttonFixture)).items).toEqual([
      {
        kind: "message",
        externalThreadId: THREAD,
        providerMessageId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
        contact: SHEENA,
        parts: [{ type: "choice", value: "Unsubscribe", label: "Unsubscribe" }],
        metadata: { reply_to: "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=" },
        occurredAt: 1_750_091_045_000,
      },
    ]);
  });

  it("text sent with Message business on a product: the text and the product, the product message as reply_to", async () => {
    expect((await parse(productFixture)).items).toEqual([
      {
        kind: "message",
        externalThreadId: THREAD,
        providerMessageId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTA2NTUwRkNEMDdFQjJCRUU0NQA=",
        contact: SHEENA,
        parts: [
          { type: "text", text: "Is this still available?" },
          { type: "product", product_id: "di9ozbzfi4", catalog_id: "194836987003835" },
        ],
        metadata: { reply_to: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA" },
        occurredAt: 1_750_016_800_000,
      },
    ]);
  });

  it("location keeps its name, address and url", async () => {
    expect((await parse(locationFixture)).items[0]).toMatchObject({
      parts: [{ type: "location", latitude: 37.44221496582, longitude: -122.16165924072, name: "Philz Coffee", address: "101 Forest Ave, Palo Alto, CA 94301", url: "https://philzcoffee.com/" }],
    });
  });

  it("a shared contact card becomes a contact part, its WhatsApp id the user_id", async () => {
    expect((await parse(contactsFixture)).items[0]).toMatchObject({
      kind: "message",
      parts: [{ type: "contact", name: "Barbara J. Johnson", organization: "Social Tsunami", phones: [{ number: "+1 (415) 555-0829", label: "MOBILE" }], user_id: "14125550829" }],
      metadata: {},
    });
  });

  it("image and sticker: typed parts at the gateway's media proxy, never the Graph URL", async () => {
    const [image] = (await parse(imageFixture)).items;
    expect(image).toMatchObject({
      parts: [{ type: "image", url: `${MEDIA}/1003383421387256`, mime_type: "image/jpeg", caption: "Taj Mahal" }],
      metadata: { media: [{ id: "1003383421387256", mime_type: "image/jpeg", sha256: "SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=" }] },
    });
    expect(JSON.stringify(image)).not.toContain("lookaside.fbsbx.com");
    expect((await parse(stickerFixture)).items[0]).toMatchObject({
      parts: [{ type: "image", url: `${MEDIA}/1908647269898587`, mime_type: "image/webp" }],
      metadata: { media: [{ id: "1908647269898587", animated: true }] },
    });
  });

  it("an order: the note, then one product per item with quantity and price", async () => {
    expect((await parse(orderFixture)).items[0]).toMatchObject({
      parts: [
        { type: "text", text: "Love these!" },
        { type: "product", product_id: "di9ozbzfi4", catalog_id: "194836987003835", title: "di9ozbzfi4 × 2 (30 USD each)" },
        { type: "product", product_id: "nqryix03ez", catalog_id: "194836987003835", title: "nqryix03ez × 1 (25 USD each)" },
      ],
      metadata: {
        order: {
          catalog_id: "194836987003835",
          items: [
            { product_retailer_id: "di9ozbzfi4", quantity: 2, item_price: 30, currency: "USD" },
            { product_retailer_id: "nqryix03ez", quantity: 1, item_price: 25, currency: "USD" },
          ],
        },
      },
    });
  });

  it("a Flows answer: a form with the parsed response_json fields", async () => {
    expect((await parse(flowFixture)).items[0]).toMatchObject({
      parts: [{ type: "form", name: "flow", fields: { flow_token: "<FLOW_TOKEN>", optional_param1: "<value1>", optional_param2: "<value2>" } }],
      metadata: { reply_to: "gBGGEiRVVgBPAgm7FUgc73noXjo", form_body: "Sent" },
    });
    expect((await parse(addressFixture)).items[0]).toMatchObject({
      parts: [
        {
          type: "form",
          name: "address_message",
          fields: {
            saved_address_id: "address1",
            "values.in_pin_code": "400063",
            "values.building_name": "",
            "values.landmark_area": "Goregaon",
            "values.address": "Wing A, Cello Triumph, IB Patel Rd",
            "values.city": "Mumbai",
            "values.name": "CUSTOMER_NAME",
            "values.phone_number": "+91xxxxxxxxxx",
            "values.floor_number": "8",
          },
        },
      ],
    });
  });

  it("a reaction is a change of the message reacted to, one per person; an empty or missing emoji removes it", async () => {
    const change = (emoji: string | null) => ({
      kind: "change",
      externalThreadId: THREAD,
      providerMessageId: "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=",
      contact: SHEENA,
      change: { type: "reaction", emoji, replace: true },
      occurredAt: 1_749_419_544_000,
    });
    expect((await parse(reactionFixture)).items).toEqual([change("👍")]);
    expect((await parse(reactionRemovedFixture)).items).toEqual([change(null)]);
    expect((await parse(reactionFixture.replace("👍", ""))).items).toEqual([change(null)]);
  });

  it("a changed number and a first contact are events, with WhatsApp's own words, not customer messages", async () => {
    expect((await parse(systemFixture)).items).toEqual([
      {
        kind: "message",
        externalThreadId: THREAD,
        providerMessageId: "wamid.HBgLMTk4MzU1NTE5NzQVAgASGAoxMTgyMDg2MjY3AA==",
        contact: { externalId: "16505551234", phone: "+16505551234" },
        parts: [{ type: "unsupported", provider_type: "system:user_changed_number", description: "User Sheena Nelson changed from 16505551234 to 12195555358" }],
        metadata: { new_wa_id: "12195555358" },
        occurredAt: 1_750_269_342_000,
        event: true,
      },
    ]);
    expect((await parse(welcomeFixture)).items).toMatchObject([{ event: true, parts: [{ type: "unsupported", provider_type: "request_welcome" }] }]);
  });

  it("an edit, which Cloud API reports as unsupported, keeps its type and Meta's reason", async () => {
    expect((await parse(editFixture)).items).toMatchObject([
      { kind: "message", parts: [{ type: "unsupported", provider_type: "edit", description: "131051: Message type unknown: Message type is currently not supported." }] },
    ]);
  });

  it("statuses: the error as the reason; conversation and pricing are billing and not kept", async () => {
    expect((await parse(failedFixture)).items).toEqual([
      {
        kind: "status",
        providerMessageId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA",
        status: "failed",
        reason: "131049: This message was not delivered to maintain healthy ecosystem engagement.: In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
        externalThreadId: THREAD,
        occurredAt: 1_751_142_888_000,
      },
    ]);
    expect((await parse(sentFixture)).items).toEqual([
      { kind: "status", providerMessageId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=", status: "sent", externalThreadId: THREAD, occurredAt: 1_750_030_073_000 },
    ]);
  });
});

describe("whatsapp recipient check", () => {
  it("a delivery for another phone number id is refused with 403, whatever it carries", async () => {
    for (const fixture of [textFixture, deliveredFixture, reactionFixture]) {
      const other = fixture.replace('"phone_number_id": "106540352242922"', '"phone_number_id": "999999999999999"');
      expect(other).not.toBe(fixture);
      await rejects(parse(other), 403);
    }
  });

  it("one change for another number refuses the whole delivery", async () => {
    const doc = JSON.parse(textFixture);
    const foreign = structuredClone(doc.entry[0].changes[0]);
    foreign.value.metadata.phone_number_id = "999999999999999";
    doc.entry[0].changes.push(foreign);
    await rejects(parse(JSON.stringify(doc)), 403);
  });
});

describe("whatsapp other payloads", () => {
  const one = async (message: Record<string, unknown>) => {
    const { items } = await parse(wrap({ messages: [{ from: "16505551234", id: "wamid.X", timestamp: "1749416383", ...message }] }));
    return items[0];
  };

  it("documents, audio and video: typed parts at the media proxy; a caption beside them as text", async () => {
    expect(await one({ type: "document", document: { filename: "receipt.pdf", mime_type: "application/pdf", id: "9", caption: "my receipt" } })).toMatchObject({
      parts: [
        { type: "file", url: `${MEDIA}/9`, name: "receipt.pdf", mime_type: "application/pdf" },
        { type: "text", text: "my receipt" },
      ],
    });
    expect(await one({ type: "audio", audio: { mime_type: "audio/ogg; codecs=opus", id: "7", voice: true } })).toMatchObject({
      parts: [{ type: "audio", url: `${MEDIA}/7`, mime_type: "audio/ogg; codecs=opus" }],
      metadata: { media: [{ id: "7", voice: true }] },
    });
    expect(await one({ type: "video", video: { mime_type: "video/mp4", id: "a/b?c", caption: "look" } })).toMatchObject({
      parts: [{ type: "video", url: `${MEDIA}/a%2Fb%3Fc` }, { type: "text", text: "look" }],
    });
  });

  it("forwarded messages and ad referrals are marked in metadata", async () => {
    expect(await one({ type: "text", text: { body: "hi" }, context: { forwarded: true } })).toMatchObject({ metadata: { forwarded: true } });
    expect(await one({ type: "text", text: { body: "hi" }, context: { frequently_forwarded: true } })).toMatchObject({ metadata: { forwarded: "frequently" } });
    expect(await one({ type: "text", text: { body: "hi" }, referral: { source_url: "https://fb.me/3cr4Wqqkv", source_id: "120226305854810726", source_type: "ad", ctwa_clid: "Aff" } })).toMatchObject({
      metadata: { referral: { source_url: "https://fb.me/3cr4Wqqkv", source_id: "120226305854810726", source_type: "ad", ctwa_clid: "Aff" } },
    });
  });

  it("a Flows answer that is not JSON is kept whole and says so", async () => {
    expect(await one({ type: "interactive", interactive: { type: "nfm_reply", nfm_reply: { name: "flow", body: "Sent", response_json: "{broken" } } })).toMatchObject({
      parts: [{ type: "form", name: "flow", fields: { response_json: "{broken" } }],
      metadata: { form_note: "response_json is not valid JSON; kept as sent" },
    });
  });

  it("types without a part of their own keep their type: unknown interactive replies, polls, future types", async () => {
    expect(await one({ type: "interactive", interactive: { type: "call_permission_reply" } })).toMatchObject({ parts: [{ type: "unsupported", provider_type: "interactive:call_permission_reply" }] });
    expect(await one({ type: "unsupported", unsupported: { type: "poll" } })).toMatchObject({ parts: [{ type: "unsupported", provider_type: "poll" }] });
    expect(await one({ type: "unknown", errors: [{ code: 131051, title: "Message type unknown" }] })).toMatchObject({ parts: [{ type: "unsupported", provider_type: "unknown", description: "131051: Message type unknown" }] });
    expect(await one({ type: "hologram" })).toMatchObject({ parts: [{ type: "unsupported", provider_type: "hologram" }] });
  });

  it("more contacts or order lines than a message holds: the first twenty, and how many were left out", async () => {
    const contacts = Array.from({ length: 22 }, (_, i) => ({ name: { formatted_name: `C${i}` } }));
    const c = await one({ type: "contacts", contacts });
    expect(c).toMatchObject({ metadata: { contacts_omitted: 2 } });
    expect(c!.kind === "message" && c!.parts).toHaveLength(20);
    const product_items = Array.from({ length: 25 }, (_, i) => ({ product_retailer_id: `p${i}`, quantity: 1 }));
    const o = await one({ type: "order", order: { catalog_id: "1", product_items } });
    expect(o).toMatchObject({ metadata: { products_omitted: 5 } });
  });

  it("what a contact part has no field for stays beside it, card by card", async () => {
    const contacts = [
      { name: { first_name: "Barbara", last_name: "Johnson" }, emails: [{ email: "b@example.com", type: "WORK" }], addresses: [{ city: "Menlo Park", country_code: "US" }], urls: [{ url: "https://www.facebook.com", type: "WORK" }], birthday: "1999-01-23" },
      { urls: [] },
      { phones: [{ wa_id: "14125550829" }] },
    ];
    expect(await one({ type: "contacts", contacts })).toMatchObject({
      parts: [
        { type: "contact", name: "Barbara Johnson", emails: [{ address: "b@example.com", label: "WORK" }] },
        { type: "contact", name: "14125550829", phones: [{ number: "14125550829" }], user_id: "14125550829" },
      ],
      metadata: { contact_details: [{ addresses: [{ city: "Menlo Park", country_code: "US" }], urls: ["https://www.facebook.com"], birthday: "1999-01-23" }, null] },
    });
  });

  it("a contact card with nothing to name it by is said to be so, not dropped", async () => {
    expect(await one({ type: "contacts", contacts: [{ urls: [{ url: "https://x.test" }] }] })).toMatchObject({ parts: [{ type: "unsupported", provider_type: "contacts" }] });
  });

  it("unknown status states are skipped", async () => {
    const { items } = await parse(wrap({ statuses: [{ id: "wamid.D", status: "deleted", timestamp: "1751142890", recipient_id: "16505551234" }] }));
    expect(items).toEqual([]);
  });

  it("other webhook fields (template reviews …) are acknowledged with no items", async () => {
    const body = JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: "1", changes: [{ field: "message_template_status_update", value: { event: "APPROVED" } }] }] });
    expect(await parse(body)).toEqual({ items: [] });
  });
});

describe("whatsapp Flows fields", () => {
  it("any JSON becomes fields a form part accepts", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const { fields } = flowFields(JSON.stringify(v));
        expect(ContentPart.safeParse({ type: "form", fields }).success).toBe(true);
      }),
    );
  });

  it("nesting beyond four levels is kept as JSON; a prototype key never becomes a field", () => {
    expect(flowFields(JSON.stringify({ a: { b: { c: { d: { e: 1 } } } } })).fields).toEqual({ "a.b.c.d": '{"e":1}' });
    const r = flowFields('{"__proto__": {"x": 1}, "ok": true}');
    expect(r.fields).toEqual({ ok: true });
    expect(Object.getPrototypeOf(r.fields)).toBe(Object.prototype);
    expect(r.note).toMatch(/shortened/);
  });

  it("bounded: at most fifty fields, and says when it cut", () => {
    const big = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`f${i}`, "x".repeat(10)]));
    const r = flowFields(JSON.stringify(big));
    expect(Object.keys(r.fields)).toHaveLength(50);
    expect(r.note).toMatch(/shortened/);
    expect(flowFields('["a","b"]').fields).toEqual({ response: ["a", "b"] });
  });
});

describe("whatsapp malformed bodies", () => {
  it("not JSON → 400, wrong shape → 422", async () => {
    expect(await statusOf(parse("{not json"))).toBe(400);
    expect(await statusOf(adapter.parse(req(new Uint8Array([0xff, 0xfe, 0x7b])), config))).toBe(400);
    expect(await statusOf(parse(JSON.stringify({ object: "page", entry: [] })))).toBe(422);
    expect(await statusOf(parse(wrap({ messages: [{ from: "1", type: "text", text: { body: "no id" } }] })))).toBe(422);
    expect(await statusOf(parse(wrap({ messages: [{ from: "1", id: "w", type: "image" }] })))).toBe(422);
  });
});

describe("whatsapp send", () => {
  const bodies = async (parts: ContentPart[]) => (await adapter.send(reply(parts), config)).map((r) => JSON.parse(r.body));
  const envelope = { messaging_product: "whatsapp", recipient_type: "individual", to: "16505551234" };

  it("POSTs to /{phone_number_id}/messages with the bearer token", async () => {
    expect(await adapter.send(reply([{ type: "text", text: "Hi there" }]), config)).toEqual([
      {
        url: "https://graph.test/v21.0/106540352242922/messages",
        method: "POST",
        headers: { authorization: "Bearer EAAtoken", "content-type": "application/json" },
        body: JSON.stringify({ ...envelope, type: "text", text: { body: "Hi there" } }),
      },
    ]);
  });

  it("media by link, and location", async () => {
    expect(
      await bodies([
        { type: "image", url: "https://cdn.test/a.png", caption: "look" },
        { type: "file", url: "https://cdn.test/r.pdf", name: "r.pdf" },
        { type: "audio", url: "https://cdn.test/a.ogg" },
        { type: "video", url: "https://cdn.test/v.mp4" },
        { type: "location", latitude: 37.4, longitude: -122.1, name: "Philz Coffee", address: "101 Forest Ave" },
      ]),
    ).toEqual([
      { ...envelope, type: "image", image: { link: "https://cdn.test/a.png", caption: "look" } },
      { ...envelope, type: "document", document: { link: "https://cdn.test/r.pdf", filename: "r.pdf" } },
      { ...envelope, type: "audio", audio: { link: "https://cdn.test/a.ogg" } },
      { ...envelope, type: "video", video: { link: "https://cdn.test/v.mp4" } },
      { ...envelope, type: "location", location: { latitude: 37.4, longitude: -122.1, name: "Philz Coffee", address: "101 Forest Ave" } },
    ]);
  });

  it("up to three quick replies are reply buttons, prompted by the text before them", async () => {
    expect(
      await bodies([
        { type: "text", text: "Reschedule?" },
        { type: "quick_replies", options: [{ label: "Change", value: "change-button" }, { label: "Cancel", value: "cancel-button" }] },
      ]),
    ).toEqual([
      {
        ...envelope,
        type: "interactive",
        interactive: {
          type: "button",
          body: { text: "Reschedule?" },
          action: {
            buttons: [
              { type: "reply", reply: { id: "change-button", title: "Change" } },
              { type: "reply", reply: { id: "cancel-button", title: "Cancel" } },
            ],
          },
        },
      },
    ]);
  });

  it("contacts as a contacts message, catalogue products as product messages, the rest as their text", async () => {
    expect(
      await bodies([
        { type: "contact", name: "Barbara J. Johnson", phones: [{ number: "+14155550829", label: "MOBILE" }], emails: [{ address: "b@example.com" }], organization: "Social Tsunami" },
        { type: "product", product_id: "di9ozbzfi4", catalog_id: "194836987003835" },
        { type: "product", product_id: "di9ozbzfi4", title: "Succulent" },
        { type: "choice", value: "yes", label: "Yes please" },
      ]),
    ).toEqual([
      {
        ...envelope,
        type: "contacts",
        contacts: [{ name: { formatted_name: "Barbara J. Johnson" }, phones: [{ phone: "+14155550829", type: "MOBILE" }], emails: [{ email: "b@example.com" }], org: { company: "Social Tsunami" } }],
      },
      { ...envelope, type: "interactive", interactive: { type: "product", action: { catalog_id: "194836987003835", product_retailer_id: "di9ozbzfi4" } } },
      { ...envelope, type: "text", text: { body: "Succulent" } },
      { ...envelope, type: "text", text: { body: "Yes please" } },
    ]);
  });

  it("four to ten quick replies are a list; more cannot be sent", async () => {
    const options = (n: number) => Array.from({ length: n }, (_, i) => ({ label: `Option ${i}`, value: `opt_${i}` }));
    const [list] = await bodies([{ type: "quick_replies", text: "Which one?", options: options(4) }]);
    expect(list.interactive).toEqual({
      type: "list",
      body: { text: "Which one?" },
      action: { button: "Options", sections: [{ rows: options(4).map((o) => ({ id: o.value, title: o.label })) }] },
    });
    expect(await statusOf(adapter.send(reply([{ type: "quick_replies", text: "?", options: options(11) }]), config))).toBe(422);
  });
});

describe("whatsapp sendOutcome", () => {
  it("reads messages[0].id from the documented success answer", () => {
    const body = JSON.stringify({
      messaging_product: "whatsapp",
      contacts: [{ input: "+16505551234", wa_id: "16505551234" }],
      messages: [{ id: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA" }],
    });
    expect(adapter.sendOutcome(200, body)).toEqual({ ok: true, providerMessageId: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA" });
  });

  it("4xx is final unless Graph says the error is transient; 429 and 5xx are retried", () => {
    const graph = (code: number) => JSON.stringify({ error: { message: "x", type: "OAuthException", code, fbtrace_id: "A" } });
    expect(adapter.sendOutcome(400, graph(100))).toMatchObject({ ok: false, retryable: false });
    expect(adapter.sendOutcome(400, graph(131056))).toMatchObject({ ok: false, retryable: true });
    expect(adapter.sendOutcome(429, graph(130429))).toMatchObject({ ok: false, retryable: true });
    expect(adapter.sendOutcome(503, "<html>unavailable</html>")).toMatchObject({ ok: false, retryable: true });
  });
});

parseNeverCrashes({
  name: "whatsapp",
  adapter,
  config,
  request: (bytes) => req(bytes, {}),
  fixtures: FIXTURES,
  numRuns: 500,
});
