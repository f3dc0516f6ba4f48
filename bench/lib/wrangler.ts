import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { groupProcesses } from "./cpu.ts";
import { log, sleep } from "./log.ts";

/** Repository root (bench/lib/../..). */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Wrangler's JS entry, run with this Node (24): its shebang would pick the system Node. */
const WRANGLER_JS = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0", ...extra });

/** Every dev server this process started, so an exit or signal can always take them down. */
const live = new Set<WranglerDev>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

process.on("exit", () => {
  for (const dev of live) killGroup(dev.pid, "SIGKILL");
});

/** Runs a one-shot wrangler command (e.g. D1 migrations) and returns its output; throws on a non-zero exit. */
export function wrangler(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER_JS, ...args], { cwd: opts.cwd ?? ROOT, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`wrangler ${args.join(" ")} exited with ${code}:\n${out.slice(-4000)}`));
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** The first free port at or above `from`, skipping `taken`. */
export async function freePort(from: number, taken: Set<number> = new Set()): Promise<number> {
  for (let p = from; p < from + 200; p++) {
    if (taken.has(p)) continue;
    if (await portFree(p)) {
      taken.add(p);
      return p;
    }
  }
  throw new Error(`no free port in ${from}..${from + 199}`);
}

export type DevOptions = {
  /** Label for logs. */
  label: string;
  /** Wrangler config files, relative to `cwd`; the first is the primary worker. */
  configs: string[];
  /** Working directory (default: the repository root). */
  cwd?: string;
  port: number;
  inspectorPort: number;
  persistTo: string;
  vars?: Record<string, string>;
  /** Serve `/__scheduled`, which runs the Worker's scheduled handler (the analytics cron). */
  testScheduled?: boolean;
  /** Path polled until it answers 200. */
  healthPath: string;
  timeoutMs?: number;
};

/**
 * One `wrangler dev` process in its own process group (wrangler plus the workerd processes it spawns),
 * so stop() and the exit hook take down exactly what this bench started.
 */
export class WranglerDev {
  readonly label: string;
  readonly url: string;
  readonly pid: number;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private ready = false;
  private exited = false;
  /** Reloads after the server became ready (wrangler dev watches sources; an edit mid-run restarts the worker). */
  reloads = 0;
  private reloadWatch: NodeJS.Timeout | null = null;
  /** Lines that look like errors logged by the worker after it became ready (the first few are kept). */
  errorLines = 0;
  readonly firstErrors: string[] = [];

  private constructor(opts: DevOptions, child: ChildProcess) {
    this.label = opts.label;
    this.url = `http://127.0.0.1:${opts.port}`;
    this.child = child;
    this.pid = child.pid!;
    const onData = (d: Buffer) => {
      for (const line of d.toString().split("\n")) {
        if (!line.trim()) continue;
        this.tail.push(line);
        if (this.tail.length > 200) this.tail.shift();
        if (!this.ready) continue;
        if (/"level":"error"|\[ERROR\]|Uncaught|Internal error/.test(line)) {
          this.errorLines++;
          if (this.firstErrors.length < 5) this.firstErrors.push(line.slice(0, 500));
        }
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", () => {
      this.exited = true;
      if (this.reloadWatch) clearInterval(this.reloadWatch);
      live.delete(this);
    });
  }

  static async start(opts: DevOptions): Promise<WranglerDev> {
    const args = ["dev", ...opts.configs.flatMap((c) => ["-c", c])];
    args.push("--ip", "127.0.0.1", "--port", String(opts.port), "--inspector-port", String(opts.inspectorPort));
    args.push("--persist-to", opts.persistTo, "--show-interactive-dev-session=false", "--local", "--log-level", "warn");
    for (const [k, v] of Object.entries(opts.vars ?? {})) args.push("--var", `${k}:${v}`);
    if (opts.testScheduled) args.push("--test-scheduled");
    // A private dev registry: with the shared one (~/.config/.wrangler/registry), every other `wrangler dev`
    // or vitest run on the machine that starts or stops makes this wrangler reload its worker, which resets
    // the Durable Objects and drops every socket mid-run.
    const registry = path.join(opts.persistTo, "registry");
    const child = spawn(process.execPath, [WRANGLER_JS, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: childEnv({ WRANGLER_REGISTRY_PATH: registry }),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const dev = new WranglerDev(opts, child);
    live.add(dev);
    const deadline = performance.now() + (opts.timeoutMs ?? 90_000);
    while (performance.now() < deadline) {
      if (dev.exited) throw new Error(`${opts.label}: wrangler dev exited during startup:\n${dev.output()}`);
      try {
        const res = await fetch(dev.url + opts.healthPath, { signal: AbortSignal.timeout(2000) });
        if (res.ok) {
          // Let a second build pass (wrangler may reload once right after the first "Ready") settle.
          await sleep(500);
          const again = await fetch(dev.url + opts.healthPath, { signal: AbortSignal.timeout(5000) });
          if (again.ok) {
            dev.ready = true;
            dev.watchReloads();
            return dev;
          }
        }
      } catch {
        // not up yet
      }
      await sleep(250);
    }
    await dev.stop();
    throw new Error(`${opts.label}: wrangler dev did not become ready in time:\n${dev.output()}`);
  }

  /**
   * A reload (miniflare's setOptions) replaces the worker's workerd process, which resets every Durable Object
   * and drops every socket. At --log-level warn wrangler prints nothing about it ("Reloading local server" is
   * info), so reloads are counted from the process table: each workerd that appears after ready is one.
   */
  private watchReloads(): void {
    const workerds = () => (groupProcesses(this.pid) ?? []).filter((p) => p.comm === "workerd").map((p) => p.pid);
    const seen = new Set(workerds());
    this.reloadWatch = setInterval(() => {
      for (const pid of workerds()) {
        if (seen.has(pid)) continue;
        seen.add(pid);
        this.reloads++;
        log(`${this.label}: wrangler restarted the worker (new workerd ${pid}) during the run; results may be disturbed. Preceding output:\n${this.tail.slice(-12).join("\n")}`);
      }
    }, 500);
    this.reloadWatch.unref();
  }

  output(): string {
    return this.tail.join("\n");
  }

  /** SIGINT lets wrangler tear down workerd; escalate if the group lingers. */
  async stop(): Promise<void> {
    if (!this.exited) {
      killGroup(this.pid, "SIGINT");
      for (let i = 0; i < 50 && !this.exited; i++) await sleep(100);
      if (!this.exited) killGroup(this.pid, "SIGTERM");
      for (let i = 0; i < 30 && !this.exited; i++) await sleep(100);
    }
    // workerd children can outlive wrangler's node process; the group kill reaches them either way.
    killGroup(this.pid, "SIGKILL");
    live.delete(this);
  }
}

/** Stops every dev server still running (signal handlers and error paths). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((d) => d.stop()));
}
