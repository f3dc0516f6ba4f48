import { z } from "zod";
import { SurveyKind } from "../events";
import type { AnalyticsSettings } from "./settings";

/** The question a conversation is waiting on: answers count until `expires_at`; `then` is asked once this is answered. */
export const SurveyState = z.object({ kind: SurveyKind, asked_at: z.number(), expires_at: z.number(), then: SurveyKind.nullable() });
export type SurveyState = z.infer<typeof SurveyState>;

/**
 * The questions a resolution or a close asks, in order. With `ask_on: "resolved"` a close right after a resolution
 * asks nothing more (the customer was asked already); a conversation closed without being resolved is asked then.
 */
export function surveysFor(s: AnalyticsSettings["survey"], trigger: "resolved" | "closed", from: string): SurveyKind[] {
  if (s.mode === "none") return [];
  if (s.ask_on === "closed" ? trigger !== "closed" : trigger === "closed" && from === "resolved") return [];
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
