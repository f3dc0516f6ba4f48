import { z } from "zod";
import { SurveyKind } from "../events";
import type { AnalyticsSettings } from "./settings";

/** The question a conversation is waiting on: answers count until `expires_at`; `then` is asked once this is answered. */
export const SurveyState = z.object({ kind: SurveyKind, asked_at: z.number(), expires_at: z.number(), then: SurveyKind.nullable() });
export type SurveyState = z.infer<typeof SurveyState>;

/**
 * The questions a resolution or a close asks, in order: only the moment the tenant chose asks, so a close right after
 * a resolution does not ask twice and a conversation closed unresolved (the customer left) is not asked by default.
 */
export function surveysFor(s: AnalyticsSettings["survey"], trigger: "resolved" | "closed"): SurveyKind[] {
  if (s.mode === "none" || s.ask_on !== trigger) return [];
  return s.mode === "both" ? ["csat", "nps"] : [s.mode];
}

export function startSurvey(kinds: SurveyKind[], s: AnalyticsSettings["survey"], t: number): SurveyState | null {
  const [kind, then] = kinds;
  return kind ? { kind, asked_at: t, expires_at: t + s.valid_h * 3_600_000, then: then ?? null } : null;
}

/** The state while an answer is still taken; an expired question is no question. */
export function openSurvey(raw: string | null, t: number): SurveyState | null {
  if (!raw) return null;
  const s = SurveyState.safeParse(JSON.parse(raw));
  return s.success && s.data.expires_at > t ? s.data : null;
}
