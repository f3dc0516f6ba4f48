/**
 * A seeded synthetic knowledge base in English and Chinese, and queries that each have one right answer, for the
 * knowledge-base tests (test/kb.test.ts seeds 1,000 entries) and the search bench (10,000).
 *
 * Every entry is about one product (brand × model × category) and one topic (refund, warranty, firmware …) in
 * one language, and no two entries share all three, so a query naming a product and a topic has exactly one
 * target. The entries around it share its brand, its category, its model or its topic, so the search has to
 * weigh all of the query, not find a unique token. Bodies mix topic sentences with filler every entry shares.
 *
 * It runs under Node for the bench and under the test bundler, so its one import names the file with its
 * `.ts` extension, which both resolve.
 * The entry shape is shared/kb/schemas.ts CreateEntry; the tests send these entries through the real API.
 */

import { mulberry32 as random } from "../../shared/mulberry32.ts";

export type KbCorpusEntry = {
  type: "article" | "faq" | "product" | "process";
  title: string;
  body: string;
  answer?: string;
  tags: string[];
  locale: "en" | "zh";
  attributes: Record<string, string | string[]>;
};

/** `target` is the index in `entries` of the one entry the query is about. */
export type KbCorpusQuery = { q: string; target: number; lang: "en" | "zh" };


const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function shuffle<T>(r: () => number, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const BRANDS = {
  en: ["Nimbus", "Orion", "Kestrel", "Juniper", "Solace", "Vertex", "Halcyon", "Marlow", "Quill", "Tundra", "Zephyr", "Aurora", "Cobalt", "Ember", "Falcon", "Granite", "Harbor", "Iris", "Jasper", "Lumen"],
  zh: ["星云", "猎户", "青松", "晨曦", "极光", "海港", "琥珀", "山岚", "雪峰", "云帆", "银河", "松鼠", "白鹭", "墨竹", "流光", "锦鲤", "远航", "青鸟", "金橙", "蓝鲸"],
};
const CATEGORIES = {
  en: ["blender", "headphones", "router", "kettle", "vacuum", "camera", "speaker", "monitor", "keyboard", "scooter", "thermostat", "printer"],
  zh: ["搅拌机", "耳机", "路由器", "电水壶", "吸尘器", "相机", "音箱", "显示器", "键盘", "滑板车", "温控器", "打印机"],
};
const MODEL_LETTERS = ["A", "C", "E", "K", "M", "P", "R", "S", "T", "X", "Z"];

type Topic = {
  key: string;
  en: { word: string; titles: string[]; sentences: string[]; questions: string[] };
  zh: { word: string; titles: string[]; sentences: string[]; questions: string[] };
};

/** `{p}` is the product's name. Questions are what a customer types; their topic word is not always the title's. */
const TOPICS: Topic[] = [
  {
    key: "refund",
    en: {
      word: "refund",
      titles: ["Refunds for the {p}", "Getting a refund for your {p}"],
      sentences: ["A refund for the {p} is paid to the original payment method.", "Refunds are processed within five business days once we receive the {p}."],
      questions: ["how do I get a refund for my {p}", "{p} refund", "refund {p} money back"],
    },
    zh: {
      word: "退款",
      titles: ["{p}退款说明", "如何申请{p}退款"],
      sentences: ["{p}的退款将原路返回到您的支付账户。", "我们收到{p}后会在五个工作日内完成退款。"],
      questions: ["{p}怎么退款", "{p} 退款", "我想申请{p}退款"],
    },
  },
  {
    key: "return",
    en: {
      word: "return",
      titles: ["Returning the {p}", "Return policy for the {p}"],
      sentences: ["You can return the {p} within 30 days of delivery.", "Pack the {p} in its original box and print the return label."],
      questions: ["can I return my {p}", "{p} return", "send back {p} return label"],
    },
    zh: {
      word: "退货",
      titles: ["{p}退货政策", "{p}如何退货"],
      sentences: ["{p}自签收之日起30天内可以退货。", "请用原包装寄回{p}并打印退货单。"],
      questions: ["{p}可以退货吗", "{p} 退货", "{p}退货流程是什么"],
    },
  },
  {
    key: "warranty",
    en: {
      word: "warranty",
      titles: ["Warranty for the {p}", "{p} warranty coverage"],
      sentences: ["The {p} comes with a two-year limited warranty.", "The warranty of the {p} covers manufacturing defects but not accidental damage."],
      questions: ["is my {p} under warranty", "{p} warranty", "warranty claim {p}"],
    },
    zh: {
      word: "保修",
      titles: ["{p}保修条款", "{p}保修范围"],
      sentences: ["{p}享受两年有限保修。", "{p}的保修覆盖制造缺陷，不包括意外损坏。"],
      questions: ["{p}保修多久", "{p} 保修", "{p}坏了能保修吗"],
    },
  },
  {
    key: "shipping",
    en: {
      word: "shipping",
      titles: ["Shipping the {p}", "{p} delivery times"],
      sentences: ["The {p} ships within two days from our regional warehouse.", "Shipping for the {p} is free on orders over fifty dollars."],
      questions: ["when will my {p} ship", "{p} shipping", "{p} delivery time"],
    },
    zh: {
      word: "发货",
      titles: ["{p}发货时间", "{p}配送说明"],
      sentences: ["{p}会在两天内从区域仓库发货。", "订单满五十元{p}免运费配送。"],
      questions: ["{p}什么时候发货", "{p} 发货", "{p}配送要多久"],
    },
  },
  {
    key: "installation",
    en: {
      word: "installation",
      titles: ["Installing the {p}", "{p} setup guide"],
      sentences: ["Installation of the {p} takes about ten minutes.", "Before installing the {p}, check the power requirements."],
      questions: ["how to install the {p}", "{p} installation", "set up {p}"],
    },
    zh: {
      word: "安装",
      titles: ["{p}安装指南", "如何安装{p}"],
      sentences: ["{p}的安装大约需要十分钟。", "安装{p}之前请确认电源要求。"],
      questions: ["{p}怎么安装", "{p} 安装", "{p}安装步骤"],
    },
  },
  {
    key: "battery",
    en: {
      word: "battery",
      titles: ["Battery life of the {p}", "Charging the {p} battery"],
      sentences: ["A full charge of the {p} battery lasts about eight hours.", "Use the supplied cable to charge the {p} battery."],
      questions: ["{p} battery drains fast", "{p} battery", "how long does the {p} battery last"],
    },
    zh: {
      word: "电池",
      titles: ["{p}电池续航", "{p}电池充电"],
      sentences: ["{p}电池充满电可使用约八小时。", "请使用随附的数据线为{p}电池充电。"],
      questions: ["{p}电池不耐用", "{p} 电池", "{p}电池能用多久"],
    },
  },
  {
    key: "payment",
    en: {
      word: "payment",
      titles: ["Paying for the {p}", "{p} payment options"],
      sentences: ["The {p} can be paid by card, bank transfer or in instalments.", "Payment for the {p} is taken when the order ships."],
      questions: ["can I pay for the {p} in instalments", "{p} payment", "{p} payment failed"],
    },
    zh: {
      word: "付款",
      titles: ["{p}付款方式", "{p}分期付款"],
      sentences: ["{p}支持银行卡、转账和分期付款。", "{p}的付款在订单发货时扣除。"],
      questions: ["{p}可以分期付款吗", "{p} 付款", "{p}付款失败"],
    },
  },
  {
    key: "invoice",
    en: {
      word: "invoice",
      titles: ["Invoices for the {p}", "Requesting a {p} invoice"],
      sentences: ["An invoice for the {p} is emailed when the order is paid.", "You can download the {p} invoice from your order page."],
      questions: ["where is my {p} invoice", "{p} invoice", "need an invoice for the {p}"],
    },
    zh: {
      word: "发票",
      titles: ["{p}发票申请", "{p}电子发票"],
      sentences: ["{p}付款后电子发票会发送到您的邮箱。", "您可以在订单页面下载{p}的发票。"],
      questions: ["{p}怎么开发票", "{p} 发票", "{p}发票在哪里下载"],
    },
  },
  {
    key: "repair",
    en: {
      word: "repair",
      titles: ["Repairing the {p}", "{p} repair service"],
      sentences: ["Our service centre repairs the {p} within ten days.", "Repairs of the {p} outside warranty are quoted before work starts."],
      questions: ["my {p} is broken can you repair it", "{p} repair", "{p} repair cost"],
    },
    zh: {
      word: "维修",
      titles: ["{p}维修服务", "{p}送修流程"],
      sentences: ["服务中心会在十天内完成{p}维修。", "保修期外的{p}维修会先报价。"],
      questions: ["{p}坏了怎么维修", "{p} 维修", "{p}维修费用"],
    },
  },
  {
    key: "accessories",
    en: {
      word: "accessories",
      titles: ["Accessories for the {p}", "{p} spare parts"],
      sentences: ["Genuine accessories for the {p} are sold in our store.", "Spare parts for the {p} stay available for five years."],
      questions: ["where can I buy accessories for the {p}", "{p} accessories", "{p} spare parts"],
    },
    zh: {
      word: "配件",
      titles: ["{p}配件", "{p}备用零件"],
      sentences: ["{p}原装配件在官方商城有售。", "{p}的备用零件供应五年。"],
      questions: ["{p}配件在哪买", "{p} 配件", "{p}零件"],
    },
  },
  {
    key: "firmware",
    en: {
      word: "firmware",
      titles: ["Updating the {p} firmware", "{p} firmware releases"],
      sentences: ["Firmware updates for the {p} install automatically overnight.", "Check the app for the latest {p} firmware version."],
      questions: ["how do I update the {p} firmware", "{p} firmware", "{p} firmware update failed"],
    },
    zh: {
      word: "固件",
      titles: ["{p}固件升级", "{p}固件版本"],
      sentences: ["{p}的固件会在夜间自动升级。", "请在应用中查看{p}最新固件版本。"],
      questions: ["{p}固件怎么升级", "{p} 固件", "{p}固件升级失败"],
    },
  },
  {
    key: "cleaning",
    en: {
      word: "cleaning",
      titles: ["Cleaning the {p}", "{p} care and cleaning"],
      sentences: ["Clean the {p} with a soft dry cloth.", "Never put the {p} in the dishwasher when cleaning it."],
      questions: ["how do I clean my {p}", "{p} cleaning", "{p} care"],
    },
    zh: {
      word: "清洁",
      titles: ["{p}清洁保养", "如何清洁{p}"],
      sentences: ["请用柔软的干布清洁{p}。", "清洁{p}时不要放入洗碗机。"],
      questions: ["{p}怎么清洁", "{p} 清洁", "{p}保养方法"],
    },
  },
];

const FILLER = {
  en: [
    "Contact our support team if anything is unclear.",
    "Keep your order number at hand when you write to us.",
    "Our help centre is open every day from eight to eight.",
    "This article applies to purchases from our online store and partner shops.",
    "Terms may differ for business customers.",
  ],
  zh: ["如有疑问请联系客服团队。", "联系我们时请准备好订单号。", "帮助中心每天早八点到晚八点开放。", "本文适用于官方商城和合作门店的订单。", "企业客户的条款可能不同。"],
};

const PRODUCT_BODY = {
  en: ["The {p} is part of our {year} range.", "It ships with a quick-start guide and a two-year warranty.", "Available in black, white and sand."],
  zh: ["{p}是我们{year}年系列的产品。", "随附快速入门指南和两年保修。", "提供黑色、白色和沙色。"],
};

const TYPES = ["faq", "faq", "article", "process"] as const;

export function kbCorpus(n: number, seed = 1, queryEvery = 10): { entries: KbCorpusEntry[]; queries: KbCorpusQuery[] } {
  const r = random(seed);
  const entries: KbCorpusEntry[] = [];
  const queries: KbCorpusQuery[] = [];
  const taken = new Set<string>();
  // Entries alternate en, zh: a query for every queryEvery-th pair keeps both languages in the queries.
  const asks = (index: number) => Math.floor(index / 2) % queryEvery === 0;
  for (let i = 0; entries.length < n && i < n * 50; i++) {
    const lang = entries.length % 2 === 0 ? "en" : "zh";
    const brand = pick(r, BRANDS[lang]);
    const category = pick(r, CATEGORIES[lang]);
    const model = `${pick(r, MODEL_LETTERS)}${1 + Math.floor(r() * 9)}`;
    const isProduct = r() < 0.1;
    const topic = isProduct ? null : pick(r, TOPICS);
    const key = `${lang}|${brand}|${model}|${category}|${topic?.key ?? "product"}`;
    if (taken.has(key)) continue;
    taken.add(key);
    const product = lang === "en" ? `${brand} ${model} ${category}` : `${brand}${model}${category}`;
    const fill = (s: string) => s.replaceAll("{p}", product).replaceAll("{year}", String(2020 + Math.floor(r() * 6)));
    const filler = shuffle(r, FILLER[lang]).slice(0, 2);
    const index = entries.length;
    if (!topic) {
      entries.push({
        type: "product",
        title: product,
        body: [...PRODUCT_BODY[lang].map(fill), ...filler].join(lang === "en" ? " " : ""),
        tags: [category],
        locale: lang,
        attributes: { sku: `${brand.slice(0, 3).toUpperCase()}-${model}-${index}`, aliases: lang === "en" ? [`${brand} ${model}`] : [`${brand}${model}`] },
      });
      if (asks(index)) queries.push({ q: product, target: index, lang });
      continue;
    }
    const t = topic[lang];
    const type = pick(r, TYPES);
    const sep = lang === "en" ? " " : "";
    const text = shuffle(r, [...t.sentences.map(fill), ...filler]).join(sep);
    // An FAQ's body is one customer question; the query is another, so the test never searches for the body verbatim.
    const asked = Math.floor(r() * t.questions.length);
    entries.push({
      type,
      title: fill(pick(r, t.titles)),
      body: type === "faq" ? fill(t.questions[asked]!) + (lang === "en" ? "?" : "？") : text,
      ...(type === "faq" ? { answer: text } : {}),
      tags: [topic.key, category],
      locale: lang,
      attributes: {},
    });
    if (asks(index)) queries.push({ q: fill(t.questions[(asked + 1 + Math.floor(r() * (t.questions.length - 1))) % t.questions.length]!), target: index, lang });
  }
  return { entries, queries };
}
