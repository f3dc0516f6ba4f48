import { z } from "zod";
import { and, asc, eq, or, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Principal } from "../http/auth";
import { HttpError } from "../http/problem";
import { defineRoute, json, jsonBody, noContent, router } from "../http/route";
import { afterCursor, page, pageOf, PageQuery } from "../http/pagination";
import { db } from "../../db/client";
import { cannedResponses } from "../../db/schema";
import { Id, newId, now } from "../../shared/ids";
import { containsPattern, LIKE_ESCAPE } from "../../shared/like";

const Shortcut = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "1–32 of a–z, 0–9, '_' and '-', starting with a letter or digit");
/** A BCP 47 tag as the console and the NLP layer use them: "en", "zh", "zh-Hant", "pt-BR". */
const Language = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "a BCP 47 language tag such as en or zh-Hant").max(35);

export const CreateCanned = z.object({
  shortcut: Shortcut,
  title: z.string().trim().min(1).max(120),
  body: z.string().trim().min(1).max(4000),
  language: Language.nullable().optional(),
});
export const UpdateCanned = CreateCanned.partial().refine((b) => Object.keys(b).length > 0, "send at least one field to change");
export const CannedQuery = z.object({
  q: z.string().trim().min(1).max(200).optional().describe("Case-insensitive substring of the shortcut, title or body"),
  ...PageQuery,
});
const Params = z.object({ id: Id });

export const CannedView = z
  .object({
    id: z.string(),
    shortcut: z.string(),
    title: z.string(),
    body: z.string(),
    language: z.string().nullable(),
    created_at: z.int(),
    updated_at: z.int(),
  })
  .meta({ id: "CannedResponse" });

type Row = typeof cannedResponses.$inferSelect;

const view = (r: Row): z.infer<typeof CannedView> => ({
  id: r.id,
  shortcut: r.shortcut,
  title: r.title,
  body: r.body,
  language: r.language,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

const contains = (column: SQLiteColumn, text: string) => sql`${column} LIKE ${containsPattern(text)} ESCAPE ${LIKE_ESCAPE}`;

/** Every agent reads the team's replies; changing them is for supervisors, admins and API keys. */
function requireEditor(p: Principal): void {
  if (p.kind === "agent" && p.role === "agent") throw new HttpError(403, "forbidden", "only supervisors and admins change canned responses");
}

const duplicate = (shortcut: string) => new HttpError(409, "conflict", `a canned response with shortcut ${shortcut} already exists`);

const isUniqueViolation = (err: unknown) => err instanceof Error && /UNIQUE constraint failed/.test(`${err.message} ${String(err.cause ?? "")}`);

async function owned(env: Env, tenantId: string, id: string): Promise<Row> {
  const row = await db(env).select().from(cannedResponses).where(and(eq(cannedResponses.tenantId, tenantId), eq(cannedResponses.id, id))).get();
  if (!row) throw new HttpError(404, "not found", `no canned response ${id}`);
  return row;
}

const tag = ["Canned responses"];

/** The team's saved replies, inserted in the console by `/shortcut`. */
export const cannedResponseRoutes = router()
  .openapi(
    defineRoute({
      method: "get", path: "/", tags: tag, access: ["api", "agent"],
      summary: "List canned responses, oldest first, optionally matching `q`",
      request: { query: CannedQuery },
      responses: { 200: json(pageOf(CannedView)) },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const rows = await db(c.env)
        .select()
        .from(cannedResponses)
        .where(
          and(
            eq(cannedResponses.tenantId, c.get("principal").tenantId),
            q.q ? or(contains(cannedResponses.shortcut, q.q), contains(cannedResponses.title, q.q), contains(cannedResponses.body, q.q)) : undefined,
            afterCursor(cannedResponses.createdAt, cannedResponses.id, q.cursor, "asc"),
          ),
        )
        .orderBy(asc(cannedResponses.createdAt), asc(cannedResponses.id))
        .limit(q.limit + 1)
        .all();
      return c.json(page(rows, q.limit, (r) => ({ at: r.createdAt, id: r.id }), view), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/", tags: tag, access: ["api", "agent"], idempotent: true,
      summary: "Create a canned response (supervisors, admins, API keys); its shortcut is unique in the tenant",
      request: jsonBody(CreateCanned),
      responses: { 201: json(CannedView, "The new canned response") },
      errors: [409],
    }),
    async (c) => {
      const p = c.get("principal");
      requireEditor(p);
      const b = c.req.valid("json");
      const t = now();
      const row: Row = { id: newId("cnd"), tenantId: p.tenantId, shortcut: b.shortcut, title: b.title, body: b.body, language: b.language ?? null, createdAt: t, updatedAt: t };
      const inserted = await db(c.env).insert(cannedResponses).values(row).onConflictDoNothing().returning();
      if (inserted.length === 0) throw duplicate(b.shortcut);
      return c.json(view(row), 201);
    },
  )
  .openapi(
    defineRoute({
      method: "patch", path: "/{id}", tags: tag, access: ["api", "agent"],
      summary: "Change a canned response's fields (supervisors, admins, API keys)",
      request: { params: Params, ...jsonBody(UpdateCanned) },
      responses: { 200: json(CannedView) },
      errors: [409],
    }),
    async (c) => {
      const p = c.get("principal");
      requireEditor(p);
      const current = await owned(c.env, p.tenantId, c.req.valid("param").id);
      const b = c.req.valid("json");
      const next: Row = {
        ...current,
        ...(b.shortcut !== undefined ? { shortcut: b.shortcut } : {}),
        ...(b.title !== undefined ? { title: b.title } : {}),
        ...(b.body !== undefined ? { body: b.body } : {}),
        ...(b.language !== undefined ? { language: b.language } : {}),
        updatedAt: now(),
      };
      try {
        await db(c.env)
          .update(cannedResponses)
          .set({ shortcut: next.shortcut, title: next.title, body: next.body, language: next.language, updatedAt: next.updatedAt })
          .where(and(eq(cannedResponses.tenantId, p.tenantId), eq(cannedResponses.id, current.id)));
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicate(next.shortcut);
        throw err;
      }
      return c.json(view(next), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "delete", path: "/{id}", tags: tag, access: ["api", "agent"],
      summary: "Delete a canned response (supervisors, admins, API keys)",
      request: { params: Params },
      responses: { 204: noContent },
    }),
    async (c) => {
      const p = c.get("principal");
      requireEditor(p);
      const deleted = await db(c.env)
        .delete(cannedResponses)
        .where(and(eq(cannedResponses.tenantId, p.tenantId), eq(cannedResponses.id, c.req.valid("param").id)))
        .returning({ id: cannedResponses.id });
      if (deleted.length === 0) throw new HttpError(404, "not found", `no canned response ${c.req.valid("param").id}`);
      return c.body(null, 204);
    },
  );
