import { afterEach, describe, expect, it, vi } from "vitest";
import { call, ok, tenant, text } from "./helpers";
import { hmac, toHex } from "../shared/crypto";
import { threadConversationId } from "../workers/channels/ingest";

const SECRET = "acme-signing-secret";
const spec = {
  slug: "acme-chat",
  signature: { scheme: "hmac-sha256-hex", header: "X-Acme-Signature", prefix: "sha256=", secret: SECRET },
  inbound: { items: "/events", thread_id: "/chat/id", message_id: "/id", text: "/text", contact_id: "/from/id", contact_name: "/from/name" },
  outbound: {
    url: "https://api.acme.example/chats/{thread_id}/messages",
    method: "POST",
    headers: { Authorization: "Bearer {config.token}" },
    body: { chat: "{{thread_id}}", text: "{{text}}", ref: "{{message_id}}" },
  },
  response_id: "/result/id",
};

afterEach(() => vi.restoreAllMocks());

describe("a tenant-defined declarative channel", () => {
  it("is created through the API, then receives and sends with no deploy", async () => {
    const t = await tenant();
    const put = await ok(call("/v1/channels/custom:acme-chat", { method: "PUT", auth: t.key, json: { spec, config: { token: "acme-token" } } }));
    expect(put.spec.signature.secret).toBe("••••");

    // Captured as plain values: the queue consumer's request bodies cannot be read from the test's context.
    const provider: { url: string; authorization: string | null; body: string }[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const req = new Request(input, init);
      provider.push({ url: req.url, authorization: req.headers.get("authorization"), body: await req.text() });
      return Response.json({ result: { id: "acme-out-1" } });
    });

    const body = JSON.stringify({ events: [{ id: "m-1", chat: { id: "room-9" }, text: "Is my order shipped?", from: { id: "u-5", name: "Zed" } }] });
    const signature = `sha256=${toHex(await hmac("SHA-256", SECRET, body))}`;
    const res = await call(`/webhooks/${t.id}/custom:acme-chat`, { method: "POST", body, headers: { "content-type": "application/json", "x-acme-signature": signature } });
    expect(res.status).toBe(200);
    const bad = await call(`/webhooks/${t.id}/custom:acme-chat`, { method: "POST", body, headers: { "content-type": "application/json", "x-acme-signature": "sha256=00" } });
    expect(bad.status).toBe(401);

    const conversationId = await threadConversationId(t.id, "custom:acme-chat", "room-9");
    const history = await ok(call(`/v1/conversations/${conversationId}/messages`, { auth: t.key }));
    expect(history.data).toHaveLength(1);
    expect(history.data[0]).toMatchObject({ channel: "custom:acme-chat", direction: "inbound", parts: text("Is my order shipped?"), sender: { kind: "customer", name: "Zed" } });

    const reply = await ok(call(`/v1/conversations/${conversationId}/messages`, { method: "POST", auth: t.agentToken, json: { client_msg_id: "r1", parts: text("Yes, it left today.") } }), 201);
    await vi.waitFor(
      async () => {
        const m = (await ok(call(`/v1/conversations/${conversationId}/messages`, { auth: t.key }))).data.find((x: { id: string }) => x.id === reply.id);
        expect(m.delivery).toMatchObject({ status: "sent" });
      },
      { timeout: 10_000, interval: 100 },
    );
    const sent = provider.find((r) => r.url === "https://api.acme.example/chats/room-9/messages")!;
    expect(sent.authorization).toBe("Bearer acme-token");
    expect(JSON.parse(sent.body)).toEqual({ chat: "room-9", text: "Yes, it left today.", ref: reply.id });
  });

  it("refuses a spec whose slug does not match the channel name, or a built-in channel given a spec", async () => {
    const t = await tenant();
    const r1 = await call("/v1/channels/custom:other", { method: "PUT", auth: t.key, json: { spec, config: {} } });
    expect(r1.status).toBe(422);
    const r2 = await call("/v1/channels/custom:acme-chat", { method: "PUT", auth: t.key, json: { spec: { ...spec, inbound: { ...spec.inbound, thread_id: "chat/id" } }, config: {} } });
    expect(r2.status).toBe(422);
    expect(((await r2.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("spec.inbound.thread_id");
  });
});
