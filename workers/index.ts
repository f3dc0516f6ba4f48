import { app } from "./app";
import { consumeEvents } from "./consumers/events";

export { Conversation } from "../objects/conversation";

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    switch (batch.queue) {
      case "edgedesk-events":
        return consumeEvents(batch, env);
      default:
        console.error(JSON.stringify({ level: "error", msg: "message from an unknown queue", queue: batch.queue }));
        batch.retryAll();
    }
  },
} satisfies ExportedHandler<Env>;
