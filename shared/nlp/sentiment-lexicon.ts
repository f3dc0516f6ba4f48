/**
 * The sentiment lexicon: customer-service wording in English and Chinese. Valences run from −4 to +4
 * (about AFINN's scale); `n` is the valence a word takes under negation where plain flipping would be wrong:
 * "work", "arrive", "reply", 收到, 回复 say nothing by themselves, but "doesn't work" and 没收到 complain.
 * Roles (negators, degree adverbs, hedges, contrast, question words, frustration markers) are separate
 * tables; `sentiment.ts` merges them into one lookup per language. Tables are written as
 * `value | entry, entry, …` lines so that a word's weight is read next to its neighbours'.
 */

export type Lex = {
  /** valence as written */
  v?: number;
  /** valence under negation, when not just the flipped `v` */
  n?: number;
  /** valence after a degree adverb: 好的 is "OK", 挺好的 is "quite good" */
  i?: number;
  role?: Role;
  /** strength of a negator, multiplier of a degree adverb */
  x?: number;
  /** thanks and the like keep their weight inside a question ("can you check, thanks?") */
  polite?: boolean;
};

export type Role =
  | "neg" // negator: scope over the next words
  | "int" // degree adverb before the word it grades
  | "post" // degree word after it: 慢死了, 极了, "at all"
  | "dual" // a degree adverb before a sentiment word, else a sentiment word itself: 好慢 / 好
  | "hedge" // uncertainty: the clause says little
  | "cond" // hypothetical clause: "if it doesn't fit"
  | "contrast" // what follows weighs more: but, 但是
  | "concede" // its own clause weighs less: although, 虽然
  | "counter" // unmet expectation flips a following positive: "expected better"
  | "desire" // a wish is not a state: "I need this resolved", 希望尽快解决
  | "frust" // makes a negative sentence more negative: still, again, 还, 又
  | "qword" // question word
  | "rhet" // rhetorical question: the complaint stays a complaint
  | "greet"
  | "qpart" // sentence-final question particle
  | "emph" // sentence-final emphasis particle
  | "soft" // sentence-final softener
  | "block"; // a word that must not be read as its parts (快递 is not 快)

function table(src: string, make: (value: number) => Lex): Array<[string, Lex]> {
  const out: Array<[string, Lex]> = [];
  for (const line of src.split("\n")) {
    const bar = line.indexOf("|");
    if (bar < 0) continue;
    const value = Number(line.slice(0, bar).trim());
    for (const word of line.slice(bar + 1).split(",")) {
      const w = word.trim();
      if (w) out.push([w, make(value)]);
    }
  }
  return out;
}

const valence = (src: string) => table(src, (v) => ({ v }));
const negated = (src: string) => table(src, (n) => ({ n }));
const role = (r: Role, src: string) => table(src, (x) => ({ role: r, x }));
const list = (r: Role, words: string) => table(`1 | ${words}`, () => ({ role: r }));

// ---------------------------------------------------------------- English

const EN_VALENCE = valence(`
3.5 | perfect, perfectly, flawless, flawlessly, outstanding, phenomenal, exceptional, superb, excellent, amazing, amazingly, awesome, fantastic, wonderful, brilliant, incredible, love, loved, adore, lifesaver, life saver, legend, stellar, marvelous, marvellous, magnificent, spectacular, terrific, exceeded expectations, exceeded my expectations, above and beyond, five stars, 5 stars, top notch, second to none, thank you so much, thanks so much, thanks a million, thank you very much, couldn't be happier, could not be happier, over the moon, love it, love this, in perfect condition, works perfectly, works like a charm, best ever
3 | best, great, greatly, delighted, thrilled, ecstatic, fabulous, impressive, impressed, grateful, thankful, appreciate, appreciated, highly recommend, works great, well done, good job, great job, nice job, kudos, bravo, yay, woohoo, hooray, rock, rocks, rockstar, superstar, much appreciated, really appreciate, a huge help, huge help, big help, lovely, delicious, gorgeous, stunning, blessing, godsend, beyond helpful, no complaints, in great condition
2.5 | happy, pleased, satisfied, helpful, thanks, thank, thank you, thankyou, friendly, beautiful, nice, enjoy, enjoyed, pleasant, delightful, reliable, efficient, professional, courteous, polite, knowledgeable, responsive, attentive, patient, generous, smooth, seamless, painless, effortless, speedy, swift, convenient, comfortable, sturdy, durable, worth it, well worth, value for money, good value, great value, bargain, recommend, recommended, awesome job, glad, good experience, great experience, pleasure, a pleasure, satisfying, happier, exactly what i needed, exactly what i wanted, on point, spot on, life changing, better than expected, better than i expected, better than i thought, sooner than expected, earlier than expected, faster than expected, ahead of schedule, as promised, as advertised, as described, good condition, works well, works fine, working fine, working well, working perfectly, all good, all set, all sorted, problem solved, issue resolved, fixed it, sorted it, kind
2 | good, cool, sweet, easy, easier, liked, like it, liked it, i like, i liked, we like, we love, really like, fast, quick, quickly, prompt, promptly, fixed, resolved, solved, sorted, solid, accurate, tasty, fresh, clean, safe, secure, handy, useful, valuable, improved, improvement, better, faster, quicker, cheers, nicely, wonderfully, beautifully, smoothly, happily, gladly, fine now, good now, finally working, works now, working now, on time, right on time, no problem, no problems, no issues, no worries, not a problem, good news, great news, genius, winner, favorite, favourite, loyal, trust, trusted, trustworthy, honest, fair, refreshing, excited, exciting, relieved, relief, helped, wonderful service, lmao, lmfao, rofl, awsome, yummy, neat, super helpful, gem, champion, hero, 666, hhh, hhhh, hh, yyds, awsl, nb
1.5 | decent, reasonable, affordable, cute, pretty good, okay now, worked, welcome, xd, cheap enough, as expected, meets expectations, met expectations, works, comfy, lightweight, quiet, straightforward, intuitive, user friendly, flexible, thoughtful, considerate, respectful, informative, thorough, organized, organised, careful, careful packaging, well packaged, well packed, securely packed, arrived safely, safe and sound, intact, brand new, genuine, authentic, legit, compensation offered, refunded, reimbursed, credited, replaced, upgraded, congrats, congratulations, hope this helps, have a nice day, have a great day, have a good day, good to know, that helps, that helped, it helped, makes sense, wow, haha, hahaha, xswl
1 | ok now, alright now, better now, improving, acceptable, adequate, satisfactory, fair enough, not too bad, could be worse, nice to have, hopefully, glad to hear, noted with thanks, understood thanks, thanks anyway, thanks in advance, thx in advance, ty in advance, in advance, fine, lol, 233
0.5 | ok, okay, alright, sure thing, noted, understood, hope, would be nice, would be great, would be good, would be helpful, would be appreciated, would love, i'd love, id love, would appreciate, i'd appreciate, id appreciate, appreciate it if, hope you can
-0.3 | cheap, basic
-0.6 | issue, issues, concern, concerns, sigh, hmph, tight, loose, later than i thought
-1 | problem, problems, trouble, concerned, expired, expensive, pricey, long, hard, difficult, tricky, confused, uncertain, weird, strange, odd, unclear, vague, invalid, inconvenient, inconvenience, noisy, loud, cold, wet, boring, dull, misunderstanding, not ideal, could be improved, needs improvement, room for improvement, meh, unfortunately, unfortunate, sadly, downgrade, downgraded, forever, ages, so long, too much, too many, too small, too big, too short, too tight, too loose, too hard, too long, too late
-1.5 | slow, slowly, slower, late, later than expected, later than promised, delayed, delay, delays, wrong, error, errors, bug, bugs, glitch, glitches, stuck, frozen, freezes, freezing, lag, laggy, lagging, scratch, scratches, dent, stain, stains, stained, smelly, stinks, stale, soggy, melted, faded, shrunk, peeling, leaking, leaks, leak, overheating, overheats, drains, draining, complicated, confusing, struggle, struggling, struggled, worried, worry, worrying, nervous, anxious, afraid, scared, suspicious, spam, spammed, spamming, declined, blocked, locked, locked out, disconnected, cut off, incorrect, inaccurate, incomplete, mistake, mistakes, mix up, mixup, mixed up, chase, chasing, chased, nagging, inconsistent, unstable, sluggish, outdated, mediocre, average at best, underwhelming, unimpressed, dissapointing, barely works, hardly works, denied, rejected, refused, refuse, refuses, dispute, chargeback, escalate, escalating, demand, demanding, waited, been waiting, keep waiting, kept waiting, long wait, on hold, put on hold, no response, no reply, no answer, no update, no updates, no refund, no help, no support, smh, yikes, ugh, argh, urgh, grr, hmpf, overdue, past due, missed, missed delivery, missing, lost, took ages, taking ages, too slow, was promised, were promised, you promised, promised me, not the one i ordered, not the right, not the correct, the wrong one
-2 | bad, poor, poorly, worse, dislike, disliked, annoying, annoyed, annoys, irritating, irritated, fail, fails, failed, failing, failure, sucks, sucked, suck, lousy, flimsy, cheaply made, poorly made, dirty, torn, ripped, cracked, scratched, dented, broken, broke, breaks, damaged, damage, defect, defects, defective, faulty, malfunction, malfunctioning, crash, crashes, crashed, crashing, buggy, glitchy, dead, died, dies, corrupted, unreliable, unusable, useless, hopeless, clueless, careless, lazy, sloppy, messy, mess, messed up, screwed up, screwed, rude, unfriendly, impolite, unhelpful, unresponsive, ignored, ignoring, ignore, ignores, hung up, hang up, hangs up, overpriced, overcharged, overcharge, overcharging, double charged, charged twice, billed twice, wrong item, wrong size, wrong order, wrong color, wrong colour, wrong address, not as described, not what i ordered, not what i expected, nothing like, hassle, pain, painful, headache, nightmare, sad, upset, unhappy, stressed, stressful, embarrassing, embarrassed, regret, regrets, regretting, shocked, shocking, hate it, hated it, dont like, let down, letdown, rotten, moldy, mouldy, spoiled, expired food, shattered, smashed, crushed, bent, soaked, bricked, stopped working, stops working, stopped charging, fell apart, falls apart, falling apart, fell off, came off, came apart, dead on arrival, doa, not working, doesnt work, doesn't work, does not work, didnt work, didn't work, did not work, never arrived, never came, never received, never got, still waiting, still nothing, still no, taking forever, takes forever, took forever, kept me waiting, could be better, could have been better, should be better, expected better, expected more, expected much better, worst part, joke, a joke, misleading, false, hidden fees, hidden charges, extra fees, unauthorized, unauthorised, hacked, fraud alert, complaint, complain, complained, complaining, complaints, report you, disputing, not happy, not satisfied, what is going on, whats going on, what's going on, are you kidding, you kidding me, come on, gross, awkward
-2.5 | disappointed, disappointing, disappointment, frustrated, frustrating, frustration, dissatisfied, unsatisfied, terrible, terribly bad, horrible, awful, hate, hated, hates, angry, mad, pissed, pissed off, fed up, sick of, tired of, had enough, enough is enough, incompetent, unprofessional, disrespectful, ridiculous, absurd, insane, lied, lying, lie, lies, liar, cheated, cheat, cheating, stolen, stole, robbed, fake, counterfeit, knockoff, knock off, junk, rubbish, crap, crappy, trash, trashy, garbage, worthless, waste, wasted, wasting, waste of money, waste of time, total waste, rip off, ripoff, ripped off, scam, scammed, scammer, scammers, scamming, shady, dodgy, sketchy, deceptive, deceived, dishonest, misled, condescending, patronizing, patronising, arrogant, hostile, aggressive, insulting, insulted, offensive, humiliated, humiliating, harassed, harassment, mistreated, treated badly, bullshit, bs, shit, shitty, damn it, dammit, hell no, wtf, ffs, omfg, stupid, idiot, idiots, morons, pathetic, shameful, shame on you, disgrace, disgraceful, unacceptable, inexcusable, outrageous, appalled, appalling, disgusted, disgusting, horrified, horrendous, atrocious, abysmal, dreadful, furious, livid, outraged, infuriating, infuriated, enraged, never again, never buying again, never ordering again, never shopping here again, thanks for nothing, piece of junk, piece of crap, piece of shit, worst, worst ever, worst experience, worst service, legal action, lawyer, suing, lawsuit, fuck, fucked, fucking, screw you, third time, 3rd time, fourth time, fifth time, how many times, times already, for the last time, yet again, again and again, over and over, what the hell, what the heck, are you serious, tmd, sb, cnm, nmsl
`);

/** Words that say little until negated ("doesn't work", "no reply"), and positives whose negation is worse than a flip. */
const EN_NEGATED = negated(`
-2 | work, works, worked, working, function, functioning, help, helped, helping, care, cared, care about, listen, listened, honor, honour, honored, honoured, respond, responded, responding, reply, replied, response, answer, answered, answering, fix, fixed, solve, solved, resolve, resolved, sort, sorted
-1.5 | arrive, arrived, arriving, come, came, coming, show up, shown up, showed up, turn up, turned up, receive, received, receiving, deliver, delivered, delivering, delivery, refund, refunded, reimburse, reimbursed, compensate, compensated, support, call, called, calling, call back, callback, contact, contacted, update, updated, charge, charged, charging, turn on, start, starts, started, load, loads, loaded, loading, open, opens, opened, connect, connects, connected, sync, syncs, synced, fit, fits, fitted, match, matches, matched, last, lasted, replace, replaced, exchange, exchanged, accept, accepted, accepts, recommend, buy, buying, bought, purchase, purchased, come back, order again, buy again, shop here again, like, liked, want it, worth, worth it, meet, met, arrive on time, on time, apply, applied, honoured, credited, added
-1.2 | explain, explained, tell, told, inform, informed, notify, notified, order, ordered, happen, happened, find, found, track, tracking, log in, login, sign in, pay, paid, go through, went through
-0.6 | get, got, gotten, getting, send, sent, sending, ship, shipped, shipping, dispatch, dispatched, move, moved, moving, change, changed, process, processed, understand, understood, expect, expected, see, heard, hear
`);

const EN_NEGATORS = role(
  "neg",
  `
1 | not, no, never, none, nobody, nothing, nowhere, neither, nor, without, cannot, cant, dont, doesnt, didnt, isnt, wasnt, arent, werent, wont, wouldnt, couldnt, shouldnt, havent, hasnt, hadnt, aint, no one, not even, not once, not a single, lack, lacking, lacks, lacked, zero
1.2 | never ever, absolutely no, absolutely not, definitely not, certainly not, by no means, not at all
0.8 | hardly, barely, scarcely, rarely, seldom
`,
);

const EN_INTENSIFIERS = role(
  "int",
  `
1.7 | extremely, incredibly, insanely, ridiculously, unbelievably, exceptionally, utterly, absurdly, outrageously, hugely, immensely, massively, super duper, beyond, so so
1.5 | absolutely, totally, completely, entirely, thoroughly, truly, seriously, terribly, awfully, horribly, highly, deeply, extraordinarily, remarkably, particularly, especially, freaking, frickin, fricking, fucking, effing, bloody, damn, damned, mega, hella, way too, far too, so very, really really, can't believe, cant believe, cannot believe, such a, such an
1.3 | very, really, so, super, too, such, most, real, way, much, so much, big, huge, extra, mighty, majorly, pretty darn, quite a, genuinely, definitely, certainly, literally, always, constantly, even
1.1 | quite, pretty, rather, fairly, more, just
0.6 | a bit, a little, a tad, slightly, somewhat, kind of, kinda, sort of, sorta, a little bit, mildly, marginally, partly, partially, a touch, almost, nearly
`,
);

const EN_POST = role(
  "post",
  `
1.5 | at all, whatsoever, as hell, af, as heck, beyond belief, of all time, ever
0.6 | a bit, a little, a little bit, somewhat, kind of, sort of
`,
);

export const EN_SLANG: Record<string, string> = {
  thx: "thanks",
  thnx: "thanks",
  thanx: "thanks",
  tnx: "thanks",
  tks: "thanks",
  thks: "thanks",
  ty: "thanks",
  tysm: "thanks",
  tyvm: "thanks",
  thankz: "thanks",
  thanq: "thanks",
  "3q": "thanks",
  luv: "love",
  lurve: "love",
  gr8: "great",
  grt: "great",
  gud: "good",
  gd: "good",
  noice: "nice",
  awsm: "awesome",
  amazin: "amazing",
  perf: "perfect",
  pls: "please",
  plz: "please",
  plox: "please",
  u: "you",
  ur: "your",
  r: "are",
  y: "why",
  wat: "what",
  wut: "what",
  wht: "what",
  hw: "how",
  cuz: "because",
  coz: "because",
  bc: "because",
  rly: "really",
  rlly: "really",
  srsly: "seriously",
  v: "very",
  im: "i'm",
  ive: "i've",
  idk: "not sure",
  dunno: "not sure",
  idc: "don't care",
  nvm: "never mind",
  imo: "i think",
  btw: "by the way",
  asap: "asap",
  b4: "before",
  l8: "late",
  l8r: "later",
  sux: "sucks",
  suxx: "sucks",
  crappp: "crap",
  wth: "what the hell",
  omg: "omg",
  recieve: "receive",
  recieved: "received",
  dissapointed: "disappointed",
  disapointed: "disappointed",
  dissappointed: "disappointed",
  terible: "terrible",
  terrable: "terrible",
  horible: "horrible",
  horribel: "horrible",
  awfull: "awful",
  excelent: "excellent",
  exellent: "excellent",
  rediculous: "ridiculous",
  ridiculus: "ridiculous",
  unacceptible: "unacceptable",
  frustating: "frustrating",
  helpfull: "helpful",
  usefull: "useful",
  gonna: "going to",
  wanna: "want to",
  gotta: "got to",
};

const EN_HEDGES = list(
  "hedge",
  "not sure, not sure yet, unsure, don't know, dont know, do not know, not know, no idea, not certain, not clear on, i wonder, wondering, wonder, maybe, perhaps, possibly, might, i guess, guess, curious, just checking, just wondering, not sure if, not sure whether, not sure which, not decided, undecided, haven't decided, thinking about, considering, i think, i believe, either way, hmm, hmmm",
);
const EN_COND = list("cond", "if, unless, in case, whether, suppose, supposing, assuming, would it, what if, in the event");
const EN_CONTRAST = list("contrast", "but, however, except, nevertheless, nonetheless, that said, on the other hand");
const EN_CONCEDE = list("concede", "although, though, even though, despite, in spite of, apart from, aside from");
const EN_DESIRE = list("desire", "need, needs, want, wants, would like, i'd like, id like, hope, hoping, please, pls, must, must be, have to, has to, should, demand, request, requesting, asking for, waiting for, expect it");
const EN_COUNTER = list("counter", "expected, was expecting, were expecting, expecting, hoped for, was hoping for, supposed to be, should have been, should've been");
const EN_FRUST = list(
  "frust",
  "still, again, already, by now, anymore, constantly, repeatedly, every time, each time, every single time, multiple times, several times, many times, so many times, countless, for weeks, for days, for months, for hours, for ages, weeks now, days now, keeps, keep, kept, once again, asap, immediately, right now, now",
);
const EN_QWORDS = list("qword", "what, where, when, why, how, who, which, whose, whom, what's, where's, when's, how's, who's, wat, any update, any news");
/** Auxiliaries that open a yes/no question when they come first in a clause. */
export const EN_AUX = new Set(
  "is, are, am, was, were, do, does, did, can, could, will, would, should, shall, may, might, has, have, had, isn't, aren't, don't, doesn't, didn't, can't, won't, wouldn't, couldn't, shouldn't, hasn't, haven't, isnt, arent, dont, doesnt, didnt, cant, wont, wouldnt, couldnt, shouldnt, hasnt, havent, any".split(", "),
);
const EN_RHET = list("rhet", "why, how come, what the hell, what the heck, wtf, seriously, are you kidding, are you serious, who the hell, can't you, cant you, why would, why did, why does, why is, why are, how hard");
const EN_GREET = list("greet", "hi, hello, hey, hiya, dear, good morning, good afternoon, good evening, good day, good night, morning, greetings, howdy, yo, hi there, hello there, hope you're well, hope you are well, hope you're doing well, hope you are doing well");
const EN_BLOCK = list(
  "block",
  "please, sorry, like, would like, i'd like, id like, feel like, looks like, look like, seems like, later, later today, see you later, good morning, good afternoon, good evening, good night, well then, as well, very well, pretty much, last, fine print, refund policy, return policy, customer service, support team, help desk, helpdesk, order number, tracking number, please help, help me, can you help, could you help, need help, need some help, any help, help with, no thanks, no thank you, thanks but no, right, sure, yes, yeah, yep, no no, free, kind regards, best regards, regards, best wishes, all the best, best price, lowest price, sale, discount, deal, first class, express, premium, kindly, what kind, this kind, that kind, any kind, some kind, all kinds, quick question, best way, the best way, what kind, this kind, that kind, any kind, some kind, as long as, how long, by the way, sorry to bother, to bother you, long time",
);

// ---------------------------------------------------------------- Chinese

const ZH_VALENCE = valence(`
3.5 | 完美, 超赞, 五星好评, 好评如潮, 神器, 绝了, 牛逼, 牛批, 牛掰, 物超所值, 没得说, 没话说, 没的说, 无可挑剔, 非常完美, 十全十美, 赞不绝口, 爱死了, 太爱了, 一百分, 满分
3 | 好评, 棒, 优秀, 出色, 精彩, 惊喜, 感动, 感激, 爱了, 超值, 给力, 赞, 点赞, 强烈推荐, 五星, 神速, 贴心, 无敌, 一流, 顶呱呱, 杠杠的, 牛, 厉害, 佩服, 满意至极, 赞一个, 必须好评, 好评好评, 物美价廉, 性价比超高, 性价比很高, 性价比高
2.5 | 满意, 喜欢, 开心, 高兴, 愉快, 快乐, 感谢, 谢谢, 多谢, 谢啦, 谢了, 谢谢你, 谢谢您, 感恩, 辛苦了, 辛苦你了, 辛苦您了, 好用, 靠谱, 省心, 周到, 用心, 专业, 热情, 耐心, 细心, 亲切, 友好, 好看, 漂亮, 精美, 精致, 美观, 舒服, 舒适, 好吃, 美味, 好玩, 划算, 实惠, 值得, 推荐, 回购, 放心, 安心, 欣慰, 幸福, 完好, 完好无损, 崭新, 正品, 耐用, 结实, 牢固, 高效, 效率高, 流畅, 顺滑, 惊艳, 到位, 解决了, 搞定了, 修好了, 处理好了, 好极了, 真香, 可以的, 很可以, 没毛病, 不赖, 棒棒哒, 么么哒, 好样的, 感谢师傅, 帮了大忙
2 | 好, 不错, 合适, 合身, 方便, 便捷, 快捷, 迅速, 及时, 准时, 按时, 稳定, 清晰, 清爽, 干净, 新鲜, 便宜, 值, 顺利, 顺畅, 搞定, 修好, 处理好, 解决, 认真, 负责, 礼貌, 热心, 良好, 美好, 优质, 上乘, 好评率, 挺好的, 好多了, 改善, 改进了, 进步, 靠得住, 可靠, 持久, 保真, 原装, 厚道, 诚信, 良心, 有良心, 好心, 好人, 加油, 期待, 生意兴隆, 大气, 有面子, 体面, 轻便, 轻巧, 安静, 灵敏, 哈哈, 哈哈哈, 嘻嘻, 耶, 666, 稳, 幸亏, 难得, 精细, 做工精细, 颜色正, 颜色很正, 一如既往
1.5 | 快, 正常, 清楚, 明白了, 懂了, 收到了谢谢, 还不错, 挺不错, 好转, 幸好, 正好, 恰到好处, 欢迎, 祝, 嘿嘿, 有效, 有用, 管用, 能用, 好使, 到账了, 补发了, 退款成功, 已解决, 已处理, 处理了, 提前, 提前到了, 速度快, 发货快, 物流快, 不贵, 省钱, 惊喜不断, 强
1 | 还可以, 可以的话, 凑合能用, 理解, 能理解, 明白, 知道了谢谢, 好了, 没事, 没关系, 没问题, 没有问题, 不客气, 不用谢, 到账, 辛苦, 刚好, 正品保证, 包邮, 优惠
0.5 | 还行, 还好, 可以, 好的, 嗯好, 行吧, 希望
-0.5 | 一般般, 凑合, 马马虎虎, 勉强, 将就, 好吧, 算是吧, 呃, 额, 哎, 哎呀, 尽快, 赶快, 赶紧, 快点, 快一点, 快些, 催, 催单, 久等, 只好, 不得不, 非要, 紧急, 急用, 偏小, 偏大, 偏短, 偏长
-1 | 一般, 问题, 有点问题, 贵, 偏贵, 昂贵, 缺货, 缺, 少了, 迟, 晚了, 久, 等了很久, 等了好久, 复杂, 麻烦, 不方便, 不一样, 纠结, 头大, 怕, 担心, 急, 着急, 吵, 吵闹, 噪音, 声音大, 模糊, 小了, 大了, 短了, 旧, 旧的, 二手, 翻新, 难, 困难, 算了, 无聊, 哼, 唉, 可惜, 遗憾, 不如, 还不如, 比不上, 一言难尽, 没办法, 没法子, 没辙, 乱, 乱码, 报错, 出错, 异常, 卡住, 等半天, 白等, 干等, 奇怪, 很卡, 太卡, 好卡, 有点卡, 卡卡的, 特别卡, 超卡, 好久
-1.5 | 慢, 延迟, 延误, 拖, 拖了, 迟迟, 错过, 错误, 错, 不对, 毛病, 有问题, 缺陷, 故障, 报修, 划痕, 刮花, 色差, 掉色, 褪色, 起球, 变形, 污渍, 脏, 臭, 异味, 怪味, 漏, 漏水, 漏气, 掉线, 断网, 没网, 没信号, 信号差, 卡顿, 发热, 发烫, 耗电, 耗电快, 闪屏, 费劲, 累, 心累, 头疼, 困扰, 烦恼, 焦虑, 害怕, 不开心, 不高兴, 不舒服, 不满意, 难受, 委屈, 可笑, 离谱了, 赔偿, 退钱, 还钱, 退款退款, 不值, 不值得, 亏, 亏了, 吃亏, 多收, 多扣, 重复扣款, 扣两次, 扣了两次, 乱收费, 收费高, 不专业, 不耐烦, 不行, 不怎么样, 不咋样, 不咋地, 不好, 不太行, 不理想, 没效果, 看不懂, 听不懂, 搞不懂, 弄不懂, 不清不楚, 含糊, 繁琐, 麻烦死了, 折腾, 来不及, 找不到, 收不到, 没收到, 没到, 没到货, 还没到, 没发货, 不发货, 没动静, 没消息, 没下文, 没回应, 没回复, 没回音, 没反应, 丢了, 丢件, 丢失, 不见了, 少发, 漏发, 少件, 缺件, 发错, 寄错, 送错, 搞错, 弄错, 拿错, 错发, 丑, 难看, 难闻, 难用, 难吃, 一般般吧, 郁闷, 心塞, 闹心, 糟心, 烦, 烦人, 讨厌, 恨, 不爽, 不满, 吐槽, 失败, 不幸, 倒霉, 晦气, 惨, 哭了, 哭, 呵呵, 呵呵哒, 无奈, 无效, 没用, 没啥用, 没什么用, 不管用, 不好用, 不能用, 没法用, 用不了, 打不开, 登不上, 登录不上, 登录不了, 连不上, 打不通, 开不了机, 充不进电, 充不上电, 退不了, 改不了, 付不了, 取消不了, 点不开, 进不去, 没声音, 没有声音, 黑屏, 白屏, 蓝屏, 花屏, 死机, 闪退, 卡死, 坏, 坏了, 损坏, 破损, 破了, 破, 碎, 碎了, 裂, 裂了, 裂开, 压坏, 摔坏, 断了, 掉了, 生锈, 发霉, 过期, 变质, 不新鲜, 粗糙, 做工差, 劣质, 次品, 残次品, 瑕疵, 缩水, 偷工减料, 严重, 不敢用, 不敢吃, 没货, 白买, 白买了, 白花
-2 | 差, 极差, 差劲, 烂, 糟糕, 糟, 失望, 生气, 恼火, 愤怒, 火大, 崩溃, 抓狂, 无语, 受不了, 忍不了, 无法忍受, 忍无可忍, 后悔, 上当, 受骗, 被骗, 骗, 骗人, 骗钱, 忽悠, 坑, 坑人, 坑爹, 被坑, 宰客, 套路, 虚假, 虚假宣传, 夸大, 夸大宣传, 欺骗, 欺诈, 假, 假货, 假的, 山寨, 仿冒, 高仿, 水货, 货不对板, 图文不符, 描述不符, 与描述不符, 不符, 不一致, 态度差, 态度恶劣, 恶劣, 粗鲁, 无礼, 无理, 傲慢, 冷漠, 敷衍, 推诿, 推脱, 踢皮球, 甩锅, 扯皮, 爱答不理, 不理不睬, 没人理, 没人管, 没人回, 没人回复, 没人接, 没人处理, 没人解决, 不负责, 不负责任, 刁难, 威胁, 骂, 骂人, 吵架, 欺负, 投诉, 举报, 差评, 给差评, 曝光, 维权, 消协, 消费者协会, 工商局, 起诉, 告你们, 律师, 垃圾, 辣鸡, 恶心, 离谱, 过分, 荒唐, 奇葩, 无良, 黑心, 奸商, 无耻, 不要脸, 智障, 脑残, 废物, 傻, 蠢, 鸡肋, 悲剧, 伤心, 难过, 绝望, 气人, 气死, 气死我了, 气死了, 烦死了, 烦死, 急死了, 急死, 乱七八糟, 一塌糊涂, 什么破, 破玩意, 破东西, 垃圾东西, 浪费, 浪费钱, 浪费时间, 白花钱, 霸王条款, 再也不买, 再也不会买, 不会再买, 再也不来, 再也不会来, 不会再来, 再也不用, 拉黑, 卧槽, 我靠, 靠, 妈的, 他妈的, 尼玛, 草, 呸, 滚, 怎么搞的, 搞什么, 搞什么鬼, 什么鬼, 怎么回事, 咋回事, 凭什么, 第三次, 三次了, 好几次了, 多少次了, 说了多少次, 一次又一次, 没完没了
`);

const ZH_NEGATED = negated(`
-2 | 理, 理会, 理睬, 管, 解决, 处理, 修好, 帮, 帮忙, 帮助, 负责, 回复, 回应, 答复, 用, 能用, 使用, 好用, 管用, 工作, 运行, 开机, 启动, 充电, 登录, 登陆, 打开, 连接, 联网, 接通, 接电话
-1.5 | 收到, 到, 到货, 到账, 发货, 发, 寄, 寄出, 送, 送到, 送达, 签收, 退款, 退, 退货, 退钱, 赔, 补发, 回, 回答, 联系, 通知, 告诉, 说明, 解释, 动静, 消息, 更新, 反应, 效果, 修, 换, 更换, 处理好, 买, 来, 出来, 回来, 给, 满意, 喜欢, 靠谱, 值, 值得, 推荐, 合适, 新鲜, 正品, 支付, 付款, 扣款, 对
-1 | 看, 看到, 找到, 发现, 通过, 成功, 审核, 批准, 同意, 接受, 承认, 认, 及时, 准时, 快, 清楚, 明白, 懂, 理解, 知道
`);

const ZH_NEGATORS = role(
  "neg",
  `
1 | 不, 没, 没有, 别, 不是, 并不, 并没有, 并没, 未, 无, 无法, 非, 并非, 不能, 不会, 不肯, 不给, 不让, 不准, 没法, 没啥, 没什么, 没人, 没有人, 不再, 再也没, 尚未
1.3 | 一点都不, 一点也不, 一点儿都不, 一点儿也不, 根本不, 根本没, 根本没有, 完全不, 完全没, 完全没有, 绝对不, 绝不, 从不, 从没, 从来不, 从来没, 从来没有, 毫不, 毫无, 压根不, 压根没, 丝毫不, 丝毫没有, 一直没, 一直不, 始终没, 始终不, 迟迟不, 迟迟没, 死活不
0.7 | 不太, 不大, 不怎么, 不够, 没那么, 不那么, 不算, 不是很, 不是太, 不是特别, 不算太, 不算很
`,
);

const ZH_INTENSIFIERS = role(
  "int",
  `
1.8 | 太, 超级, 极其, 极度, 极为, 最, 巨, 贼, 特么, 死, 太过, 过于, 无比, 相当地, 简直, 实在是, 真心, 超级无敌, 非常非常, 特别特别
1.6 | 强烈, 非常, 特别, 超, 十分, 相当, 格外, 分外, 尤其, 异常地, 如此, 多么, 那叫一个, 真是太, 实在, 完全, 彻底, 绝对, 根本
1.3 | 很, 真的, 真是, 挺, 蛮, 怪, 好生, 更, 更加, 越来越, 愈发, 这么, 那么, 这样, 够, 老, 总是
0.9 | 比较, 较, 还算, 算是, 相对
0.6 | 有点, 有点儿, 有些, 有一点, 有一点点, 稍微, 稍, 略, 略微, 稍稍, 一丢丢, 些许
`,
);

const ZH_POST = role(
  "post",
  `
2 | 死了, 死我了, 极了, 透了, 透顶, 至极, 得要命, 得要死, 得不行, 得不得了, 爆了, 炸了, 到家了, 疯了
1.6 | 得厉害, 得很厉害
1.4 | 得很, 得多, 多了, 太多了, 的很, 得慌
0.6 | 一点, 一点点, 一些, 了点, 了些, 点儿
`,
);

const ZH_DUAL = role("dual", `1.5 | 好, 严重, 真`);

const ZH_HEDGES = list(
  "hedge",
  "不知道, 不确定, 不清楚, 不太清楚, 不一定, 未必, 可能, 也许, 或许, 大概, 好像, 似乎, 貌似, 应该, 估计, 想问, 想问一下, 想了解, 了解一下, 咨询, 咨询一下, 考虑, 考虑一下, 犹豫, 不懂, 不太懂, 不会用, 不知, 拿不准, 说不准, 不好说, 看看, 先看看, 恐怕, 🤔",
);
const ZH_COND = list("cond", "如果, 要是, 假如, 万一, 的话, 倘若, 若是, 假设, 如果说, 是否, 若");
const ZH_CONTRAST = list("contrast", "但是, 但, 可是, 不过, 然而, 却, 只是, 就是说, 可惜的是");
const ZH_CONCEDE = list("concede", "虽然, 虽说, 尽管, 虽, 即使, 即便, 哪怕");
const ZH_DESIRE = list("desire", "希望, 想要, 要求, 需要, 请, 请尽快, 麻烦尽快, 务必, 必须, 一定要, 赶紧给");
const ZH_COUNTER = list("counter", "本以为, 以为, 原以为, 还以为, 说好的, 说好, 号称, 宣传说");
const ZH_FRUST = list(
  "frust",
  "还, 还是, 依旧, 又, 又是, 一直, 总是, 老是, 每次, 每回, 再三, 反复, 屡次, 多次, 几次, 好几次, 到现在, 至今, 直到现在, 到现在都, 始终, 仍然, 依然, 仍, 都, 已经, 竟然, 居然, 怎么还, 怎么又, 不停, 不断, 天天, 整天",
);
const ZH_QWORDS = list("qword", "什么, 怎么, 怎样, 怎么样, 如何, 哪, 哪里, 哪儿, 哪个, 哪些, 几, 几点, 几天, 多少, 多久, 多长时间, 是否, 能不能, 可不可以, 有没有, 是不是, 会不会, 要不要, 行不行, 好不好, 对不对, 请问, 咋, 啥, 什么时候, 何时, 为何, 在吗, 在不在");
const ZH_RHET = list("rhet", "为什么, 为啥, 凭什么, 怎么回事, 怎么搞的, 搞什么, 什么鬼, 难道, 到底, 究竟, 怎么还, 怎么又, 怎么这么, 咋回事, 咋还, 干嘛, 干什么吃的, 有没有搞错, 搞没搞错, 还让不让人");
const ZH_GREET = list("greet", "你好, 您好, 在吗, 亲, 哈喽, 嗨, 早上好, 下午好, 晚上好");
const ZH_QPART = list("qpart", "吗, 么, 呢, 嘛");
const ZH_EMPH = list("emph", "啊, 呀, 啦, 哇, 哈, 喔, 嘞, 咯");
const ZH_SOFT = list("soft", "吧, 吧吧");
const ZH_BLOCK = list(
  "block",
  "快递, 快递员, 快递小哥, 快要, 快到, 加快, 凉快, 好几, 好多, 好像, 好好的, 好奇, 爱好, 好友, 你好, 您好, 最好, 恰好, 只好, 好处, 好不好, 好不容易, 差不多, 出差, 差价, 差额, 差异, 时差, 差点, 差一点, 慢慢, 慢走, 慢用, 贵公司, 贵司, 宝贵, 多久, 永久, 不久, 没多久, 不用, 不要, 不想, 不好意思, 不管, 不过, 不然, 不少, 不仅, 不但, 不止, 不断, 不停, 不得了, 不到, 不如说, 对不起, 抱歉, 麻烦你, 麻烦您, 麻烦帮, 麻烦请, 麻烦尽快, 麻烦查, 麻烦看, 麻烦问, 麻烦给, 麻烦处理, 麻烦告诉, 麻烦了, 没想到, 没几天, 没空, 没收, 未来, 未知, 无论, 无所谓, 无线, 无人机, 无糖, 无需, 无缝, 无限, 非得, 是非, 除非, 别人, 别的, 特别, 区别, 分别, 级别, 告别, 识别, 类别, 性别, 别家, 别处, 来说, 后来, 原来, 本来, 起来, 下来, 过来, 看来, 将来, 从来, 来电, 来自, 理由, 道理, 管理, 经理, 修理, 理赔, 处理中, 发票, 发现, 开发, 发送, 发给, 出发, 卡号, 银行卡, 信用卡, 会员卡, 卡片, 购物卡, 礼品卡, 储蓄卡, 卡包, 流量卡, 电话卡, 一般来说, 一般情况, 一般多久, 一般几天, 一般是, 一般都, 假期, 放假, 请假, 休假, 草莓, 草稿, 草坪, 问题是, 有个问题, 一个问题, 几个问题, 咨询个问题, 请问个问题, 问个问题, 想问个问题, 到底是, 退货地址, 退款流程, 退款申请, 退货流程, 联系方式, 联系电话, 回头, 回去, 回家, 使用说明, 说明书, 解释一下, 用法, 用户, 使用方法, 费用, 运费, 依靠, 额度, 金额, 余额, 滚动, 优惠券, 草草",
);

// ---------------------------------------------------------------- shared

/** Emoji and emoticons, read the same in both languages. */
export const EMOJI: Record<string, number> = {
  "😀": 2, "😃": 2, "😄": 2, "😁": 2, "😆": 1.5, "😊": 2, "🙂": 1, "☺": 1.5, "😍": 3, "🥰": 3, "😘": 2, "😻": 2,
  "❤": 2.5, "💕": 2.5, "💖": 2.5, "💗": 2.5, "💓": 2.5, "💯": 2, "👍": 2, "👏": 2, "🙌": 2, "🎉": 2, "🥳": 2.5,
  "✨": 1, "🌟": 2, "⭐": 1.5, "👌": 1.5, "🙏": 1.5, "😇": 1.5, "🤗": 2, "😎": 1.5, "💪": 1.5, "✅": 1, "😂": 1,
  "🤣": 1, "😉": 1, "😋": 1.5, "🤩": 2.5, "😌": 1, "🌹": 1.5, "🎁": 1, "😅": 0.3,
  "😡": -3, "😠": -2.5, "🤬": -3.5, "😤": -2, "👎": -2.5, "😞": -2, "😔": -1.5, "😟": -1.5, "😢": -2, "😭": -2.5,
  "😩": -2.5, "😫": -2.5, "😖": -2, "😣": -2, "😒": -2, "🙄": -2, "😑": -1, "😐": -0.5, "😕": -1.5, "🙁": -1.5,
  "☹": -2, "😬": -1, "😰": -1.5, "😨": -1.5, "😱": -2, "🤦": -2, "💩": -2.5, "🤮": -3, "🤢": -2.5, "💔": -2.5,
  "😪": -1, "😓": -1.5, "🥺": -0.5, "❌": -1.5, "⚠": -1, "🖕": -3.5, "😿": -2, "🤯": -1.5, "😮‍💨": -1,
};

export const EMOTICONS: Record<string, number> = {
  ":)": 1.5, ":-)": 1.5, ":]": 1.5, "=)": 1.5, ":D": 2, ":-D": 2, ";)": 1, ";-)": 1, ":P": 1, ":p": 1, ":-P": 1,
  "<3": 2.5, "^_^": 2, "^^": 1.5, "(:": 1.5, ":3": 1,
  ":(": -2, ":-(": -2, ":'(": -2.5, ":/": -1, ":-/": -1, ":\\": -1, ":|": -0.5, ">:(": -3, "=(": -2, ":@": -2.5,
  "</3": -2.5, "T_T": -2, "T.T": -2, "TAT": -1.5, "QAQ": -1.5, "-_-": -1, "-.-": -1, ">_<": -1, "o_O": -0.5,
  "[微笑]": 0, "[强]": 2, "[赞]": 2.5, "[握手]": 1, "[玫瑰]": 1.5, "[爱心]": 2.5, "[偷笑]": 1, "[愉快]": 2, "[呲牙]": 1.5,
  "[怒]": -2.5, "[发怒]": -2.5, "[流泪]": -2, "[大哭]": -2.5, "[难过]": -2, "[抓狂]": -2.5, "[鄙视]": -2.5,
  "[弱]": -2, "[衰]": -1.5, "[撇嘴]": -1, "[白眼]": -2, "[捂脸]": -1, "[汗]": -1, "[晕]": -1.5, "[再见]": 0,
};

function merge(...groups: Array<Array<[string, Lex]>>): Map<string, Lex> {
  const out = new Map<string, Lex>();
  for (const group of groups) {
    for (const [key, lex] of group) {
      const prev = out.get(key);
      if (!prev) {
        out.set(key, { ...lex });
        continue;
      }
      // A role already set stays; the word's valences from a later table are added beside it.
      if (lex.v !== undefined) prev.v = lex.v;
      if (lex.n !== undefined) prev.n = lex.n;
      if (lex.role !== undefined && prev.role === undefined) {
        prev.role = lex.role;
        prev.x = lex.x;
      }
    }
  }
  return out;
}

const POLITE_EN = ["thanks", "thank", "thank you", "thankyou", "appreciate", "appreciated", "much appreciated", "really appreciate", "cheers", "grateful", "thankful", "thank you so much", "thanks so much", "thanks a million", "thank you very much", "thanks in advance", "in advance", "kindly"];
const POLITE_ZH = ["谢谢", "感谢", "多谢", "谢啦", "谢了", "谢谢你", "谢谢您", "感恩", "辛苦了", "辛苦你了", "辛苦您了", "麻烦了"];

function withPolite(map: Map<string, Lex>, words: string[]): Map<string, Lex> {
  for (const w of words) {
    const lex = map.get(w);
    if (lex) lex.polite = true;
  }
  return map;
}

/** Roles first: a word that is both a negator and a valence word ("no one") is read by its role. */
export const EN_LEXICON: Map<string, Lex> = withPolite(
  merge(
    EN_NEGATORS,
    EN_INTENSIFIERS,
    EN_POST,
    EN_HEDGES,
    EN_COND,
    EN_CONTRAST,
    EN_CONCEDE,
    EN_COUNTER,
    EN_DESIRE,
    EN_RHET,
    EN_QWORDS,
    EN_GREET,
    EN_FRUST,
    EN_BLOCK,
    EN_VALENCE,
    EN_NEGATED,
  ),
  POLITE_EN,
);

export const ZH_LEXICON: Map<string, Lex> = withPolite(
  merge(
    ZH_NEGATORS,
    ZH_INTENSIFIERS,
    ZH_POST,
    ZH_DUAL,
    ZH_HEDGES,
    ZH_COND,
    ZH_CONTRAST,
    ZH_CONCEDE,
    ZH_COUNTER,
    ZH_DESIRE,
    ZH_RHET,
    ZH_QWORDS,
    ZH_GREET,
    ZH_QPART,
    ZH_EMPH,
    ZH_SOFT,
    ZH_FRUST,
    ZH_BLOCK,
    ZH_VALENCE,
    ZH_NEGATED,
  ),
  POLITE_ZH,
);

/** 好的 alone is "OK"; after a degree adverb (挺好的, 很好的) it is "good". */
for (const [word, i] of [["好的", 2], ["好了", 2], ["可以", 1.5], ["还行", 1]] as const) {
  const lex = ZH_LEXICON.get(word);
  if (lex) lex.i = i;
}
