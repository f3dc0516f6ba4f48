import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { call, Client, DeskClient, ok, tenant, text, visitor } from "../helpers";
import type { StandardMessage } from "../../shared/message";
import { BotConfig } from "../../shared/bot/config";
import { BotStats, Learned } from "../../objects/assistant";

type Tenant = Awaited<ReturnType<typeof tenant>>;

/** A tenant whose bot answers web conversations, with one FAQ it can answer from. */
async function botTenant(config: Record<string, unknown> = {}): Promise<Tenant> {
  const t = await tenant();
  // No exploration: a fresh policy's greedy choice is to answer when it can, so every path here is deterministic.
  await ok(call("/v1/bot/config", { method: "PATCH", auth: t.key, json: { enabled: true, learning: { frozen: false, exploration: 0.5, max_explore_rate: 0 }, ...config } }));
  await ok(
    call("/v1/kb/entries", {
      method: "POST",
      auth: t.key,
      json: {
        type: "faq",
        title: "How do I get a refund?",
        body: "Refunds for returned items are issued to the original payment method within 5 business days after the return arrives.",
        answer: "Refunds go back to your original payment method within 5 business days after we receive the return.",
      },
    }),
    201,
  );
  return t;
}

async function customer(t: Tenant) {
  const v = await visitor(t.id);
  const socket = await Client.open(v.conversationId, v.token);
  await socket.next("welcome");
  let n = 0;
  const say = async (words: string): Promise<StandardMessage> => {
    socket.send({ type: "message", client_msg_id: `c${++n}`, parts: text(words) });
    return (await socket.next("message", (f) => f.message.sender.kind === "bot")).message;
  };
  const status = async () => (await ok(call(`/v1/conversations/${v.conversationId}`, { auth: t.key }))).status as string;
  const insights = async () => ok(call(`/v1/conversations/${v.conversationId}/insights`, { auth: t.key }));
  return { ...v, socket, say, status, insights };
}

const textOf = (m: StandardMessage) => m.parts.map((p) => (p.type === "text" ? p.text : p.type === "quick_replies" ? (p.text ?? "") : "")).join(" ");
const replies = (m: StandardMessage) => m.parts.flatMap((p) => (p.type === "quick_replies" ? p.options.map((o) => o.value) : []));

describe("bot first, human next", () => {
  it("answers from the knowledge base, asks whether it helped, and resolves on yes", async () => {
    const t = await botTenant();
    const c = await customer(t);
    const answer = await c.say("how can i get a refund for my order?");
    expect(textOf(answer)).toContain("original payment method");
    expect(answer.sender).toMatchObject({ kind: "bot", name: "Assistant" });
    expect(replies(answer)).toEqual(expect.arrayContaining(["bot:helped", "bot:human"]));
    expect(await c.status()).toBe("open");
    const thanks = await c.say("bot:helped");
    expect(textOf(thanks)).toMatch(/glad/i);
    await expect.poll(c.status, { timeout: 5000 }).toBe("resolved");
    const stats = await ok(call("/v1/bot/stats", { auth: t.key }));
    expect(stats).toMatchObject({ conversations: 1, resolved_by_bot: 1, containment_rate: 1 });
    expect(stats.policy.episodes).toBeGreaterThanOrEqual(1);
    expect(stats.policy.actions.answer.pulls).toBeGreaterThanOrEqual(1);
    // Back with the same question: the resolution did not hold, and the bot starts a new dialog.
    const again = await c.say("one more question: how long do refunds take for a second item?");
    expect(textOf(again)).toContain("original payment method");
    const after = await ok(call("/v1/bot/stats", { auth: t.key }));
    expect(after.resolved_by_bot).toBe(0);
    expect(after.policy.episodes).toBeGreaterThan(stats.policy.episodes);
  });

  it("finds the answer through the intent when the words share nothing with the entry", async () => {
    const t = await botTenant();
    const c = await customer(t);
    const answer = await c.say("when do I get my money back? I sent the shoes back last week");
    expect(textOf(answer)).toContain("original payment method");
  });

  it("hands off with intent, language and sentiment when the answer did not help", async () => {
    const t = await botTenant();
    const desk = await DeskClient.open(t.agentToken);
    desk.send({ type: "status", status: "available" });
    await desk.next("agent_status");
    const c = await customer(t);
    await c.say("how do I get a refund for the jacket I sent back?");
    const handoff = await c.say("no, that didn't help");
    expect(textOf(handoff)).toMatch(/team/i);
    await expect.poll(c.status, { timeout: 5000 }).toMatch(/queued|assigned/);
    const offer = await desk.next("offer", (f) => f.conversation_id === c.conversationId);
    expect(offer.breakdown).toBeTruthy();
    const i = await c.insights();
    expect(i.handoff.reason).toBe("not_helped");
    expect(i.intent.intent).toBe("refund");
    expect(i.lang).toBe("en");
    const waiting = (await ok(call("/v1/routing/desk", { auth: t.key }))).waiting.find((w: { conversation_id: string }) => w.conversation_id === c.conversationId);
    expect(waiting).toMatchObject({ intent: "refund", language: "en" });
  });

  it("hands off at once when the customer asks for a person, in English or Chinese", async () => {
    const t = await botTenant();
    for (const words of ["can I talk to a real person please", "转人工"]) {
      const c = await customer(t);
      await c.say(words);
      await expect.poll(c.status, { timeout: 5000 }).toBe("queued");
      expect((await c.insights()).handoff.reason).toBe("requested");
    }
  });

  it("hands off an angry customer, flags the spike and answers in the customer's language", async () => {
    const t = await botTenant();
    const c = await customer(t);
    const reply = await c.say("你们的服务太差劲了，气死我了，一点都不好！");
    expect(textOf(reply)).toMatch(/人工/);
    await expect.poll(c.status, { timeout: 5000 }).toBe("queued");
    const i = await c.insights();
    expect(i.handoff.reason).toBe("negative_sentiment");
    expect(i.sentiment.label).toBe("negative");
    expect(i.flags.map((f: { flag: string }) => f.flag)).toContain("negative_spike");
    expect(i.trend).toHaveLength(1);
  });

  it("pushes a negative spike to supervisors as a quality flag, with the bot off too", async () => {
    const t = await tenant();
    const sup = await ok<{ id: string }>(call("/v1/agents", { method: "POST", auth: t.key, json: { name: "Sam", email: `sam-${crypto.randomUUID()}@example.com`, role: "supervisor" } }), 201);
    const { token } = await ok<{ token: string }>(call(`/v1/agents/${sup.id}/token`, { method: "POST", auth: t.key }), 201);
    const screen = await DeskClient.open(token);
    await screen.next("hello");
    const v = await visitor(t.id);
    await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: v.token, json: { client_msg_id: "m1", parts: text("hi, quick question about my order") } }), 201);
    await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: v.token, json: { client_msg_id: "m2", parts: text("this is the worst service ever, absolutely furious!!!") } }), 201);
    const alert = await screen.next("alert", (f) => f.kind === "quality_flag" && f.conversation_id === v.conversationId);
    expect(alert.flag).toBe("negative_spike");
    const events = await env.DB.prepare("SELECT type FROM events WHERE tenant_id = ?1 AND conversation_id = ?2").bind(t.id, v.conversationId).all<{ type: string }>();
    await expect
      .poll(async () => (await env.DB.prepare("SELECT count(*) AS n FROM events WHERE tenant_id = ?1 AND conversation_id = ?2 AND type = 'conversation.flagged'").bind(t.id, v.conversationId).first<{ n: number }>())?.n, { timeout: 5000 })
      .toBe(1);
    expect(events.results).toBeDefined();
  });

  it("is switched per queue: a conversation the rules send to a queue without the bot goes to people, silently", async () => {
    const t = await botTenant({ queues: ["general"] });
    await ok(
      call("/v1/routing/config", {
        method: "PUT",
        auth: t.key,
        json: {
          queues: [{ id: "general", name: "General" }, { id: "billing", name: "Billing" }],
          default_queue_id: "general",
          rules: [{ id: "money", when: [{ field: "intent", op: "in", value: ["refund", "payment_issue"] }], queue_id: "billing" }],
        },
      }),
    );
    const money = await customer(t);
    money.socket.send({ type: "message", client_msg_id: "c1", parts: text("how do I get a refund for my order?") });
    await expect.poll(money.status, { timeout: 5000 }).toBe("queued");
    const i = await money.insights();
    expect(i.handoff.reason).toBe("business_rule");
    const messages = (await ok(call(`/v1/conversations/${money.conversationId}/messages`, { auth: t.key }))).data as StandardMessage[];
    expect(messages.filter((m) => m.sender.kind === "bot")).toEqual([]);
    const waiting = (await ok(call("/v1/routing/desk", { auth: t.key }))).waiting.find((w: { conversation_id: string }) => w.conversation_id === money.conversationId);
    expect(waiting.queue_id).toBe("billing");
    // The bot still answers for its own queue.
    const other = await customer(t);
    const greeting = await other.say("hello");
    expect(greeting.sender.kind).toBe("bot");
  });

  it("a redelivered customer message gets one bot answer, not two", async () => {
    const t = await botTenant();
    const c = await customer(t);
    c.socket.send({ type: "message", client_msg_id: "same", parts: text("how do refunds work?") });
    c.socket.send({ type: "message", client_msg_id: "same", parts: text("how do refunds work?") });
    await c.socket.next("message", (f) => f.message.sender.kind === "bot");
    await expect
      .poll(async () => (await ok(call(`/v1/conversations/${c.conversationId}/messages`, { auth: t.key }))).data.filter((m: StandardMessage) => m.sender.kind === "bot").length, { timeout: 3000 })
      .toBe(1);
  });

  it("without the bot, routing still reads intent and sentiment from the first message", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: v.token, json: { client_msg_id: "m1", parts: text("where is my parcel? order #A12345 still not here") } }), 201);
    await expect.poll(async () => (await ok(call(`/v1/conversations/${v.conversationId}/insights`, { auth: t.key }))).intent?.intent, { timeout: 5000 }).toBe("order_status");
    const i = await ok(call(`/v1/conversations/${v.conversationId}/insights`, { auth: t.key }));
    expect(i.entities).toEqual(expect.arrayContaining([expect.objectContaining({ type: "order_id", value: "#A12345" })]));
    await expect
      .poll(async () => (await ok(call("/v1/routing/desk", { auth: t.key }))).waiting.find((w: { conversation_id: string }) => w.conversation_id === v.conversationId)?.intent, { timeout: 5000 })
      .toBe("order_status");
    // The customer profile carries what they came for and how they felt.
    await expect
      .poll(async () => (await ok(call(`/v1/contacts/${v.contactId}`, { auth: t.agentToken }))).last_intents.map((x: { intent: string }) => x.intent), { timeout: 5000 })
      .toEqual(["order_status"]);
    expect((await ok(call(`/v1/contacts/${v.contactId}`, { auth: t.key }))).last_sentiment).toMatchObject({ conversation_id: v.conversationId, label: expect.any(String) });
  });

  it("agent assist suggests the knowledge entry for the customer's latest message", async () => {
    const t = await botTenant({ enabled: false });
    const v = await visitor(t.id);
    await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: v.token, json: { client_msg_id: "m1", parts: text("I returned the shoes, when do I get my refund?") } }), 201);
    const assist = await ok(call(`/v1/conversations/${v.conversationId}/assist`, { auth: t.agentToken }));
    expect(assist.knowledge[0].title).toBe("How do I get a refund?");
    expect(assist.suggested_reply).toContain("original payment method");
  });

  it("learns from CSAT and can be frozen; the policy persists across requests", async () => {
    const t = await botTenant();
    const c = await customer(t);
    await c.say("refund please, how long does it take?");
    await c.say("bot:helped");
    await expect.poll(c.status, { timeout: 5000 }).toBe("resolved");
    const before = await ok(call("/v1/bot/stats", { auth: t.key }));
    const learned = await ok(call("/v1/bot/outcomes", { method: "POST", auth: t.key, json: { conversation_id: c.conversationId, csat: 5 } }));
    const after = await ok(call("/v1/bot/stats", { auth: t.key }));
    expect(after.policy.episodes).toBeGreaterThan(before.policy.episodes);
    const frozen = await ok(call("/v1/bot/config", { method: "PATCH", auth: t.key, json: { learning: { frozen: true, exploration: 0.5, max_explore_rate: 0.2 } } }));
    expect(frozen.learning.frozen).toBe(true);
    // Each answer is exactly what /v1/openapi.json documents: parsing would strip an undocumented key or refuse a value.
    for (const [schema, body] of [[BotStats, after], [Learned, learned], [BotConfig, frozen]] as const) expect(schema.parse(body)).toEqual(body);
    expect((await ok(call("/v1/bot/stats", { auth: t.key }))).policy.frozen).toBe(true);
    const bad = await call("/v1/bot/config", { method: "PATCH", auth: t.key, json: { min_kb_score: 3 } });
    expect(bad.status).toBe(422);
  });
});
