/// <reference types="vite/client" />
/** SMS through the real Worker entry: bodySHA256 JSON deliveries, and the recipient check storing nothing. */
import { describe, expect, it } from "vitest";
import { threadConversationId } from "../../workers/channels/ingest";
import { BASE, call, ok, tenant } from "../helpers";
import { twilioRequest } from "../signers/sms";
import { twilioJsonRequest } from "../signers/twilio";
import eventStreamsInbound from "../fixtures/sms/event-streams-inbound.json?raw";
import inboundText from "../fixtures/sms/inbound-text.txt?raw";

const AC = `AC${"a".repeat(32)}`;
const TOKEN = "sms-auth-token";

async function smsTenant(phone_numbers: string[]) {
  const t = await tenant();
  const put = await ok(call("/v1/channels/sms", { method: "PUT", auth: t.key, json: { config: { account_sid: AC, auth_token: TOKEN, phone_numbers } } }));
  const hook: string = put.webhook_url;
  const send = (r: { url: string; headers: Record<string, string>; body: string }) => call(r.url.slice(BASE.length), { method: "POST", headers: r.headers, body: r.body });
  const messages = async (thread: string) => call(`/v1/conversations/${await threadConversationId(t.id, "sms", thread)}/messages`, { auth: t.key });
  return { ...t, hook, send, messages };
}

describe("SMS webhook", () => {
  it("an Event Streams JSON delivery signed with bodySHA256 is stored with the provider's time, once with the form webhook's copy", async () => {
    const t = await smsTenant(["+12345678901"]);
    const json = twilioJsonRequest(TOKEN, t.hook, eventStreamsInbound);
    expect((await t.send(json)).status).toBe(200);
    const form = inboundText.replaceAll("SM11111111111111111111111111111111", "SM00000000000000000000000000000001").replace("To=%2B15017122661", "To=%2B12345678901").replace("From=%2B15558675310", "From=%2B11234567890");
    expect((await t.send(twilioRequest(TOKEN, t.hook, form))).status).toBe(200);
    const { data } = await ok<{ data: { sent_at?: number; created_at: number; sender: { kind: string }; parts: unknown[] }[] }>(t.messages("+12345678901:+11234567890"));
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ sender: { kind: "customer" }, parts: [{ type: "text", text: "Ahoy!" }], sent_at: Date.UTC(2025, 0, 1) });
  });

  it("a JSON delivery whose body was changed after signing is 401 and stores nothing", async () => {
    const t = await smsTenant(["+12345678901"]);
    const json = twilioJsonRequest(TOKEN, t.hook, eventStreamsInbound);
    const res = await t.send({ ...json, body: eventStreamsInbound.replace("Ahoy!", "Pay me") });
    expect(res.status).toBe(401);
    expect((await t.messages("+12345678901:+11234567890")).status).toBe(404);
  });

  it("a message to a number the channel does not list is 403 and stores nothing", async () => {
    const t = await smsTenant(["+15005550006"]);
    const res = await t.send(twilioRequest(TOKEN, t.hook, inboundText));
    expect(res.status, await res.clone().text()).toBe(403);
    expect((await t.messages("+15017122661:+15558675310")).status).toBe(404);
  });
});
