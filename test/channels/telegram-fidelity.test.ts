/// <reference types="vite/client" />
/**
 * Telegram through the real Worker entry and conversation objects: edits keep their history, reactions and
 * deletions change the message they name, both sides' sockets see the change, and a client that resumes gets
 * what changed while it was away.
 */
import { describe, expect, it } from "vitest";
import { channelContactId, threadConversationId } from "../../workers/channels/ingest";
import { BASE, call, Client, ok, tenant } from "../helpers";
import { signTelegram } from "../signers/telegram";
import textFixture from "../fixtures/telegram/text.json?raw";
import editedFixture from "../fixtures/telegram/edited_message.json?raw";
import reactionFixture from "../fixtures/telegram/message_reaction.json?raw";
import reactionChangedFixture from "../fixtures/telegram/message_reaction_changed.json?raw";
import deletedFixture from "../fixtures/telegram/deleted_business_messages.json?raw";
import entitiesFixture from "../fixtures/telegram/entities_forwarded.json?raw";
import contactFixture from "../fixtures/telegram/contact_sticker_poll.json?raw";

const SECRET = "edgedesk_Secret-1";

async function telegramTenant() {
  const t = await tenant();
  await ok(call("/v1/channels/telegram", { method: "PUT", auth: t.key, json: { config: { bot_token: "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", secret_token: SECRET, api_base: "https://tg.stub" } } }));
  const deliver = async (body: string) => {
    const res = await call(`/webhooks/${t.id}/telegram`, { method: "POST", body, headers: signTelegram(body, { secret_token: SECRET }, `${BASE}/webhooks/${t.id}/telegram`, Date.now()) });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const conversation = await threadConversationId(t.id, "telegram", "1111111");
  const messages = async () => (await ok(call(`/v1/conversations/${conversation}/messages`, { auth: t.key }))).data as any[];
  return { ...t, deliver, conversation, messages };
}

describe("telegram changes end to end", () => {
  it("an edit replaces the content, keeps the original as history and the provider's times; a redelivery changes nothing", async () => {
    const t = await telegramTenant();
    await t.deliver(textFixture);
    await t.deliver(editedFixture);
    await t.deliver(editedFixture);
    const [m, ...rest] = await t.messages();
    expect(rest).toEqual([]);
    expect(m.parts).toEqual([{ type: "text", text: "Edited text" }]);
    expect(m.edits).toEqual([{ parts: [{ type: "text", text: "/start" }], at: 1_441_645_532_000 }]);
    expect(m.edited_at).toBe(1_441_646_600_000);
    expect(m.sent_at).toBe(1_441_645_532_000);
    expect(m.created_at).toBeGreaterThan(m.sent_at);
  });

  it("an edit of a message never received is stored as the message the customer now wants read", async () => {
    const t = await telegramTenant();
    await t.deliver(entitiesFixture);
    await t.deliver(editedFixture);
    const messages = await t.messages();
    expect(messages.map((m) => m.parts[0].text)).toEqual([expect.stringContaining("Order"), "Edited text"]);
    expect(messages[1].metadata.edited).toBe(true);
  });

  it("reactions are added and replaced per person, shown live to the agent, and a deleted business message is retracted", async () => {
    const t = await telegramTenant();
    await t.deliver(textFixture);
    const agent = await Client.open(t.conversation, t.agentToken);
    await agent.next("welcome");
    const customer = await channelContactId(t.id, "telegram", "1111111");

    await t.deliver(reactionFixture);
    const first = await agent.next("message_update");
    expect(first.message.reactions).toEqual([{ emoji: "👍", sender: { kind: "customer", id: customer, name: "Test Firstname Test Lastname" }, at: 1_441_646_700_000 }]);

    await t.deliver(reactionChangedFixture);
    await t.deliver(reactionChangedFixture);
    const [m] = await t.messages();
    expect(m.reactions.map((r: { emoji: string }) => r.emoji)).toEqual(["🔥", "custom:5368324170671202286"]);

    await t.deliver(deletedFixture);
    const gone = await agent.next("message_update", (f) => f.message.retracted_at !== undefined);
    expect(gone.message.parts).toEqual([]);
    expect(JSON.stringify(await t.messages())).not.toContain("/start");
    agent.close();
  });

  it("a client resuming with its last revision gets the messages that changed while it was away, once", async () => {
    const t = await telegramTenant();
    await t.deliver(textFixture);
    const before = await Client.open(t.conversation, t.agentToken);
    const welcome = await before.next("welcome");
    await before.next("message");
    before.close();

    await t.deliver(editedFixture);
    await t.deliver(reactionFixture);

    const back = await Client.open(t.conversation, t.agentToken, `&last_seq=1&since_rev=${welcome.conversation.rev}`);
    await back.next("welcome");
    const update = await back.next("message_update");
    expect(update.message.parts).toEqual([{ type: "text", text: "Edited text" }]);
    expect(update.message.reactions).toHaveLength(1);
    back.send({ type: "ping" });
    await back.next("pong");
    expect(back.of("message_update")).toEqual([]);
    expect(back.of("message")).toEqual([]);
    back.close();
  });

  it("formatting entities, the forward origin, contact cards, stickers and polls are kept as what they are", async () => {
    const t = await telegramTenant();
    await t.deliver(entitiesFixture);
    await t.deliver(contactFixture);
    const [formatted, mixed] = await t.messages();
    expect(formatted.parts[0].entities).toEqual([
      { type: "bold", offset: 0, length: 5 },
      { type: "hashtag", offset: 9, length: 5 },
      { type: "link", offset: 32, length: 25, url: "https://example.com/track" },
      { type: "link", offset: 15, length: 5, url: "https://example.com/ship" },
    ]);
    expect(formatted.metadata.forwarded).toEqual({ type: "channel", name: "Edgedesk News", chat_id: -1001234567890, username: "edgedesk_news", message_id: 42, signature: "Ada", date: 1_441_640_000_000 });
    expect(mixed.parts).toEqual([
      { type: "image", url: `${BASE}/v1/media/telegram/CAACAgIAAxkBAAIBQmVbbCd`, mime_type: "image/webp", caption: "😀" },
      { type: "contact", name: "Grace Hopper", phones: [{ number: "+491701234567" }], user_id: "2222222" },
      { type: "unsupported", provider_type: "poll", description: "Which plan?\n• Basic\n• Pro" },
    ]);
  });
});
