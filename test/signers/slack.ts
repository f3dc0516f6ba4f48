/** The headers Slack sends with an Events API request, computed with node:crypto (independent of the adapter). */
import { createHmac } from "node:crypto";
import type { SlackConfig } from "../../workers/channels/slack";

export function signSlack(body: string, config: Pick<SlackConfig, "signing_secret">, _url: string, nowMs: number): Record<string, string> {
  const ts = String(Math.floor(nowMs / 1000));
  const signature = createHmac("sha256", config.signing_secret).update(`v0:${ts}:${body}`, "utf8").digest("hex");
  return { "content-type": "application/json", "x-slack-request-timestamp": ts, "x-slack-signature": `v0=${signature}` };
}
