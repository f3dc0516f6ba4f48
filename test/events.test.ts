import { describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import worker from "../workers/index";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { call, ok, tenant, text, visitor } from "./helpers";
import { packEvents, type DomainEvent, type EventEnvelope } from "../shared/events";
import fc from "fast-check";

const indexRow = (tenantId: string, id: string) =>
  env.DB.prepare("SELECT status, last_seq, rev FROM conversations WHERE tenant_id = ? AND id = ?").bind(tenantId, id).first<{ status: string; last_seq: number; rev: number }>();

describe("domain events", () => {
  it("reach the D1 conversation index and event log through the events queue", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    await ok(call(`/v1/conversations/${v.conversationId}/messages`, { method: "POST", auth: v.token, json: { client_msg_id: "q1", parts: text("hi") } }), 201);
    await ok(call(`/v1/conversations/${v.conversationId}/state`, { method: "POST", auth: t.agentToken, json: { action: "assign" } }));
    await vi.waitFor(async () => expect(await indexRow(t.id, v.conversationId)).toMatchObject({ status: "assigned", last_seq: 1 }), { timeout: 10_000, interval: 100 });
    const types = await env.DB.prepare("SELECT type FROM events WHERE tenant_id = ? AND conversation_id = ? ORDER BY rev").bind(t.id, v.conversationId).all<{ type: string }>();
    expect(types.results.map((r) => r.type)).toEqual(["conversation.created", "message.created", "conversation.queued", "conversation.assigned"]);
    const listed = await ok(call("/v1/conversations?status=assigned", { auth: t.key }));
    expect(listed.data.map((c: { id: string }) => c.id)).toEqual([v.conversationId]);
  });

  it("applies a duplicated event once and never moves the index backwards", async () => {
    const t = await tenant();
    const conversation = {
      id: "cnv_dup0000000001",
      tenant_id: t.id,
      channel: "api" as const,
      status: "assigned" as const,
      contact_id: "ctc_x",
      assignee_id: t.agentId,
      subject: null,
      external_thread_id: null,
      last_seq: 2,
      last_message_at: 2000,
      created_at: 1000,
      updated_at: 2000,
      rev: 5,
    };
    const newer = { id: "evt_newer", type: "conversation.assigned", tenant_id: t.id, conversation_id: conversation.id, rev: 5, occurred_at: 2000, conversation, actor: { kind: "agent", id: t.agentId } } satisfies DomainEvent;
    const older = { ...newer, id: "evt_older", type: "conversation.queued" as const, rev: 4, conversation: { ...conversation, status: "queued", assignee_id: null, rev: 4 } } satisfies DomainEvent;
    const batch = createMessageBatch<EventEnvelope>("edgedesk-events", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { events: [newer] } },
      { id: "m2", timestamp: new Date(), attempts: 1, body: { events: [newer] } },
      { id: "m3", timestamp: new Date(), attempts: 1, body: { events: [older, newer] } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2", "m3"]);
    expect(await indexRow(t.id, conversation.id)).toEqual({ status: "assigned", last_seq: 2, rev: 5 });
    const n = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE conversation_id = ?").bind(conversation.id).first<{ n: number }>();
    expect(n!.n).toBe(2);
  });

  it("packs events into envelopes under the size limit, in order, shrinking only an event too large alone", () => {
    const event = (i: number, text: string) =>
      JSON.stringify({
        id: `evt_${i}`,
        type: "message.created",
        tenant_id: "t",
        conversation_id: "c",
        rev: i,
        occurred_at: i,
        conversation: {},
        message: { id: `msg_${i}`, parts: [{ type: "text", text }], metadata: {} },
      });
    fc.assert(
      fc.property(fc.array(fc.nat(3000), { maxLength: 40 }), (sizes) => {
        const bodies = sizes.map((n, i) => event(i, "é".repeat(n)));
        const packed = packEvents(bodies, 4096);
        expect(packed.flat().map((e) => e.id)).toEqual(sizes.map((_, i) => `evt_${i}`));
        for (const chunk of packed) {
          const bytes = new TextEncoder().encode(JSON.stringify(chunk)).length;
          if (chunk.length > 1) expect(bytes).toBeLessThanOrEqual(4096 + chunk.length * 2);
        }
        packed.flat().forEach((e, i) => {
          const shrunk = new TextEncoder().encode(bodies[i]!).length > 4096;
          if (e.type === "message.created") expect(e.message.metadata.content_omitted === true).toBe(shrunk);
        });
      }),
    );
  });

  it("sends a malformed event back for retry (and so to the dead-letter queue) instead of writing it", async () => {
    const batch = createMessageBatch("edgedesk-events", [{ id: "bad", timestamp: new Date(), attempts: 1, body: { type: "conversation.created" } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).retryMessages.map((m) => m.msgId)).toEqual(["bad"]);
  });
});
