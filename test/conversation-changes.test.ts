/**
 * Edit, retract and react frames on the conversation socket, through the real Worker entry and object: the author
 * edits and unsends, anyone reacts, both sides see each change, and what the rules refuse is an error frame.
 */
import { describe, expect, it } from "vitest";
import { BASE, call, Client, ok, tenant, text, visitor } from "./helpers";
import { signTelegram } from "./signers/telegram";
import { threadConversationId } from "../workers/channels/ingest";
import textFixture from "./fixtures/telegram/text.json?raw";

describe("message changes over the socket", () => {
  it("the customer edits and unsends their message, the agent reacts; the agent may not edit the customer's words", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const customer = await Client.open(v.conversationId, v.token);
    await customer.next("welcome");
    const agent = await Client.open(v.conversationId, t.agentToken);
    await agent.next("welcome");
    customer.send({ type: "message", client_msg_id: "m1", parts: text("I ordered the wrong size") });
    const { message_id } = await customer.next("ack");

    customer.send({ type: "edit", message_id, parts: text("I ordered the wrong colour") });
    const edited = await agent.next("message_update");
    expect(edited.message.parts).toEqual(text("I ordered the wrong colour"));
    expect(edited.message.edits?.map((e) => e.parts)).toEqual([text("I ordered the wrong size")]);
    await customer.next("message_update");

    agent.send({ type: "edit", message_id, parts: text("something else") });
    expect(await agent.next("error")).toMatchObject({ code: "forbidden", message: "only the author can edit a message" });

    agent.send({ type: "react", message_id, emoji: "👍", on: true });
    expect((await customer.next("message_update")).message.reactions).toEqual([{ emoji: "👍", sender: { kind: "agent", id: t.agentId, name: "Ada" }, at: expect.any(Number) }]);

    customer.send({ type: "retract", message_id });
    const gone = await agent.next("message_update", (f) => f.message.retracted_at !== undefined);
    expect(gone.message.parts).toEqual([]);
    const stored = await ok(call(`/v1/conversations/${v.conversationId}/messages`, { auth: t.key }));
    expect(JSON.stringify(stored)).not.toContain("wrong");

    agent.send({ type: "react", message_id: "msg_nope", emoji: "👍", on: true });
    expect(await agent.next("error")).toMatchObject({ code: "not_found" });
    customer.close();
    agent.close();
  });

  it("on a provider channel the change is refused: it would not reach the customer's app", async () => {
    const t = await tenant();
    await ok(call("/v1/channels/telegram", { method: "PUT", auth: t.key, json: { config: { bot_token: "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", secret_token: "s1", api_base: "https://tg.stub" } } }));
    const hook = `${BASE}/webhooks/${t.id}/telegram`;
    expect((await call(`/webhooks/${t.id}/telegram`, { method: "POST", body: textFixture, headers: signTelegram(textFixture, { secret_token: "s1" }, hook, Date.now()) })).status).toBe(200);
    const conversation = await threadConversationId(t.id, "telegram", "1111111");
    const agent = await Client.open(conversation, t.agentToken);
    await agent.next("welcome");
    const { message } = await agent.next("message");
    agent.send({ type: "react", message_id: message.id, emoji: "👍", on: true });
    expect(await agent.next("error")).toMatchObject({ code: "conflict", message: "changes to messages on telegram are not sent to the provider" });
    agent.close();
  });
});
