import { z } from "zod";
import { ChannelName } from "../message";
import { Id } from "../ids";
import { IntentId } from "../nlp/intent";

const Line = z.string().min(1).max(500);


/** A tenant's bot: where it answers first, when it steps aside, and how its policy learns. */
export const BotConfig = z.strictObject({
  /** Off by default: a tenant turns the bot on once its knowledge base can answer something. */
  enabled: z.boolean().default(false),
  /** Channels where the bot takes new conversations first; the others go straight to routing. */
  channels: z.array(ChannelName).max(50).default(["web", "app"]),
  /**
   * Queues the bot answers for; null for all. A conversation whose routing rules (read with the intent the bot
   * found) lead elsewhere goes to people at once, without a word from the bot.
   */
  queues: z.array(Id).max(200).nullable().default(null),
  name: z.string().min(1).max(80).default("Assistant"),
  /** A knowledge-base hit below this score is not good enough to answer with. */
  min_kb_score: z.number().min(0).max(1).default(0.3),
  /** A customer message at or below this sentiment goes to a person at once. */
  negative_sentiment: z.number().min(-1).max(0).default(-0.5),
  /** Answers that did not help plus clarifications, after which the bot hands off. */
  max_failures: z.int().min(1).max(5).default(2),
  /** Intents that always go to a person (a business rule), besides explicit requests for one. */
  handoff_intents: z.array(IntentId).max(100).default(["talk_to_human", "complaint"]),
  greeting: z.strictObject({ en: Line.optional(), zh: Line.optional() }).default({}),
  /** Display names for intents in clarifying questions; an intent without one is shown from its id. */
  intent_labels: z.record(IntentId, z.strictObject({ en: Line.optional(), zh: Line.optional() })).default({}),
  learning: z
    .strictObject({
      /** Frozen: the policy acts greedily on what it learnt and stops learning. */
      frozen: z.boolean().default(false),
      exploration: z.number().min(0).max(5).default(0.5),
      max_explore_rate: z.number().min(0).max(1).default(0.2),
    })
    .default({ frozen: false, exploration: 0.5, max_explore_rate: 0.2 }),
}).meta({ id: "BotConfig" });
export type BotConfig = z.infer<typeof BotConfig>;

/** PATCH semantics for the admin API: every top-level key optional, the rest validated as in BotConfig. */
export const BotConfigPatch = BotConfig.partial();
export type BotConfigPatch = z.infer<typeof BotConfigPatch>;

export function botAnswers(config: BotConfig, channel: string): boolean {
  return config.enabled && config.channels.includes(channel);
}
