import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./wrangler.ts";

/** The slice of Miniflare's API used here (its own types live in wrangler's nested copy, not on our import path). */
type MiniflareLike = { ready: Promise<URL>; dispose(): Promise<void> };
type WorkerConfig = {
  name: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  manifest: { mainModule: string; modules: Record<string, { type: "esm"; contents: string }> };
};
type MiniflareCtor = new (opts: { workers: { config: WorkerConfig }[]; host: string; port: number }) => MiniflareLike;
type EsbuildLike = { build(opts: Record<string, unknown>): Promise<{ outputFiles?: { text: string }[] }> };

/** The packages as wrangler itself loads them, so the worker runs on the same workerd as `wrangler dev` of the system. */
const fromWrangler = createRequire(path.join(ROOT, "node_modules", "wrangler", "package.json"));

export const loadEsbuild = async (): Promise<EsbuildLike> => (await import(pathToFileURL(fromWrangler.resolve("esbuild")).href)) as EsbuildLike;

/** The compatibility date and flags of the system's wrangler.toml, so the bench worker runs with the same runtime behaviour. */
function compatibility(root: string): { date: string; flags: string[] } {
  const toml = readFileSync(path.join(root, "wrangler.toml"), "utf8");
  const date = toml.match(/^compatibility_date\s*=\s*"([^"]+)"/m)?.[1];
  if (!date) throw new Error("wrangler.toml has no compatibility_date");
  const flags = [...(toml.match(/^compatibility_flags\s*=\s*\[([^\]]*)\]/m)?.[1] ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
  return { date, flags };
}

export type NlpWorker = { url: string; bundleBytes: number; dispose(): Promise<void> };

/**
 * Bundles bench/nlp-worker/index.ts with the shared/nlp code of the checkout at `root` (the system under test,
 * `--root`) and serves it from a Miniflare workerd on loopback.
 */
export async function startNlpWorker(root: string): Promise<NlpWorker> {
  const esbuild = await loadEsbuild();
  const built = await esbuild.build({
    stdin: { contents: readFileSync(path.join(ROOT, "bench", "nlp-worker", "index.ts"), "utf8"), resolveDir: path.join(root, "bench", "nlp-worker"), sourcefile: "index.ts", loader: "ts" },
    absWorkingDir: root,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    write: false,
    logLevel: "silent",
  });
  const script = built.outputFiles?.[0]?.text;
  if (!script) throw new Error("esbuild produced no bundle for bench/nlp-worker");
  const { Miniflare } = (await import(pathToFileURL(fromWrangler.resolve("miniflare")).href)) as { Miniflare: MiniflareCtor };
  const { date, flags } = compatibility(root);
  const mf = new Miniflare({ workers: [{ config: { name: "edgedesk-bench-nlp", compatibilityDate: date, compatibilityFlags: flags, manifest: { mainModule: "index.js", modules: { "index.js": { type: "esm", contents: script } } } } }], host: "127.0.0.1", port: 0 });
  const url = (await mf.ready).href.replace(/\/$/, "");
  return { url, bundleBytes: Buffer.byteLength(script), dispose: () => mf.dispose() };
}
