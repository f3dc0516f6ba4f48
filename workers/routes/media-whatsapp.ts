import { z } from "zod";
import { HttpError, renderError } from "../http/problem";
import { defineRoute, router } from "../http/route";
import { loadChannel } from "../channels/store";
import type { WhatsappConfig } from "../channels/whatsapp";
import { httpUrl, trimSlash } from "../channels/adapter";
import { fileResponse, providerFetch, servedFile } from "./media-proxy";

/**
 * WhatsApp media by id, for agents and API keys: GET {api_base}/{media-id} answers a short-lived download URL, and
 * that URL too needs the tenant's access token. Stored parts point here (/v1/media/whatsapp/<media id>), so the
 * token is only ever used on the server-to-Meta leg and never reaches a message, a browser or a log.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#retrieve-media-url
 * Mounted at /v1/media/whatsapp.
 */

const MediaInfo = z.object({ url: z.string().min(1).max(4096), mime_type: z.string().max(255).optional() });
const GraphError = z.object({ error: z.object({ message: z.string().optional(), code: z.number().optional() }) });

export const whatsappMediaRoutes = router()
  .openapi(
    defineRoute({
      method: "get", path: "/{mediaId}", tags: ["Media"], access: ["api", "agent"],
      summary: "WhatsApp media, resolved and proxied without the access token",
      request: { params: z.object({ mediaId: z.string().describe("The media id from the delivery") }) },
      responses: { 200: fileResponse("The file") },
      errors: [502],
    }),
    async (c) => {
      const mediaId = c.req.valid("param").mediaId;
      const loaded = await loadChannel(c.env, c.get("principal").tenantId, "whatsapp");
      if (!loaded) throw new HttpError(404, "not found", "whatsapp is not configured for this tenant");
      const config = loaded.config as WhatsappConfig;

      // phone_number_id makes Meta refuse media that did not arrive at this tenant's number, although the app's
      // token could read it: a tenant sharing the app never reads another's media by guessing ids.
      const query = new URLSearchParams({ phone_number_id: config.phone_number_id });
      const info = await providerFetch(`${trimSlash(config.api_base)}/${encodeURIComponent(mediaId.toWellFormed())}?${query}`, "WhatsApp", config.access_token);
      const json: unknown = await info.json().catch(() => null);
      const media = MediaInfo.safeParse(json);
      const download = media.success ? httpUrl(media.data.url) : undefined;
      if (!info.ok || !download) {
        const refused = GraphError.safeParse(json);
        const why = refused.success && refused.data.error.message ? `: ${refused.data.error.message.slice(0, 200)}` : "";
        throw new HttpError(502, "provider error", `WhatsApp media lookup answered HTTP ${info.status}${why}`);
      }

      const file = await providerFetch(download, "WhatsApp", config.access_token);
      if (!file.ok || !file.body) {
        await file.body?.cancel();
        throw new HttpError(502, "provider error", `WhatsApp media download answered HTTP ${file.status}`);
      }
      return servedFile(file, media.success ? media.data.mime_type : undefined);
    },
  )
  .onError(renderError);
