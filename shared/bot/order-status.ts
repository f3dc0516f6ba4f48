import type { Entity } from "../nlp/entities";
import type { Lang } from "../nlp/language";
import { orderAsked, type Order } from "../orders";

/** The intent whose question the bot answers from the tenant's order system instead of the knowledge base. */
export const ORDER_STATUS_INTENT = "order_status";

/** An answer about one real order, which the bot sends as it sends a knowledge-base answer. */
export type OrderAnswer = { order_id: string; text: string };

const STATUS: Record<string, Record<Lang, string>> = {
  pending: { en: "pending", zh: "待处理" },
  processing: { en: "being prepared", zh: "备货中" },
  paid: { en: "paid and being prepared", zh: "已付款，备货中" },
  shipped: { en: "shipped", zh: "已发货" },
  in_transit: { en: "on its way", zh: "运输中" },
  out_for_delivery: { en: "out for delivery", zh: "派送中" },
  delivered: { en: "delivered", zh: "已签收" },
  cancelled: { en: "cancelled", zh: "已取消" },
  canceled: { en: "cancelled", zh: "已取消" },
  returned: { en: "returned", zh: "已退货" },
  refunded: { en: "refunded", zh: "已退款" },
};

/** A status the system names in its own words is shown in them, made readable. */
function statusText(status: string, lang: Lang): string {
  const key = status.trim().toLowerCase().replace(/[\s-]+/g, "_");
  return Object.hasOwn(STATUS, key) ? STATUS[key]![lang] : status.replace(/[_-]+/g, " ").toLowerCase();
}

/**
 * What the bot says to "where is my order": the status of the order the customer names (an `order_id` entity), or
 * of their newest order when they name none. Null when there is no such order: the bot then goes on as it would
 * without an order system (knowledge base, clarification or a person).
 */
export function orderStatusAnswer(orders: readonly Order[], entities: readonly Entity[], lang: Lang): OrderAnswer | null {
  const named = entities.filter((e) => e.type === "order_id").map((e) => e.normalized ?? e.value);
  const order = orderAsked(orders, named);
  if (!order) return null;
  const status = statusText(order.status, lang);
  const text =
    lang === "zh"
      ? `您的订单 ${order.id} 当前状态：${status}。${order.tracking_url ? `物流跟踪：${order.tracking_url}` : ""}`
      : `Your order ${order.id} is ${status}.${order.tracking_url ? ` You can track it here: ${order.tracking_url}` : ""}`;
  return { order_id: order.id, text };
}
