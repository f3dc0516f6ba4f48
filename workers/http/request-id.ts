import { createMiddleware } from "hono/factory";
import { newId } from "../../shared/ids";

export const REQUEST_ID_HEADER = "X-Request-Id";

/** A caller's id is kept when it is short and made of characters that are safe in logs and headers. */
const WELL_FORMED = /^[A-Za-z0-9._:@\/+=-]{1,128}$/;

/**
 * Every response carries `X-Request-Id` (success, problem+json, 404, webhooks): the caller's own when well formed,
 * else a new `req_…`. Handlers and the error renderer read it as `c.get("requestId")` for logs and problem bodies.
 */
export const requestId = createMiddleware<{ Variables: { requestId: string } }>(async (c, next) => {
  const given = c.req.header(REQUEST_ID_HEADER);
  const id = given && WELL_FORMED.test(given) ? given : newId("req");
  c.set("requestId", id);
  await next();
  if (c.res.status === 101) return; // a WebSocket handshake: the socket is the response
  try {
    c.res.headers.set(REQUEST_ID_HEADER, id);
  } catch {
    // Responses passed through from fetch() or R2 have immutable headers.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set(REQUEST_ID_HEADER, id);
  }
});
