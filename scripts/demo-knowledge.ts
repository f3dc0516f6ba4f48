/**
 * The demo shop's knowledge base, so the bot has something to answer with on a fresh `npm start`: a product,
 * the FAQs customers ask about it in English and Chinese, and the process behind them, linked product → FAQ → process.
 */
export const DEMO_ENTRIES = [
  {
    id: "demo-product-trail-jacket",
    type: "product",
    title: "Trail Jacket",
    body: "Waterproof hiking jacket with taped seams, sizes XS–XXL, colours black, navy and moss.",
    attributes: { price: 129, currency: "USD", aliases: ["trail jacket", "登山夹克"] },
  },
  {
    id: "demo-faq-refund-en",
    type: "faq",
    locale: "en",
    title: "How do refunds work?",
    body: "Refund for a returned or cancelled order, money back, reimbursement timing.",
    answer: "Once your return reaches our warehouse we refund the original payment method within 5 business days. You'll get an e-mail as soon as the refund is issued.",
    tags: ["refund", "returns"],
    quick_replies: ["Start a return"],
  },
  {
    id: "demo-faq-refund-zh",
    type: "faq",
    locale: "zh",
    title: "退款多久到账？",
    body: "退货退款、取消订单退款、退款到账时间。",
    answer: "退货到达仓库后，我们会在 5 个工作日内原路退款，退款发出后会有邮件通知。",
    tags: ["refund"],
  },
  {
    id: "demo-faq-shipping-en",
    type: "faq",
    locale: "en",
    title: "Where is my order? Delivery times and tracking",
    body: "Order status, tracking number, parcel delivery time, shipping delay.",
    answer: "Orders ship within 24 hours and arrive in 3–5 business days. The tracking link is in your shipping confirmation e-mail and under Account → Orders.",
    tags: ["shipping", "order status"],
  },
  {
    id: "demo-faq-shipping-zh",
    type: "faq",
    locale: "zh",
    title: "我的订单到哪了？物流查询",
    body: "订单状态、快递单号、物流跟踪、发货时间、配送延迟。",
    answer: "订单会在 24 小时内发货，3–5 个工作日送达。物流单号在发货确认邮件和“我的账户 → 订单”中可以查看。",
    tags: ["shipping"],
  },
  {
    id: "demo-process-return",
    type: "process",
    locale: "en",
    title: "Return process",
    body: "1. Open Account → Orders and choose Return. 2. Print the prepaid label. 3. Drop the parcel at any post office within 30 days. 4. Refund within 5 business days of arrival.",
  },
] as const;

export const DEMO_LINKS = [
  { from: "demo-product-trail-jacket", to: "demo-faq-refund-en", type: "has_faq" },
  { from: "demo-product-trail-jacket", to: "demo-faq-shipping-en", type: "has_faq" },
  { from: "demo-faq-refund-en", to: "demo-process-return", type: "uses_process" },
  { from: "demo-faq-refund-zh", to: "demo-process-return", type: "uses_process" },
] as const;
