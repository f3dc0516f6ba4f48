/**
 * Seeded replayed browsing sessions labelled with the intent the visitor turned out to have, for the predictive
 * intent tests and the bench. Each intent has a noisy behavioural signature (elements drop out, URLs come in
 * three storefront schemes, timing varies) inside browsing noise every intent shares; some sessions mislead (they
 * show a related intent's signature, or none at all), and the classes are imbalanced.
 *
 * It runs under Node for the bench and under the test bundler, so its one import names the file with its
 * `.ts` extension, which both resolve. The event shapes are those of
 * shared/nlp/behaviour.ts; the tests pass these sessions to its functions, which checks the shapes agree.
 */

import { mulberry32 as prng } from "../../shared/mulberry32.ts";

export type ReplayedEvent =
  | { type: "page_view"; url: string; category?: string; title?: string; at?: number }
  | { type: "product_view"; product_id: string; category?: string; price?: number; at?: number }
  | { type: "cart"; action: "add" | "remove"; product_id?: string; at?: number }
  | { type: "checkout_start"; at?: number }
  | { type: "checkout_error"; code?: string; message?: string; at?: number }
  | { type: "order_page"; order_id?: string; at?: number }
  | { type: "help_page"; url: string; topic?: string; at?: number };

export type ReplayedSession = { events: ReplayedEvent[]; intent: string };

/** The intents with a handwritten signature, and their share of sessions. */
export const BEHAVIOUR_INTENTS: readonly [string, number][] = [
  ["order_status", 0.24],
  ["product_question", 0.15],
  ["return_exchange", 0.11],
  ["payment_issue", 0.1],
  ["refund", 0.09],
  ["account_login", 0.08],
  ["shipping_address", 0.08],
  ["promo_code", 0.08],
  ["cancel_order", 0.07],
];

// Share of sessions that show a related intent's signature instead of their own, and that show no signature.
const MISLEADING = 0.13;
const SIGNAL_FREE = 0.07;

const RELATED: Record<string, string[]> = {
  order_status: ["shipping_address", "cancel_order"],
  product_question: ["return_exchange", "promo_code"],
  return_exchange: ["refund", "product_question"],
  payment_issue: ["promo_code", "account_login"],
  refund: ["return_exchange", "cancel_order"],
  account_login: ["payment_issue", "order_status"],
  shipping_address: ["order_status", "cancel_order"],
  promo_code: ["payment_issue", "product_question"],
  cancel_order: ["order_status", "refund"],
};

type Rand = () => number;


const chance = (r: Rand, p: number) => r() < p;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
function one<T>(r: Rand, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** URL layouts of three storefronts: the same page has a different address in each. */
type Scheme = {
  prefix: string;
  orders: string;
  order: (id: string) => string;
  help: (slug: string) => string;
  account: string;
  login: string;
  reset: string;
  addresses: string;
  product: (slug: string) => string;
  collection: (slug: string) => string;
  search: (q: string) => string;
  page: (slug: string) => string;
};

const SCHEMES: Scheme[] = [
  {
    prefix: "",
    orders: "/account/orders",
    order: (id) => `/account/orders/${id}`,
    help: (slug) => `/pages/${slug}`,
    account: "/account",
    login: "/account/login",
    reset: "/account/login#recover",
    addresses: "/account/addresses",
    product: (slug) => `/products/${slug}`,
    collection: (slug) => `/collections/${slug}`,
    search: (q) => `/search?q=${encodeURIComponent(q)}&type=product`,
    page: (slug) => `/pages/${slug}`,
  },
  {
    prefix: "https://shop.example.com",
    orders: "/my-account/order-history",
    order: (id) => `/my-account/order-history/view/${id}`,
    help: (slug) => `/help/${slug}`,
    account: "/my-account",
    login: "/my-account/sign-in",
    reset: "/my-account/forgot-password",
    addresses: "/my-account/address-book",
    product: (slug) => `/p/${slug}-${Math.abs(hash(slug)) % 90000 + 10000}`,
    collection: (slug) => `/c/${slug}`,
    search: (q) => `/catalogsearch/result?q=${encodeURIComponent(q)}`,
    page: (slug) => `/info/${slug}`,
  },
  {
    prefix: "https://www.example.co.uk/en-gb",
    orders: "/orders",
    order: (id) => `/orders/${id}/details`,
    help: (slug) => `/support/articles/${slug}`,
    account: "/profile",
    login: "/login",
    reset: "/reset-password",
    addresses: "/profile/addresses",
    product: (slug) => `/shop/${slug}`,
    collection: (slug) => `/shop/category/${slug}`,
    search: (q) => `/search/${encodeURIComponent(q).replace(/%20/g, "+")}`,
    page: (slug) => `/${slug}`,
  },
];

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

const CATEGORIES = ["shoes", "dresses", "jackets", "kitchen", "electronics", "toys", "beauty", "garden", "sportswear", "bags"];
const PRODUCTS = ["trail-runner", "linen-shirt", "wool-coat", "espresso-maker", "noise-cancelling-headphones", "yoga-mat", "leather-tote", "rain-jacket", "desk-lamp", "smart-watch", "denim-jeans", "chef-knife"];
const SEARCHES = ["black sneakers", "gift ideas", "summer dress", "usb c cable", "sale", "waterproof", "size 42", "kids toys"];
const BLOG = ["spring-lookbook", "how-to-choose-running-shoes", "care-guide-wool", "gift-guide"];

type Session = { r: Rand; s: Scheme; t: number | undefined; events: ReplayedEvent[]; orderId: string };

function push(x: Session, e: ReplayedEvent, gapS: [number, number] = [4, 90]) {
  if (x.t !== undefined) {
    x.t += Math.round((gapS[0] + (gapS[1] - gapS[0]) * x.r() ** 2) * 1000);
    x.events.push({ ...e, at: x.t });
  } else x.events.push(e);
}

const url = (x: Session, path: string) => (chance(x.r, 0.5) ? x.s.prefix + path : path);
const page = (x: Session, path: string, title?: string, category?: string, gap?: [number, number]) =>
  push(x, { type: "page_view", url: url(x, path), ...(title ? { title } : {}), ...(category ? { category } : {}) }, gap);
const help = (x: Session, slug: string, topic?: string, gap?: [number, number]) =>
  push(x, { type: "help_page", url: url(x, x.s.help(slug)), ...(topic ? { topic } : {}) }, gap);
const productId = (r: Rand) => `SKU-${int(r, 1000, 9999)}`;

function viewProduct(x: Session, product = one(x.r, PRODUCTS), category = one(x.r, CATEGORIES), id = productId(x.r)) {
  const title = product.replace(/-/g, " ");
  if (chance(x.r, 0.6)) page(x, x.s.product(product), title.charAt(0).toUpperCase() + title.slice(1), category);
  push(x, { type: "product_view", product_id: id, category, price: int(x.r, 9, 400) + 0.99 });
  return id;
}

/** Browsing every intent shares: the home page, collections, search, products, the cart, blog and contact pages. */
function noise(x: Session, n: number) {
  const { r, s } = x;
  for (let i = 0; i < n; i++) {
    const k = r();
    if (k < 0.14) page(x, "/", "Home");
    else if (k < 0.28) {
      const c = one(r, CATEGORIES);
      page(x, s.collection(c), `${c} collection`, c);
    } else if (k < 0.38) page(x, s.search(one(r, SEARCHES)), "Search results");
    else if (k < 0.62) viewProduct(x);
    else if (k < 0.7) push(x, { type: "cart", action: chance(r, 0.75) ? "add" : "remove", product_id: productId(r) });
    else if (k < 0.76) page(x, s.page(`blog-${one(r, BLOG)}`), one(r, BLOG).replace(/-/g, " "));
    else if (k < 0.82) page(x, s.page("contact"), "Contact us");
    else if (k < 0.87) help(x, "faq", chance(r, 0.5) ? "FAQ" : undefined);
    else if (k < 0.92) page(x, s.account, "My account");
    // Visitors look at past orders for reasons of their own: order pages are not only order_status.
    else if (k < 0.96) push(x, { type: "order_page" });
    else page(x, s.page("about-us"), "About us");
  }
}

function orderPages(x: Session, detail: number) {
  if (chance(x.r, 0.7)) {
    page(x, x.s.orders, "Order history");
    push(x, { type: "order_page" }, [1, 3]);
  }
  for (let i = 0; i < detail; i++) {
    if (chance(x.r, 0.5)) page(x, x.s.order(x.orderId), `Order #${x.orderId}`);
    push(x, { type: "order_page", order_id: x.orderId }, [1, 40]);
  }
}

function checkout(x: Session) {
  if (chance(x.r, 0.7)) {
    viewProduct(x);
    push(x, { type: "cart", action: "add", product_id: productId(x.r) });
  }
  push(x, { type: "checkout_start" });
}

const SIGNATURES: Record<string, (x: Session) => void> = {
  order_status(x) {
    orderPages(x, int(x.r, 1, 3));
    if (chance(x.r, 0.45)) page(x, x.s.order(x.orderId) + (chance(x.r, 0.5) ? "/tracking" : `?track=${x.orderId}`), "Track your parcel");
    if (chance(x.r, 0.3)) help(x, one(x.r, ["delivery-times", "shipping-information", "where-is-my-order"]), one(x.r, ["delivery", "shipping", undefined]));
    if (chance(x.r, 0.3)) push(x, { type: "order_page", order_id: x.orderId }, [30, 600]);
  },
  product_question(x) {
    const product = one(x.r, PRODUCTS);
    const category = one(x.r, CATEGORIES);
    const id = productId(x.r);
    const views = int(x.r, 2, 7);
    for (let i = 0; i < views; i++) {
      if (chance(x.r, 0.55)) viewProduct(x, product, category, id);
      else viewProduct(x, one(x.r, PRODUCTS), category);
    }
    if (chance(x.r, 0.3)) help(x, one(x.r, ["size-guide", "product-care", "materials"]), one(x.r, ["sizing", "product care", undefined]));
    if (chance(x.r, 0.25)) viewProduct(x, product, category, id);
  },
  return_exchange(x) {
    orderPages(x, int(x.r, 0, 2));
    if (chance(x.r, 0.8)) help(x, one(x.r, ["returns", "returns-and-exchanges", "exchange-policy"]), one(x.r, ["returns", "exchanges", undefined]));
    if (chance(x.r, 0.35)) page(x, x.s.page("returns/start"), "Start a return");
    if (chance(x.r, 0.3)) page(x, x.s.page("size-guide"), "Size guide");
    if (chance(x.r, 0.2)) viewProduct(x);
  },
  payment_issue(x) {
    checkout(x);
    const code = one(x.r, ["card_declined", "payment_failed", "3ds_failed", "insufficient_funds", "processing_error"]);
    const message = one(x.r, ["Your card was declined.", "Payment could not be processed", "Authentication failed", undefined]);
    if (chance(x.r, 0.85)) push(x, { type: "checkout_error", ...(chance(x.r, 0.85) ? { code } : {}), ...(message ? { message } : {}) }, [5, 60]);
    if (chance(x.r, 0.5)) {
      push(x, { type: "checkout_start" }, [10, 120]);
      push(x, { type: "checkout_error", code }, [5, 60]);
    }
    if (chance(x.r, 0.3)) help(x, one(x.r, ["payment-methods", "payment-problems"]), one(x.r, ["payments", "payment", undefined]));
  },
  refund(x) {
    orderPages(x, int(x.r, 1, 2));
    const k = x.r();
    if (k < 0.55) help(x, one(x.r, ["refunds", "refund-policy", "when-will-i-get-my-refund"]), one(x.r, ["refunds", "refund", undefined]));
    else if (k < 0.8) help(x, one(x.r, ["returns", "returns-and-exchanges"]), "returns");
    if (chance(x.r, 0.4)) page(x, x.s.order(x.orderId) + "/refund", "Refund status");
  },
  account_login(x) {
    const tries = int(x.r, 1, 3);
    for (let i = 0; i < tries; i++) page(x, x.s.login, "Sign in", undefined, [5, 40]);
    if (chance(x.r, 0.55)) page(x, x.s.reset, "Reset your password");
    if (chance(x.r, 0.35)) help(x, one(x.r, ["account-help", "trouble-signing-in"]), one(x.r, ["account", "login", undefined]));
    if (chance(x.r, 0.2)) page(x, x.s.login, "Sign in");
  },
  shipping_address(x) {
    if (chance(x.r, 0.5)) checkout(x);
    orderPages(x, int(x.r, 0, 2));
    if (chance(x.r, 0.6)) page(x, x.s.addresses, "Addresses");
    if (chance(x.r, 0.5)) help(x, one(x.r, ["change-delivery-address", "shipping-information", "delivery-times"]), one(x.r, ["delivery", "shipping", "address"]));
  },
  promo_code(x) {
    if (chance(x.r, 0.5)) page(x, x.s.page(one(x.r, ["promotions", "sale", "gift-cards"])), one(x.r, ["Summer sale", "Promotions", "Gift cards"]));
    checkout(x);
    if (chance(x.r, 0.7)) {
      const code = one(x.r, ["invalid_coupon", "coupon_expired", "discount_not_applicable"]);
      push(x, { type: "checkout_error", ...(chance(x.r, 0.8) ? { code } : {}), ...(chance(x.r, 0.5) ? { message: "This discount code is not valid" } : {}) }, [5, 60]);
    }
    if (chance(x.r, 0.3)) help(x, one(x.r, ["discount-codes", "promotions-terms"]), one(x.r, ["discounts", "promotions", undefined]));
  },
  cancel_order(x) {
    checkout(x);
    // The order confirmation comes right after checkout; the visitor then changes their mind within minutes.
    push(x, { type: "order_page", order_id: x.orderId }, [20, 240]);
    if (chance(x.r, 0.5)) page(x, x.s.order(x.orderId), `Order #${x.orderId}`, undefined, [10, 300]);
    if (chance(x.r, 0.55)) help(x, one(x.r, ["cancel-an-order", "order-changes"]), one(x.r, ["cancellations", "orders", undefined]));
  },
};

/** A tenant intent without a handwritten signature gets one derived from its name: help pages and a page named after it. */
function derivedSignature(intent: string): (x: Session) => void {
  const slug = intent.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "help";
  const topic = slug.replace(/-/g, " ");
  const h = Math.abs(hash(intent));
  return (x) => {
    if (h % 3 === 0) orderPages(x, int(x.r, 0, 1));
    if (h % 3 === 1) viewProduct(x);
    if (chance(x.r, 0.8)) help(x, slug, chance(x.r, 0.6) ? topic : undefined);
    if (chance(x.r, 0.5)) page(x, x.s.page(slug), topic);
  };
}

// Own keys only: a tenant intent may be called "constructor".
function signature(intent: string): (x: Session) => void {
  return Object.hasOwn(SIGNATURES, intent) ? SIGNATURES[intent]! : derivedSignature(intent);
}

function pickWeighted(r: Rand, items: readonly [string, number][]): string {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let k = r() * total;
  for (const [item, w] of items) {
    k -= w;
    if (k < 0) return item;
  }
  return items[items.length - 1]![0];
}

/**
 * `n` sessions from `seed`. `intents` restricts or extends the label set: known intents keep their share, others
 * get the average share and a signature derived from their name.
 */
export function generateSessions(seed: number, n: number, intents?: readonly string[]): ReplayedSession[] {
  const r = prng(seed);
  const known = new Map(BEHAVIOUR_INTENTS);
  const labels: [string, number][] = intents ? intents.map((i) => [i, known.get(i) ?? 1 / BEHAVIOUR_INTENTS.length]) : [...BEHAVIOUR_INTENTS];
  const out: ReplayedSession[] = [];
  for (let i = 0; i < n; i++) {
    const intent = pickWeighted(r, labels);
    const x: Session = {
      r,
      s: one(r, SCHEMES),
      t: chance(r, 0.9) ? 1_735_689_600_000 + Math.floor(r() * 300 * 86_400_000) : undefined,
      events: [],
      orderId: String(int(r, 100000, 999999)),
    };
    noise(x, Math.floor(r() ** 1.5 * 9));
    const k = r();
    const related = (Object.hasOwn(RELATED, intent) ? RELATED[intent]! : []).filter((o) => labels.some(([l]) => l === o));
    if (k < MISLEADING) signature(related.length > 0 ? one(r, related) : intent)(x);
    else if (k >= MISLEADING + SIGNAL_FREE) signature(intent)(x);
    noise(x, chance(r, 0.3) ? int(r, 1, 2) : 0);
    out.push({ events: x.events.slice(-50), intent });
  }
  return out;
}
