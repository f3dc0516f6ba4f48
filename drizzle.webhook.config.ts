import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./objects/webhook-endpoint-schema.ts",
  out: "./migrations/webhook-endpoint",
});
