import { emailOptions, parseEmail, type EmailConfig } from "./channels/email";
import { loadChannel } from "./channels/store";
import { planInbound } from "./channels/ingest";
import { storeBlobs } from "./channels/blobs";
import { applyOrphanStatuses, deliverInbound } from "./routes/webhooks";
import { ChannelError } from "./channels/adapter";
import { now } from "../shared/ids";

/** Email Routing's own limit on a message; attachments are stored, so a support inbox takes what it can deliver. */
const MAX_EMAIL_BYTES = 25 * 1024 * 1024;

async function readAll(stream: ReadableStream<Uint8Array>, size: number): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer(), 0, size);
}

/**
 * Email Routing delivers to `<tenant id>@<your inbound domain>` (a catch-all route to this Worker).
 * The tenant must have the e-mail channel configured; anything else is rejected at SMTP time.
 * Attachments are stored before the message, with URLs under PUBLIC_URL; a bounce of one of our replies is a
 * status of that reply, found through the Message-ID it was sent with.
 */
export async function handleEmail(message: ForwardableEmailMessage, env: Env): Promise<void> {
  const tenantId = message.to.split("@")[0]!.split("+")[0]!.toLowerCase();
  if (message.rawSize > MAX_EMAIL_BYTES) return message.setReject("message too large");
  const channel = await loadChannel(env, tenantId, "email");
  if (!channel) return message.setReject("unknown recipient");
  try {
    const raw = await readAll(message.raw, message.rawSize);
    const items = await parseEmail(raw, emailOptions(channel.config as EmailConfig, { from: message.from, to: message.to }));
    const { batches, orphanStatuses } = await planInbound(tenantId, "email", await storeBlobs(env, tenantId, "email", env.PUBLIC_URL, items), now());
    await deliverInbound(env, batches);
    await applyOrphanStatuses(env, tenantId, "email", orphanStatuses);
  } catch (err) {
    if (err instanceof ChannelError) return message.setReject(err.message);
    throw err;
  }
}
