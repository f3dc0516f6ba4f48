/**
 * Instagram Messaging: the Messenger Platform with object "instagram". Threads are
 * "<IG professional account id>:<IGSID>". Instagram has no file attachments, so files go out as links;
 * and it takes no messaging_type. For accounts on Instagram Login, set api_base to
 * https://graph.instagram.com/v21.0 and use the Instagram user token.
 */
import { messagingPlatform } from "./messenger";
import type { MessagingConfig } from "./messenger";

export type InstagramConfig = MessagingConfig;

export const instagramAdapter = messagingPlatform({ name: "instagram", object: "instagram", files: false, messagingType: false });
