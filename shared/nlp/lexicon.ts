/**
 * General vocabulary knowledge the classifier cannot learn from twenty lines per intent: which words of
 * customer-support English and Chinese mean roughly the same thing. Each group becomes one shared feature, so
 * a tenant who trained on "refund" also recognises "reimbursed" and "退钱", and an English word inside a Chinese
 * sentence lands on the same feature as its Chinese counterpart. Groups are concepts, never intents: the model
 * still learns from the tenant's lines which concepts matter for which intent.
 */

/** concept → [English words and phrases, comma-separated; Chinese words, space-separated]. */
const GROUPS: Record<string, readonly [string, string]> = {
  goods: ["item, items, stuff, thing, things, goods, product, merchandise, purchase", "东西 商品 货 货物 宝贝 产品 物品"],
  order: ["order, pre-order, preorder, purchase", "订单 单子 这单 那单 下的单 预售订单"],
  parcel: ["package, parcel, shipment, box, pkg", "包裹 快递 件 货"],
  buy: ["buy, bought, purchase, purchased, ordered, shop, shopped, placed an order", "买 购买 拍 下单 入手 拍下"],
  arrive: [
    "arrive, arrived, arrival, come, came, get here, got here, show up, showed up, shown up, turn up, reach, land",
    "到 送到 到货 送达 寄到 到达 到手 来",
  ],
  receive: ["receive, received, get, got, gotten, collect", "收到 拿到 收 签收 收货"],
  send: ["ship, shipped, send, sent, dispatch, dispatched, mail, mailed, post, posted", "发货 寄 发出 寄出 发 寄出去 发出来"],
  track: ["track, tracking, trace, tracking number", "物流 追踪 跟踪 单号 快递单号 物流信息"],
  status: ["status, progress, update, updates, news, info, information", "状态 进度 进展 更新 动静 消息 情况"],
  where: ["where, whereabouts", "哪 哪里 哪儿 在哪 哪了"],
  wait: ["wait, waiting, still waiting, expect, expecting", "等 等了 等待 等着"],
  not_yet: ["yet, still, not yet, nothing, never came, never arrived", "还没 还未 尚未 迟迟 还不"],
  delay: ["delay, delayed, late, slow, stuck, not moving, hasn't moved, no movement", "延迟 慢 晚 不动 没动 卡住 延误"],
  duration: ["day, days, week, weeks, ages, forever, long time, month, hours", "天 几天 周 星期 礼拜 好久 很久 半天 个月"],
  courier: ["courier, carrier, driver, delivery man, postman, ups, fedex, dhl, usps", "快递员 快递小哥 司机 顺丰 京东 送货员"],
  delivery: ["delivery, deliver, delivered, shipping, logistics", "配送 送货 派送 物流 运送"],
  when: ["when, how long, how soon, eta, estimated, expected, estimate, what time", "什么时候 啥时候 多久 多长时间 预计 何时 几时"],
  hurry: ["hurry, rush, speed up, expedite, chase, urgent, asap, quickly", "催 催一下 加急 快点 尽快 赶紧 着急"],
  refund: [
    "refund, refunded, refunds, reimburse, reimbursed, reimbursement, money back, paid back, pay back, repay, credit back, put the money back, give back my money",
    "退款 退钱 返还 退还 还钱 还我 拿回 钱退 退给",
  ],
  money: ["money, cash, funds, dollars, bucks, amount, sum", "钱 现金 资金 金额 块钱 款 款项"],
  give_back: ["back, give back, get back, put back", "还给 还回 回来 返回"],
  return_goods: [
    "return, returns, returned, send back, ship back, sent back, bring back, take back, mail back",
    "退货 退回 寄回 退 寄回去 送回 退回去 退换",
  ],
  exchange: [
    "exchange, swap, switch, trade, replace, replacement, instead, another one, different one",
    "换 换货 更换 调换 换成 换个 换一个 退换",
  ],
  size: [
    "size, fit, fits, small, big, large, larger, bigger, smaller, tight, loose, medium, xl, xs",
    "尺码 码 号 大号 小号 合身 不合适 太小 太大 紧 松 大一码 大一号 尺寸",
  ],
  style: ["color, colour, style, model, version, black, blue, red, white, pattern", "颜色 款式 色 黑色 蓝色 红色 白色 款 型号 样式"],
  defect: [
    "broken, defective, faulty, damaged, broke, cracked, flaw, flawed, doesn't work, stopped working",
    "坏 坏了 瑕疵 质量问题 破损 有问题 损坏 故障",
  ],
  dislike: ["don't like, dislike, not what i expected, not as described, hate it", "不喜欢 不满意 不合心意 和描述不符"],
  cancel: [
    "cancel, cancelled, canceled, cancellation, call off, scrap, void, revoke, withdraw, abort, undo",
    "取消 撤销 撤回 作废 退订 撤单 取消掉",
  ],
  dont_want: [
    "don't want, no longer want, no longer need, don't need, changed my mind, never mind, not anymore",
    "不要了 不想要 不需要 不买了 改主意 后悔 不想买",
  ],
  mistake: ["mistake, by mistake, accidentally, accident, wrongly, misclicked", "下错 买错 不小心 误操作 点错 手滑"],
  stop: ["stop, halt, hold, don't send, don't ship, hold off", "停 停止 别发 拦截 暂停 别寄"],
  address: ["address, destination, location, shipping details, delivery details", "地址 收货地址 住址 收件地址 收货信息 收件信息 地点"],
  place: [
    "place, home, house, apartment, flat, office, building, street, city, parents",
    "家 住处 公司 楼 栋 小区 地方 老家 城市 单位 新家",
  ],
  postal: ["postcode, zip, zip code, zipcode, postal code, street number, house number, apartment number", "邮编 门牌号 门牌 楼号 房间号 邮政编码"],
  relocate: ["move, moved, moving, relocate, relocated", "搬家 搬到 搬了 搬走"],
  modify: ["change, update, edit, modify, fix, correct, amend, alter, redirect", "改 修改 更改 更新 变更 改成 改一下 改派 换绑"],
  wrong: ["wrong, incorrect, mistake, typo, invalid, not right, error", "错 错了 填错 写错 不对 有误 错误"],
  pay: ["pay, paid, payment, paying, checkout, check out, transaction", "支付 付款 付钱 结账 交易 付 买单 付了"],
  charge: [
    "charge, charged, billed, bill, deducted, taken, debited, withdrawn, took the money",
    "扣款 扣钱 扣 收费 划走 被收 扣了 收了 划扣",
  ],
  twice: ["twice, double, duplicate, two times, again", "两次 重复 两笔 多扣 又扣"],
  fail: [
    "fail, failed, failing, fails, declined, rejected, refused, denied, won't go through, didn't go through, not going through, error, not working, won't accept",
    "失败 不成功 被拒 拒绝 出错 报错 不行 不支持 不了 没成功",
  ],
  card: ["card, visa, mastercard, amex, debit card, credit card, bank card, cards", "卡 银行卡 信用卡 借记卡 储蓄卡 visa"],
  pay_method: ["paypal, apple pay, google pay, alipay, wechat pay, venmo", "支付宝 微信支付 微信 云闪付 花呗"],
  bank: ["bank, banking", "银行 网银"],
  account: ["account, acc, acct, profile", "账号 账户 帐号 帐户 户口 用户"],
  login: [
    "log in, login, log on, logon, sign in, signin, log into, sign into, get in, let me in, logged out, log out, kick out, kicked out, kicking me out",
    "登录 登陆 登入 进不去 登不上 踢出 退出登录 登不进",
  ],
  access: ["access, enter, get into, open", "进入 进去 打开 进"],
  password: ["password, passcode, pin, credentials, secret code, pwd, passwd", "密码 口令 登录密码"],
  verify: [
    "verification, verify, code, otp, 2fa, two-factor, two factor, two-step, authentication, authenticator",
    "验证码 验证 动态码 校验 短信验证 验证短信",
  ],
  lock: [
    "locked, lock, blocked, block, freeze, frozen, suspend, suspended, disable, disabled, deactivate, deactivated",
    "锁 锁定 冻结 封 封号 停用 止付 注销 锁卡 被锁",
  ],
  forget: ["forgot, forget, forgotten, remember, don't remember", "忘 忘记 忘了 想不起来 记不得"],
  recover: ["reset, recover, recovery, retrieve, restore, unlock", "重置 找回 恢复 解锁 重设"],
  lost: [
    "lost, lose, missing, misplaced, can't find, cannot find, gone, dropped, left behind, swallowed",
    "丢 丢了 丢失 找不到 不见 掉了 落 遗失 没了 木有 吞",
  ],
  steal: [
    "stolen, stole, steal, theft, thief, pickpocket, pickpocketed, snatched, robbed, mugged, fraud",
    "偷 被偷 盗 被盗 盗刷 抢 被抢 扒 扒手",
  ],
  wallet: ["wallet, purse, handbag, bag", "钱包 包 皮夹 手提包"],
  reissue: ["replacement card, new card, reissue, replace my card", "补办 补卡 新卡 补一张 换卡"],
  balance: ["balance, balances", "余额 结余"],
  remaining: ["left, remaining, remain, rest, available", "剩 还剩 剩下 剩余 可用 还有"],
  how_much: ["how much, how many, total", "多少 多少钱 几多 一共"],
  credit_limit: ["credit limit, limit, available credit, spending limit", "额度 可用额度 信用额度 限额"],
  savings: ["savings, saving, deposit, deposited, checking, current account", "存款 储蓄 存钱 定期 活期 存"],
  salary: ["salary, paycheck, pay check, wage, wages, income, paid in", "工资 薪水 薪资 收入 到账"],
  transfer: ["transfer, transferred, wire, sent money", "转账 汇款 转钱 转了"],
  enough: ["enough, afford, cover, spend", "够 够不够 花 买得起"],
  human: [
    "human, person, real person, someone, somebody, anybody, anyone, live person, real human, people, real",
    "人工 真人 活人 人 有人 真人客服",
  ],
  agent: [
    "agent, representative, rep, operator, staff, staff member, employee, team, colleague, customer service, customer support, support",
    "客服 工作人员 员工 同事 售后 客服人员 服务员",
  ],
  manager: ["manager, supervisor, boss, someone in charge", "经理 主管 领导 负责人"],
  bot: ["bot, robot, machine, automated, automatic, chatbot, auto reply, ai", "机器人 机器 自动回复 智能客服"],
  talk: [
    "talk, speak, chat, contact, reach, call, phone call, call back, connect, put through, transfer me, escalate",
    "说话 聊 聊聊 沟通 联系 打电话 转接 接 讲 对话 转 回电",
  ],
  complain: ["complain, complaint, complaints, grievance, report, bad review", "投诉 举报 差评 控诉"],
  feedback: ["feedback, review, opinion, suggestion", "反馈 评价 意见 建议"],
  bad: [
    "bad, terrible, awful, horrible, worst, poor, useless, rubbish, garbage, trash, ridiculous, unacceptable, disgrace, pathetic, scam, sucks, crap, lousy, shocking, appalling",
    "差 太差 垃圾 烂 坑 离谱 过分 不像话 破 糟糕 无语 最差 骗子 坑人 差劲",
  ],
  angry: [
    "angry, furious, mad, annoyed, upset, frustrated, fed up, disappointed, unhappy, not happy, sick of, tired of, pissed, ugh",
    "生气 愤怒 气死 失望 不满 受够 烦 恼火 火大 郁闷 气人",
  ],
  rude: ["rude, impolite, unprofessional, disrespectful, attitude, arrogant", "态度 没礼貌 不礼貌 恶劣 不专业 态度差"],
  service: ["service, support, experience, customer service", "服务 售后 体验 服务态度"],
  never_again: ["never again, never shop, never buy, won't come back, never come back", "再也不 再也不会 不会再 再也不来"],
  ignored: ["nobody answers, no one answers, no reply, no response, ignored, nobody cares, no one cares", "没人理 没人管 没人回 不理 没回复 不回"],
  greet: [
    "hi, hello, hey, hiya, howdy, greetings, yo, hola, sup, good morning, morning, good afternoon, good evening, good day, evening, afternoon",
    "你好 您好 嗨 哈喽 哈啰 早上好 早安 下午好 晚上好 早 喂 嘿 你们好 亲",
  ],
  presence: [
    "anyone there, anybody there, are you there, someone there, you there, anybody available, anyone around",
    "在吗 在不在 有人吗 有人在吗 在么 在嘛",
  ],
  opener: ["excuse me, sorry to bother, i have a question, quick question", "打扰 打扰一下 不好意思 请问 咨询 咨询一下"],
  thanks: ["thanks, thank you, thx, ty, appreciate, cheers, much appreciated", "谢谢 多谢 感谢 谢了 辛苦了"],
  bye: ["bye, goodbye, see you, see ya, cya, talk later, good night", "再见 拜拜 回见 下次见 晚安"],
  help: ["help, assist, assistance", "帮 帮助 帮忙 协助 帮我"],
  question: ["question, ask, inquire, enquiry, inquiry, query, wondering", "问题 问 问一下 询问"],
  check: ["check, look, see, view, show, find out, know, tell", "查 查询 看 看看 查一下 显示 告诉 知道 查看"],
  now: ["now, right now, currently, current, today, immediately, at the moment", "现在 马上 立即 立刻 目前 当前 今天"],
  fee: ["fee, fees, shipping fee, postage, cost, price, expensive, cheaper, charge for shipping", "运费 费用 手续费 价格 价钱 邮费 费"],
  online: ["app, website, site, page, online, web, browser", "网站 页面 网页 官网 小程序 app 网上"],
  message: ["email, e-mail, mail, message, text, sms, notification, confirmation", "邮件 邮箱 短信 消息 通知 确认"],
  phone: ["phone, mobile, cell, phone number, number", "手机 手机号 电话 号码 电话号码"],
  negation: ["not, no, never, nothing, none, without, nobody", "没 没有 不 未 别 无"],
  want: ["want, want to, need, would like, like to, wish, i'd like", "要 想 想要 需要 希望 要求"],
  can: ["can, could, possible, able, allowed, may", "能 可以 能不能 可不可以 行不行 能否"],
  how: ["how, how do i, how to, way, process, steps, procedure", "怎么 如何 怎样 咋 咋整 流程 步骤 操作 办理 怎么办"],
  policy: ["policy, rule, rules, terms, eligible, eligibility, window, period, deadline", "政策 规定 期限 规则 条件 七天无理由 无理由"],
  store: ["store, shop, branch, in person", "门店 实体店 店 网点 店里"],
  gift: ["gift, present", "礼物 礼品"],
  used: ["opened, used, worn, unopened, tags, original box, packaging", "拆封 用过 穿过 吊牌 包装 盒子 原包装"],
  label: ["label, return label, shipping label, slip", "标签 面单 退货单"],
  unknown_charge: [
    "unknown, unrecognized, don't recognize, strange, suspicious, unauthorized, weird",
    "不认识 陌生 可疑 莫名其妙 不明 奇怪",
  ],
  statement: ["statement, invoice, receipt, bank statement", "账单 对账单 发票 小票 流水"],
  atm: ["atm, cash machine, cashpoint", "atm 取款机 提款机"],
  repeat: ["again, keeps, keep, always, every time, all the time, constantly", "又 总是 老是 每次 反复 一直"],
  stuck_app: [
    "crash, crashes, crashing, stuck, loading, spinning, reloading, reloads, hangs, frozen screen, won't load",
    "卡住 闪退 转圈 刷新 打不开 加载 卡死 白屏",
  ],
  discount: ["discount, coupon, promo, promo code, voucher, sale, deal", "优惠 优惠券 折扣 打折 券 促销 活动"],
  stock: ["stock, in stock, restock, sold out, out of stock", "有货 缺货 库存 补货 断货 没货"],
  warranty: ["warranty, repair, guarantee", "保修 维修 质保 修理"],
  subscription: ["subscription, subscribe, membership, member, plan, renew, renewal, unsubscribe", "订阅 会员 续费 自动续费 套餐"],
  hours: ["opening hours, business hours, open, close, closing time", "营业时间 几点 开门 关门 上班时间"],
  yes: ["yes, yeah, yep, yup, sure, ok, okay, right", "好的 是的 对 嗯 好"],
};

/**
 * Chat shorthand, contractions written without the apostrophe and common abbreviations, expanded before
 * anything else reads the words. Only spellings that are unambiguous in a support chat.
 */
const SLANG: Record<string, string> = {
  u: "you", ya: "you", ur: "your", yr: "your", r: "are", pls: "please", plz: "please", plez: "please", pleas: "please",
  plox: "please", thx: "thanks", thanx: "thanks", tnx: "thanks", ty: "thanks", gimme: "give me", wanna: "want to",
  gonna: "going to", gotta: "got to", lemme: "let me", dunno: "do not know", rn: "right now", asap: "as soon as possible",
  acc: "account", acct: "account", pw: "password", pwd: "password", passwd: "password", msg: "message", info: "information",
  n: "and", w: "with", b4: "before", "2day": "today", tmr: "tomorrow", tmrw: "tomorrow",
  "2moro": "tomorrow", yday: "yesterday", nvm: "never mind", idk: "i do not know", cuz: "because", coz: "because",
  bc: "because", bcuz: "because", tho: "though", thru: "through", abt: "about", ppl: "people", sth: "something",
  smth: "something", pkg: "package", addr: "address", amt: "amount", bal: "balance", wk: "week", hr: "hour", hrs: "hours",
  mins: "minutes", k: "ok", kk: "ok", okay: "ok", yea: "yes", yeah: "yes", yep: "yes", yup: "yes", nah: "no", nope: "no",
  lol: "lol", lmao: "lol", rofl: "lol", haha: "lol", hahaha: "lol", smh: "ugh", wtf: "ugh", ffs: "ugh", argh: "ugh",
  omg: "oh my god", "2fa": "two factor", sup: "what is up", wassup: "what is up", hv: "have", cud: "could", wud: "would",
  im: "i am", ive: "i have", id: "i would", ill: "i will", its: "it is", whats: "what is", wheres: "where is",
  hows: "how is", whos: "who is", thats: "that is", theres: "there is", dont: "do not", doesnt: "does not",
  didnt: "did not", cant: "can not", cannot: "can not", wont: "will not", isnt: "is not", arent: "are not",
  wasnt: "was not", werent: "were not", havent: "have not", hasnt: "has not", hadnt: "had not", couldnt: "could not",
  shouldnt: "should not", wouldnt: "would not", youre: "you are", youve: "you have", theyre: "they are", lets: "let us",
  aint: "is not",
};

export function expandSlang(word: string): string | undefined {
  return Object.hasOwn(SLANG, word) ? SLANG[word] : undefined;
}

export type LexiconPhrases = { en: [phrase: string, concept: string][]; zh: [phrase: string, concept: string][] };

/** Every phrase with its concept, in the form the feature extractor compiles once. */
export function lexiconPhrases(): LexiconPhrases {
  const en: [string, string][] = [];
  const zh: [string, string][] = [];
  for (const [concept, [english, chinese]] of Object.entries(GROUPS)) {
    for (const p of english.split(",")) if (p.trim()) en.push([p.trim(), concept]);
    for (const p of chinese.split(" ")) if (p) zh.push([p, concept]);
  }
  return { en, zh };
}
