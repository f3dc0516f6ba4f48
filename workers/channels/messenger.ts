/**
 * Facebook Messenger, and through `messagingPlatform` also Instagram Messaging: both deliver the same
 * `entry[].messaging[]` events (object "page" or "instagram") and take replies on {api_base}/me/messages.
 * Threads are "<page or IG account id>:<PSID or IGSID>".
 *
 * One Meta app (one app secret) can serve many Pages and Instagram accounts, so when the tenant names its
 * account (`page_id`, `ig_account_id`) a delivery for any other account is refused with 403 and nothing of it is
 * stored. Events and what they become: ./messenger-inbound.ts and docs/channels/meta-messaging.md.
 */
import { z } from "zod";
import type { ChannelName } from "../../shared/message";
import { ChannelError, epochMs, jsonBody, ProviderId, trimSlash, withPrompts } from "./adapter";
import type { ChannelAdapter, InboundItem, ProviderRequest } from "./adapter";
import { customerOf, GRAPH_API, graphOutcome, graphRequest, hubChallenge, verifyHubSignature } from "./meta";
import { Event, eventItems as eventItemsOf } from "./messenger-inbound";
import { outgoing } from "./messenger-send";

export const AccountId = z.string().regex(/^[0-9]{1,64}$/, "a numeric Meta account id");

export const MessagingConfig = z.object({
  app_secret: z.string().min(1),
  verify_token: z.string().min(1),
  /** Page access token (Messenger, Instagram via a Page) or Instagram user token (Instagram Login with api_base graph.instagram.com). */
  access_token: z.string().min(1),
  api_base: z.url({ protocol: /^https?$/ }).default(GRAPH_API),
});
export type MessagingConfig = z.infer<typeof MessagingConfig>;

/** `page_id` should be set: without it any Page of the same Meta app is accepted. */
export const MessengerConfig = MessagingConfig.extend({ page_id: AccountId.optional() });
export type MessengerConfig = z.infer<typeof MessengerConfig>;

type Options<C extends MessagingConfig> = {
  name: ChannelName;
  object: string;
  config: z.ZodType<C>;
  /** The tenant's own account id, when configured: the only recipient accepted. */
  account: (config: C) => string | undefined;
  files: boolean;
  messagingType: boolean;
};

const Payload = (object: string) =>
  z.object({
    object: z.literal(object),
    entry: z.array(z.object({ id: ProviderId, messaging: z.array(Event).optional(), standby: z.array(Event).optional() })),
  });

const SendResponse = z.object({ message_id: z.string() });

/** A Messenger-Platform channel; Messenger and Instagram differ only in these options. */
export function messagingPlatform<C extends MessagingConfig>(o: Options<C>): ChannelAdapter<C> {
  const payloadSchema = Payload(o.object);
  return {
    name: o.name,
    config: o.config,

    async handshake(req, config) {
      return hubChallenge(req, config.verify_token);
    },

    async verify(req, config) {
      await verifyHubSignature(req, config.app_secret);
    },

    async parse(req, config) {
      const payload = jsonBody(req.rawBody, payloadSchema);
      const ours = o.account(config);
      const items: InboundItem[] = [];
      for (const entry of payload.entry) {
        if (ours && entry.id !== ours) throw new ChannelError(403, `this delivery is for account ${entry.id}, not the account this channel is configured for`);
        // Standby: another app owns the thread (handover protocol); the conversation still happened.
        for (const e of [...(entry.messaging ?? []), ...(entry.standby ?? [])]) {
          // An echo's recipient is the customer; every other event is addressed to the account.
          const echo = e.message?.is_echo === true;
          if (ours && !echo && e.recipient?.id !== undefined && e.recipient.id !== ours) {
            throw new ChannelError(403, `an event in this delivery is for account ${e.recipient.id}, not the account this channel is configured for`);
          }
          const customer = e.sender.id ?? e.sender.user_ref;
          if (!customer || echo) continue;
          const occurredAt = epochMs(e.timestamp);
          const context = { thread: `${entry.id}:${customer}`, contact: { externalId: customer }, ...(occurredAt ? { occurredAt } : {}) };
          items.push(...eventItemsOf(e, context, customer));
        }
      }
      return { items };
    },

    async send(reply, config) {
      const recipient = { id: customerOf(reply.externalThreadId) };
      const url = `${trimSlash(config.api_base)}/me/messages`;
      return withPrompts(reply.parts).map(
        (p): ProviderRequest =>
          graphRequest(url, config.access_token, { recipient, ...(o.messagingType ? { messaging_type: "RESPONSE" } : {}), message: outgoing(p, o.files) }),
      );
    },

    sendOutcome(status, body) {
      return graphOutcome(status, body, (json) => {
        const r = SendResponse.safeParse(json);
        return r.success ? r.data.message_id : undefined;
      });
    },
  };
}

export const messengerAdapter = messagingPlatform({
  name: "messenger",
  object: "page",
  config: MessengerConfig,
  account: (c) => c.page_id,
  files: true,
  messagingType: true,
});
