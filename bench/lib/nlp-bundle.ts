import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { loadEsbuild } from "./nlp-worker-host.ts";
import { wrangler } from "./wrangler.ts";

/** The model code of the built-in NLP; zod stays outside because the Worker already carries it for its API. */
const NLP_MODULES = ["intent", "features", "sentiment", "entities", "lexicon", "starter-intents"];

/** Worker-like esbuild options: wrangler bundles ESM for workerd with the same conditions, and does not minify unless told (wrangler.toml does not). */
const WORKER_BUILD = {
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2024",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  external: ["cloudflare:*", "node:*"],
  loader: { ".sql": "text" },
  write: false,
  logLevel: "silent",
} as const;

const gz = (s: string | Uint8Array) => gzipSync(s, { level: 9 }).length;

/** One bundle's text and the files of the checkout at `root` that went into it. */
async function bundle(root: string, opts: Record<string, unknown>): Promise<{ text: string; inputs: string[] }> {
  const esbuild = await loadEsbuild();
  const out = (await esbuild.build({ ...WORKER_BUILD, absWorkingDir: root, metafile: true, ...opts })) as { outputFiles?: { text: string }[]; metafile?: { inputs: Record<string, unknown> } };
  const text = out.outputFiles?.[0]?.text;
  if (text === undefined) throw new Error("esbuild produced no output");
  return { text, inputs: Object.keys(out.metafile?.inputs ?? {}).filter((f) => !f.startsWith("<")) };
}

/** gzip bytes of the NLP model code alone, as the Worker would bundle it (and minified, for reference). */
export async function nlpBundleSize(root: string): Promise<{ gzip: number; gzipMinified: number; bytes: number; inputs: string[] }> {
  const stdin = { contents: NLP_MODULES.map((m) => `export * as ${m.replace(/-/g, "_")} from "./${m}";`).join("\n"), resolveDir: path.join(root, "shared", "nlp"), loader: "ts" };
  const external = [...WORKER_BUILD.external, "zod"];
  const plain = await bundle(root, { stdin, external });
  const minified = await bundle(root, { stdin, external, minify: true });
  return { gzip: gz(plain.text), gzipMinified: gz(minified.text), bytes: Buffer.byteLength(plain.text), inputs: plain.inputs.sort() };
}

/** Every value export of a module, from esbuild's metafile of that file alone. */
async function valueExports(file: string): Promise<string[]> {
  const esbuild = await loadEsbuild();
  const out = (await esbuild.build({ entryPoints: [file], bundle: false, format: "esm", write: false, metafile: true, logLevel: "silent" })) as { metafile?: { outputs: Record<string, { exports: string[] }> } };
  return Object.values(out.metafile?.outputs ?? {}).flatMap((o) => o.exports);
}

/**
 * gzip bytes of the main Worker (workers/index.ts) bundled with and without shared/nlp: without, every module
 * there is replaced by one exporting the same names bound to an opaque global, so the importers still build
 * and nothing of the NLP code is left. Both builds use the same esbuild options, so the difference is the growth.
 */
export async function mainBundleSizes(root: string): Promise<{ withNlp: number; withoutNlp: number; removed: string[] }> {
  const entry = path.join(root, "workers", "index.ts");
  const withNlp = await bundle(root, { entryPoints: [entry] });
  const stubbed = new Set<string>();
  const stubPlugin = {
    name: "stub-shared-nlp",
    setup(build: { onLoad(o: { filter: RegExp }, cb: (a: { path: string }) => Promise<{ contents: string; loader: string }>): void }) {
      build.onLoad({ filter: /[\\/]shared[\\/]nlp[\\/][^\\/]+\.ts$/ }, async ({ path: file }) => {
        stubbed.add(path.relative(root, file));
        const names = await valueExports(file);
        const contents = `const stub = globalThis.__nlpStub;\nexport { ${names.map((n) => `stub as ${n}`).join(", ")} };\n`;
        return { contents: names.length ? contents : "export {};\n", loader: "js" };
      });
    },
  };
  const withoutNlp = await bundle(root, { entryPoints: [entry], plugins: [stubPlugin] });
  const left = new Set(withoutNlp.inputs);
  return { withNlp: gz(withNlp.text), withoutNlp: gz(withoutNlp.text), removed: withNlp.inputs.filter((f) => !left.has(f) || stubbed.has(f)).sort() };
}

/** gzip bytes of what `wrangler deploy --dry-run` would upload for the system (every module file it writes). */
export async function wranglerDryRunSize(root: string): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edgedesk-dry-run-"));
  try {
    await wrangler(["deploy", "--dry-run", "--outdir", dir], { cwd: root, timeoutMs: 60_000 });
    let total = 0;
    for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!f.isFile() || f.name === "README.md" || f.name.endsWith(".map")) continue;
      total += gz(readFileSync(path.join(f.parentPath, f.name)));
    }
    return total;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
