import { z } from "zod";
import { defineRoute, json, jsonBody, noContent, router } from "../http/route";
import { assistantStub, BotStats, Learned } from "../../objects/assistant";
import { BotConfig, BotConfigPatch } from "../../shared/bot/config";
import { ConversationIdPattern } from "../../objects/conversation-stub";

export const ReportOutcome = z.object({
  conversation_id: z.string().regex(ConversationIdPattern, "a conversation id"),
  /** A customer rating of the conversation, 1–5; the policy learns from it as part of its reward. */
  csat: z.int().min(1).max(5),
});

const tag = ["Bot"];

/** The tenant's bot: configuration (channels, handoff rules, learning switch), its results, and outcomes reported from outside. */
export const botRoutes = router()
  .openapi(
    defineRoute({
      method: "get", path: "/config", tags: tag, access: ["api", "agent"],
      summary: "The bot's configuration",
      responses: { 200: json(BotConfig) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      return c.json(await assistantStub(c.env, tenantId).botConfig(tenantId), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "patch", path: "/config", tags: tag, access: ["api"],
      summary: "Change the bot's configuration (channels, handoff rules, learning switch)",
      request: jsonBody(BotConfigPatch),
      responses: { 200: json(BotConfig, "The whole configuration after the change") },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      return c.json(await assistantStub(c.env, tenantId).setBotConfig(tenantId, c.req.valid("json")), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/stats", tags: tag, access: ["api", "agent"],
      summary: "Containment rate, handoffs by reason, the policy's mean reward",
      responses: { 200: json(BotStats) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      return c.json(await assistantStub(c.env, tenantId).stats(tenantId), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/policy/reset", tags: tag, access: ["api"],
      summary: "Forget what the policy learnt",
      responses: { 204: noContent },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      await assistantStub(c.env, tenantId).resetPolicy(tenantId);
      return c.body(null, 204);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/outcomes", tags: tag, access: ["api"], idempotent: true,
      summary: "Report a conversation's CSAT for the policy to learn from",
      request: jsonBody(ReportOutcome),
      responses: { 200: json(Learned) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const body = c.req.valid("json");
      return c.json(await assistantStub(c.env, tenantId).outcome(tenantId, body.conversation_id, { kind: "csat", score: body.csat }), 200);
    },
  );
