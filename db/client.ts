import { drizzle } from "drizzle-orm/d1";
import { SQL } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";

export function db(env: Env) {
  return drizzle(env.DB, { schema });
}
export type Db = ReturnType<typeof db>;

/** A built query or a raw `sql` fragment: what one statement of a D1 batch is made from. */
export type Statement = SQL | { toSQL(): { sql: string; params: unknown[] } };

const dialect = new SQLiteSyncDialect();

/**
 * One atomic D1 batch of query builders and raw `sql` statements. Drizzle's own batch cannot hold a raw statement
 * that binds parameters (its `SQLiteRaw` has no prepared statement to bind), so the batch is built on D1 directly.
 */
export async function runBatch(d: Db, items: Statement[]): Promise<D1Result[]> {
  const built = items.map((q) => (q instanceof SQL ? dialect.sqlToQuery(q) : q.toSQL()));
  return d.$client.batch(built.map((q) => d.$client.prepare(q.sql).bind(...q.params)));
}
