import { hc, type ClientRequestOptions, type ClientResponse } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { App } from "../workers/app";

export const REQUEST_ID_HEADER = "X-Request-Id";
export const IDEMPOTENCY_HEADER = "Idempotency-Key";

/** A bearer token, or a function that returns the current one (visitor and agent tokens expire and are renewed). */
export type TokenSource = string | (() => string | Promise<string>);

export type ClientOptions = {
  /** The deployment's origin, e.g. `https://desk.example.com`. */
  baseUrl: string;
  /** Omitted for public calls such as `POST /v1/widget/session`. */
  token?: TokenSource;
  /** Defaults to the global `fetch` (Node 22+, browsers, Workers); tests pass a Worker's own `fetch`. */
  fetch?: (input: Request) => Promise<Response>;
  /** Gives every request an `X-Request-Id` the caller chose (e.g. its own trace id); without it the server makes one. */
  requestId?: () => string;
};

export type FieldError = { field: string; message: string };

/** An application/problem+json answer (RFC 9457), as every /v1 error is. */
export class EdgedeskError extends Error {
  override readonly name = "EdgedeskError";
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly errors: FieldError[] | undefined,
    /** The id the server logged the request under: quote it when reporting a problem. */
    readonly request_id: string | undefined,
    /** Seconds to wait, from `Retry-After` on a 429. */
    readonly retry_after: number | undefined,
  ) {
    super(detail ? `${status} ${title}: ${detail}` : `${status} ${title}`);
  }

  /** Reads a failed response; a body that is not problem+json (a proxy's HTML page) still gives status and title. */
  static async from(res: Response): Promise<EdgedeskError> {
    const text = await res.text();
    let body: Partial<{ title: unknown; detail: unknown; errors: unknown; request_id: unknown }> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object") body = parsed;
    } catch {
      // not JSON: status and headers are all there is
    }
    const str = (v: unknown) => (typeof v === "string" ? v : undefined);
    const retry = Number(res.headers.get("retry-after") ?? NaN);
    return new EdgedeskError(
      res.status,
      str(body.title) ?? (res.statusText || "request failed"),
      str(body.detail),
      Array.isArray(body.errors) ? (body.errors as FieldError[]) : undefined,
      str(body.request_id) ?? res.headers.get(REQUEST_ID_HEADER) ?? undefined,
      Number.isFinite(retry) ? retry : undefined,
    );
  }
}

export const resolveToken = async (token: TokenSource): Promise<string> => (typeof token === "function" ? token() : token);

/**
 * The typed REST client: `hc<App>` over the Worker's own route types, so paths, params, query, bodies and
 * response bodies are checked at compile time. Calls return responses; `unwrap()` reads the body or throws.
 */
export function createClient(opts: ClientOptions) {
  const send = opts.fetch ?? ((req: Request) => fetch(req));
  const authorized = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    if (opts.token !== undefined && !req.headers.has("authorization")) req.headers.set("authorization", `Bearer ${await resolveToken(opts.token)}`);
    if (opts.requestId && !req.headers.has(REQUEST_ID_HEADER)) req.headers.set(REQUEST_ID_HEADER, opts.requestId());
    return send(req);
  };
  return hc<App>(opts.baseUrl, { fetch: authorized as typeof fetch });
}

export type EdgedeskClient = ReturnType<typeof createClient>;

/** Per-call options that make a creating POST safe to retry: a repeat with the same key replays the first answer. */
export function idempotencyKey(key: string = crypto.randomUUID()): ClientRequestOptions {
  return { headers: { [IDEMPOTENCY_HEADER]: key } };
}

/** What a call's success responses carry; error statuses are thrown as `EdgedeskError` instead. */
export type Success<R> = R extends ClientResponse<infer T, infer S, infer _F> ? (S extends SuccessStatusCode ? T : never) : never;

/** Awaits a call and returns its JSON body, or throws `EdgedeskError` for any non-2xx answer. */
export async function unwrap<R extends ClientResponse<unknown, number, "json">>(call: R | Promise<R>): Promise<Success<R>> {
  const res = await call;
  if (!res.ok) throw await EdgedeskError.from(res as unknown as Response);
  return (await res.json()) as Success<R>;
}

export type Page<T> = { data: T[]; next_cursor: string | null };

/**
 * Every item of a cursor-paged list, fetching pages as the loop asks for them:
 * `for await (const c of paginate((cursor) => api.v1.conversations.$get({ query: { cursor } })))`.
 */
export async function* paginate<R extends ClientResponse<unknown, number, "json">>(
  page: (cursor: string | undefined) => R | Promise<R>,
): AsyncGenerator<Success<R> extends Page<infer T> ? T : never, void, undefined> {
  let cursor: string | undefined;
  do {
    const body = (await unwrap(page(cursor))) as Page<Success<R> extends Page<infer T> ? T : never>;
    yield* body.data;
    cursor = body.next_cursor ?? undefined;
  } while (cursor !== undefined);
}
