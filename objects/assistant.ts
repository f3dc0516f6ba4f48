import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { AssistantStore } from "./assistant-store";
import { BotConfig, botAnswers, type BotConfigPatch } from "../shared/bot/config";
import { NEW_DIALOG, decideTurn, intentLabel, pickedOption, type DialogState, type HandoffReason, type KbHit } from "../shared/bot/dialog";
import { BanditStats, banditStats, chooseAction, newBandit, rewardFor, updateBandit, type BanditState, type BotAction } from "../shared/bot/bandit";
import { classifyIntent, IntentExampleSchema, trainIntents, type IntentExample, type IntentModel, type IntentResult } from "../shared/nlp/intent";
import { STARTER_INTENTS } from "../shared/nlp/starter-intents";
import { modelFingerprint } from "../shared/nlp/model-fingerprint";
import { analyzeSentiment, type Sentiment } from "../shared/nlp/sentiment";
import { extractEntities, type Entity } from "../shared/nlp/entities";
import { detectLanguage, type Lang } from "../shared/nlp/language";
import type { BehaviourEvent } from "../shared/nlp/behaviour";
import type { LabelledSession, Prediction } from "../shared/nlp/predictive";
import { BehaviourModel, PROACTIVE_CONFIDENCE, proactiveGreeting, type ImportedSessions } from "./assistant-behaviour";
import { NlpSettings } from "../shared/nlp/settings";
import { ProviderChain, type ChainResult } from "../shared/nlp/providers";
import { providerFromEnv } from "../shared/nlp/provider-config";
import { productNames, searchKb } from "../kb/store";
import type { ContentPart } from "../shared/message";
import type { RoutingRequest } from "../shared/routing-config";
import type { RoutingAttributes } from "../shared/routing/rules";
import { deskStub } from "./routing-desk";
import { orderForTurn } from "./assistant-orders";
import { now } from "../shared/ids";

export type Classified = ChainResult;
export type Analysis = { lang: Lang; intent: Classified; sentiment: Sentiment; entities: Entity[] };
/** The training set and its model's version: the starter set until the tenant trains its own. */
export const IntentSet = z
  .object({ intents: z.array(z.string()), examples: z.array(IntentExampleSchema), threshold: z.number(), model_version: z.int(), trained_at: z.number(), starter: z.boolean() })
  .meta({ id: "IntentSet" });
export type IntentSet = z.infer<typeof IntentSet>;
export const TrainSummary = IntentSet.pick({ intents: true, model_version: true, trained_at: true }).extend({ examples: z.int() }).meta({ id: "IntentTraining" });
export type TrainSummary = z.infer<typeof TrainSummary>;
export const BotStats = z
  .object({
    conversations: z.int(),
    resolved_by_bot: z.int(),
    containment_rate: z.number().min(0).max(1).nullable().describe("resolved_by_bot / conversations; null before the first conversation"),
    answers: z.int(),
    clarifications: z.int(),
    handoffs: z.record(z.string(), z.int()).describe("Handoffs by reason"),
    policy: BanditStats.extend({ frozen: z.boolean() }),
  })
  .meta({ id: "BotStats" });
export const Learned = z.object({ learned: z.int().describe("The bot's decisions this outcome taught the policy about") });

/** What the conversation learns from the bot's turn: what to say, whether to hand off or resolve, what to show the agent. */
export type BotTurn = {
  action: BotAction | "resolve" | "greet" | "skip";
  sender_name: string;
  parts: ContentPart[];
  handoff: null | { reason: HandoffReason; routing: RoutingRequest };
  analysis: Analysis | null;
  predicted: { intent: string; confidence: number } | null;
};
export type TurnRequest = { conversation_id: string; message_id: string; contact_id: string; channel: string; text: string };
export type Outcome = { kind: "reopened" | "abandoned" | "resolved_by_agent" } | { kind: "csat"; score: number };
export type BehaviourResult = { prediction: Prediction; greeting: string | null };

const KEY = {
  tenant: "tenant",
  examples: "intent.examples",
  model: "intent.model",
  fingerprint: "intent.fingerprint",
  bot: "bot.config",
  bandit: "bot.bandit",
  counters: "bot.counters",
  settings: "nlp.settings",
} as const;

type Counters = { handled: number; resolved: number; handoffs: Record<string, number>; answers: number; clarifications: number };
const NO_COUNTERS: Counters = { handled: 0, resolved: 0, handoffs: {}, answers: 0, clarifications: 0 };

const PRUNE_EVERY_MS = 86_400_000;

/**
 * One tenant's AI layer: its intent model and training set, the bot's configuration, dialog state and learnt policy,
 * and the behaviour model. Classification runs here, next to the model, so a model is loaded once per object and not
 * once per request; the tenant's knowledge base stays in D1, where the admin API writes it.
 */
export class Assistant extends DurableObject<Env> {
  private readonly store: AssistantStore;
  private intentModel: IntentModel | null = null;
  private readonly visits: BehaviourModel;
  private readonly chain: ProviderChain;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new AssistantStore(ctx.storage);
    this.visits = new BehaviourModel(this.store);
    const configured = providerFromEnv(env as unknown as Record<string, unknown>, fetch.bind(globalThis));
    if (configured.warning) console.warn(JSON.stringify({ level: "warn", msg: configured.warning }));
    this.chain = new ProviderChain(configured.provider);
    ctx.blockConcurrencyWhile(async () => {
      await this.store.migrate();
      if ((await ctx.storage.getAlarm()) === null) await ctx.storage.setAlarm(now() + PRUNE_EVERY_MS);
    });
  }

  /** The object is named after its tenant; a call for another tenant is a caller's bug and never reads this one's data. */
  private own(tenantId: string): void {
    const owner = this.store.get<string>(KEY.tenant);
    if (owner === null) this.store.put(KEY.tenant, tenantId);
    else if (owner !== tenantId) throw new Error("assistant called for another tenant");
  }

  private model(): IntentModel {
    if (this.intentModel) return this.intentModel;
    let model = this.store.get<IntentModel>(KEY.model);
    const set = this.store.get<Omit<IntentSet, "intents">>(KEY.examples);
    if (!model || !set) {
      model = trainIntents(STARTER_INTENTS);
      this.store.transaction(() => {
        this.store.put(KEY.model, model);
        this.store.put(KEY.fingerprint, modelFingerprint());
        this.store.put(KEY.examples, { examples: STARTER_INTENTS, threshold: model!.threshold, model_version: 1, trained_at: now(), starter: true });
      });
    } else if (this.store.get<string>(KEY.fingerprint) !== modelFingerprint()) {
      // Trained by an earlier build (another lexicon): the same lines, the same threshold, today's features.
      model = trainIntents(set.examples, { threshold: set.threshold });
      this.store.transaction(() => {
        this.store.put(KEY.model, model);
        this.store.put(KEY.fingerprint, modelFingerprint());
      });
    }
    this.intentModel = model;
    return model;
  }

  intents(tenantId: string): IntentSet {
    this.own(tenantId);
    const model = this.model();
    const set = this.store.get<Omit<IntentSet, "intents">>(KEY.examples)!;
    return { intents: model.intents, ...set };
  }

  /** Replaces the training set and trains; training a few thousand lines fits in one request. */
  train(tenantId: string, examples: IntentExample[], threshold?: number): TrainSummary {
    this.own(tenantId);
    const previous = this.store.get<Pick<IntentSet, "model_version">>(KEY.examples);
    const model = trainIntents(examples, threshold === undefined ? {} : { threshold });
    const summary = { intents: model.intents, examples: examples.length, model_version: (previous?.model_version ?? 0) + 1, trained_at: now() };
    this.store.transaction(() => {
      this.store.put(KEY.model, model);
      this.store.put(KEY.fingerprint, modelFingerprint());
      this.store.put(KEY.examples, { examples, threshold: model.threshold, model_version: summary.model_version, trained_at: summary.trained_at, starter: false });
    });
    this.intentModel = model;
    return summary;
  }

  async classify(tenantId: string, text: string): Promise<Classified> {
    this.own(tenantId);
    const model = this.model();
    return this.chain.classify(text, () => classifyIntent(model, text), model.intents);
  }

  settings(tenantId: string): NlpSettings {
    this.own(tenantId);
    return NlpSettings.parse(this.store.get(KEY.settings) ?? {});
  }

  setSettings(tenantId: string, settings: NlpSettings): NlpSettings {
    this.own(tenantId);
    this.store.put(KEY.settings, settings);
    return settings;
  }

  async entities(tenantId: string, text: string, opts: { now?: string | number; tz?: string } = {}): Promise<Entity[]> {
    this.own(tenantId);
    const s = this.settings(tenantId);
    const products = await productNames(this.env.DB, tenantId);
    return extractEntities(text, { now: opts.now ?? now(), tz: opts.tz ?? s.timezone, orderPatterns: s.order_patterns, products });
  }

  async analyze(tenantId: string, text: string, opts: { now?: string | number; tz?: string } = {}): Promise<Analysis> {
    const [intent, entities] = await Promise.all([this.classify(tenantId, text), this.entities(tenantId, text, opts)]);
    return { lang: intent.lang, intent, sentiment: analyzeSentiment(text, intent.lang), entities };
  }

  botConfig(tenantId: string): BotConfig {
    this.own(tenantId);
    return BotConfig.parse(this.store.get(KEY.bot) ?? {});
  }

  setBotConfig(tenantId: string, patch: BotConfigPatch): BotConfig {
    const config = BotConfig.parse({ ...this.botConfig(tenantId), ...patch });
    this.store.put(KEY.bot, config);
    return config;
  }

  /** Whether the bot takes new conversations on this channel: asked once, when a conversation is created. */
  botFor(tenantId: string, channel: string): boolean {
    return botAnswers(this.botConfig(tenantId), channel);
  }

  private bandit(): BanditState {
    return this.store.get<BanditState>(KEY.bandit) ?? newBandit();
  }

  /** Learning from one reward; a frozen policy keeps what it knows but still counts how it does. */
  private learn(state: BanditState, config: BotConfig, ctx: Parameters<typeof updateBandit>[1], action: BotAction, reward: number): BanditState {
    return updateBandit(state, ctx, action, reward, { frozen: config.learning.frozen });
  }

  /** One customer message while the bot holds the conversation. Idempotent by message id. */
  async turn(tenantId: string, req: TurnRequest): Promise<BotTurn> {
    this.own(tenantId);
    const seen = this.store.turn<BotTurn>(req.message_id);
    if (seen) return seen;
    const config = this.botConfig(tenantId);
    let state = this.store.dialog(req.conversation_id);
    const skip: BotTurn = { action: "skip", sender_name: config.name, parts: [], handoff: null, analysis: null, predicted: null };
    // Back after the bot resolved it: that resolution did not hold, and the bot takes the new question afresh.
    if (state.done && state.resolved) {
      this.outcome(tenantId, req.conversation_id, { kind: "reopened" });
      this.store.setDialog(req.conversation_id, NEW_DIALOG);
      state = NEW_DIALOG;
    }
    if (state.done) return skip;
    const text = req.text.slice(0, 4000);
    const [analysis, tier] = await Promise.all([text ? this.analyze(tenantId, text) : null, this.tierOf(tenantId, req.contact_id)]);
    const lang = analysis?.lang ?? "en";
    const intent: IntentResult = analysis?.intent ?? { intent: "unknown", confidence: 0, lang, alternatives: [] };
    const [hits, offQueue, order] = await Promise.all([
      analysis ? this.answersFor(tenantId, text, lang, intent, state, config) : [],
      this.offQueue(tenantId, config, { channel: req.channel, intent: intent.intent === "unknown" ? null : intent.intent, language: lang, tier, sentiment: analysis?.sentiment.score ?? 0 }),
      orderForTurn(this.env, tenantId, req, analysis),
    ]);
    // Other turns ran while this one waited on D1 and the desk: from here to the write nothing awaits, and what
    // they changed (this message answered already, the dialog moved on, the policy learnt) is read afresh.
    const answered = this.store.turn<BotTurn>(req.message_id);
    if (answered) return answered;
    state = this.store.dialog(req.conversation_id);
    if (state.done) return skip;
    const predicted = intent.intent === "unknown" ? this.visits.confident(req.contact_id) : null;
    let bandit = this.bandit();
    const decision = decideTurn({
      text,
      lang,
      intent,
      sentiment: analysis?.sentiment ?? { label: "neutral", score: 0 },
      entities: analysis?.entities ?? [],
      hits,
      channel: req.channel,
      tier,
      state: predicted && !state.last_intent ? { ...state, last_intent: predicted.intent } : state,
      config,
      offQueue,
      order,
      choose: (ctx, allowed) =>
        chooseAction(bandit, ctx, Math.random, { allowed, frozen: config.learning.frozen, exploration: config.learning.exploration, maxExploreRate: config.learning.max_explore_rate }).action,
    });
    const out: BotTurn = { action: decision.action, sender_name: config.name, parts: decision.parts, handoff: decision.handoff, analysis, predicted };
    this.store.transaction(() => {
      for (const s of decision.settle) {
        const ep = this.store.unsettled(s.episode);
        if (!ep) continue;
        this.store.settle(ep.id, s.reward);
        bandit = this.learn(bandit, config, ep.ctx, ep.action, s.reward);
      }
      let nextState = decision.state;
      if (decision.episode) {
        const { ctx, action, reward } = decision.episode;
        const id = this.store.addEpisode(req.conversation_id, ctx, action, reward ?? null);
        if (reward !== undefined) bandit = this.learn(bandit, config, ctx, action, reward);
        if (decision.awaits?.kind === "feedback") nextState = { ...nextState, awaiting: { kind: "feedback", entry_id: decision.awaits.entry_id, episode: id } };
        if (decision.awaits?.kind === "clarify") nextState = { ...nextState, awaiting: { kind: "clarify", options: decision.awaits.options, episode: id } };
      }
      this.store.put(KEY.bandit, bandit);
      this.store.setDialog(req.conversation_id, nextState);
      this.store.saveTurn(req.message_id, req.conversation_id, out);
      this.count(state.turns === 0, decision.action, decision.handoff?.reason);
      const known = decision.state.last_intent;
      if (known && (decision.action === "handoff" || decision.action === "resolve")) this.visits.label(req.contact_id, known);
    });
    return out;
  }

  private count(first: boolean, action: BotTurn["action"], reason?: HandoffReason): void {
    const c = this.store.get<Counters>(KEY.counters) ?? NO_COUNTERS;
    const next: Counters = { ...c, handoffs: { ...c.handoffs } };
    if (first) next.handled++;
    if (action === "resolve") next.resolved++;
    if (action === "answer") next.answers++;
    if (action === "clarify") next.clarifications++;
    if (reason) next.handoffs[reason] = (next.handoffs[reason] ?? 0) + 1;
    this.store.put(KEY.counters, next);
  }

  /**
   * What happened after the bot let go: a resolution that reopens or a customer who leaves while the bot waits
   * teaches the policy that its last decision was worse than it looked; a CSAT score adds what the customer said.
   */
  outcome(tenantId: string, conversationId: string, outcome: Outcome): z.infer<typeof Learned> {
    this.own(tenantId);
    const config = this.botConfig(tenantId);
    let bandit = this.bandit();
    let learned = 0;
    this.store.transaction(() => {
      const open = this.store.openEpisodes(conversationId);
      const reward =
        outcome.kind === "abandoned"
          ? rewardFor({ abandoned: true })
          : outcome.kind === "reopened"
            ? rewardFor({ resolvedByBot: true, reopened: true })
            : outcome.kind === "csat"
              ? rewardFor({ csat: outcome.score })
              : 0;
      for (const ep of open) {
        this.store.settle(ep.id, reward);
        bandit = this.learn(bandit, config, ep.ctx, ep.action, reward);
        learned++;
      }
      if (!open.length && (outcome.kind === "reopened" || outcome.kind === "csat")) {
        const last = this.store.lastSettled(conversationId);
        if (last) {
          bandit = this.learn(bandit, config, last.ctx, last.action, reward);
          learned++;
        }
      }
      if (outcome.kind === "reopened") {
        const c = this.store.get<Counters>(KEY.counters) ?? NO_COUNTERS;
        if (c.resolved > 0) this.store.put(KEY.counters, { ...c, resolved: c.resolved - 1 });
      }
      this.store.put(KEY.bandit, bandit);
    });
    return { learned };
  }

  stats(tenantId: string): z.infer<typeof BotStats> {
    this.own(tenantId);
    const c = this.store.get<Counters>(KEY.counters) ?? NO_COUNTERS;
    const policy = banditStats(this.bandit());
    return {
      conversations: c.handled,
      resolved_by_bot: c.resolved,
      containment_rate: c.handled ? c.resolved / c.handled : null,
      answers: c.answers,
      clarifications: c.clarifications,
      handoffs: c.handoffs,
      policy: { ...policy, frozen: this.botConfig(tenantId).learning.frozen },
    };
  }

  resetPolicy(tenantId: string): void {
    this.own(tenantId);
    this.store.put(KEY.bandit, newBandit());
  }

  /** Agent assist: what the knowledge base has for the customer's message, and the best entry's answer as a draft reply. */
  async assist(tenantId: string, text: string): Promise<{ knowledge: KbHit[]; suggested_reply: string | null }> {
    this.own(tenantId);
    const config = this.botConfig(tenantId);
    const knowledge = await this.kbHits(tenantId, text.slice(0, 4000), 5, detectLanguage(text));
    const best = knowledge.find((k) => k.score >= config.min_kb_score);
    return { knowledge, suggested_reply: best ? best.answer : null };
  }

  /**
   * Knowledge for a turn: what the message's own words find, or, when they find nothing good enough, what the
   * intent's name finds ("when do I get my money back" shares no word with "How do refunds work?", but its intent
   * does), trusted as far as the classifier is sure, and fully for an option the customer picked.
   */
  private async answersFor(tenantId: string, text: string, lang: Lang, intent: IntentResult, state: DialogState, config: BotConfig): Promise<KbHit[]> {
    const direct = await this.kbHits(tenantId, text, 3, lang);
    if (direct.some((h) => h.score >= config.min_kb_score)) return direct;
    const picked = state.awaiting?.kind === "clarify" ? pickedOption(text, state.awaiting.options, (o) => intentLabel(config, o, lang)) : undefined;
    const known = picked ?? (intent.intent !== "unknown" ? intent.intent : undefined);
    if (!known) return direct;
    const trust = picked ? 1 : intent.confidence;
    const byIntent = await this.kbHits(tenantId, intentLabel(config, known, lang), 3, lang);
    return byIntent.length ? byIntent.map((h) => ({ ...h, score: h.score * trust })) : direct;
  }

  /** Entries in the customer's language or without one; an FAQ's answer is the reply, another entry's best passage. */
  private async kbHits(tenantId: string, text: string, limit: number, lang?: Lang): Promise<KbHit[]> {
    const { results } = await searchKb(this.env.DB, tenantId, text, { limit, ...(lang ? { lang } : {}) });
    return results.map((r) => ({ id: r.id, title: r.title, answer: r.answer ?? r.snippet, score: r.score, quick_replies: r.quick_replies ?? [] }));
  }

  /** Whether the routing rules send this conversation to a queue the bot does not answer for. */
  private async offQueue(tenantId: string, config: BotConfig, attrs: RoutingAttributes): Promise<boolean> {
    if (config.queues === null) return false;
    const queue = await deskStub(this.env, tenantId).queueFor(tenantId, attrs);
    return !config.queues.includes(queue);
  }

  private async tierOf(tenantId: string, contactId: string): Promise<string> {
    const row = await this.env.DB.prepare("SELECT tier FROM contacts WHERE tenant_id = ?1 AND id = ?2").bind(tenantId, contactId).first<{ tier: string | null }>();
    return row?.tier ?? "standard";
  }

  /** Behaviour from the widget: stored for training, answered with what the visitor probably wants. */
  behaviour(tenantId: string, contactId: string, events: BehaviourEvent[], lang: Lang): BehaviourResult {
    this.own(tenantId);
    const prediction = this.visits.observe(contactId, events);
    const greeting =
      prediction.intent && prediction.confidence >= PROACTIVE_CONFIDENCE ? proactiveGreeting(this.botConfig(tenantId), prediction.intent, lang) : null;
    return { prediction, greeting };
  }

  importSessions(tenantId: string, sessions: LabelledSession[]): z.infer<typeof ImportedSessions> {
    this.own(tenantId);
    return this.visits.importSessions(sessions);
  }

  predict(tenantId: string, events: BehaviourEvent[]): Prediction {
    this.own(tenantId);
    return this.visits.predict(events);
  }

  override async alarm(): Promise<void> {
    this.store.prune();
    await this.ctx.storage.setAlarm(now() + PRUNE_EVERY_MS);
  }
}

export function assistantStub(env: Env, tenantId: string) {
  return env.ASSISTANT.get(env.ASSISTANT.idFromName(`${tenantId}:assistant`));
}
