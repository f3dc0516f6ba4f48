/// <reference types="vite/client" />
/**
 * Messenger changes end to end, from Meta's documented payloads: a reaction and an edit change the message they
 * name, and a read watermark marks every reply sent up to it as read, through the real Worker entry and objects.
 */
import { describe, expect, it } from "vitest";
import { threadConversationId } from "../../workers/channels/ingest";
import { BASE, call, Client, ok, tenant } from "../helpers";
import messengerText from "../fixtures/messenger/text.json?raw";
import reaction from "../fixtures/messenger/reaction.json?raw";
import edit from "../fixtures/messenger/edit.json?raw";
import read from "../fixtures/messenger/read.json?raw";
import { signMessenger } from "../signers/messenger";

const PAGE = "682498302938465";
const MID = "mid.1457764197618:41d102a3e1ae206a38";
const CONFIG = { app_secret: "messenger-app-secret", verify_token: "edgedesk-verify", access_token: "EAAGpage", page_id: PAGE };

describe("messenger changes end to end", () => {
  it("reaction, edit and read watermark reach the stored messages and the agent's socket", async () => {
    const t = await tenant();
    await ok(call("/v1/channels/messenger", { method: "PUT", auth: t.key, json: { config: CONFIG } }));
    const post = async (fixture: string, patch: (s: string) => string = (s) => s) => {
      const body = patch(fixture.replaceAll("<PAGE_ID>", PAGE));
      const res = await call(`/webhooks/${t.id}/messenger`, { method: "POST", body, headers: signMessenger(body, CONFIG as never, `${BASE}/webhooks/${t.id}/messenger`, Date.now()) });
      expect(res.status, await res.clone().text()).toBe(200);
    };
    const conversation = await threadConversationId(t.id, "messenger", `${PAGE}:<PSID>`);
    const messages = async () => (await ok(call(`/v1/conversations/${conversation}/messages`, { auth: t.key }))).data as any[];

    await post(messengerText);
    const agent = await Client.open(conversation, t.agentToken);
    await agent.next("welcome");

    await post(reaction, (s) => s.replace("<MID_OF_ReactedTo_Message>", MID));
    expect((await agent.next("message_update")).message.reactions?.map((r) => r.emoji)).toEqual(["❤️"]);
    // Meta's examples share one timestamp, older than the text example's: the edit is dated after the message here.
    await post(edit, (s) => s.replace("<MESSAGE_ID>", MID).replace("<TEXT>", "hello, edited world!").replaceAll("1458668856463", "1458692800000"));
    const edited = await agent.next("message_update", (f) => f.message.edited_at !== undefined);
    expect(edited.message.parts).toContainEqual({ type: "text", text: "hello, edited world!" });
    expect(edited.message.edits?.[0]?.parts).toContainEqual({ type: "text", text: "hello, world!" });

    await ok(call(`/v1/conversations/${conversation}/messages`, { method: "POST", auth: t.agentToken, json: { client_msg_id: "r1", parts: [{ type: "text", text: "Hi!" }] } }), 201);
    // The watermark is a time: everything we sent before it has been read.
    await post(read, (s) => s.replace('"watermark": 1458668856253', `"watermark": ${Date.now() + 1_000}`));
    const reply = (await messages()).find((m) => m.client_msg_id === "r1");
    expect(reply.delivery.status).toBe("read");
    const customer = (await messages()).find((m) => m.direction === "inbound");
    expect(customer.delivery).toBeUndefined();
    agent.close();
  });
});
