/** The headers Meta sends with a Instagram webhook, computed with node:crypto (independent of the adapter). */
import { createHmac } from "node:crypto";
import type { InstagramConfig } from "../../workers/channels/instagram";

export function signInstagram(body: string, config: Pick<InstagramConfig, "app_secret">, _url: string, _nowMs: number): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-hub-signature-256": `sha256=${createHmac("sha256", config.app_secret).update(body, "utf8").digest("hex")}`,
  };
}
