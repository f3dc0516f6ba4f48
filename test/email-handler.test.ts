/// <reference types="vite/client" />
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import worker from "../workers/index";
import { call, ok, tenant, text } from "./helpers";
import { threadConversationId } from "../workers/channels/ingest";
import simple from "./fixtures/email/rfc5322-a1-simple.eml?raw";
import reply from "./fixtures/email/rfc5322-a2-reply.eml?raw";

/** What Email Routing hands the Worker's email() handler. */
function incoming(raw: string, to: string) {
  const bytes = new TextEncoder().encode(raw.replaceAll(/\r?\n/g, "\r\n"));
  const rejected: string[] = [];
  const message = {
    from: "sender@example.net",
    to,
    headers: new Headers(),
    raw: new Response(bytes).body!,
    rawSize: bytes.byteLength,
    setReject: (reason: string) => void rejected.push(reason),
    forward: async () => ({ messageId: "" }),
    reply: async () => ({ messageId: "" }),
  } as unknown as ForwardableEmailMessage;
  return { message, rejected };
}

afterEach(() => vi.restoreAllMocks());

describe("e-mail through Email Routing", () => {
  it("threads a reply into the original conversation and answers with proper threading headers", async () => {
    const t = await tenant();
    await ok(
      call("/v1/channels/email", {
        method: "PUT",
        auth: t.key,
        json: { config: { from_address: "support@acme.example", domain: "acme.example", relay_url: "https://relay.example/send", relay_token: "relay-token" } },
      }),
    );
    for (const raw of [simple, reply, reply]) {
      const { message, rejected } = incoming(raw, `${t.id}@inbound.acme.example`);
      await worker.email(message, env);
      expect(rejected).toEqual([]);
    }
    const conversationId = await threadConversationId(t.id, "email", "1234@local.machine.example");
    const history = await ok(call(`/v1/conversations/${conversationId}/messages`, { auth: t.key }));
    expect(history.data.map((m: { parts: { text: string }[] }) => m.parts[0]!.text.split("\n")[0])).toEqual(["This is a message just to say hello.", "This is a reply to your hello."]);

    const relayed: { authorization: string | null; body: string }[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const req = new Request(input, init);
      relayed.push({ authorization: req.headers.get("authorization"), body: await req.text() });
      return Response.json({ id: "<relay-1@relay.example>" });
    });
    // The reply travels the real path: conversation outbox → outbound queue → consumer → relay.
    const answer = await ok(call(`/v1/conversations/${conversationId}/messages`, { method: "POST", auth: t.agentToken, json: { client_msg_id: "mail-1", parts: text("Hello back!") } }), 201);
    await vi.waitFor(
      async () => {
        const m = (await ok(call(`/v1/conversations/${conversationId}/messages`, { auth: t.key }))).data.find((x: { id: string }) => x.id === answer.id);
        expect(m.delivery).toMatchObject({ status: "sent" });
      },
      { timeout: 10_000, interval: 100 },
    );
    const mime = relayed.find((r) => r.authorization === "Bearer relay-token")!.body;
    expect(mime).toMatch(/^To: <smith@home\.example>$/m);
    expect(mime).toMatch(/^Subject: Re: Saying Hello$/m);
    expect(mime).toMatch(/^In-Reply-To: <3456@example\.net>$/m);
    expect(mime).toMatch(/^References: <1234@local\.machine\.example>/m);
  });

  it("rejects mail for a tenant without the e-mail channel at SMTP time", async () => {
    const { message, rejected } = incoming(simple, "ten_nobody@inbound.acme.example");
    await worker.email(message, env);
    expect(rejected).toEqual(["unknown recipient"]);
  });
});
