import { localParts } from "./calendar";

/** One conversation as the behaviour patterns see it; `repeat` is whether its contact wrote in the window before. */
export type PatternInput = { created_at: number; channel: string; intent: string | null; bot: boolean; resolved_by: string | null; repeat: boolean };

/**
 * Behaviour patterns of one local day, kept by the day conversations began:
 * - `intent` (key intent, "" unknown): contact reasons, n conversations;
 * - `intent_bot` (key intent): n bot-handled, total resolved by the bot, so containment by intent is total ÷ n;
 * - `heatmap` (key "weekday:hour", Monday 0, local time): n conversations started;
 * - `channel` (key channel): the channel mix;
 * - `repeat` (key "all"): n conversations, total from contacts who had written within the repeat window before.
 */
export type PatternKind = "intent" | "intent_bot" | "heatmap" | "channel" | "repeat";
export type PatternCell = { kind: PatternKind; key: string; n: number; total: number };

export function patternsOf(rows: readonly PatternInput[], tz: string): PatternCell[] {
  const cells = new Map<string, PatternCell>();
  const add = (kind: PatternKind, key: string, n: number, total: number) => {
    const id = `${kind}\u0000${key}`;
    const cell = cells.get(id) ?? { kind, key, n: 0, total: 0 };
    cell.n += n;
    cell.total += total;
    cells.set(id, cell);
  };
  for (const r of rows) {
    const intent = r.intent ?? "";
    add("intent", intent, 1, 0);
    if (r.bot) add("intent_bot", intent, 1, r.resolved_by === "bot" ? 1 : 0);
    const p = localParts(r.created_at, tz);
    add("heatmap", `${p.weekday}:${p.hour}`, 1, 0);
    add("channel", r.channel, 1, 0);
    add("repeat", "all", 1, r.repeat ? 1 : 0);
  }
  return [...cells.values()];
}
