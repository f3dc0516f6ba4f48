/**
 * The voice channel's menu (IVR), as pure decisions: which option a caller's digits or words pick, whether to
 * ask again, where the call goes, and the TwiML that says so. No I/O; voice.ts wires it to Twilio's callbacks.
 *
 * The attempt being answered rides in the Gather action URL (`ed_attempt`), which Twilio signs when it calls
 * back, so counting needs no storage and a replayed callback decides the same way again.
 */
import { z } from "zod";
import { Id } from "../../shared/ids";
import type { RoutingRequest } from "../../shared/routing-config";
import { xmlEscape } from "./twilio";

/** Keys a caller presses. `#` is Twilio's default finishOnKey, so it ends input instead of being part of it. */
const Digits = z.string().regex(/^[0-9*]{1,8}$/, "digits are 0-9 and *, at most 8");

/** Where a choice sends the call; an empty route is the tenant's default routing. */
export const IvrRoute = z
  .object({
    /** Becomes the routing attribute `ivr_queue`: a rule on `attributes.ivr_queue` sends it to that queue. */
    queue: Id.optional(),
    /** Required skills, at proficiency 1 or better. */
    skills: z.array(z.string().min(1).max(64)).max(20).optional(),
    /** The agent must speak it (language_required). */
    language: z.string().min(2).max(35).optional(),
  })
  .strict();
export type IvrRoute = z.infer<typeof IvrRoute>;

export const IvrOption = z.object({
  digits: Digits,
  /** Words or phrases that pick this option when the caller speaks instead of pressing keys. */
  speech: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
  label: z.string().min(1).max(100),
  route: IvrRoute,
});
export type IvrOption = z.infer<typeof IvrOption>;

export const IvrConfig = z
  .object({
    prompt: z.string().min(1).max(2000),
    /** Said before the prompt when the caller is asked again. */
    retry_prompt: z.string().min(1).max(500).default("Sorry, I did not get that."),
    /** BCP-47 tag for <Say> and for speech recognition (Twilio's default is en-US). */
    language: z.string().regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, "a BCP-47 tag such as en-US").optional(),
    /** A Twilio <Say> voice, e.g. "Polly.Joanna" or "alice". */
    voice: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
    timeout_s: z.int().min(1).max(60).default(5),
    attempts: z.int().min(1).max(5).default(3),
    /** Speech recognised with less confidence than this (Twilio's 0–1 `Confidence`) counts as no answer. */
    min_confidence: z.number().min(0).max(1).default(0),
    options: z.array(IvrOption).min(1).max(12),
    /** Where the call goes when every attempt failed. */
    fallback: IvrRoute.default({}),
  })
  .superRefine((ivr, ctx) => {
    const digits = new Set<string>();
    const phrases = new Map<string, number>();
    ivr.options.forEach((o, i) => {
      if (digits.has(o.digits)) ctx.addIssue({ code: "custom", path: ["options", i, "digits"], message: `two options answer to ${o.digits}` });
      digits.add(o.digits);
      o.speech?.forEach((w, j) => {
        const key = words(w).join(" ");
        if (!key) ctx.addIssue({ code: "custom", path: ["options", i, "speech", j], message: "no letters or digits to listen for" });
        else if (phrases.has(key) && phrases.get(key) !== i) ctx.addIssue({ code: "custom", path: ["options", i, "speech", j], message: `"${w}" already picks another option` });
        phrases.set(key, i);
      });
    });
  });
export type IvrConfig = z.infer<typeof IvrConfig>;

/** What Twilio's Gather callback reports: `Digits`, or `SpeechResult` with its `Confidence`. */
export type IvrInput = { digits?: string; speech?: string; confidence?: number };

export type IvrDecision =
  /** `option` null: the fallback after the last attempt. */
  | { kind: "route"; option: IvrOption | null; route: IvrRoute }
  | { kind: "retry"; attempt: number };

/** Lower-case words with accents removed, so "Facturación," matches "facturacion". */
export function words(s: string): string[] {
  return s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The option the input picks, or null. Keys must equal an option's digits. Spoken input picks the option whose
 * phrase occurs earliest in what was said (the caller's first thought), the longer phrase on a tie.
 */
export function matchOption(ivr: IvrConfig, input: IvrInput): IvrOption | null {
  if (input.digits) return ivr.options.find((o) => o.digits === input.digits) ?? null;
  if (!input.speech || (input.confidence ?? 1) < ivr.min_confidence) return null;
  const said = words(input.speech);
  let best: { option: IvrOption; at: number; length: number } | null = null;
  for (const option of ivr.options) {
    for (const phrase of option.speech ?? []) {
      const w = words(phrase);
      const at = indexOfRun(said, w);
      if (at < 0) continue;
      if (!best || at < best.at || (at === best.at && w.length > best.length)) best = { option, at, length: w.length };
    }
  }
  return best?.option ?? null;
}

function indexOfRun(haystack: string[], needle: string[]): number {
  if (needle.length === 0) return -1;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The attempt a callback answers, from its signed URL; anything unreadable is the first, never past the last. */
export function attemptOf(ivr: IvrConfig, raw: string | null): number {
  const n = raw && /^[0-9]{1,2}$/.test(raw) ? Number(raw) : 1;
  return Math.min(Math.max(n, 1), ivr.attempts);
}

export function decide(ivr: IvrConfig, input: IvrInput, attempt: number): IvrDecision {
  const option = matchOption(ivr, input);
  if (option) return { kind: "route", option, route: option.route };
  if (attempt < ivr.attempts) return { kind: "retry", attempt: attempt + 1 };
  return { kind: "route", option: null, route: ivr.fallback };
}

/**
 * A route as the routing desk reads it: skills are required skills, a language is required of the agent, and a
 * queue is the attribute `ivr_queue`, which the tenant's routing rules map to the queue (rules choose queues).
 */
export function routingFor(route: IvrRoute): RoutingRequest {
  return {
    ...(route.skills?.length ? { required_skills: route.skills.map((skill) => ({ skill, min_proficiency: 1, mode: "required" as const })) } : {}),
    ...(route.language ? { language: route.language, language_required: true } : {}),
    ...(route.queue ? { attributes: { ivr_queue: route.queue } } : {}),
  };
}

/** "queue billing; skills billing, refunds; language es", or "default" for the tenant's default routing. */
export function describeRoute(route: IvrRoute): string {
  const parts = [
    route.queue ? `queue ${route.queue}` : "",
    route.skills?.length ? `skills ${route.skills.join(", ")}` : "",
    route.language ? `language ${route.language}` : "",
  ].filter(Boolean);
  return (parts.join("; ") || "default").slice(0, 255);
}

function attrs(list: Record<string, string | number | undefined>): string {
  return Object.entries(list)
    .flatMap(([k, v]) => (v === undefined ? [] : [` ${k}="${xmlEscape(String(v))}"`]))
    .join("");
}

export function sayTwiml(text: string, ivr: Pick<IvrConfig, "voice" | "language"> = {}): string {
  return `<Say${attrs({ voice: ivr.voice, language: ivr.language })}>${xmlEscape(text)}</Say>`;
}

/**
 * The menu: one <Gather> for keys (and speech when any option listens for words) around the prompt. With
 * actionOnEmptyResult Twilio calls back even on silence, so the no-input case is decided here too.
 */
export function gatherTwiml(ivr: IvrConfig, action: string, attempt: number): string {
  const phrases = ivr.options.flatMap((o) => o.speech ?? []);
  const speech = phrases.length > 0;
  const gather = attrs({
    input: speech ? "dtmf speech" : "dtmf",
    numDigits: Math.max(...ivr.options.map((o) => o.digits.length)),
    timeout: ivr.timeout_s,
    ...(speech ? { speechTimeout: "auto", hints: phrases.join(", ").slice(0, 4000) } : {}),
    language: ivr.language,
    action,
    method: "POST",
    actionOnEmptyResult: "true",
  });
  const again = attempt > 1 ? sayTwiml(ivr.retry_prompt, ivr) : "";
  return `<Gather${gather}>${again}${sayTwiml(ivr.prompt, ivr)}</Gather>`;
}
