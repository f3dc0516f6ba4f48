import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./objects/routing-desk-schema.ts",
  out: "./migrations/routing-desk",
});
