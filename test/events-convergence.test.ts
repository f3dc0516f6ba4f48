import { expect, it } from "vitest";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { conversationEvent, deliver, eventLogOf, indexOf, seedTenants, type Queued } from "./event-fixtures";
import type { DomainEvent, EventEnvelope } from "../shared/events";

type Conversation = { tenant: number; identity: number; revs: number; cuts: boolean[] };

const conversationsArb = fc.array(
  fc.record({ tenant: fc.nat(1), identity: fc.nat(2), revs: fc.integer({ min: 1, max: 5 }), cuts: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }) }),
  { minLength: 1, maxLength: 3 },
);

/** How D1 knows each channel identity before its first conversation: not at all, already linked, or by its phone number. */
const identitiesArb = fc.array(fc.constantFrom("new", "linked", "phone"), { minLength: 3, maxLength: 3 });

const tenantsOf = (ns: string) => [`${ns}_t0`, `${ns}_t1`];

/** A contact the tenant had before (created at 0, so it is the oldest match), reached through the identity or the phone. */
async function seedContacts(ns: string, identities: string[]): Promise<void> {
  const statements = tenantsOf(ns).flatMap((t) =>
    identities.flatMap((mode, j) => {
      if (mode === "new") return [];
      const known = `ctc_${t}_known${j}`;
      const contact = env.DB.prepare("INSERT INTO contacts (id, tenant_id, phone, created_at, updated_at) VALUES (?, ?, ?, 0, 0)").bind(known, t, mode === "phone" ? `+1555000${j}` : null);
      if (mode === "phone") return [contact];
      return [contact, env.DB.prepare("INSERT INTO contact_identities (tenant_id, channel, external_id, contact_id, created_at) VALUES (?, 'whatsapp', ?, ?, 0)").bind(t, `u${j}`, known)];
    }),
  );
  if (statements.length) await env.DB.batch(statements);
}

/**
 * What the conversation objects of namespace `ns` send, in emission order, one envelope per flush. A channel
 * identity names its provisional contact the same way in every conversation it opens, as channelContactId does.
 */
function envelopes(ns: string, conversations: Conversation[]): EventEnvelope[] {
  return conversations.flatMap((c, k) => {
    const tenantId = tenantsOf(ns)[c.tenant]!;
    const contact = { channel: "whatsapp", external_id: `u${c.identity}`, phone: `+1555000${c.identity}`, contactId: `ctc_${tenantId}_u${c.identity}` };
    const flushes: EventEnvelope[] = [];
    let pending: DomainEvent[] = [];
    for (let rev = 1; rev <= c.revs; rev++) {
      pending.push(conversationEvent(tenantId, `cnv_${ns}_${k}`, rev, contact));
      if (rev === c.revs || c.cuts[rev - 1]) {
        flushes.push({ events: pending });
        pending = [];
      }
    }
    return flushes;
  });
}

const rowsOf = (query: string, tenantId: string) => env.DB.prepare(query).bind(tenantId).all().then((r) => r.results);

/** The D1 state of a namespace with the namespace itself taken out, so two namespaces compare. */
async function stateOf(ns: string): Promise<string> {
  const parts = [];
  for (const t of tenantsOf(ns)) {
    parts.push(await indexOf(t), await eventLogOf(t));
    parts.push(await rowsOf("SELECT channel, external_id, contact_id FROM contact_identities WHERE tenant_id = ? ORDER BY external_id", t));
    parts.push(await rowsOf("SELECT id, phone FROM contacts WHERE tenant_id = ? ORDER BY id", t));
  }
  return JSON.stringify(parts).replaceAll(ns, "NS");
}

/** An envelope D1 refuses (its tenant does not exist), so a batch carrying it takes the per-message path. */
const poison: EventEnvelope = { events: [conversationEvent("ten_missing", "cnv_missing", 2)] };

it("a duplicated, shuffled delivery in random batches, some with a poison message, converges to the in-order delivery", async () => {
  await fc.assert(
    fc.asyncProperty(conversationsArb, identitiesArb, fc.gen(), async (conversations, identities, g) => {
      const [reference, shuffled] = [`ns${crypto.randomUUID().slice(0, 8)}`, `ns${crypto.randomUUID().slice(0, 8)}`];
      await seedTenants(...tenantsOf(reference), ...tenantsOf(shuffled));
      await seedContacts(reference, identities);
      await seedContacts(shuffled, identities);

      const inOrder = envelopes(reference, conversations).map((body, i) => ({ id: `r${i}`, body }));
      expect((await deliver(inOrder)).acked).toHaveLength(inOrder.length);

      const copies = envelopes(shuffled, conversations).flatMap((body) => Array.from({ length: g(fc.integer, { min: 1, max: 3 }) }, () => body));
      const order = g(fc.shuffledSubarray, copies, { minLength: copies.length });
      const batches: Queued<EventEnvelope>[][] = [[]];
      order.forEach((body, i) => {
        batches.at(-1)!.push({ id: `s${i}`, body });
        if (g(fc.boolean)) batches.push([]);
      });
      for (const [b, batch] of batches.entries()) {
        if (batch.length === 0) continue;
        const withPoison = g(fc.boolean) ? [...batch, { id: `poison${b}`, body: poison }] : batch;
        const result = await deliver(withPoison);
        expect(result.acked).toEqual(batch.map((m) => m.id).sort());
        expect(result.retried.map((r) => r.id)).toEqual(withPoison.length > batch.length ? [`poison${b}`] : []);
      }

      expect(await stateOf(shuffled)).toBe(await stateOf(reference));
    }),
    { numRuns: 15 },
  );
});

it("two concurrent deliveries that link one new identity both index the contact D1 stored for it", async () => {
  await seedTenants("ten_race");
  await env.DB.prepare("INSERT INTO contacts (id, tenant_id, phone, created_at, updated_at) VALUES ('ctc_race_byphone', 'ten_race', '+15559999', 0, 0)").run();
  // Only the second sighting of the identity carries its phone, so linking alone would pick a different contact for each.
  const first = conversationEvent("ten_race", "cnv_race_a", 1, { channel: "whatsapp", external_id: "u-race", contactId: "ctc_race_u" });
  const second = conversationEvent("ten_race", "cnv_race_b", 1, { channel: "whatsapp", external_id: "u-race", phone: "+15559999", contactId: "ctc_race_u" });

  await Promise.all([deliver([{ id: "a", body: { events: [first] } }]), deliver([{ id: "b", body: { events: [second] } }])]);

  const stored = await env.DB.prepare("SELECT contact_id FROM contact_identities WHERE tenant_id = 'ten_race' AND external_id = 'u-race'").first<{ contact_id: string }>();
  expect((await indexOf("ten_race")).map((c) => c.contact_id)).toEqual([stored!.contact_id, stored!.contact_id]);
});
