import { describe, expect, inject, it } from "vitest";
import { call, Client, ok, tenant, text, visitor } from "../helpers";
import type { CrmStubStats } from "./stub-crm-server";
import type { StandardMessage } from "../../shared/message";

/** The order lookup through the real Worker: the profile and the bot read a CRM stub server (test/connectors/stub-crm-server.ts). */

const stub = inject("crmStub");

const ORDERS = [
  { id: "12345", status: "shipped", total: 59.9, currency: "EUR", placed_at: "2026-11-20T10:00:00Z", tracking_url: "https://track.example/12345", items: [{ name: "Jacket", quantity: 1 }] },
  { id: "55501", status: "delivered", total: 12, currency: "EUR", placed_at: "2026-10-01T10:00:00Z" },
  { id: "bad", status: "shipped" },
];

/** A fresh scope on the stub, and the tenant's connector pointed at it. */
async function connected(key: string, setup: Record<string, unknown> = {}, urls: ("orders" | "lookup" | "tickets")[] = ["orders"]) {
  const base = `${stub}/${crypto.randomUUID()}`;
  await fetch(`${base}/setup`, { method: "POST", body: JSON.stringify({ orders: ORDERS, ...setup }) });
  const config: Record<string, string> = { token: "crm-secret" };
  if (urls.includes("orders")) config.orders_url = `${base}/orders`;
  if (urls.includes("lookup")) config.url = `${base}/lookup`;
  if (urls.includes("tickets")) config.tickets_url = `${base}/tickets`;
  const res = await ok(call("/v1/tenant", { method: "PATCH", auth: key, json: { crm_lookup: config } }));
  expect(res.crm_lookup).toBe("configured");
  return { base, stats: async () => (await fetch(`${base}/stats`)).json<CrmStubStats>() };
}

const profile = (key: string, contactId: string) => ok(call(`/v1/contacts/${contactId}`, { auth: key }));

describe("order lookup in the customer profile", () => {
  it("shows the contact's orders from the CRM, sends the contact and the token, and answers the next read from the cache", async () => {
    const t = await tenant();
    const crm = await connected(t.key);
    const v = await visitor(t.id);
    const first = await profile(t.key, v.contactId);
    expect(first.orders_source).toBe("crm");
    // The malformed order is dropped, not the whole answer.
    expect(first.orders.map((o: { id: string }) => o.id)).toEqual(["12345", "55501"]);
    expect(first.orders[0]).toMatchObject({ status: "shipped", total: 59.9, currency: "EUR", tracking_url: "https://track.example/12345" });
    const second = await profile(t.key, v.contactId);
    expect(second.orders).toEqual(first.orders);
    const stats = await crm.stats();
    expect(stats.orders.requests).toBe(1);
    expect(stats.orders.authorization).toBe("Bearer crm-secret");
    expect(stats.orders.last).toMatchObject({ contact: { id: v.contactId } });
  });

  it("says not_configured without an orders_url, and a connector config without one stays valid", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    expect(await profile(t.key, v.contactId)).toMatchObject({ orders: [], orders_source: "not_configured" });
    await connected(t.key, {}, ["lookup"]);
    expect(await profile(t.key, v.contactId)).toMatchObject({ orders: [], orders_source: "not_configured" });
    const bad = await call("/v1/tenant", { method: "PATCH", auth: t.key, json: { crm_lookup: { token: "x" } } });
    expect(bad.status).toBe(422);
  });

  it("degrades to unavailable when the order system fails, and stops calling it once the circuit opens", async () => {
    const t = await tenant();
    const crm = await connected(t.key, { fail: { orders: true } });
    const v = await visitor(t.id);
    for (let i = 0; i < 8; i++) expect(await profile(t.key, v.contactId)).toMatchObject({ orders: [], orders_source: "unavailable", id: v.contactId });
    // Five consecutive failures open the tenant's orders circuit: the last three reads never reached the system.
    expect((await crm.stats()).orders.requests).toBe(5);
  });

  it("gives up on a slow order system after its timeout and still answers the profile", async () => {
    const t = await tenant();
    await connected(t.key, { slow: { orders: true } });
    const v = await visitor(t.id);
    const started = Date.now();
    expect(await profile(t.key, v.contactId)).toMatchObject({ orders_source: "unavailable" });
    expect(Date.now() - started).toBeLessThan(4500);
  });
});

describe("order status from the bot", () => {
  async function botCustomer(key: string, tenantId: string) {
    await ok(call("/v1/bot/config", { method: "PATCH", auth: key, json: { enabled: true, learning: { frozen: false, exploration: 0.5, max_explore_rate: 0 } } }));
    const v = await visitor(tenantId);
    const socket = await Client.open(v.conversationId, v.token);
    await socket.next("welcome");
    let n = 0;
    const say = async (words: string): Promise<string> => {
      socket.send({ type: "message", client_msg_id: `c${++n}`, parts: text(words) });
      const m: StandardMessage = (await socket.next("message", (f) => f.message.sender.kind === "bot")).message;
      return m.parts.map((p) => (p.type === "text" ? p.text : p.type === "quick_replies" ? (p.text ?? "") : "")).join(" ");
    };
    return { ...v, say };
  }

  it("answers with the real status of the order the customer names, and of the newest order when they name none", async () => {
    const t = await tenant();
    const crm = await connected(t.key);
    const c = await botCustomer(t.key, t.id);
    const named = await c.say("Where is my order 55501?");
    expect(named).toContain("55501");
    expect(named).toContain("delivered");
    expect(named).toMatch(/did this answer your question/i);
    expect((await crm.stats()).orders.last).toMatchObject({ contact: { id: c.contactId } });

    const other = await botCustomer(t.key, t.id);
    const newest = await other.say("Can you track my order for me?");
    expect(newest).toContain("12345");
    expect(newest).toContain("shipped");
    expect(newest).toContain("https://track.example/12345");
  });

  it("goes on as without an order system when the order is unknown or the system is down", async () => {
    const question = "Where is my order 99999?";
    const plain = await tenant();
    const without = await (await botCustomer(plain.key, plain.id)).say(question);
    expect(without).not.toMatch(/your order/i);
    const t = await tenant();
    await connected(t.key);
    expect(await (await botCustomer(t.key, t.id)).say(question)).toBe(without);
    const down = await tenant();
    await connected(down.key, { fail: { orders: true } });
    expect(await (await botCustomer(down.key, down.id)).say(question)).toBe(without);
  });
});
