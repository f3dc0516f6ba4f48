/** The headers Meta sends with a WhatsApp webhook, computed with node:crypto (independent of the adapter). */
import { createHmac } from "node:crypto";
import type { WhatsappConfig } from "../../workers/channels/whatsapp";

export function signWhatsapp(body: string, config: Pick<WhatsappConfig, "app_secret">, _url: string, _nowMs: number): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-hub-signature-256": `sha256=${createHmac("sha256", config.app_secret).update(body, "utf8").digest("hex")}`,
  };
}
