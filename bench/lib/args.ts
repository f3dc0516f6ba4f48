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
  webhookRate: number;
  webhookSeconds: number;
  webhookPrime: boolean;
  routingAgents: number;
  routingConversations: number;
  routingBurst: number;
  deskRate: number;
  deskSeconds: number;
  deskAcceptMs: number;
  openRates: number[];
  openSeconds: number;
};

export const USAGE = `usage: node bench/run.ts [options]
  --url URL            use a running edgedesk (e.g. http://127.0.0.1:8787) instead of starting one
  --admin-token TOKEN  its ADMIN_TOKEN (required with --url; default: read from .dev.vars)
  --floor-url URL      use a running floor relay (bench/floor) instead of starting one
  --sections LIST      comma-separated, in order (default: floor,hotpath,hotpath_open,webhooks,webhooks_out,routing,nlp,analytics)
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
  --keep-state         keep the <state-dir>/<run> persistence directory afterwards
  --webhook-rate N     webhooks: signed deliveries per second, open loop (default 500)
  --webhook-seconds N  webhooks: how long to send (default 20)
  --webhook-no-prime   webhooks: do not create the threads' conversations before measuring
  --routing-agents N   routing: agents with an open desk socket (default 10)
  --routing-conversations N  routing: conversations timed new message -> offer (default 100)
  --routing-burst N    routing: first messages posted at once for desk_offers_per_s (default 200)
  --desk-rate N        routing: arrivals per second fed to the pure desk in Node (default 1000)
  --desk-seconds N     routing: how long the pure desk is fed (default 10)
  --desk-accept-ms N   routing: pure desk agents accept an offer this long after it is made (default 0)
  --open-rates LIST    hotpath_open: messages per second over all --clients conversations, one run each
                       (default 200,500,1000)
  --open-seconds N     hotpath_open: how long each rate sends (default 5)`;

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
      "webhook-rate": { type: "string" },
      "webhook-seconds": { type: "string" },
      "webhook-no-prime": { type: "boolean" },
      "routing-agents": { type: "string" },
      "routing-conversations": { type: "string" },
      "routing-burst": { type: "string" },
      "desk-rate": { type: "string" },
      "desk-seconds": { type: "string" },
      "desk-accept-ms": { type: "string" },
      "open-rates": { type: "string" },
      "open-seconds": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return null;
  return {
    url: values.url ?? null,
    adminToken: values["admin-token"] ?? null,
    floorUrl: values["floor-url"] ?? null,
    sections: (values.sections ?? "floor,hotpath,hotpath_open,webhooks,webhooks_out,routing,nlp,analytics").split(",").map((s) => s.trim()).filter(Boolean),
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
    webhookRate: int(values["webhook-rate"], "webhook-rate", 500, 1),
    webhookSeconds: int(values["webhook-seconds"], "webhook-seconds", 20, 1),
    webhookPrime: !(values["webhook-no-prime"] ?? false),
    routingAgents: int(values["routing-agents"], "routing-agents", 10, 1),
    routingConversations: int(values["routing-conversations"], "routing-conversations", 100, 1),
    routingBurst: int(values["routing-burst"], "routing-burst", 200, 1),
    deskRate: int(values["desk-rate"], "desk-rate", 1000, 1),
    deskSeconds: int(values["desk-seconds"], "desk-seconds", 10, 1),
    deskAcceptMs: int(values["desk-accept-ms"], "desk-accept-ms", 0, 0),
    openRates: (values["open-rates"] ?? "200,500,1000").split(",").map((v) => int(v.trim(), "open-rates", 0, 1)),
    openSeconds: int(values["open-seconds"], "open-seconds", 5, 1),
  };
}
