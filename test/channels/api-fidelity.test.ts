/// <reference types="vite/client" />
/**
 * The API channel through the real Worker entry: a sender's own event shape mapped by inbound_map, the send
 * time kept beside the receipt time, and provider statuses applied to replies only (S2).
 */
import { describe, expect, it } from "vitest";
import { threadConversationId } from "../../workers/channels/ingest";
import { call, ok, tenant } from "../helpers";
import { standardWebhookHeaders } from "../signers/api";
import messageText from "../fixtures/api/message-text.json?raw";
import senderEvents from "../fixtures/api/standard-webhooks-events.json?raw";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async function apiTenant(config: Record<string, unknown> = {}) {
  const t = await tenant();
  await ok(call("/v1/channels/api", { method: "PUT", auth: t.key, json: { config: { secret: SECRET, outbound_url: "https://hooks.integrator.stub/edgedesk", ...config } } }));
  const post = (body: string) => call(`/webhooks/${t.id}/api`, { method: "POST", body, headers: standardWebhookHeaders(SECRET, body, Date.now()) });
  const messages = async (thread: string) => (await ok(call(`/v1/conversations/${await threadConversationId(t.id, "api", thread)}/messages`, { auth: t.key }))).data as any[];
  return { ...t, post, messages };
}

describe("API channel end to end", () => {
  it("maps a Standard Webhooks sender's own events: the message event is stored with its send time, other events are acknowledged", async () => {
    const t = await apiTenant({
      inbound_map: { when: { pointer: "/type", equals: ["message.created"] }, thread_id: "/data/chat_id", message_id: "/data/id", text: "/data/body", contact_id: "/data/author/id", contact_name: "/data/author/display_name", sent_at: "/timestamp" },
    });
    const [message, contact] = (JSON.parse(senderEvents) as unknown[]).map((e) => JSON.stringify(e));
    expect((await t.post(message!)).status).toBe(200);
    expect((await t.post(contact!)).status).toBe(200);
    const [m, ...rest] = await t.messages("chat_481");
    expect(rest).toEqual([]);
    expect(m.parts).toEqual([{ type: "text", text: "Is my order 1234 shipped yet?" }]);
    expect(m.sender.name).toBe("Grace Hopper");
    expect(m.sent_at).toBe(Date.parse("2022-11-03T20:26:10.344Z"));
    expect(m.created_at).toBeGreaterThan(m.sent_at);
  });

  it("without a map, another shape is a 422 naming inbound_map, and nothing is stored", async () => {
    const t = await apiTenant();
    const [message] = JSON.parse(senderEvents) as unknown[];
    const res = await t.post(JSON.stringify(message));
    expect(res.status).toBe(422);
    expect((await res.json<{ detail: string }>()).detail).toMatch(/inbound_map/);
    expect((await call(`/v1/conversations/${await threadConversationId(t.id, "api", "chat_481")}/messages`, { auth: t.key })).status).toBe(404);
  });

  it("a status callback naming the customer's own message does not mark it (statuses are for replies)", async () => {
    const t = await apiTenant();
    expect((await t.post(messageText)).status).toBe(200);
    expect((await t.post(JSON.stringify({ status: { message_id: "msg_2mXb1Q9", status: "read" }, thread_id: "order-1234" }))).status).toBe(200);
    const [m] = await t.messages("order-1234");
    expect(m.direction).toBe("inbound");
    expect(m.delivery).toBeUndefined();
  });
});
