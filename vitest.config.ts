import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_API_LIMIT } from "./test/limits";

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          JWT_SECRET: "test-jwt-secret",
          ADMIN_TOKEN: "test-admin-token",
          CHANNEL_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
          // Cases per route for test/route-fuzz.test.ts: a few in `npm test`, many in `npm run fuzz`.
          FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
        },
        // Every limiter stays on; only API_LIMITER is lowered so test/api-conventions.test.ts exceeds it cheaply.
        ratelimits: { API_LIMITER: { namespace_id: "1002", simple: { limit: TEST_API_LIMIT, period: 60 } } },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
    globalSetup: ["./test/nlp/stub-nlp-servers.ts", "./test/connectors/stub-crm-server.ts"],
    // CI machines have two cores shared by workerd and the tests: generous limits, never wall-clock assertions.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
}));
