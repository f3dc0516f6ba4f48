import { Hono } from "hono";
import { z } from "zod";
import { requireAuth, type AuthEnv } from "../http/auth";
import { HttpError } from "../http/problem";
import { jsonBody, paramsOf, queryOf } from "../http/validate";
import { Id } from "../../shared/ids";
import { BulkImport, CreateEntry, CreateLink, GraphQuery, ListQuery, SearchQuery, UpdateEntry } from "../../shared/kb/schemas";
import { createEntries, createEntry, createLink, deleteEntry, deleteLink, getEntry, graph, listEntries, searchKb, updateEntry, type KbResult } from "../../kb/store";
import { idempotent } from "../http/idempotency";

/** The knowledge base's admin API (docs/knowledge-base.md): keys write, keys and agents read. */

const Params = z.object({ id: Id });

function unwrapKb<T>(r: KbResult<T>): T {
  if (r.ok) return r.value;
  throw new HttpError(r.status, r.title, r.detail, r.errors);
}

const noSuchEntry = () => new HttpError(404, "not found", "no such entry");

export const kbRoutes = new Hono<AuthEnv>()
  .post("/entries", requireAuth("api"), idempotent(), jsonBody(CreateEntry), async (c) => {
    return c.json(unwrapKb(await createEntry(c.env.DB, c.get("principal").tenantId, c.req.valid("json"))), 201);
  })
  .get("/entries", requireAuth("api", "agent"), queryOf(ListQuery), async (c) => {
    return c.json(await listEntries(c.env.DB, c.get("principal").tenantId, c.req.valid("query")));
  })
  /** All or nothing: one invalid entry is a 422 naming it (`entries.3.title`), one taken id a 409, and nothing is written. */
  .post("/entries/bulk", requireAuth("api"), idempotent(), jsonBody(BulkImport), async (c) => {
    const created = unwrapKb(await createEntries(c.env.DB, c.get("principal").tenantId, c.req.valid("json").entries));
    return c.json({ count: created.length, entries: created.map((e) => ({ id: e.id, type: e.type, title: e.title, version: e.version })) }, 201);
  })
  .get("/entries/:id", requireAuth("api", "agent"), paramsOf(Params), async (c) => {
    const entry = await getEntry(c.env.DB, c.get("principal").tenantId, c.req.valid("param").id);
    if (!entry) throw noSuchEntry();
    return c.json(entry);
  })
  .patch("/entries/:id", requireAuth("api"), paramsOf(Params), jsonBody(UpdateEntry), async (c) => {
    return c.json(unwrapKb(await updateEntry(c.env.DB, c.get("principal").tenantId, c.req.valid("param").id, c.req.valid("json"))));
  })
  .delete("/entries/:id", requireAuth("api"), paramsOf(Params), async (c) => {
    if (!(await deleteEntry(c.env.DB, c.get("principal").tenantId, c.req.valid("param").id))) throw noSuchEntry();
    return c.body(null, 204);
  })
  .get("/entries/:id/graph", requireAuth("api", "agent"), paramsOf(Params), queryOf(GraphQuery), async (c) => {
    const g = await graph(c.env.DB, c.get("principal").tenantId, c.req.valid("param").id, c.req.valid("query").depth);
    if (!g) throw noSuchEntry();
    return c.json(g);
  })
  /** 201 with a new link; 200 with the existing one when the same (from, to, type) is linked already. */
  .post("/links", requireAuth("api"), idempotent(), jsonBody(CreateLink), async (c) => {
    const { link, created } = unwrapKb(await createLink(c.env.DB, c.get("principal").tenantId, c.req.valid("json")));
    return c.json(link, created ? 201 : 200);
  })
  .delete("/links/:id", requireAuth("api"), paramsOf(Params), async (c) => {
    if (!(await deleteLink(c.env.DB, c.get("principal").tenantId, c.req.valid("param").id))) throw new HttpError(404, "not found", "no such link");
    return c.body(null, 204);
  })
  .get("/search", requireAuth("api", "agent"), queryOf(SearchQuery), async (c) => {
    const q = c.req.valid("query");
    const started = performance.now();
    const { results } = await searchKb(c.env.DB, c.get("principal").tenantId, q.q, { limit: q.limit, ...(q.type ? { types: q.type } : {}), ...(q.lang ? { lang: q.lang } : {}) });
    return c.json({ results, took_ms: Math.round((performance.now() - started) * 10) / 10 });
  });
