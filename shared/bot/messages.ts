import type { Lang } from "../nlp/language";

/** What the bot says, in the customer's language. Tenants override the greeting and intent labels in BotConfig. */
export const BOT_TEXT = {
  en: {
    greeting: "Hi! I'm the virtual assistant. What can I help you with?",
    helped_question: "Did this answer your question?",
    helped_yes: "Yes, thanks",
    helped_no: "No, talk to a person",
    resolved: "Glad I could help! Write again any time.",
    clarify: "Just to be sure I understand: which of these is it about?",
    something_else: "Something else",
    handoff: "I'm passing you to one of our team now; they will see what you've told me.",
    handoff_negative: "I'm sorry about this. I'm bringing in a person from our team right away.",
  },
  zh: {
    greeting: "您好！我是智能助手，请问有什么可以帮您？",
    helped_question: "这个回答解决您的问题了吗？",
    helped_yes: "解决了，谢谢",
    helped_no: "没有，转人工",
    resolved: "很高兴能帮到您！有需要随时联系我们。",
    clarify: "为了确认我理解对了：您想咨询的是以下哪一项？",
    something_else: "其他问题",
    handoff: "正在为您转接人工客服，客服会看到您之前说明的情况。",
    handoff_negative: "非常抱歉给您带来不便，马上为您转接人工客服。",
  },
} as const satisfies Record<Lang, Record<string, string>>;

export type BotTextKey = keyof (typeof BOT_TEXT)["en"];

/** How the starter model's intents read on a button or in a search, until a tenant names them (BotConfig.intent_labels). */
export const STARTER_LABELS: Record<string, Record<Lang, string>> = {
  order_status: { en: "Order status and delivery", zh: "订单物流查询" },
  refund: { en: "Refund", zh: "退款" },
  return_exchange: { en: "Return or exchange", zh: "退货换货" },
  cancel_order: { en: "Cancel an order", zh: "取消订单" },
  shipping_address: { en: "Change the delivery address", zh: "修改收货地址" },
  payment_issue: { en: "Payment problem", zh: "支付问题" },
  account_login: { en: "Signing in to my account", zh: "账户登录" },
  card_lost: { en: "Lost or stolen card", zh: "银行卡挂失" },
  balance_inquiry: { en: "Account balance", zh: "余额查询" },
  talk_to_human: { en: "Talk to a person", zh: "转人工" },
  complaint: { en: "Make a complaint", zh: "投诉" },
  greeting: { en: "Hello", zh: "你好" },
};
