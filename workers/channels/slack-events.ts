/**
 * The Events API: what people say (message, app_mention), edit (message_changed), delete (message_deleted, or a
 * thread root turned into a tombstone) and react with (reaction_added / reaction_removed). Provider message ids
 * are "<channel>:<ts>", the same for every retry of a delivery (X-Slack-Retry-Num) and for the copy an
 * app_mention subscription adds, so either subscription alone or both store each message once.
 */
import { z } from "zod";
import type { ContentPart } from "../../shared/message";
import { ChannelError, epochMs, validated } from "./adapter";
import type { InboundItem, ProviderResponse } from "./adapter";
import { checkRecipient, File, fileParts, isDirect, SlackId, threadOf, Ts } from "./slack-common";
import { messageText } from "./slack-richtext";
import type { SlackConfig } from "./slack";

const Message = z.object({
  type: z.string().optional(),
  subtype: z.string().optional(),
  user: SlackId.optional(),
  text: z.string().optional(),
  ts: Ts,
  thread_ts: Ts.optional(),
  bot_id: z.string().nullish(),
  edited: z.object({ ts: Ts }).optional(),
  files: z.array(File).max(100).optional(),
  blocks: z.array(z.unknown()).optional(),
});
type Message = z.infer<typeof Message>;

const MessageEvent = Message.extend({
  type: z.enum(["message", "app_mention"]),
  channel: SlackId,
  channel_type: z.string().optional(),
  message: Message.optional(),
  previous_message: Message.partial().optional(),
  deleted_ts: Ts.optional(),
});
type MessageEvent = z.infer<typeof MessageEvent>;

const ReactionEvent = z.object({
  type: z.enum(["reaction_added", "reaction_removed"]),
  user: SlackId,
  reaction: z.string().min(1).max(200),
  item: z.object({ type: z.string(), channel: SlackId.optional(), ts: Ts.optional(), channel_type: z.string().optional() }),
  event_ts: z.string().optional(),
});

const Envelope = z.object({
  type: z.string(),
  challenge: z.string().optional(),
  team_id: SlackId.optional(),
  api_app_id: SlackId.optional(),
  event_id: z.string().max(100).optional(),
  event_time: z.number().optional(),
  event: z.unknown().optional(),
});

/** Subtypes that are a person saying something; joins, topic changes, bot posts and the like are not. */
const SPOKEN = new Set([undefined, "file_share", "thread_broadcast", "me_message"]);
const HANDLED = new Set([...SPOKEN, "message_changed", "message_deleted"]);
/** Read before the full shape: a bot's post or a join need not name everything a customer's message must. */
const Subtype = z.object({ subtype: z.string().optional(), bot_id: z.string().nullish() });

function content(m: Message, webhookUrl: string): ContentPart[] {
  const text = messageText(m.text, m.blocks);
  return [...(text ? [text] : []), ...fileParts(m.files ?? [], webhookUrl)];
}

/** Our own replies and other bots' are not customers (answering them would loop). */
const human = (m: Partial<Message> | undefined): m is Partial<Message> & { user: string } => !!m?.user && !m.bot_id && m.subtype !== "bot_message";

function messageItems(team: string, e: MessageEvent, eventId: string | undefined, webhookUrl: string): InboundItem[] {
  const direct = isDirect(e.channel, e.channel_type);
  const contact = (user: string) => ({ externalId: `${team}:${user}` });

  if (e.subtype === "message_changed") {
    const m = e.message;
    const before = e.previous_message;
    // A thread root deleted while it has replies stays behind as a tombstone: for the reader it is gone.
    if (m?.subtype === "tombstone" && human(before) && before.ts) {
      return [{ kind: "change", externalThreadId: threadOf(team, e.channel, m.thread_ts ?? m.ts, direct), providerMessageId: `${e.channel}:${m.ts}`, contact: contact(before.user), change: { type: "retract" }, occurredAt: epochMs(e.ts) }];
    }
    // Without Slack's `edited` stamp the change is an unfurl or an attachment update, not the author's edit.
    if (!m || !human(m) || !m.edited) return [];
    const parts = content(m, webhookUrl);
    if (parts.length === 0) return [];
    return [{ kind: "change", externalThreadId: threadOf(team, e.channel, m.thread_ts ?? m.ts, direct), providerMessageId: `${e.channel}:${m.ts}`, contact: contact(m.user), change: { type: "edit", parts }, occurredAt: epochMs(m.edited.ts) }];
  }

  if (e.subtype === "message_deleted") {
    const before = e.previous_message;
    // Who wrote it and which thread it was in only previous_message says; without it nothing can be matched.
    if (!e.deleted_ts || !human(before)) return [];
    return [{ kind: "change", externalThreadId: threadOf(team, e.channel, before.thread_ts ?? e.deleted_ts, direct), providerMessageId: `${e.channel}:${e.deleted_ts}`, contact: contact(before.user), change: { type: "retract" }, occurredAt: epochMs(e.ts) }];
  }

  if (!SPOKEN.has(e.subtype) || !human(e)) return [];
  const parts = content(e, webhookUrl);
  if (parts.length === 0) return [];
  const metadata: Record<string, unknown> = eventId ? { event_id: eventId } : {};
  if (e.subtype === "me_message" || e.subtype === "thread_broadcast") metadata.subtype = e.subtype;
  return [
    {
      kind: "message",
      externalThreadId: threadOf(team, e.channel, e.thread_ts ?? e.ts, direct),
      providerMessageId: `${e.channel}:${e.ts}`,
      contact: contact(e.user),
      parts,
      metadata,
      occurredAt: epochMs(e.ts),
    },
  ];
}

/**
 * Slack allows many reactions per person, so a removal names the emoji it takes back. The item names only its
 * channel and ts: a reaction lands on a thread root or in a DM; on a reply inside a channel thread (whose root
 * the event does not name) it finds no message and is dropped by the conversation.
 */
function reactionItems(team: string, raw: unknown, eventTime: number | undefined): InboundItem[] {
  const e = validated(raw, ReactionEvent);
  const { channel, ts } = e.item;
  const emoji = `:${e.reaction}:`;
  // A reaction holds 64 characters; a longer custom emoji name (with a skin tone) cannot be kept whole.
  if (e.item.type !== "message" || !channel || !ts || emoji.length > 64) return [];
  return [
    {
      kind: "change",
      externalThreadId: threadOf(team, channel, ts, isDirect(channel, e.item.channel_type)),
      providerMessageId: `${channel}:${ts}`,
      contact: { externalId: `${team}:${e.user}` },
      change: e.type === "reaction_added" ? { type: "reaction", emoji } : { type: "reaction", emoji, remove: true },
      occurredAt: epochMs(e.event_ts) ?? epochMs(eventTime),
    },
  ];
}

const Kind = z.object({ type: z.string() });

export function eventItems(raw: unknown, config: SlackConfig, webhookUrl: string): { items: InboundItem[]; response?: ProviderResponse } {
  const envelope = validated(raw, Envelope);
  if (envelope.type === "url_verification") {
    if (!envelope.challenge) throw new ChannelError(422, "url_verification without a challenge");
    return { items: [], response: { status: 200, contentType: "text/plain", body: envelope.challenge } };
  }
  checkRecipient(config, { team: envelope.team_id, app: envelope.api_app_id });
  // Other callbacks (app_rate_limited …) concern no conversation.
  if (envelope.type !== "event_callback") return { items: [] };
  if (!envelope.team_id) throw new ChannelError(422, "event_callback without team_id");
  const kind = Kind.safeParse(envelope.event);
  if (!kind.success) return { items: [] };
  switch (kind.data.type) {
    case "message":
    case "app_mention": {
      const sub = validated(envelope.event, Subtype);
      if (sub.bot_id || !HANDLED.has(sub.subtype)) return { items: [] };
      return { items: messageItems(envelope.team_id, validated(envelope.event, MessageEvent), envelope.event_id, webhookUrl) };
    }
    case "reaction_added":
    case "reaction_removed":
      return { items: reactionItems(envelope.team_id, envelope.event, envelope.event_time) };
    default:
      // file_shared repeats the file of the message that shares it; app_home_opened, member_joined_channel … are no conversation.
      return { items: [] };
  }
}
