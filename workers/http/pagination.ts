import { and, eq, gt, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { z } from "zod";

/**
 * Cursor pages, one envelope for every list: `{data, next_cursor}`. The cursor is the last row's sort key and id
 * (`<ms>:<id>`), so a page is one indexed range read and rows written meanwhile neither repeat nor vanish.
 */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().regex(/^\d+:[A-Za-z0-9_]+$/, "opaque cursor from a previous page").optional(),
};

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), next_cursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last") });

export type Order = "asc" | "desc";

/** Rows after the cursor in the list's order (`key`, then `id`), or no condition on the first page. */
export function afterCursor(key: SQLiteColumn, id: SQLiteColumn, cursor: string | undefined, order: Order): SQL | undefined {
  if (!cursor) return undefined;
  const [at, last] = cursor.split(":") as [string, string];
  const beyond = order === "asc" ? gt : lt;
  return or(beyond(key, Number(at)), and(eq(key, Number(at)), beyond(id, last)));
}

/** The page of `limit` rows out of `limit + 1` read, and the cursor after it when there is more. */
export function page<R, V>(rows: R[], limit: number, keyOf: (r: R) => { at: number; id: string }, view: (r: R) => V): { data: V[]; next_cursor: string | null } {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  const k = rows.length > limit && last ? keyOf(last) : null;
  return { data: kept.map(view), next_cursor: k ? `${k.at}:${k.id}` : null };
}
