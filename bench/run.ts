/**
 * npm run bench — see bench/README.md. Human progress on stderr; the LAST stdout line is one JSON object:
 * {"floor":{...},"hotpath":{...},"hotpath_open":{"rates":[...]},"webhooks":{...},"webhooks_out":{...},"routing":{...},"nlp":{...},"ratio":{"throughput","p99"},"config":{...}}
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { parse, USAGE } from "./lib/args.ts";
import { log } from "./lib/log.ts";
import { ratio } from "./lib/stats.ts";
import { ROOT, WranglerDev, freePort, stopAll, wrangler } from "./lib/wrangler.ts";
import { floor } from "./sections/floor.ts";
import { hotpath } from "./sections/hotpath.ts";
import { hotpathOpen } from "./sections/hotpath-open.ts";
import { nlp } from "./sections/nlp.ts";
import { routing } from "./sections/routing.ts";
import { webhooks } from "./sections/webhooks.ts";
import { analytics } from "./sections/analytics.ts";
import { webhooksOut } from "./sections/webhooks-out.ts";
import type { BenchContext, Section, Target } from "./sections/types.ts";

/** Sections in their default order; a new section is a module here. */
const SECTIONS: Section[] = [floor, hotpath, hotpathOpen, webhooks, webhooksOut, routing, nlp, analytics];

function devVars(): Record<string, string> {
  const file = path.join(ROOT, ".dev.vars");
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = line.match(/^\s*([A-Z0-9_]+)\s*=\s*"?([^"\n]*)"?\s*$/);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

function versionOf(pkg: string): string {
  try {
    const req = createRequire(path.join(ROOT, "node_modules", "wrangler", "package.json"));
    return (JSON.parse(readFileSync(req.resolve(`${pkg}/package.json`), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

async function healthy(url: string): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (!args) {
    process.stderr.write(USAGE + "\n");
    return 0;
  }
  const sections = args.sections.map((name) => {
    const s = SECTIONS.find((x) => x.name === name);
    if (!s) throw new Error(`unknown section ${name}; known: ${SECTIONS.map((x) => x.name).join(", ")}`);
    return s;
  });
  const loadAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const needMain = sections.some((s) => s.needs.includes("main"));
  const needFloor = sections.some((s) => s.needs.includes("floor"));
  const runId = `b${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  const systemRoot = args.root ? path.resolve(args.root) : ROOT;
  const stateDir = path.join(args.stateDir ? path.resolve(args.stateDir) : path.join(ROOT, ".wrangler", "bench"), runId);
  // Synchronous, so it also runs when a signal handler exits the process mid-run.
  process.on("exit", () => {
    if (!args.keepState) rmSync(stateDir, { recursive: true, force: true });
  });
  const devs: WranglerDev[] = [];
  const ports = new Set<number>();
  const ctx: BenchContext = { args, main: null, floor: null, runId, results: {} };
  let failed = false;
  let reloads = 0;
  let errorLines = 0;

  const startMain = async (): Promise<BenchContext["main"]> => {
    if (args.url) {
      const adminToken = args.adminToken ?? devVars().ADMIN_TOKEN;
      if (!adminToken) throw new Error("--url needs --admin-token (or ADMIN_TOKEN in .dev.vars)");
      await healthy(args.url.replace(/\/$/, "") + "/v1/health");
      log(`main: using ${args.url}`);
      return { url: args.url.replace(/\/$/, ""), pgid: null, adminToken, persistTo: null };
    }
    const persistTo = path.join(stateDir, "main");
    mkdirSync(persistTo, { recursive: true });
    log("main: applying D1 migrations");
    await wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], { cwd: systemRoot });
    const adminToken = randomBytes(16).toString("hex");
    const port = await freePort(args.port, ports);
    const inspectorPort = await freePort(args.port + 100, ports);
    log(`main: starting wrangler dev (${path.join(systemRoot, "wrangler.toml")}) on port ${port}`);
    const dev = await WranglerDev.start({
      label: "main",
      configs: ["wrangler.toml"],
      testScheduled: true,
      cwd: systemRoot,
      port,
      inspectorPort,
      persistTo,
      // CHANNEL_KEY seals channel credentials (connectors/credentials.ts): base64 of 32 bytes. Senders keep a window of
      // messages in flight, far above a person's frame rate: WS_FRAME_LIMIT lifts the per-socket limit being measured past.
      vars: { JWT_SECRET: randomBytes(32).toString("hex"), ADMIN_TOKEN: adminToken, CHANNEL_KEY: randomBytes(32).toString("base64"), WS_FRAME_LIMIT: "1000000/1000000" },
      healthPath: "/v1/health",
    });
    devs.push(dev);
    log(`main: ready at ${dev.url}`);
    return { url: dev.url, pgid: dev.pid, adminToken, persistTo };
  };

  const startFloor = async (): Promise<Target> => {
    if (args.floorUrl) {
      await healthy(args.floorUrl.replace(/\/$/, "") + "/__bench_floor/health");
      log(`floor: using ${args.floorUrl}`);
      return { url: args.floorUrl.replace(/\/$/, ""), pgid: null };
    }
    const persistTo = path.join(stateDir, "floor");
    mkdirSync(persistTo, { recursive: true });
    const port = await freePort(args.port + 1, ports);
    const inspectorPort = await freePort(args.port + 101, ports);
    log(`floor: starting wrangler dev (bench/floor/wrangler.toml) on port ${port}`);
    const dev = await WranglerDev.start({ label: "floor", configs: ["bench/floor/wrangler.toml"], port, inspectorPort, persistTo, healthPath: "/__bench_floor/health" });
    devs.push(dev);
    log(`floor: ready at ${dev.url}`);
    return { url: dev.url, pgid: dev.pid };
  };

  try {
    // Ports are reserved before the parallel start so the two servers never race for one.
    const [m, f] = await Promise.all([needMain ? startMain() : Promise.resolve(null), needFloor ? startFloor() : Promise.resolve(null)]);
    ctx.main = m;
    ctx.floor = f;
    for (const s of sections) {
      try {
        ctx.results[s.name] = await s.run(ctx);
      } catch (err) {
        failed = true;
        log(`${s.name}: FAILED: ${err instanceof Error ? err.message : String(err)}`);
        ctx.results[s.name] = { error: err instanceof Error ? err.message : String(err) };
      }
    }
  } finally {
    reloads = devs.reduce((n, d) => n + d.reloads, 0);
    errorLines = devs.reduce((n, d) => n + d.errorLines, 0);
    for (const d of devs) if (d.errorLines) log(`${d.label}: ${d.errorLines} error lines in wrangler output, the first:\n${d.firstErrors.join("\n")}`);
    log("stopping servers");
    await stopAll();
  }

  const fl = ctx.results.floor as { msgs_per_s?: number; p99_ms?: number } | undefined;
  const hp = ctx.results.hotpath as { msgs_per_s?: number; p99_ms?: number; lost?: number; duplicated?: number; unacked?: number; persisted_mismatch?: number; seq_gaps?: number } | undefined;
  const perRoom = Math.ceil(args.messages / args.clients);
  const out = {
    ...ctx.results,
    ratio: { throughput: ratio(hp?.msgs_per_s, fl?.msgs_per_s), p99: ratio(hp?.p99_ms, fl?.p99_ms) },
    config: {
      clients: args.clients,
      messages: perRoom * args.clients,
      warmup: Math.ceil(args.warmup / args.clients) * args.clients,
      window: args.window,
      driver: "closed-loop",
      text_bytes: args.textBytes,
      node: process.version,
      cores: os.availableParallelism(),
      cpu: os.cpus()[0]?.model ?? "unknown",
      wrangler: versionOf("wrangler"),
      workerd: versionOf("workerd"),
      main: args.url ? "url" : `wrangler dev (${args.root ? path.join(systemRoot, "wrangler.toml") : "wrangler.toml"})`,
      state_dir: args.stateDir ?? ".wrangler/bench",
      loadavg_at_start: loadAtStart,
      floor_hosting: args.floorUrl ? "url" : "separate wrangler dev process (bench/floor/wrangler.toml)",
      wrangler_reloads: reloads,
      server_error_lines: errorLines,
    },
  };
  if (hp && (hp.lost || hp.duplicated || hp.unacked || hp.persisted_mismatch || hp.seq_gaps)) {
    log("hotpath: CORRECTNESS FAILURE (lost / duplicated / unacked / seq gaps / persisted mismatch above zero)");
    failed = true;
  }
  const hpo = ctx.results.hotpath_open as { rates?: { rate: number; lost: number; duplicated: number; seq_gaps: number; out_of_order: number }[] } | undefined;
  const hpoBad = (hpo?.rates ?? []).filter((r) => r.lost || r.duplicated || r.seq_gaps || r.out_of_order).map((r) => r.rate);
  if (hpoBad.length) {
    log(`hotpath_open: CORRECTNESS FAILURE at ${hpoBad.join(", ")} msgs/s (lost / duplicated / seq gaps / out of order above zero)`);
    failed = true;
  }
  const wh = ctx.results.webhooks as { duplicates_stored?: number; bad_signatures_accepted?: number; lost?: number } | undefined;
  if (wh && (wh.duplicates_stored || wh.bad_signatures_accepted || wh.lost)) {
    log("webhooks: CORRECTNESS FAILURE (duplicates stored / bad signatures accepted / deliveries lost above zero)");
    failed = true;
  }
  const wo = ctx.results.webhooks_out as { lost?: number; duplicates?: number; bad_signatures?: number } | undefined;
  if (wo && (wo.lost || wo.duplicates || wo.bad_signatures)) {
    log("webhooks_out: CORRECTNESS FAILURE (lost / duplicates / bad signatures above zero)");
    failed = true;
  }
  const nl = ctx.results.nlp as { failures?: Record<string, string> } | undefined;
  if (nl?.failures) {
    log(`nlp: FAILED parts (their keys are null): ${Object.keys(nl.failures).join(", ")}`);
    failed = true;
  }
  process.stdout.write(JSON.stringify(out) + "\n");
  return failed ? 1 : 0;
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    log(`${sig}: stopping servers`);
    void stopAll().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await stopAll();
    process.exit(1);
  },
);
