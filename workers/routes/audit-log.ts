import { z } from "zod";
import { and, desc, eq, gte, lte } from "drizzle-orm";
import { HttpError } from "../http/problem";
import { defineRoute, json, router } from "../http/route";
import { db } from "../../db/client";
import { auditLog } from "../../db/schema";
import { afterCursor, page, pageOf, PageQuery } from "../http/pagination";

export const AuditLogQuery = z.object({
  ...PageQuery,
  actor_id: z.string().min(1).max(128).optional(),
  action: z.string().min(1).max(300).optional().describe('Exact, e.g. "PUT /v1/channels/{name}"'),
  target: z.string().min(1).max(300).optional(),
  since: z.coerce.number().int().nonnegative().optional().describe("Epoch ms, inclusive"),
  until: z.coerce.number().int().nonnegative().optional().describe("Epoch ms, inclusive"),
});

export const AuditEntry = z
  .object({
    id: z.string(),
    at: z.int(),
    actor: z.object({ kind: z.enum(["api", "agent", "operator"]), id: z.string(), name: z.string().nullable() }),
    action: z.string().describe('The method and the route, e.g. "PUT /v1/channels/{name}"'),
    target: z.string().nullable().describe("The route's first path parameter: the changed object's id or name"),
    status: z.int(),
    request_id: z.string(),
    changes: z.unknown().describe("The JSON body sent, secrets shown as ••••; large bodies by their fields only"),
  })
  .meta({ id: "AuditEntry" });
const AuditPage = pageOf(AuditEntry);

type Row = typeof auditLog.$inferSelect;

const view = (r: Row): z.infer<typeof AuditEntry> => ({
  id: r.id,
  at: r.at,
  actor: { kind: r.actorKind, id: r.actorId, name: r.actorName },
  action: r.action,
  target: r.target,
  status: r.status,
  request_id: r.requestId,
  changes: r.changes ?? null,
});

/** Configuration changes, who made them and when (workers/http/audit.ts writes them; docs/security.md). */
export const auditLogRoutes = router().openapi(
  defineRoute({
    method: "get", path: "/", tags: ["Audit log"], access: ["api", "agent"],
    summary: "Configuration changes, newest first (agents: supervisors and admins only)",
    request: { query: AuditLogQuery },
    responses: { 200: json(AuditPage) },
  }),
  async (c) => {
    const p = c.get("principal");
    if (p.kind === "agent" && p.role === "agent") throw new HttpError(403, "forbidden", "the audit log needs a supervisor or admin");
    const q = c.req.valid("query");
    const filters = [eq(auditLog.tenantId, p.tenantId)];
    if (q.actor_id) filters.push(eq(auditLog.actorId, q.actor_id));
    if (q.action) filters.push(eq(auditLog.action, q.action));
    if (q.target) filters.push(eq(auditLog.target, q.target));
    if (q.since !== undefined) filters.push(gte(auditLog.at, q.since));
    if (q.until !== undefined) filters.push(lte(auditLog.at, q.until));
    const rows = await db(c.env)
      .select()
      .from(auditLog)
      .where(and(...filters, afterCursor(auditLog.at, auditLog.id, q.cursor, "desc")))
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(q.limit + 1)
      .all();
    return c.json(page(rows, q.limit, (r) => ({ at: r.at, id: r.id }), view), 200);
  },
);
