import { describe, expect, it, vi } from "vitest";
import { call, Client, DeskClient, ok, tenant, text, visitor } from "./helpers";

/** The routing-quality settings through the real API: agent schedules and required languages reach the desk. */

const profile = (over: Record<string, unknown> = {}) => ({ skills: [], teams: [], languages: ["en"], capacity: { voice: 1, chat: 3, email: 5 }, ...over });

async function customerWrites(tenantId: string) {
  const v = await visitor(tenantId);
  const c = await Client.open(v.conversationId, v.token);
  await c.next("welcome");
  c.send({ type: "message", client_msg_id: crypto.randomUUID(), parts: text("hello") });
  await c.next("ack");
  return { ...v, socket: c };
}

describe("agent schedules", () => {
  it("refuses an unknown schedule calendar and routes nothing to an agent off shift until the schedule is lifted", async () => {
    const t = await tenant();
    // A calendar with no opening hours: never open.
    await ok(call("/v1/routing/config", { method: "PUT", auth: t.key, json: { calendars: [{ id: "never", timezone: "UTC", hours: [] }] } }));
    const unknown = await call(`/v1/agents/${t.agentId}/routing`, { method: "PUT", auth: t.key, json: profile({ schedule_calendar_id: "nope" }) });
    expect(unknown.status).toBe(422);
    expect((await unknown.json<{ errors: { field: string }[] }>()).errors[0]!.field).toBe("schedule_calendar_id");
    await ok(call(`/v1/agents/${t.agentId}/routing`, { method: "PUT", auth: t.key, json: profile({ schedule_calendar_id: "never" }) }));
    const desk = await DeskClient.open(t.agentToken);
    await desk.next("hello");
    desk.send({ type: "status", status: "available" });
    await desk.next("agent_status");
    const v = await customerWrites(t.id);
    const overview = async () => (await ok<{ waiting: { conversation_id: string; reason: string }[] }>(call("/v1/routing/desk", { auth: t.key }))).waiting;
    // The conversation reaches the desk through its outbox, a moment after the ack.
    await vi.waitFor(async () => expect((await overview()).find((w) => w.conversation_id === v.conversationId)?.reason).toBe("no_staffed_agent"), { timeout: 5000, interval: 50 });
    const agents = (await ok<{ agents: { id: string; on_shift: boolean; budget_used: number }[] }>(call("/v1/routing/desk", { auth: t.key }))).agents;
    expect(agents.find((a) => a.id === t.agentId)).toMatchObject({ on_shift: false, budget_used: 0 });
    // Without the schedule the agent is on shift again and gets the offer.
    await ok(call(`/v1/agents/${t.agentId}/routing`, { method: "PUT", auth: t.key, json: profile() }));
    expect((await desk.next("offer", (f) => f.conversation_id === v.conversationId)).conversation_id).toBe(v.conversationId);
  });
});
