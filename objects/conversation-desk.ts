import { Task } from "../shared/routing/schemas";
import { customerProfile } from "../workers/customer-profile";
import type { ConversationSnapshot } from "../shared/events";
import type { DeskOp } from "./conversation-store";
import type { Actor } from "./conversation";
import type { InternalAction } from "../shared/conversation-state";
import type { RoutingRequest, TransferTarget } from "../shared/routing-config";
import { deskStub } from "./routing-desk";
import { now } from "../shared/ids";

export type ActOptions = { assigneeId?: string; note?: string; routing?: RoutingRequest; transferTo?: TransferTarget; fromDesk?: boolean };

/** The desk hears about every change that affects who should be working on the conversation. */
export function deskOpFor(action: InternalAction, from: ConversationSnapshot["status"], actor: Actor, opts: ActOptions): DeskOp | undefined {
  switch (action) {
    case "queue":
      return { op: "enqueue", routing: opts.routing ?? {} };
    case "transfer":
      return { op: "transfer", to: opts.transferTo!, note: opts.note ?? "" };
    case "assign":
      return from === "queued" ? { op: "claim", agent_id: opts.assigneeId! } : undefined;
    case "resolve":
    case "close":
      if (from !== "queued" && from !== "assigned") return undefined;
      return { op: "finish", how: from === "queued" && actor.kind === "customer" ? "abandon" : "resolve" };
    case "reopen":
    case "resume":
      return undefined;
  }
}

/** Carries one outbox desk operation to the tenant's routing desk. */
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
        language_required: r.language_required ?? false,
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
