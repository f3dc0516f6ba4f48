/**
 * A second held-out set for the starter intents, written after the classifier's lexicon was, so it measures
 * how the lexicon generalises rather than whether it covers lines its author had already read. Same rules as
 * intents.test-set.ts: never edited to move a number.
 */
import type { Lang } from "../../../shared/nlp/language";
import type { Hard, TestLine } from "./intents.test-set";

const lines = (intent: string, lang: Lang, plain: string[], hard: Partial<Record<Hard, string[]>>): TestLine[] => [
  ...plain.map((text) => ({ text, intent, lang })),
  ...Object.entries(hard).flatMap(([kind, texts]) => texts.map((text) => ({ text, intent, lang, hard: kind as Hard }))),
];

export const INTENT_FRESH_SET: TestLine[] = [
  ...lines(
    "order_status",
    "en",
    ["Any news on order 55102?", "Why hasn't my package been delivered?", "Can I see where my shipment is?", "Still no sign of my order"],
    {
      no_keyword: ["The headphones I paid for on Friday are nowhere to be seen", "How much longer until the box reaches me?"],
      typo: ["wheres my pacakge"],
      slang: ["bruh my stuff still aint here"],
    },
  ),
  ...lines(
    "order_status",
    "zh",
    ["我的包裹怎么还在路上", "订单一直显示待发货", "请问快递到哪了", "买的东西几天能到"],
    {
      no_keyword: ["上礼拜买的耳机到现在都没见到影子", "那个箱子还要多久才能送到我手上"],
      typo: ["我的快第到哪了"],
      mixed: ["我的parcel到哪了，单号55102"],
    },
  ),
  ...lines(
    "refund",
    "en",
    ["I still haven't got my refund", "Please process a refund for order #R4410", "Can you refund me?", "How do I claim a refund?"],
    {
      no_keyword: ["I want the $30 I paid returned to my card", "Return my cash for the broken kettle, please"],
      typo: ["wheres my refnd"],
      slang: ["just want my $$ back tbh"],
    },
  ),
  ...lines(
    "refund",
    "zh",
    ["退款到哪一步了", "我申请的退款被拒绝了吗", "能给我退款吗", "退款多久能到账"],
    {
      no_keyword: ["我付的三十块能不能还给我", "东西坏了，钱还能拿回来吗"],
      typo: ["我的腿款还没到"],
      mixed: ["我想要refund，订单R4410"],
    },
  ),
  ...lines(
    "return_exchange",
    "en",
    ["Can I return these boots?", "I want to exchange the blue jumper for a red one", "What's the process for returns?", "Can I send the mug back?"],
    {
      no_keyword: ["These jeans are a size too big, can you send me the smaller ones?", "I'd prefer the silver model over the gold one I got"],
      typo: ["can i retrun my boots"],
      slang: ["gotta send these back, way too big lol"],
    },
  ),
  ...lines(
    "return_exchange",
    "zh",
    ["这双靴子可以退吗", "我想把蓝色换成红色", "退货怎么操作", "杯子能寄回去吗"],
    {
      no_keyword: ["牛仔裤大了一号，能给我发小一号的吗", "收到的是金色的，我想要银色的"],
      typo: ["我要推货"],
      mixed: ["这条jeans我想exchange一下"],
    },
  ),
  ...lines(
    "cancel_order",
    "en",
    ["Cancel order 77120 please", "I need to cancel the order I just made", "Can this order be cancelled?", "I want to cancel my purchase"],
    {
      no_keyword: ["Scratch that order, I don't need the chairs after all", "Please don't send the rug I bought this morning"],
      typo: ["cancle my ordr pls"],
      slang: ["changed my mind, kill the order"],
    },
  ),
  ...lines(
    "cancel_order",
    "zh",
    ["我要取消订单77120", "订单能取消吗", "刚才的订单帮我取消一下", "怎么撤销订单"],
    {
      no_keyword: ["椅子不要了，那单别寄了", "早上买的地毯别发给我了"],
      typo: ["帮我取销订单"],
      mixed: ["帮我cancel掉这个order"],
    },
  ),
  ...lines(
    "shipping_address",
    "en",
    ["I typed my address wrong", "Please change the shipping address on my order", "Can I update where it's delivered?", "My postcode is incorrect"],
    {
      no_keyword: ["Could the courier drop it at my sister's flat instead of mine?", "I'm now living at 9 Elm Road, please send it there"],
      typo: ["i need to updte my addres"],
      slang: ["ship it to my work pls not home"],
    },
  ),
  ...lines(
    "shipping_address",
    "zh",
    ["收货地址写错了", "请帮我修改订单的地址", "能改一下送货地址吗", "邮编写错了要改"],
    {
      no_keyword: ["能让快递送到我姐姐家吗，不送我家", "我现在住在人民路9号，请寄到那里"],
      typo: ["我要该地址"],
      mixed: ["我的address写错了，要改"],
    },
  ),
  ...lines(
    "payment_issue",
    "en",
    ["My card payment was declined", "Checkout keeps failing", "I was double charged", "The transaction won't go through"],
    {
      no_keyword: ["The site took $40 from me but my basket is still empty", "Every time I press buy it throws an error"],
      typo: ["paymant faild"],
      slang: ["cant pay, card keeps getting rejected ugh"],
    },
  ),
  ...lines(
    "payment_issue",
    "zh",
    ["付款一直失败", "为什么我的卡支付被拒了", "被扣了两次款", "交易总是不成功"],
    {
      no_keyword: ["网站扣了我四十块，购物车里东西还在", "每次点购买都报错"],
      typo: ["付宽失败"],
      mixed: ["我的payment一直failed"],
    },
  ),
  ...lines(
    "account_login",
    "en",
    ["I can't sign in", "Reset my password please", "My login code never arrives", "I'm locked out"],
    {
      no_keyword: ["The app won't let me into my profile anymore", "I forgot the email and secret phrase I registered with"],
      typo: ["cant loggin"],
      slang: ["my acc wont let me in smh"],
    },
  ),
  ...lines(
    "account_login",
    "zh",
    ["我登不上账号了", "请帮我重置密码", "登录验证码一直收不到", "账号被锁住了"],
    {
      no_keyword: ["app不让我进我的个人主页了", "注册用的邮箱和密码都忘了"],
      typo: ["我登路不上去"],
      mixed: ["我的账号login不了"],
    },
  ),
  ...lines(
    "card_lost",
    "en",
    ["My bank card is lost", "Please freeze my card, someone stole it", "I need to report my card stolen", "Can you block my Mastercard?"],
    {
      no_keyword: ["I had my bag taken on the bus and my Visa was in it", "Somebody nicked my wallet, stop anyone using it"],
      typo: ["i lost my crdit card"],
      slang: ["my card's gone, freeze it asap pls"],
    },
  ),
  ...lines(
    "card_lost",
    "zh",
    ["我的银行卡不见了", "卡被偷了，请冻结", "我要挂失信用卡", "能帮我锁一下卡吗"],
    {
      no_keyword: ["在公交上包被人拿走了，里面的卡怎么办", "钱包被扒了，别让人用我的卡"],
      typo: ["我的卡丢了，要挂师"],
      mixed: ["我的credit card丢了，快freeze"],
    },
  ),
  ...lines(
    "balance_inquiry",
    "en",
    ["What's my current balance?", "Check my checking account balance", "How much money is in my account?", "Show my savings balance"],
    {
      no_keyword: ["How much have I got to spend until payday?", "What's sitting in my account at the moment?"],
      typo: ["waht is my balence"],
      slang: ["how much cash i got left rn"],
    },
  ),
  ...lines(
    "balance_inquiry",
    "zh",
    ["我的余额是多少", "查一下储蓄卡余额", "账户里有多少钱", "帮我看看信用卡额度"],
    {
      no_keyword: ["发工资前我还能花多少", "我的账户里现在有多少"],
      typo: ["我想查一下鱼额"],
      mixed: ["查一下我的account里还有多少钱"],
    },
  ),
  ...lines(
    "talk_to_human",
    "en",
    ["Put me through to a human", "I'd like to speak to an agent", "Can I talk to customer service?", "Get me a real person"],
    {
      no_keyword: ["You keep giving me canned answers, I need somebody who works there", "Could a member of your team ring me?"],
      typo: ["speek to a persen"],
      slang: ["gimme a real human pls"],
    },
  ),
  ...lines(
    "talk_to_human",
    "zh",
    ["我要人工客服", "帮我转接真人", "能跟客服聊一下吗", "我想找人工"],
    {
      no_keyword: ["别再自动回复了，叫你们的员工来", "能让你们团队的人给我打个电话吗"],
      typo: ["找人公客服"],
      mixed: ["我要human客服"],
    },
  ),
  ...lines(
    "complaint",
    "en",
    ["I'd like to lodge a complaint", "Your service is really bad", "I'm unhappy with how this was handled", "The staff at your store were rude"],
    {
      no_keyword: ["I've never been treated this badly by any shop", "Three weeks of excuses and nobody takes responsibility"],
      typo: ["this is the wrost servce"],
      slang: ["ur support is trash tbh"],
    },
  ),
  ...lines(
    "complaint",
    "zh",
    ["我要投诉你们的客服", "你们服务太糟糕了", "对处理结果很不满意", "门店员工态度很差"],
    {
      no_keyword: ["从来没被哪家店这么对待过", "拖了三个星期，没有一个人负责"],
      typo: ["我要偷诉"],
      mixed: ["你们的service太差了"],
    },
  ),
  ...lines(
    "greeting",
    "en",
    ["Hi!", "Hello there, good morning", "Hey, hello", "Good evening, anyone around?"],
    {
      no_keyword: ["Hey folks", "G'day"],
      typo: ["helllo"],
      slang: ["heyyy"],
    },
  ),
  ...lines(
    "greeting",
    "zh",
    ["你好啊", "您好，在吗", "嗨，晚上好", "早上好呀"],
    {
      no_keyword: ["亲在吗", "有人没"],
      typo: ["您号"],
      mixed: ["hi，你好"],
    },
  ),
];
