/**
 * Held-out test set for entity extraction, written before the extractor and never edited to move a number.
 * Each line marks its entities inline as ⟦type|value⟧ or ⟦type|value|normalized⟧; `parseAnnotated` turns
 * that into the plain text and the exact UTF-16 spans, so a span can't drift from the text it annotates.
 * Lines without marks are traps: card numbers, versions, hashtags, times, percentages, ticket numbers.
 * Dates are resolved against NOW: Wednesday 2024-03-13 in New York for English, and already Thursday
 * 2024-03-14 in Shanghai for Chinese (the same instant), so the time zone has to be honoured.
 */
import type { Entity, EntityType } from "../../../shared/nlp/entities";
import type { Lang } from "../../../shared/nlp/language";

export const NOW = "2024-03-13T20:00:00Z";
export const TZ: Record<Lang, string> = { en: "America/New_York", zh: "Asia/Shanghai" };
export const PRODUCTS = [
  "iPhone 15",
  "iPhone 15 Pro",
  "AirPods Pro",
  "Kindle Paperwhite",
  "Galaxy S24",
  "MacBook Air",
  "小米手环8",
  "华为 Mate 60",
  "扫地机器人",
];

export type AnnotatedLine = { lang: Lang; text: string; gold: Entity[] };

const MARK = /⟦(email|phone|order_id|money|date|product)\|([^|⟧]+)(?:\|([^⟧]+))?⟧/gu;

export function parseAnnotated(lang: Lang, annotated: string): AnnotatedLine {
  let text = "";
  let last = 0;
  const gold: Entity[] = [];
  for (const m of annotated.matchAll(MARK)) {
    text += annotated.slice(last, m.index);
    const value = m[2] ?? "";
    const entity: Entity = { type: m[1] as EntityType, value, start: text.length, end: text.length + value.length };
    if (m[3] !== undefined) entity.normalized = m[3];
    gold.push(entity);
    text += value;
    last = m.index + m[0].length;
  }
  text += annotated.slice(last);
  return { lang, text, gold };
}

const EN = [
  "My order ⟦order_id|#A55821|A55821⟧ hasn't shipped yet.",
  "Order ⟦order_id|ORD-2024-0042|ORD-2024-0042⟧ was charged ⟦money|$25|25 USD⟧ twice.",
  "Can you check order ⟦order_id|884213|884213⟧ for me?",
  "Please email me at ⟦email|John.Doe@Example.com|john.doe@example.com⟧ instead.",
  "Call me on ⟦phone|+1 (415) 555-2671|+14155552671⟧ after lunch.",
  "My number is ⟦phone|(415) 555-2671|4155552671⟧.",
  "You can reach me at ⟦phone|415-555-2671|4155552671⟧ or ⟦email|jane_smith+shop@mail.co.uk|jane_smith+shop@mail.co.uk⟧.",
  "The laptop cost ⟦money|$1,299.99|1299.99 USD⟧ and the screen is already cracked.",
  "The agent said ⟦money|40 dollars|40 USD⟧ but the invoice says ⟦money|USD 55|55 USD⟧.",
  "In Berlin I paid ⟦money|€12,50|12.5 EUR⟧ for shipping.",
  "The London store charged ⟦money|£5|5 GBP⟧ for the bag.",
  "I ordered on ⟦date|2024-03-01|2024-03-01⟧ and it still isn't here.",
  "Delivery was promised for ⟦date|March 15|2024-03-15⟧.",
  "The warranty started on ⟦date|15 March 2023|2023-03-15⟧.",
  "It should arrive ⟦date|next Monday|2024-03-18⟧.",
  "I returned it ⟦date|last Friday|2024-03-08⟧.",
  "Will it be here ⟦date|in 3 days|2024-03-16⟧?",
  "I contacted you ⟦date|3 days ago|2024-03-10⟧ and got no reply.",
  "Can someone come ⟦date|this weekend|2024-03-16⟧?",
  "I bought the ⟦product|iPhone 15 Pro|iPhone 15 Pro⟧ and the ⟦product|airpods pro|AirPods Pro⟧ together.",
  "My ⟦product|Kindle Paperwhite|Kindle Paperwhite⟧ won't charge.",
  "My card number ends in 4242 and the full one is 4111 1111 1111 1111, please don't store it.",
  "#blessed, the package came ⟦date|today|2024-03-13⟧!",
  "Version 2.4.1 of the app crashes on iOS 17.",
  "Tracking number ⟦order_id|1Z999AA10123456784|1Z999AA10123456784⟧ shows no movement.",
  "The refund of ⟦money|$49.90|49.9 USD⟧ went to ⟦email|billing@shop.example|billing@shop.example⟧.",
  "I sent ⟦money|HK$88|88 HKD⟧ by mistake.",
  "Order no. ⟦order_id|55120934|55120934⟧ arrived ⟦date|yesterday|2024-03-12⟧ without the charger.",
  "Your courier called me from ⟦phone|+44 20 7946 0958|+442079460958⟧.",
  "Our office line is ⟦phone|0044 20 7946 0958|+442079460958⟧.",
  "Order number: ⟦order_id|SO-77812|SO-77812⟧, total ⟦money|$310|310 USD⟧.",
  "I'll be home from 3 to 5 pm on ⟦date|Friday|2024-03-15⟧.",
  "Meeting at 10:30, room 204.",
  "My ⟦product|Galaxy S24|Galaxy S24⟧ arrived with a scratch, order ⟦order_id|#88421|88421⟧.",
  "I need the invoice for the ⟦money|¥12,000|12000 JPY⟧ I paid in Tokyo.",
  "Please refund ⟦money|25 bucks|25 USD⟧ to my card.",
  "The item was ⟦money|$15|15 USD⟧ cheaper ⟦date|last week|2024-03-04⟧.",
  "I placed order ⟦order_id|#A77-31X9|A77-31X9⟧ on ⟦date|03/12/2024|2024-03-12⟧.",
  "Price match: they sell it for ⟦money|$89|89 USD⟧ and you charge ⟦money|$99.99|99.99 USD⟧.",
  "Ticket 48213 was closed without an answer.",
  "I'm at 221B Baker Street, flat 3.",
  "Text me at ⟦phone|+86 138 0013 8000|+8613800138000⟧ if the courier is late.",
  "The total was ⟦money|1,250 USD|1250 USD⟧ including tax.",
  "Delivery date: ⟦date|2024/04/02|2024-04-02⟧.",
  "We spoke on ⟦date|Jan 5|2024-01-05⟧ about the replacement.",
  "I ordered it ⟦date|2 weeks ago|2024-02-28⟧ and it's still processing.",
  "Can I pick it up ⟦date|the day after tomorrow|2024-03-15⟧?",
  "Order ⟦order_id|112-4455667-8899001|112-4455667-8899001⟧ from the marketplace was never delivered.",
  "My email is ⟦email|li.wei@company.cn|li.wei@company.cn⟧ and my phone is ⟦phone|13800138000|13800138000⟧.",
  "Gift card code ABCD-EFGH-IJKL doesn't work.",
  "I paid ⟦money|$5.99|5.99 USD⟧ for express and it took 6 days.",
  "Is the ⟦product|MacBook Air|MacBook Air⟧ available in silver?",
  "The ⟦product|macbook air|MacBook Air⟧ charger I got on ⟦date|December 20|2023-12-20⟧ stopped working.",
  "Please call ⟦phone|020-12345678|02012345678⟧, that's our Guangzhou office.",
  "I got charged ⟦money|RMB 500|500 CNY⟧ on my Chinese card.",
  "Refund ⟦money|€1.299,00|1299 EUR⟧ please, the TV is broken.",
  "Your promo says 20% off but I only got 10%.",
  "I have 2 orders: ⟦order_id|#A55821|A55821⟧ and ⟦order_id|#A55822|A55822⟧.",
  "Reference ⟦order_id|ORD-2023-1187|ORD-2023-1187⟧, paid ⟦money|$42|42 USD⟧ on ⟦date|March 2|2024-03-02⟧.",
  "The courier's number ⟦phone|(415) 555 2671|4155552671⟧ goes to voicemail.",
  "My package is 3.5 kg and costs too much to ship.",
  "Update: order ⟦order_id|884213|884213⟧ arrived ⟦date|today|2024-03-13⟧, thanks.",
  "The ⟦product|iPhone 15|iPhone 15⟧ I ordered ⟦date|yesterday|2024-03-12⟧ is the wrong color.",
  "I want to return it within 30 days.",
  "Please deliver ⟦date|tomorrow|2024-03-14⟧ before noon, my number is ⟦phone|+1 415 555 2671|+14155552671⟧.",
  "The charge of ⟦money|$1.2k|1200 USD⟧ on ⟦date|2024-02-29|2024-02-29⟧ is not mine.",
  "I'll be away ⟦date|next week|2024-03-18⟧, deliver ⟦date|in two weeks|2024-03-27⟧ instead.",
  "It broke ⟦date|a week ago|2024-03-06⟧, order ⟦order_id|A55821X|A55821X⟧.",
];

const ZH = [
  "我的订单号 ⟦order_id|202312150001|202312150001⟧ 还没发货",
  "订单 ⟦order_id|#88421|88421⟧ 什么时候到？",
  "订单号：⟦order_id|JD20240312889|JD20240312889⟧，麻烦查一下",
  "我的手机号是⟦phone|13800138000|13800138000⟧，有问题打给我",
  "联系电话 ⟦phone|+86 138 0013 8000|+8613800138000⟧",
  "座机 ⟦phone|020-12345678|02012345678⟧，工作日都在",
  "这件衣服⟦money|299元|299 CNY⟧，怎么扣了我⟦money|598元|598 CNY⟧？",
  "退款⟦money|¥299|299 CNY⟧还没到账",
  "才⟦money|299块|299 CNY⟧，质量还这么好",
  "花了⟦money|299块钱|299 CNY⟧买的",
  "一共⟦money|RMB 500|500 CNY⟧，包邮吗",
  "我转了⟦money|500 人民币|500 CNY⟧过去",
  "这台电视⟦money|3.5万元|35000 CNY⟧，结果送来是坏的",
  "才⟦money|两百块|200 CNY⟧，能要求多高",
  "⟦date|明天|2024-03-15⟧能送到吗？",
  "⟦date|后天|2024-03-16⟧家里没人",
  "我⟦date|昨天|2024-03-13⟧下的单",
  "⟦date|前天|2024-03-12⟧就说发货了",
  "能不能⟦date|下周三|2024-03-20⟧再送",
  "⟦date|上周五|2024-03-08⟧买的耳机已经坏了",
  "⟦date|这周五|2024-03-15⟧之前能到吗",
  "⟦date|本周五|2024-03-15⟧有活动吗",
  "说好⟦date|3天后|2024-03-17⟧发货",
  "⟦date|三天前|2024-03-11⟧就申请退款了",
  "⟦date|3月15日|2024-03-15⟧之前必须到",
  "我是⟦date|2024年3月1日|2024-03-01⟧下的单",
  "发票日期写⟦date|2024-03-10|2024-03-10⟧就行",
  "邮箱是⟦email|zhangsan@qq.com|zhangsan@qq.com⟧，发票发这里",
  "请发到⟦email|Wang.Li@163.com|wang.li@163.com⟧",
  "我买的⟦product|小米手环8|小米手环8⟧屏幕不亮了",
  "⟦product|华为 Mate 60|华为 Mate 60⟧什么时候有货",
  "⟦product|扫地机器人|扫地机器人⟧一直报错",
  "我的⟦product|iphone 15 pro|iPhone 15 Pro⟧电池不耐用",
  "我的银行卡号是6222 0212 3456 7890 123，别泄露",
  "单号⟦order_id|SF1234567890123|SF1234567890123⟧显示已签收，但我没收到",
  "⟦date|12月25日|2023-12-25⟧买的，现在还能保修吗",
  "⟦date|周末|2024-03-16⟧能送吗",
  "⟦date|下周|2024-03-18⟧再说吧",
  "⟦date|大后天|2024-03-17⟧我出差",
  "⟦date|两周后|2024-03-28⟧才有货？",
  "⟦date|上个月|2024-02-01⟧买的，现在降价了⟦money|100块|100 CNY⟧",
  "⟦date|15号|2024-03-15⟧之前发货行吗",
  "订单⟦order_id|#A55821|A55821⟧的发票开一下",
  "客服电话⟦phone|400-820-8820|4008208820⟧打不通",
  "帮我把地址改成3号楼502室",
  "我的会员号是 88888888",
  "价格是⟦money|$25|25 USD⟧还是⟦money|25元|25 CNY⟧？",
  "优惠了⟦money|50元|50 CNY⟧，实付⟦money|249元|249 CNY⟧",
  "发货时间写的⟦date|2024/3/20|2024-03-20⟧",
  "我⟦date|今天|2024-03-14⟧一直在家",
  "我的order ⟦order_id|884213|884213⟧到底到哪了",
  "用⟦email|kefu@shop.cn|kefu@shop.cn⟧联系过你们了",
  "有事打⟦phone|139 1234 5678|13912345678⟧",
  "⟦date|2024年3月15号|2024-03-15⟧能到吗",
  "一共⟦money|1,299元|1299 CNY⟧，能分期吗",
  "这个⟦money|€20|20 EUR⟧的代购费太贵了",
  "⟦money|100美元|100 USD⟧换成人民币是多少",
  "快递单号⟦order_id|YT7412589630|YT7412589630⟧查不到",
  "订单编号 ⟦order_id|7788990011|7788990011⟧ 需要改地址",
  "⟦date|上周五|2024-03-08⟧打过⟦phone|+86-10-12345678|+861012345678⟧这个电话",
  "第二件半价，差价退我",
  "商品⟦money|¥1,999|1999 CNY⟧，赠品没送",
  "⟦date|3天后|2024-03-17⟧再联系你们，电话⟦phone|13912345678|13912345678⟧",
  "我⟦date|星期一|2024-03-18⟧有空",
  "⟦money|三千五百元|3500 CNY⟧的手机用了三天就卡",
  "屏幕尺寸是6.7英寸，内存256G",
  "⟦date|今天|2024-03-14⟧下午三点前能到吗，我的订单是⟦order_id|#B20240314|B20240314⟧",
];

export const ENTITY_TEST_SET: AnnotatedLine[] = [
  ...EN.map((line) => parseAnnotated("en", line)),
  ...ZH.map((line) => parseAnnotated("zh", line)),
];
