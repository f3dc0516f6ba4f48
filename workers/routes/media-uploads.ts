import { z } from "zod";
import { HttpError, invalidField } from "../http/problem";
import { defineRoute, json, router } from "../http/route";
import { blobKey, blobUrl, byteLimit, UPLOAD_SEGMENT } from "../channels/blobs";
import { admitUpload, UPLOAD_TYPES } from "../../shared/media-sniff";
import { toHex } from "../../shared/crypto";

/** The largest file one upload may carry; app.ts exempts this route from the JSON body limit, and it enforces this one. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** Text is stored with its charset, so a browser that opens the download decodes it as it was checked. */
const STORED_TYPE: Partial<Record<(typeof UPLOAD_TYPES)[number], string>> = { "text/plain": "text/plain; charset=utf-8" };

export const UploadQuery = z.object({
  name: z
    .string()
    .min(1)
    .max(255)
    .refine((s) => s.isWellFormed() && !/[\u0000-\u001f\u007f/\\]/.test(s), "a file name without control characters or slashes")
    .describe("The file's name, shown to the other side and used when it is downloaded"),
});

export const Upload = z
  .object({
    url: z.string().describe("Absolute URL under /v1/media/files/; GET it with a bearer token of the tenant"),
    mime_type: z.enum(UPLOAD_TYPES),
    size: z.int().nonnegative(),
    name: z.string(),
    sha256: z.string().describe("SHA-256 of the bytes, hex: identical files share one stored copy"),
  })
  .meta({ id: "Upload" });

const tooLarge = () => new HttpError(413, "payload too large", `uploads are limited to ${byteLimit(MAX_UPLOAD_BYTES)}`);

/**
 * The body, counted as it streams: a sender without Content-Length (chunked) is cut off at the limit, not after
 * it has sent everything.
 */
async function readCapped(body: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array<ArrayBuffer>> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const binary = z.any().describe("The file's raw bytes");

/**
 * Files the widget and the console attach to messages. The bytes are checked to be what they are declared as,
 * stored once per content in R2 under the tenant's key, and served by /v1/media/files with their checked type.
 */
export const mediaUploadRoutes = router().openapi(
  defineRoute({
    method: "post", path: "/", tags: ["Media"], access: ["api", "agent", "visitor"],
    summary: `Upload a file (${UPLOAD_TYPES.join(", ")}; at most ${byteLimit(MAX_UPLOAD_BYTES)}) to attach to a message as an image or file part`,
    request: {
      query: UploadQuery,
      body: { required: true, description: "The raw file; Content-Type is its type, checked against its content", content: Object.fromEntries(UPLOAD_TYPES.map((t) => [t, { schema: binary }])) },
    },
    responses: { 201: json(Upload, "The stored file") },
  }),
  async (c) => {
    const tenantId = c.get("principal").tenantId;
    const declaredLength = Number(c.req.header("content-length"));
    if (declaredLength > MAX_UPLOAD_BYTES) throw tooLarge();
    const bytes = await readCapped(c.req.raw.body, MAX_UPLOAD_BYTES);
    if (bytes.byteLength === 0) throw invalidField("body", "the file is empty");
    const admitted = admitUpload(c.req.header("content-type"), bytes);
    if (!admitted.ok) throw new HttpError(415, "unsupported media type", admitted.reason);
    const sha256 = toHex(await crypto.subtle.digest("SHA-256", bytes));
    const key = blobKey(tenantId, UPLOAD_SEGMENT, sha256);
    const { name } = c.req.valid("query");
    if (!(await c.env.MEDIA.head(key))) {
      await c.env.MEDIA.put(key, bytes, { httpMetadata: { contentType: STORED_TYPE[admitted.type] ?? admitted.type }, customMetadata: { name } });
    }
    return c.json({ url: blobUrl(new URL(c.req.url).origin, key), mime_type: admitted.type, size: bytes.byteLength, name, sha256 }, 201);
  },
);
