import type { DomainEvent } from "../../shared/events";

/**
 * Raw events to R2 as newline-delimited JSON, one object per stored batch and (tenant, UTC date):
 * `events/tenant=<tenant>/date=<YYYY-MM-DD>/<first queue message id of the batch>.ndjson`. A batch redelivered whole
 * rewrites the same objects; one redelivered in other company, or an event the conversation sent twice (after a
 * crash), can appear in two objects, which is why readers deduplicate by event id (docs/metrics.md).
 */
export async function archiveEvents(bucket: R2Bucket, batchId: string, events: DomainEvent[]): Promise<void> {
  const parts = new Map<string, string[]>();
  for (const e of events) {
    const key = `events/tenant=${encodeURIComponent(e.tenant_id)}/date=${new Date(e.occurred_at).toISOString().slice(0, 10)}/${batchId}.ndjson`;
    let lines = parts.get(key);
    if (!lines) parts.set(key, (lines = []));
    lines.push(JSON.stringify(e));
  }
  await Promise.all([...parts].map(([key, lines]) => bucket.put(key, `${lines.join("\n")}\n`, { httpMetadata: { contentType: "application/x-ndjson" } })));
}
