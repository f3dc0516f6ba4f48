import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./objects/conversation-schema.ts",
  out: "./migrations/conversation",
});
