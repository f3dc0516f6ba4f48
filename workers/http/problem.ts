import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { Result } from "../../shared/result";

export type FieldError = { field: string; message: string };

/** The one error type of the HTTP edge; `app.onError` renders it as application/problem+json (RFC 9457). */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    /** Extra response headers, e.g. `Retry-After` on a 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
  }
}

export type ProblemExtras = { requestId?: string; headers?: Record<string, string> };

export function problemResponse(status: number, title: string, detail?: string, errors?: FieldError[], extras: ProblemExtras = {}): Response {
  return new Response(JSON.stringify({ type: "about:blank", title, status, detail, errors, request_id: extras.requestId }), {
    status,
    headers: { ...extras.headers, "content-type": "application/problem+json" },
  });
}

export function renderError(err: unknown, c: Context): Response {
  const requestId: string | undefined = c.get("requestId");
  if (err instanceof HttpError) return problemResponse(err.status, err.title, err.detail, err.errors, { requestId, headers: err.headers });
  if (err instanceof HTTPException) {
    // The OpenAPI router's media-type gate answers 415 this way, before any body is read.
    if (err.status === 415) return problemResponse(415, "unsupported media type", "send application/json", undefined, { requestId });
    return problemResponse(err.status, err.status === 400 ? "malformed request" : "request failed", err.message, undefined, { requestId });
  }
  console.error(JSON.stringify({ level: "error", msg: "unhandled", request_id: requestId, path: c.req.path, error: String(err), stack: (err as Error)?.stack }));
  return problemResponse(500, "internal error", undefined, undefined, { requestId });
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ field: i.path.join(".") || "(root)", message: i.message }));
}

export function invalid(error: z.ZodError | FieldError[], title = "invalid request"): HttpError {
  const errors = Array.isArray(error) ? error : fieldErrors(error);
  return new HttpError(422, title, errors.map((e) => `${e.field}: ${e.message}`).join("; "), errors);
}

/** A 422 for one field that passed the schema but not a rule the schema cannot see (existence, consistency). */
export function invalidField(field: string, message: string): HttpError {
  return invalid([{ field, message }]);
}


export function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new HttpError(r.status, r.title, r.detail);
}
