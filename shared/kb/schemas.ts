import { z } from "zod";
import { Id } from "../ids";
import { bounded, METADATA_BOUNDS } from "../json-bounds";

/** The knowledge base's contract: what the admin API accepts and returns and what the store reads and writes. */

export const KB_LIMITS = {
  title: 300,
  body: 20_000,
  answer: 10_000,
  tags: 32,
  tag: 64,
  quickReplies: 10,
  quickReply: 80,
  bulk: 500,
  query: 500,
  results: 50,
  graphDepth: 3,
} as const;

export const EntryType = z.enum(["article", "faq", "product", "process"]);
export type EntryType = z.infer<typeof EntryType>;

/** What a link means, read from its source: a product `has_faq`, an FAQ `uses_process`, a step's `next_step`. */
export const LinkType = z.enum(["has_faq", "uses_process", "related", "next_step"]);
export type LinkType = z.infer<typeof LinkType>;

/** Lone surrogates are refused: SQLite stores UTF-8, where each becomes U+FFFD, so the text would not read back. */
const Text = (max: number) => z.string().max(max).refine((s) => s.isWellFormed(), "invalid Unicode: lone surrogate");

/** BCP 47-ish: "en", "zh", "zh-CN", "zh-Hant-TW". */
export const Locale = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, "a language tag such as en, zh or zh-CN");

const Tag = Text(KB_LIMITS.tag).trim().min(1).transform((t) => t.toLowerCase());
const Tags = z
  .array(Tag)
  .max(KB_LIMITS.tags)
  .transform((tags) => [...new Set(tags)]);

const Attributes = bounded(z.record(z.string().max(100), z.unknown()), METADATA_BOUNDS);

/** The fields a client writes. No defaults here: a PATCH must tell a missing field from an empty one. */
const fields = {
  type: EntryType,
  title: Text(KB_LIMITS.title).trim().min(1),
  body: Text(KB_LIMITS.body),
  /** An FAQ's answer (required for FAQs, refused on other types). */
  answer: Text(KB_LIMITS.answer).trim().min(1).nullable(),
  tags: Tags,
  locale: Locale.nullable(),
  /** Free-form facts (price, SKU, `aliases`: other names of a product, used by entity extraction). */
  attributes: Attributes,
  /** Short replies the bot offers as buttons next to this entry. */
  quick_replies: z.array(Text(KB_LIMITS.quickReply).trim().min(1)).max(KB_LIMITS.quickReplies),
};

type AnswerCheck = { type: EntryType; answer?: string | null };
function answerRule(e: AnswerCheck, ctx: z.RefinementCtx) {
  if (e.type === "faq" && !e.answer) ctx.addIssue({ code: "custom", path: ["answer"], message: "an FAQ needs an answer" });
  if (e.type !== "faq" && e.answer) ctx.addIssue({ code: "custom", path: ["answer"], message: "only FAQs have an answer" });
}

export const CreateEntry = z
  .object({
    /** Optional: an import keeps its own ids (so links can name them); otherwise `kb_<random>`. */
    id: Id.optional(),
    type: fields.type,
    title: fields.title,
    body: fields.body.default(""),
    answer: fields.answer.optional(),
    tags: fields.tags.default([]),
    locale: fields.locale.optional(),
    attributes: fields.attributes.default({}),
    quick_replies: fields.quick_replies.default([]),
  })
  .superRefine(answerRule);
export type CreateEntry = z.infer<typeof CreateEntry>;

export const UpdateEntry = z.object({
  type: fields.type.optional(),
  title: fields.title.optional(),
  body: fields.body.optional(),
  answer: fields.answer.optional(),
  tags: fields.tags.optional(),
  locale: fields.locale.optional(),
  attributes: fields.attributes.optional(),
  quick_replies: fields.quick_replies.optional(),
  /** The version last read: the update is refused with 409 when the entry has changed since. */
  version: z.int().min(1).optional(),
});
export type UpdateEntry = z.infer<typeof UpdateEntry>;

/** The merged result of an update must still be a valid entry (an FAQ keeps an answer). */
export const EntryConsistency = z.object({ type: EntryType, answer: z.string().nullable() }).superRefine(answerRule);

export const BulkImport = z
  .object({ entries: z.array(CreateEntry).min(1).max(KB_LIMITS.bulk) })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.entries.forEach((e, i) => {
      if (e.id === undefined) return;
      if (seen.has(e.id)) ctx.addIssue({ code: "custom", path: ["entries", i, "id"], message: "duplicate id in this import" });
      seen.add(e.id);
    });
  });
export type BulkImport = z.infer<typeof BulkImport>;

export const Entry = z.object({
  id: z.string(),
  type: EntryType,
  title: z.string(),
  body: z.string(),
  answer: z.string().nullable(),
  tags: z.array(z.string()),
  locale: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  quick_replies: z.array(z.string()),
  created_at: z.number(),
  updated_at: z.number(),
  version: z.int(),
}).meta({ id: "KbEntry" });
export type Entry = z.infer<typeof Entry>;

export const EntryPage = z.object({ data: z.array(Entry), next_cursor: z.string().nullable() }).meta({ id: "KbEntryPage" });
export type EntryPage = z.infer<typeof EntryPage>;

export const ListQuery = z.object({
  type: EntryType.optional(),
  tag: z.string().max(KB_LIMITS.tag).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().regex(/^\d+:.+$/, "opaque cursor from a previous page").optional(),
});
export type ListQuery = z.infer<typeof ListQuery>;

export const CreateLink = z
  .object({ from: Id, to: Id, type: LinkType })
  .refine((l) => l.from !== l.to, { path: ["to"], message: "an entry cannot link to itself" });
export type CreateLink = z.infer<typeof CreateLink>;

export const Link = z.object({ id: z.string(), from: z.string(), to: z.string(), type: LinkType, created_at: z.number() }).meta({ id: "KbLink" });
export type Link = z.infer<typeof Link>;

export const GraphQuery = z.object({ depth: z.coerce.number().int().min(1).max(KB_LIMITS.graphDepth).default(1) });

export const GraphNode = z.object({ id: z.string(), type: EntryType, title: z.string(), depth: z.int() });
export const Graph = z.object({ nodes: z.array(GraphNode), edges: z.array(Link), truncated: z.boolean() }).meta({ id: "KbGraph" });
export type Graph = z.infer<typeof Graph>;

const typeList = z
  .string()
  .transform((s) => s.split(",").map((t) => t.trim()).filter(Boolean))
  .pipe(z.array(EntryType).min(1));

export const SearchQuery = z.object({
  q: z.string().trim().min(1, "a query is required").max(KB_LIMITS.query),
  type: typeList.optional().describe("One type or a comma-separated list: faq or faq,process"),
  limit: z.coerce.number().int().min(1).max(KB_LIMITS.results).default(10),
  /** Only entries in this language (and those without a locale): `zh` matches zh, zh-CN, zh-TW. */
  lang: Locale.optional(),
});

export const SearchResult = z.object({
  id: z.string(),
  type: EntryType,
  title: z.string(),
  score: z.number(),
  snippet: z.string(),
  highlights: z.array(z.object({ start: z.int(), end: z.int() })),
  answer: z.string().nullable(),
  quick_replies: z.array(z.string()),
  tags: z.array(z.string()),
  locale: z.string().nullable(),
  links: z.array(z.object({ type: LinkType, to: z.string(), title: z.string() })),
}).meta({ id: "KbSearchResult" });
export type SearchResult = z.infer<typeof SearchResult>;

export const SearchResponse = z.object({ results: z.array(SearchResult), took_ms: z.number() }).meta({ id: "KbSearchResponse" });
