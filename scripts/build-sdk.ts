// Bundles sdk/ for browsers into public/sdk.js, which the widget demo and the agent console import.
// `npm start`, `npm run dev`, `npm test` and `npm run deploy` run it first; the bundle is not committed.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export async function buildSdk(): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: ["sdk/index.ts"],
    outfile: "public/sdk.js",
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    legalComments: "none",
    logLevel: "warning",
  });
}

if (import.meta.main) await buildSdk();
