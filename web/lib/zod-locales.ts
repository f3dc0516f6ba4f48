/**
 * Stands in for zod's locale index in the browser bundles (scripts/build-web.ts): the pages only show zod's English
 * messages, never read `z.locales`, and the 40 other locales are half of zod's minified size.
 */
export { default as en } from "zod/v4/locales/en.js";
