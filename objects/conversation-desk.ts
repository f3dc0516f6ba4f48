import { Task } from "../shared/routing/schemas";
import { customerProfile } from "../connectors/customer-profile";
import type { ConversationSnapshot } from "../shared/events";
import type { DeskOp } from "./conversation-store";
import type { Actor } from "./conversation";
import type { InternalAction } from "../shared/conversation-state";
import type { RoutingRequest, TransferTarget } from "../shared/routing-config";
import { deskStub } from "./routing-desk";
import { assistantStub, type Analysis } from "./assistant";
import type { Insights } from "../shared/bot/insights";
import { now } from "../shared/ids";

/** `text`: the customer message that asked for a person, for routing to read intent and sentiment from. */
/** `queueId` and `team`: where the desk found the agent it assigns, for analytics' queue and team dimensions. */
export type ActOptions = {
  assigneeId?: string;
  note?: string;
  routing?: RoutingRequest;
  transferTo?: TransferTarget;
  fromDesk?: boolean;
  text?: string;
  queueId?: string;
  team?: string | null;
};

/** What delivering an operation learnt on the way, for the conversation to keep. */
export type DeskDelivered = { analysis?: Analysis; repeated?: string; queue?: string };

/** A customer back within this window on another conversation is a repeat contact: the first answer did not settle it. */
const REPEAT_WINDOW_MS = 72 * 3_600_000;

/** The desk hears about every change that affects who should be working on the conversation. */
export function deskOpFor(action: InternalAction, from: ConversationSnapshot["status"], actor: Actor, opts: ActOptions): DeskOp | undefined {
  switch (action) {
    case "queue":
      return { op: "enqueue", routing: opts.routing ?? {}, ...(opts.text ? { text: opts.text } : {}) };
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

/**
 * The intent, language and sentiment routing reads, when nobody supplied them: the bot did not hold the conversation,
 * so the assistant reads the customer's message now. Routing goes on without them if the assistant fails.
 */
async function enrich(env: Env, c: ConversationSnapshot, op: Extract<DeskOp, { op: "enqueue" }>, known: Insights | null): Promise<{ routing: RoutingRequest; analysis?: Analysis }> {
  const r = op.routing;
  if (r.intent || !op.text) {
    const i = known?.intent;
    return { routing: i && !r.intent && i.intent !== "unknown" ? { ...r, intent: i.intent, language: r.language ?? known.lang ?? undefined } : r };
  }
  try {
    const analysis = await assistantStub(env, c.tenant_id).analyze(c.tenant_id, op.text);
    const intent = analysis.intent.intent !== "unknown" ? analysis.intent.intent : known?.intent?.intent;
    return {
      analysis,
      routing: {
        ...r,
        ...(intent && intent !== "unknown" ? { intent } : {}),
        language: r.language ?? analysis.lang,
        sentiment: r.sentiment ?? analysis.sentiment.score,
      },
    };
  } catch (err) {
    console.warn(JSON.stringify({ level: "warn", msg: "assistant unreachable; routing without intent", tenant: c.tenant_id, error: String(err) }));
    return { routing: r };
  }
}

async function otherRecentConversations(env: Env, c: ConversationSnapshot): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM conversations WHERE tenant_id = ?1 AND contact_id = ?2 AND id != ?3 AND created_at > ?4")
    .bind(c.tenant_id, c.contact_id, c.id, now() - REPEAT_WINDOW_MS)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Carries one outbox desk operation to the tenant's routing desk. */
export async function deliverDeskOp(env: Env, c: ConversationSnapshot, lastAgentId: string | null, op: DeskOp, insights: Insights | null = null): Promise<DeskDelivered> {
  const desk = deskStub(env, c.tenant_id);
  switch (op.op) {
    case "enqueue": {
      const [profile, { routing: r, analysis }, others] = await Promise.all([
        customerProfile(env, c),
        enrich(env, c, op, insights),
        insights?.flags.some((f) => f.flag === "repeated_contact") ? 0 : otherRecentConversations(env, c),
      ]);
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
      const placed = await desk.enqueue(c.tenant_id, task, { channel: c.channel, intent: task.intent, language: task.language, tier: profile.tier, sentiment: task.sentiment, attributes: task.attributes });
      return { queue: placed.queue_id, ...(analysis ? { analysis } : {}), ...(others > 0 ? { repeated: `${others} other conversation(s) from this contact in 72 h` } : {}) };
    }
    case "transfer":
      await desk.transfer(c.tenant_id, c.id, op.to, op.note);
      return {};
    case "claim":
      await desk.claim(c.tenant_id, c.id, op.agent_id);
      return {};
    case "finish":
      await desk.finish(c.tenant_id, c.id, op.how);
      return {};
    case "flag":
      await desk.flag(c.tenant_id, c.id, op.flag, op.detail);
      return {};
  }
}
