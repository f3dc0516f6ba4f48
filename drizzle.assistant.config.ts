import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./objects/assistant-schema.ts",
  out: "./migrations/assistant",
});
