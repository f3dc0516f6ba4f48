/** Held-out lines for the travel tenant of travel-intents.ts; never edited to move a number. */
import type { TestLine } from "./intents.test-set";

const lines = (intent: string, en: string[], zh: string[]): TestLine[] => [
  ...en.map((text) => ({ text, intent, lang: "en" as const })),
  ...zh.map((text) => ({ text, intent, lang: "zh" as const })),
];

export const TRAVEL_TEST_SET: TestLine[] = [
  ...lines(
    "flight.book",
    ["Find me a flight to Lisbon on Monday", "I'd like to book a ticket to Seoul", "Can I reserve a flight for three adults?", "need a flight to dubai asap", "What's the cheapest way to fly to Oslo?", "book me a seat to chicago plz"],
    ["帮我订一张去首尔的机票", "周一去里斯本有航班吗", "三个大人订机票", "要一张去迪拜的飞机票", "去奥斯陆最便宜的机票", "我想订周三回北京的航班"],
  ),
  ...lines(
    "booking.cancel",
    ["Cancel my reservation for Saturday", "I can't make the trip, cancel it please", "How do I cancel the hotel I booked?", "pls cancel my booking", "Drop the flight I reserved for June", "Can the tour booking be cancelled?"],
    ["周六的预订帮我取消", "行程去不了，帮我取消", "订好的酒店怎么取消", "把我六月的机票退掉", "旅游团的预订能取消吗", "我的预定不要了"],
  ),
  ...lines(
    "baggage.issue",
    ["My suitcase is missing", "The wheels on my luggage were broken by the airline", "What's the weight limit for checked bags?", "lost my bag at the airport", "Can I take a backpack as a carry-on?", "My bag hasn't shown up at baggage claim"],
    ["我的箱子不见了", "行李轮子被航空公司摔坏了", "托运行李限重多少", "在机场行李丢了", "背包可以当随身行李吗", "行李提取处一直没有我的行李"],
  ),
  ...lines(
    "hotel.checkin",
    ["When is check-in time?", "Could I get the room a bit earlier?", "Is late check-out possible?", "what time is checkout", "Can I leave my luggage at reception after checkout?", "Can I check in at midnight?"],
    ["几点可以办入住", "能早一点进房间吗", "可以延迟退房吗", "退房时间是几点", "退房后行李能放前台吗", "半夜能办入住吗"],
  ),
  ...lines(
    "visa.question",
    ["Does a UK citizen need a visa for China?", "How long is the visa processing time?", "What paperwork does the visa require?", "is visa on arrival ok for bali", "My visa application got denied", "Can you help me apply for a visa?"],
    ["英国人去中国要签证吗", "签证审核要多长时间", "签证需要哪些材料", "巴厘岛能落地签吗", "我的签证申请被拒了", "能帮我申请签证吗"],
  ),
];
