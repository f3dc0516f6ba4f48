/// <reference types="vite/client" />
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import worker from "../workers/index";
import { call, ok, tenant, text } from "./helpers";
import { threadConversationId } from "../workers/channels/ingest";
import simple from "./fixtures/email/rfc5322-a1-simple.eml?raw";
import reply from "./fixtures/email/rfc5322-a2-reply.eml?raw";
import postfixDsn from "./fixtures/email/postfix-dsn-headers.eml?raw";
import delayedDsn from "./fixtures/email/delayed-dsn.eml?raw";
import gmailBounce from "./fixtures/email/gmail-bounce.eml?raw";
import autoReplied from "./fixtures/email/rfc3834-auto-replied.eml?raw";
import outlookOoo from "./fixtures/email/outlook-automatic-reply.eml?raw";
import multipart from "./fixtures/email/multipart-attachment.eml?raw";

/** What Email Routing hands the Worker's email() handler. */
function incoming(raw: string, to: string, from = "sender@example.net") {
  const bytes = new TextEncoder().encode(raw.replaceAll(/\r?\n/g, "\r\n"));
  const rejected: string[] = [];
  const message = {
    from,
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

type Message = { id: string; sender: { kind: string }; parts: { type: string; text?: string; url?: string }[]; delivery?: { status: string; reason?: string }; metadata: Record<string, unknown> };

async function emailTenant() {
  const t = await tenant();
  await ok(
    call("/v1/channels/email", {
      method: "PUT",
      auth: t.key,
      json: { config: { from_address: "support@mail.acme.example", domain: "mail.acme.example", relay_url: "https://relay.example/send", relay_token: "relay-token" } },
    }),
  );
  const deliver = async (raw: string, from?: string) => {
    const { message, rejected } = incoming(raw, `${t.id}@inbound.acme.example`, from);
    await worker.email(message, env);
    expect(rejected).toEqual([]);
  };
  const history = async (conversationId: string): Promise<Message[]> => (await ok(call(`/v1/conversations/${conversationId}/messages`, { auth: t.key }))).data;
  const conversation = (conversationId: string) => call(`/v1/conversations/${conversationId}`, { auth: t.key });
  return { ...t, deliver, history, conversation };
}

/** The relay answers 202; what it was sent is kept. */
function relay(): string[] {
  const sent: string[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    if (req.headers.get("authorization") === "Bearer relay-token") sent.push(new TextDecoder().decode(await req.arrayBuffer()));
    return new Response(null, { status: 202 });
  });
  return sent;
}

/** An agent's reply through the console API, once the outbound consumer has handed it to the relay. */
async function agentReply(t: Awaited<ReturnType<typeof emailTenant>>, conversationId: string, clientMsgId: string): Promise<string> {
  const answer = await ok<{ id: string }>(call(`/v1/conversations/${conversationId}/messages`, { method: "POST", auth: t.agentToken, json: { client_msg_id: clientMsgId, parts: text("Hello back!") } }), 201);
  await vi.waitFor(
    async () => {
      expect((await t.history(conversationId)).find((m) => m.id === answer.id)?.delivery).toMatchObject({ status: "sent" });
      const row = await env.DB.prepare("SELECT message_id FROM provider_messages WHERE tenant_id = ? AND channel = 'email' AND provider_message_id = ?").bind(t.id, `${answer.id}@mail.acme.example`).first();
      expect(row).toEqual({ message_id: answer.id });
    },
    { timeout: 10_000, interval: 100 },
  );
  return answer.id;
}

afterEach(() => vi.restoreAllMocks());

describe("e-mail through Email Routing", () => {
  it("threads a reply into the original conversation and answers with proper threading headers", async () => {
    const t = await emailTenant();
    for (const raw of [simple, reply, reply]) await t.deliver(raw);
    const conversationId = await threadConversationId(t.id, "email", "1234@local.machine.example");
    expect((await t.history(conversationId)).map((m) => m.parts[0]!.text!.split("\n")[0])).toEqual(["This is a message just to say hello.", "This is a reply to your hello."]);

    const relayed = relay();
    // The reply travels the real path: conversation outbox → outbound queue → consumer → relay.
    const answerId = await agentReply(t, conversationId, "mail-1");
    const mime = relayed[0]!;
    expect(mime).toMatch(/^To: <smith@home\.example>$/m);
    expect(mime).toMatch(/^Subject: Re: Saying Hello$/m);
    expect(mime).toMatch(/^In-Reply-To: <3456@example\.net>$/m);
    expect(mime).toMatch(/^References: <1234@local\.machine\.example>/m);
    expect(mime).toMatch(new RegExp(`^Message-ID: <${answerId}@mail\\.acme\\.example>$`, "m"));
  });

  it("stores attachments before the message, with URLs under PUBLIC_URL", async () => {
    const t = await emailTenant();
    await t.deliver(multipart);
    const [m] = await t.history(await threadConversationId(t.id, "email", "caf=abc123+xyz@mail.customer.example"));
    expect(m!.parts.map((p) => p.type)).toEqual(["text", "image", "file"]);
    const url = m!.parts[1]!.url!;
    expect(url).toMatch(new RegExp(`^${env.PUBLIC_URL}/v1/media/files/tenant=${t.id}/email/[0-9a-f]{64}$`));
    const image = await call(new URL(url).pathname, { auth: t.agentToken });
    expect([image.status, image.headers.get("content-type")]).toEqual([200, "image/png"]);
  });

  it("rejects mail for a tenant without the e-mail channel at SMTP time", async () => {
    const { message, rejected } = incoming(simple, "ten_nobody@inbound.acme.example");
    await worker.email(message, env);
    expect(rejected).toEqual(["unknown recipient"]);
  });
});

describe("bounces fail the reply they concern", () => {
  it("a DSN marks the agent's reply failed with its status and diagnostic; no conversation, nothing for the desk", async () => {
    const t = await emailTenant();
    await t.deliver(simple);
    const conversationId = await threadConversationId(t.id, "email", "1234@local.machine.example");
    relay();
    const answerId = await agentReply(t, conversationId, "mail-dsn");
    const before = await ok(t.conversation(conversationId));
    const messagesBefore = (await t.history(conversationId)).length;

    const bounce = postfixDsn.replace("msg_5e6f708192a3b4c5d6e7f8091a2b3c4d", answerId);
    await t.deliver(bounce, "");

    const failed = (await t.history(conversationId)).find((m) => m.id === answerId)!;
    expect(failed.delivery).toMatchObject({
      status: "failed",
      reason: "5.1.1 550 5.1.1 <nobody@customer.example>: Recipient address rejected: User unknown in virtual mailbox table",
    });
    expect(await t.history(conversationId)).toHaveLength(messagesBefore);
    // the bounce's own thread never became a conversation
    expect((await t.conversation(await threadConversationId(t.id, "email", "20250114100211.4yxk2t0bjzz9swq@mx1.relay.example"))).status).toBe(404);
    const after = await ok(t.conversation(conversationId));
    expect({ status: after.status, assignee_id: after.assignee_id }).toEqual({ status: before.status, assignee_id: before.assignee_id });
  });

  it("a plain-text bounce (Gmail, X-Failed-Recipients) works the same way, and a delay notice changes nothing", async () => {
    const t = await emailTenant();
    await t.deliver(simple);
    const conversationId = await threadConversationId(t.id, "email", "1234@local.machine.example");
    relay();
    const delayedId = await agentReply(t, conversationId, "mail-delayed");
    await t.deliver(delayedDsn.replace("msg_9a8b7c6d5e4f30211203f4e5d6c7b8a9", delayedId), "");
    expect((await t.history(conversationId)).find((m) => m.id === delayedId)?.delivery).toMatchObject({ status: "sent" });

    const bouncedId = await agentReply(t, conversationId, "mail-gmail");
    await t.deliver(gmailBounce.replace("msg_d15ea5e0d15ea5e0d15ea5e0d15ea5e0", bouncedId), "");
    expect((await t.history(conversationId)).find((m) => m.id === bouncedId)?.delivery).toMatchObject({ status: "failed", reason: "5.1.1 550 5.1.1 <userunknown@customer.example>... User Unknown" });
  });
});

describe("auto-replies are system messages that ask nobody for anything", () => {
  it("an out-of-office reply in the thread is stored as a system message; the resolved conversation stays resolved", async () => {
    const t = await emailTenant();
    await t.deliver(simple);
    const conversationId = await threadConversationId(t.id, "email", "1234@local.machine.example");
    relay();
    const answerId = await agentReply(t, conversationId, "mail-ooo");
    await ok(call(`/v1/conversations/${conversationId}/state`, { method: "POST", auth: t.key, json: { action: "resolve" } }));

    await t.deliver(autoReplied.replaceAll("msg_0123456789abcdef0123456789abcdef", answerId), "");
    const ooo = (await t.history(conversationId)).at(-1)!;
    expect(ooo.sender.kind).toBe("system");
    expect(ooo.parts[0]!.text).toMatch(/^I am away until December 1st/);
    expect(ooo.metadata).toMatchObject({ automated: "Auto-Submitted: auto-replied" });
    expect((await ok(t.conversation(conversationId))).status).toBe("resolved");
  });

  it("an auto-reply that starts no known thread is stored, but the conversation is never queued", async () => {
    const t = await emailTenant();
    await t.deliver(outlookOoo, "");
    await t.deliver(outlookOoo, "");
    const conversationId = await threadConversationId(t.id, "email", "fb1b2d9ea3df46d9839a6dcb99410ebb@exch01.example.net");
    const messages = await t.history(conversationId);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.sender.kind).toBe("system");
    expect((await ok(t.conversation(conversationId))).status).toBe("open");
  });
});
