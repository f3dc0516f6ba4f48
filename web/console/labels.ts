/** How channels read in the console. */
const CHANNEL_LABEL: Record<string, string> = { web: "Web chat", app: "App", whatsapp: "WhatsApp", messenger: "Messenger", instagram: "Instagram", telegram: "Telegram", line: "LINE", slack: "Slack", wechat: "WeChat", email: "E-mail", sms: "SMS", voice: "Voice", api: "API" };
export const channelLabel = (c: string) => CHANNEL_LABEL[c] ?? c.replace(/^custom:/, "");
