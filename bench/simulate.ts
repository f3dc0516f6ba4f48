/**
 * Routing simulator: replays a trace through the desk once per policy and prints one JSON document.
 *
 *   npm run simulate -- bench/traces/omnichannel.json [more traces…] [--policy weighted,fifo]
 *   node bench/simulate.ts <trace.json>          (Node ≥ 24: runs the TypeScript directly)
 *
 * shared/routing is written for the Workers bundler, so it is imported only after lib/ts-resolve.ts teaches
 * Node its extensionless imports: the simulator runs the very files the Durable Object bundles.
 */
import { readFileSync } from "node:fs";
import { resolveExtensionlessTs } from "./lib/ts-resolve.ts";

resolveExtensionlessTs();

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
