/**
 * The form for each built-in channel's credentials. The server validates against the adapter's own schema
 * (workers/channels/*.ts) and answers field errors as `config.<key>`; this list only says how to ask for each key:
 * its label, whether it is a secret (write-only, never shown again), and whether it may be left empty.
 */
export type ChannelField = { key: string; label: string; secret?: boolean; optional?: boolean; kind?: "url" | "list" | "number"; hint?: string };
export type ChannelKind = { name: string; label: string; fields: ChannelField[] };

const meta: ChannelField[] = [
  { key: "app_secret", label: "App secret", secret: true },
  { key: "verify_token", label: "Verify token", secret: true, hint: "The token you enter in Meta's webhook settings." },
  { key: "access_token", label: "Access token", secret: true },
  { key: "api_base", label: "Graph API base", kind: "url", optional: true },
];
const twilio: ChannelField[] = [
  { key: "account_sid", label: "Account SID", hint: "AC followed by 32 hex characters." },
  { key: "auth_token", label: "Auth token", secret: true },
  { key: "phone_numbers", label: "Phone numbers", kind: "list", optional: true, hint: "E.164, comma-separated: only these numbers' messages are accepted." },
  { key: "api_base", label: "API base", kind: "url", optional: true },
];

export const CHANNEL_KINDS: ChannelKind[] = [
  { name: "whatsapp", label: "WhatsApp", fields: [...meta.slice(0, 3), { key: "phone_number_id", label: "Phone number id" }, meta[3]!] },
  { name: "messenger", label: "Messenger", fields: meta },
  { name: "instagram", label: "Instagram", fields: [...meta, { key: "ig_account_id", label: "Instagram account id", optional: true }] },
  {
    name: "telegram",
    label: "Telegram",
    fields: [
      { key: "bot_token", label: "Bot token", secret: true, hint: "From @BotFather: 123456:ABC-DEF…" },
      { key: "secret_token", label: "Webhook secret token", secret: true, hint: "1–256 characters A–Z, a–z, 0–9, _ and -, as given to setWebhook." },
      { key: "api_base", label: "Bot API base", kind: "url", optional: true },
    ],
  },
  {
    name: "line",
    label: "LINE",
    fields: [
      { key: "channel_secret", label: "Channel secret", secret: true },
      { key: "channel_access_token", label: "Channel access token", secret: true },
      { key: "bot_user_id", label: "Bot user id", optional: true, hint: "U + 32 hex: deliveries for other bots are refused." },
    ],
  },
  {
    name: "slack",
    label: "Slack",
    fields: [
      { key: "signing_secret", label: "Signing secret", secret: true },
      { key: "bot_token", label: "Bot token", secret: true },
      { key: "team_id", label: "Workspace id (T…)", optional: true },
      { key: "app_id", label: "App id (A…)", optional: true },
      { key: "command_ack", label: "Slash command answer", optional: true },
    ],
  },
  {
    name: "wechat",
    label: "WeChat",
    fields: [
      { key: "token", label: "Server token", secret: true },
      { key: "access_token", label: "Customer-service access token", secret: true, optional: true },
      { key: "encoding_aes_key", label: "EncodingAESKey", secret: true, optional: true },
      { key: "app_id", label: "AppID", optional: true, hint: "Required with the EncodingAESKey." },
      { key: "original_id", label: "Original id (gh_…)", optional: true },
    ],
  },
  {
    name: "email",
    label: "E-mail",
    fields: [
      { key: "from_address", label: "From address" },
      { key: "from_name", label: "From name", optional: true },
      { key: "domain", label: "Message-ID domain" },
      { key: "relay_url", label: "Relay URL", kind: "url" },
      { key: "relay_token", label: "Relay token", secret: true },
      { key: "inbound_token", label: "Inbound token", secret: true, optional: true, hint: "At least 16 characters; needed to post mail over HTTP." },
    ],
  },
  { name: "sms", label: "SMS (Twilio)", fields: twilio },
  { name: "voice", label: "Voice (Twilio)", fields: [...twilio, { key: "greeting", label: "Voicemail greeting", optional: true }] },
  {
    name: "api",
    label: "API channel",
    fields: [
      { key: "secret", label: "Signing secret", secret: true, hint: "whsec_ followed by base64 of at least 16 bytes." },
      { key: "outbound_url", label: "Outbound URL", kind: "url" },
    ],
  },
];

/** The config object a channel's form sends: empty optional fields left out, lists split on commas. */
export function channelConfig(kind: ChannelKind, values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of kind.fields) {
    const raw = (values[f.key] ?? "").trim();
    if (raw === "") {
      if (!f.optional) out[f.key] = raw;
      continue;
    }
    out[f.key] = f.kind === "list" ? raw.split(/[,\s]+/).filter(Boolean) : f.kind === "number" ? Number(raw) : raw;
  }
  return out;
}
