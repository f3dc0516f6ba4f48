import { z } from "zod";
import { HttpError } from "../http/problem";
import { defineRoute, json, jsonBody, noContent, router } from "../http/route";
import { Id } from "../../shared/ids";
import { BulkImport, CreateEntry, CreateLink, Entry, EntryPage, Graph, GraphQuery, Link, ListQuery, SearchQuery, SearchResponse, UpdateEntry } from "../../shared/kb/schemas";
import { createEntries, createEntry, createLink, deleteEntry, deleteLink, getEntry, graph, listEntries, searchKb, updateEntry, type KbResult } from "../../kb/store";

/** The knowledge base's admin API (docs/knowledge-base.md): keys write, keys and agents read. */

const Params = z.object({ id: Id });

export const BulkImported = z.object({ count: z.int(), entries: z.array(Entry.pick({ id: true, type: true, title: true, version: true })) }).meta({ id: "KbBulkImport" });

function unwrapKb<T>(r: KbResult<T>): T {
  if (r.ok) return r.value;
  throw new HttpError(r.status, r.title, r.detail, r.errors);
}

const noSuchEntry = () => new HttpError(404, "not found", "no such entry");

const tag = ["Knowledge base"];

export const kbRoutes = router()
  .openapi(
    defineRoute({
      method: "post", path: "/entries", tags: tag, access: ["api"], idempotent: true,
      summary: "Create a knowledge-base entry (article, FAQ, product, process)",
      request: jsonBody(CreateEntry),
      responses: { 201: json(Entry, "The entry, at version 1") }, errors: [409],
    }),
    async (c) => c.json(unwrapKb(await createEntry(c.env.DB, c.get("principal").tenantId, c.req.valid("json"))), 201),
  )
  .openapi(
    defineRoute({
      method: "get", path: "/entries", tags: tag, access: ["api", "agent"],
      summary: "List knowledge-base entries, newest change first",
      request: { query: ListQuery },
      responses: { 200: json(EntryPage) },
    }),
    async (c) => c.json(await listEntries(c.env.DB, c.get("principal").tenantId, c.req.valid("query")), 200),
  )
  .openapi(
    defineRoute({
      method: "post", path: "/entries/bulk", tags: tag, access: ["api"], idempotent: true,
      summary: "Import up to 500 entries, all or nothing",
      description: "One invalid entry is a 422 naming it (`entries.3.title`), one taken id a 409, and nothing is written.",
      request: jsonBody(BulkImport),
      responses: { 201: json(BulkImported, "What was created") }, errors: [409],
    }),
    async (c) => {
      const created = unwrapKb(await createEntries(c.env.DB, c.get("principal").tenantId, c.req.valid("json").entries));
      return c.json({ count: created.length, entries: created.map((e) => ({ id: e.id, type: e.type, title: e.title, version: e.version })) }, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/entries/{id}", tags: tag, access: ["api", "agent"],
      summary: "A knowledge-base entry",
      request: { params: Params },
      responses: { 200: json(Entry) },
    }),
    async (c) => {
      const entry = await getEntry(c.env.DB, c.get("principal").tenantId, c.req.valid("param").id);
      if (!entry) throw noSuchEntry();
      return c.json(entry, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "patch", path: "/entries/{id}", tags: tag, access: ["api"],
      summary: "Change an entry (optionally only at a given version: 409 when it has moved on)",
      request: { params: Params, ...jsonBody(UpdateEntry) },
      responses: { 200: json(Entry, "The entry at its new version") }, errors: [409],
    }),
    async (c) => c.json(unwrapKb(await updateEntry(c.env.DB, c.get("principal").tenantId, c.req.valid("param").id, c.req.valid("json"))), 200),
  )
  .openapi(
    defineRoute({
      method: "delete", path: "/entries/{id}", tags: tag, access: ["api"],
      summary: "Delete an entry and its links",
      request: { params: Params },
      responses: { 204: noContent },
    }),
    async (c) => {
      if (!(await deleteEntry(c.env.DB, c.get("principal").tenantId, c.req.valid("param").id))) throw noSuchEntry();
      return c.body(null, 204);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/entries/{id}/graph", tags: tag, access: ["api", "agent"],
      summary: "Entries linked to an entry, up to 3 links away",
      request: { params: Params, query: GraphQuery },
      responses: { 200: json(Graph) },
    }),
    async (c) => {
      const g = await graph(c.env.DB, c.get("principal").tenantId, c.req.valid("param").id, c.req.valid("query").depth);
      if (!g) throw noSuchEntry();
      return c.json(g, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/links", tags: tag, access: ["api"], idempotent: true,
      summary: "Link two entries (idempotent: 200 with the existing link)",
      request: jsonBody(CreateLink),
      responses: { 201: json(Link, "The new link"), 200: json(Link, "The same (from, to, type) was linked already") }, errors: [404, 409],
    }),
    async (c) => {
      const { link, created } = unwrapKb(await createLink(c.env.DB, c.get("principal").tenantId, c.req.valid("json")));
      return created ? c.json(link, 201) : c.json(link, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "delete", path: "/links/{id}", tags: tag, access: ["api"],
      summary: "Delete a link",
      request: { params: Params },
      responses: { 204: noContent },
    }),
    async (c) => {
      if (!(await deleteLink(c.env.DB, c.get("principal").tenantId, c.req.valid("param").id))) throw new HttpError(404, "not found", "no such link");
      return c.body(null, 204);
    },
  )
  .openapi(
    defineRoute({
      method: "get", path: "/search", tags: tag, access: ["api", "agent"],
      summary: "Full-text search (English and Chinese) with scores and snippets",
      request: { query: SearchQuery },
      responses: { 200: json(SearchResponse) },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const started = performance.now();
      const { results } = await searchKb(c.env.DB, c.get("principal").tenantId, q.q, { limit: q.limit, ...(q.type ? { types: q.type } : {}), ...(q.lang ? { lang: q.lang } : {}) });
      return c.json({ results, took_ms: Math.round((performance.now() - started) * 10) / 10 }, 200);
    },
  );
