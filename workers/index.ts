import { app } from "./app";
import { consumeEvents } from "./consumers/events";
import { consumeInbound } from "./consumers/inbound";
import { consumeOutbound } from "./consumers/outbound";
import { consumeWebhooks } from "./consumers/webhooks";
import { consumeTickets } from "./consumers/tickets";
import { handleEmail } from "./email";
import { runAnalyticsCron } from "./analytics/cron";
import { sweepUnsyncedTickets } from "./tickets-sweep";
import { purgeExpiredNonces } from "./channels/replay";
import { purgeExpiredIdempotencyKeys } from "./http/idempotency";

export { Conversation } from "../objects/conversation";
export { RoutingDesk } from "../objects/routing-desk";
export { Assistant } from "../objects/assistant";
export { WebhookEndpoint } from "../objects/webhook-endpoint";

export default {
  fetch: app.fetch,
  email: handleEmail,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(
      runAnalyticsCron(env, controller.scheduledTime).then((report) => console.log(JSON.stringify({ level: "info", msg: "analytics cron", ...report }))),
    );
    ctx.waitUntil(purgeExpiredNonces(env, controller.scheduledTime).then((deleted) => console.log(JSON.stringify({ level: "info", msg: "expired webhook nonces purged", deleted }))));
    ctx.waitUntil(
      purgeExpiredIdempotencyKeys(env, controller.scheduledTime).then((deleted) => console.log(JSON.stringify({ level: "info", msg: "expired idempotency keys purged", deleted }))),
    );
    ctx.waitUntil(sweepUnsyncedTickets(env, controller.scheduledTime).then((requeued) => console.log(JSON.stringify({ level: "info", msg: "unsynced tickets requeued", requeued }))));
  },
  async queue(batch, env) {
    switch (batch.queue) {
      case "edgedesk-events":
        return consumeEvents(batch, env);
      case "edgedesk-inbound":
        return consumeInbound(batch, env);
      case "edgedesk-outbound":
        return consumeOutbound(batch, env);
      case "edgedesk-webhooks":
        return consumeWebhooks(batch, env);
      case "edgedesk-tickets":
        return consumeTickets(batch, env);
      default:
        console.error(JSON.stringify({ level: "error", msg: "message from an unknown queue", queue: batch.queue }));
        batch.retryAll();
    }
  },
} satisfies ExportedHandler<Env>;
