/**
 * Slack formatting as plain text plus TextEntity spans. Messages typed in a Slack client carry `rich_text` blocks,
 * which say exactly what is bold, italic, struck, code, a link, a mention, a quote or preformatted; `text` is then
 * only their mrkdwn rendering. Without blocks (API posts, slash commands) the mrkdwn `text` is read for its links
 * and mentions; its *bold* / _italic_ markers are left as typed, since mrkdwn has no unambiguous grammar for them.
 */
import { z } from "zod";
import type { ContentPart, TextEntity } from "../../shared/message";
import { httpUrl } from "./adapter";

const MAX_TEXT = 16_000;
const MAX_ENTITIES = 100;

const Style = z.object({ bold: z.boolean().optional(), italic: z.boolean().optional(), strike: z.boolean().optional(), underline: z.boolean().optional(), code: z.boolean().optional() });
const Inline = z.object({
  type: z.string(),
  text: z.string().optional(),
  url: z.string().optional(),
  user_id: z.string().optional(),
  usergroup_id: z.string().optional(),
  channel_id: z.string().optional(),
  team_id: z.string().optional(),
  range: z.string().optional(),
  name: z.string().optional(),
  unicode: z.string().optional(),
  fallback: z.string().optional(),
  value: z.string().optional(),
  style: Style.optional(),
});
type Inline = z.infer<typeof Inline>;
const Section = z.object({ type: z.string(), elements: z.array(Inline).max(1000).default([]) });
const Element = z.object({
  type: z.string(),
  style: z.string().optional(),
  indent: z.number().optional(),
  offset: z.number().optional(),
  elements: z.array(z.unknown()).max(1000).default([]),
});
const RichText = z.object({ type: z.literal("rich_text"), elements: z.array(Element).max(1000) });
const Blocks = z.array(RichText).min(1).max(50);

type Mark = Pick<TextEntity, "type" | "url">;

class Builder {
  text = "";
  entities: TextEntity[] = [];

  add(s: string, marks: Mark[] = []): void {
    if (!s) return;
    const offset = this.text.length;
    this.text += s;
    for (const m of marks) this.entities.push({ ...m, offset, length: s.length });
  }

  /** Lists, quotes and code blocks start on a line of their own. */
  newline(): void {
    if (this.text && !this.text.endsWith("\n")) this.text += "\n";
  }

  mark(type: TextEntity["type"], from: number): void {
    const length = this.text.length - from;
    if (length > 0) this.entities.push({ type, offset: from, length });
  }

  part(): Extract<ContentPart, { type: "text" }> | null {
    const text = this.text.trimEnd().slice(0, MAX_TEXT);
    if (!text.trim()) return null;
    const entities = this.entities
      .filter((e) => e.offset < text.length)
      .map((e) => ({ ...e, length: Math.min(e.length, text.length - e.offset) }))
      .slice(0, MAX_ENTITIES);
    return entities.length ? { type: "text", text, entities } : { type: "text", text };
  }
}

function styleMarks(style: z.infer<typeof Style> | undefined): Mark[] {
  const marks: Mark[] = [];
  if (style?.bold) marks.push({ type: "bold" });
  if (style?.italic) marks.push({ type: "italic" });
  if (style?.strike) marks.push({ type: "strikethrough" });
  if (style?.underline) marks.push({ type: "underline" });
  if (style?.code) marks.push({ type: "code" });
  return marks;
}

function linkMark(target: string): Mark[] {
  if (target.startsWith("mailto:")) return [{ type: "email" }];
  const url = httpUrl(target);
  return url ? [{ type: "link", url }] : [];
}

/** "1f44d" or "1f469-200d-1f4bb" → the emoji itself; anything else stays the :name: Slack shows. */
function emoji(el: Inline): string {
  const points = (el.unicode ?? "").split("-").map((h) => Number.parseInt(h, 16));
  if (el.unicode && points.every((p) => Number.isInteger(p) && p >= 0 && p <= 0x10ffff)) return String.fromCodePoint(...points);
  return `:${el.name ?? "emoji"}:`;
}

function inline(b: Builder, el: Inline, inCode: boolean): void {
  const style = inCode ? [] : styleMarks(el.style);
  switch (el.type) {
    case "text":
      return b.add(el.text ?? "", style);
    case "link":
      return b.add(el.text || el.url || "", [...linkMark(el.url ?? ""), ...style]);
    case "user":
      return b.add(`@${el.user_id ?? "user"}`, [{ type: "mention" }, ...style]);
    case "usergroup":
      return b.add(`@${el.usergroup_id ?? "group"}`, [{ type: "mention" }, ...style]);
    case "broadcast":
      return b.add(`@${el.range ?? "here"}`, [{ type: "mention" }, ...style]);
    case "channel":
      return b.add(`#${el.channel_id ?? "channel"}`, style);
    case "team":
      return b.add(`+${el.team_id ?? "team"}`, style);
    case "emoji":
      return b.add(emoji(el), style);
    case "date":
      return b.add(el.fallback ?? el.text ?? "", style);
    default:
      return b.add(el.text ?? el.value ?? "", style);
  }
}

function inlines(b: Builder, elements: unknown[], inCode = false): void {
  for (const raw of elements) {
    const el = Inline.safeParse(raw);
    if (el.success) inline(b, el.data, inCode);
  }
}

function element(b: Builder, el: z.infer<typeof Element>): void {
  switch (el.type) {
    case "rich_text_section":
      return inlines(b, el.elements);
    case "rich_text_list": {
      b.newline();
      const pad = "  ".repeat(Math.max(0, Math.min(8, Math.trunc(el.indent ?? 0))));
      el.elements.forEach((raw, i) => {
        const item = Section.safeParse(raw);
        if (!item.success) return;
        if (i > 0) b.add("\n");
        b.add(`${pad}${el.style === "ordered" ? `${Math.trunc(el.offset ?? 0) + i + 1}.` : "•"} `);
        inlines(b, item.data.elements);
      });
      return b.newline();
    }
    case "rich_text_preformatted":
    case "rich_text_quote": {
      b.newline();
      const from = b.text.length;
      inlines(b, el.elements, el.type === "rich_text_preformatted");
      b.mark(el.type === "rich_text_quote" ? "quote" : "pre", from);
      return b.newline();
    }
    default:
      return inlines(b, el.elements);
  }
}

/** The text part of rich_text blocks, or null when there are none (or other blocks a client did not type). */
export function richTextPart(blocks: unknown): Extract<ContentPart, { type: "text" }> | null {
  const parsed = Blocks.safeParse(blocks);
  if (!parsed.success) return null;
  const b = new Builder();
  for (const [i, block] of parsed.data.entries()) {
    if (i > 0) b.newline();
    for (const el of block.elements) element(b, el);
  }
  return b.part();
}

const ENTITY: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">" };
const decode = (s: string) => s.replace(/&(amp|lt|gt);/g, (m) => ENTITY[m] ?? m);

/** One `<…>` token of mrkdwn: a user, channel, special mention, date or link, each with an optional |label. */
function token(b: Builder, body: string): void {
  const bar = body.indexOf("|");
  const target = bar < 0 ? body : body.slice(0, bar);
  const label = bar < 0 ? undefined : decode(body.slice(bar + 1));
  if (target.startsWith("@")) return b.add(label ? `@${label.replace(/^@/, "")}` : target, [{ type: "mention" }]);
  if (target.startsWith("#")) return b.add(label ? `#${label}` : target);
  if (target.startsWith("!")) {
    const special = target.slice(1).split("^")[0] ?? "";
    if (special === "date") return b.add(label ?? target);
    return b.add(label ?? `@${special}`, [{ type: "mention" }]);
  }
  const url = decode(target);
  return b.add(label || url, linkMark(url));
}

/** mrkdwn `text` → plain text with its links and mentions as entities, escapes (&amp; &lt; &gt;) undone. */
export function mrkdwnPart(text: string | undefined): Extract<ContentPart, { type: "text" }> | null {
  if (!text) return null;
  const b = new Builder();
  let at = 0;
  for (const m of text.matchAll(/<([^<>\n]{1,4000})>/g)) {
    b.add(decode(text.slice(at, m.index)));
    token(b, m[1] ?? "");
    at = m.index + m[0].length;
  }
  b.add(decode(text.slice(at)));
  return b.part();
}

/** What a person wrote: the rich text when the client sent it, else the mrkdwn text. */
export function messageText(text: string | undefined, blocks: unknown): Extract<ContentPart, { type: "text" }> | null {
  return richTextPart(blocks) ?? mrkdwnPart(text);
}
