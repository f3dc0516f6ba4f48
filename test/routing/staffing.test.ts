import { describe, expect, it } from "vitest";
import { call, Client, DeskClient, ok, tenant, text, visitor } from "../helpers";

/** GET /v1/routing/staffing through the real Worker: 150 contacts an hour × 240 s is 10 Erlangs. */

type Problem = { status: number; detail: string; errors: { field: string; message: string }[] };

const staffing = (auth: string, query: string) => call(`/v1/routing/staffing?${query}`, { auth });

describe("staffing estimate", () => {
  it("staffs the default queue of a tenant without queues by Erlang C, and by Erlang A given patience", async () => {
    const t = await tenant();
    const c = await ok(staffing(t.key, "queue=default&arrivals_per_h=150&aht_s=240&within_s=20"));
    expect(c).toMatchObject({
      queue_id: "default",
      model: "erlang_c",
      agents: 14,
      abandonment_rate: null,
      inputs: { arrivals_per_h: 150, aht_s: 240, patience_s: null, target_sl: 0.8, within_s: 20 },
    });
    // 13 agents answer 77.8 % within 20 s; 14 answer 1 − 0.17413 × e^{−4 × 20/240} = 87.5 %.
    expect(c.service_level).toBeCloseTo(0.87523, 5);
    expect(c.p_wait).toBeCloseTo(0.17413, 5);
    expect(c.asa_s).toBeCloseTo(10.448, 3);
    expect(c.occupancy).toBeCloseTo(10 / 14, 12);

    // Contacts that give up after two minutes on average relieve the queue: two agents fewer.
    const a = await ok(staffing(t.agentToken, "queue=default&arrivals_per_h=150&aht_s=240&within_s=20&patience_s=120&target_sl=0.8"));
    expect(a).toMatchObject({ model: "erlang_a", agents: 12, inputs: { patience_s: 120 } });
    expect(a.service_level).toBeCloseTo(0.8203, 4);
    expect(a.abandonment_rate).toBeCloseTo(0.06762, 5);
    expect(a.p_wait).toBeCloseTo(0.26322, 5);
  });

  it("answers within the queue's first-response SLA by default, and unreachable beyond the agent bound", async () => {
    const t = await tenant();
    await ok(call("/v1/routing/config", { method: "PUT", auth: t.key, json: { queues: [{ id: "sales", name: "Sales", sla_first_response_s: 20 }], default_queue_id: "sales" } }));
    expect(await ok(staffing(t.key, "queue=sales&arrivals_per_h=150&aht_s=240"))).toMatchObject({ agents: 14, inputs: { within_s: 20, target_sl: 0.8 } });
    // 100 contacts a second for an hour each is 360 000 Erlangs.
    expect(await ok(staffing(t.key, "queue=sales&arrivals_per_h=360000&aht_s=3600"))).toMatchObject({ queue_id: "sales", agents: null, reason: "unreachable", max_agents: 10_000 });
  });

  it("refuses a bad query with the fields at fault, and rates left out that the desk has not observed", async () => {
    const t = await tenant();
    const res = await staffing(t.key, "queue=default&target_sl=1.5&patience_s=-3");
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await res.json<Problem>()).errors.map((e) => e.field).sort()).toEqual(["patience_s", "target_sl"]);
    // A queue nobody has written to yet has no observed rates to stand in for the missing ones.
    const unseen = await staffing(t.key, "queue=default");
    expect(unseen.status).toBe(422);
    const body = await unseen.json<Problem>();
    expect(body.errors.map((e) => e.field).sort()).toEqual(["aht_s", "arrivals_per_h"]);
    expect(body.errors.find((e) => e.field === "arrivals_per_h")!.message).toMatch(/no arrivals on this queue/);
    expect((await staffing(t.key, "queue=default&arrivals_per_h=lots&aht_s=240")).status).toBe(422);
    expect((await call("/v1/routing/staffing?queue=default&arrivals_per_h=150&aht_s=240")).status).toBe(401);
  });

  it("refuses a queue the tenant has not configured", async () => {
    const t = await tenant();
    const unknown = await staffing(t.key, "queue=nope&arrivals_per_h=150&aht_s=240");
    expect(unknown.status).toBe(422);
    expect((await unknown.json<Problem>()).errors).toEqual([{ field: "queue", message: "no queue with this id" }]);
    // Once queues are configured, the implicit default queue is gone.
    await ok(call("/v1/routing/config", { method: "PUT", auth: t.key, json: { queues: [{ id: "sales", name: "Sales" }], default_queue_id: "sales" } }));
    expect((await staffing(t.key, "queue=default&arrivals_per_h=150&aht_s=240")).status).toBe(422);
  });
});

describe("staffing from what the desk observed", () => {
  it("fills rates left out with the queue's observed arrivals, handle time and patience, and says which", async () => {
    const t = await tenant();
    const desk = await DeskClient.open(t.agentToken);
    await desk.next("hello");
    desk.send({ type: "status", status: "available" });
    await desk.next("agent_status");
    // Two customers write; the agent takes the first, resolves it, and the second leaves while waiting.
    const written: { conversationId: string; token: string }[] = [];
    for (let i = 0; i < 2; i++) {
      const v = await visitor(t.id);
      const c = await Client.open(v.conversationId, v.token);
      await c.next("welcome");
      c.send({ type: "message", client_msg_id: crypto.randomUUID(), parts: text(`hello ${i}`) });
      await c.next("ack");
      written.push(v);
      if (i === 0) {
        const offer = await desk.next("offer", (f) => f.conversation_id === v.conversationId);
        desk.send({ type: "accept", offer_id: offer.offer_id });
        await desk.next("assigned");
      }
    }
    await expect.poll(async () => (await ok<{ waiting: unknown[] }>(call("/v1/routing/desk", { auth: t.key }))).waiting.length, { timeout: 5000 }).toBe(1);
    await ok(call(`/v1/conversations/${written[0]!.conversationId}/state`, { method: "POST", auth: t.agentToken, json: { action: "resolve" } }));
    // Only arrivals and a resolution are observed so far: no abandonment, so Erlang C.
    const before = await ok(staffing(t.key, "queue=default&within_s=20"));
    expect(before).toMatchObject({ model: "erlang_c", inputs: { sources: { arrivals_per_h: "observed", aht_s: "observed", patience_s: null }, patience_s: null } });
    // Two arrivals in under a minute count as two in a minute: 120 an hour.
    expect(before.inputs.arrivals_per_h).toBe(120);
    expect(before.inputs.aht_s).toBeGreaterThan(0);
    // A given rate wins over the observed one.
    expect(await ok(staffing(t.key, "queue=default&arrivals_per_h=150&aht_s=240"))).toMatchObject({ inputs: { arrivals_per_h: 150, aht_s: 240, sources: { arrivals_per_h: "given", aht_s: "given" } } });
    // The second customer gives up waiting: now the queue shows a patience, and the estimate turns Erlang A.
    await ok(call(`/v1/conversations/${written[1]!.conversationId}/state`, { method: "POST", auth: written[1]!.token, json: { action: "close" } }));
    await expect.poll(async () => (await ok(staffing(t.key, "queue=default&within_s=20"))).model, { timeout: 5000 }).toBe("erlang_a");
    const after = await ok(staffing(t.key, "queue=default&within_s=20"));
    expect(after.inputs.sources.patience_s).toBe("observed");
    expect(after.inputs.patience_s).toBeGreaterThan(0);
  });
});
