/**
 * What every provider media proxy (workers/routes/media*.ts) shares: the fetch that never leaks its request,
 * and the response that serves customer-supplied bytes safely from the gateway's origin.
 */
import { z } from "zod";
import { HttpError } from "../http/problem";

/** A media id's bytes never change; private because they are one tenant's customer's file. */
const CACHE_CONTROL = "private, max-age=3600";

/**
 * The provider call, with the token as a bearer header when the provider takes one. Neither the request (its URL
 * or headers hold the token) nor the fetch error's text goes into a problem.
 */
export async function providerFetch(url: string, provider: string, bearer?: string): Promise<Response> {
  try {
    return await fetch(url, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {});
  } catch {
    throw new HttpError(502, "provider unavailable", `${provider} could not be reached`);
  }
}

/** The downloaded file (its body checked by the caller) streamed on; never sniffed, never run as a page. */
export function servedFile(download: Response, contentType?: string): Response {
  const headers = new Headers({
    "content-type": contentType || download.headers.get("content-type") || "application/octet-stream",
    "cache-control": CACHE_CONTROL,
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
  });
  const length = download.headers.get("content-length");
  if (length) headers.set("content-length", length);
  return new Response(download.body, { status: 200, headers });
}

type Header = { description: string; schema: { type: "string" } };

/** How a media route's answer is documented: the bytes, of whatever type the provider gave them. */
export const fileResponse = (description: string, headers: Record<string, Header> = {}) => ({
  description,
  headers: {
    "Cache-Control": { description: "private: one tenant's customer's file", schema: { type: "string" } },
    "Content-Security-Policy": { description: "default-src 'none'; sandbox: never run as a page", schema: { type: "string" } },
    ...headers,
  } satisfies Record<string, Header>,
  content: { "*/*": { schema: z.any().describe("The file's bytes") } },
});
