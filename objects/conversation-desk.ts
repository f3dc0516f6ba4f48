import { Task } from "../shared/routing/schemas";
import { customerProfile } from "../workers/customer-profile";
import type { ConversationSnapshot } from "../shared/events";
import type { DeskOp } from "./conversation-store";
import { deskStub } from "./routing-desk";
import { now } from "../shared/ids";

export async function deliverDeskOp(env: Env, c: ConversationSnapshot, lastAgentId: string | null, op: DeskOp): Promise<void> {
  const desk = deskStub(env, c.tenant_id);
  switch (op.op) {
    case "enqueue": {
      const profile = await customerProfile(env, c);
      const r = op.routing;
      const task = Task.parse({
        conversation_id: c.id,
        channel: c.channel,
        language: r.language ?? null,
        intent: r.intent ?? null,
        required_skills: r.required_skills ?? [],
        tier: profile.tier,
        customer_value: profile.customer_value,
        complexity: r.complexity ?? 0.5,
        sentiment: r.sentiment ?? 0,
        priority: r.priority ?? 0,
        arrived_at: now(),
        last_agent_id: lastAgentId,
        attributes: r.attributes ?? {},
      });
      await desk.enqueue(c.tenant_id, task, { channel: c.channel, intent: task.intent, language: task.language, tier: profile.tier, sentiment: task.sentiment, attributes: task.attributes });
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
