/**
 * Slack Events API (and the interactivity endpoint, for the buttons our quick replies become).
 * X-Slack-Signature is v0=<hex HMAC-SHA256("v0:" + X-Slack-Request-Timestamp + ":" + raw body)>, and a
 * timestamp more than five minutes from now is refused so a captured request cannot be replayed.
 *
 * Threads: a direct message channel is one conversation, "<team>:<channel>". In other channels every
 * top-level message starts a Slack thread and a conversation, "<team>:<channel>:<thread root ts>", which
 * is where replies are posted. Provider message ids are "<channel>:<ts>", the same for every retry of a
 * delivery (X-Slack-Retry-Num) and for the copy an app_mention subscription would add.
 */
import { z } from "zod";
import { hmac, timingSafeEqual, toHex } from "../../shared/crypto";
import type { ContentPart } from "../../shared/message";
import { ChannelError, clip, count, decodeJson, epochMs, httpOutcome, httpUrl, jsonOrNull, textOf, textParts, trimSlash, utf8, validated, withPrompts } from "./adapter";
import type { ChannelAdapter, InboundItem, InboundMessage, OutgoingPart, ProviderResponse, SendOutcome } from "./adapter";

export const SlackConfig = z.object({
  signing_secret: z.string().min(1),
  bot_token: z.string().min(1),
  api_base: z.url({ protocol: /^https?$/ }).default("https://slack.com/api"),
});
export type SlackConfig = z.infer<typeof SlackConfig>;

const MAX_SKEW_S = 5 * 60;

const SlackId = z.string().min(1).max(64);
const Ts = z.string().regex(/^[0-9]{1,12}\.[0-9]{1,9}$/);

const File = z.object({ name: z.string().optional(), mimetype: z.string().optional(), size: z.number().optional(), url_private: z.string().optional() });
const Message = z.object({
  user: SlackId.optional(),
  text: z.string().optional(),
  ts: Ts,
  thread_ts: Ts.optional(),
  bot_id: z.string().optional(),
  edited: z.object({ ts: Ts }).optional(),
  files: z.array(File).optional(),
});
const Event = Message.extend({
  type: z.literal("message"),
  subtype: z.string().optional(),
  channel: SlackId,
  channel_type: z.string().optional(),
  message: Message.optional(),
});
type Event = z.infer<typeof Event>;

const Envelope = z.object({ type: z.string(), challenge: z.string().optional(), team_id: SlackId.optional(), event_id: z.string().optional(), event: z.unknown().optional() });

const BlockActions = z.object({
  type: z.literal("block_actions"),
  team: z.object({ id: SlackId }),
  user: z.object({ id: SlackId, name: z.string().optional() }),
  channel: z.object({ id: SlackId }),
  container: z.object({ message_ts: Ts.optional(), thread_ts: Ts.optional() }).optional(),
  message: z.object({ ts: Ts, thread_ts: Ts.optional() }).optional(),
  actions: z.array(z.object({ type: z.string(), value: z.string().optional(), text: z.object({ text: z.string() }).optional(), action_ts: z.string() })),
});

/** Subtypes that are a person saying something. */
const SPOKEN = new Set([undefined, "file_share", "thread_broadcast", "me_message"]);

function isDirect(channel: string, channelType?: string): boolean {
  return channelType ? channelType === "im" : channel.startsWith("D");
}

function threadOf(team: string, channel: string, root: string, direct: boolean): string {
  return direct ? `${team}:${channel}` : `${team}:${channel}:${root}`;
}

/** Files are served at url_private to requests bearing the bot token. */
function parts(m: z.infer<typeof Message>): ContentPart[] {
  const files = (m.files ?? []).flatMap((f): ContentPart[] => {
    const url = httpUrl(f.url_private);
    if (!url) return [];
    const mime_type = clip(f.mimetype, 100);
    if (mime_type?.startsWith("image/")) return [{ type: "image", url, mime_type }];
    return [{ type: "file", url, mime_type, name: clip(f.name, 255), size: count(f.size) }];
  });
  return [...textParts(m.text), ...files];
}

/**
 * Only what a person said: not our own replies or other bots' (answering them would loop), not joins,
 * topic changes or deletions. An edit counts when Slack stamps it `edited`; message_changed without the
 * stamp is a link unfurl.
 */
const Kind = z.object({ type: z.literal("message"), subtype: z.string().optional(), bot_id: z.string().optional() });

function spoken(event: unknown): boolean {
  const k = Kind.safeParse(event);
  return k.success && !k.data.bot_id && (SPOKEN.has(k.data.subtype) || k.data.subtype === "message_changed");
}

function messageItem(team: string, e: Event, eventId: string | undefined): InboundMessage | null {
  const edit = e.subtype === "message_changed";
  const m = edit ? e.message : e;
  if (!m?.user || m.bot_id || (edit && !m.edited)) return null;
  const content = parts(m);
  if (content.length === 0) return null;
  const id = `${e.channel}:${m.ts}`;
  const metadata: Record<string, unknown> = eventId ? { event_id: eventId } : {};
  if (edit) Object.assign(metadata, { edited: true, edit_of: id });
  return {
    kind: "message",
    externalThreadId: threadOf(team, e.channel, m.thread_ts ?? m.ts, isDirect(e.channel, e.channel_type)),
    providerMessageId: m.edited && edit ? `${id}:edit:${m.edited.ts}` : id,
    contact: { externalId: `${team}:${m.user}` },
    parts: content,
    metadata,
    occurredAt: epochMs(m.edited && edit ? m.edited.ts : m.ts),
  };
}

/** A click on one of our quick-reply buttons: the customer "said" the button's label. */
function actionItems(p: z.infer<typeof BlockActions>): InboundItem[] {
  const root = p.container?.thread_ts ?? p.message?.thread_ts ?? p.container?.message_ts ?? p.message?.ts;
  if (!root) return [];
  return p.actions.flatMap((a): InboundItem[] => {
    const said = textParts(a.text?.text || a.value);
    if (a.type !== "button" || a.value === undefined || said.length === 0) return [];
    return [
      {
        kind: "message",
        externalThreadId: threadOf(p.team.id, p.channel.id, root, isDirect(p.channel.id)),
        providerMessageId: `${p.channel.id}:action:${a.action_ts}`,
        contact: { externalId: `${p.team.id}:${p.user.id}`, ...(p.user.name ? { name: p.user.name } : {}) },
        parts: said,
        metadata: { payload: a.value },
        occurredAt: epochMs(a.action_ts),
      },
    ];
  });
}

const FORM = new TextEncoder().encode("payload=");

/** Interactivity posts `payload=<json>` as a form; the Events API posts JSON. */
function body(raw: Uint8Array): unknown {
  if (!FORM.every((b, i) => raw[i] === b)) return decodeJson(raw);
  let form: string;
  try {
    form = utf8(raw);
  } catch {
    throw new ChannelError(400, "form body is not UTF-8");
  }
  return decodeJson(new URLSearchParams(form).get("payload") ?? "");
}

type Block = Record<string, unknown>;

/** Slack reads <…> as links and mentions and & as an entity; text from agents must stay literal. */
function escape(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

function blocks(part: OutgoingPart, index: number): Block[] {
  const section = (text: string): Block => ({ type: "section", text: { type: "mrkdwn", text: escape(text).slice(0, 3000) } });
  switch (part.type) {
    case "text":
      return [section(part.text)];
    case "image":
      return [{ type: "image", image_url: part.url, alt_text: (part.caption ?? "image").slice(0, 2000) }];
    case "quick_replies":
      return [
        section(part.text),
        {
          type: "actions",
          elements: part.options.map((o, i) => ({ type: "button", text: { type: "plain_text", text: o.label.slice(0, 75) }, value: o.value, action_id: `reply_${index}_${i}` })),
        },
      ];
    default:
      return [section(textOf([part]))];
  }
}

const Posted = z.object({ ok: z.literal(true), ts: z.string(), channel: z.string() });
const Failed = z.object({ ok: z.literal(false), error: z.string() });
/** Slack answers HTTP 200 with ok:false; only these errors are worth another attempt. */
const TRANSIENT = new Set(["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"]);

export const slackAdapter: ChannelAdapter<SlackConfig> = {
  name: "slack",
  config: SlackConfig,

  async verify(req, config, nowMs) {
    const ts = req.headers.get("x-slack-request-timestamp");
    const given = req.headers.get("x-slack-signature");
    if (!ts || !given) throw new ChannelError(401, "missing X-Slack-Request-Timestamp or X-Slack-Signature header");
    if (!/^[0-9]{1,12}$/.test(ts)) throw new ChannelError(401, "X-Slack-Request-Timestamp is not a Unix time");
    if (Math.abs(nowMs / 1000 - Number(ts)) > MAX_SKEW_S) throw new ChannelError(401, "X-Slack-Request-Timestamp is more than five minutes away from now");
    const prefix = new TextEncoder().encode(`v0:${ts}:`);
    const signed = new Uint8Array(prefix.length + req.rawBody.length);
    signed.set(prefix);
    signed.set(req.rawBody, prefix.length);
    const expected = `v0=${toHex(await hmac("SHA-256", config.signing_secret, signed))}`;
    if (!timingSafeEqual(given.trim(), expected)) throw new ChannelError(401, "X-Slack-Signature does not match the request signed with the signing secret");
  },

  async parse(req) {
    const raw = body(req.rawBody);
    const kind = validated(raw, z.object({ type: z.string() })).type;
    if (kind === "block_actions") return { items: actionItems(validated(raw, BlockActions)) };
    const envelope = validated(raw, Envelope);
    if (envelope.type === "url_verification") {
      if (!envelope.challenge) throw new ChannelError(422, "url_verification without a challenge");
      const response: ProviderResponse = { status: 200, contentType: "text/plain", body: envelope.challenge };
      return { items: [], response };
    }
    // Other callbacks (app_rate_limited …) and other event types concern no conversation.
    if (envelope.type !== "event_callback" || !spoken(envelope.event)) return { items: [] };
    if (!envelope.team_id) throw new ChannelError(422, "event_callback without team_id");
    const item = messageItem(envelope.team_id, validated(envelope.event, Event), envelope.event_id);
    return { items: item ? [item] : [] };
  },

  async send(reply, config) {
    const [, channel, threadTs] = reply.externalThreadId.split(":");
    if (!channel) throw new ChannelError(422, `thread ${reply.externalThreadId} is not <team>:<channel>[:<thread ts>]`);
    const parts = withPrompts(reply.parts);
    // Blocks only when text alone would lose something (buttons, inline images); `text` is the notification either way.
    const rich = parts.some((p) => p.type === "quick_replies" || p.type === "image");
    const message = {
      channel,
      text: escape(textOf(reply.parts)).slice(0, 40_000),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(rich ? { blocks: parts.flatMap(blocks).slice(0, 50) } : {}),
    };
    return [
      {
        url: `${trimSlash(config.api_base)}/chat.postMessage`,
        method: "POST",
        headers: { authorization: `Bearer ${config.bot_token}`, "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify(message),
      },
    ];
  },

  sendOutcome(status, body): SendOutcome {
    if (status < 200 || status >= 300) return httpOutcome(status, body);
    const json = jsonOrNull(body);
    const posted = Posted.safeParse(json);
    if (posted.success) return { ok: true, providerMessageId: `${posted.data.channel}:${posted.data.ts}` };
    const failed = Failed.safeParse(json);
    if (failed.success) return { ok: false, retryable: TRANSIENT.has(failed.data.error), reason: `Slack error: ${failed.data.error}` };
    // A 2xx we cannot read most likely posted; retrying would risk a duplicate.
    return { ok: true };
  },
};
