import { z } from "zod";
import { Id } from "../ids";
import type { Queue } from "./schemas";
import { Trace } from "./simulation";
import type { ContactRecord, TraceInput } from "./simulation";

/**
 * The interchange format `routing-trace/v1` (times in seconds from the trace's start) and its mapping into the
 * simulator's trace. Every mapping choice is documented in docs/routing.md, "routing-trace/v1".
 */

export const FORMAT_V1 = "routing-trace/v1";

export const ChannelV1 = z.enum(["voice", "chat", "email"]);
export type ChannelV1 = z.infer<typeof ChannelV1>;

const name = z.string().min(1).max(64);
const seconds = z.number().min(0);

export const AgentV1 = z.object({
  id: Id,
  languages: z.array(name).default([]),
  /** Proficiency 0.5–1.0 per skill held; a skill not listed is not held. */
  skills: z.record(name, z.number().min(0.5).max(1)).default({}),
  /** Contacts of a channel that fill the agent; a channel left out is one the agent does not take. */
  capacity: z.object({ voice: z.int().min(0).max(10), chat: z.int().min(0).max(50), email: z.int().min(0).max(200) }).partial(),
  /** New contacts only while start ≤ now < end; absent: on shift throughout. */
  shift: z.object({ start: seconds, end: seconds }).refine((s) => s.start < s.end, "start must be before end").optional(),
});
export type AgentV1 = z.infer<typeof AgentV1>;

export const ContactV1 = z.object({
  id: Id,
  t: seconds,
  channel: ChannelV1,
  language: name,
  required_skill: name,
  tier: name,
  lifetime_value: z.number().min(0),
  complexity: z.number().min(0).max(1),
  /** Base seconds for an agent at proficiency 1 with the skill and the language. */
  handle_time: z.number().positive(),
  /** Abandons at t + patience unless assigned by then. */
  patience: z.number().positive(),
});
export type ContactV1 = z.infer<typeof ContactV1>;

export const TraceV1 = z
  .object({
    format: z.literal(FORMAT_V1),
    horizon_s: z.number().positive(),
    skills: z.array(name),
    languages: z.array(name),
    channels: z.array(ChannelV1).min(1),
    /** Ordered low → high. */
    tiers: z.array(name).min(1),
    agents: z.array(AgentV1).min(1),
    contacts: z.array(ContactV1),
  })
  .superRefine((trace, ctx) => {
    const known = (list: readonly string[], value: string, path: (string | number)[], what: string) => {
      if (!list.includes(value)) ctx.addIssue({ code: "custom", path, message: `${what} "${value}" is not listed in ${what === "tier" ? "tiers" : `${what}s`}` });
    };
    const agentIds = new Set<string>();
    trace.agents.forEach((a, i) => {
      if (agentIds.has(a.id)) ctx.addIssue({ code: "custom", path: ["agents", i, "id"], message: `duplicate agent id "${a.id}"` });
      agentIds.add(a.id);
      for (const skill of Object.keys(a.skills)) known(trace.skills, skill, ["agents", i, "skills", skill], "skill");
      a.languages.forEach((l, j) => known(trace.languages, l, ["agents", i, "languages", j], "language"));
      for (const ch of Object.keys(a.capacity)) known(trace.channels, ch, ["agents", i, "capacity", ch], "channel");
    });
    const contactIds = new Set<string>();
    trace.contacts.forEach((c, i) => {
      if (contactIds.has(c.id)) ctx.addIssue({ code: "custom", path: ["contacts", i, "id"], message: `duplicate contact id "${c.id}"` });
      contactIds.add(c.id);
      if (i > 0 && c.t < trace.contacts[i - 1]!.t) ctx.addIssue({ code: "custom", path: ["contacts", i, "t"], message: "contacts must be sorted by t" });
      known(trace.channels, c.channel, ["contacts", i, "channel"], "channel");
      known(trace.skills, c.required_skill, ["contacts", i, "required_skill"], "skill");
      known(trace.languages, c.language, ["contacts", i, "language"], "language");
      known(trace.tiers, c.tier, ["contacts", i, "tier"], "tier");
    });
  });
export type TraceV1 = z.infer<typeof TraceV1>;
export type TraceV1Input = z.input<typeof TraceV1>;

/** Either format, told apart by `format`; a zod error's message names each bad field by its path. */
export function parseAnyTrace(json: unknown, name: string): { trace: Trace; v1: TraceV1 | null } {
  if (typeof json === "object" && json !== null && "format" in json) {
    const v1 = parseOrExplain(TraceV1, json);
    return { trace: fromV1(v1, name), v1 };
  }
  return { trace: parseOrExplain(Trace, json), v1: null };
}

export class TraceError extends Error {}

function parseOrExplain<T extends z.ZodType>(schema: T, json: unknown): z.infer<T> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.slice(0, 20).map((i) => `  ${i.path.length === 0 ? "(top level)" : pathOf(i.path)}: ${i.message}`);
  const more = parsed.error.issues.length > 20 ? `\n  … and ${parsed.error.issues.length - 20} more` : "";
  throw new TraceError(`invalid trace:\n${lines.join("\n")}${more}`);
}

const pathOf = (path: readonly PropertyKey[]) => path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("");

/** A v1 chat is a web chat to the desk: every channel but voice and e-mail is the chat class. */
const DESK_CHANNEL = { voice: "voice", chat: "web", email: "email" } as const;

/** First-response SLA per channel: the desk's default for voice and chat; an hour for e-mail, which nobody answers in a minute. */
export const SLA_S: Record<ChannelV1, number> = { voice: 60, chat: 60, email: 3600 };

/**
 * customer_value in 0–1, as shared/routing-config.ts customerValue folds a profile: the tier sets a floor by
 * its rank ((rank + 1) / number of tiers, so the top tier is 1), lifetime value lifts it on a log scale
 * (1 000 → 0.6, 100 000 → 1).
 */
export function customerValueV1(tiers: readonly string[], tier: string, lifetimeValue: number): number {
  const fromTier = (tiers.indexOf(tier) + 1) / tiers.length;
  const fromLtv = lifetimeValue > 0 ? Math.min(1, Math.log10(lifetimeValue + 1) / 5) : 0;
  return Math.max(fromTier, fromLtv);
}

/** A v1 proficiency p (0.5–1) is desk level 5p; any holder is the right agent, so the need is the lowest level v1 allows. */
const NEED = 2.5;

export function fromV1(v1: TraceV1, name: string): Trace {
  // Each queue widens from the skill to anyone after twice its SLA: the desk's default 120 s for voice and chat,
  // two hours for e-mail, which would otherwise leave its skill after two minutes of a one-hour SLA.
  const queues: z.input<typeof Queue>[] = v1.channels.map((ch) => ({
    id: ch,
    name: `${ch} contacts`,
    sla_first_response_s: SLA_S[ch],
    targets: [{ kind: "skills", timeout_s: 2 * SLA_S[ch] }, { kind: "any" }],
  }));
  const input: TraceInput = {
    name,
    description: `${FORMAT_V1}: ${v1.agents.length} agents, ${v1.contacts.length} contacts`,
    duration_s: v1.horizon_s,
    sl_threshold_s: 20,
    handling: "proficiency",
    // v1 says a mix may fill the budget, nothing more: no class blocks another.
    settings: { capacity_model: "shared", blocks: { voice: [], chat: [], email: [] } },
    queues,
    rules: v1.channels.map((ch) => ({ id: `channel-${ch}`, when: [{ field: "channel", op: "eq", value: DESK_CHANNEL[ch] }], queue_id: ch })),
    default_queue_id: v1.channels[0]!,
    agents: v1.agents.map((a) => ({
      id: a.id,
      name: a.id,
      skills: Object.entries(a.skills).map(([skill, p]) => ({ skill, proficiency: 5 * p })),
      languages: a.languages,
      capacity: { voice: a.capacity.voice ?? 0, chat: a.capacity.chat ?? 0, email: a.capacity.email ?? 0 },
      status: "available",
      shifts: a.shift ? [{ start: a.shift.start * 1000, end: a.shift.end * 1000 }] : [],
      // v1 agents take what they are offered, at once.
      behaviour: { accept_after_s: 0, reject_probability: 0, miss_probability: 0 },
    })),
    arrivals: v1.contacts.map((c) => ({
      id: c.id,
      at_s: c.t,
      channel: DESK_CHANNEL[c.channel],
      language: c.language,
      skill: c.required_skill,
      need: NEED,
      complexity: c.complexity,
      tier: c.tier,
      customer_value: customerValueV1(v1.tiers, c.tier, c.lifetime_value),
      handle_s: c.handle_time,
      patience_s: c.patience,
    })),
  };
  return Trace.parse(input);
}

export type OutcomeV1 =
  | { id: string; status: "answered"; agent_id: string; t_answer: number; t_end: number }
  | { id: string; status: "abandoned"; t_abandon: number }
  /** Neither: still waiting or still handled when nothing more could happen (only traces without patience). */
  | { id: string; status: "unanswered" };

/** Outcomes in seconds from the start, in the order the contacts arrived; the clock's float noise below 1 ms is dropped. */
export function outcomes(records: readonly ContactRecord[]): OutcomeV1[] {
  const s = (ms: number) => Math.round(ms) / 1000;
  return [...records]
    .sort((a, b) => a.arrival.at_s - b.arrival.at_s)
    .map((r) => {
      if (r.answered_at !== null && r.first_agent !== null && r.ended_at !== null) {
        return { id: r.arrival.id, status: "answered", agent_id: r.first_agent, t_answer: s(r.answered_at), t_end: s(r.ended_at) };
      }
      if (r.abandoned_at !== null) return { id: r.arrival.id, status: "abandoned", t_abandon: s(r.abandoned_at) };
      return { id: r.arrival.id, status: "unanswered" };
    });
}
