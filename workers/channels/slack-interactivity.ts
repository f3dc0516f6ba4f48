/**
 * Form posts to the same URL, signed like events: slash commands (the form itself) and interactivity (`payload` =
 * JSON). A slash command is the customer writing in that Slack channel; a button, menu or picker in a message is
 * a choice in the message's thread; a modal's submission is a form; a message shortcut is a choice about that
 * message. Global shortcuts, view_closed, block_suggestion and the legacy interactive_message / dialog payloads
 * name no conversation and store nothing (docs/channels/slack.md). Slack wants an answer within 3 seconds.
 */
import { z } from "zod";
import type { ContentPart } from "../../shared/message";
import { ChannelError, clip, decodeJson, epochMs, httpUrl, utf8, validated } from "./adapter";
import type { InboundItem, InboundMessage, ParseResult, ProviderResponse } from "./adapter";
import { checkRecipient, isDirect, SlackId, threadOf, Ts } from "./slack-common";
import { mrkdwnPart, richTextPart } from "./slack-richtext";
import type { SlackConfig } from "./slack";

/** Slack reads an empty 200 as "received"; for a modal it also means "close this view". */
const EMPTY: ProviderResponse = { status: 200, contentType: "text/plain; charset=utf-8", body: "" };

export const DEFAULT_COMMAND_ACK = "Thanks, we got your message. We will answer you here.";

const Slash = z.object({
  command: z.string().min(1).max(100),
  text: z.string().max(8000).default(""),
  team_id: SlackId,
  api_app_id: SlackId.optional(),
  channel_id: SlackId,
  channel_name: z.string().max(255).optional(),
  user_id: SlackId,
  user_name: z.string().max(255).optional(),
  response_url: z.string().optional(),
  trigger_id: z.string().min(1).max(255),
});

const Team = z.object({ id: SlackId }).nullish();
const User = z.object({ id: SlackId, name: z.string().max(255).optional(), username: z.string().max(255).optional(), team_id: SlackId.optional() });
const Base = z.object({ type: z.string(), team: Team, user: User.partial().optional(), api_app_id: SlackId.optional() });

const Option = z.object({ text: z.object({ text: z.string() }).optional(), value: z.string().optional() });
/** One element's value as block_actions (an action) and view state (a value) carry it. */
const Value = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: Option.nullish(),
  selected_options: z.array(Option).max(100).optional(),
  selected_user: z.string().nullish(),
  selected_users: z.array(z.string()).max(100).optional(),
  selected_conversation: z.string().nullish(),
  selected_conversations: z.array(z.string()).max(100).optional(),
  selected_channel: z.string().nullish(),
  selected_channels: z.array(z.string()).max(100).optional(),
  selected_date: z.string().nullish(),
  selected_time: z.string().nullish(),
  selected_date_time: z.number().nullish(),
  rich_text_value: z.unknown().optional(),
  files: z.array(z.object({ id: z.string() })).max(100).optional(),
});
type Value = z.infer<typeof Value>;
const Action = Value.extend({ action_id: z.string().max(255).optional(), block_id: z.string().max(255).optional(), action_ts: z.string(), text: z.object({ text: z.string() }).optional() });

const BlockActions = Base.extend({
  type: z.literal("block_actions"),
  user: User,
  channel: z.object({ id: SlackId }).optional(),
  container: z.object({ type: z.string().optional(), message_ts: Ts.optional(), thread_ts: Ts.optional(), channel_id: SlackId.optional() }).optional(),
  message: z.object({ ts: Ts, thread_ts: Ts.optional() }).optional(),
  actions: z.array(Action).max(25),
});

const ViewSubmission = Base.extend({
  type: z.literal("view_submission"),
  user: User,
  view: z.object({
    id: SlackId,
    hash: z.string().max(100).optional(),
    callback_id: z.string().max(255).optional(),
    private_metadata: z.string().max(3000).optional(),
    title: z.object({ text: z.string() }).optional(),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), Value)) }).optional(),
  }),
  response_urls: z.array(z.object({ channel_id: SlackId })).max(10).optional(),
});

const MessageAction = Base.extend({
  type: z.literal("message_action"),
  user: User,
  callback_id: z.string().min(1).max(255),
  action_ts: z.string(),
  channel: z.object({ id: SlackId }),
  message: z.object({ ts: Ts, thread_ts: Ts.optional() }),
  response_url: z.string().optional(),
});

/** Where a modal submission belongs, if whoever opened it said so in private_metadata. */
const Origin = z.object({ channel_id: SlackId, thread_ts: Ts.optional() });

/** One choice per picked value: a multi-select or checkboxes give several, a cleared selection none. */
function choices(v: Value): { value: string; label?: string }[] {
  const opt = (o: z.infer<typeof Option>) => (o.value ? [{ value: o.value, label: o.text?.text }] : []);
  const ids = (xs: (string | null | undefined)[]) => xs.flatMap((x) => (x ? [{ value: x }] : []));
  if (v.selected_option) return opt(v.selected_option);
  if (v.selected_options) return v.selected_options.flatMap(opt);
  if (v.selected_date_time !== null && v.selected_date_time !== undefined) return [{ value: String(v.selected_date_time) }];
  return ids([v.selected_user, v.selected_conversation, v.selected_channel, v.selected_date, v.selected_time, ...(v.selected_users ?? []), ...(v.selected_conversations ?? []), ...(v.selected_channels ?? [])]);
}

function choiceParts(v: Value, buttonLabel?: string): ContentPart[] {
  // Text typed into an input that dispatches on enter is the customer's words, not a pick.
  if (v.type === "plain_text_input") return v.value ? [{ type: "text", text: v.value.slice(0, 16_000) }] : [];
  if (v.type === "rich_text_input") return [richTextPart(v.rich_text_value ? [v.rich_text_value] : undefined)].flatMap((p) => (p ? [p] : []));
  const picked = v.type === "button" ? (v.value ? [{ value: v.value, label: buttonLabel }] : []) : choices(v);
  return picked.flatMap((c) => {
    const value = clip(c.value, 1000);
    const label = clip(c.label, 255);
    return value ? [{ type: "choice" as const, value, ...(label ? { label } : {}) }] : [];
  });
}

/** A field as a form part holds it: text, a number, a list, or null for an empty input. */
function fieldValue(v: Value): string | number | string[] | null {
  if (v.type === "rich_text_input") return richTextPart(v.rich_text_value ? [v.rich_text_value] : undefined)?.text.slice(0, 4000) ?? null;
  if (v.files) return v.files.map((f) => f.id.slice(0, 1000)).slice(0, 50);
  if (v.selected_options || v.selected_users || v.selected_conversations || v.selected_channels) return choices(v).map((c) => c.value.slice(0, 1000)).slice(0, 50);
  if (v.selected_date_time !== null && v.selected_date_time !== undefined) return v.selected_date_time;
  if (v.type === "plain_text_input" || v.type === "email_text_input" || v.type === "url_text_input" || v.type === "number_input") return v.value ? v.value.slice(0, 4000) : null;
  return choices(v)[0]?.value.slice(0, 4000) ?? null;
}

const teamOf = (p: z.infer<typeof Base>) => p.team?.id ?? p.user?.team_id;

function contact(team: string, user: z.infer<typeof User>) {
  const name = user.name ?? user.username;
  return { externalId: `${team}:${user.id}`, ...(name ? { name } : {}) };
}

function blockActionItems(p: z.infer<typeof BlockActions>, team: string): InboundItem[] {
  // Inside a modal or App Home there is no conversation yet; what was picked arrives with view_submission.
  const channel = p.channel?.id ?? p.container?.channel_id;
  if (!channel || p.container?.type === "view") return [];
  const root = p.container?.thread_ts ?? p.message?.thread_ts ?? p.container?.message_ts ?? p.message?.ts;
  return p.actions.flatMap((a): InboundItem[] => {
    const parts = choiceParts(a, a.text?.text);
    if (parts.length === 0) return [];
    return [
      {
        kind: "message",
        externalThreadId: threadOf(team, channel, root, isDirect(channel)),
        providerMessageId: `${channel}:action:${a.action_ts}`,
        contact: contact(team, p.user),
        parts,
        metadata: { ...(a.action_id ? { action_id: a.action_id } : {}), ...(a.block_id ? { block_id: a.block_id } : {}) },
        occurredAt: epochMs(a.action_ts),
      },
    ];
  });
}

function origin(privateMetadata: string | undefined): z.infer<typeof Origin> | null {
  if (!privateMetadata?.startsWith("{")) return null;
  try {
    const parsed = Origin.safeParse(JSON.parse(privateMetadata));
    return parsed.success ? parsed.data : null;
  } catch {
    // private_metadata is the opener's own string; one that is not our JSON simply names no conversation
    return null;
  }
}

/**
 * A modal is in no channel. It belongs to the conversation its opener named in private_metadata
 * ({"channel_id", "thread_ts"?}), else to the channel of a conversation picker with response_url_enabled, else
 * to the submitter's direct messages with the app (chat.postMessage takes a user id as the channel).
 */
function viewItem(p: z.infer<typeof ViewSubmission>, team: string, sentAt: number | undefined): InboundMessage {
  const values = Object.entries(p.view.state?.values ?? {});
  const fields: Record<string, string | number | string[] | null> = {};
  for (const [block, actions] of values) {
    const entries = Object.entries(actions);
    for (const [action, v] of entries) {
      if (Object.keys(fields).length >= 100) break;
      fields[(entries.length === 1 ? block : `${block}.${action}`).slice(0, 100)] = fieldValue(v);
    }
  }
  const named = origin(p.view.private_metadata);
  const pickerChannel = p.response_urls?.[0]?.channel_id;
  const externalThreadId = named ? threadOf(team, named.channel_id, named.thread_ts, isDirect(named.channel_id)) : threadOf(team, pickerChannel ?? p.user.id, undefined, true);
  const name = clip(p.view.title?.text ?? p.view.callback_id, 255);
  return {
    kind: "message",
    externalThreadId,
    providerMessageId: `view:${p.view.id}:${p.view.hash ?? ""}`,
    contact: contact(team, p.user),
    parts: [{ type: "form", ...(name ? { name } : {}), fields }],
    metadata: { view_id: p.view.id, ...(p.view.callback_id ? { callback_id: p.view.callback_id } : {}) },
    ...(sentAt ? { occurredAt: sentAt } : {}),
  };
}

function shortcutItem(p: z.infer<typeof MessageAction>, team: string): InboundMessage {
  const channel = p.channel.id;
  const response_url = httpUrl(p.response_url);
  return {
    kind: "message",
    externalThreadId: threadOf(team, channel, p.message.thread_ts ?? p.message.ts, isDirect(channel)),
    providerMessageId: `${channel}:shortcut:${p.action_ts}`,
    contact: contact(team, p.user),
    parts: [{ type: "choice", value: p.callback_id }],
    metadata: { shortcut: p.callback_id, message_ts: p.message.ts, ...(response_url ? { response_url } : {}) },
    occurredAt: epochMs(p.action_ts),
  };
}

function interactivity(raw: unknown, config: SlackConfig, sentAt: number | undefined): ParseResult {
  const base = validated(raw, Base);
  checkRecipient(config, { team: teamOf(base), app: base.api_app_id });
  const team = teamOf(base);
  switch (base.type) {
    case "block_actions":
      if (!team) throw new ChannelError(422, "block_actions without a team");
      return { items: blockActionItems(validated(raw, BlockActions), team), response: EMPTY };
    case "view_submission":
      if (!team) throw new ChannelError(422, "view_submission without a team");
      return { items: [viewItem(validated(raw, ViewSubmission), team, sentAt)], response: EMPTY };
    case "message_action":
      if (!team) throw new ChannelError(422, "message_action without a team");
      return { items: [shortcutItem(validated(raw, MessageAction), team)], response: EMPTY };
    default:
      return { items: [], response: EMPTY };
  }
}

function slashCommand(form: URLSearchParams, config: SlackConfig, sentAt: number | undefined): ParseResult {
  const c = validated(Object.fromEntries(form), Slash);
  checkRecipient(config, { team: c.team_id, app: c.api_app_id });
  // The command belongs to the channel it was typed in; no thread, since commands cannot be used in one.
  const text = mrkdwnPart(`${c.command} ${c.text}`.trim());
  const response_url = httpUrl(c.response_url);
  const item: InboundMessage = {
    kind: "message",
    externalThreadId: threadOf(c.team_id, c.channel_id, undefined, true),
    providerMessageId: `${c.channel_id}:command:${c.trigger_id}`,
    contact: { externalId: `${c.team_id}:${c.user_id}`, ...(c.user_name ? { name: c.user_name } : {}) },
    parts: text ? [text] : [],
    metadata: { command: c.command, ...(response_url ? { response_url } : {}), ...(c.channel_name ? { channel_name: c.channel_name } : {}) },
    ...(sentAt ? { occurredAt: sentAt } : {}),
  };
  const ack = { response_type: "ephemeral", text: config.command_ack ?? DEFAULT_COMMAND_ACK };
  return { items: item.parts.length ? [item] : [], response: { status: 200, contentType: "application/json", body: JSON.stringify(ack) } };
}

/** Slash command or interactivity form post → items and Slack's answer. `sentAt` is the signed request time. */
export function formItems(raw: Uint8Array, config: SlackConfig, sentAt: number | undefined): ParseResult {
  let form: URLSearchParams;
  try {
    form = new URLSearchParams(utf8(raw));
  } catch {
    throw new ChannelError(400, "form body is not UTF-8");
  }
  const payload = form.get("payload");
  if (payload !== null) return interactivity(decodeJson(payload), config, sentAt);
  if (form.has("command")) return slashCommand(form, config, sentAt);
  throw new ChannelError(400, "body is neither Events API JSON nor a Slack form post (command or payload)");
}
