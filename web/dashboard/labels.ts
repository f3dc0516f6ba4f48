import { CHANNELS } from "../../shared/message";

/** How channels and statuses read on screen. */
const CHANNEL_LABELS: Record<(typeof CHANNELS)[number], string> = {
  web: "Web chat",
  app: "In-app",
  whatsapp: "WhatsApp",
  messenger: "Messenger",
  instagram: "Instagram",
  telegram: "Telegram",
  line: "LINE",
  slack: "Slack",
  wechat: "WeChat",
  email: "E-mail",
  sms: "SMS",
  voice: "Voice",
  api: "API",
};

export const CHANNEL_OPTIONS = CHANNELS.map((c) => ({ id: c, label: CHANNEL_LABELS[c] }));

export function channelLabel(channel: string): string {
  if (channel.startsWith("custom:")) return channel.slice("custom:".length);
  return CHANNEL_LABELS[channel as (typeof CHANNELS)[number]] ?? channel;
}

const STATUS_LABELS: Record<string, string> = {
  open: "With the bot",
  queued: "Waiting",
  assigned: "Assigned",
  resolved: "Resolved",
  closed: "Closed",
  available: "Available",
  away: "Away",
  busy: "Busy",
  offline: "Offline",
};

export const statusLabel = (s: string) => STATUS_LABELS[s] ?? s;
