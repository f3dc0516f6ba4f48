/**
 * A conversation's CSAT/NPS survey: asked after a resolution or a close (per the tenant's settings), answered by
 * the customer's next message when it parses as a score. The answer is kept as the customer's message and as a
 * survey response; it neither reopens nor routes.
 */
import type { ConversationStore } from "./conversation-store";
import type { BotJob, Posted, PostOptions } from "./conversation";
import { loadSettings } from "./analytics-settings";
import { customerText, type Insights } from "../shared/bot/insights";
import { openSurvey, startSurvey, surveysFor, type SurveyState } from "../shared/analytics/survey-state";
import { parseSurveyReply, SURVEY_THANKS, surveyPrompt } from "../shared/analytics/survey";
import type { ChannelName, MessageInput, Sender } from "../shared/message";
import type { ServerFrame } from "../shared/protocol";
import type { Result } from "../shared/result";
import { now } from "../shared/ids";

/** Asks the tenant's survey after a resolution or a close, unless the conversation moved on since (`rev`). */
export type SurveyJob = { trigger: "resolved" | "closed"; rev: number };
export type SurveyAnswer = { state: SurveyState; score: number; comment?: string };

/** Channels whose client shows quick replies as buttons; elsewhere the prompt is text and the reply is parsed. */
const BUTTON_CHANNELS = new Set(["web", "app"]);
const SURVEY_SENDER = { kind: "system", id: "survey" } as const;

/** What the survey needs of its conversation object. */
export type SurveyHost = {
  store: ConversationStore;
  env: Env;
  broadcast(frame: ServerFrame, except?: WebSocket): void;
  scheduleFlush(urgent?: boolean): void;
};

export class ConversationSurvey {
  constructor(private readonly host: SurveyHost) {}

  /** A customer's reply to the survey question still open, parsed; anything else is an ordinary message. */
  answerOf(sender: Sender, input: MessageInput): SurveyAnswer | null {
    if (sender.kind !== "customer") return null;
    const state = openSurvey(this.host.store.current.survey, now());
    if (!state) return null;
    const parsed = parseSurveyReply(state.kind, customerText(input.parts));
    return parsed ? { state, ...parsed } : null;
  }

  record(sender: Sender, input: MessageInput, a: SurveyAnswer, opts: PostOptions): Result<Posted> {
    const { store } = this.host;
    const message = store.append(
      { client_msg_id: input.client_msg_id, channel: store.current.channel as ChannelName, direction: "inbound", sender, parts: input.parts, metadata: input.metadata ?? {}, ...(opts.sentAt !== undefined ? { sent_at: opts.sentAt } : {}) },
      opts.providerMessageId,
      {},
    );
    this.host.broadcast({ type: "message", message }, opts.from);
    const t = now();
    const next = a.state.then ? { kind: a.state.then, asked_at: t, expires_at: a.state.expires_at, then: null } : null;
    store.recordSurvey(a.state.kind, a.score, next, a.comment);
    if (a.state.kind === "csat" && store.current.bot) store.enqueueBot({ op: "outcome", outcome: { kind: "csat", score: a.score } } satisfies BotJob);
    if (next) this.prompt(next.kind);
    else this.thank();
    this.host.scheduleFlush();
    return { ok: true, value: { message, duplicate: false } };
  }

  /** Reads the tenant's survey settings when it asks (they change rarely; a stale read asks by the old ones once). */
  async ask(job: SurveyJob): Promise<void> {
    const { store } = this.host;
    const settings = (await loadSettings(this.host.env, store.current.tenantId)).survey;
    const m = store.current;
    // A customer who wrote again since (the conversation moved on) is not asked about the old resolution.
    if (m.rev !== job.rev || (m.status !== "resolved" && m.status !== "closed")) return;
    const state = startSurvey(surveysFor(settings, job.trigger), settings, now());
    if (!state) return;
    this.prompt(state.kind);
    store.setSurvey(state);
  }

  private get lang(): "en" | "zh" {
    return this.host.store.insights<Insights>()?.lang === "zh" ? "zh" : "en";
  }

  /** The question in the customer's language, as buttons where the channel has them; idempotent per revision. */
  private prompt(kind: SurveyState["kind"]): void {
    const prompt = surveyPrompt(kind, this.lang);
    const parts = BUTTON_CHANNELS.has(this.host.store.current.channel) ? [{ type: "quick_replies" as const, text: prompt.text, options: prompt.options }] : [{ type: "text" as const, text: prompt.text }];
    this.say(`survey:${kind}`, parts, { survey: kind });
  }

  private thank(): void {
    this.say("survey:thanks", [{ type: "text", text: SURVEY_THANKS[this.lang] }], { survey_thanks: true });
  }

  private say(key: string, parts: MessageInput["parts"], metadata: Record<string, unknown>): void {
    const { store } = this.host;
    const m = store.current;
    const clientMsgId = `${key}:${m.rev}`;
    if (store.byClientMsgId(clientMsgId)) return;
    const message = store.append({ client_msg_id: clientMsgId, channel: m.channel as ChannelName, direction: "outbound", sender: SURVEY_SENDER, parts, metadata }, undefined, {});
    this.host.broadcast({ type: "message", message });
  }
}
