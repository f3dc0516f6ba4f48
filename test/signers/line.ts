/** The headers LINE sends with a webhook, computed with node:crypto (independent of the adapter). */
import { createHmac } from "node:crypto";
import type { LineConfig } from "../../workers/channels/line";

export function signLine(body: string, config: Pick<LineConfig, "channel_secret">, _url: string, _nowMs: number): Record<string, string> {
  return {
    "content-type": "application/json; charset=utf-8",
    "x-line-signature": createHmac("sha256", config.channel_secret).update(body, "utf8").digest("base64"),
  };
}
