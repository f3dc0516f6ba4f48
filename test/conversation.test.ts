import { describe, expect, it } from "vitest";
import { call, Client, ok, tenant, text, visitor } from "./helpers";

describe("conversation over WebSocket", () => {
  it("a repeated client_msg_id stores one message and acks the original", async () => {
    const t = await tenant();
    const v = await visitor(t.id);
    const customer = await Client.open(v.conversationId, v.token);
    await customer.next("welcome");
    const id = crypto.randomUUID();
    customer.send({ type: "message", client_msg_id: id, parts: text("hello") });
    const first = await customer.next("ack");
    customer.send({ type: "message", client_msg_id: id, parts: text("hello again") });
    const second = await customer.next("ack");
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, seq: first.seq, message_id: first.message_id });
    const page = await ok(call(`/v1/conversations/${v.conversationId}/messages`, { auth: t.key }));
    expect(page.data).toHaveLength(1);
    expect(page.data[0].parts).toEqual(text("hello"));
  });
});
