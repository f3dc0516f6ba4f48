import { Hono } from "hono";
import { Scalar } from "@scalar/hono-api-reference";
import { perAddress } from "../http/rate-limit";

/** Where scripts/vendor-assets.ts puts Scalar's single-file bundle among the static assets: nothing loads from a CDN. */
export const SCALAR_BUNDLE = "/vendor/scalar.js";

/**
 * The browsable API reference (Scalar) over /v1/openapi.json. A fresh nonce per response lets the one inline script
 * that starts Scalar run under a CSP that allows nothing else off this origin.
 */
export const docsRoutes = new Hono<{ Bindings: Env }>().get("/", perAddress, async (c, next) => {
  const nonce = crypto.randomUUID().replaceAll("-", "");
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; script-src 'self' 'nonce-${nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  );
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
  return Scalar<{ Bindings: Env }>({
    url: "/v1/openapi.json",
    cdn: SCALAR_BUNDLE,
    nonce,
    pageTitle: "edgedesk API reference",
    withDefaultFonts: false,
    hideClientButton: true,
    // Every operation visible at once, and no hosted AI chat: nothing here calls Scalar's services.
    defaultOpenAllTags: true,
    agent: { disabled: true },
    telemetry: false,
  })(c, next);
});
