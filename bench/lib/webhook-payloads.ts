import { createHash, createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./wrangler.ts";

/**
 * What the webhooks section sends: the documented fixtures in test/fixtures/<channel>/ made unique per delivery,
 * signed the way each provider signs them (as test/signers/<channel>.ts compute them, here with node:crypto so
 * the bench needs no Workers runtime), and the conversation ids the ingest path derives from them.
 */

export type Channel = "telegram" | "whatsapp" | "line" | "slack" | "api";
export const CHANNELS: Channel[] = ["telegram", "whatsapp", "line", "slack", "api"];

export type Secrets = {
  telegram: { bot_token: string; secret_token: string };
  whatsapp: { app_secret: string; verify_token: string; access_token: string; phone_number_id: string };
  line: { channel_secret: string; channel_access_token: string };
  slack: { signing_secret: string; bot_token: string };
  api: { secret: string; outbound_url: string };
};

export type Delivery = {
  channel: Channel;
  thread: number;
  /** What the conversation stores as client_msg_id: `${channel}:${providerMessageId}`. */
  cmid: string;
  body: Buffer;
  bad: boolean;
  /** Built at first send (Slack and Standard Webhooks timestamps must be fresh) and reused by duplicates. */
  headers: Record<string, string> | null;
};


function fixture(channel: string, file: string): unknown {
  return JSON.parse(readFileSync(path.join(ROOT, "test", "fixtures", channel, file), "utf8"));
}

const b64 = (n: number) => randomBytes(n).toString("base64url").replace(/[^A-Za-z0-9]/g, "x");

export function secrets(): Secrets {
  return {
    telegram: { bot_token: `123456:${b64(24)}`, secret_token: b64(32) },
    whatsapp: { app_secret: b64(24), verify_token: b64(12), access_token: b64(24), phone_number_id: "106540352242922" },
    line: { channel_secret: b64(24), channel_access_token: b64(24) },
    slack: { signing_secret: b64(24), bot_token: `xoxb-${b64(16)}` },
    api: { secret: `whsec_${randomBytes(32).toString("base64")}`, outbound_url: "http://127.0.0.1:9/bench-unused" },
  };
}

/** The provider's thread id as the adapter derives it (see each adapter's parse). */
export function threadKey(channel: Channel, t: number, s: Secrets): string {
  switch (channel) {
    case "telegram":
      return String(900_000_000 + t);
    case "whatsapp":
      return `${s.whatsapp.phone_number_id}:${waId(t)}`;
    case "line":
      return `Cbench${t}`;
    case "slack":
      return `TXXXXXXXX:${slackChannel(t)}`;
    case "api":
      return `bench-thread-${t}`;
  }
}
const waId = (t: number) => String(16_500_000_000 + t);
const slackChannel = (t: number) => `D0BENCH${t}`;

/** A fixture body with unique provider ids for delivery n in thread t; returns the body and the provider message id. */
export function buildBody(channel: Channel, n: number, t: number, runTag: string): { body: unknown; providerMessageId: string } {
  switch (channel) {
    case "telegram": {
      const u = fixture("telegram", "text.json") as { update_id: number; message: { message_id: number; chat: { id: number }; from: { id: number }; text: string; date: number } };
      const chat = 900_000_000 + t;
      u.update_id = n;
      u.message.message_id = n;
      u.message.chat.id = chat;
      u.message.from.id = chat;
      u.message.text = `bench ${runTag} ${n}`;
      return { body: u, providerMessageId: `${chat}:${n}` };
    }
    case "whatsapp": {
      const p = fixture("whatsapp", "text.json") as { entry: { changes: { value: { contacts: { wa_id: string }[]; messages: { id: string; from: string; text: { body: string } }[] } }[] }[] };
      const v = p.entry[0]!.changes[0]!.value;
      const id = `wamid.${runTag}.${n}`;
      v.contacts[0]!.wa_id = waId(t);
      v.messages[0]!.id = id;
      v.messages[0]!.from = waId(t);
      v.messages[0]!.text.body = `bench ${runTag} ${n}`;
      return { body: p, providerMessageId: id };
    }
    case "line": {
      const p = fixture("line", "text_group.json") as { events: { webhookEventId: string; timestamp: number; source: { groupId: string; userId: string }; message: { id: string; text: string } }[] };
      const e = p.events[0]!;
      const id = `${runTag}${n}`;
      e.webhookEventId = `01BENCH${runTag}${n}`;
      e.source.groupId = `Cbench${t}`;
      e.source.userId = `Ubench${t}`;
      e.message.id = id;
      return { body: p, providerMessageId: id };
    }
    case "slack": {
      const p = fixture("slack", "message.json") as { event_id: string; event: { channel: string; channel_type?: string; user: string; text: string; ts: string } };
      const ts = `${1_700_000_000 + Math.floor(n / 1_000_000)}.${String(n % 1_000_000).padStart(6, "0")}`;
      p.event_id = `Ev${runTag}${n}`;
      p.event.channel = slackChannel(t);
      p.event.channel_type = "im";
      p.event.user = `U0BENCH${t}`;
      p.event.text = `bench ${runTag} ${n}`;
      p.event.ts = ts;
      return { body: p, providerMessageId: `${slackChannel(t)}:${ts}` };
    }
    case "api": {
      const p = fixture("api", "message-text.json") as { thread_id: string; message_id: string; contact: { external_id: string }; parts: { type: string; text: string }[] };
      const id = `m_${runTag}_${n}`;
      p.thread_id = `bench-thread-${t}`;
      p.message_id = id;
      p.contact.external_id = `cust_bench_${t}`;
      p.parts[0]!.text = `bench ${runTag} ${n}`;
      return { body: p, providerMessageId: id };
    }
  }
}

/** The headers each provider sends (test/signers/<channel>.ts); `bad` signs with a wrong secret. */
export function sign(d: Delivery, s: Secrets, webhookId: string): Record<string, string> {
  const wrong = (secret: string) => (d.bad ? `${secret}-wrong` : secret);
  const hmac = (key: string | Buffer) => createHmac("sha256", key);
  switch (d.channel) {
    case "telegram":
      return { "content-type": "application/json", "x-telegram-bot-api-secret-token": wrong(s.telegram.secret_token) };
    case "whatsapp":
      return { "content-type": "application/json", "x-hub-signature-256": `sha256=${hmac(wrong(s.whatsapp.app_secret)).update(d.body).digest("hex")}` };
    case "line":
      return { "content-type": "application/json; charset=utf-8", "x-line-signature": hmac(wrong(s.line.channel_secret)).update(d.body).digest("base64") };
    case "slack": {
      const ts = String(Math.floor(Date.now() / 1000));
      const sig = hmac(wrong(s.slack.signing_secret)).update(`v0:${ts}:`).update(d.body).digest("hex");
      return { "content-type": "application/json", "x-slack-request-timestamp": ts, "x-slack-signature": `v0=${sig}` };
    }
    case "api": {
      const ts = Math.floor(Date.now() / 1000);
      const key = Buffer.from(s.api.secret.slice("whsec_".length), "base64");
      if (d.bad) key[0] = key[0]! ^ 0xff;
      const sig = hmac(key).update(`${webhookId}.${ts}.`).update(d.body).digest("base64");
      return { "content-type": "application/json", "webhook-id": webhookId, "webhook-timestamp": String(ts), "webhook-signature": `v1,${sig}` };
    }
  }
}

/** The id workers/channels/ingest.ts threadConversationId gives a provider thread's conversation. */
export function conversationIdOf(tenantId: string, channel: string, thread: string): string {
  return `cnv_${createHash("sha256").update(`${tenantId}\u0000${channel}\u0000${thread}`).digest("hex").slice(0, 32)}`;
}
