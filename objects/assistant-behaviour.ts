import { z } from "zod";
import type { AssistantStore } from "./assistant-store";
import { predictIntent, trainPredictive, type LabelledSession, type PredictiveModel, type Prediction } from "../shared/nlp/predictive";
import type { BehaviourEvent } from "../shared/nlp/behaviour";
import { intentLabel } from "../shared/bot/dialog";
import type { BotConfig } from "../shared/bot/config";
import type { Lang } from "../shared/nlp/language";

const KEY = { model: "predictive.model", since: "predictive.since" } as const;

/** A retrain after this many newly labelled sessions; below the minimum there is nothing to learn from. */
const RETRAIN_EVERY = 20;
const MIN_SESSIONS = 30;
/** Confident enough to greet the visitor about it, or to route on it when the message says nothing. */
export const PROACTIVE_CONFIDENCE = 0.5;

const NOTHING: Prediction = { intent: null, confidence: 0, top: [] };

export const ImportedSessions = z.object({
  sessions: z.int().describe("Labelled sessions now kept"),
  trained: z.boolean().describe(`Whether the model was retrained: it needs ${MIN_SESSIONS} labelled sessions`),
});

/**
 * The tenant's behaviour model, inside its assistant: visitors' sessions in the assistant's SQLite, labelled with
 * the intent their conversation turned out to have, and the sequence model trained from them.
 */
export class BehaviourModel {
  private cached: PredictiveModel | null | undefined;

  constructor(private readonly store: AssistantStore) {}

  /** Appends the events to the visitor's session and predicts from all of it. */
  observe(contactId: string, events: BehaviourEvent[]): Prediction {
    return this.predict(this.store.addBehaviour(contactId, events));
  }

  predict(events: BehaviourEvent[]): Prediction {
    const model = this.model();
    return model ? predictIntent(model, events) : NOTHING;
  }

  /** What the visitor's session says they want, when it says so confidently. */
  confident(contactId: string): { intent: string; confidence: number } | null {
    const p = this.predict(this.store.behaviour(contactId));
    return p.intent && p.confidence >= PROACTIVE_CONFIDENCE ? { intent: p.intent, confidence: p.confidence } : null;
  }

  label(contactId: string, intent: string): void {
    if (!this.store.labelSession(contactId, intent)) return;
    const since = (this.store.get<number>(KEY.since) ?? 0) + 1;
    this.store.put(KEY.since, since);
    if (since >= RETRAIN_EVERY) this.retrain();
  }

  /** Past sessions with a known intent (from another system, or replayed) teach the model at once. */
  importSessions(sessions: LabelledSession[]): z.infer<typeof ImportedSessions> {
    this.store.importSessions(sessions);
    const trained = this.retrain();
    return { sessions: this.store.labelledSessions().length, trained };
  }

  private retrain(): boolean {
    const sessions = this.store.labelledSessions();
    this.store.put(KEY.since, 0);
    if (sessions.length < MIN_SESSIONS) return false;
    const model = trainPredictive(sessions);
    this.store.put(KEY.model, model);
    this.cached = model;
    return true;
  }

  private model(): PredictiveModel | null {
    if (this.cached === undefined) this.cached = this.store.get<PredictiveModel>(KEY.model);
    return this.cached;
  }
}

export function proactiveGreeting(config: BotConfig, intent: string, lang: Lang): string {
  const label = intentLabel(config, intent, lang);
  return lang === "zh" ? `您好！需要“${label}”方面的帮助吗？` : `Hi! Need a hand with ${label.toLowerCase()}?`;
}
