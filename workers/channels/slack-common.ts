/** What every kind of Slack delivery shares: ids, thread names, files, and the check that it is for this tenant. */
import { z } from "zod";
import type { ContentPart } from "../../shared/message";
import { ChannelError, clip, count, httpUrl, uriPart } from "./adapter";

export const SlackId = z.string().min(1).max(64);
export const Ts = z.string().regex(/^[0-9]{1,12}\.[0-9]{1,9}$/);

export function isDirect(channel: string, channelType?: string): boolean {
  return channelType ? channelType === "im" : channel.startsWith("D");
}

/**
 * A direct message channel is one conversation, "<team>:<channel>"; elsewhere every Slack thread is one,
 * "<team>:<channel>:<thread root ts>", which is where replies are posted.
 */
export function threadOf(team: string, channel: string, root: string | undefined, direct: boolean): string {
  return direct || !root ? `${team}:${channel}` : `${team}:${channel}:${root}`;
}

/**
 * S3: one signing secret can serve an app installed in several workspaces, so a correctly signed delivery may
 * be meant for another tenant. With `team_id` / `app_id` configured, anything else is refused before a thing
 * is stored. An org-wide (Enterprise Grid) install delivers for many workspaces: configure `app_id` alone.
 */
export function checkRecipient(config: { team_id?: string; app_id?: string }, seen: { team?: string | null; app?: string | null }): void {
  if (config.team_id && seen.team !== config.team_id) throw new ChannelError(403, "the delivery is for another Slack workspace (team_id is not this channel's)");
  if (config.app_id && seen.app !== config.app_id) throw new ChannelError(403, "the delivery is for another Slack app (api_app_id is not this channel's)");
}

export const File = z.object({
  id: SlackId,
  name: z.string().nullish(),
  mimetype: z.string().nullish(),
  size: z.number().nullish(),
  mode: z.string().nullish(),
  is_external: z.boolean().nullish(),
  url_private: z.string().nullish(),
});
export type File = z.infer<typeof File>;

/** The gateway's media proxy for a Slack file (workers/routes/media-slack.ts), on the webhook's origin. */
export function slackMediaUrl(fileId: string, webhookUrl: string): string {
  return new URL(`/v1/media/slack/${uriPart(fileId)}`, webhookUrl).toString();
}

/**
 * Slack-hosted files are only served to requests bearing the bot token, so parts point at the media proxy, which
 * also resolves Slack Connect files (`file_access: "check_file_info"`, no URL until files.info is asked). An
 * external file (Google Drive …) is a link to its own service and is kept as that link.
 */
export function fileParts(files: File[], webhookUrl: string): ContentPart[] {
  return files.map((f): ContentPart => {
    const name = clip(f.name ?? undefined, 255);
    if (f.mode === "tombstone") return { type: "unsupported", provider_type: "slack_file:tombstone", description: "a file that was deleted" };
    if (f.mode === "hidden_by_limit") return { type: "unsupported", provider_type: "slack_file:hidden_by_limit", description: clip(`${name ?? "a file"}, hidden by the workspace's plan limits`, 1000) };
    const mime_type = clip(f.mimetype ?? undefined, 100);
    if (f.is_external) {
      const link = httpUrl(f.url_private ?? undefined);
      return link ? { type: "file", url: link, name, mime_type } : { type: "unsupported", provider_type: "slack_file:external", description: clip(`${name ?? "an external file"} (no usable link)`, 1000) };
    }
    const url = slackMediaUrl(f.id, webhookUrl);
    if (mime_type?.startsWith("image/")) return { type: "image", url, mime_type };
    if (mime_type?.startsWith("video/")) return { type: "video", url, mime_type };
    if (mime_type?.startsWith("audio/")) return { type: "audio", url, mime_type };
    return { type: "file", url, name, mime_type, size: count(f.size ?? undefined) };
  });
}
