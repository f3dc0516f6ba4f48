/**
 * Copies the browser bundles the Worker serves as static assets out of node_modules into public/vendor/ (ignored by
 * git), so /docs and the pages never load code from a CDN. `npm start`, `npm test`, `npm run dev` and `npm run
 * deploy` run it first.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const VENDORED: { from: string; to: string }[] = [
  // Scalar's single-file UMD build: the API reference at /docs (workers/routes/docs.ts SCALAR_BUNDLE).
  { from: join(root, "node_modules/@scalar/api-reference/dist/browser/standalone.js"), to: "scalar.js" },
];

const out = join(root, "public/vendor");
mkdirSync(out, { recursive: true });
for (const { from, to } of VENDORED) copyFileSync(from, join(out, to));
console.log(`vendored ${VENDORED.map((v) => v.to).join(", ")} into public/vendor/`);
