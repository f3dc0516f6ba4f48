import fc from "fast-check";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call, ok, tenant } from "./helpers";
import { db } from "../db/client";
import { contacts, conversations } from "../db/schema";
import type { ConversationStatus } from "../shared/conversation-state";

type Item = { id: string; status: string; contact_id: string; subject: string | null; last_seq: number; last_message_at: number | null; contact: { id: string; name: string | null; email: string | null; phone: string | null } | null };
type Page = { data: Item[]; next_cursor: string | null };

const list = (auth: string, query: string) => ok<Page>(call(`/v1/conversations?${query}`, { auth }));

async function problem(res: Promise<Response>, status: number) {
  const r = await res;
  expect(r.status).toBe(status);
  expect(r.headers.get("content-type")).toContain("application/problem+json");
  return (await r.json()) as { errors?: { field: string; message: string }[] };
}

let seq = 0;
type Seed = { status?: ConversationStatus; subject?: string | null; contact?: { name?: string | null; email?: string | null; phone?: string | null } | null; updatedAt?: number; contactId?: string };

/** Index rows written as the events consumer would, so each test controls statuses, times and contacts exactly. */
async function seed(tenantId: string, rows: Seed[]): Promise<string[]> {
  const d = db(env);
  const ids: string[] = [];
  for (const r of rows) {
    seq++;
    const id = `cnv_list${String(seq).padStart(8, "0")}${crypto.randomUUID().slice(0, 8)}`;
    const contactId = r.contactId ?? `ctc_list${seq}_${crypto.randomUUID().slice(0, 8)}`;
    const t = r.updatedAt ?? 1_700_000_000_000 + seq;
    if (r.contact !== null && !r.contactId) {
      await d.insert(contacts).values({ id: contactId, tenantId, name: r.contact?.name ?? null, email: r.contact?.email ?? null, phone: r.contact?.phone ?? null, createdAt: t, updatedAt: t });
    }
    await d.insert(conversations).values({ id, tenantId, channel: "web", status: r.status ?? "open", contactId, assigneeId: null, subject: r.subject ?? null, externalThreadId: null, lastSeq: 3, lastMessageAt: t, createdAt: t, updatedAt: t, rev: 1 });
    ids.push(id);
  }
  return ids;
}

async function walk(auth: string, query: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const p: Page = await list(auth, `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(p.data.length).toBeLessThanOrEqual(limit);
    seen.push(...p.data.map((x) => x.id));
    cursor = p.next_cursor;
  } while (cursor);
  return seen;
}

const asciiLower = (s: string) => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());

describe("conversation list", () => {
  it("a conversation created through the API is listed with its contact, last_seq and last_message_at", async () => {
    const t = await tenant();
    const made = await ok<{ id: string; contact_id: string }>(
      call("/v1/conversations", { method: "POST", auth: t.key, json: { contact: { name: "Grace Hopper", email: "grace@example.com", phone: "+14155550100" }, subject: "Compiler question" } }),
      201,
    );
    const item = await vi.waitFor(
      async () => {
        const found = (await list(t.agentToken, "q=hopper")).data[0];
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(item).toMatchObject({ id: made.id, contact: { id: made.contact_id, name: "Grace Hopper", email: "grace@example.com", phone: "+14155550100" } });
    expect(typeof item.last_seq).toBe("number");
    expect(item).toHaveProperty("last_message_at");
    for (const q of [made.id, "GRACE@", "5550100", "compiler"]) expect((await list(t.key, `q=${encodeURIComponent(q)}`)).data.map((x) => x.id)).toEqual([made.id]);
    expect((await list(t.key, `q=${made.id.slice(0, -1)}`)).data).toEqual([]);
  });

  it("filters by a comma list of statuses and refuses an unknown one as a field error", async () => {
    const t = await tenant();
    const [open, queued, assigned, resolved] = await seed(t.id, [{ status: "open" }, { status: "queued" }, { status: "assigned" }, { status: "resolved" }]);
    const ids = async (q: string) => (await list(t.key, q)).data.map((x) => x.id).sort();
    expect(await ids("status=queued,assigned,open")).toEqual([open, queued, assigned].sort());
    expect(await ids("status=resolved")).toEqual([resolved]);
    expect(await ids("status=queued,queued")).toEqual([queued]);
    expect(await ids("")).toEqual([open, queued, assigned, resolved].sort());
    const p = await problem(call("/v1/conversations?status=queued,bogus", { auth: t.key }), 422);
    expect(p.errors?.[0]?.field).toMatch(/^status/);
    await problem(call("/v1/conversations?status=", { auth: t.key }), 422);
    await problem(call("/v1/conversations?status=queued,", { auth: t.key }), 422);
  });

  it("q searches contact name, e-mail, phone and subject; wildcards are literal; other tenants' contacts never match", async () => {
    const t = await tenant();
    const u = await tenant();
    const [byName, byEmail, byPhone, bySubject, percent, noContact] = await seed(t.id, [
      { contact: { name: "Zoë Lovelace" } },
      { contact: { email: "ada_l@example.com" } },
      { contact: { phone: "+8613800138000" } },
      { subject: "Refund for order 42" },
      { subject: "50% discount" },
      { contact: null, subject: "orphan" },
    ]);
    const ids = async (q: string, auth = t.key) => (await list(auth, `q=${encodeURIComponent(q)}`)).data.map((x) => x.id).sort();
    expect(await ids("lovelace")).toEqual([byName]);
    expect(await ids("zoë")).toEqual([byName]);
    expect(await ids("ada_l")).toEqual([byEmail]);
    expect(await ids("_")).toEqual([byEmail]);
    expect(await ids("138001")).toEqual([byPhone]);
    expect(await ids("ORDER 42")).toEqual([bySubject]);
    expect(await ids("50%")).toEqual([percent]);
    expect(await ids("%")).toEqual([percent]);
    expect(await ids("orphan")).toEqual([noContact]);
    expect((await list(t.key, "q=orphan")).data[0]?.contact).toBeNull();
    expect(await ids("lovelace", u.key)).toEqual([]);

    // A contact id of this tenant's row, reused in another tenant's conversation, does not join across tenants.
    const byNameRow = (await list(t.key, "q=lovelace")).data[0]!;
    const [foreign] = await seed(u.id, [{ contactId: byNameRow.contact_id, subject: "theirs" }]);
    const theirs = (await list(u.key, "q=theirs")).data;
    expect(theirs.map((x) => x.id)).toEqual([foreign]);
    expect(theirs[0]?.contact).toBeNull();
  });

  it("keyset pages stay gapless and in order under filters, with equal updated_at values", async () => {
    const t = await tenant();
    const at = 1_750_000_000_000;
    const rows: Seed[] = Array.from({ length: 12 }, (_, i) => ({ status: i % 3 === 0 ? "resolved" : "queued", subject: i % 2 ? "billing help" : "shipping", updatedAt: at + Math.floor(i / 4) }));
    await seed(t.id, rows);
    const whole = (await list(t.key, "limit=100")).data;
    const order = whole.map((x) => x.id);
    for (const [query, keep] of [
      ["status=queued", (x: Item) => x.status === "queued"],
      ["q=billing", (x: Item) => x.subject === "billing help"],
      ["status=queued,open&q=billing", (x: Item) => x.status === "queued" && x.subject === "billing help"],
    ] as const) {
      const expected = whole.filter(keep).map((x) => x.id);
      expect(expected.length).toBeGreaterThan(0);
      for (const limit of [1, 2, 5]) expect(await walk(t.key, query, limit)).toEqual(expected);
    }
    expect(await walk(t.key, "status=queued,resolved", 3)).toEqual(order);
  });

  it("a search for any text with % or _ matches only rows containing it literally", async () => {
    const t = await tenant();
    const alphabet = fc.constantFrom("a", "B", "%", "_", "\\", "1");
    const word = (min: number, max: number) => fc.array(alphabet, { minLength: min, maxLength: max }).map((cs) => cs.join(""));
    const needle = word(1, 3).filter((s) => /[%_]/.test(s));
    await fc.assert(
      fc.asyncProperty(fc.array(word(0, 6), { minLength: 1, maxLength: 4 }), needle, async (subjects, q) => {
        const contactId = `ctc_prop${++seq}`;
        await db(env).insert(contacts).values({ id: contactId, tenantId: t.id, name: null, email: null, phone: null, createdAt: 1, updatedAt: 1 });
        const ids = await seed(t.id, subjects.map((subject) => ({ subject, contactId })));
        const found = (await list(t.key, `contact_id=${contactId}&q=${encodeURIComponent(q)}&limit=100`)).data.map((x) => x.id).sort();
        expect(found).toEqual(ids.filter((_, i) => asciiLower(subjects[i]!).includes(asciiLower(q))).sort());
      }),
      { numRuns: 40 },
    );
  });

  it("documents q and the status list in the OpenAPI document", async () => {
    const doc = await ok<{ paths: Record<string, { get: { parameters: { name: string }[] } }> }>(call("/v1/openapi.json"));
    expect(doc.paths["/v1/conversations"]!.get.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(["q", "status", "cursor", "limit"]));
  });
});
