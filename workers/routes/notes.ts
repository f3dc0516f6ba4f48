import { z } from "zod";
import { and, desc, eq } from "drizzle-orm";
import type { Principal } from "../http/auth";
import { HttpError, unwrap } from "../http/problem";
import { defineRoute, json, jsonBody, router } from "../http/route";
import { db } from "../../db/client";
import { agents, conversationNotes } from "../../db/schema";
import { conversationStub, ConversationIdPattern } from "../../objects/conversation-stub";
import { newId, now } from "../../shared/ids";

/** A conversation's notes are listed whole up to this many, the newest kept. */
export const MAX_NOTES_LISTED = 500;

const Params = z.object({ id: z.string().regex(ConversationIdPattern, "no such conversation") });

export const CreateNote = z.object({ body: z.string().trim().min(1).max(4000) });

export const NoteView = z
  .object({
    id: z.string(),
    conversation_id: z.string(),
    author: z.object({ id: z.string(), name: z.string() }),
    body: z.string(),
    created_at: z.int(),
  })
  .meta({ id: "Note" });

type Row = typeof conversationNotes.$inferSelect;

const view = (r: Row): z.infer<typeof NoteView> => ({ id: r.id, conversation_id: r.conversationId, author: { id: r.authorId, name: r.authorName }, body: r.body, created_at: r.createdAt });

/** The conversation object answers 404 for a conversation that does not exist in this tenant. */
async function requireConversation(env: Env, tenantId: string, id: string): Promise<void> {
  unwrap(await conversationStub(env, tenantId, id).get());
}

/** Agents are named as the roster has them now (a token carries the name it was issued with); keys by their name. */
async function authorOf(env: Env, p: Exclude<Principal, { kind: "visitor" }>): Promise<{ id: string; name: string }> {
  if (p.kind === "api") return { id: p.keyId, name: p.name };
  const row = await db(env).select({ name: agents.name }).from(agents).where(and(eq(agents.tenantId, p.tenantId), eq(agents.id, p.agentId))).get();
  return { id: p.agentId, name: row?.name ?? p.name };
}

const tag = ["Conversations"];

/**
 * Private notes on a conversation, mounted beside the conversation routes. They live only in D1: they never enter
 * the conversation's log or its sockets, so the customer cannot see them on any channel.
 */
export const noteRoutes = router()
  .openapi(
    defineRoute({
      method: "get", path: "/{id}/notes", tags: tag, access: ["api", "agent"],
      summary: `A conversation's private notes, oldest first (the newest ${MAX_NOTES_LISTED})`,
      request: { params: Params },
      responses: { 200: json(z.object({ data: z.array(NoteView) })) },
    }),
    async (c) => {
      const tenantId = c.get("principal").tenantId;
      const id = c.req.valid("param").id;
      await requireConversation(c.env, tenantId, id);
      const rows = await db(c.env)
        .select()
        .from(conversationNotes)
        .where(and(eq(conversationNotes.tenantId, tenantId), eq(conversationNotes.conversationId, id)))
        .orderBy(desc(conversationNotes.createdAt), desc(conversationNotes.id))
        .limit(MAX_NOTES_LISTED)
        .all();
      return c.json({ data: rows.reverse().map(view) }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post", path: "/{id}/notes", tags: tag, access: ["api", "agent"], idempotent: true,
      summary: "Add a private note to a conversation; the customer never sees it",
      request: { params: Params, ...jsonBody(CreateNote) },
      responses: { 201: json(NoteView, "The note") },
    }),
    async (c) => {
      const p = c.get("principal");
      if (p.kind === "visitor") throw new HttpError(403, "forbidden");
      const id = c.req.valid("param").id;
      await requireConversation(c.env, p.tenantId, id);
      const author = await authorOf(c.env, p);
      const row: Row = { id: newId("nte"), tenantId: p.tenantId, conversationId: id, authorId: author.id, authorName: author.name, body: c.req.valid("json").body, createdAt: now() };
      await db(c.env).insert(conversationNotes).values(row);
      return c.json(view(row), 201);
    },
  );
