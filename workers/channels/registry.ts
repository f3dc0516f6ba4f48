import type { ChannelAdapter } from "./adapter";
import { whatsappAdapter } from "./whatsapp";
import { messengerAdapter } from "./messenger";
import { instagramAdapter } from "./instagram";
import { telegramAdapter } from "./telegram";
import { lineAdapter } from "./line";
import { slackAdapter } from "./slack";
import { wechatAdapter } from "./wechat";
import { emailAdapter } from "./email";
import { smsAdapter } from "./sms";
import { voiceAdapter } from "./voice";
import { apiAdapter } from "./api";
import { declarativeAdapter } from "./declarative";
import { DeclarativeChannelSpec } from "../../shared/declarative-channel";

/**
 * Provider channels that arrive by webhook. The web widget and mobile apps speak the WebSocket protocol
 * directly and have no adapter. Adding a built-in channel is one file and one line here; a tenant adds
 * its own at run time with a declarative spec (`custom:<slug>`), without a deploy.
 */
const BUILT_IN: Record<string, ChannelAdapter<unknown>> = {
  whatsapp: whatsappAdapter,
  messenger: messengerAdapter,
  instagram: instagramAdapter,
  telegram: telegramAdapter,
  line: lineAdapter,
  slack: slackAdapter,
  wechat: wechatAdapter,
  email: emailAdapter,
  sms: smsAdapter,
  voice: voiceAdapter,
  api: apiAdapter,
};

const CUSTOM = /^custom:[a-z0-9][a-z0-9-]{0,39}$/;

export function isChannelName(name: string): boolean {
  return Object.hasOwn(BUILT_IN, name) || CUSTOM.test(name);
}

export const builtInChannels = (): string[] => Object.keys(BUILT_IN);

export function adapterFor(name: string, spec: unknown): ChannelAdapter<unknown> | null {
  if (Object.hasOwn(BUILT_IN, name)) return BUILT_IN[name]!;
  if (!CUSTOM.test(name)) return null;
  const parsed = DeclarativeChannelSpec.safeParse(spec);
  return parsed.success ? declarativeAdapter(parsed.data) : null;
}
