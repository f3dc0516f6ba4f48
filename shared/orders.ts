import { z } from "zod";

/** An order as the tenant's order system reports it (docs/connectors.md); unknown fields are dropped. */
export const Order = z
  .object({
    id: z.string().min(1).max(128),
    status: z.string().min(1).max(64),
    total: z.number(),
    currency: z.string().min(3).max(3),
    placed_at: z.union([z.string().max(64), z.number()]).describe("ISO 8601 or epoch milliseconds, as the system sends it"),
    items: z
      .array(z.object({ name: z.string().max(200), quantity: z.number().optional() }).loose())
      .max(100)
      .optional(),
    tracking_url: z.url({ protocol: /^https?$/ }).optional(),
  })
  .meta({ id: "Order" });
export type Order = z.infer<typeof Order>;

export const OrdersSource = z.enum(["crm", "unavailable", "not_configured"]).describe("crm: looked up now (or cached); unavailable: the lookup failed or its circuit is open; not_configured: no orders_url");
export type OrdersSource = z.infer<typeof OrdersSource>;

const placedAt = (o: Order) => (typeof o.placed_at === "number" ? o.placed_at : Date.parse(o.placed_at) || 0);

/** Newest first: what a customer asking "where is my order" without a number most likely means. */
export function newestFirst(orders: readonly Order[]): Order[] {
  return [...orders].sort((a, b) => placedAt(b) - placedAt(a));
}

/** The order a customer names (ids compared as the entity extractor normalizes them), else the newest. */
export function orderAsked(orders: readonly Order[], named: readonly string[]): Order | null {
  if (named.length) {
    const norm = (s: string) => s.replace(/^#/, "").toUpperCase();
    const wanted = new Set(named.map(norm));
    return orders.find((o) => wanted.has(norm(o.id))) ?? null;
  }
  return newestFirst(orders)[0] ?? null;
}
