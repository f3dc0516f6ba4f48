/// <reference types="vite/client" />
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContentPart } from "../../shared/message";
import type { OutboundReply } from "../../workers/channels/adapter";
import { whatsappAdapter as adapter, WhatsappConfig } from "../../workers/channels/whatsapp";
import errorsFixture from "../fixtures/whatsapp/errors.json?raw";
import listReplyFixture from "../fixtures/whatsapp/interactive_list_reply.json?raw";
import deliveredFixture from "../fixtures/whatsapp/status_delivered.json?raw";
import textFixture from "../fixtures/whatsapp/text.json?raw";
import { signWhatsapp } from "../signers/whatsapp";
import { parseNeverCrashes } from "./never-crashes";
import { statusOf, webhookRequests } from "./support";

const config = WhatsappConfig.parse({
  app_secret: "6fd4a3c2e1b0f9e8d7c6b5a4",
  verify_token: "edgedesk-verify",
  access_token: "EAAtoken",
  phone_number_id: "106540352242922",
  api_base: "https://graph.test/v21.0",
});
const HOOK = "https://edge.test/webhooks/whatsapp/ten_1";
const NOW = 1_750_000_000_000;
const FIXTURES = [textFixture, listReplyFixture, deliveredFixture, errorsFixture];

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

  it("interactive list reply: the row title as text, the row id as payload", async () => {
    expect(await parse(listReplyFixture)).toEqual({
      items: [
        {
          kind: "message",
          externalThreadId: "106540352242922:16505551234",
          providerMessageId: "wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTZDMzFGRUFBQjlDMzIzMzlEQwA=",
          contact: { externalId: "16505551234", name: "Pablo Morales", phone: "+16505551234" },
          parts: [{ type: "text", text: "Priority Mail Express" }],
          metadata: { payload: "priority_express", reply_to: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIwMjg0RkMxOEMyMkNEQUFFRDgA" },
          occurredAt: 1_712_595_443_000,
        },
      ],
    });
  });

  it("delivered status", async () => {
    expect(await parse(deliveredFixture)).toEqual({
      items: [
        {
          kind: "status",
          providerMessageId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA",
          status: "delivered",
          externalThreadId: "106540352242922:16505551234",
          occurredAt: 1_750_263_773_000,
        },
      ],
    });
  });

  it("an account-level error names no message and yields nothing", async () => {
    expect(await parse(errorsFixture)).toEqual({ items: [] });
  });
});

describe("whatsapp other payloads", () => {
  const one = async (message: Record<string, unknown>) => {
    const { items } = await parse(wrap({ messages: [{ from: "16505551234", id: "wamid.X", timestamp: "1749416383", ...message }] }));
    return items[0];
  };

  it("media become parts at the Graph media URL, with the id in metadata", async () => {
    expect(await one({ type: "image", image: { caption: "This is a caption", mime_type: "image/jpeg", sha256: "81d3", id: "2754859441498128" } })).toMatchObject({
      parts: [{ type: "image", url: "https://graph.test/v21.0/2754859441498128", mime_type: "image/jpeg", caption: "This is a caption" }],
      metadata: { media: [{ id: "2754859441498128", mime_type: "image/jpeg" }] },
    });
    expect(await one({ type: "document", document: { filename: "receipt.pdf", mime_type: "application/pdf", id: "9", caption: "my receipt" } })).toMatchObject({
      parts: [
        { type: "file", url: "https://graph.test/v21.0/9", name: "receipt.pdf", mime_type: "application/pdf" },
        { type: "text", text: "my receipt" },
      ],
    });
    expect(await one({ type: "audio", audio: { mime_type: "audio/ogg; codecs=opus", id: "7", voice: true } })).toMatchObject({
      parts: [{ type: "audio", url: "https://graph.test/v21.0/7" }],
      metadata: { media: [{ id: "7", voice: true }] },
    });
  });

  it("location, reply button, template button and unknown types", async () => {
    expect(await one({ type: "location", location: { latitude: 37.4, longitude: -122.1, name: "Philz Coffee" } })).toMatchObject({
      parts: [{ type: "location", latitude: 37.4, longitude: -122.1, name: "Philz Coffee" }],
    });
    expect(await one({ type: "interactive", interactive: { type: "button_reply", button_reply: { id: "cancel-button", title: "Cancel" } } })).toMatchObject({
      parts: [{ type: "text", text: "Cancel" }],
      metadata: { payload: "cancel-button" },
    });
    expect(await one({ type: "button", button: { text: "Yes", payload: "YES_PAYLOAD" } })).toMatchObject({ parts: [{ type: "text", text: "Yes" }], metadata: { payload: "YES_PAYLOAD" } });
    expect(await one({ type: "contacts", contacts: [] })).toMatchObject({ parts: [{ type: "text", text: "(contacts message)" }], metadata: { unsupported: "contacts" } });
    expect(await one({ type: "reaction", reaction: { message_id: "wamid.Y", emoji: "👍" } })).toBeUndefined();
  });

  it("a failed status carries the error as its reason; unknown states are skipped", async () => {
    const { items } = await parse(
      wrap({
        statuses: [
          { id: "wamid.F", status: "failed", timestamp: "1751142889", recipient_id: "16505551234", errors: [{ code: 131049, title: "This message was not delivered to maintain healthy ecosystem engagement." }] },
          { id: "wamid.D", status: "deleted", timestamp: "1751142890", recipient_id: "16505551234" },
        ],
      }),
    );
    expect(items).toEqual([
      {
        kind: "status",
        providerMessageId: "wamid.F",
        status: "failed",
        reason: "131049: This message was not delivered to maintain healthy ecosystem engagement.",
        externalThreadId: "106540352242922:16505551234",
        occurredAt: 1_751_142_889_000,
      },
    ]);
  });

  it("other webhook fields (template reviews …) are acknowledged with no items", async () => {
    const body = JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: "1", changes: [{ field: "message_template_status_update", value: { event: "APPROVED" } }] }] });
    expect(await parse(body)).toEqual({ items: [] });
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
