/** What a provider configured through a declarative channel spec would send. */
import { createHmac } from "node:crypto";
import type { DeclarativeChannelSpec } from "../../shared/declarative-channel";
import { standardWebhookHeaders } from "./api";

export function declarativeHeaders(signature: DeclarativeChannelSpec["signature"], body: string, nowMs: number): Record<string, string> {
  const prefix = signature.prefix ?? "";
  const header = signature.header ?? "";
  switch (signature.scheme) {
    case "standard-webhooks":
      return standardWebhookHeaders(signature.secret, body, nowMs);
    case "shared-token":
      return { "content-type": "application/json", [header]: prefix + signature.secret };
    case "hmac-sha256-hex":
    case "hmac-sha256-base64": {
      const mac = createHmac("sha256", signature.secret).update(body, "utf8");
      return { "content-type": "application/json", [header]: prefix + mac.digest(signature.scheme === "hmac-sha256-hex" ? "hex" : "base64") };
    }
  }
}
