import { z } from "zod";
import { HttpError, renderError } from "../http/problem";
import { defineRoute, router } from "../http/route";
import { loadChannel } from "../channels/store";
import type { LineConfig } from "../channels/line";
import { trimSlash } from "../channels/adapter";
import { fileResponse, providerFetch, servedFile } from "./media-proxy";

/**
 * Images, video, audio and files LINE users send are served by the Get content endpoint to requests bearing the
 * channel access token. Stored parts point here instead, so agents and outgoing webhooks never see the token;
 * it is used only on the server-to-LINE leg. Mounted at /v1/media/line. LINE keeps content for a limited
 * time, after which this answers 502 with LINE's status.
 */

/** Message ids are decimal strings; anything else is not a LINE message and is never sent to LINE. */
const MESSAGE_ID = /^[0-9A-Za-z]{1,64}$/;

export const lineMediaRoutes = router()
  .openapi(
    defineRoute({
      method: "get", path: "/{messageId}", tags: ["Media"], access: ["api", "agent"],
      summary: "LINE message content (images, video, audio, files), proxied without the channel access token",
      request: { params: z.object({ messageId: z.string().regex(MESSAGE_ID, "not a LINE message id").describe("The id of the LINE message whose content this is") }) },
      responses: { 200: fileResponse("The file") },
      errors: [502],
    }),
    async (c) => {
      const messageId = c.req.valid("param").messageId;
      const loaded = await loadChannel(c.env, c.get("principal").tenantId, "line");
      if (!loaded) throw new HttpError(404, "not found", "line is not configured for this tenant");
      const config = loaded.config as LineConfig;

      const res = await providerFetch(`${trimSlash(config.data_api_base)}/v2/bot/message/${messageId}/content`, "LINE", config.channel_access_token);
      if (res.status !== 200 || !res.body) {
        await res.body?.cancel();
        throw new HttpError(502, "provider error", `LINE Get content answered HTTP ${res.status}`);
      }
      return servedFile(res);
    },
  )
  .onError(renderError);
