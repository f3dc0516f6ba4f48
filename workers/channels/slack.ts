/**
 * Slack: the Events API (JSON) and, on the same URL, slash commands and interactivity (form posts). Every request
 * is signed alike: X-Slack-Signature is v0=<hex HMAC-SHA256("v0:" + X-Slack-Request-Timestamp + ":" + raw body)>,
 * and a timestamp more than five minutes from now is refused so a captured request cannot be replayed. With
 * `team_id` / `app_id` configured, a delivery for another workspace or app is refused (403) before anything is
 * stored. Threads and ids: slack-common.ts; events: slack-events.ts; forms: slack-interactivity.ts.
 */
import { z } from "zod";
import { hmac, timingSafeEqual, toHex } from "../../shared/crypto";
import { ChannelError, decodeJson, httpOutcome, jsonOrNull, textOf, trimSlash, withPrompts } from "./adapter";
import type { ChannelAdapter, OutgoingPart, SendOutcome } from "./adapter";
import { SlackId } from "./slack-common";
import { eventItems } from "./slack-events";
import { formItems } from "./slack-interactivity";

export const SlackConfig = z.object({
  signing_secret: z.string().min(1),
  bot_token: z.string().min(1),
  api_base: z.url({ protocol: /^https?$/ }).default("https://slack.com/api"),
  /** The workspace the app is installed in (T…). Set it: deliveries for any other workspace are refused. */
  team_id: SlackId.optional(),
  /** The app's id (A…). Set it, alone for an org-wide Enterprise Grid install: other apps' deliveries are refused. */
  app_id: SlackId.optional(),
  /** The ephemeral answer a slash command gets at once (only the person who typed it sees it). */
  command_ack: z.string().min(1).max(3000).optional(),
});
export type SlackConfig = z.infer<typeof SlackConfig>;

const MAX_SKEW_S = 5 * 60;

/** JSON starts with "{" (after any whitespace); every form post Slack sends is key=value pairs. */
function isJson(raw: Uint8Array): boolean {
  for (const b of raw) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b;
  }
  return false;
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

  async parse(req, config) {
    if (isJson(req.rawBody)) return eventItems(decodeJson(req.rawBody), config, req.url);
    // Forms carry no send time of their own; the signed request timestamp is when Slack sent it.
    const ts = req.headers.get("x-slack-request-timestamp");
    return formItems(req.rawBody, config, ts && /^[0-9]{1,12}$/.test(ts) ? Number(ts) * 1000 : undefined);
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
