/**
 * General vocabulary knowledge the classifier cannot learn from twenty lines per intent: which words of
 * customer-support English and Chinese mean roughly the same thing. Each group becomes one shared feature, so
 * a tenant who trained on "refund" also recognises "reimbursed" and "退钱", and an English word inside a Chinese
 * sentence lands on the same feature as its Chinese counterpart. Groups are concepts, never intents: the model
 * still learns from the tenant's lines which concepts matter for which intent.
 */

/**
 * concept → [English words and phrases, comma-separated; Chinese words, space-separated]. Irregular forms are
 * listed (the stemmer only strips regular suffixes); English words typed inside a Chinese line are matched by the
 * English side, so the Chinese side holds Han only.
 */
const GROUPS: Record<string, readonly [string, string]> = {
  // Orders, goods and delivery.
  goods: [
    "item, items, stuff, thing, things, product, products, merchandise, article, gadget, device, appliance, headphones, earphones, earbuds, headset, charger, cable, speaker, camera, laptop, tablet, computer, tv, television, monitor, keyboard, console, shirt, t-shirt, tshirt, jeans, jacket, coat, dress, shoes, boots, trainers, sneakers, jumper, sweater, hoodie, trousers, pants, skirt, socks, clothes, clothing, outfit, kettle, toaster, blender, lamp, chair, table, sofa, couch, mattress, pillow, cup, plate, vase, toy, perfume, makeup, cosmetics, furniture",
    "东西 商品 货 货物 宝贝 产品 物品 物件 玩意 玩意儿 衣服 裤子 鞋 鞋子 外套 裙子 衬衫 毛衣 卫衣 耳机 充电器 数据线 音箱 相机 电脑 笔记本 平板 电视 显示器 键盘 水壶 电水壶 台灯 椅子 桌子 沙发 床垫 枕头 杯子 盘子 花瓶 玩具 香水 化妆品 家具 家电 电器",
  ],
  order: ["order, orders, pre-order, preorder, purchase, purchases, order number", "订单 单子 这单 那单 下的单 预售订单 订单号 那个单 我的单"],
  parcel: ["package, parcel, shipment, box, pkg, packet, consignment, carton, pakage, packge, parcle", "包裹 快递 件 快件 箱子 盒子 纸箱"],
  buy: [
    "buy, bought, buying, placed an order, place an order, got it from you, basket, cart, shopping cart, shopping basket, add to cart",
    "买 购买 拍 下单 入手 拍下 买了 下了单 订购 网购 抢购 买的 购物车 加购",
  ],
  arrive: [
    "arrive, arrived, arrival, come, came, coming, get here, got here, show up, showed up, shown up, turn up, turned up, reach, land, landed, make it, made it, at my door, on my doorstep, in my hands, to my door, get to me, arived",
    "到 送到 到货 送达 寄到 到达 到手 来 送来 寄来 到家 到了 手上 送过来 寄过来 运到",
  ],
  receive: ["receive, received, get, got, gotten, collect, collected, pick up, picked up, obtain, recieve, recieved, recived", "收到 拿到 收 签收 收货 取件 领取 拿 取到 收着"],
  delivery: [
    "ship, shipped, send, sent, dispatch, dispatched, post, posted, send out, sent out, on its way, on the way, in transit, en route, out for delivery, shiped, delivery, deliveries, deliver, delivered, shipping, logistics, delievery, delivary, drop it at, drop it off, drop off, pack, packed, packing, warehouse, depot, sorting centre, sorting center, hub, distribution centre",
    "发货 寄 发出 寄出 发 寄出去 发出来 出库 揽收 运输中 在路上 路上 发走 寄过去 发过来 发出去 配送 送货 派送 运送 派件 送件 打包 仓库 中转 分拣 转运 派件中 中转站",
  ],
  delivery_option: [
    "standard delivery, express delivery, next day, next-day, same day, same-day, click and collect, collect in store, pickup in store, store pickup, home delivery, shipping options, delivery options, shipping method, delivery method",
    "次日达 当日达 同城 自提 到店自提 门店自提 送货上门 配送方式 快递方式 极速达 顺丰包邮 包邮",
  ],
  track: ["track, tracking, trace, tracking number, tracking code, tracking link, waybill, traking", "物流 追踪 跟踪 单号 快递单号 物流信息 运单 运单号 物流单号 查件"],
  status: [
    "status, progress, update, updates, news, info, information, state, stage, situation, what is happening, what happened, any word, heard anything",
    "状态 进度 进展 更新 动静 消息 情况 怎么样了 结果 咋样了 怎样了 什么情况 啥情况 咋样 音讯 音信 杳无音信 下落",
  ],
  pending: [
    "pending, on hold, under review, being processed, not gone through yet, still processing, in progress",
    "处理中 待处理 审核中 审核 待审核 在处理 未到账 还没到账 没到账",
  ],
  show_up: [
    "not showing, hasn't shown up, doesn't show, reflected, not reflected, appear, appeared, hasn't appeared, visible",
    "显示 没显示 不显示 出现 看不到 没看到 没出现",
  ],
  where: ["where, whereabouts, nowhere, no sign", "哪 哪里 哪儿 在哪 哪了 哪去了 影子 踪影"],
  wait: ["wait, waiting, waited, still waiting, been waiting, expect, expecting, hang on, hold on", "等 等了 等待 等着 等到 盼 等半天 等好久 等太久"],
  missed: [
    "missed you, not home, wasn't home, wasn't in, wasn't there, nobody home, no one home, not in, was out, missed the delivery, missed my delivery, missed it",
    "不在 不在家 没在家 没人在家 家里没人 错过 没接到 没遇上 没联系上",
  ],
  reschedule: [
    "reschedule, rescheduled, rearrange, redeliver, redelivery, try again, another day, another time, different day, new date",
    "改时间 改个时间 换一天 换个时间 重新约 再送 再来 再来一次 再送一次",
  ],
  not_yet: ["yet, still, not yet, never came, never arrived, so far, to this day", "还没 还未 尚未 迟迟 还不 至今 到现在 一直没 仍然没 还是没"],
  delay: [
    "delay, delayed, late, slow, stuck, not moving, hasn't moved, no movement, overdue, behind schedule, taking forever, taking ages, held up, lagging, past the date",
    "延迟 慢 晚 不动 没动 卡住 延误 超时 晚点 拖 拖延 耽误 迟到 太慢 龟速 卡在 卡着",
  ],
  duration: [
    "day, days, week, weeks, ages, forever, long time, month, months, hour, hours, minute, minutes, fortnight, a while, so long, too long",
    "天 几天 周 星期 礼拜 好久 很久 半天 个月 小时 分钟 一段时间 这么久 那么久 好几天 多天",
  ],
  courier: [
    "courier, carrier, driver, delivery man, delivery guy, delivery driver, postman, mailman, post office, ups, fedex, dhl, usps, royal mail, hermes, dpd",
    "快递员 快递小哥 司机 顺丰 京东 送货员 邮局 中通 圆通 韵达 申通 邮政 快递公司 配送员 骑手",
  ],
  customs: [
    "customs, held at customs, import tax, import duty, duty, duties, clearance, customs fee",
    "海关 清关 关税 报关 进口税 卡在海关",
  ],
  when: [
    "when, how long, how soon, eta, estimated, estimate, what time, what date, by when, which day, how many days, how much longer, how much more time, how many more days, due, due date, supposed to, by what date",
    "什么时候 啥时候 多久 多长时间 预计 何时 几时 几号 哪天 多少天 要多久 什么时间 多快 几天能 应该到 说好的 时效 配送时效",
  ],
  hurry: [
    "hurry, rush, speed up, expedite, chase, urgent, urgently, asap, quickly, quick, fast, faster, express, priority, too late, in time, still time",
    "催 催一下 加急 快点 尽快 赶紧 着急 急 急用 快一点 加快 早点 来得及 来不及 还来得及",
  ],
  // Money back, returns and exchanges.
  refund: [
    "refund, refunded, refunds, reimburse, reimbursed, reimbursement, money back, paid back, pay back, credit back, credited back, put the money back, give back my money, cash back, return my money, return the money, chargeback, refnd, refound, give back, gave back, reverse the charge, reversal, reversed, credit my account, give me back, refund it, give it back",
    "退款 退钱 返还 退还 还钱 还我 拿回 钱退 退给 返款 退费 退回来 退我 返钱 还给 还回 冲正 退回款项 返回来",
  ],
  back: [
    "back, get back, put back",
    "回来 返回 还回来",
  ],
  money: [
    "money, cash, funds, dollars, bucks, amount, sum, what i paid, what i spent, pounds, quid, cents, banknotes, coins",
    "钱 现金 资金 金额 块钱 款 款项 块 元 付的钱 花的钱 血汗钱 钞票 纸币 零钱 硬币 现钞",
  ],
  return_goods: [
    "return, returns, returned, returning, send back, ship back, sent back, bring back, take back, mail back, post back, send it back, bring it back, take it back",
    "退货 退回 寄回 退 寄回去 送回 退回去 退换 退掉 寄还 拿去退",
  ],
  exchange: [
    "exchange, swap, switch, trade, replace, replacement, another one, different one, other one, a new one, trade in",
    "换 换货 更换 调换 换成 换个 换一个 换新 换一件 交换",
  ],
  policy: ["policy, rule, rules, terms, eligible, eligibility, window, period, deadline", "政策 规定 期限 规则 条件 七天无理由 无理由"],
  gift: ["gift, present", "礼物 礼品 送人"],
  used: ["used, worn, unopened, tags, original box", "用过 穿过 吊牌 包装 原包装"],
  label: ["label, return label, shipping label, slip", "标签 面单 退货单"],
  choose: [
    "choose, chose, chosen, select, selected, pick, picked, opted for",
    "选 选的 选了 挑 挑的 选中 选择",
  ],
  size: [
    "size, sizes, sizing, fit, fits, fitting, small, big, large, larger, bigger, smaller, tight, loose, medium, xl, xs, too small, too big, short, wide, narrow, baggy, length",
    "尺码 码 号 大号 小号 合身 不合适 太小 太大 紧 松 大一码 大一号 尺寸 码数 偏大 偏小 长短 肥 瘦 小了 大了",
  ],
  style: [
    "color, colour, style, model, version, black, blue, red, white, green, pink, grey, gray, silver, gold, pattern, design, shade, variant, edition, brand",
    "颜色 款式 色 黑色 蓝色 红色 白色 绿色 粉色 灰色 银色 金色 型号 样式 花色 版本 品牌 牌子",
  ],
  defect: [
    "broken, defective, faulty, damaged, damage, broke, break, cracked, crack, flaw, flawed, smashed, shattered, torn, ripped, scratched, scratch, dented, dent, chipped, leaking, leak, crushed, bent, in pieces, falling apart, fell apart, dead on arrival, busted, stained, mouldy, moldy, rotten",
    "坏 坏了 瑕疵 质量问题 破损 损坏 故障 碎 碎了 裂 裂了 裂开 摔坏 压坏 划痕 刮花 凹 凹痕 漏 漏了 破 破了 烂了 开线 掉色 发霉 变形 断 断了 次品 残次品 碎片 磕 磕坏 磕破 缺口 摔 摔过 摔了 摔碎",
  ],
  malfunction: [
    "doesn't work, does not work, not working, stopped working, won't work, isn't working, won't turn on, won't start, won't charge, no power, not turning on, malfunction, malfunctioning, keeps restarting, no sound, dead",
    "用不了 不能用 不好使 不管用 没反应 失灵 不灵 开不了机 不工作 充不进电 没声音 死机 不亮",
  ],
  dislike: [
    "don't like, dislike, not what i expected, not as described, hate it, not as pictured, not like the picture, looks different, not satisfied, unsatisfied, dissatisfied",
    "不喜欢 不满意 不合心意 和描述不符 跟图片不一样 和图片不符 色差 跟描述不一样 与描述不符 货不对板",
  ],
  different: [
    "different, another, other, not the same, doesn't match, does not match, mismatch, mixed up, mix up, not mine, someone else, somebody else, else, instead, instead of",
    "不一样 不同 别的 另一个 另外 其他 其它 不符 不匹配 搞混 弄混 混了 另一样",
  ],
  missing_part: [
    "missing part, missing parts, missing piece, part, parts, component, accessory, accessories, screws, not included, wasn't included, incomplete",
    "配件 零件 少了 缺 缺少 少件 漏发 不全 少发 缺件 部件",
  ],
  quality: ["quality, cheap, flimsy, poor quality, fake, counterfeit, knockoff, not genuine, not original, authentic, genuine", "质量 做工 假货 山寨 劣质 正品 假的 仿冒 品质"],
  // Stopping an order or a service.
  cancel: [
    "cancel, cancelled, canceled, cancelling, canceling, cancellation, call off, scrap, void, revoke, abort, undo, stop, halt, don't send, don't ship, hold off, keep from shipping, prevent, terminate, unsubscribe, put a stop, cancle, cancell",
    "取消 撤销 撤回 作废 退订 撤单 取消掉 停 停止 别发 拦截 暂停 别寄 不要发 停掉 终止 中止 截住 拦下 拦住 不要寄 先别发 撤掉 叫停",
  ],
  turn_off: ["turn off, switch off, shut off, disable, disabled, deactivate, deactivated, opt out", "关闭 关掉 关了 停用 禁用 关上"],
  dont_want: [
    "don't want, no longer want, no longer need, don't need, changed my mind, change my mind, never mind, not anymore, not interested, decided against, second thoughts, reconsider, regret, done with",
    "不要了 不想要 不需要 不买了 改主意 后悔 不想买 不用了 算了 不要 用不上 不想要了 没必要 反悔",
  ],
  mistake: ["mistake, by mistake, accidentally, accident, by accident, wrongly, misclicked, unintentionally, didn't mean to", "下错 买错 不小心 误操作 点错 手滑 误点 拍错"],
  // Where things go.
  address: ["address, destination, location, shipping details, delivery details, adress, addres", "地址 收货地址 住址 收件地址 收货信息 收件信息 地点 送货地址"],
  place: [
    "place, home, house, apartment, flat, office, building, street, city, parents, door, doorstep, neighbour, neighbor, reception, front desk, workplace, knock, knocked, doorbell, bell, ring the bell, buzzer, letterbox, mailbox",
    "家 住处 楼 栋 小区 地方 老家 城市 门口 家里 楼下 驿站 快递柜 前台 邻居 公寓 宿舍 学校 家门口 敲门 门铃 按门铃 信箱 门缝",
  ],
  postal: ["postcode, zip, zip code, zipcode, postal code, street number, house number, apartment number", "邮编 门牌号 门牌 楼号 房间号 邮政编码"],
  relocate: [
    "move, moved, moving, relocate, relocated, new home, new place, new house, new flat, live at, living at, now live, staying at, live in",
    "搬家 搬到 搬了 搬走 新家 新住址 搬过去 住在 现在住 住到",
  ],
  modify: [
    "change, update, edit, modify, fix, correct, amend, alter, redirect, adjust, revise",
    "改 修改 更改 更新 变更 改成 改一下 改派 换绑 改掉 改过来 更正 调整 编辑",
  ],
  wrong: ["wrong, incorrect, typo, invalid, not right, mistyped, misspelled, inaccurate, outdated", "错 错了 填错 写错 不对 有误 错误 输错 打错 不正确 不准确 搞错"],
  input: [
    "typed, type in, entered, input, key in, fill in, filled in",
    "输入 输了 填写 填了 输",
  ],
  // Paying and being charged.
  pay: [
    "pay, paid, payment, payments, paying, checkout, check out, transaction, transactions, pay for, paymnet, settle, settle up, settle the bill, pay the bill",
    "支付 付款 付钱 结账 交易 付 买单 付了 结算 付费 缴费",
  ],
  charge: [
    "charge, charged, charges, billed, bill, deducted, deduction, debit, debited, took the money, came out of my account, taken out",
    "扣款 扣钱 扣 收费 划走 被收 扣了 收了 划扣 扣费 被扣 乱扣 扣掉 划账",
  ],
  direct_debit: [
    "direct debit, direct debits, standing order, standing orders, mandate, auto debit, automatic debit",
    "自动扣款 代扣 委托扣款 定期扣款",
  ],
  twice: ["twice, double, duplicate, two times, doubled, second time, two charges", "两次 重复 两笔 多扣 又扣 双倍 重复扣款 多收"],
  fail: [
    "fail, failed, failing, fails, failure, declined, decline, rejected, refused, denied, won't go through, didn't go through, not going through, error, errors, won't accept, not accepted, bounced, unsuccessful, not approved, went wrong, goes wrong, won't let me, will not let me, doesn't let me, not letting me",
    "失败 不成功 被拒 拒绝 出错 报错 不行 不支持 不了 没成功 未通过 不通过 被退回 驳回 付不了 付不出 提交不了 出问题 异常 不让 不给",
  ],
  card: [
    "card, visa, mastercard, master card, amex, american express, debit card, credit card, bank card, plastic",
    "卡 银行卡 信用卡 借记卡 储蓄卡 卡片 万事达 运通 银联 卡号 这张卡 那张卡",
  ],
  expire: [
    "expire, expires, expired, expiry, expiration, expiry date, out of date, valid until, run out, running out",
    "过期 到期 有效期 快过期 失效",
  ],
  card_kind: [
    "virtual card, disposable card, digital card, physical card, spare card, second card, extra card, plastic card, metal card",
    "虚拟卡 电子卡 实体卡 副卡 附属卡 第二张卡",
  ],
  link: [
    "link, linked, linking, connect my card, add my card, add a card, unlink, remove my card",
    "绑定 绑卡 关联 解绑 绑 添加银行卡",
  ],
  contactless: [
    "contactless, tap, tap to pay, tapping, nfc, wave",
    "闪付 挥卡 碰一碰 感应",
  ],
  pay_method: [
    "paypal, apple pay, google pay, alipay, wechat pay, venmo, klarna, afterpay, cash on delivery, payment method, payment option, wallet app, digital wallet, e-wallet, mobile wallet, pay on delivery, pay cash, pay in cash",
    "支付宝 微信支付 微信 云闪付 花呗 付款方式 支付方式 货到付款 白条 现金支付 现金付 电子钱包",
  ],
  bank: ["bank, banking, bank account, online banking, mobile banking", "银行 网银 手机银行 网上银行 开户行"],
  balance: ["balance, balances, account balance, ballance, balence", "余额 结余 账户余额 余款"],
  remaining: [
    "left, remaining, remain, rest, leftover",
    "剩 还剩 剩下 剩余 可用 还有",
  ],
  how_much: ["how much, how many, total", "多少 多少钱 几多 一共"],
  more: [
    "more, extra, additional, increase, increased, raise, raised, higher, boost, extend, go up, one more",
    "多 更多 增加 提高 提额 涨 调高 多点 多一点 更高 加大 提升 上调",
  ],
  add: [
    "add, added, adding, include, including, throw in, put in, as well",
    "加 添加 加上 加一个 再加 多加 带上 顺便 加进去 放进",
  ],
  less: [
    "less, fewer, reduce, reduced, decrease, decreased, lower, lowered, minus",
    "减 减少 少 降低 下调 少点 少一点",
  ],
  quantity: [
    "quantity, quantities, number of, count, amount of, pieces, units",
    "数量 件数 个数 几件 几个",
  ],
  credit_limit: [
    "credit limit, limit, available credit, spending limit, limits, cap, ceiling, maximum, max out, maxed out, headroom, allowance",
    "额度 可用额度 信用额度 限额 上限 封顶 刷爆 最高额",
  ],
  savings: ["savings, saving, deposit, deposited, current account, savings account, fixed deposit", "存款 储蓄 存钱 定期 活期 存 存折 理财"],
  cheque: [
    "cheque, cheques, check deposit, paper check, money order",
    "支票 汇票 本票",
  ],
  salary: [
    "salary, paycheck, pay check, payday, wage, wages, income, paid in, pension, direct deposit",
    "工资 薪水 薪资 收入 退休金 养老金",
  ],
  transfer: [
    "transfer, transferred, wire, wired, sent money, send money, remittance, remit, beneficiary, recipient, move money, iban, sort code, routing number, account number, transfered",
    "转账 汇款 转钱 转了 打钱 汇钱 转给 打款 收款人 转出 转入 汇到 打到 电汇 跨行转账",
  ],
  receive_money: [
    "receive money, get paid, incoming payment, incoming transfer, money in, paid to me, sent to me",
    "收款 收钱 进账 入账 转给我 打给我 到账 已到账",
  ],
  source_funds: [
    "source of funds, source of income, where my money comes from, proof of income, proof of funds",
    "资金来源 收入证明 资金证明 钱的来源",
  ],
  enough: ["enough, afford, cover, spend, spent, spending", "够 够不够 花 买得起 花了"],
  statement: [
    "statement, invoice, receipt, bank statement, transaction history, activity",
    "账单 对账单 发票 小票 流水 明细 交易记录 消费记录 收据 凭证",
  ],
  document: [
    "document, documents, paperwork, paper, papers, form, forms, certificate, proof, proof of purchase, copy, pdf, printout, official",
    "文件 单据 凭据 证明 材料 复印件 表格 打印",
  ],
  data: [
    "data, my data, personal data, records, record, history, on file, on record",
    "记录 数据 个人数据 档案",
  ],
  cash_out: [
    "atm, cash machine, cashpoint, withdraw, withdrawal, withdrawing, take out cash, cash out, dispense, dispensed, hole in the wall",
    "取款机 提款机 取钱 取款 提现 取现 柜员机 出钞 吐钞 吐钱 出钱 取款口",
  ],
  foreign: [
    "currency, currencies, exchange rate, conversion, convert, foreign, abroad, overseas, international, internationally, another country, worth, value, euro, euros, yen, peso, pesos, rupee, rupees, baht, franc, francs, dirham, ruble, lira",
    "汇率 外币 外汇 境外 国外 海外 国际 出国 换汇 兑换 日元 欧元 英镑 美元 美金 人民币 港币 韩元 泰铢 比索 卢比 法郎 货币 值多少",
  ],
  country: [
    "country, countries, which countries, available in, supported countries, region, regions, nationality, resident",
    "国家 地区 哪些国家 国籍 居民",
  ],
  top_up: ["top up, topup, top-up, add money, add funds, load money, recharge, put money in, put money on", "充值 充钱 充 存入 充进去"],
  loan: [
    "loan, loans, mortgage, borrow, borrowing, lend, installment, instalment, installments, instalments, overdraft, debt, owe, interest, interest rate, apr, spread the cost, spread the payments, pay monthly, pay over time, pay later, buy now pay later",
    "贷款 借钱 借款 分期 房贷 车贷 透支 欠款 还款 欠 利息 利率 分几期 慢慢付 先买后付 月供 借",
  ],
  fee: [
    "fee, fees, shipping fee, postage, cost, costs, price, prices, pricing, expensive, cheaper, charge for shipping, overpriced, full price",
    "运费 费用 手续费 价格 价钱 邮费 费 价 原价 差价 贵 便宜",
  ],
  unknown_charge: [
    "unknown, unrecognized, unrecognised, don't recognize, don't recognise, strange, suspicious, weird, unfamiliar, never heard of, mystery, mysterious, odd, unexplained",
    "不认识 陌生 可疑 莫名其妙 不明 奇怪 没见过 来历不明 莫名 没听过 从没听过 没听说过",
  ],
  fraud: [
    "fraud, fraudulent, scam, scammed, unauthorized, unauthorised, without permission, without my permission, wasn't me, not me, identity theft, hacked, hacker, compromised, phishing, taken over, took over, hijacked",
    "盗刷 诈骗 骗 被骗 盗号 被盗号 冒用 被黑 黑客 不是我 没授权 未经授权 未授权 钓鱼",
  ],
  // Accounts and security.
  account: [
    "account, acc, acct, profile, user, username, user name, user id, acount, accout",
    "账号 账户 帐号 帐户 户口 用户 用户名 个人中心 个人主页 主页 个人页面",
  ],
  switch_account: [
    "switch account, switch accounts, another account, second account, multiple accounts, other account, two accounts, different account",
    "切换账号 换账号 另一个账号 多个账号 两个账号 别的账号 切换",
  ],
  access: [
    "access, log in, login, logging in, log on, logon, sign in, signin, signing in, log into, sign into, get in, get into, let me in, logged out, log out, kick out, kicked out, kicking me out, get onto",
    "登录 登陆 登入 进不去 登不上 踢出 退出登录 登不进 进入 进去 上不去 登不了 进不了 掉线 被踢 下线 登 进",
  ],
  password: [
    "password, passcode, pin, pin code, credentials, secret code, pwd, passwd, pasword, passward, passphrase, security question",
    "密码 口令 登录密码 支付密码 交易密码 取款密码",
  ],
  verify: [
    "verification, verify, code, codes, otp, 2fa, two-factor, two factor, two-step, authentication, authenticator, security code, one-time code, sms code, authenticate",
    "验证码 验证 动态码 校验 短信验证 验证短信 校验码 安全码 认证码",
  ],
  identity: [
    "identity, identification, passport, driving licence, driver's license, drivers license, proof of identity, selfie",
    "身份 身份证 实名 实名认证 认证 护照 驾照 证件 人脸 刷脸 人脸识别",
  ],
  age: [
    "how old, minimum age, age limit, under 18, teenager, teen, kid, kids, child, children, son, daughter, minor",
    "年龄 几岁 未成年 小孩 孩子 儿子 女儿 岁",
  ],
  lock: [
    "locked, lock, blocked, block, freeze, frozen, suspend, suspended, banned, ban, restricted, restriction, locked out",
    "锁 锁定 冻结 封 封号 止付 锁卡 被锁 限制 受限 被封 封禁 风控 冻了",
  ],
  forget: ["forgot, forget, forgotten, remember, don't remember, can't remember, cannot remember, can't recall, slipped my mind", "忘 忘记 忘了 想不起来 记不得 记不住 记不清 想不起 不记得 忘掉"],
  recover: ["reset, recover, recovery, retrieve, restore, unlock, unblock, unfreeze, regain", "重置 找回 恢复 解锁 重设 解封 解冻 重新设置 重新设"],
  lost: [
    "lost, lose, missing, misplaced, misplace, can't find, cannot find, gone, dropped, left behind, disappeared, vanished, can't locate, fell out, gone missing, went missing, swallowed, report lost, report it lost, report stolen",
    "丢 丢了 丢失 找不到 不见 掉了 落 遗失 没了 吞 弄丢 搞丢 丢掉 找不着 没找到 落在 忘在 遗落 掉在 不见了 挂失 报失",
  ],
  steal: [
    "stolen, stole, steal, theft, thief, pickpocket, pickpocketed, snatched, robbed, robbery, mugged, burgled, pinched, nicked",
    "偷 被偷 盗 被盗 抢 被抢 扒 扒手 小偷 偷走 偷了 被扒",
  ],
  belongings: ["wallet, purse, handbag, bag, backpack, suitcase, luggage, baggage, keys, belongings, pocket", "钱包 包 皮夹 手提包 背包 行李 行李箱 口袋 兜 随身物品 包包"],
  reissue: ["replacement card, new card, reissue, replace my card, another card, card replacement", "补办 补卡 新卡 补一张 换卡 重新办"],
  details: [
    "details, personal details, personal information, contact details, contact info, name, first name, last name, surname, maiden name, date of birth, birthday, nickname, display name",
    "资料 个人信息 个人资料 名字 姓名 昵称 生日 出生日期 联系方式 姓 真实姓名 信息",
  ],
  register: ["sign up, signup, register, registration, create an account, open an account, new account, join, enroll, enrol", "注册 开户 登记 新用户 申请账号"],
  close_account: [
    "close my account, close the account, close account, delete my account, deregister",
    "注销 销户 删号",
  ],
  delete: [
    "delete, deleting, delete my data, remove, removed, erase, erased, wipe, wiped, get rid of, take off, take out",
    "删 删除 删掉 去掉 拿掉 清除 清掉 抹掉 移除 拿出来 去除",
  ],
  activate: ["activate, activated, activation, activating, enable, enabled, turn on, switch on, start using", "激活 开通 启用 开卡 启动"],
  security: ["security, secure, safe, safety, protect, protection, privacy, data breach", "安全 保护 隐私 泄露 泄漏 风险"],
  // Subscriptions and plans.
  subscription: [
    "subscription, subscriptions, subscribe, subscribed, membership, member, members, plan, plans, premium",
    "订阅 会员 套餐 高级版 会员资格",
  ],
  renew: [
    "renew, renewal, renews, auto-renew, auto renew, autorenew, recurring, automatic payment, auto pay, autopay, every month, monthly, yearly, annual, annually, each month, per month, billing cycle, cycle, next cycle",
    "续费 自动续费 续订 自动续订 每月 每个月 包月 包年 连续包月 按月 按年 年费 月费 周期 每期",
  ],
  trial: ["trial, free trial, trial period, demo", "试用 免费试用 试用期"],
  upgrade: ["upgrade, upgraded, downgrade, downgraded, higher plan, lower plan, switch plan, change plan", "升级 降级 换套餐"],
  // Products and apps.
  setup: [
    "install, installation, setup, set up, instructions, manual, assemble, assembly, configure, how to use, user guide, tutorial, pair, pairing",
    "安装 说明书 使用方法 组装 设置 配置 怎么用 教程 配对 连接",
  ],
  warranty: ["warranty, warrenty, repair, repaired, guarantee, guaranteed, service centre, service center", "保修 维修 质保 修理 修 保固"],
  stock: [
    "stock, in stock, restock, sold out, out of stock, back in stock, availability, unavailable, reappear, coming back, come back in, no longer sold, no longer available, available, discontinued",
    "有货 缺货 库存 补货 断货 没货 现货 卖完 售罄 有没有货 上架 重新上架 下架 再上 停产 停售",
  ],
  discount: [
    "discount, coupon, promo, promo code, voucher, sale, deal, deals, offer, offers, discount code, coupon code, voucher code, money off, gift card, gift code, referral, black friday",
    "优惠 优惠券 折扣 打折 券 促销 活动 优惠码 折扣码 满减 红包 代金券 礼品卡 减价 降价 特价 秒杀 会员价 兑换码 双十一 福利 活动价 折 七折 八折 九折 五折 半价",
  ],
  loyalty: [
    "points, point, loyalty, reward, rewards, bonus, vip, gold member, cashback, tier, membership level",
    "积分 奖励 返现 星星 会员等级 等级 金卡 银卡 攒 积攒",
  ],
  online: [
    "app, website, site, page, online, web, browser, webpage, portal, system, platform",
    "网站 页面 网页 官网 小程序 网上 客户端 软件 应用 链接 界面 系统 平台 公众号",
  ],
  stuck_app: [
    "crash, crashes, crashing, stuck loading, loading, spinning, reloading, reloads, hangs, frozen screen, won't load, not loading, blank screen, white screen, bug, glitch, timed out, timeout, laggy, won't open, can't open",
    "闪退 转圈 刷新 打不开 加载 卡死 白屏 卡顿 很卡 崩溃 黑屏 无法加载 加载不出来 一直转",
  ],
  message: [
    "email, e-mail, mail, message, messages, text, texts, sms, notification, notifications, confirmation, inbox, spam, junk, alert, alerts, letter",
    "邮件 邮箱 短信 通知 信 推送 提醒 来信 收件箱 垃圾邮件 回复 回信",
  ],
  marketing: ["newsletter, newsletters, marketing, promotional, promotions, ads, advert, adverts, mailing list", "广告 推销 骚扰 营销 推广 垃圾短信 骚扰电话"],
  phone: ["phone, mobile, cell, phone number, number, mobile number, cell phone, cellphone, telephone, landline, contact number", "手机 手机号 电话 号码 电话号码 手机号码 座机 联系电话"],
  // Shops, people and complaints.
  store: [
    "store, shop, branch, in person, outlet, showroom, physical store, walk in, counter, mall, seller, merchant, vendor, retailer, visit, visited, come in, pop in, drop by, stop by, come by",
    "门店 实体店 店 网点 店里 商场 专柜 柜台 营业厅 分行 支行 商家 卖家 店家 掌柜 当面 到店 去店里",
  ],
  customer: [
    "customer, customers, client, regular, loyal customer, shopper, buyer",
    "客户 顾客 老顾客 老客户 买家",
  ],
  business: [
    "company, business, firm, employer, corporate, tax, vat, tax number, accountant, finance, expenses, expense",
    "公司 企业 单位 税 税号 抬头 发票抬头 财务 会计 报销 增值税 发票税号",
  ],
  hours: [
    "opening hours, business hours, closing time, store hours, opening times, are you open, open on, open today, open tomorrow, open late, what time do you open, what time do you close, closed on, close on, close today",
    "营业时间 几点 开门 关门 上班时间 营业 打烊 开着 关着 几点到几点",
  ],
  open: [
    "open, opened, opening, unpack, unpacked, unboxed, unboxing",
    "打开 拆开 拆 开箱 开封 拆封",
  ],
  human: [
    "human, person, real person, live person, real human, real, human being, actual person, live agent",
    "人工 真人 活人 真人客服 人工服务 人工客服 转人工",
  ],
  agent: [
    "agent, representative, rep, operator, staff, staff member, employee, team, colleague, customer service, customer support, support, advisor, adviser, consultant, specialist, help desk, helpdesk, call centre, call center, hotline, customer care",
    "客服 工作人员 员工 同事 售后 客服人员 服务员 专员 热线 客服热线 在线客服 小二",
  ],
  manager: ["manager, supervisor, boss, someone in charge, superior, higher up, head office, management, director", "经理 主管 领导 负责人 上级 高层 总部 店长 老板"],
  bot: ["bot, robot, machine, automated, automatic, chatbot, auto reply, ai, virtual assistant, automated system", "机器人 机器 自动回复 智能客服 人工智能 自动 机器回复"],
  talk: [
    "talk, speak, chat, contact, call, phone call, call back, connect, put through, transfer me, escalate, get hold of, get in touch, reach out, ring, hand over, pass me",
    "说话 聊聊 聊天 沟通 联系 打电话 转接 接 对话 回电 打给 联系上 接通 对接",
  ],
  complain: [
    "complain, complaint, complaints, complaining, grievance, report, formal complaint, ombudsman, trading standards, consumer rights, sue, lawyer, legal action",
    "投诉 举报 差评 控诉 维权 消协 曝光 起诉 律师 告你们",
  ],
  feedback: [
    "feedback, review, opinion, suggestion, survey, comment, comments, compliment",
    "反馈 评价 意见 建议 评论 打分 好评 表扬 点评",
  ],
  bad: [
    "bad, terrible, awful, horrible, worst, poor, useless, rubbish, garbage, trash, ridiculous, unacceptable, disgrace, pathetic, sucks, crap, lousy, shocking, appalling, dreadful, abysmal, incompetent, shambles, nightmare, horrendous, atrocious, let down, waste of time, waste of money, shambolic",
    "差 太差 垃圾 烂 坑 离谱 过分 不像话 糟糕 无语 最差 骗子 坑人 差劲 恶心 太烂 坑爹 糟透 一塌糊涂 智障 辣鸡 浪费时间 白花钱 忽悠 骗人 糊弄 浪费",
  ],
  angry: [
    "angry, furious, mad, annoyed, upset, frustrated, fed up, disappointed, unhappy, not happy, sick of, tired of, pissed, ugh, livid, fuming, outraged, irritated, disgusted, had enough, enough is enough, infuriating, annoying, frustrating",
    "生气 愤怒 气死 失望 不满 受够 烦 恼火 火大 郁闷 气人 抓狂 无奈 心累 窝火 头疼 忍无可忍 受不了",
  ],
  worried: ["worried, worry, concerned, anxious, nervous, scared, afraid, panic, panicking, stressed", "担心 焦虑 害怕 慌 紧张 不放心 急死"],
  happy: [
    "happy, glad, great, love, satisfied, awesome, amazing, perfect, excellent, fantastic, wonderful, good job",
    "开心 满意 喜欢 高兴 不错 棒 很好 太好了 完美 给力 点赞",
  ],
  confused: ["confused, confusing, don't understand, do not understand, unclear, makes no sense, puzzled, explain", "不懂 看不懂 搞不懂 糊涂 不明白 不理解 没看懂 啥意思 什么意思 解释"],
  rude: [
    "rude, impolite, unprofessional, disrespectful, attitude, arrogant, condescending, dismissive, yelled, shouted, hung up, hang up, insulted, insulting, treat, treated, the way you treat",
    "态度 没礼貌 不礼貌 恶劣 不专业 态度差 凶 骂人 骂 挂电话 敷衍 冷漠 爱答不理 对待 待遇",
  ],
  service: ["service, experience, customer experience", "服务 体验 服务态度"],
  never_again: ["never again, never shop, never buy, won't come back, never come back, last time, take my business elsewhere, go elsewhere, competitor", "再也不 再也不会 不会再 再也不来 最后一次 拉黑 换别家"],
  ignored: [
    "nobody answers, no one answers, no reply, no response, no answer, ignored, ignoring, nobody cares, no one cares, unanswered, never heard back, nobody got back, no one got back, excuses, responsibility, responsible, accountable, pass the buck, passing the buck, runaround, fobbed off",
    "没人理 没人管 没人回 不理 没回复 不回 没人回复 不回复 不理人 石沉大海 推卸 推脱 踢皮球 借口 负责 不负责 扯皮 推来推去",
  ],
  apology: ["sorry, apologise, apologize, apology, apologies", "对不起 抱歉 道歉"],
  compensation: ["compensation, compensate, make it right, make up for, goodwill gesture", "赔偿 补偿 赔 赔钱 说法 交代"],
  apply: ["apply, application, request, submit, submitted, claim, file, lodge, open a case, case, ticket", "申请 提交 提出 发起 工单"],
  booking: ["booking, book, booked, reservation, reserve, reserved, appointment, slot, schedule", "预订 预约 订 预定 约"],
  // Conversation.
  greet: [
    "hi, hello, hey, hiya, howdy, greetings, yo, hola, sup, good morning, morning, good afternoon, good evening, good day, afternoon, hi there, hey there, heya, gday, how are you, how's it going, how are you doing, what is up, good to see you",
    "你好 您好 嗨 哈喽 哈啰 哈罗 早上好 早安 下午好 晚上好 早 喂 嘿 你们好 亲 亲亲 亲爱的 大家好 中午好 你好啊 您好啊 在线的亲",
  ],
  presence: [
    "anyone there, anybody there, are you there, someone there, you there, anybody available, anyone around, anyone here, still there, are you online",
    "在吗 在不在 有人吗 有人在吗 在么 在嘛 人呢 在线吗 在的吗 有人没 有人不",
  ],
  thanks: [
    "thanks, thank you, thx, ty, appreciate, cheers, much appreciated, many thanks, thank u, thankyou, grateful, appreciated, that helps, helpful, much obliged, obliged, lifesaver, you're a star, legend",
    "谢谢 多谢 感谢 谢了 辛苦了 谢啦 太感谢 感激 谢谢你 辛苦 麻烦你了 多亏",
  ],
  bye: [
    "bye, goodbye, see you, see ya, cya, talk later, good night, take care, have a good day, have a nice day, that's all, nothing else, catch you later, ttyl, all set, all sorted, that's it, that's me done, have a good one, done for today",
    "再见 拜拜 回见 下次见 晚安 拜 先这样 就这样 没事了 没别的了 回头见 好嘞 到这 就到这 不打扰了 保重 祝你顺利 祝好",
  ],
  // Time.
  day_name: [
    "monday, tuesday, wednesday, thursday, friday, saturday, sunday, weekend, weekends, weekday, weekdays, holiday, holidays, bank holiday, public holiday, christmas, easter, new year, christmas eve, new years eve",
    "周一 周二 周三 周四 周五 周六 周日 周末 星期一 星期二 星期三 星期四 星期五 星期六 星期天 星期日 礼拜一 礼拜天 工作日 节假日 假期 节日 春节 国庆 过年 平安夜 圣诞 圣诞节 元旦 除夕",
  ],
};

/**
 * Words that carry the form of a request rather than its topic: negation, wanting, asking, time. They become
 * concepts of their own feature family, weighted below the topical ones, so that "no, that didn't help" is not
 * read as a confident match on whatever intent's lines happened to say "not" and "help".
 */
const FUNCTION_GROUPS: Record<string, readonly [string, string]> = {
  negation: ["not, no, never, nothing, none, without, nobody, zero", "没 没有 不 未 别 无 木有 米有 冇"],
  want: [
    "want, want to, need, would like, like to, wish, i'd like, looking for, hoping",
    "要 想 想要 需要 希望 要求 打算 请求",
  ],
  can: ["can, could, possible, able, allowed, may, is it possible", "能 可以 能不能 可不可以 行不行 能否 可否 允许 行吗 可以吗 能吗"],
  how: [
    "how, how do i, how to, way, steps, procedure, what do i do, what should i do",
    "怎么 如何 怎样 咋 咋整 流程 步骤 操作 办理 怎么办 肿么 肿么办 咋办 咋弄 怎么弄 怎么搞 办法",
  ],
  why: ["why, how come, reason", "为什么 为啥 为何 咋回事 怎么回事 凭什么 原因 干嘛"],
  check: [
    "check, look, see, view, show, find out, know, tell, look up, look into, let me know, tell me, show me",
    "查 查询 看 看看 查一下 告诉 知道 查看 瞧瞧 确认 核实 核对 了解 帮我看 检查",
  ],
  help: [
    "help, assist, assistance, resolve, solve, sort out, deal with, handle, take care of, figure out",
    "帮 帮助 帮忙 协助 帮我 解决 处理 搞定 弄好",
  ],
  ask: ["ask, asking, inquire, wondering, wonder, curious, want to know", "问 问一下 询问 请教 打听"],
  issue: [
    "problem, problems, issue, issues, trouble, question, questions, query, inquiry, enquiry",
    "问题 毛病 疑问 不对劲",
  ],
  yes: [
    "yes, yeah, yep, yup, sure, ok, okay, right, alright, all right, sounds good",
    "好的 是的 对 嗯 行 没问题 对的 嗯嗯 好滴",
  ],
  now: [
    "now, right now, currently, current, today, immediately, at the moment, tonight, this morning, this evening",
    "现在 马上 立即 立刻 目前 当前 今天 今晚 今早 此刻",
  ],
  past: [
    "yesterday, last week, last month, ago, earlier, already, previously, recently, the other day, last night",
    "昨天 前天 上周 上个月 之前 已经 刚才 刚刚 早就 前几天 上礼拜 上星期",
  ],
  future: ["tomorrow, next week, next month, soon, later, upcoming", "明天 后天 下周 下个月 以后 之后 过几天 改天 下礼拜 下星期"],
  time_of_day: [
    "in the morning, at night, overnight, midday, noon, midnight",
    "早上 上午 中午 下午 晚上 傍晚 夜里 凌晨 半夜 一早 一大早",
  ],
  repeat: ["again, keeps, keep, always, every time, all the time, constantly", "又 总是 老是 每次 反复 一直"],
  someone: ["someone, somebody, anybody, anyone, people, nobody else", "有人 别人 某人 谁"],
  opener: [
    "excuse me, sorry to bother, i have a question, quick question, i was wondering, can i ask",
    "打扰 打扰一下 不好意思 请问 咨询 咨询一下 麻烦 劳驾 请教一下 想问 想问一下",
  ],
  entirely: ["permanently, for good, completely, entirely, everything, all of it", "彻底 永久 永远 完全 全部 所有"],
  old_new: ["old, previous, former, latest, brand new, new", "旧 新 旧的 新的 原来的 以前的"],
  options: [
    "options, option, choices, choice, methods, method, alternatives, which ones",
    "方式 选项 途径 种类 哪些 哪几种 方法",
  ],
};

/**
 * Everyday Chinese words that contain a one-character concept word but mean something else. The segmenter takes
 * them whole and they add no concept, so 天气 (weather) does not read as 天 (days), nor 加拿大 as 加 (add).
 */
const ZH_PLAIN_WORDS =
  "天气 天空 天下 花园 鲜花 开花 花生 看法 好看 看起来 看样子 看来 对于 对面 面对 对方 相对 行人 行为 自行车 旅行 很多 许多 多么 " +
  "差不多 至少 不少 新闻 新鲜 出差 想法 理想 思想 重要 主要 只要 可能 功能 能力 到底 来自 后来 未来 起来 本来 发现 发生 头发 发展 " +
  "出发 等等 等于 平等 收藏 特色 包括 包含 面包 卡通 卡路里 落后 信封 学问 调查 大约 早餐 早饭 加拿大 加油 参加 装修 相信 " +
  "信任 信号 亲戚 父亲 母亲 存在 保存 无聊 无论 特别 区别 告别 进步 先进 好多 没意思 天天 不过 哪家 开始 行星 中间 一步 一班 还会 写了 直飞";

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

/**
 * Ordinary English words the speller leaves alone. A word one edit away from a support word is usually just
 * another word ("good" is not "goods", "score" is not "store", "then" is not "when"), and correcting it would
 * pull small talk into an intent. Base forms only: the speller compares stems, so "songs" and "baked" are known too.
 */
const COMMON_WORDS = [
  "able about above absolute accept across act action active actual actually add address admit adult advance",
  "advantage adventure affair affect afford afraid after afternoon again against age agency agent agree ahead aim",
  "air airport alarm album alive all allow almost alone along already also alter although always amazing among",
  "amount amuse analysis ancient anger angle animal announce annual another answer anxiety anybody anymore anyone",
  "anything anyway anywhere apart apartment apparent appeal appear apple apply appoint approach approve area argue",
  "argument arise army around arrange arrest arrive arrow article artist ask asleep aspect assume atom attach",
  "attack attempt attend attention attitude attract audience aunt author autumn available average avoid awake award",
  "aware away awful baby back background bacon badge badly bake baker balance ball banana band bank bare barely",
  "bargain base basic basis basket bath battle beach bean bear beard beat beautiful beauty because become before",
  "begin behave behind being belief believe bell belong below belt bench bend beneath benefit beside best better",
  "between beyond bible bicycle bike bill bird birth birthday biscuit bite bitter black blade blame blank blanket",
  "blind block blood blow blue board boat body boil bold bone bonus book boot border bored boring born borrow boss",
  "both bother bottle bottom bounce bowl brain branch brand brave bread break breakfast breath breathe brick bride",
  "bridge brief bright brilliant bring broad brother brown brush bubble bucket budget build bullet bunch burden",
  "burn burst bury business busy butter button cabin cable cake calculate call calm camera camp campaign cancer",
  "candle candy capable capital captain capture career careful carpet carry cartoon case castle catch cause ceiling",
  "celebrate cell center central century certain chain chair chalk challenge chamber champion chance channel",
  "chapter character charity chart chase cheap cheek cheese chef chemical chess chest chicken chief child childhood",
  "chocolate choice choose church cinema circle citizen city civil claim class classic clean clear clever client",
  "cliff climate climb clock close cloth cloud club coach coast coat code coffee coin cold collar collect college",
  "colour column combine come comedy comfort command comment commercial common community company compare compete",
  "complete complex computer concept concert conclude condition conduct conference confirm conflict connect",
  "conscious consider constant contain content contest context continue contract contrast control convince cook",
  "cookie cool copy corn corner correct cottage cotton couch could council count country county couple courage",
  "course court cousin cover cow crazy cream create creature credit crew crime crisis critic crop cross crowd crown",
  "cruel cultural culture curious current curtain curve custom cycle daily damp dance danger dare dark data date",
  "daughter dead deal dear death debate decade decide deck declare decorate deep deer defeat defend define degree",
  "demand depend depth describe desert deserve design desire desk despite destroy detail detect develop diamond",
  "diary dictionary diet differ difficult dinner direct direction dirt dirty disaster discover discuss disease dish",
  "distance divide doctor document dog dollar door double doubt down downtown dozen draft drag drama draw dream",
  "dress drink drive drop drug drum dust duty each eager early earn earth easily east easy edge education effect",
  "effort eight either elbow elect element elephant elevator else emerge emotion empty encourage enemy energy",
  "engine enjoy enormous entire environment equal equipment escape essay even event ever every evidence evil exact",
  "exam example excellent except excite exercise exist exit expand expensive expert explore extra extreme face fact",
  "factor factory fade fair faith fall false fame familiar family famous fancy fantasy farm farmer fashion father",
  "fault favour favourite fear feather feature feed feel fellow female fence festival fever field fight figure fill",
  "film final finance find fine finger finish fire firm first fish five flag flame flat flavour flight float flood",
  "floor flour flower fly focus fold folk follow food fool foot football force forest form formal former fortune",
  "forward four frame free freedom fresh friend friendly front fruit fuel full function fund funny fur future gain",
  "game garage garden gate gather general generation gentle ghost giant girl give glad glance glass global glove",
  "goal gold golf good govern grab grace grade grain grand grandmother grant grass grave great green greet grey",
  "ground group grow guard guess guest guide guitar hair half hall hand handle hang happen hard hardly harm hate",
  "head heal health hear heart heat heaven heavy height hell hero hidden hide high hill hint hire historic history",
  "hobby hold hole home honest honey hope horror horse hospital host hotel house however huge hunger hunt hurt",
  "husband idea ideal identify ignore illness image imagine impact import impress improve include increase indeed",
  "indicate industry inform injury inner insect inside insist instance instead intend interest interview introduce",
  "invent invest invite iron island issue item jacket joke journey judge juice jump jungle junior just keen kick",
  "kill kind king kiss kitchen knee knife knock know knowledge label labour lack lady lake lamp land language large",
  "last late laugh launch lawyer layer lazy lead leader leaf learn least leather leave lecture left legal lemon",
  "lend length less lesson letter level library life lift light like likely limit line link lion list listen little",
  "live local lock lone long look loose lord lose loss loud love lovely lower luck lunch machine magazine magic",
  "main major make male manage manner many march mark market marry master match mate material matter maybe meal",
  "mean measure meat media medical medicine medium meet meeting member memory mental mention menu mere merely mess",
  "metal method middle might mild mile milk mind mine minister minor minute mirror miss mission mistake mixture",
  "model modern moment money monkey monster month mood moon moral more morning most mother motor mount mountain",
  "mouse mouth move movie much muscle museum music must mystery nail name narrow nation native natural nature near",
  "nearly neat necessary neck need needle negative neighbour neither nerve nervous network never news newspaper",
  "next nice night nine noble nobody noise none noon normal north nose note nothing notice novel number nurse",
  "object obvious occasion ocean offer office officer often once onion only open opera opinion option orange order",
  "ordinary organ origin other otherwise ought ounce outside oven over owner pace pack page pain paint pair palace",
  "pale palm panel paper parent park part partner party pass passage passenger past patch path patient pattern",
  "pause peace peak pear pencil penny people pepper perfect perform perhaps period permit person pet phase phone",
  "photo physics piano pick picture piece pile pilot pink pipe pitch pity pizza place plain plan plane planet plant",
  "plastic plate play pleasant please pleasure plenty pocket poem poet point poison police policy polite pool poor",
  "popular population port position positive possible post potato pound pour power practice praise pray prefer",
  "prepare present president press pressure pretty prevent price pride priest prince princess print prison private",
  "prize probably problem process produce professor profit program project promise proof proper property protect",
  "proud prove provide public pull pump punch pupil pure purple purpose push puzzle quality quarter queen question",
  "quick quiet quite quote rabbit race radio rail rain raise range rank rapid rare rate rather reach read ready",
  "real reality realize really reason recall recent recipe recognize record recover reduce reflect region relate",
  "relax release relief religion remain remark remember remind remote repeat reply report represent request require",
  "rescue research reserve resist resource respect respond rest restaurant result return reveal rice rich ride",
  "right ring rise risk river road rock role roll romantic roof room root rope rose rough round route royal rubber",
  "rule ruler rumour rural rush sack sacred safe sail salad sale salt same sample sand sauce save scale scene",
  "school science scientist score screen screw script search season seat second secret section secure seed seek",
  "seem select self sell send senior sense sentence separate series serious serve session settle seven several",
  "shade shadow shake shall shallow shame shape share sharp sheep sheet shelf shell shift shine ship shirt shock",
  "shoe shoot shop shore short shot should shoulder shout show shower shut sick side sight sign signal silence",
  "silent silk silly silver similar simple since sing single sink sister site situation size skill skin skirt sleep",
  "slice slide slight slip slow small smart smell smile smoke smooth snake snow soap social society sock soft soil",
  "soldier solid solution some somehow something sometimes somewhere song soon sore sorry sort soul sound soup",
  "source south space spare speak special speech speed spell spend spin spirit spite split spoon sport spot spread",
  "spring square staff stage stair stamp stand standard star stare start state station stay steady steak steal",
  "steam steel step stick still stock stomach stone stop storm story stove straight strange stranger stream street",
  "strength stress stretch strict strike string strip stroke strong structure student studio study stuff stupid",
  "style subject succeed success such sudden suffer sugar suggest suit summer sun supply support suppose sure",
  "surface surprise surround survey survive suspect swallow swear sweat sweet swim swing switch symbol system table",
  "tail take tale talent talk tall tank tape target task taste teach teacher team tear technology teeth telephone",
  "television tell temperature temple tend tennis tent term terrible test text than thank that theatre their them",
  "theme then theory there therefore these they thick thief thin thing think third this those though thought",
  "thousand thread threat three throat through throw thumb ticket tide tidy tiger tight till time tiny tired title",
  "today together toilet tomato tomorrow tone tongue tonight tool tooth topic total touch tough tour tourist toward",
  "tower town track trade tradition traffic train travel treat treatment tree trend trial trick trip trouble truck",
  "true trust truth turn twelve twenty twice type typical ugly uncle under understand union unit universe",
  "university unless until upon upper upset urban used useful usual vacation valley value vegetable vehicle version",
  "very victim video view village violent visit voice volume vote wage waist wait wake walk wall wander want warm",
  "warn wash waste watch water wave weak wealth weapon wear weather wedding week weekend weight welcome well west",
  "western what whatever wheel when where whether which while whisper white whole whom whose wide wife wild will",
  "wind window wine wing winner winter wire wise wish with within without woman wonder wood wool word work worker",
  "world worry worth would wound wrap write writer wrong yard yeah year yellow yesterday young youth zero zone",
].join(" ");

export function commonWords(): string[] {
  return COMMON_WORDS.split(" ");
}

/** A concept's name and whether it is a function-word concept (see FUNCTION_GROUPS). */
export type Concept = { name: string; function: boolean };
export type LexiconPhrases = { en: [phrase: string, concept: Concept][]; zh: [phrase: string, concept: Concept][]; zhPlain: string[] };

/** Every phrase with its concept, and the plain Chinese words, in the form the feature extractor compiles once. */
export function lexiconPhrases(): LexiconPhrases {
  const en: [string, Concept][] = [];
  const zh: [string, Concept][] = [];
  const groups = [
    ...Object.entries(GROUPS).map(([name, words]) => ({ concept: { name, function: false }, words })),
    ...Object.entries(FUNCTION_GROUPS).map(([name, words]) => ({ concept: { name, function: true }, words })),
  ];
  for (const { concept, words: [english, chinese] } of groups) {
    for (const p of english.split(",")) if (p.trim()) en.push([p.trim(), concept]);
    for (const p of chinese.split(" ")) if (p) zh.push([p, concept]);
  }
  return { en, zh, zhPlain: ZH_PLAIN_WORDS.split(" ") };
}
