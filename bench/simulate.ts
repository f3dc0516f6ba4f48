/**
 * Routing simulator.
 *
 *   npm run simulate -- bench/traces/omnichannel.json [more…] [--policy weighted,fifo]   every policy (or those named), JSON
 *   npm run simulate -- --trace FILE --policy NAME [--outcomes OUT.json]                one run; per-contact outcomes
 *   npm run simulate -- --scenario NAME|all [--seeds 20] [--table] [--summary OUT.json] the paired policy evaluation
 *   npm run simulate -- --scenario NAME [--seed 1] --write-trace OUT.json              one scenario trace as a file
 *
 * Traces are routing-trace/v1 or the simulator's own format (shared/routing/simulation.ts Trace). Policy names:
 * weighted, fifo, fifo-skill, fifo-skill-pack, round-robin (skill-blind rotation), least-busy, or any desk
 * policy name (schemas.ts Policy: round_robin is the rotation within queue targets).
 *
 * shared/routing is written for the Workers bundler, so it is imported only after lib/ts-resolve.ts teaches
 * Node its extensionless imports: the simulator runs the very files the Durable Object bundles.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { resolveExtensionlessTs } from "./lib/ts-resolve.ts";

resolveExtensionlessTs();

const { run } = await import("../shared/routing/simulation.ts");
const { Policy } = await import("../shared/routing/schemas.ts");
const { TraceError, outcomes, parseAnyTrace } = await import("../shared/routing/trace-v1.ts");
const { evaluate, renderTable } = await import("./sim-eval.ts");
const { SCENARIO_NAMES, generate } = await import("./traces/scenarios.ts");

type Policy = import("../shared/routing/schemas.ts").Policy;

const USAGE = `usage:
  npm run simulate -- <trace.json> [...] [--policy weighted,fifo,...]
  npm run simulate -- --trace FILE --policy NAME [--outcomes OUT.json]
  npm run simulate -- --scenario ${SCENARIO_NAMES.join("|")}|all [--seeds 20] [--table] [--summary OUT.json]
  npm run simulate -- --scenario NAME [--seed 1] --write-trace OUT.json
policies: weighted, fifo, fifo-skill, fifo-skill-pack, round-robin, least-busy (or ${Policy.options.join(", ")})`;

const CLI_POLICIES: Record<string, Policy> = {
  weighted: "weighted",
  fifo: "fifo",
  "fifo-skill": "fifo_skill",
  "fifo-skill-pack": "fifo_skill_pack",
  "round-robin": "round_robin_blind",
  "least-busy": "least_busy",
};

function policyOf(name: string): Policy {
  const p = CLI_POLICIES[name] ?? Policy.safeParse(name).data;
  if (p === undefined) fail(`unknown policy "${name}"`);
  return p;
}

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function load(file: string) {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    fail(`${file}: ${(e as Error).message}`);
  }
  try {
    return parseAnyTrace(json, basename(file).replace(/\.json$/, ""));
  } catch (e) {
    if (e instanceof TraceError) fail(`${file}: ${e.message}`);
    throw e;
  }
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        trace: { type: "string" },
        policy: { type: "string" },
        outcomes: { type: "string" },
        scenario: { type: "string" },
        seeds: { type: "string", default: "20" },
        table: { type: "boolean", default: false },
        summary: { type: "string" },
        seed: { type: "string", default: "1" },
        "write-trace": { type: "string" },
      },
    });
  } catch (e) {
    fail((e as Error).message);
  }
})();

if (values.scenario !== undefined && values["write-trace"] !== undefined) {
  if (!SCENARIO_NAMES.includes(values.scenario as never)) fail(`unknown scenario "${values.scenario}"`);
  writeFileSync(values["write-trace"], JSON.stringify(generate(values.scenario as (typeof SCENARIO_NAMES)[number], Number(values.seed))));
} else if (values.scenario !== undefined) {
  const names = values.scenario === "all" ? SCENARIO_NAMES : [values.scenario];
  for (const n of names) if (!SCENARIO_NAMES.includes(n as never)) fail(`unknown scenario "${n}"`);
  const seeds = Number(values.seeds);
  if (!Number.isInteger(seeds) || seeds < 1) fail(`--seeds takes a positive integer`);
  const results = names.map((n) => evaluate(n as (typeof SCENARIO_NAMES)[number], seeds));
  if (values.summary) writeFileSync(values.summary, JSON.stringify(results, null, 2));
  console.log(values.table ? results.map(renderTable).join("\n\n") : JSON.stringify(results, null, 2));
} else if (values.trace !== undefined) {
  const { trace, v1 } = load(values.trace);
  const policy = policyOf(values.policy ?? "weighted");
  const r = run(trace, policy);
  if (values.outcomes) writeFileSync(values.outcomes, JSON.stringify(outcomes(r.contacts)));
  console.log(JSON.stringify({ format: v1 ? "routing-trace/v1" : "simulator", ...r.result }, null, 2));
} else {
  if (positionals.length === 0) fail("no trace given");
  const policies = values.policy ? values.policy.split(",").map(policyOf) : Policy.options;
  const results = positionals.map((file) => {
    const { trace } = load(file);
    return { trace: trace.name, file, policies: Object.fromEntries(policies.map((p) => [p, run(trace, p).result])) };
  });
  console.log(JSON.stringify(results, null, 2));
}
