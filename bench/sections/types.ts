import type { BenchArgs } from "../lib/args.ts";

/** A running system the sections talk to. `pgid` is set when this bench started it (CPU accounting). */
export type Target = { url: string; pgid: number | null };

export type BenchContext = {
  args: BenchArgs;
  /** The edgedesk system (wrangler.toml); adminToken provisions tenants; persistTo is its local state when this bench started it. */
  main: (Target & { adminToken: string; persistTo: string | null }) | null;
  /** The floor relay worker (bench/floor/wrangler.toml). */
  floor: Target | null;
  /** Unique per run; prefixes names so repeated runs against one system never collide. */
  runId: string;
  /** Results of the sections that ran before, by name. */
  results: Record<string, Record<string, unknown>>;
};

/**
 * A bench section. run.ts starts what `needs` lists, runs sections in order and puts each result
 * under its name in the final JSON line. To add one (webhooks, routing): write a module exporting a
 * Section and list it in SECTIONS in run.ts.
 */
export type Section = {
  name: string;
  needs: ("main" | "floor")[];
  run(ctx: BenchContext): Promise<Record<string, unknown>>;
};
