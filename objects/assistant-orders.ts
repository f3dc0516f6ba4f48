import { ordersOfConversation } from "../connectors/orders";
import { ORDER_STATUS_INTENT, orderStatusAnswer, type OrderAnswer } from "../shared/bot/order-status";
import type { Entity } from "../shared/nlp/entities";
import type { IntentResult } from "../shared/nlp/intent";
import type { Lang } from "../shared/nlp/language";

/**
 * For an order-status question, the real status from the tenant's order system (connectors/orders.ts), for the
 * conversation's customer. Asked only for that intent, so other turns never wait on the order system; null when no
 * connector is configured, the lookup fails, or the customer has no such order.
 */
export async function orderForTurn(
  env: Env,
  tenantId: string,
  turn: { conversation_id: string; contact_id: string },
  analysis: { lang: Lang; intent: IntentResult; entities: Entity[] } | null,
): Promise<OrderAnswer | null> {
  if (analysis?.intent.intent !== ORDER_STATUS_INTENT) return null;
  const { orders } = await ordersOfConversation(env, tenantId, turn.contact_id, turn.conversation_id);
  return orderStatusAnswer(orders, analysis.entities, analysis.lang);
}
