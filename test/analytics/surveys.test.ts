import { describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { call, ok, tenant, text, visitor } from "../helpers";
import { conversationStub } from "../../objects/conversation-stub";

const waitFor = <T>(fn: () => Promise<T>) => vi.waitFor(fn, { timeout: 8000, interval: 50 });

async function messages(key: string, id: string) {
  return (await ok<{ data: any[] }>(call(`/v1/conversations/${id}/messages`, { auth: key }))).data;
}

async function prompt(key: string, id: string, kind: "csat" | "nps") {
  return waitFor(async () => {
    const m = (await messages(key, id)).find((x) => x.sender.id === "survey" && x.metadata.survey === kind);
    expect(m).toBeDefined();
    return m;
  });
}

async function state(key: string, id: string, action: string, extra: Record<string, unknown> = {}) {
  return ok(call(`/v1/conversations/${id}/state`, { method: "POST", auth: key, json: { action, ...extra } }));
}

const factsRow = (tenantId: string, id: string) =>
  env.DB.prepare("SELECT csat, nps FROM analytics_conversations WHERE tenant_id = ? AND conversation_id = ?").bind(tenantId, id).first<{ csat: number | null; nps: number | null }>();

describe("surveys at resolution", () => {
  it("asks CSAT then NPS by text in a messaging channel, parses the replies, and does not reopen", async () => {
    const t = await tenant();
    await ok(call("/v1/analytics/settings", { method: "PUT", auth: t.key, json: { survey: { mode: "both" } } }));
    const id = "cnv_survey_wa";
    const stub = conversationStub(env, t.id, id);
    const init = { tenantId: t.id, conversationId: id, channel: "whatsapp" as const, contactId: "ctc_wa_1", externalThreadId: null, actor: { kind: "customer" as const, id: "ctc_wa_1" }, contact: { channel: "whatsapp", external_id: "wa1" } };
    const say = (n: number, words: string) => stub.ingest([{ init, sender: { kind: "customer", id: "ctc_wa_1" }, input: { client_msg_id: `wa${n}`, parts: text(words) }, providerMessageId: `wamid.${n}` }]);
    await say(1, "my parcel is late");
    const waiting = await ok(call(`/v1/conversations/${id}/metrics`, { auth: t.key }));
    expect(waiting).toMatchObject({ status: "queued", first_response_overdue: false, first_response_ms: null });
    expect(waiting.first_response_due_at - waiting.first_customer_at).toBe(20_000);
    expect(waiting.waiting_since).not.toBeNull();
    await state(t.key, id, "assign", { assignee_id: t.agentId });
    const held = await ok(call(`/v1/conversations/${id}/metrics`, { auth: t.key }));
    expect(held).toMatchObject({ status: "assigned", waiting_since: null, waited_ms: null });
    expect(held.assigned_since).not.toBeNull();
    await state(t.key, id, "resolve");

    const csat = await prompt(t.key, id, "csat");
    expect(csat.parts).toEqual([{ type: "text", text: expect.stringMatching(/1.*5/) }]);
    await say(2, "５ 很好");
    const nps = await prompt(t.key, id, "nps");
    expect(nps.parts[0].type).toBe("text");
    await say(3, "9/10");
    expect((await ok(call(`/v1/conversations/${id}`, { auth: t.key }))).status).toBe("resolved");
    // One thank-you, in the language the questions were asked in, once the last question is answered; none after the first.
    const thanks = (await messages(t.key, id)).filter((x) => x.sender.id === "survey" && x.metadata.survey_thanks === true);
    const asked = /[\u4e00-\u9fff]/.test(nps.parts[0].text) ? "感谢您的反馈！" : "Thank you for your feedback!";
    expect(thanks.map((x) => [x.parts[0].text, x.direction])).toEqual([[asked, "outbound"]]);
    await waitFor(async () => expect(await factsRow(t.id, id)).toEqual({ csat: 5, nps: 9 }));
    const responses = await waitFor(async () => {
      const { results } = await env.DB.prepare("SELECT payload FROM events WHERE tenant_id = ? AND type = 'survey.responded' ORDER BY rev").bind(t.id).all<{ payload: string }>();
      expect(results).toHaveLength(2);
      return results.map((r) => JSON.parse(r.payload));
    });
    expect(responses.map((r) => [r.survey, r.score, r.comment ?? null, r.agent_id])).toEqual([
      ["csat", 5, "很好", t.agentId],
      ["nps", 9, null, t.agentId],
    ]);

    // With nothing left to answer, the customer writing again is a new question: the conversation reopens.
    await say(4, "5 more questions about my order");
    expect((await ok(call(`/v1/conversations/${id}`, { auth: t.key }))).status).not.toBe("resolved");
  });

  it("shows buttons in the widget; an answer that is no rating reopens instead", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const post = (n: number, words: string) =>
      ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: v.token, json: { client_msg_id: `w${n}`, parts: text(words) } }));
    await post(1, "hello, I need help with a refund");
    await state(t.key, v.conversationId, "assign", { assignee_id: t.agentId });
    await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: t.agentToken, json: { client_msg_id: "agent1", parts: text("Sure, let me look") } }));
    await state(t.key, v.conversationId, "resolve");
    // Through the real objects and queue: the conversation's first responses reach the rollups.
    await waitFor(async () => {
      const s = await ok(call("/v1/analytics/summary", { auth: t.key }));
      expect(s).toMatchObject({ conversations: 1, transfer_rate: 0 });
      expect(s.first_response_time_s.avg).not.toBeNull();
      expect(s.first_human_response_time_s.avg).not.toBeNull();
      expect(s.aht_s).not.toBeNull();
    });
    const csat = await prompt(t.key, v.conversationId, "csat");
    expect(csat.parts[0].type).toBe("quick_replies");
    expect(csat.parts[0].options.map((o: any) => o.value)).toEqual(["1", "2", "3", "4", "5"]);
    await post(2, csat.parts[0].options[3].value);
    await waitFor(async () => expect(await factsRow(t.id, v.conversationId)).toMatchObject({ csat: 4 }));
    expect((await ok(call(`/v1/conversations/${v.conversationId}`, { auth: t.key }))).status).toBe("resolved");

    // A second resolution asks again; a reply that is not a rating is an ordinary message.
    await post(3, "actually, one more thing");
    await state(t.key, v.conversationId, "assign", { assignee_id: t.agentId });
    await state(t.key, v.conversationId, "resolve");
    await waitFor(async () => expect((await messages(t.key, v.conversationId)).filter((m) => m.sender.id === "survey")).toHaveLength(2));
    await post(4, "where is my parcel?");
    expect((await ok(call(`/v1/conversations/${v.conversationId}`, { auth: t.key }))).status).not.toBe("resolved");
  });

  it("asks nothing when the tenant turned surveys off, or about a wait the customer gave up on", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: v.token, json: { client_msg_id: "a1", parts: text("anyone there?") } }));
    await state(v.token, v.conversationId, "close");
    await ok(call("/v1/analytics/settings", { method: "PUT", auth: t.key, json: { survey: { mode: "none" } } }));
    const w = await visitor(t.id);
    await ok(call(`/v1/conversations/${w.conversationId}/messages`, { method: "POST", auth: w.token, json: { client_msg_id: "b1", parts: text("hi") } }));
    await state(t.key, w.conversationId, "assign", { assignee_id: t.agentId });
    await state(t.key, w.conversationId, "resolve");
    // The flush that would have asked has run once the resolution's event reached D1.
    await waitFor(async () => {
      const r = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE tenant_id = ? AND type = 'conversation.resolved'").bind(t.id).first<{ n: number }>();
      expect(r?.n).toBe(1);
    });
    for (const id of [v.conversationId, w.conversationId]) expect((await messages(t.key, id)).filter((m) => m.sender.id === "survey")).toEqual([]);
  });
});
