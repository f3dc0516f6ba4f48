import { z } from "zod";
import { HttpError, renderError } from "../http/problem";
import { defineRoute, router } from "../http/route";
import { loadChannel } from "../channels/store";
import type { SlackConfig } from "../channels/slack";
import { trimSlash } from "../channels/adapter";
import { fileResponse, providerFetch, servedFile } from "./media-proxy";

/**
 * Files shared in Slack, served to agents and API keys without the bot token ever leaving the server. Stored
 * parts point here for every Slack-hosted file, Slack Connect ones included: their events carry only the id
 * (`file_access: "check_file_info"`), so the URL is asked of files.info each time, then the file is fetched with
 * `Authorization: Bearer <bot token>` (scope files:read). Mounted at /v1/media/slack.
 */

/** Slack file ids are F followed by capitals and digits; nothing else is sent to Slack. */
const FILE_ID = /^F[A-Z0-9]{1,63}$/;

const FileInfo = z.object({
  ok: z.literal(true),
  file: z.object({
    mimetype: z.string().max(200).optional(),
    is_external: z.boolean().optional(),
    url_private: z.string().max(4096).optional(),
    url_private_download: z.string().max(4096).optional(),
  }),
});
const Refused = z.object({ ok: z.literal(false), error: z.string() });

/**
 * The token goes only to Slack: the download must be https on the API's host or a subdomain of it
 * (files.slack.com for slack.com), whatever files.info answered.
 */
function onSlack(url: string, apiBase: string): boolean {
  try {
    const target = new URL(url);
    const api = new URL(apiBase).hostname;
    return target.protocol === "https:" && (target.hostname === api || target.hostname.endsWith(`.${api}`));
  } catch {
    // not a URL at all
    return false;
  }
}

export const slackMediaRoutes = router()
  .openapi(
    defineRoute({
      method: "get", path: "/{fileId}", tags: ["Media"], access: ["api", "agent"],
      summary: "Slack files (Slack Connect ones too), resolved with files.info and proxied without the bot token",
      request: { params: z.object({ fileId: z.string().regex(FILE_ID, "not a Slack file id").describe("A Slack file id") }) },
      responses: { 200: fileResponse("The file") },
      errors: [502],
    }),
    async (c) => {
      const fileId = c.req.valid("param").fileId;
      const loaded = await loadChannel(c.env, c.get("principal").tenantId, "slack");
      if (!loaded) throw new HttpError(404, "not found", "slack is not configured for this tenant");
      const config = loaded.config as SlackConfig;

      const info = await providerFetch(`${trimSlash(config.api_base)}/files.info?file=${fileId}`, "Slack", config.bot_token);
      const json: unknown = await info.json().catch(() => null);
      const parsed = FileInfo.safeParse(json);
      if (!info.ok || !parsed.success) {
        const refused = Refused.safeParse(json);
        const why = refused.success ? `: ${refused.data.error.slice(0, 100)}` : "";
        throw new HttpError(502, "provider error", `Slack files.info answered HTTP ${info.status}${why}`);
      }
      const file = parsed.data.file;
      if (file.is_external) throw new HttpError(404, "not found", "the file is hosted outside Slack; its link is in the message");
      const source = file.url_private_download ?? file.url_private;
      if (!source || !onSlack(source, config.api_base)) throw new HttpError(502, "provider error", "Slack files.info gave no download URL on Slack");

      const download = await providerFetch(source, "Slack", config.bot_token);
      const type = download.headers.get("content-type") ?? file.mimetype ?? "application/octet-stream";
      // Without files:read Slack answers the download with its sign-in page, not an error status.
      const signIn = type.startsWith("text/html") && !file.mimetype?.startsWith("text/html");
      if (!download.ok || !download.body || signIn) {
        await download.body?.cancel();
        throw new HttpError(502, "provider error", signIn ? "Slack answered the download with a sign-in page (does the bot token have files:read?)" : `Slack file download answered HTTP ${download.status}`);
      }
      return servedFile(download, type);
    },
  )
  .onError(renderError);
