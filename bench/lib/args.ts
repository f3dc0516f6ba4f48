import { parseArgs } from "node:util";

export type BenchArgs = {
  url: string | null;
  adminToken: string | null;
  floorUrl: string | null;
  sections: string[];
  clients: number;
  messages: number;
  warmup: number;
  window: number;
  textBytes: number;
  stallMs: number;
  port: number;
  root: string | null;
  stateDir: string | null;
  keepState: boolean;
};

export const USAGE = `usage: node bench/run.ts [options]
  --url URL            use a running edgedesk (e.g. http://127.0.0.1:8787) instead of starting one
  --admin-token TOKEN  its ADMIN_TOKEN (required with --url; default: read from .dev.vars)
  --floor-url URL      use a running floor relay (bench/floor) instead of starting one
  --sections LIST      comma-separated, in order (default: floor,hotpath)
  --clients N          conversations / rooms, one sender + one receiver socket each (default 20)
  --messages N         measured messages in total, split evenly over the rooms (default 3000)
  --warmup N           unmeasured messages in total before measuring (default 400)
  --window N           messages in flight per sender (closed loop; default 1)
  --text-bytes N       length of the text part of each message (default 64)
  --stall-ms N         a phase without progress for this long ends and reports what is missing (default 10000)
  --port N             first port to try for the servers this bench starts (default 8790)
  --root DIR           start the system from this checkout (its wrangler.toml) instead of this repository
  --state-dir DIR      parent of the per-run persistence directory (default .wrangler/bench; e.g. /dev/shm
                       takes disk syncs out of the measurement)
  --keep-state         keep the <state-dir>/<run> persistence directory afterwards`;

function int(v: string | undefined, name: string, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
  return n;
}

export function parse(argv: string[]): BenchArgs | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      "admin-token": { type: "string" },
      "floor-url": { type: "string" },
      sections: { type: "string" },
      clients: { type: "string" },
      messages: { type: "string" },
      warmup: { type: "string" },
      window: { type: "string" },
      "text-bytes": { type: "string" },
      "stall-ms": { type: "string" },
      port: { type: "string" },
      root: { type: "string" },
      "state-dir": { type: "string" },
      "keep-state": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return null;
  return {
    url: values.url ?? null,
    adminToken: values["admin-token"] ?? null,
    floorUrl: values["floor-url"] ?? null,
    sections: (values.sections ?? "floor,hotpath").split(",").map((s) => s.trim()).filter(Boolean),
    clients: int(values.clients, "clients", 20, 1),
    messages: int(values.messages, "messages", 3_000, 1),
    warmup: int(values.warmup, "warmup", 400, 0),
    window: int(values.window, "window", 1, 1),
    textBytes: int(values["text-bytes"], "text-bytes", 64, 1),
    stallMs: int(values["stall-ms"], "stall-ms", 10_000, 100),
    port: int(values.port, "port", 8790, 1024),
    root: values.root ?? null,
    stateDir: values["state-dir"] ?? null,
    keepState: values["keep-state"] ?? false,
  };
}
