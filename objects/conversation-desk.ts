import { Task } from "../shared/routing/schemas";
import { customerValue } from "../shared/routing-config";
import type { ConversationSnapshot } from "../shared/events";
import type { DeskOp } from "./conversation-store";
import { deskStub } from "./routing-desk";
import { now } from "../shared/ids";

/**
 * The customer profile (R2.1) is read once per routing, here, off the hot path: tier and lifetime value
 * of the linked contact (a channel identity resolves to its contact through the D1 index).
 */
async function profile(env: Env, c: ConversationSnapshot): Promise<{ tier: string; ltv: number }> {
  const row = await env.DB.prepare(
    "SELECT tier, lifetime_value AS ltv FROM contacts WHERE tenant_id = ?1 AND id IN (?2, (SELECT contact_id FROM conversations WHERE tenant_id = ?1 AND id = ?3)) LIMIT 1",
  )
    .bind(c.tenant_id, c.contact_id, c.id)
    .first<{ tier: string; ltv: number }>();
  return row ?? { tier: "standard", ltv: 0 };
}

export async function deliverDeskOp(env: Env, c: ConversationSnapshot, lastAgentId: string | null, op: DeskOp): Promise<void> {
  const desk = deskStub(env, c.tenant_id);
  switch (op.op) {
    case "enqueue": {
      const { tier, ltv } = await profile(env, c);
      const r = op.routing;
      const task = Task.parse({
        conversation_id: c.id,
        channel: c.channel,
        language: r.language ?? null,
        intent: r.intent ?? null,
        required_skills: r.required_skills ?? [],
        tier,
        customer_value: customerValue(tier, ltv),
        complexity: r.complexity ?? 0.5,
        sentiment: r.sentiment ?? 0,
        priority: r.priority ?? 0,
        arrived_at: now(),
        last_agent_id: lastAgentId,
        attributes: r.attributes ?? {},
      });
      await desk.enqueue(c.tenant_id, task, { channel: c.channel, intent: task.intent, language: task.language, tier, sentiment: task.sentiment, attributes: task.attributes });
      return;
    }
    case "transfer":
      await desk.transfer(c.tenant_id, c.id, op.to, op.note);
      return;
    case "claim":
      await desk.claim(c.tenant_id, c.id, op.agent_id);
      return;
    case "finish":
      await desk.finish(c.tenant_id, c.id, op.how);
      return;
  }
}
