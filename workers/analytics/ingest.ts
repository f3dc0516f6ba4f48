import { sql, type SQL } from "drizzle-orm";
import type { DomainEvent } from "../../shared/events";
import type { ConversationFacts } from "../../shared/analytics/facts";
import { HOUR_MS, contributions } from "../../shared/analytics/contributions";

/** The newest facts of a conversation in a batch, with the contact its identity links to when the batch linked one. */
export type FactsEntry = { event: Extract<DomainEvent, { facts?: ConversationFacts }> & { facts: ConversationFacts }; contactId: string; linked: boolean };

/**
 * The analytics writes of one consumer pass, for the same D1 batch as the event log. The rollup and dirty-hour
 * statements join their deltas to the events this pass stored (`batch` = this pass's token), so an event the log
 * already held adds nothing: redelivered, duplicated and reordered streams give the same sums. Every statement
 * binds its rows as one JSON parameter, since D1 binds at most 100 parameters.
 */
export function analyticsWrites(list: DomainEvent[], facts: FactsEntry[], batch: string, receivedAt: number): SQL[] {
  const deltas: unknown[][] = [];
  const dirty: unknown[][] = [];
  const seen = new Set<string>();
  for (const e of list) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const cells = contributions(e);
    for (const c of cells) deltas.push([e.id, c.hour, c.channel, c.queue, c.team, c.agent, c.metric, c.bin, c.n, c.total]);
    for (const hour of new Set(cells.map((c) => c.hour))) dirty.push([e.id, hour]);
    // Patterns are kept by the day a conversation began, so any change to it makes that day's patterns stale.
    if ("facts" in e && e.facts) dirty.push([e.id, Math.floor(e.conversation.created_at / HOUR_MS) * HOUR_MS]);
  }
  const out: SQL[] = [];
  if (deltas.length) {
    out.push(
      sql`INSERT INTO rollup_hourly (tenant_id, hour, channel, queue, team, agent, metric, bin, n, total)
        SELECT e.tenant_id, d.value->>1, d.value->>2, d.value->>3, d.value->>4, d.value->>5, d.value->>6, d.value->>7, sum(d.value->>8), sum(d.value->>9)
        FROM json_each(${JSON.stringify(deltas)}) AS d JOIN events AS e ON e.id = d.value->>0 AND e.batch = ${batch}
        WHERE true
        GROUP BY e.tenant_id, d.value->>1, d.value->>2, d.value->>3, d.value->>4, d.value->>5, d.value->>6, d.value->>7
        ON CONFLICT (tenant_id, hour, metric, channel, queue, team, agent, bin) DO UPDATE SET n = n + excluded.n, total = total + excluded.total`,
    );
  }
  if (dirty.length) {
    out.push(
      sql`INSERT OR IGNORE INTO rollup_dirty (tenant_id, hour)
        SELECT DISTINCT e.tenant_id, d.value->>1 FROM json_each(${JSON.stringify(dirty)}) AS d JOIN events AS e ON e.id = d.value->>0 AND e.batch = ${batch}`,
    );
  }
  if (facts.length) out.push(factsUpsert(facts, receivedAt));
  const links = facts.filter((x) => x.linked).map((x) => [x.event.tenant_id, x.event.conversation_id, x.contactId]);
  // The link is not ordered by revision: it lands whenever the creation event does, even after newer facts.
  if (links.length) {
    out.push(
      sql`UPDATE analytics_conversations SET contact_id = l.value->>2
        FROM json_each(${JSON.stringify(links)}) AS l WHERE analytics_conversations.tenant_id = l.value->>0 AND analytics_conversations.conversation_id = l.value->>1`,
    );
  }
  return out;
}

/** Newest facts win by revision, like the conversation index; a change to a decided conversation asks for a new decision. */
function factsUpsert(entries: FactsEntry[], receivedAt: number): SQL {
  const rows = entries.map(({ event: e, contactId, linked }) => {
    const f = e.facts;
    const c = e.conversation;
    return {
      t: c.tenant_id, id: c.id, ch: c.channel, ct: contactId, l: linked ? 1 : 0, st: c.status, ca: c.created_at, ua: c.updated_at, rev: c.rev,
      q: f.queue, tm: f.team, ag: f.agent, it: f.intent, b: f.bot ? 1 : 0, fr: f.first_response_ms, fh: f.first_human_response_ms,
      an: f.answered, ab: f.abandoned, w: f.wait_ms, h: f.handle_ms, tr: f.transfers, ro: f.reopens, ac: f.agents.length, rs: f.resolutions,
      fra: f.first_resolved_at, afr: f.agents_at_first_resolution, rb: f.resolved_by, rat: f.reopened_at, ea: f.ended_at, cs: f.csat, np: f.nps,
    };
  });
  return sql`INSERT INTO analytics_conversations (tenant_id, conversation_id, channel, contact_id, status, created_at, updated_at, rev, queue, team, agent, intent, bot,
      first_response_ms, first_human_response_ms, answered, abandoned, wait_ms, handle_ms, transfers, reopens, agents_count, resolutions,
      first_resolved_at, agents_at_first_resolution, resolved_by, reopened_at, ended_at, csat, nps, fcr_dirty, received_at)
    SELECT r.value->>'t', r.value->>'id', r.value->>'ch', r.value->>'ct', r.value->>'st', r.value->>'ca', r.value->>'ua', r.value->>'rev', r.value->>'q', r.value->>'tm',
      r.value->>'ag', r.value->>'it', r.value->>'b', r.value->>'fr', r.value->>'fh', r.value->>'an', r.value->>'ab', r.value->>'w', r.value->>'h', r.value->>'tr',
      r.value->>'ro', r.value->>'ac', r.value->>'rs', r.value->>'fra', r.value->>'afr', r.value->>'rb', r.value->>'rat', r.value->>'ea', r.value->>'cs', r.value->>'np', 0, ${receivedAt}
    FROM json_each(${JSON.stringify(rows)}) AS r WHERE true
    ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET
      status = excluded.status, updated_at = excluded.updated_at, rev = excluded.rev, queue = excluded.queue, team = excluded.team, agent = excluded.agent,
      intent = coalesce(excluded.intent, analytics_conversations.intent), bot = excluded.bot, first_response_ms = excluded.first_response_ms,
      first_human_response_ms = excluded.first_human_response_ms, answered = excluded.answered, abandoned = excluded.abandoned, wait_ms = excluded.wait_ms,
      handle_ms = excluded.handle_ms, transfers = excluded.transfers, reopens = excluded.reopens, agents_count = excluded.agents_count,
      resolutions = excluded.resolutions, first_resolved_at = excluded.first_resolved_at, agents_at_first_resolution = excluded.agents_at_first_resolution,
      resolved_by = excluded.resolved_by, reopened_at = excluded.reopened_at, ended_at = excluded.ended_at, csat = excluded.csat, nps = excluded.nps,
      fcr_dirty = CASE WHEN analytics_conversations.fcr IS NOT NULL THEN 1 ELSE analytics_conversations.fcr_dirty END, received_at = excluded.received_at
    WHERE excluded.rev > analytics_conversations.rev`;
}
