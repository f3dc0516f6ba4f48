import { z } from "zod";
import type { ContentPart } from "../message";
import type { RoutingRequest } from "../routing-config";
import type { IntentResult } from "../nlp/intent";
import type { Sentiment } from "../nlp/sentiment";
import type { Entity } from "../nlp/entities";
import type { Lang } from "../nlp/language";
import type { BanditContext, BotAction } from "./bandit";
import { rewardFor } from "./bandit";
import type { BotConfig } from "./config";
import { BOT_TEXT, STARTER_LABELS } from "./messages";
import type { OrderAnswer } from "./order-status";

/** A knowledge-base entry the bot may answer with (the search result, reduced to what a reply needs). */
export const KbHit = z
  .object({ id: z.string(), title: z.string(), answer: z.string(), score: z.number(), quick_replies: z.array(z.string()).optional() })
  .meta({ id: "KbHit" });
export type KbHit = z.infer<typeof KbHit>;

/** What the bot remembers about one conversation between turns. */
export type DialogState = {
  turns: number;
  /** Answers that did not help and clarifications asked: each one brings a handoff closer. */
  failures: number;
  awaiting: null | { kind: "feedback"; entry_id: string; episode: number } | { kind: "clarify"; options: string[]; episode: number };
  /** The conversation is with a person (or resolved by the bot): later messages are not the bot's. */
  done: boolean;
  /** Done because the customer said the bot's answer helped: a reopen means it did not hold. */
  resolved: boolean;
  last_intent: string | null;
};

export const NEW_DIALOG: DialogState = { turns: 0, failures: 0, awaiting: null, done: false, resolved: false, last_intent: null };

export type HandoffReason = "requested" | "business_rule" | "negative_sentiment" | "not_helped" | "repeated_failure" | "low_confidence" | "policy" | "unsupported_content";

export type TurnInput = {
  text: string;
  lang: Lang;
  intent: IntentResult;
  sentiment: Sentiment;
  entities: Entity[];
  hits: KbHit[];
  channel: string;
  tier: string;
  state: DialogState;
  config: BotConfig;
  /** The conversation's queue is one the bot does not answer for (BotConfig.queues). */
  offQueue?: boolean;
  /** The status of the order the customer asks about, from the tenant's order system (shared/bot/order-status.ts). */
  order?: OrderAnswer | null;
  /** The learnt policy: picks one of `allowed` for this context. */
  choose: (ctx: BanditContext, allowed: BotAction[]) => BotAction;
};

/** A reward the policy should learn from: `episode` names the earlier decision it belongs to. */
export type Settlement = { episode: number; reward: number };

export type TurnDecision = {
  action: BotAction | "resolve" | "greet";
  /** What the bot sends; empty when it says nothing. */
  parts: ContentPart[];
  handoff: null | { reason: HandoffReason; routing: RoutingRequest };
  /** A decision of the policy: rewarded now when `reward` is set, else later through `settle` by its stored id. */
  episode: null | { ctx: BanditContext; action: BotAction; reward?: number };
  /** What the bot waits for next; the caller puts the stored episode's id into `state.awaiting`. */
  awaits: null | { kind: "feedback"; entry_id: string } | { kind: "clarify"; options: string[] };
  settle: Settlement[];
  state: DialogState;
};

const HUMAN_REQUEST = /\b(human|agent|person|representative|operator|real (?:person|people)|someone real|live (?:chat|support)|customer service rep)\b|人工|真人|转人工|客服人员|找客服|接线员/iu;
const YES = /^(?:y|ya|yes|yep|yeah|yup|sure|ok(?:ay)?|thanks?|thank you|ty|thx|solved|perfect|great|that helped|it helped|helpful|👍)\b|^(?:是|是的|好的|好|嗯|对|对的|解决了|有用|有帮助|谢谢|可以了|明白了|行)/iu;
const NO = /^(?:n|no|nope|nah|not really|didn'?t help|did not help|doesn'?t help|useless|wrong|that'?s not it)\b|^(?:不是|没有|没用|不行|没解决|不对|没帮助|不是这个)/iu;

/** Intents that name no problem to solve: they neither route nor label a visitor's behaviour. */
const NOT_A_TOPIC = new Set(["unknown", "greeting", "talk_to_human"]);

/** Quick-reply values the bot's own buttons send back. */
export const REPLY = { helped: "bot:helped", notHelped: "bot:human", human: "bot:human" } as const;

function feedbackOf(text: string): "yes" | "no" | null {
  const t = text.trim();
  if (t === REPLY.helped) return "yes";
  if (t === REPLY.notHelped) return "no";
  if (NO.test(t)) return "no";
  if (YES.test(t)) return "yes";
  return null;
}

export function wantsHuman(text: string): boolean {
  return text.trim() === REPLY.human || HUMAN_REQUEST.test(text);
}

/**
 * Which offered option a reply picks: the button's value, or, where a channel shows buttons as text (SMS, e-mail),
 * the label typed back or its number in the list.
 */
export function pickedOption(reply: string, options: string[], labelOf: (o: string) => string): string | undefined {
  const t = reply.trim().toLowerCase();
  const n = /^\d$/.test(t) ? Number(t) : 0;
  if (n >= 1 && n <= options.length) return options[n - 1];
  return options.find((o) => o.toLowerCase() === t || labelOf(o).toLowerCase() === t);
}

export function intentLabel(config: BotConfig, intent: string, lang: Lang): string {
  const own = config.intent_labels[intent];
  const text = own?.[lang] ?? (Object.hasOwn(STARTER_LABELS, intent) ? STARTER_LABELS[intent]![lang] : undefined) ?? own?.en ?? own?.zh;
  if (text) return text;
  const words = intent.replace(/[_.-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Work a person will find harder: an unclear request, an upset customer, a bot that already failed, many details. */
export function complexityOf(intent: IntentResult, sentiment: Sentiment, failures: number, entities: number): number {
  const unclear = intent.intent === "unknown" ? 0.2 : (1 - intent.confidence) * 0.15;
  const upset = sentiment.score < 0 ? -sentiment.score * 0.2 : 0;
  const c = 0.35 + unclear + upset + Math.min(0.2, failures * 0.1) + Math.min(0.1, entities * 0.02);
  return Math.round(Math.min(1, Math.max(0, c)) * 100) / 100;
}

function routingFor(input: TurnInput, reason: HandoffReason, intent: IntentResult, failures: number): RoutingRequest {
  const known = NOT_A_TOPIC.has(intent.intent) ? input.state.last_intent : intent.intent;
  return {
    ...(known ? { intent: known } : {}),
    language: input.lang,
    sentiment: Math.max(-1, Math.min(1, input.sentiment.score)),
    complexity: complexityOf(intent, input.sentiment, failures, input.entities.length),
    // An upset customer or one the bot failed should not wait behind fresh contacts.
    ...(reason === "negative_sentiment" || reason === "not_helped" || reason === "repeated_failure" ? { priority: 10 } : {}),
    attributes: { handoff_reason: reason, intent_confidence: String(Math.round(intent.confidence * 100) / 100) },
  };
}

function text(t: string): ContentPart {
  return { type: "text", text: t };
}

/**
 * One customer turn while the bot holds the conversation: pure, so every path (answered and confirmed, not helped,
 * explicit handoff, negative sentiment, clarification) is tested without a runtime. Hard rules come first; the
 * learnt policy only chooses among the actions that are possible and safe for this message.
 */
export function decideTurn(input: TurnInput): TurnDecision {
  const { config, lang, state } = input;
  const t = BOT_TEXT[lang];
  const settle: Settlement[] = [];
  let intent = input.intent;
  const next: DialogState = { ...state, turns: state.turns + 1, awaiting: null };

  const handoff = (reason: HandoffReason, say: string | null, failures = next.failures): TurnDecision => ({
    action: "handoff",
    parts: say ? [text(say)] : [],
    handoff: { reason, routing: routingFor(input, reason, intent, failures) },
    episode: null,
    awaits: null,
    settle,
    state: { ...next, failures, done: true },
  });

  const awaiting = state.awaiting;
  if (awaiting?.kind === "feedback") {
    const fb = feedbackOf(input.text);
    if (fb === "yes") {
      settle.push({ episode: awaiting.episode, reward: rewardFor({ resolvedByBot: true, helped: true }) });
      return { action: "resolve", parts: [text(t.resolved)], handoff: null, episode: null, awaits: null, settle, state: { ...next, done: true, resolved: true } };
    }
    if (fb === "no") {
      settle.push({ episode: awaiting.episode, reward: rewardFor({ helped: false, handoff: true }) });
      return handoff("not_helped", t.handoff, next.failures + 1);
    }
    // A new question instead of an answer to ours: the earlier answer neither helped nor failed visibly.
    settle.push({ episode: awaiting.episode, reward: rewardFor({}) });
  }
  if (awaiting?.kind === "clarify") {
    const picked = pickedOption(input.text, awaiting.options, (o) => intentLabel(config, o, lang));
    if (picked) intent = { ...intent, intent: picked, confidence: 1 };
    settle.push({ episode: awaiting.episode, reward: picked ? rewardFor({ helped: true }) : rewardFor({ helped: false }) });
  }

  // What the customer wants, as far as it says anything about their problem: routing and behaviour labels use it.
  if (!NOT_A_TOPIC.has(intent.intent)) next.last_intent = intent.intent;

  if (input.offQueue) return handoff("business_rule", null);
  if (wantsHuman(input.text) || intent.intent === "talk_to_human") return handoff("requested", t.handoff);
  if (input.sentiment.score <= config.negative_sentiment) return handoff("negative_sentiment", t.handoff_negative);
  if (intent.intent !== "unknown" && config.handoff_intents.includes(intent.intent)) return handoff("business_rule", t.handoff);
  if (!input.text.trim()) return handoff("unsupported_content", t.handoff);
  if (next.failures >= config.max_failures) return handoff("repeated_failure", t.handoff);
  if (intent.intent === "greeting" && state.turns === 0) {
    return { action: "greet", parts: [text(config.greeting[lang] ?? t.greeting)], handoff: null, episode: null, awaits: null, settle, state: next };
  }

  // A real order's status answers the question better than any article: the bot gives it, and asks whether it helped.
  const hit = input.order ? { id: `order:${input.order.order_id}`, title: input.order.order_id, answer: input.order.text, score: 1 } : input.hits.find((h) => h.score >= config.min_kb_score);
  const options = [intent, ...intent.alternatives].filter((a) => a.intent !== "unknown" && a.intent !== "greeting" && a.confidence >= 0.1);
  const allowed: BotAction[] = ["handoff"];
  if (hit) allowed.unshift("answer");
  if (options.length >= 2 && !awaiting) allowed.splice(allowed.length - 1, 0, "clarify");
  const ctx: BanditContext = { intent: intent.intent, confidence: intent.confidence, sentiment: input.sentiment.score, channel: input.channel, tier: input.tier, turn: next.turns };
  const action = input.order ? "answer" : allowed.length === 1 ? "handoff" : input.choose(ctx, allowed);

  if (action === "answer" && hit) {
    return {
      action,
      parts: [
        text(hit.answer),
        {
          type: "quick_replies",
          text: t.helped_question,
          options: [
            ...(hit.quick_replies ?? []).slice(0, 3).map((q) => ({ label: q.slice(0, 80), value: q })),
            { label: t.helped_yes, value: REPLY.helped },
            { label: t.helped_no, value: REPLY.notHelped },
          ],
        },
      ],
      handoff: null,
      episode: { ctx, action },
      awaits: { kind: "feedback", entry_id: hit.id },
      settle,
      state: next,
    };
  }
  if (action === "clarify") {
    const top = options.slice(0, 3).map((o) => o.intent);
    return {
      action,
      parts: [{ type: "quick_replies", text: t.clarify, options: [...top.map((i) => ({ label: intentLabel(config, i, lang).slice(0, 80), value: i })), { label: t.something_else, value: REPLY.human }] }],
      handoff: null,
      episode: { ctx, action },
      awaits: { kind: "clarify", options: top },
      settle,
      state: { ...next, failures: next.failures + 1 },
    };
  }
  const decision = handoff(hit || intent.intent !== "unknown" ? "policy" : "low_confidence", t.handoff);
  // A handoff the policy chose is rewarded at once: its cost is known now, whatever the person does next.
  return { ...decision, episode: allowed.length > 1 ? { ctx, action: "handoff", reward: rewardFor({ handoff: true }) } : null };
}
