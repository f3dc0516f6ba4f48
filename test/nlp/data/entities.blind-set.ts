// Held-out entity lines, written blind: the author saw only the product contract, not the implementation, its docs or its other
// test sets. Every true email, phone, order_id, money and date in a line is listed; everything else in it is a distractor.
// Relative dates are resolved against `now` in `tz` (2026-03-10 is a Tuesday; 17:30Z is already Wednesday 01:30 in Shanghai,
// 03:00Z is still Monday 23:00 in New York, which is on EDT from 2026-03-08). Never edit a line or an answer to move a number.

export type EntityBlindLine = {
  text: string;
  lang: "en" | "zh";
  now: string;
  tz: string;
  entities: { type: string; value: string; occurrence?: number; normalized?: string }[];
};

const NOW = "2026-03-10T09:00:00Z";
const NOW_LATE = "2026-03-10T17:30:00Z";
const NOW_EARLY = "2026-03-10T03:00:00Z";

export const ENTITIES_BLIND: EntityBlindLine[] = [
  // English
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "My order #A55821 hasn't arrived yet.",
    entities: [{ type: "order_id", value: "#A55821" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Hi, it's about ORD-2024-0042, the $25 gift wrap fee was never refunded",
    entities: [
      { type: "order_id", value: "ORD-2024-0042" },
      { type: "money", value: "$25", normalized: "25 USD" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "order 884213 was supposed to come tomorrow",
    entities: [
      { type: "order_id", value: "884213" },
      { type: "date", value: "tomorrow", normalized: "2026-03-11" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "You can reach me at John.Smith@Example.com or +1 (415) 555-0132",
    entities: [
      { type: "email", value: "John.Smith@Example.com", normalized: "john.smith@example.com" },
      { type: "phone", value: "+1 (415) 555-0132", normalized: "+14155550132" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "I was charged $25 and then another $25 an hour later.",
    entities: [
      { type: "money", value: "$25", occurrence: 0, normalized: "25 USD" },
      { type: "money", value: "$25", occurrence: 1, normalized: "25 USD" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "The refund of USD 40 should be back by next Monday.",
    entities: [
      { type: "money", value: "USD 40", normalized: "40 USD" },
      { type: "date", value: "next Monday", normalized: "2026-03-16" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "I paid 40 dollars for shipping, that's way too much",
    entities: [{ type: "money", value: "40 dollars", normalized: "40 USD" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Total was $1,299.99 for the laptop, order #88421, delivered March 5.",
    entities: [
      { type: "money", value: "$1,299.99", normalized: "1299.99 USD" },
      { type: "order_id", value: "#88421" },
      { type: "date", value: "March 5", normalized: "2026-03-05" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "I bought 2 pairs in size 42 on March 3",
    entities: [{ type: "date", value: "March 3", normalized: "2026-03-03" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Can someone call me after 3pm? My number is (415) 555-0199.",
    entities: [{ type: "phone", value: "(415) 555-0199" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "The app is on version 2.3.1 and it still crashes",
    entities: [],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Delivery was scheduled for 2026-03-15 but I'll be away.",
    entities: [{ type: "date", value: "2026-03-15", normalized: "2026-03-15" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Please send the invoice to billing@acme-corp.co.uk",
    entities: [{ type: "email", value: "billing@acme-corp.co.uk", normalized: "billing@acme-corp.co.uk" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "My warranty started 28/02/2025, is it still valid?",
    entities: [{ type: "date", value: "28/02/2025", normalized: "2025-02-28" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Got a 30% off coupon but it only took off €7.95",
    entities: [{ type: "money", value: "€7.95", normalized: "7.95 EUR" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "It said it would arrive yesterday and it still hasn't",
    entities: [{ type: "date", value: "yesterday", normalized: "2026-03-09" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "The site says it ships in 3 days, is that right?",
    entities: [{ type: "date", value: "in 3 days", normalized: "2026-03-13" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "UK customer here, +44 20 7946 0958 is my work line",
    entities: [{ type: "phone", value: "+44 20 7946 0958", normalized: "+442079460958" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "I want to return the shoes from order SO-339201, they cost £65",
    entities: [
      { type: "order_id", value: "SO-339201" },
      { type: "money", value: "£65", normalized: "65 GBP" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "hey can u check order no. 7731902? thx",
    entities: [{ type: "order_id", value: "7731902" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Can it arrive by this Friday? It's a gift.",
    entities: [{ type: "date", value: "this Friday", normalized: "2026-03-13" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "It's for my iPhone 15, do you have the 256GB case?",
    entities: [],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Last Friday I called support and was promised a $15 credit",
    entities: [
      { type: "date", value: "Last Friday", normalized: "2026-03-06" },
      { type: "money", value: "$15", normalized: "15 USD" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Email me at MARIA.G@gmail.com, not my old hotmail",
    entities: [{ type: "email", value: "MARIA.G@gmail.com", normalized: "maria.g@gmail.com" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "I paid CAD 89.99 plus tax",
    entities: [{ type: "money", value: "CAD 89.99", normalized: "89.99 CAD" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Room 302, 2nd floor, please ring twice",
    entities: [],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "The box said 12 pieces but only 10 arrived",
    entities: [],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "refund of 30 bucks is fine",
    entities: [{ type: "money", value: "30 bucks", normalized: "30 USD" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "My order ORD-2026-1187 shipped on March 2nd, and tracking shows nothing since",
    entities: [
      { type: "order_id", value: "ORD-2026-1187" },
      { type: "date", value: "March 2nd", normalized: "2026-03-02" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Call me at 020 7946 0321 tomorrow at 10am",
    entities: [
      { type: "phone", value: "020 7946 0321" },
      { type: "date", value: "tomorrow", normalized: "2026-03-11" },
    ],
  },
  {
    lang: "en", now: NOW_EARLY, tz: "America/New_York",
    text: "I need it by tomorrow, my flight is at 6pm",
    entities: [{ type: "date", value: "tomorrow", normalized: "2026-03-10" }],
  },
  {
    lang: "en", now: NOW_EARLY, tz: "America/New_York",
    text: "It says delivered today? I don't see it anywhere",
    entities: [{ type: "date", value: "today", normalized: "2026-03-09" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Is the $49 plan billed monthly or yearly?",
    entities: [{ type: "money", value: "$49", normalized: "49 USD" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Sent the photos to returns@shopmart.com on Mar 8",
    entities: [
      { type: "email", value: "returns@shopmart.com", normalized: "returns@shopmart.com" },
      { type: "date", value: "Mar 8", normalized: "2026-03-08" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Please cancel #B-20931 and refund the $120",
    entities: [
      { type: "order_id", value: "#B-20931" },
      { type: "money", value: "$120", normalized: "120 USD" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "order 5521 and order 5522 are both missing a cable",
    entities: [
      { type: "order_id", value: "5521" },
      { type: "order_id", value: "5522" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "I'll be out until April 2, please deliver after that",
    entities: [{ type: "date", value: "April 2", normalized: "2026-04-02" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Charged 1,450 USD instead of 145 USD!!",
    entities: [
      { type: "money", value: "1,450 USD", normalized: "1450 USD" },
      { type: "money", value: "145 USD", normalized: "145 USD" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "My number changed to +1 212-555-0187, please update it",
    entities: [{ type: "phone", value: "+1 212-555-0187", normalized: "+12125550187" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Works fine on Android 14, the issue is only on the tablet",
    entities: [],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Delivery window next Monday 9-12 works for me",
    entities: [{ type: "date", value: "next Monday", normalized: "2026-03-16" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "I ordered 3 items at $19.99 each",
    entities: [{ type: "money", value: "$19.99", normalized: "19.99 USD" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Hi, I'm following up on ticket 4471 from 2026-02-27",
    entities: [{ type: "date", value: "2026-02-27", normalized: "2026-02-27" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Can you confirm the address? Reach me on 07700 900123 or jane_doe99@yahoo.com",
    entities: [
      { type: "phone", value: "07700 900123" },
      { type: "email", value: "jane_doe99@yahoo.com", normalized: "jane_doe99@yahoo.com" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "the promo says 2 for $30 until March 31",
    entities: [
      { type: "money", value: "$30", normalized: "30 USD" },
      { type: "date", value: "March 31", normalized: "2026-03-31" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "I returned it on the 5th of March, still no refund",
    entities: [{ type: "date", value: "5th of March", normalized: "2026-03-05" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "tracking number 1Z999AA10123456784, order #77120",
    entities: [{ type: "order_id", value: "#77120" }],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Thanks, all good now!",
    entities: [],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Price dropped to $899 two days after I bought it at $999",
    entities: [
      { type: "money", value: "$899", normalized: "899 USD" },
      { type: "money", value: "$999", normalized: "999 USD" },
    ],
  },
  {
    lang: "en", now: NOW, tz: "UTC",
    text: "Call +1 415 555 0150 any time after 9am",
    entities: [{ type: "phone", value: "+1 415 555 0150", normalized: "+14155550150" }],
  },

  // Chinese
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "订单号 202312150001 还没发货",
    entities: [{ type: "order_id", value: "202312150001" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "我的手机号是13800138000，有事打我电话",
    entities: [{ type: "phone", value: "13800138000" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "联系方式：+86 138 0013 8000",
    entities: [{ type: "phone", value: "+86 138 0013 8000", normalized: "+8613800138000" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "这个耳机¥299，比官网贵了",
    entities: [{ type: "money", value: "¥299", normalized: "299 CNY" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "我付了299元，只收到一件",
    entities: [{ type: "money", value: "299元", normalized: "299 CNY" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "才299块还包邮，挺划算",
    entities: [{ type: "money", value: "299块", normalized: "299 CNY" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "明天能送到吗？",
    entities: [{ type: "date", value: "明天", normalized: "2026-03-11" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "下周三之前必须到，急用",
    entities: [{ type: "date", value: "下周三", normalized: "2026-03-18" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "3月15日之前能发货吗",
    entities: [{ type: "date", value: "3月15日", normalized: "2026-03-15" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "我买了2双42码的鞋",
    entities: [],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "下午3点以后有人在家",
    entities: [],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "退款1,288元什么时候到账？订单 #7731902",
    entities: [
      { type: "money", value: "1,288元", normalized: "1288 CNY" },
      { type: "order_id", value: "#7731902" },
    ],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "邮箱是 Zhang.Wei@163.com，发票发这里就行",
    entities: [{ type: "email", value: "Zhang.Wei@163.com", normalized: "zhang.wei@163.com" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "昨天就该到了，到现在还没消息",
    entities: [{ type: "date", value: "昨天", normalized: "2026-03-09" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "后天我不在家，能晚点送吗",
    entities: [{ type: "date", value: "后天", normalized: "2026-03-12" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "订单JD20260308123456的发票开错了",
    entities: [{ type: "order_id", value: "JD20260308123456" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "客服电话400-820-8820一直打不通",
    entities: [{ type: "phone", value: "400-820-8820" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "我是3月8号下的单，订单号是 E20260308-5512",
    entities: [
      { type: "date", value: "3月8号", normalized: "2026-03-08" },
      { type: "order_id", value: "E20260308-5512" },
    ],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "一共花了RMB 2,499，发票还没开",
    entities: [{ type: "money", value: "RMB 2,499", normalized: "2499 CNY" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "差价50块能退吗",
    entities: [{ type: "money", value: "50块", normalized: "50 CNY" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "app版本是5.2.0，还是闪退",
    entities: [],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "座机 021-6888 1234，工作日都在",
    entities: [{ type: "phone", value: "021-6888 1234" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "2026年2月28日买的，还在保修期内吗",
    entities: [{ type: "date", value: "2026年2月28日", normalized: "2026-02-28" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "这周五能到吗？",
    entities: [{ type: "date", value: "这周五", normalized: "2026-03-13" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "下周一再联系我吧，电话 139 1234 5678",
    entities: [
      { type: "date", value: "下周一", normalized: "2026-03-16" },
      { type: "phone", value: "139 1234 5678" },
    ],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "买了3件，每件都少了一个配件",
    entities: [],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "我被扣了两次钱，每次都是¥59",
    entities: [{ type: "money", value: "¥59", normalized: "59 CNY" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "订单 #A20931 和 #A20932 要一起退",
    entities: [
      { type: "order_id", value: "#A20931" },
      { type: "order_id", value: "#A20932" },
    ],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "上周五打过电话，说三天内回复",
    entities: [{ type: "date", value: "上周五", normalized: "2026-03-06" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "请发到我的邮箱 lihua_2020@qq.com 谢谢",
    entities: [{ type: "email", value: "lihua_2020@qq.com", normalized: "lihua_2020@qq.com" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "3月20号之前能到就行",
    entities: [{ type: "date", value: "3月20号", normalized: "2026-03-20" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "美元价格是$45，换算成人民币多少",
    entities: [{ type: "money", value: "$45", normalized: "45 USD" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "我的订单 202603091122 显示已签收，但我没收到",
    entities: [{ type: "order_id", value: "202603091122" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "预算1.5万元左右，有推荐的吗",
    entities: [{ type: "money", value: "1.5万元", normalized: "15000 CNY" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "今天能发货吗",
    entities: [{ type: "date", value: "今天", normalized: "2026-03-10" }],
  },
  {
    lang: "zh", now: NOW_LATE, tz: "Asia/Shanghai",
    text: "今天下午能送到吗？",
    entities: [{ type: "date", value: "今天", normalized: "2026-03-11" }],
  },
  {
    lang: "zh", now: NOW_LATE, tz: "Asia/Shanghai",
    text: "明天上午我在家",
    entities: [{ type: "date", value: "明天", normalized: "2026-03-12" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "退了¥88.8，还差¥11.2",
    entities: [
      { type: "money", value: "¥88.8", normalized: "88.8 CNY" },
      { type: "money", value: "¥11.2", normalized: "11.2 CNY" },
    ],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "老板，订单号：TB-8823-1029，收件人电话 +86 159 0000 1111",
    entities: [
      { type: "order_id", value: "TB-8823-1029" },
      { type: "phone", value: "+86 159 0000 1111", normalized: "+8615900001111" },
    ],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "iPhone 15 Pro 的壳有吗",
    entities: [],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "我想把3月12日的配送改到3月14日",
    entities: [
      { type: "date", value: "3月12日", normalized: "2026-03-12" },
      { type: "date", value: "3月14日", normalized: "2026-03-14" },
    ],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "发票抬头写公司，邮箱 Finance@ShenZhenTech.cn",
    entities: [{ type: "email", value: "Finance@ShenZhenTech.cn", normalized: "finance@shenzhentech.cn" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "运费10元也太贵了吧",
    entities: [{ type: "money", value: "10元", normalized: "10 CNY" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "order number是 #SH99812，麻烦查一下",
    entities: [{ type: "order_id", value: "#SH99812" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "昨天打了 0755-8612 3456 没人接",
    entities: [
      { type: "date", value: "昨天", normalized: "2026-03-09" },
      { type: "phone", value: "0755-8612 3456" },
    ],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "我在2025-12-20买的，可以保修吗",
    entities: [{ type: "date", value: "2025-12-20", normalized: "2025-12-20" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "一共3个包裹，到了2个",
    entities: [],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "price是$19.99还是¥199？",
    entities: [
      { type: "money", value: "$19.99", normalized: "19.99 USD" },
      { type: "money", value: "¥199", normalized: "199 CNY" },
    ],
  },
  {
    lang: "zh", now: NOW_LATE, tz: "Asia/Shanghai",
    text: "下周三下午3点送可以吗",
    entities: [{ type: "date", value: "下周三", normalized: "2026-03-18" }],
  },
  {
    lang: "zh", now: NOW, tz: "Asia/Shanghai",
    text: "谢谢，已经收到了",
    entities: [],
  },
];
