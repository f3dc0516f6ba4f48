import { z } from "zod";
import { HttpError, renderError } from "../http/problem";
import { defineRoute, router } from "../http/route";
import { blobKeyTenant, INLINE_IMAGE_TYPES, UPLOAD_SEGMENT } from "../channels/blobs";
import { fileResponse } from "./media-proxy";

/**
 * Attachment bytes stored from channel deliveries (blobs.ts), at `/v1/media/files/<key>`. Only the key's own
 * tenant's agents and API keys may read it; for anyone else, and for anything that is not a stored key, the answer
 * is the same 404, so keys of other tenants cannot be probed. The tenant's visitors may read uploads only. Mounted at /v1/media/files.
 */

/** Content-addressed: the bytes behind a key never change. */
const CACHE_CONTROL = "private, max-age=31536000, immutable";

/** RFC 6266: an ASCII fallback and the UTF-8 name (RFC 8187). */
function disposition(kind: "inline" | "attachment", name: string | undefined): string {
  if (!name) return kind;
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name.toWellFormed()).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

const notFound = () => new HttpError(404, "not found", "no such file");

/** A key's three segments (blobs.ts): anything else names no file, and the answer is the same 404. */
const KeyParams = z.object({
  owner: z.string().describe("`tenant=<tenant id>`: the key's first segment"),
  channel: z.string().describe("The channel the file arrived on"),
  sha256: z.string().describe("The SHA-256 of the bytes, in hex"),
});

export const mediaFileRoutes = router()
  .openapi(
    defineRoute({
      method: "get", path: "/{owner}/{channel}/{sha256}", tags: ["Media"], access: ["api", "agent", "visitor"],
      summary: "An attachment stored from a channel delivery or an upload (part URLs point here); only its own tenant may read it, its visitors only uploads",
      request: { params: KeyParams },
      responses: {
        200: fileResponse("The file: inline for raster images, otherwise a download under its original name", {
          ETag: { description: "The stored object's entity tag", schema: { type: "string" } },
          "Content-Disposition": { description: "inline or attachment, with the file's name", schema: { type: "string" } },
        }),
      },
    }),
    async (c) => {
      const { owner, channel, sha256 } = c.req.valid("param");
      const key = `${owner}/${channel}/${sha256}`;
      const principal = c.get("principal");
      if (blobKeyTenant(key) !== principal.tenantId) throw notFound();
      // Visitors see what the widget and the console upload; other channels' attachments are other customers'.
      if (principal.kind === "visitor" && channel !== UPLOAD_SEGMENT) throw notFound();
      const object = await c.env.MEDIA.get(key);
      if (!object) throw notFound();
      const type = object.httpMetadata?.contentType ?? "application/octet-stream";
      const inline = INLINE_IMAGE_TYPES.has(type);
      return new Response(object.body, {
        status: 200,
        headers: {
          "content-type": type,
          "content-length": String(object.size),
          "cache-control": CACHE_CONTROL,
          etag: object.httpEtag,
          // Customer-supplied bytes served from the gateway's origin: never sniffed, never run as a page.
          "x-content-type-options": "nosniff",
          "content-security-policy": "default-src 'none'; sandbox",
          "content-disposition": disposition(inline ? "inline" : "attachment", object.customMetadata?.name),
        },
      });
    },
  )
  .onError(renderError);
