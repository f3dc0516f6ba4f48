import { Hono } from "hono";
import { z } from "zod";
import { requireAuth, type AuthEnv } from "../http/auth";
import { jsonBody } from "../http/validate";
import { assistantStub } from "../../objects/assistant";
import { BotConfigPatch } from "../../shared/bot/config";
import { ConversationIdPattern } from "../../objects/conversation-stub";
import { idempotent } from "../http/idempotency";

export const ReportOutcome = z.object({
  conversation_id: z.string().regex(ConversationIdPattern, "a conversation id"),
  /** A customer rating of the conversation, 1–5; the policy learns from it as part of its reward. */
  csat: z.int().min(1).max(5),
});

/** The tenant's bot: configuration (channels, handoff rules, learning switch), its results, and outcomes reported from outside. */
export const botRoutes = new Hono<AuthEnv>()
  .get("/config", requireAuth("api", "agent"), async (c) => {
    const tenantId = c.get("principal").tenantId;
    return c.json(await assistantStub(c.env, tenantId).botConfig(tenantId));
  })
  .patch("/config", requireAuth("api"), jsonBody(BotConfigPatch), async (c) => {
    const tenantId = c.get("principal").tenantId;
    return c.json(await assistantStub(c.env, tenantId).setBotConfig(tenantId, c.req.valid("json")));
  })
  .get("/stats", requireAuth("api", "agent"), async (c) => {
    const tenantId = c.get("principal").tenantId;
    return c.json(await assistantStub(c.env, tenantId).stats(tenantId));
  })
  .post("/policy/reset", requireAuth("api"), async (c) => {
    const tenantId = c.get("principal").tenantId;
    await assistantStub(c.env, tenantId).resetPolicy(tenantId);
    return c.body(null, 204);
  })
  .post("/outcomes", requireAuth("api"), idempotent(), jsonBody(ReportOutcome), async (c) => {
    const tenantId = c.get("principal").tenantId;
    const body = c.req.valid("json");
    return c.json(await assistantStub(c.env, tenantId).outcome(tenantId, body.conversation_id, { kind: "csat", score: body.csat }));
  });
