import { z } from "zod";
import { HttpError, renderError } from "../http/problem";
import { defineRoute, router } from "../http/route";
import { loadChannel } from "../channels/store";
import type { TelegramConfig } from "../channels/telegram";
import { trimSlash } from "../channels/adapter";
import { fileResponse, providerFetch, servedFile } from "./media-proxy";

/**
 * Provider media that can only be fetched with the tenant's credentials. Stored part URLs point here, so
 * agents, widgets and outgoing webhooks see the gateway's URL and never a token; the token is used only
 * on the server-to-provider leg. Mounted at /v1/media.
 */

const GetFile = z.object({ ok: z.literal(true), result: z.object({ file_path: z.string().min(1).max(1024) }) });
const Refused = z.object({ ok: z.literal(false), description: z.string().optional() });


/** file_path as a URL path: each segment encoded, dot segments refused (they would climb out of /file/bot<token>/). */
function filePath(path: string): string {
  const segments = path.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) throw new HttpError(502, "provider error", "Telegram returned an unusable file_path");
  return segments.map(encodeURIComponent).join("/");
}

export const mediaRoutes = router()
  .openapi(
    defineRoute({
      method: "get", path: "/telegram/{fileId}", tags: ["Media"], access: ["api", "agent"],
      summary: "Telegram media, proxied without the bot token",
      request: { params: z.object({ fileId: z.string().describe("Telegram's file_id") }) },
      responses: { 200: fileResponse("The file") },
      errors: [502],
    }),
    async (c) => {
      const fileId = c.req.valid("param").fileId;
      const loaded = await loadChannel(c.env, c.get("principal").tenantId, "telegram");
      if (!loaded) throw new HttpError(404, "not found", "telegram is not configured for this tenant");
      const config = loaded.config as TelegramConfig;

      const info = await providerFetch(`${trimSlash(config.api_base)}/bot${config.bot_token}/getFile?file_id=${encodeURIComponent(fileId.toWellFormed())}`, "Telegram");
      const json: unknown = await info.json().catch(() => null);
      const file = GetFile.safeParse(json);
      if (!info.ok || !file.success) {
        const refused = Refused.safeParse(json);
        const why = refused.success && refused.data.description ? `: ${refused.data.description.slice(0, 200)}` : "";
        throw new HttpError(502, "provider error", `Telegram getFile answered HTTP ${info.status}${why}`);
      }

      const base = trimSlash(config.file_base ?? config.api_base);
      const download = await providerFetch(`${base}/file/bot${config.bot_token}/${filePath(file.data.result.file_path)}`, "Telegram");
      if (!download.ok || !download.body) {
        await download.body?.cancel();
        throw new HttpError(502, "provider error", `Telegram file download answered HTTP ${download.status}`);
      }
      return servedFile(download);
    },
  )
  .onError(renderError);
