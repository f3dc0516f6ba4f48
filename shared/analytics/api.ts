import { z } from "zod";
import { AnalyticsSummary, Durations, Rate, rate } from "./summary";
import { Granularity } from "./range";

/** What the /v1/analytics reports answer as JSON (CSV carries the same rows flattened: shared/analytics/csv.ts). */

const Count = z.int().nonnegative();
const Instant = z.iso.datetime().describe("ISO 8601, UTC");
const Seconds = z.number().nullable();

export const AnalyticsTimeseries = z
  .object({ granularity: Granularity, tz: z.string(), buckets: z.array(AnalyticsSummary.extend({ start: Instant, start_ms: z.number() })) })
  .meta({ id: "AnalyticsTimeseries" });
export type AnalyticsTimeseries = z.infer<typeof AnalyticsTimeseries>;

export const AgentsReport = z.object({ data: z.array(AnalyticsSummary.extend({ agent_id: z.string(), name: z.string().nullable() })) }).meta({ id: "AnalyticsByAgent" });
export type AgentsReport = z.infer<typeof AgentsReport>;

export const QueuesReport = z
  .object({
    data: z.array(
      AnalyticsSummary.extend({ queue_id: z.string().nullable().describe("null: conversations that never entered a queue (the bot kept them)"), name: z.string().nullable() }),
    ),
  })
  .meta({ id: "AnalyticsByQueue" });
export type QueuesReport = z.infer<typeof QueuesReport>;

export const ChannelsReport = z.object({ data: z.array(AnalyticsSummary.extend({ channel: z.string() })) }).meta({ id: "AnalyticsByChannel" });
export type ChannelsReport = z.infer<typeof ChannelsReport>;

const IntentRow = z.object({
  intent: z.string().nullable(),
  conversations: Count,
  share: Rate,
  bot_handled: Count,
  bot_resolved: Count,
  bot_containment_rate: Rate,
});
export const IntentsReport = z.object({ data: z.array(IntentRow) }).meta({ id: "AnalyticsByIntent" });

export const PatternsReport = z
  .object({
    tz: z.string(),
    heatmap: z.array(z.object({ weekday: z.int().min(0).max(6), hour: z.int().min(0).max(23), conversations: Count })).describe("7 × 24 cells, local to `tz`"),
    channels: z.array(z.object({ channel: z.string(), conversations: Count, share: Rate })),
    intents_by_day: z.array(z.object({ day: z.string(), intent: z.string().nullable(), conversations: Count })),
    bot_containment_by_intent: z.array(z.object({ intent: z.string().nullable(), bot_handled: Count, bot_resolved: Count, rate: Rate })),
    repeat_contact: z.object({ conversations: Count, repeat: Count, rate: Rate, window_h: z.int() }),
  })
  .meta({ id: "AnalyticsPatterns" });

export const ConversationMetrics = z
  .object({
    conversation_id: z.string(),
    channel: z.string(),
    contact_id: z.string(),
    status: z.string(),
    created_at: Instant,
    queue: z.string().nullable(),
    team: z.string().nullable(),
    agent: z.string().nullable(),
    intent: z.string().nullable(),
    bot_handled: z.boolean(),
    first_response_s: Seconds,
    first_human_response_s: Seconds,
    wait_s: Seconds,
    handle_s: Seconds,
    answered: z.boolean(),
    abandoned: z.boolean(),
    transfers: Count,
    reopens: Count,
    agents: Count,
    resolutions: Count,
    first_resolved_at: Instant.nullable(),
    resolved_by: z.string().nullable(),
    ended_at: Instant.nullable(),
    fcr: z.boolean().nullable(),
    csat: z.number().nullable(),
    nps: z.number().nullable(),
  })
  .meta({ id: "AnalyticsConversation" });
export type ConversationMetrics = z.infer<typeof ConversationMetrics>;
export const ConversationsReport = z.object({ data: z.array(ConversationMetrics), next_cursor: z.string().nullable() });
export type ConversationsReport = z.infer<typeof ConversationsReport>;

const Period = z.object({ from: Instant, to: Instant });
const PeriodMetrics = z.object({
  first_response_time_s: Durations,
  first_human_response_time_s: Durations,
  /** Assigned and never transferred. */
  right_first_time_rate: Rate,
});
export type PeriodMetrics = z.infer<typeof PeriodMetrics>;
export const Conversion = z.object({
  window_days: z.int(),
  conversations: Count,
  converted: Count,
  rate: Rate,
  revenue: z.array(z.object({ currency: z.string(), amount: z.number(), orders: Count })),
});
export type Conversion = z.infer<typeof Conversion>;
export const BusinessReport = z
  .object({
    period: Period,
    compared_with: Period,
    after: PeriodMetrics,
    before: PeriodMetrics,
    first_response_change_s: z.number().nullable().describe("Mean first response of the period minus the compared one's"),
    conversion: Conversion,
  })
  .meta({ id: "AnalyticsBusiness" });
export type BusinessReport = z.infer<typeof BusinessReport>;

export const OrdersReported = z.object({
  data: z.array(z.object({ order_id: z.string(), matched: z.boolean().describe("false: no such contact; the order is not kept"), contact_id: z.string().nullable() })),
});

export const iso = (t: number) => new Date(t).toISOString();
const isoOrNull = (t: number | null) => (t === null ? null : iso(t));
const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms) / 1000);

/** A row of analytics_conversations as D1 returns it. */
export type ConversationRow = {
  conversation_id: string; channel: string; contact_id: string; status: string; created_at: number; queue: string | null; team: string | null; agent: string | null;
  intent: string | null; bot: number; first_response_ms: number | null; first_human_response_ms: number | null; answered: number; abandoned: number; wait_ms: number;
  handle_ms: number; transfers: number; reopens: number; agents_count: number; resolutions: number; first_resolved_at: number | null; resolved_by: string | null;
  ended_at: number | null; csat: number | null; nps: number | null; fcr: number | null;
};

export function conversationMetrics(r: ConversationRow): ConversationMetrics {
  return {
    conversation_id: r.conversation_id,
    channel: r.channel,
    contact_id: r.contact_id,
    status: r.status,
    created_at: iso(r.created_at),
    queue: r.queue,
    team: r.team,
    agent: r.agent,
    intent: r.intent,
    bot_handled: r.bot === 1,
    first_response_s: seconds(r.first_response_ms),
    first_human_response_s: seconds(r.first_human_response_ms),
    wait_s: seconds(r.wait_ms),
    handle_s: seconds(r.handle_ms),
    answered: r.answered > 0,
    abandoned: r.abandoned > 0,
    transfers: r.transfers,
    reopens: r.reopens,
    agents: r.agents_count,
    resolutions: r.resolutions,
    first_resolved_at: isoOrNull(r.first_resolved_at),
    resolved_by: r.resolved_by,
    ended_at: isoOrNull(r.ended_at),
    fcr: r.fcr === null ? null : r.fcr === 1,
    csat: r.csat,
    nps: r.nps,
  };
}

/** A row of analytics_patterns: per local day, a kind (intent, intent_bot, heatmap, channel, repeat) and its key. */
export type PatternRow = { day: string; kind: string; key: string; n: number; total: number };

function groupBy<T>(list: T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of list) out.set(key(x), [...(out.get(key(x)) ?? []), x]);
  return out;
}

const sumOf = (cells: PatternRow[], kind: string) => cells.reduce((a, p) => a + (p.kind === kind ? p.n : 0), 0);
const sum = (list: PatternRow[], f: "n" | "total") => list.reduce((a, p) => a + p[f], 0);

/** Contact reasons, most frequent first, with how the bot did on each. */
export function intentRows(cells: PatternRow[]): z.infer<typeof IntentRow>[] {
  const total = sumOf(cells, "intent");
  const data = [...groupBy(cells.filter((p) => p.kind === "intent"), (p) => p.key)].map(([intent, list]) => {
    const bot = cells.filter((p) => p.kind === "intent_bot" && p.key === intent);
    const handled = sum(bot, "n");
    const resolved = sum(bot, "total");
    const conversations = sum(list, "n");
    return { intent: intent || null, conversations, share: rate(conversations, total), bot_handled: handled, bot_resolved: resolved, bot_containment_rate: rate(resolved, handled) };
  });
  return data.sort((a, b) => b.conversations - a.conversations);
}

export function patternsReport(cells: PatternRow[], tz: string, fcrWindowH: number): z.infer<typeof PatternsReport> {
  const total = sumOf(cells, "intent");
  const heat = groupBy(cells.filter((p) => p.kind === "heatmap"), (p) => p.key);
  const heatmap = Array.from({ length: 7 * 24 }, (_, i) => {
    const key = `${Math.floor(i / 24)}:${i % 24}`;
    return { weekday: Math.floor(i / 24), hour: i % 24, conversations: sum(heat.get(key) ?? [], "n") };
  });
  const channels = [...groupBy(cells.filter((p) => p.kind === "channel"), (p) => p.key)].map(([channel, list]) => {
    const n = sum(list, "n");
    return { channel, conversations: n, share: rate(n, total) };
  });
  const repeated = sum(cells.filter((p) => p.kind === "repeat"), "total");
  return {
    tz,
    heatmap,
    channels,
    intents_by_day: cells.filter((p) => p.kind === "intent").map((p) => ({ day: p.day, intent: p.key || null, conversations: p.n })),
    bot_containment_by_intent: [...groupBy(cells.filter((p) => p.kind === "intent_bot"), (p) => p.key)].map(([intent, list]) => {
      const handled = sum(list, "n");
      const resolved = sum(list, "total");
      return { intent: intent || null, bot_handled: handled, bot_resolved: resolved, rate: rate(resolved, handled) };
    }),
    repeat_contact: { conversations: total, repeat: repeated, rate: rate(repeated, total), window_h: fcrWindowH },
  };
}
