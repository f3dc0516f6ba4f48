import type { ConversationSnapshot } from "../../shared/events";
import type { ConversationStatus } from "../../shared/conversation-state";

/** The console's conversation lists; each is one GET /v1/conversations query, kept live by merging what the console learns first. */
export const TABS = ["mine", "queue", "open", "resolved"] as const;
export type Tab = (typeof TABS)[number];

export const TAB_LABEL: Record<Tab, string> = { mine: "Mine", queue: "Queue", open: "All open", resolved: "Resolved" };

const TAB_STATUSES: Record<Tab, readonly ConversationStatus[]> = {
  mine: ["open", "assigned"],
  queue: ["queued"],
  open: ["open", "queued", "assigned"],
  resolved: ["resolved", "closed"],
};

export const LIST_LIMIT = 50;

export type Listed = Pick<ConversationSnapshot, "id" | "status" | "assignee_id" | "updated_at" | "rev">;

export function tabQuery(tab: Tab, me: string, q: string): { status: string; limit: string; assignee_id?: string; q?: string } {
  const search = q.trim();
  return {
    status: TAB_STATUSES[tab].join(","),
    limit: String(LIST_LIMIT),
    ...(tab === "mine" ? { assignee_id: me } : {}),
    ...(search ? { q: search } : {}),
  };
}

export function inTab(tab: Tab, c: Pick<Listed, "status" | "assignee_id">, me: string): boolean {
  return TAB_STATUSES[tab].includes(c.status) && (tab !== "mine" || c.assignee_id === me);
}

/**
 * The list as the server paged it, corrected by what the console knows to be newer: the index is written through
 * a queue, so right after Resolve or Accept it can still say "assigned" or miss the conversation. A known
 * snapshot wins while its revision is ahead of the indexed one; items it moves out of the tab leave the list.
 * Items only known locally join the list unless a search is filtering it (the server decides what matches).
 */
export function mergeList<T extends Listed>(server: readonly T[], known: ReadonlyMap<string, T>, tab: Tab, me: string, searching: boolean): T[] {
  const byId = new Map(server.map((c) => [c.id, c]));
  for (const k of known.values()) {
    const s = byId.get(k.id);
    if (s ? k.rev > s.rev : !searching) byId.set(k.id, s ? { ...s, ...k } : k);
  }
  return [...byId.values()].filter((c) => inTab(tab, c, me)).sort((a, b) => b.updated_at - a.updated_at || (a.id < b.id ? 1 : -1));
}

/** Drops what the index has caught up with, so a later change by someone else is not hidden by an old local one. */
export function settle<T extends Listed>(known: ReadonlyMap<string, T>, server: readonly Listed[]): Map<string, T> {
  const indexed = new Map(server.map((c) => [c.id, c.rev]));
  return new Map([...known].filter(([id, k]) => (indexed.get(id) ?? -1) < k.rev));
}
