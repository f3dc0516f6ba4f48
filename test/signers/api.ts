/** What an integrator's Standard Webhooks library sends to the API channel. */
import { createHmac, randomUUID } from "node:crypto";

export function standardWebhookSignature(secret: string, id: string, tsSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${tsSeconds}.${body}`, "utf8").digest("base64")}`;
}

export function standardWebhookHeaders(secret: string, body: string, nowMs: number, id = `msg_${randomUUID()}`): Record<string, string> {
  const ts = Math.floor(nowMs / 1000);
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(ts),
    "webhook-signature": standardWebhookSignature(secret, id, ts, body),
  };
}
