/**
 * Routing simulator: replays a trace through the desk once per policy and prints one JSON document.
 *
 *   npm run simulate -- bench/traces/omnichannel.json [more traces…] [--policy weighted,fifo]
 *   node bench/simulate.ts <trace.json>          (Node ≥ 24: runs the TypeScript directly)
 *
 * shared/routing is written for the Workers bundler (extensionless relative imports), which Node's own
 * resolver refuses; the resolve hook below retries such specifiers with ".ts", so the simulator runs the very
 * files the Durable Object bundles, with no build step and no extra dependency.
 */
import { registerHooks } from "node:module";
import { readFileSync } from "node:fs";

registerHooks({
  resolve(specifier, context, nextResolve) {
    const fromTs = context.parentURL?.endsWith(".ts") ?? false;
    const relative = specifier.startsWith("./") || specifier.startsWith("../");
    if (fromTs && relative && !/\.[cm]?[jt]s$/.test(specifier)) return nextResolve(`${specifier}.ts`, context);
    return nextResolve(specifier, context);
  },
});

const { Trace, simulate } = await import("../shared/routing/simulation.ts");
const { Policy } = await import("../shared/routing/schemas.ts");

const args = process.argv.slice(2);
const policyFlag = args.indexOf("--policy");
const policies = policyFlag >= 0 ? (args.splice(policyFlag, 2)[1] ?? "").split(",").map((p) => Policy.parse(p)) : Policy.options;
if (args.length === 0) {
  console.error("usage: node bench/simulate.ts <trace.json> [...] [--policy weighted,fifo,round_robin,least_busy]");
  process.exit(2);
}

const results = args.map((file) => {
  const trace = Trace.parse(JSON.parse(readFileSync(file, "utf8")));
  return { trace: trace.name, file, policies: Object.fromEntries(policies.map((p) => [p, simulate(trace, p)])) };
});
console.log(JSON.stringify(results, null, 2));
