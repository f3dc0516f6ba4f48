import { z } from "zod";
import { TimeZone } from "../nlp/settings";
import { channelClass } from "../routing/schemas";
import { onBinGrid } from "./bins";

/** Service-level thresholds must be bin bounds (shared/analytics/bins.ts), so the reported level is exact. */
const Threshold = z
  .int()
  .min(1)
  .max(7 * 86_400)
  .refine(onBinGrid, "a threshold is whole seconds up to 120, tens of seconds up to 1800, whole minutes up to a day, whole hours beyond");

export const SurveyMode = z.enum(["none", "csat", "nps", "both"]);
export type SurveyMode = z.infer<typeof SurveyMode>;

export const AnalyticsSettings = z.object({
  /** Day boundaries of daily rollups, patterns and "today". */
  timezone: TimeZone.default("UTC"),
  /** First contact resolution: no reopen and no new conversation from the contact on the same intent for this long. */
  fcr_window_h: z.int().min(1).max(30 * 24).default(72),
  service_level: z
    .object({
      chat_s: Threshold.default(20),
      voice_s: Threshold.default(20),
      email_s: Threshold.default(3600),
      /** Per queue id, over the channel default. */
      queues: z.record(z.string().min(1).max(64), Threshold).default({}),
    })
    .default({ chat_s: 20, voice_s: 20, email_s: 3600, queues: {} }),
  survey: z
    .object({
      /** `both`: CSAT first, then NPS once CSAT is answered. */
      mode: SurveyMode.default("csat"),
      /** `resolved`: when an agent or the bot resolves; `closed`: only when the conversation is closed. */
      ask_on: z.enum(["resolved", "closed"]).default("resolved"),
      /** How long an answer is taken after the question, in every channel and by link. */
      valid_h: z.int().min(1).max(30 * 24).default(72),
    })
    .default({ mode: "csat", ask_on: "resolved", valid_h: 72 }),
  retention: z
    .object({
      // The event log is what drops redelivered events from the rollups, and Queues redeliver for up to 14 days.
      events_days: z.int().min(14).max(3650).default(90),
      hourly_days: z.int().min(1).max(3650).default(90),
      daily_days: z.int().min(1).max(3650).default(1095),
      conversations_days: z.int().min(1).max(3650).default(400),
    })
    .default({ events_days: 90, hourly_days: 90, daily_days: 1095, conversations_days: 400 }),
}).meta({ id: "AnalyticsSettings" });
export type AnalyticsSettings = z.infer<typeof AnalyticsSettings>;

export const DEFAULT_ANALYTICS_SETTINGS: AnalyticsSettings = AnalyticsSettings.parse({});

/** The threshold a wait in this queue and channel is judged against. */
export function slThreshold(s: AnalyticsSettings, queue: string, channel: string): number {
  const q = s.service_level.queues[queue];
  if (q !== undefined) return q;
  const cls = channel ? channelClass(channel) : "chat";
  return cls === "voice" ? s.service_level.voice_s : cls === "email" ? s.service_level.email_s : s.service_level.chat_s;
}
