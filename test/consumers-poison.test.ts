import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { conversationEvent, deliver, eventLogOf, indexOf, runQueue, seedTenants } from "./event-fixtures";
import type { DomainEvent } from "../shared/events";

const events = (tenantId: string, conversationId: string, revs: number[]): DomainEvent[] => revs.map((rev) => conversationEvent(tenantId, conversationId, rev));

afterEach(() => vi.restoreAllMocks());

describe("events consumer with a message D1 refuses", () => {
  it("acks the other tenants' messages, writes their index, and retries only the poison messages", async () => {
    await seedTenants("ten_victim", "ten_other");
    // The index row of a tenant D1 does not know breaks its foreign key, so D1 rejects the whole statement batch;
    // the contact of such a tenant fails the same way, earlier, while linking.
    const poisonIndex = { events: events("ten_gone", "cnv_gone_1", [2, 3]) };
    const poisonContact = { events: [conversationEvent("ten_gone", "cnv_gone_2", 1, { channel: "whatsapp", external_id: "wa-gone", phone: "+15550100", contactId: "ctc_gone" })] };
    const logged = [vi.spyOn(console, "error"), vi.spyOn(console, "warn")];

    const result = await deliver([
      { id: "victim-1", body: { events: events("ten_victim", "cnv_victim", [1, 2]) } },
      { id: "poison-index", attempts: 3, body: poisonIndex },
      { id: "other-1", body: { events: events("ten_other", "cnv_other", [1]) } },
      { id: "poison-contact", body: poisonContact },
      { id: "victim-2", body: { events: events("ten_victim", "cnv_victim", [3]) } },
    ]);

    expect(result.acked).toEqual(["other-1", "victim-1", "victim-2"]);
    expect(result.retried.map((r) => r.id).sort()).toEqual(["poison-contact", "poison-index"]);
    expect(result.retried.every((r) => r.delaySeconds! > 0)).toBe(true);
    expect(await indexOf("ten_victim")).toMatchObject([{ id: "cnv_victim", last_seq: 3, rev: 3 }]);
    expect(await indexOf("ten_other")).toMatchObject([{ id: "cnv_other", last_seq: 1, rev: 1 }]);
    expect((await eventLogOf("ten_victim")).map((e) => e.rev)).toEqual([1, 2, 3]);
    expect(await eventLogOf("ten_gone")).toEqual([]);

    const lines = logged.flatMap((spy) => spy.mock.calls.map((args) => args.join(" ")));
    const failure = lines.find((l) => l.includes('"id":"poison-index"'));
    expect(failure).toContain('"tenants":["ten_gone"]');
    expect(failure).toContain("FOREIGN KEY");
    // The payload (message text, contact details) stays out of the logs.
    expect(lines.join("\n")).not.toMatch(/message 2|\+15550100|wa-gone/);
  });

  it("lands a flush of more than 100 events of one conversation next to many small conversations", async () => {
    await seedTenants("ten_bulk_a", "ten_bulk_b");
    const big = { id: "big", body: { events: events("ten_bulk_a", "cnv_big", Array.from({ length: 150 }, (_, i) => i + 1)) } };
    const small = Array.from({ length: 60 }, (_, k) => ({
      id: `small-${k}`,
      body: { events: events(k % 2 ? "ten_bulk_a" : "ten_bulk_b", `cnv_small_${String(k).padStart(2, "0")}`, [1, 2, 3]) },
    }));

    const result = await deliver([big, ...small]);

    expect(result.retried).toEqual([]);
    expect(result.acked).toHaveLength(61);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE tenant_id IN ('ten_bulk_a', 'ten_bulk_b')").first<{ n: number }>();
    expect(count!.n).toBe(150 + 60 * 3);
    const index = [...(await indexOf("ten_bulk_a")), ...(await indexOf("ten_bulk_b"))];
    expect(index).toHaveLength(61);
    expect(index.find((c) => c.id === "cnv_big")).toMatchObject({ last_seq: 150, rev: 150 });
    expect(index.filter((c) => c.id !== "cnv_big").every((c) => c.rev === 3)).toBe(true);
  });
});

describe("inbound consumer with a message the conversation object refuses", () => {
  it("retries that message alone; the same conversation's later work and other conversations are acked", async () => {
    const work = (conversationId: string, receivedAt: number, ingest: unknown[], statuses: unknown[] = []) => ({ tenant_id: "ten_inbound", channel: "api", conversation_id: conversationId, ingest, statuses, received_at: receivedAt });
    const status = { kind: "status", providerMessageId: "p-unknown", status: "delivered" };
    // An ingest item without its conversation's init makes the object throw on every attempt.
    const result = await runQueue("edgedesk-inbound", [
      { id: "in-poison", body: work("cnv_inbound_poison0", 1, [{}]) },
      { id: "in-later", body: work("cnv_inbound_poison0", 2, [], [status]) },
      { id: "in-other", body: work("cnv_inbound_other00", 1, [], [status]) },
    ]);
    expect(result.acked).toEqual(["in-later", "in-other"]);
    expect(result.retried).toEqual([{ id: "in-poison", delaySeconds: 2 }]);
  });
});

describe("outbound consumer with a conversation object that fails", () => {
  it("retries that job alone and finishes the rest of the batch", async () => {
    await seedTenants("ten_outbound");
    const job = (conversationId: string) => {
      const e = conversationEvent("ten_outbound", conversationId, 2);
      if (e.type !== "message.created") throw new Error("fixture: rev 2 is a message");
      return { tenant_id: "ten_outbound", conversation_id: conversationId, channel: "whatsapp", external_thread_id: "th", message: e.message, references: [], thread_context: {} };
    };
    const broken = env.CONVERSATION.idFromName("ten_outbound:cnv_outbound_broken");
    const get = env.CONVERSATION.get.bind(env.CONVERSATION);
    vi.spyOn(env.CONVERSATION, "get").mockImplementation((id) =>
      id.equals(broken) ? (Object.assign(Object.create(get(id)), { delivery: () => Promise.reject(new Error("Durable Object is overloaded")) }) as never) : get(id),
    );
    // No channel is configured, so each job settles as failed at once: only the broken object keeps one from settling.
    const result = await runQueue("edgedesk-outbound", [
      { id: "out-broken", body: job("cnv_outbound_broken") },
      { id: "out-fine", body: job("cnv_outbound_fine00") },
    ]);
    expect(result.acked).toEqual(["out-fine"]);
    expect(result.retried).toEqual([{ id: "out-broken", delaySeconds: 10 }]);
  });
});
