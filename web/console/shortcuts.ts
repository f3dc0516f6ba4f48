/** Single-key shortcuts; they never fire while the agent types in a field. */
export const SHORTCUTS = [
  { key: "j", action: "next", label: "Next conversation" },
  { key: "k", action: "previous", label: "Previous conversation" },
  { key: "a", action: "accept", label: "Accept the newest offer" },
  { key: "r", action: "reply", label: "Focus the reply box" },
  { key: "e", action: "resolve", label: "Resolve the open conversation" },
  { key: "n", action: "note", label: "Write a private note" },
  { key: "/", action: "search", label: "Search conversations" },
  { key: "?", action: "help", label: "Show these shortcuts" },
] as const;
export type ShortcutAction = (typeof SHORTCUTS)[number]["action"];

const BY_KEY = new Map<string, ShortcutAction>(SHORTCUTS.map((s) => [s.key, s.action]));

export type KeyPress = { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean };
export type KeyTarget = { tagName?: string; isContentEditable?: boolean } | null;

const FIELDS = new Set(["INPUT", "TEXTAREA", "SELECT"]);

export function isTyping(target: KeyTarget): boolean {
  return !!target && (target.isContentEditable === true || FIELDS.has((target.tagName ?? "").toUpperCase()));
}

export function shortcutFor(e: KeyPress, target: KeyTarget): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || isTyping(target)) return null;
  return BY_KEY.get(e.key) ?? null;
}

/** The id j/k moves to: the first item when none is selected, and no wrapping past either end. */
export function step(ids: readonly string[], current: string | null, dir: 1 | -1): string | null {
  if (ids.length === 0) return null;
  const at = current === null ? -1 : ids.indexOf(current);
  if (at === -1) return dir === 1 ? ids[0]! : ids[ids.length - 1]!;
  return ids[Math.min(ids.length - 1, Math.max(0, at + dir))]!;
}
