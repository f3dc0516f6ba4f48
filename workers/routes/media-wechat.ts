import { z } from "zod";
import { HttpError, renderError } from "../http/problem";
import { defineRoute, router } from "../http/route";
import { loadChannel } from "../channels/store";
import type { WeChatConfig } from "../channels/wechat";
import { httpUrl, trimSlash } from "../channels/adapter";
import { fileResponse, providerFetch, servedFile } from "./media-proxy";

/**
 * WeChat media by MediaId, for agents and API keys. Images, voice and thumbnails come from
 * GET {api_base}/cgi-bin/media/get?access_token=…&media_id=… as bytes; a video comes back as JSON
 * {"video_url": …} to download from; a refusal is JSON {"errcode", "errmsg"} (sometimes labelled text/plain).
 * The access token sits in the query string, so stored parts point here (/v1/media/wechat/<media id>) and the
 * token is only used on the server-to-WeChat leg, never in a message, a problem or a log.
 * Mounted at /v1/media/wechat.
 */

const VideoUrl = z.object({ video_url: z.string().min(1).max(4096) });
const Refused = z.object({ errcode: z.union([z.number(), z.string()]), errmsg: z.string().optional() });


/** WeChat answers JSON for videos and refusals, and labels some of those text/plain. */
function isJsonAnswer(contentType: string): boolean {
  return /^(application\/json|text\/plain|text\/json)\b/i.test(contentType);
}

export const wechatMediaRoutes = router()
  .openapi(
    defineRoute({
      method: "get", path: "/{mediaId}", tags: ["Media"], access: ["api", "agent"],
      summary: "WeChat media (images, voice, video), fetched and proxied without the access token",
      request: { params: z.object({ mediaId: z.string().describe("The MediaId (or ThumbMediaId) from the delivery") }) },
      responses: { 200: fileResponse("The file") },
      errors: [409, 502],
    }),
    async (c) => {
      const mediaId = c.req.valid("param").mediaId;
      const loaded = await loadChannel(c.env, c.get("principal").tenantId, "wechat");
      if (!loaded) throw new HttpError(404, "not found", "wechat is not configured for this tenant");
      const config = loaded.config as WeChatConfig;
      const token = config.access_token;
      if (!token) throw new HttpError(409, "not configured", "the wechat channel has no access_token to fetch media with");
      const scrub = (s: string) => s.replaceAll(token, "…").slice(0, 200);

      const query = new URLSearchParams({ access_token: token, media_id: mediaId.toWellFormed() });
      let file = await providerFetch(`${trimSlash(config.api_base)}/cgi-bin/media/get?${query}`, "WeChat");
      if (!file.ok || !file.body) {
        await file.body?.cancel();
        throw new HttpError(502, "provider error", `WeChat media/get answered HTTP ${file.status}`);
      }
      if (isJsonAnswer(file.headers.get("content-type") ?? "")) {
        const json: unknown = await file.json().catch(() => null);
        const video = VideoUrl.safeParse(json);
        const download = video.success ? httpUrl(video.data.video_url) : undefined;
        if (!download) {
          const refused = Refused.safeParse(json);
          const why = refused.success ? `: errcode ${scrub(String(refused.data.errcode))} ${scrub(refused.data.errmsg ?? "")}`.trimEnd() : " an unreadable answer";
          throw new HttpError(502, "provider error", `WeChat media/get refused${why}`);
        }
        file = await providerFetch(download, "WeChat");
        if (!file.ok || !file.body) {
          await file.body?.cancel();
          throw new HttpError(502, "provider error", `WeChat video download answered HTTP ${file.status}`);
        }
      }

      return servedFile(file);
    },
  )
  .onError(renderError);
