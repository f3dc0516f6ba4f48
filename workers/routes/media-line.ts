import { Hono } from "hono";
import { requireAuth, type AuthEnv } from "../http/auth";
import { HttpError, renderError } from "../http/problem";
import { loadChannel } from "../channels/store";
import type { LineConfig } from "../channels/line";
import { trimSlash } from "../channels/adapter";

/**
 * Images, video, audio and files LINE users send are served by the Get content endpoint to requests bearing the
 * channel access token. Stored parts point here instead, so agents and outgoing webhooks never see the token;
 * it is used only on the server-to-LINE leg. Mounted at /v1/media/line. LINE keeps content for a limited
 * time, after which this answers 502 with LINE's status.
 */

/** Message ids are decimal strings; anything else is not a LINE message and is never sent to LINE. */
const MESSAGE_ID = /^[0-9A-Za-z]{1,64}$/;

/** A message's content never changes; private because it is one tenant's customer's file. */
const CACHE_CONTROL = "private, max-age=3600";

async function lineFetch(url: string, token: string): Promise<Response> {
  try {
    return await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  } catch {
    // The fetch error's text is not passed on: nothing about the request belongs in a problem.
    throw new HttpError(502, "provider unavailable", "LINE could not be reached");
  }
}

export const lineMediaRoutes = new Hono<AuthEnv>()
  .use(requireAuth("api", "agent"))
  .get("/:messageId", async (c) => {
    const messageId = c.req.param("messageId");
    if (!MESSAGE_ID.test(messageId)) throw new HttpError(404, "not found", "not a LINE message id");
    const loaded = await loadChannel(c.env, c.get("principal").tenantId, "line");
    if (!loaded) throw new HttpError(404, "not found", "line is not configured for this tenant");
    const config = loaded.config as LineConfig;

    const res = await lineFetch(`${trimSlash(config.data_api_base)}/v2/bot/message/${messageId}/content`, config.channel_access_token);
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel();
      throw new HttpError(502, "provider error", `LINE Get content answered HTTP ${res.status}`);
    }
    const headers = new Headers({
      "content-type": res.headers.get("content-type") ?? "application/octet-stream",
      "cache-control": CACHE_CONTROL,
      // Customer-supplied bytes served from the gateway's origin: never sniffed, never run as a page.
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
    });
    const length = res.headers.get("content-length");
    if (length) headers.set("content-length", length);
    return new Response(res.body, { status: 200, headers });
  })
  .onError(renderError);
