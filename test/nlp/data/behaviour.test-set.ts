/**
 * Held-out sessions for the predictive intent model, written by hand before any model was evaluated on them and
 * never edited to move a number. They come from a storefront whose URLs the session generator
 * (bench/lib/behaviour-sessions.ts) never produces (Magento-style paths, a "help-center"), so a model trained on
 * generated sessions must carry over through the event kinds, their order, topics and error codes, not through
 * memorised addresses.
 */
import type { LabelledSession } from "../../../shared/nlp/predictive";

const T0 = 1_760_000_000_000;
/** Seconds after the session start. */
const s = (seconds: number) => T0 + seconds * 1000;

export const BEHAVIOUR_TEST_SET: LabelledSession[] = [
  {
    intent: "order_status",
    events: [
      { type: "page_view", url: "https://store.test/", title: "Welcome", at: s(0) },
      { type: "page_view", url: "https://store.test/sales/order/history/", title: "My Orders", at: s(20) },
      { type: "order_page", at: s(21) },
      { type: "order_page", order_id: "000145223", at: s(45) },
      { type: "page_view", url: "https://store.test/shipping/tracking/popup?hash=ab12", title: "Tracking Information", at: s(70) },
    ],
  },
  {
    intent: "order_status",
    events: [
      { type: "order_page", order_id: "000145901" },
      { type: "order_page", order_id: "000145901" },
      { type: "help_page", url: "/help-center/shipping/how-long-does-delivery-take", topic: "Delivery" },
    ],
  },
  {
    intent: "order_status",
    events: [
      { type: "product_view", product_id: "24-MB01", category: "Bags", price: 34, at: s(0) },
      { type: "page_view", url: "/catalog/category/view/id/12", category: "Bags", at: s(30) },
      { type: "page_view", url: "/sales/order/view/order_id/5521/", title: "Order # 000005521", at: s(300) },
      { type: "order_page", order_id: "000005521", at: s(301) },
      { type: "order_page", order_id: "000005521", at: s(1900) },
    ],
  },
  {
    intent: "order_status",
    events: [
      { type: "page_view", url: "/sales/order/history/", at: s(0) },
      { type: "order_page", at: s(1) },
      { type: "order_page", order_id: "000009981", at: s(15) },
    ],
  },
  {
    intent: "payment_issue",
    events: [
      { type: "product_view", product_id: "MH07", category: "Hoodies", price: 64, at: s(0) },
      { type: "cart", action: "add", product_id: "MH07", at: s(40) },
      { type: "page_view", url: "/checkout/cart/", title: "Shopping Cart", at: s(55) },
      { type: "checkout_start", at: s(70) },
      { type: "checkout_error", code: "card_declined", message: "The card was declined by the issuer", at: s(130) },
    ],
  },
  {
    intent: "payment_issue",
    events: [
      { type: "checkout_start", at: s(0) },
      { type: "checkout_error", code: "payment_failed", at: s(50) },
      { type: "checkout_start", at: s(90) },
      { type: "checkout_error", code: "payment_failed", at: s(120) },
    ],
  },
  {
    intent: "payment_issue",
    events: [
      { type: "cart", action: "add", product_id: "WS03" },
      { type: "checkout_start" },
      { type: "checkout_error", message: "We could not authorise your payment" },
      { type: "help_page", url: "/help-center/payments/accepted-payment-methods", topic: "Payment" },
    ],
  },
  {
    intent: "payment_issue",
    events: [
      { type: "page_view", url: "/", at: s(0) },
      { type: "product_view", product_id: "WJ12", category: "Jackets", price: 77, at: s(35) },
      { type: "product_view", product_id: "WJ12", category: "Jackets", price: 77, at: s(80) },
      { type: "cart", action: "add", product_id: "WJ12", at: s(95) },
      { type: "checkout_start", at: s(110) },
      { type: "checkout_error", code: "3ds_failed", at: s(200) },
    ],
  },
  {
    intent: "return_exchange",
    events: [
      { type: "order_page", order_id: "000007710", at: s(0) },
      { type: "help_page", url: "/help-center/returns/how-do-i-return-an-item", topic: "Returns", at: s(40) },
      { type: "page_view", url: "/rma/guest/create/", title: "Create New Return", at: s(90) },
    ],
  },
  {
    intent: "return_exchange",
    events: [
      { type: "page_view", url: "/size-chart", title: "Size Chart" },
      { type: "order_page", order_id: "000007802" },
      { type: "help_page", url: "/help-center/returns/exchange-for-a-different-size", topic: "Exchanges" },
    ],
  },
  {
    intent: "return_exchange",
    events: [
      { type: "page_view", url: "/", at: s(0) },
      { type: "help_page", url: "/help-center/returns", topic: "Returns", at: s(25) },
      { type: "help_page", url: "/help-center/returns/return-shipping-label", topic: "Returns", at: s(60) },
    ],
  },
  {
    intent: "return_exchange",
    events: [
      { type: "order_page", at: s(0) },
      { type: "order_page", order_id: "000003321", at: s(10) },
      { type: "product_view", product_id: "MT11", category: "Tees", price: 29, at: s(60) },
      { type: "help_page", url: "/help-center/returns/exchange-policy", at: s(100) },
    ],
  },
  {
    intent: "refund",
    events: [
      { type: "order_page", order_id: "000006650", at: s(0) },
      { type: "help_page", url: "/help-center/refunds/when-will-i-receive-my-refund", topic: "Refunds", at: s(30) },
    ],
  },
  {
    intent: "refund",
    events: [
      { type: "page_view", url: "/sales/order/history/" },
      { type: "order_page" },
      { type: "order_page", order_id: "000006001" },
      { type: "page_view", url: "/sales/order/creditmemo/order_id/6001/", title: "Refunds" },
    ],
  },
  {
    intent: "refund",
    events: [
      { type: "help_page", url: "/help-center/refunds", topic: "Refunds", at: s(0) },
      { type: "help_page", url: "/help-center/refunds/refund-to-original-payment-method", topic: "Refunds", at: s(45) },
      { type: "order_page", order_id: "000006402", at: s(80) },
    ],
  },
  {
    intent: "refund",
    events: [
      { type: "order_page", order_id: "000006777", at: s(0) },
      { type: "help_page", url: "/help-center/returns", topic: "Returns", at: s(20) },
      { type: "help_page", url: "/help-center/refunds/partial-refund", topic: "Refunds", at: s(50) },
    ],
  },
  {
    intent: "cancel_order",
    events: [
      { type: "cart", action: "add", product_id: "WB04", at: s(0) },
      { type: "checkout_start", at: s(20) },
      { type: "order_page", order_id: "000008120", at: s(110) },
      { type: "help_page", url: "/help-center/orders/can-i-cancel-my-order", topic: "Cancellations", at: s(160) },
    ],
  },
  {
    intent: "cancel_order",
    events: [
      { type: "checkout_start", at: s(0) },
      { type: "order_page", order_id: "000008201", at: s(90) },
      { type: "page_view", url: "/sales/order/view/order_id/8201/", at: s(150) },
    ],
  },
  {
    intent: "cancel_order",
    events: [
      { type: "product_view", product_id: "MP10", category: "Pants", price: 45 },
      { type: "checkout_start" },
      { type: "order_page", order_id: "000008333" },
      { type: "help_page", url: "/help-center/orders/change-or-cancel-an-order", topic: "Orders" },
    ],
  },
  {
    intent: "cancel_order",
    events: [
      { type: "checkout_start", at: s(0) },
      { type: "order_page", order_id: "000008470", at: s(60) },
      { type: "order_page", order_id: "000008470", at: s(200) },
      { type: "help_page", url: "/help-center/orders/cancel", topic: "Cancellations", at: s(230) },
    ],
  },
  {
    intent: "shipping_address",
    events: [
      { type: "order_page", order_id: "000009120", at: s(0) },
      { type: "page_view", url: "/customer/address/", title: "Address Book", at: s(40) },
      { type: "help_page", url: "/help-center/shipping/change-my-delivery-address", topic: "Delivery", at: s(75) },
    ],
  },
  {
    intent: "shipping_address",
    events: [
      { type: "checkout_start" },
      { type: "page_view", url: "/customer/address/edit/id/3/", title: "Edit Address" },
      { type: "order_page", order_id: "000009231" },
    ],
  },
  {
    intent: "shipping_address",
    events: [
      { type: "page_view", url: "/customer/account/", title: "My Account", at: s(0) },
      { type: "page_view", url: "/customer/address/", title: "Address Book", at: s(30) },
      { type: "page_view", url: "/customer/address/new/", title: "Add New Address", at: s(60) },
    ],
  },
  {
    intent: "shipping_address",
    events: [
      { type: "order_page", order_id: "000009300", at: s(0) },
      { type: "help_page", url: "/help-center/shipping/wrong-address", topic: "Shipping", at: s(30) },
    ],
  },
  {
    intent: "account_login",
    events: [
      { type: "page_view", url: "/customer/account/login/", title: "Customer Login", at: s(0) },
      { type: "page_view", url: "/customer/account/login/", title: "Customer Login", at: s(25) },
      { type: "page_view", url: "/customer/account/forgotpassword/", title: "Forgot Your Password?", at: s(50) },
    ],
  },
  {
    intent: "account_login",
    events: [
      { type: "page_view", url: "/" },
      { type: "page_view", url: "/customer/account/login/", title: "Customer Login" },
      { type: "help_page", url: "/help-center/account/i-cannot-sign-in", topic: "Account" },
    ],
  },
  {
    intent: "account_login",
    events: [
      { type: "page_view", url: "/customer/account/forgotpassword/", title: "Forgot Your Password?", at: s(0) },
      { type: "page_view", url: "/customer/account/createpassword/?token=x9", title: "Set a New Password", at: s(240) },
      { type: "page_view", url: "/customer/account/login/", title: "Customer Login", at: s(260) },
    ],
  },
  {
    intent: "account_login",
    events: [
      { type: "product_view", product_id: "WS08", category: "Tees", price: 32, at: s(0) },
      { type: "page_view", url: "/customer/account/login/referer/aHR0cHM6Ly9zdG9yZQ/", title: "Customer Login", at: s(30) },
      { type: "page_view", url: "/customer/account/login/", title: "Customer Login", at: s(50) },
    ],
  },
  {
    intent: "product_question",
    events: [
      { type: "page_view", url: "/women/tops-women/jackets-women.html", category: "Jackets", at: s(0) },
      { type: "product_view", product_id: "WJ08", category: "Jackets", price: 99, at: s(30) },
      { type: "product_view", product_id: "WJ08", category: "Jackets", price: 99, at: s(120) },
      { type: "product_view", product_id: "WJ09", category: "Jackets", price: 89, at: s(170) },
      { type: "product_view", product_id: "WJ08", category: "Jackets", price: 99, at: s(220) },
    ],
  },
  {
    intent: "product_question",
    events: [
      { type: "product_view", product_id: "24-WG080", category: "Fitness Equipment", price: 21 },
      { type: "product_view", product_id: "24-WG081", category: "Fitness Equipment", price: 23 },
      { type: "product_view", product_id: "24-WG080", category: "Fitness Equipment", price: 21 },
      { type: "help_page", url: "/help-center/products/materials-and-care", topic: "Product care" },
    ],
  },
  {
    intent: "product_question",
    events: [
      { type: "page_view", url: "/catalogsearch/result/?q=waterproof+jacket", title: "Search results for: 'waterproof jacket'", at: s(0) },
      { type: "product_view", product_id: "MJ04", category: "Jackets", price: 69, at: s(25) },
      { type: "product_view", product_id: "MJ06", category: "Jackets", price: 75, at: s(70) },
      { type: "product_view", product_id: "MJ04", category: "Jackets", price: 69, at: s(130) },
    ],
  },
  {
    intent: "product_question",
    events: [
      { type: "product_view", product_id: "MS05", category: "Shorts", price: 32 },
      { type: "page_view", url: "/size-chart", title: "Size Chart" },
      { type: "product_view", product_id: "MS05", category: "Shorts", price: 32 },
    ],
  },
  {
    intent: "promo_code",
    events: [
      { type: "page_view", url: "/sale.html", title: "Sale", at: s(0) },
      { type: "cart", action: "add", product_id: "WT02", at: s(40) },
      { type: "checkout_start", at: s(60) },
      { type: "checkout_error", code: "invalid_coupon", message: "The coupon code isn't valid", at: s(90) },
    ],
  },
  {
    intent: "promo_code",
    events: [
      { type: "checkout_start" },
      { type: "checkout_error", code: "coupon_expired" },
      { type: "help_page", url: "/help-center/promotions/using-a-discount-code", topic: "Discounts" },
    ],
  },
  {
    intent: "promo_code",
    events: [
      { type: "page_view", url: "/promotions/newsletter-10-off", title: "10% off your first order", at: s(0) },
      { type: "product_view", product_id: "WP07", category: "Pants", price: 52, at: s(30) },
      { type: "cart", action: "add", product_id: "WP07", at: s(50) },
      { type: "checkout_start", at: s(70) },
      { type: "checkout_error", message: "Discount code could not be applied", at: s(100) },
    ],
  },
  {
    intent: "promo_code",
    events: [
      { type: "cart", action: "add", product_id: "MT02", at: s(0) },
      { type: "checkout_start", at: s(20) },
      { type: "checkout_error", code: "discount_not_applicable", at: s(45) },
      { type: "checkout_start", at: s(80) },
    ],
  },
];
