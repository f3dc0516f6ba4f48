/** The headers Telegram sends with an update: the secret_token given to setWebhook, echoed verbatim. */
import type { TelegramConfig } from "../../workers/channels/telegram";

export function signTelegram(_body: string, config: Pick<TelegramConfig, "secret_token">, _url: string, _nowMs: number): Record<string, string> {
  return { "content-type": "application/json", "x-telegram-bot-api-secret-token": config.secret_token };
}
