import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { env } from "cloudflare:workers";
import { call, ok, tenant } from "./helpers";
import { buildQuery, indexText, matchText } from "../shared/kb/text";
import { makeSnippet } from "../shared/kb/snippet";
import { productNames, searchKb } from "../kb/store";
import { kbCorpus } from "../bench/lib/kb-corpus";
import type { z } from "zod";
import { Entry as EntrySchema, EntryPage, Graph, Link, SearchResponse } from "../shared/kb/schemas";
import { BulkImported } from "../workers/routes/kb";

/** The knowledge base through the real Worker (D1 with migrations/0002 applied), and its pure text functions. */

type Entry = { id: string; type: string; title: string; body: string; answer: string | null; tags: string[]; locale: string | null; version: number; updated_at: number };
type Result = { id: string; type: string; title: string; score: number; snippet: string; highlights: { start: number; end: number }[]; links: { type: string; to: string; title: string }[] };
type Problem = { status: number; title: string; errors?: { field: string; message: string }[] };

const create = (key: string, json: Record<string, unknown>) => ok<Entry>(call("/v1/kb/entries", { method: "POST", auth: key, json }), 201);
const search = (key: string, q: string, extra = "") => ok<{ results: Result[]; took_ms: number }>(call(`/v1/kb/search?q=${encodeURIComponent(q)}${extra}`, { auth: key }));
const ids = (r: { results: Result[] }) => r.results.map((x) => x.id);

async function problem(res: Promise<Response>, status: number): Promise<Problem> {
  const r = await res;
  expect(r.status).toBe(status);
  expect(r.headers.get("content-type")).toContain("application/problem+json");
  return r.json<Problem>();
}

describe("entries: CRUD", () => {
  it("creates, reads, lists, updates and deletes an entry", async () => {
    const t = await tenant();
    const e = await create(t.key, { type: "faq", title: "How long do refunds take?", body: "Refund timing", answer: "Five business days.", tags: ["Refund", "refund", "billing"], locale: "en", quick_replies: ["Start a refund"] });
    expect(e.id).toMatch(/^kb_[0-9a-f]{32}$/);
    expect(e).toMatchObject({ version: 1, tags: ["refund", "billing"], locale: "en", answer: "Five business days." });
    expect(await ok(call(`/v1/kb/entries/${e.id}`, { auth: t.agentToken }))).toEqual(e);

    const patched = await ok<Entry>(call(`/v1/kb/entries/${e.id}`, { method: "PATCH", auth: t.key, json: { title: "Refund times", version: 1 } }));
    expect(patched).toMatchObject({ title: "Refund times", answer: "Five business days.", version: 2 });

    const list = await ok<{ data: Entry[]; next_cursor: string | null }>(call("/v1/kb/entries", { auth: t.key }));
    expect(list.data.map((x) => x.id)).toEqual([e.id]);
    expect(list.next_cursor).toBeNull();

    expect((await call(`/v1/kb/entries/${e.id}`, { method: "DELETE", auth: t.key })).status).toBe(204);
    await problem(call(`/v1/kb/entries/${e.id}`, { auth: t.key }), 404);
    await problem(call(`/v1/kb/entries/${e.id}`, { method: "DELETE", auth: t.key }), 404);
  });

  it("pages the list with a cursor and filters by type and tag", async () => {
    const t = await tenant();
    const made: Entry[] = [];
    for (let i = 0; i < 5; i++) made.push(await create(t.key, { type: i % 2 ? "product" : "article", title: `Entry ${i}`, tags: i === 3 ? ["special"] : [] }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Entry[]; next_cursor: string | null } = await ok(call(`/v1/kb/entries?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { auth: t.key }));
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((x) => x.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(made.map((m) => m.id).sort());
    const products = await ok<{ data: Entry[] }>(call("/v1/kb/entries?type=product", { auth: t.key }));
    expect(products.data.map((x) => x.title).sort()).toEqual(["Entry 1", "Entry 3"]);
    const tagged = await ok<{ data: Entry[] }>(call("/v1/kb/entries?tag=SPECIAL", { auth: t.key }));
    expect(tagged.data.map((x) => x.title)).toEqual(["Entry 3"]);
  });

  it("refuses invalid entries with field errors, unknown ids with 404 and stale versions with 409", async () => {
    const t = await tenant();
    const noAnswer = await problem(call("/v1/kb/entries", { method: "POST", auth: t.key, json: { type: "faq", title: "Q?" } }), 422);
    expect(noAnswer.errors?.map((e) => e.field)).toEqual(["answer"]);
    const bad = await problem(call("/v1/kb/entries", { method: "POST", auth: t.key, json: { type: "recipe", title: " ", locale: "not a locale" } }), 422);
    expect(bad.errors?.map((e) => e.field).sort()).toEqual(["locale", "title", "type"]);
    const answerOnArticle = await problem(call("/v1/kb/entries", { method: "POST", auth: t.key, json: { type: "article", title: "A", answer: "no" } }), 422);
    expect(answerOnArticle.errors?.[0]?.field).toBe("answer");

    await problem(call("/v1/kb/entries/kb_nope", { auth: t.key }), 404);
    await problem(call("/v1/kb/entries/kb_nope", { method: "PATCH", auth: t.key, json: { title: "x" } }), 404);

    const faq = await create(t.key, { type: "faq", title: "Q", answer: "A" });
    const asArticle = await problem(call(`/v1/kb/entries/${faq.id}`, { method: "PATCH", auth: t.key, json: { type: "article" } }), 422);
    expect(asArticle.errors?.[0]?.field).toBe("answer");
    await ok(call(`/v1/kb/entries/${faq.id}`, { method: "PATCH", auth: t.key, json: { type: "article", answer: null } }));

    await ok(call(`/v1/kb/entries/${faq.id}`, { method: "PATCH", auth: t.key, json: { title: "first", version: 2 } }));
    await problem(call(`/v1/kb/entries/${faq.id}`, { method: "PATCH", auth: t.key, json: { title: "second", version: 2 } }), 409);
    expect((await ok<Entry>(call(`/v1/kb/entries/${faq.id}`, { auth: t.key }))).title).toBe("first");

    await problem(call("/v1/kb/entries", { method: "POST", auth: t.agentToken, json: { type: "article", title: "agents only read" } }), 403);
    const taken = await create(t.key, { id: "kb-import-1", type: "article", title: "Imported" });
    expect(taken.id).toBe("kb-import-1");
    await problem(call("/v1/kb/entries", { method: "POST", auth: t.key, json: { id: "kb-import-1", type: "article", title: "Again" } }), 409);
  });
});

describe("bulk import", () => {
  it("writes all entries or none", async () => {
    const t = await tenant();
    const good = { type: "article", title: "Bulk alpha kiwi" };
    const invalid = await problem(call("/v1/kb/entries/bulk", { method: "POST", auth: t.key, json: { entries: [good, { type: "article", title: "" }] } }), 422);
    expect(invalid.errors?.[0]?.field).toBe("entries.1.title");
    const existing = await create(t.key, { id: "fixed-id", type: "article", title: "Already here" });
    await problem(call("/v1/kb/entries/bulk", { method: "POST", auth: t.key, json: { entries: [good, { ...good, id: existing.id }] } }), 409);
    await problem(call("/v1/kb/entries/bulk", { method: "POST", auth: t.key, json: { entries: [{ ...good, id: "twin" }, { ...good, id: "twin" }] } }), 422);
    expect((await search(t.key, "kiwi")).results).toEqual([]);
    expect((await ok<{ data: Entry[] }>(call("/v1/kb/entries", { auth: t.key }))).data.map((e) => e.id)).toEqual([existing.id]);

    const r = await ok<{ count: number; entries: { id: string }[] }>(call("/v1/kb/entries/bulk", { method: "POST", auth: t.key, json: { entries: [good, { type: "faq", title: "Bulk beta", answer: "kiwi inside" }] } }), 201);
    expect(r.count).toBe(2);
    expect(new Set(ids(await search(t.key, "kiwi")))).toEqual(new Set(r.entries.map((e) => e.id)));
    await problem(call("/v1/kb/entries/bulk", { method: "POST", auth: t.key, json: { entries: Array.from({ length: 501 }, () => good) } }), 422);
  });
});

describe("search", () => {
  it("finds a 2-character Chinese word, mixed Chinese and Latin, and English regardless of case", async () => {
    const t = await tenant();
    const refundZh = await create(t.key, { type: "process", title: "退款流程", body: "客户申请退款后，我们会在三个工作日内处理。", locale: "zh" });
    const returnMixed = await create(t.key, { type: "faq", title: "iPhone退货说明", body: "iPhone 15 在签收后十四天内可以退货。", answer: "请在订单页面申请退货。", locale: "zh" });
    const shipping = await create(t.key, { type: "article", title: "配送时间", body: "订单通常在两天内发货。", locale: "zh" });
    const refundEn = await create(t.key, { type: "article", title: "Refund Policy", body: "We refund unused items within 30 days.", locale: "en" });

    expect(ids(await search(t.key, "退款"))[0]).toBe(refundZh.id);
    expect(ids(await search(t.key, "退款"))).not.toContain(shipping.id);
    expect(ids(await search(t.key, "iPhone 退货"))[0]).toBe(returnMixed.id);
    expect(ids(await search(t.key, "我想退货"))[0]).toBe(returnMixed.id);
    expect(ids(await search(t.key, "我的订单怎么退款"))[0]).toBe(refundZh.id);
    expect(ids(await search(t.key, "REFUND"))).toEqual([refundEn.id]);
    expect(ids(await search(t.key, "refunds"))).toEqual([refundEn.id]);
    expect(ids(await search(t.key, "ｒｅｆｕｎｄ"))).toEqual([refundEn.id]);
    // The last character of a Han run is indexed alone too, so a one-character query finds it.
    expect(ids(await search(t.key, "程"))).toEqual([refundZh.id]);
    expect(ids(await search(t.key, "流"))).toEqual([refundZh.id]);

    // Model numbers match however they are spaced; Korean particles glued to a word do not hide it.
    const headphones = await create(t.key, { type: "product", title: "Sony WH-1000XM5", body: "Noise-cancelling headphones." });
    const korean = await create(t.key, { type: "faq", title: "환불 안내", body: "환불은 어떻게 하나요?", answer: "환불은 7일 이내에 가능합니다.", locale: "ko" });
    expect(ids(await search(t.key, "XM5"))).toEqual([headphones.id]);
    expect(ids(await search(t.key, "1000 xm5 headphones"))).toEqual([headphones.id]);
    expect(ids(await search(t.key, "iphone15"))[0]).toBe(returnMixed.id);
    expect(ids(await search(t.key, "환불"))).toEqual([korean.id]);

    expect(ids(await search(t.key, "退款", "&type=article,faq"))).not.toContain(refundZh.id);
    expect(ids(await search(t.key, "refund", "&lang=zh"))).toEqual([]);
    expect(ids(await search(t.key, "refund", "&lang=en"))).toEqual([refundEn.id]);
  });

  it("ranks a title hit above a body hit and cuts the snippet from the original text around the hit", async () => {
    const t = await tenant();
    const filler = "Our team answers every message in the order it arrives. ".repeat(6);
    const inBody = await create(t.key, { type: "article", title: "Account settings", body: `${filler}You can change the warranty contact on this page. ${filler}` });
    const inTitle = await create(t.key, { type: "article", title: "Warranty terms", body: "Two years for every device." });
    const r = await search(t.key, "warranty");
    expect(ids(r)).toEqual([inTitle.id, inBody.id]);
    expect(r.results[0]!.score).toBeGreaterThan(r.results[1]!.score);
    for (const x of r.results) {
      expect(x.score).toBeGreaterThan(0);
      expect(x.score).toBeLessThanOrEqual(1);
    }

    const body = r.results[1]!;
    expect(body.snippet).toContain("warranty");
    expect(body.snippet.length).toBeLessThan(inBody.body.length);
    expect(body.snippet.startsWith("…") && body.snippet.endsWith("…")).toBe(true);
    expect(body.highlights.map((h) => body.snippet.slice(h.start, h.end))).toEqual(["warranty"]);

    const zh = await create(t.key, { type: "article", title: "说明", body: `${"这是一段很长的介绍文字。".repeat(20)}退款会原路返回。${"其他内容。".repeat(20)}` });
    const hit = (await search(t.key, "退款")).results.find((x) => x.id === zh.id)!;
    expect(hit.snippet).toContain("退款会原路返回");
    expect(hit.highlights.map((h) => hit.snippet.slice(h.start, h.end))).toEqual(["退款"]);
  });

  it("keeps the index in step with PATCH and DELETE", async () => {
    const t = await tenant();
    const e = await create(t.key, { type: "article", title: "Pineapple delivery", body: "We deliver pineapples on Mondays." });
    expect(ids(await search(t.key, "pineapple"))).toEqual([e.id]);
    await ok(call(`/v1/kb/entries/${e.id}`, { method: "PATCH", auth: t.key, json: { title: "Mango delivery", body: "We deliver mangoes on Fridays." } }));
    expect(ids(await search(t.key, "pineapple"))).toEqual([]);
    expect(ids(await search(t.key, "mango"))).toEqual([e.id]);
    await ok(call(`/v1/kb/entries/${e.id}`, { method: "PATCH", auth: t.key, json: { tags: ["tropical"] } }));
    expect(ids(await search(t.key, "tropical"))).toEqual([e.id]);
    expect((await call(`/v1/kb/entries/${e.id}`, { method: "DELETE", auth: t.key })).status).toBe(204);
    expect(ids(await search(t.key, "mango"))).toEqual([]);
  });

  it("answers 422 to an empty query and never fails on any other string", async () => {
    const t = await tenant();
    await create(t.key, { type: "article", title: "Quotes \" and stars * and NEAR(x y)", body: "title:body AND OR NOT ^ - + ( ) {}" });
    await problem(call("/v1/kb/search?q=", { auth: t.key }), 422);
    await problem(call("/v1/kb/search?q=%20%20", { auth: t.key }), 422);
    await problem(call("/v1/kb/search", { auth: t.key }), 422);
    await problem(call(`/v1/kb/search?q=${"a".repeat(501)}`, { auth: t.key }), 422);
    for (const q of ['"', '""', "*", "NEAR(", "title:x", "AND", "a OR", "-x", "^x", "(", "{x}", "!!!", "🙂", "\u0301", "x\u0000y"]) {
      const res = await call(`/v1/kb/search?q=${encodeURIComponent(q)}`, { auth: t.key });
      expect(res.status, q).toBe(200);
    }
    expect(ids(await search(t.key, "NEAR(x y)"))).toHaveLength(1);
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }), async (q) => {
        const res = await call(`/v1/kb/search?q=${encodeURIComponent(q)}`, { auth: t.key });
        expect([200, 422]).toContain(res.status);
        if (res.status === 422) expect(q.trim()).toBe("");
      }),
      { numRuns: 60 },
    );
  });
});

describe("the query builder", () => {
  const EXPR = /^"(?:[^"]|"")+"\*?(?: (?:AND|OR) "(?:[^"]|"")+"\*?)*$/;

  it("turns any Unicode string into MATCH expressions FTS5 accepts, made of quoted strings only", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: "binary", maxLength: 60 }), fc.string({ unit: "grapheme", maxLength: 60 }), fc.constantFrom('"a" OR b*', "NEAR(退款 流程)", "title:x AND -y")), async (q) => {
        const built = buildQuery(q);
        expect((built.strict === null) === (built.loose === null)).toBe(true);
        for (const expr of [built.strict, built.loose]) {
          if (expr === null) continue;
          expect(expr).toMatch(EXPR);
          await env.DB.prepare("SELECT count(*) AS n FROM kb_fts WHERE kb_fts MATCH ?1").bind(expr).first();
        }
      }),
      { numRuns: 300 },
    );
  });

  it("rewrites Han runs as bigrams for the index and splits a question at its function words", () => {
    expect(indexText("退款流程")).toBe("退款 款流 流程 程");
    expect(indexText("iPhone15退货")).toBe("iphone 15 退货 货");
    expect(indexText("WH-1000XM5")).toBe("wh 1000 xm 5");
    expect(indexText("Café ＡＢＣ")).toBe("cafe abc");
    expect(buildQuery("退款").strict).toBe('"退款"');
    expect(buildQuery("我的订单怎么退款").strict).toBe('"订单" AND "退款"');
    expect(buildQuery("目的地").strict).toBe('"目的 的地"');
    expect(buildQuery("How do I get a refund?").strict).toBe('"refund"*');
    expect(buildQuery("shipped boxes").strict).toBe('"ship"* AND "box"*');
    expect(buildQuery("XM5 a").strict).toBe('"xm 5"');
    expect(buildQuery("!!! 🙂").strict).toBeNull();
  });

  it("finds hits at their offsets in the original text, whatever normalisation did to it", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), fc.string({ unit: "grapheme", maxLength: 30 }), (before, after) => {
        const text = `${before} ＲＥＦＵＮＤ退款 ${after}`;
        const q = buildQuery("refund 退款");
        const hits = matchText(text, q.groups);
        const at = before.length + 1;
        expect(hits.some((h) => h.start === at && h.end === at + 6)).toBe(true);
        expect(hits.some((h) => h.start === at + 6 && h.end === at + 8)).toBe(true);
        const snippet = makeSnippet(text, hits, 40);
        for (const h of snippet.highlights) {
          expect(h.end).toBeGreaterThan(h.start);
          expect(h.end).toBeLessThanOrEqual(snippet.text.length);
        }
        expect(snippet.highlights.map((h) => snippet.text.slice(h.start, h.end))).toContain("ＲＥＦＵＮＤ退款");
      }),
    );
  });
});

describe("responses", () => {
  // Parsing strips keys a schema does not name and fails on a value it refuses: equal means fully documented.
  const documented = async (schema: z.ZodType, res: Promise<Response>, status = 200) => {
    const body = await ok(res, status);
    expect(schema.parse(body)).toEqual(body);
    return body;
  };

  it("are exactly what /v1/openapi.json documents for each route", async () => {
    const t = await tenant();
    const faq = await documented(EntrySchema, call("/v1/kb/entries", { method: "POST", auth: t.key, json: { type: "faq", title: "Plum returns", answer: "Within 30 days.", attributes: { sku: 7 } } }), 201);
    await documented(EntrySchema, call(`/v1/kb/entries/${faq.id}`, { method: "PATCH", auth: t.key, json: { tags: ["plum"] } }));
    const bulk = await documented(BulkImported, call("/v1/kb/entries/bulk", { method: "POST", auth: t.key, json: { entries: [{ type: "product", title: "Plum jam" }] } }), 201);
    await documented(EntryPage, call("/v1/kb/entries?limit=1", { auth: t.key }));
    await documented(Link, call("/v1/kb/links", { method: "POST", auth: t.key, json: { from: bulk.entries[0].id, to: faq.id, type: "has_faq" } }), 201);
    await documented(Graph, call(`/v1/kb/entries/${faq.id}/graph`, { auth: t.key }));
    const found = await documented(SearchResponse, call("/v1/kb/search?q=plum", { auth: t.agentToken }));
    expect(found.results.length).toBeGreaterThan(0);
  });
});

describe("links and the graph", () => {
  it("links entries, walks the graph to a depth, lists links on results and drops them with their entry", async () => {
    const t = await tenant();
    const product = await create(t.key, { type: "product", title: "Aurora kettle", attributes: { aliases: ["Aurora K2"] } });
    const faq = await create(t.key, { type: "faq", title: "Descaling the kettle", answer: "Use the descaling programme." });
    const process = await create(t.key, { type: "process", title: "Descaling programme", body: "Step one: fill with vinegar." });
    const l1 = await ok<{ id: string }>(call("/v1/kb/links", { method: "POST", auth: t.key, json: { from: product.id, to: faq.id, type: "has_faq" } }), 201);
    const again = await ok<{ id: string }>(call("/v1/kb/links", { method: "POST", auth: t.key, json: { from: product.id, to: faq.id, type: "has_faq" } }), 200);
    expect(again.id).toBe(l1.id);
    await ok(call("/v1/kb/links", { method: "POST", auth: t.key, json: { from: faq.id, to: process.id, type: "uses_process" } }), 201);
    await problem(call("/v1/kb/links", { method: "POST", auth: t.key, json: { from: faq.id, to: "kb_missing", type: "related" } }), 404);
    await problem(call("/v1/kb/links", { method: "POST", auth: t.key, json: { from: faq.id, to: faq.id, type: "related" } }), 422);
    await problem(call("/v1/kb/links", { method: "POST", auth: t.key, json: { from: faq.id, to: process.id, type: "likes" } }), 422);

    type G = { nodes: { id: string; depth: number }[]; edges: { from: string; to: string; type: string }[]; truncated: boolean };
    const g1 = await ok<G>(call(`/v1/kb/entries/${product.id}/graph`, { auth: t.agentToken }));
    expect(g1.nodes).toEqual(expect.arrayContaining([expect.objectContaining({ id: product.id, depth: 0 }), expect.objectContaining({ id: faq.id, depth: 1 })]));
    expect(g1.nodes).toHaveLength(2);
    const g2 = await ok<G>(call(`/v1/kb/entries/${product.id}/graph?depth=2`, { auth: t.key }));
    expect(g2.nodes.map((n) => [n.id, n.depth])).toEqual(expect.arrayContaining([[process.id, 2]]));
    expect(g2.edges.map((e) => e.type).sort()).toEqual(["has_faq", "uses_process"]);
    expect(g2.truncated).toBe(false);
    await problem(call(`/v1/kb/entries/${product.id}/graph?depth=4`, { auth: t.key }), 422);

    const r = await search(t.key, "descaling");
    expect(r.results.find((x) => x.id === faq.id)!.links).toEqual([{ type: "uses_process", to: process.id, title: "Descaling programme" }]);
    expect(await productNames(env.DB, t.id)).toEqual(["Aurora kettle", "Aurora K2"]);

    expect((await call(`/v1/kb/entries/${faq.id}`, { method: "DELETE", auth: t.key })).status).toBe(204);
    const g3 = await ok<G>(call(`/v1/kb/entries/${product.id}/graph?depth=3`, { auth: t.key }));
    expect(g3.nodes.map((n) => n.id)).toEqual([product.id]);
    expect(g3.edges).toEqual([]);
    await problem(call(`/v1/kb/links/${l1.id}`, { method: "DELETE", auth: t.key }), 404);
  });

  it("bounds the graph of a hub and says so", async () => {
    const t = await tenant();
    const hub = await create(t.key, { type: "product", title: "Hub" });
    const spokes = await ok<{ entries: { id: string }[] }>(call("/v1/kb/entries/bulk", { method: "POST", auth: t.key, json: { entries: Array.from({ length: 105 }, (_, i) => ({ type: "faq", title: `Spoke ${i}`, answer: "a" })) } }), 201);
    for (const s of spokes.entries) await ok(call("/v1/kb/links", { method: "POST", auth: t.key, json: { from: hub.id, to: s.id, type: "has_faq" } }), 201);
    const g = await ok<{ nodes: { id: string }[]; edges: unknown[]; truncated: boolean }>(call(`/v1/kb/entries/${hub.id}/graph`, { auth: t.key }));
    expect(g.nodes).toHaveLength(100);
    expect(g.edges).toHaveLength(99);
    expect(g.truncated).toBe(true);
    const link = await ok<{ id: string }>(call("/v1/kb/links", { method: "POST", auth: t.key, json: { from: hub.id, to: spokes.entries[0]!.id, type: "has_faq" } }), 200);
    expect((await call(`/v1/kb/links/${link.id}`, { method: "DELETE", auth: t.key })).status).toBe(204);
    const after = await ok<{ nodes: { id: string }[] }>(call(`/v1/kb/entries/${spokes.entries[0]!.id}/graph`, { auth: t.key }));
    expect(after.nodes.map((n) => n.id)).toEqual([spokes.entries[0]!.id]);
  });
});

describe("tenant isolation", () => {
  it("never shows one tenant's entries, links or graph to another", async () => {
    const a = await tenant();
    const b = await tenant();
    const mine = await create(a.key, { type: "article", title: "退款 secret policy", body: "Only for tenant A." });
    const other = await create(a.key, { type: "article", title: "Second", body: "x" });
    const bOwn = await create(b.key, { type: "article", title: "B's own", body: "退款 secret" });
    await ok(call("/v1/kb/links", { method: "POST", auth: a.key, json: { from: mine.id, to: other.id, type: "related" } }), 201);

    await problem(call(`/v1/kb/entries/${mine.id}`, { auth: b.key }), 404);
    await problem(call(`/v1/kb/entries/${mine.id}`, { method: "PATCH", auth: b.key, json: { title: "hijack" } }), 404);
    await problem(call(`/v1/kb/entries/${mine.id}`, { method: "DELETE", auth: b.key }), 404);
    await problem(call(`/v1/kb/entries/${mine.id}/graph`, { auth: b.key }), 404);
    await problem(call("/v1/kb/links", { method: "POST", auth: b.key, json: { from: bOwn.id, to: mine.id, type: "related" } }), 404);
    expect((await ok<{ data: Entry[] }>(call("/v1/kb/entries", { auth: b.key }))).data.map((e) => e.id)).toEqual([bOwn.id]);
    expect(ids(await search(b.key, "退款 secret"))).toEqual([bOwn.id]);
    expect(ids(await search(a.key, "退款 secret"))).toEqual([mine.id]);
    expect((await searchKb(env.DB, b.id, "tenant A")).results).toEqual([]);
    // The same client id may exist once per tenant.
    await create(a.key, { id: "shared-name", type: "article", title: "A's" });
    await create(b.key, { id: "shared-name", type: "article", title: "B's" });
    expect((await ok<Entry>(call("/v1/kb/entries/shared-name", { auth: b.key }))).title).toBe("B's");
    expect((await ok<Entry>(call(`/v1/kb/entries/${mine.id}`, { auth: a.key }))).title).toBe("退款 secret policy");
  });
});

describe("a hand-written help centre", () => {
  // A small store's help centre, written for this test, and questions phrased the way customers write them.
  const ENTRIES = [
    { key: "refund-time", type: "faq", locale: "en", title: "How long does a refund take?", body: "Refund timing after a return", answer: "Once the warehouse has checked your return, the refund reaches your card in 5 to 10 business days." },
    { key: "return-policy", type: "article", locale: "en", title: "Return policy", body: "Unused items can be sent back within 30 days of delivery. Print the prepaid label from your order page and drop the parcel at any post office." },
    { key: "track", type: "faq", locale: "en", title: "Where is my order?", body: "Tracking a parcel", answer: "Open Orders, pick the order and follow the tracking link. Tracking updates can take 24 hours to appear." },
    { key: "change-address", type: "process", locale: "en", title: "Changing the delivery address", body: "Before the order ships you can edit the shipping address under Orders > Edit. After dispatch, contact the courier with your tracking number." },
    { key: "password", type: "faq", locale: "en", title: "I forgot my password", body: "Resetting a password", answer: "Use Forgot password on the sign-in page; the reset link is valid for one hour." },
    { key: "promo", type: "faq", locale: "en", title: "My discount code does not work", body: "Coupons and promo codes", answer: "Codes are case-sensitive, expire at midnight UTC and cannot be combined with sale prices." },
    { key: "x7", type: "product", locale: "en", title: "Aero X7 wireless earbuds", body: "Bluetooth 5.3 earbuds with 30 hours of battery life and active noise cancelling." },
    { key: "x7-pair", type: "process", locale: "en", title: "Pairing the Aero X7", body: "Open the case, hold the button for three seconds until the light flashes white, then choose Aero X7 in your phone's Bluetooth settings." },
    { key: "zh-refund", type: "faq", locale: "zh", title: "退款多久到账？", body: "退款到账时间", answer: "仓库验收退货后，退款会在5到10个工作日内原路退回您的银行卡。" },
    { key: "zh-return", type: "article", locale: "zh", title: "退换货政策", body: "未使用的商品在签收后30天内可以申请退货或换货，请在订单页面打印退货单。" },
    { key: "zh-invoice", type: "process", locale: "zh", title: "如何开具电子发票", body: "订单完成后，在订单详情页点击申请发票，填写抬头和税号，电子发票会发送到您的邮箱。" },
    { key: "zh-shipping", type: "faq", locale: "zh", title: "什么时候发货？", body: "发货时间", answer: "现货商品在付款后24小时内发货，预售商品以页面标注的时间为准。" },
    { key: "zh-member", type: "article", locale: "zh", title: "会员积分规则", body: "每消费1元累积1积分，积分可在下单时抵扣现金，有效期为一年。" },
    { key: "zh-x7", type: "product", locale: "zh", title: "Aero X7 无线耳机", body: "蓝牙5.3，续航30小时，支持主动降噪。" },
    { key: "zh-x7-warranty", type: "faq", locale: "zh", title: "Aero X7 保修多久？", body: "耳机保修", answer: "Aero X7 享受一年质保，人为损坏不在保修范围内。" },
  ] as const;
  const QUERIES: [string, string][] = [
    ["when will I get my money back", "refund-time"],
    ["refund how many days", "refund-time"],
    ["can I send an item back", "return-policy"],
    ["return label", "return-policy"],
    ["where is my parcel", "track"],
    ["tracking number not working", "track"],
    ["change shipping address", "change-address"],
    ["reset password", "password"],
    ["coupon code invalid", "promo"],
    ["Aero X7", "x7"],
    ["how do I pair my x7 with my phone", "x7-pair"],
    ["x7 battery life", "x7"],
    ["退款多久能到账", "zh-refund"],
    ["我想退货", "zh-return"],
    ["换货", "zh-return"],
    ["怎么开发票", "zh-invoice"],
    ["发票", "zh-invoice"],
    ["我的订单什么时候发货", "zh-shipping"],
    ["积分怎么用", "zh-member"],
    ["X7耳机保修", "zh-x7-warranty"],
    ["x7 降噪", "zh-x7"],
  ];

  it("puts the right entry first for most questions and in the top 3 for nearly all", async () => {
    const t = await tenant();
    const made = await ok<{ entries: { id: string }[] }>(call("/v1/kb/entries/bulk", { method: "POST", auth: t.key, json: { entries: ENTRIES.map(({ key: _, ...e }) => e) } }), 201);
    const idOf = new Map<string, string>(ENTRIES.map((e, i) => [e.key, made.entries[i]!.id]));
    const ranks: number[] = [];
    const misses: string[] = [];
    for (const [q, key] of QUERIES) {
      const rank = ids(await search(t.key, q, "&limit=5")).indexOf(idOf.get(key)!);
      ranks.push(rank);
      if (rank !== 0) misses.push(`${q} → ${key} at ${rank}`);
    }
    const top1 = ranks.filter((r) => r === 0).length / ranks.length;
    const top3 = ranks.filter((r) => r >= 0 && r < 3).length / ranks.length;
    console.log(`kb help centre: top1 ${top1.toFixed(2)}, top3 ${top3.toFixed(2)} of ${ranks.length}; not first: ${misses.join("; ") || "none"}`);
    expect(top1).toBeGreaterThanOrEqual(0.8);
    expect(top3).toBeGreaterThanOrEqual(0.9);
  });
});

describe("a 1,000-entry corpus in English and Chinese", () => {
  it("finds the one entry each query is about", async () => {
    const t = await tenant();
    const { entries, queries } = kbCorpus(1000, 20261101);
    const created: string[] = [];
    for (let i = 0; i < entries.length; i += 500) {
      const r = await ok<{ entries: { id: string }[] }>(call("/v1/kb/entries/bulk", { method: "POST", auth: t.key, json: { entries: entries.slice(i, i + 500) } }), 201);
      created.push(...r.entries.map((e) => e.id));
    }
    expect(created).toHaveLength(1000);
    const ranks: Record<"en" | "zh", number[]> = { en: [], zh: [] };
    for (const q of queries) {
      const r = await search(t.key, q.q, "&limit=10");
      ranks[q.lang].push(ids(r).indexOf(created[q.target]!));
    }
    const rate = (xs: number[], k: number) => xs.filter((x) => x >= 0 && x < k).length / xs.length;
    const mrr = (xs: number[]) => xs.reduce((s, x) => s + (x >= 0 ? 1 / (x + 1) : 0), 0) / xs.length;
    const report = Object.fromEntries(
      (["en", "zh"] as const).map((l) => [l, { queries: ranks[l].length, top1: rate(ranks[l], 1), top3: rate(ranks[l], 3), top10: rate(ranks[l], 10), mrr: Number(mrr(ranks[l]).toFixed(3)) }]),
    );
    console.log(`kb corpus search: ${JSON.stringify(report)}`);
    for (const l of ["en", "zh"] as const) {
      expect(rate(ranks[l], 10)).toBeGreaterThanOrEqual(0.95);
      expect(rate(ranks[l], 3)).toBeGreaterThanOrEqual(0.85);
    }
  });
});
