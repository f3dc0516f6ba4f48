/**
 * Instagram Messaging: the Messenger Platform with object "instagram". Threads are
 * "<IG professional account id>:<IGSID>". Instagram has no file attachments, so files go out as links;
 * and it takes no messaging_type. For accounts on Instagram Login, set api_base to
 * https://graph.instagram.com/v21.0 and use the Instagram user token.
 */
import { z } from "zod";
import { AccountId, messagingPlatform, MessagingConfig } from "./messenger";

/** `ig_account_id` (the professional account's id, entry.id in webhooks) should be set: without it any account of the same Meta app is accepted. */
export const InstagramConfig = MessagingConfig.extend({ ig_account_id: AccountId.optional() });
export type InstagramConfig = z.infer<typeof InstagramConfig>;

export const instagramAdapter = messagingPlatform({
  name: "instagram",
  object: "instagram",
  config: InstagramConfig,
  account: (c) => c.ig_account_id,
  files: false,
  messagingType: false,
});
