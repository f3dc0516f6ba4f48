import { parseEmail } from "./channels/email";
import { loadChannel } from "./channels/store";
import { planInbound } from "./channels/ingest";
import { deliverInbound } from "./routes/webhooks";
import { ChannelError } from "./channels/adapter";
import { now } from "../shared/ids";

/** Cloudflare Email Routing raw messages are bounded; a support inbox does not need more. */
const MAX_EMAIL_BYTES = 10 * 1024 * 1024;

async function readAll(stream: ReadableStream<Uint8Array>, size: number): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer(), 0, size);
}

/**
 * Email Routing delivers to `<tenant id>@<your inbound domain>` (a catch-all route to this Worker).
 * The tenant must have the e-mail channel configured; anything else is rejected at SMTP time.
 */
export async function handleEmail(message: ForwardableEmailMessage, env: Env): Promise<void> {
  const tenantId = message.to.split("@")[0]!.split("+")[0]!.toLowerCase();
  if (message.rawSize > MAX_EMAIL_BYTES) return message.setReject("message too large");
  const channel = await loadChannel(env, tenantId, "email");
  if (!channel) return message.setReject("unknown recipient");
  try {
    const item = await parseEmail(await readAll(message.raw, message.rawSize), { from: message.from, to: message.to });
    const { batches } = await planInbound(tenantId, "email", [item], now());
    await deliverInbound(env, batches);
  } catch (err) {
    if (err instanceof ChannelError) return message.setReject(err.message);
    throw err;
  }
}
