/**
 * Bundles the browser apps into public/ (ignored by git): the embeddable widget (web/widget → widget.js, one
 * self-contained IIFE a customer's page loads with one tag), the agent console (web/console → console.js) and the
 * supervisor dashboard with admin (web/dashboard → dashboard.js), both Preact. `npm start`, `npm run dev`,
 * `npm test` and `npm run deploy` run it first. Prints each bundle's minified and gzipped size.
 */
import { build, type BuildOptions, type Plugin } from "esbuild";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** zod's namespace re-exports every locale, which esbuild cannot shake off; the bundles get English only. */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => (args.importer.includes("/node_modules/zod/") ? { path: `${root}web/lib/zod-locales.ts` } : undefined));
  },
};

const common: BuildOptions = {
  plugins: [zodEnglishOnly],
  absWorkingDir: root,
  bundle: true,
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
  jsx: "automatic",
  jsxImportSource: "preact",
  define: { "process.env.NODE_ENV": '"production"' },
};

export const BUNDLES = [
  { entry: "web/widget/main.ts", out: "public/widget.js", format: "iife" as const },
  { entry: "web/console/main.tsx", out: "public/console.js", format: "esm" as const },
  { entry: "web/dashboard/main.tsx", out: "public/dashboard.js", format: "esm" as const },
];

/** Builds every bundle, or only those whose output name contains one of `only` (`node scripts/build-web.ts widget`). */
export async function buildWeb(only: string[] = []): Promise<{ file: string; bytes: number; gzip_bytes: number }[]> {
  const chosen = BUNDLES.filter((b) => only.length === 0 || only.some((o) => b.out.includes(o)));
  await Promise.all(chosen.map((b) => build({ ...common, entryPoints: [b.entry], outfile: b.out, format: b.format })));
  return chosen.map((b) => {
    const code = readFileSync(`${root}/${b.out}`);
    return { file: b.out, bytes: code.length, gzip_bytes: gzipSync(code, { level: 9 }).length };
  });
}

if (import.meta.main) {
  for (const s of await buildWeb(process.argv.slice(2))) console.log(`${s.file}: ${(s.bytes / 1024).toFixed(1)} KB, ${(s.gzip_bytes / 1024).toFixed(1)} KB gzipped`);
}
