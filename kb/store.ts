import { newId, now } from "../shared/ids";
import { TtlCache } from "../shared/ttl-cache";
import { buildQuery, coverage, coveredShare, indexText, matchText, type Group, type Hit } from "../shared/kb/text";
import { makeSnippet, type Snippet } from "../shared/kb/snippet";
import { DEFAULT_TYPE_BOOST, relevance, score } from "../shared/kb/rank";
import {
  EntryConsistency,
  KB_LIMITS,
  type CreateEntry,
  type CreateLink,
  type Entry,
  type EntryPage,
  type EntryType,
  type Graph,
  type Link,
  type LinkType,
  type ListQuery,
  type SearchResult,
  type UpdateEntry,
} from "../shared/kb/schemas";

/**
 * The knowledge base in D1 (migrations/0002_knowledge_base.sql): entries, typed links between them and the FTS5
 * index. It takes the D1Database itself, not env, so the Worker's routes and Durable Objects (the bot) share it.
 * Every statement is scoped by tenant_id. An entry and its index row are written in one db.batch (one
 * transaction), so a search never sees an entry without its text or the text of an entry that is gone.
 */

/** Plain values, the shape of workers/http/problem.ts Result: custom error classes do not survive DO RPC. */
export type KbFailure = { ok: false; status: 404 | 409 | 422; title: string; detail?: string; errors?: { field: string; message: string }[] };
export type KbResult<T> = { ok: true; value: T } | KbFailure;

const ok = <T>(value: T): KbResult<T> => ({ ok: true, value });
const notFound = (detail: string): KbFailure => ({ ok: false, status: 404, title: "not found", detail });
const conflict = (detail: string): KbFailure => ({ ok: false, status: 409, title: "conflict", detail });

type EntryRow = {
  id: string;
  type: EntryType;
  title: string;
  body: string;
  answer: string | null;
  tags: string;
  locale: string | null;
  attributes: string;
  quick_replies: string;
  created_at: number;
  updated_at: number;
  version: number;
};
type LinkRow = { id: string; from_id: string; to_id: string; type: LinkType; created_at: number };

const COLUMNS = "id, type, title, body, answer, tags, locale, attributes, quick_replies, created_at, updated_at, version";
const E_COLUMNS = COLUMNS.split(", ").map((c) => `e.${c}`).join(", ");

function toEntry(r: EntryRow): Entry {
  return {
    id: r.id,
    type: r.type,
    title: r.title,
    body: r.body,
    answer: r.answer,
    tags: JSON.parse(r.tags) as string[],
    locale: r.locale,
    attributes: JSON.parse(r.attributes) as Record<string, unknown>,
    quick_replies: JSON.parse(r.quick_replies) as string[],
    created_at: r.created_at,
    updated_at: r.updated_at,
    version: r.version,
  };
}

const toLink = (r: LinkRow): Link => ({ id: r.id, from: r.from_id, to: r.to_id, type: r.type, created_at: r.created_at });

/** The string attributes (a SKU, a model, `aliases`) are searchable; numbers and nested values are not. */
function attributeText(attributes: Record<string, unknown>): string {
  return Object.values(attributes)
    .flatMap((v) => (typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []))
    .join("\n");
}

type Searchable = Pick<Entry, "title" | "body" | "answer" | "tags" | "attributes">;

/** Everything but the title, as one text: what the index's `body` column holds (in rewritten form). */
function bodyText(e: Searchable): string {
  return [e.body, e.answer ?? "", e.tags.join(" "), attributeText(e.attributes)].join("\n");
}

const indexRow = (e: Entry) => ({ id: e.id, title: indexText(e.title), body: indexText(bodyText(e)) });

/** Product names change rarely and entity extraction reads them on every message: cached per isolate for 30 s. */
const productCache = new TtlCache<string[]>(1_000, 30_000);

function rowValues(e: Entry) {
  return {
    id: e.id,
    type: e.type,
    title: e.title,
    body: e.body,
    answer: e.answer,
    tags: JSON.stringify(e.tags),
    locale: e.locale,
    attributes: JSON.stringify(e.attributes),
    quick_replies: JSON.stringify(e.quick_replies),
  };
}

/** Creates every entry or none: the entries and their index rows are two statements of one batch. */
export async function createEntries(db: D1Database, tenantId: string, inputs: readonly CreateEntry[]): Promise<KbResult<Entry[]>> {
  const t = now();
  const entries: Entry[] = inputs.map((i) => ({
    id: i.id ?? newId("kb"),
    type: i.type,
    title: i.title,
    body: i.body,
    answer: i.answer ?? null,
    tags: i.tags,
    locale: i.locale ?? null,
    attributes: i.attributes,
    quick_replies: i.quick_replies,
    created_at: t,
    updated_at: t,
    version: 1,
  }));
  const given = inputs.flatMap((i) => (i.id === undefined ? [] : [i.id]));
  if (new Set(given).size < given.length) return conflict("the same id appears twice");
  if (given.length) {
    const taken = await db
      .prepare("SELECT id FROM kb_entries WHERE tenant_id = ?1 AND id IN (SELECT value FROM json_each(?2))")
      .bind(tenantId, JSON.stringify(given))
      .all<{ id: string }>();
    if (taken.results.length) return conflict(`already in use: ${taken.results.map((r) => r.id).join(", ")}`);
  }
  try {
    await db.batch([
      db
        .prepare(
          `INSERT INTO kb_entries (tenant_id, id, type, title, body, answer, tags, locale, attributes, quick_replies, created_at, updated_at, version)
           SELECT ?1, value->>'id', value->>'type', value->>'title', value->>'body', value->>'answer', value->>'tags', value->>'locale',
                  value->>'attributes', value->>'quick_replies', ?2, ?2, 1
           FROM json_each(?3)`,
        )
        .bind(tenantId, t, JSON.stringify(entries.map(rowValues))),
      // CROSS JOIN keeps json_each the outer loop: left to the planner, it scanned the tenant's entries once per
      // imported row, and a 500-entry import into 10,000 entries took seconds instead of milliseconds.
      db
        .prepare(
          `INSERT INTO kb_fts (rowid, tenant_id, entry_id, title, body)
           SELECT e.doc_id, e.tenant_id, e.id, j.value->>'title', j.value->>'body'
           FROM json_each(?2) j CROSS JOIN kb_entries e ON e.tenant_id = ?1 AND e.id = j.value->>'id'`,
        )
        .bind(tenantId, JSON.stringify(entries.map(indexRow))),
    ]);
  } catch (err) {
    // Another writer took one of the ids between the check and the batch.
    if (/UNIQUE constraint failed/i.test(String(err))) return conflict("an id is already in use");
    throw err;
  }
  productCache.delete(tenantId);
  return ok(entries);
}

export async function createEntry(db: D1Database, tenantId: string, input: CreateEntry): Promise<KbResult<Entry>> {
  const r = await createEntries(db, tenantId, [input]);
  return r.ok ? ok(r.value[0]!) : r;
}

export async function getEntry(db: D1Database, tenantId: string, id: string): Promise<Entry | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM kb_entries WHERE tenant_id = ?1 AND id = ?2`).bind(tenantId, id).first<EntryRow>();
  return row ? toEntry(row) : null;
}

/** Newest change first; the cursor is `updated_at:id` of the last entry of the previous page. */
export async function listEntries(db: D1Database, tenantId: string, q: ListQuery): Promise<EntryPage> {
  const where = ["tenant_id = ?"];
  const binds: unknown[] = [tenantId];
  if (q.type) {
    where.push("type = ?");
    binds.push(q.type);
  }
  if (q.tag !== undefined) {
    where.push("EXISTS (SELECT 1 FROM json_each(kb_entries.tags) WHERE value = ?)");
    binds.push(q.tag.trim().toLowerCase());
  }
  if (q.cursor) {
    const colon = q.cursor.indexOf(":");
    const at = Number(q.cursor.slice(0, colon));
    where.push("(updated_at < ? OR (updated_at = ? AND id < ?))");
    binds.push(at, at, q.cursor.slice(colon + 1));
  }
  const rows = await db
    .prepare(`SELECT ${COLUMNS} FROM kb_entries WHERE ${where.join(" AND ")} ORDER BY updated_at DESC, id DESC LIMIT ?`)
    .bind(...binds, q.limit + 1)
    .all<EntryRow>();
  const page = rows.results.slice(0, q.limit).map(toEntry);
  const last = page[page.length - 1];
  return { data: page, next_cursor: rows.results.length > q.limit && last ? `${last.updated_at}:${last.id}` : null };
}

/**
 * Applies `patch` to the entry. With `patch.version` the update is conditional (409 when the entry moved on);
 * without it the read-merge-write is retried when another writer got in between, so no change is lost.
 * The index row is rewritten in the same batch, guarded by the same version as the entry itself: a batch
 * that loses the race changes neither.
 */
export async function updateEntry(db: D1Database, tenantId: string, id: string, patch: UpdateEntry): Promise<KbResult<Entry>> {
  const { version: expected, ...changes } = patch;
  for (let attempt = 0; attempt < 3; attempt++) {
    const cur = await getEntry(db, tenantId, id);
    if (!cur) return notFound("no such entry");
    if (expected !== undefined && expected !== cur.version) return conflict(`the entry is at version ${cur.version}, not ${expected}`);
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<Entry>;
    const next: Entry = { ...cur, ...defined, updated_at: Math.max(now(), cur.updated_at), version: cur.version + 1 };
    const consistent = EntryConsistency.safeParse({ type: next.type, answer: next.answer });
    if (!consistent.success) {
      const errors = consistent.error.issues.map((i) => ({ field: i.path.join(".") || "(root)", message: i.message }));
      return { ok: false, status: 422, title: "invalid request", detail: errors.map((e) => `${e.field}: ${e.message}`).join("; "), errors };
    }
    const index = indexRow(next);
    const v = rowValues(next);
    const [, updated] = await db.batch([
      db
        .prepare("UPDATE kb_fts SET title = ?1, body = ?2 WHERE rowid = (SELECT doc_id FROM kb_entries WHERE tenant_id = ?3 AND id = ?4 AND version = ?5)")
        .bind(index.title, index.body, tenantId, id, cur.version),
      db
        .prepare(
          `UPDATE kb_entries SET type = ?1, title = ?2, body = ?3, answer = ?4, tags = ?5, locale = ?6, attributes = ?7, quick_replies = ?8,
             updated_at = ?9, version = version + 1
           WHERE tenant_id = ?10 AND id = ?11 AND version = ?12`,
        )
        .bind(v.type, v.title, v.body, v.answer, v.tags, v.locale, v.attributes, v.quick_replies, next.updated_at, tenantId, id, cur.version),
    ]);
    if (updated!.meta.changes === 1) {
      productCache.delete(tenantId);
      return ok(next);
    }
    if (expected !== undefined) return conflict("the entry changed while it was being updated");
  }
  return conflict("the entry keeps changing; read it again and retry");
}

/** Deletes the entry, its index row and every link from or to it, together. */
export async function deleteEntry(db: D1Database, tenantId: string, id: string): Promise<boolean> {
  const [, , deleted] = await db.batch([
    db.prepare("DELETE FROM kb_links WHERE tenant_id = ?1 AND (from_id = ?2 OR to_id = ?2)").bind(tenantId, id),
    db.prepare("DELETE FROM kb_fts WHERE rowid = (SELECT doc_id FROM kb_entries WHERE tenant_id = ?1 AND id = ?2)").bind(tenantId, id),
    db.prepare("DELETE FROM kb_entries WHERE tenant_id = ?1 AND id = ?2").bind(tenantId, id),
  ]);
  productCache.delete(tenantId);
  return deleted!.meta.changes > 0;
}

/**
 * Links are idempotent: the same (from, to, type) again returns the existing link with `created: false`, so an
 * import can be re-run. Either end missing is a 404.
 */
export async function createLink(db: D1Database, tenantId: string, input: CreateLink): Promise<KbResult<{ link: Link; created: boolean }>> {
  const ends = await db
    .prepare("SELECT id FROM kb_entries WHERE tenant_id = ?1 AND id IN (?2, ?3)")
    .bind(tenantId, input.from, input.to)
    .all<{ id: string }>();
  const present = new Set(ends.results.map((r) => r.id));
  const missing = [input.from, input.to].filter((id) => !present.has(id));
  if (missing.length) return notFound(`no such entry: ${missing.join(", ")}`);
  const link: Link = { id: newId("kbl"), from: input.from, to: input.to, type: input.type, created_at: now() };
  try {
    const inserted = await db
      .prepare(
        `INSERT INTO kb_links (tenant_id, id, from_id, to_id, type, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (tenant_id, from_id, to_id, type) DO NOTHING`,
      )
      .bind(tenantId, link.id, link.from, link.to, link.type, link.created_at)
      .run();
    if (inserted.meta.changes === 1) return ok({ link, created: true });
  } catch (err) {
    // An end was deleted between the check and the insert.
    if (/FOREIGN KEY constraint failed/i.test(String(err))) return notFound("no such entry");
    throw err;
  }
  const existing = await db
    .prepare("SELECT id, from_id, to_id, type, created_at FROM kb_links WHERE tenant_id = ?1 AND from_id = ?2 AND to_id = ?3 AND type = ?4")
    .bind(tenantId, input.from, input.to, input.type)
    .first<LinkRow>();
  return existing ? ok({ link: toLink(existing), created: false }) : conflict("the link changed while it was being created");
}

export async function deleteLink(db: D1Database, tenantId: string, id: string): Promise<boolean> {
  const r = await db.prepare("DELETE FROM kb_links WHERE tenant_id = ?1 AND id = ?2").bind(tenantId, id).run();
  return r.meta.changes > 0;
}

/** Graphs are bounded: a hub (a product with a thousand FAQs) answers with its first neighbours and `truncated`. */
export const MAX_GRAPH_NODES = 100;
const MAX_GRAPH_EDGES = 500;

/** The entries within `depth` links of `id`, in either direction, and the links among them. */
export async function graph(db: D1Database, tenantId: string, id: string, depth: number): Promise<Graph | null> {
  const root = await db.prepare("SELECT id FROM kb_entries WHERE tenant_id = ?1 AND id = ?2").bind(tenantId, id).first<{ id: string }>();
  if (!root) return null;
  const depthOf = new Map<string, number>([[id, 0]]);
  let frontier = [id];
  let truncated = false;
  for (let d = 1; d <= Math.min(depth, KB_LIMITS.graphDepth) && frontier.length > 0; d++) {
    const links = await db
      .prepare(
        `SELECT from_id, to_id FROM kb_links
         WHERE tenant_id = ?1 AND (from_id IN (SELECT value FROM json_each(?2)) OR to_id IN (SELECT value FROM json_each(?2)))
         ORDER BY created_at, id LIMIT ?3`,
      )
      .bind(tenantId, JSON.stringify(frontier), MAX_GRAPH_EDGES + 1)
      .all<{ from_id: string; to_id: string }>();
    if (links.results.length > MAX_GRAPH_EDGES) truncated = true;
    const next: string[] = [];
    for (const l of links.results.slice(0, MAX_GRAPH_EDGES)) {
      for (const end of [l.from_id, l.to_id]) {
        if (depthOf.has(end)) continue;
        if (depthOf.size >= MAX_GRAPH_NODES) {
          truncated = true;
          continue;
        }
        depthOf.set(end, d);
        next.push(end);
      }
    }
    frontier = next;
  }
  const ids = JSON.stringify([...depthOf.keys()]);
  const [nodes, edges] = await db.batch([
    db.prepare("SELECT id, type, title FROM kb_entries WHERE tenant_id = ?1 AND id IN (SELECT value FROM json_each(?2))").bind(tenantId, ids),
    db
      .prepare(
        `SELECT id, from_id, to_id, type, created_at FROM kb_links
         WHERE tenant_id = ?1 AND from_id IN (SELECT value FROM json_each(?2)) AND to_id IN (SELECT value FROM json_each(?2))
         ORDER BY created_at, id LIMIT ?3`,
      )
      .bind(tenantId, ids, MAX_GRAPH_EDGES + 1),
  ]);
  const edgeRows = (edges!.results as LinkRow[]).slice(0, MAX_GRAPH_EDGES);
  return {
    nodes: (nodes!.results as { id: string; type: EntryType; title: string }[])
      .map((n) => ({ ...n, depth: depthOf.get(n.id)! }))
      .sort((a, b) => a.depth - b.depth || a.id.localeCompare(b.id)),
    edges: edgeRows.map(toLink),
    truncated: truncated || edges!.results.length > MAX_GRAPH_EDGES,
  };
}

export type SearchOptions = {
  limit?: number;
  types?: readonly EntryType[];
  /** Only entries in this language or without a locale; "zh" also matches zh-CN and zh-TW. */
  lang?: string;
  typeBoost?: Record<EntryType, number>;
};

/** Title hits weigh this many body hits in bm25. */
const TITLE_WEIGHT = 4;
/** Links listed per result: enough for a bot to offer "see also", bounded for a hub. */
const LINKS_PER_RESULT = 10;
/**
 * Fields longer than this are matched (for coverage and snippets) on their beginning only: the CPU a search
 * costs is bounded (~40 candidates × 8,000 characters), a term found only later still ranks through bm25.
 */
const ANALYSED_CHARS = 8_000;

type SearchRow = EntryRow & { bm25: number };

/**
 * Searches the tenant's entries. Two FTS5 queries run in one batch: every group of the query (AND) and any of
 * its atoms (OR). Their union is re-ranked by shared/kb/rank.ts score; each result carries a snippet of its
 * original text with highlights, and its outgoing links. Any string is a valid query (shared/kb/text.ts
 * buildQuery quotes every atom); one with nothing searchable in it finds nothing.
 */
export async function searchKb(db: D1Database, tenantId: string, query: string, opts: SearchOptions = {}): Promise<{ results: SearchResult[] }> {
  const limit = Math.max(1, Math.min(KB_LIMITS.results, Math.trunc(opts.limit ?? 10)));
  const q = buildQuery(query.slice(0, KB_LIMITS.query));
  if (!q.strict || !q.loose) return { results: [] };
  const types = opts.types?.length ? JSON.stringify(opts.types) : null;
  const lang = opts.lang ? opts.lang.toLowerCase() : null;
  const select = (match: string, n: number) =>
    db
      .prepare(
        `SELECT ${E_COLUMNS}, bm25(kb_fts, 0.0, 0.0, ${TITLE_WEIGHT}.0, 1.0) AS bm25
         FROM kb_fts JOIN kb_entries e ON e.doc_id = kb_fts.rowid
         WHERE kb_fts MATCH ?1 AND kb_fts.tenant_id = ?2 AND e.tenant_id = ?2
           AND (?4 IS NULL OR e.type IN (SELECT value FROM json_each(?4)))
           AND (?5 IS NULL OR e.locale IS NULL OR lower(e.locale) = ?5 OR lower(e.locale) LIKE ?5 || '-%')
         ORDER BY bm25 LIMIT ?3`,
      )
      .bind(match, tenantId, n, types, lang);
  const candidates = Math.min(60, Math.max(20, limit * 3));
  const [strictRes, looseRes] = q.strict === q.loose ? [await select(q.strict, candidates).all<SearchRow>(), null] : await db.batch<SearchRow>([select(q.strict, limit), select(q.loose, candidates)]);
  const strict = strictRes!.results;
  const loose = looseRes?.results ?? strict;

  const rel = relevance(new Map(loose.map((r) => [r.id, r.bm25])), new Map(strict.map((r) => [r.id, r.bm25])));
  const rows = new Map<string, SearchRow>();
  for (const r of [...strict, ...loose]) rows.set(r.id, r);
  const ranked = [...rows.values()]
    .map((r) => ({ entry: toEntry(r), rel: rel.get(r.id) ?? 0 }))
    .map(({ entry, rel }) => ({ entry, rel, ...analyse(entry, q.groups, rel, opts.typeBoost ?? DEFAULT_TYPE_BOOST) }))
    .sort((a, b) => b.score - a.score || b.rel - a.rel || a.entry.id.localeCompare(b.entry.id))
    .slice(0, limit);

  const linksOf = await outgoingLinks(db, tenantId, ranked.map((r) => r.entry.id));
  return {
    results: ranked.map(({ entry, score, snippet }) => ({
      id: entry.id,
      type: entry.type,
      title: entry.title,
      score: Math.round(score * 1e4) / 1e4,
      snippet: snippet.text,
      highlights: snippet.highlights,
      answer: entry.answer,
      quick_replies: entry.quick_replies,
      tags: entry.tags,
      locale: entry.locale,
      links: linksOf.get(entry.id) ?? [],
    })),
  };
}

/** The entry's score and snippet: which query groups its title, body, answer, tags and attributes contain, and where. */
function analyse(e: Entry, groups: readonly Group[], rel: number, typeBoost: Record<EntryType, number>): { score: number; snippet: Snippet } {
  const cut = (s: string) => s.slice(0, ANALYSED_CHARS);
  const titleHits = matchText(e.title, groups);
  const bodyHits = matchText(cut(e.body), groups);
  const answerHits = e.answer ? matchText(cut(e.answer), groups) : [];
  const restHits = matchText(cut([e.tags.join(" "), attributeText(e.attributes)].join("\n")), groups);
  const s = score(
    {
      type: e.type,
      coverage: coverage(groups, [...titleHits, ...bodyHits, ...answerHits, ...restHits]),
      titleCoverage: coverage(groups, titleHits),
      titleExactness: coveredShare(e.title, titleHits),
      relevance: rel,
    },
    typeBoost,
  );
  // The snippet comes from the field with the most of the query in it: an FAQ's answer wins a tie.
  const distinct = (hits: readonly Hit[]) => new Set(hits.map((h) => h.group)).size;
  const snippet = e.answer !== null && distinct(answerHits) >= distinct(bodyHits) ? makeSnippet(e.answer, answerHits) : makeSnippet(e.body, bodyHits);
  return { score: s, snippet };
}

async function outgoingLinks(db: D1Database, tenantId: string, ids: readonly string[]): Promise<Map<string, SearchResult["links"]>> {
  const out = new Map<string, SearchResult["links"]>();
  if (ids.length === 0) return out;
  const rows = await db
    .prepare(
      `SELECT l.from_id, l.type, l.to_id, t.title FROM kb_links l JOIN kb_entries t ON t.tenant_id = l.tenant_id AND t.id = l.to_id
       WHERE l.tenant_id = ?1 AND l.from_id IN (SELECT value FROM json_each(?2)) ORDER BY l.created_at, l.id`,
    )
    .bind(tenantId, JSON.stringify(ids))
    .all<{ from_id: string; type: LinkType; to_id: string; title: string }>();
  for (const r of rows.results) {
    const list = out.get(r.from_id) ?? [];
    if (list.length < LINKS_PER_RESULT) list.push({ type: r.type, to: r.to_id, title: r.title });
    out.set(r.from_id, list);
  }
  return out;
}

/**
 * The names entity extraction looks for: product titles and their `attributes.aliases`. Writes through this
 * store drop the isolate's copy at once; other isolates see a change within the cache's 30 s.
 */
export async function productNames(db: D1Database, tenantId: string): Promise<string[]> {
  const cached = productCache.get(tenantId, now());
  if (cached !== undefined) return cached;
  const rows = await db
    .prepare("SELECT title, attributes FROM kb_entries WHERE tenant_id = ?1 AND type = 'product' ORDER BY title")
    .bind(tenantId)
    .all<{ title: string; attributes: string }>();
  const names = new Set<string>();
  for (const r of rows.results) {
    names.add(r.title);
    const aliases = (JSON.parse(r.attributes) as Record<string, unknown>).aliases;
    if (Array.isArray(aliases)) for (const a of aliases) if (typeof a === "string" && a.trim()) names.add(a.trim());
  }
  const list = [...names];
  productCache.set(tenantId, list, now());
  return list;
}
