/**
 * The dashboard's hash routes: `#/live`, `#/history?…`, `#/conversations?…`, `#/admin/<id>`. Filters live in the
 * hash so a drill-down can be bookmarked, shared and left with the back button.
 */
export type Page = "live" | "history" | "conversations" | "admin";
export type Route = { page: Page; admin: string | null; params: Record<string, string> };

const PAGES: readonly Page[] = ["live", "history", "conversations", "admin"];

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#\/?/, "").split("?", 2);
  const [head = "", sub = ""] = path.split("/");
  const params = Object.fromEntries([...new URLSearchParams(query)].filter(([, v]) => v !== ""));
  const page = (PAGES as readonly string[]).includes(head) ? (head as Page) : "live";
  if (page === "admin") return { page, admin: sub ? decodeURIComponent(sub) : null, params };
  return { page, admin: null, params: page === "live" ? {} : params };
}

/** Empty values are left out, and keys are sorted, so equal filters give one hash. */
export function routeHash(page: Exclude<Page, "admin">, params: Record<string, string | null | undefined> = {}): string {
  const kept = Object.entries(params).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== "");
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = new URLSearchParams(kept).toString();
  return `#/${page}${query ? `?${query}` : ""}`;
}

export const adminHash = (id: string) => `#/admin/${encodeURIComponent(id)}`;
