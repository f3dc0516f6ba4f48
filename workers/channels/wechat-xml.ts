/**
 * WeChat XML: a deliberately small reader for push bodies: elements, text, CDATA, comments and the five
 * predefined entities. No attributes, no DOCTYPE, no custom entities, so no entity-expansion or external
 * entity surprises; nesting is capped. Objects have no prototype, so a "__proto__" element is just a key.
 */
import { ChannelError } from "./adapter";

export type XmlNode = string | XmlObject;
export type XmlObject = { [name: string]: XmlNode };

const MAX_DEPTH = 5;
const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const SPACE = /\s*/y;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(s: string, fail: (msg: string) => never): string {
  return s.replace(/&([^;&<]*);?/g, (all, ref: string) => {
    if (!all.endsWith(";")) fail("bare &");
    const named = ENTITIES[ref];
    if (named) return named;
    const code = /^#x[0-9a-fA-F]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]{1,7}$/.test(ref) ? Number(ref.slice(1)) : NaN;
    if (!(code >= 0 && code <= 0x10ffff)) fail(`unknown entity &${ref};`);
    return String.fromCodePoint(code);
  });
}

class Reader {
  pos = 0;
  constructor(private readonly src: string) {}

  fail(msg: string): never {
    throw new ChannelError(400, `malformed XML at offset ${this.pos}: ${msg}`);
  }

  at(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  skipSpaceAndComments(): void {
    for (;;) {
      SPACE.lastIndex = this.pos;
      SPACE.exec(this.src);
      this.pos = SPACE.lastIndex;
      if (!this.at("<!--")) return;
      this.skipPast("-->");
    }
  }

  skipPast(end: string): number {
    const i = this.src.indexOf(end, this.pos);
    if (i < 0) this.fail(`missing ${end}`);
    const start = this.pos;
    this.pos = i + end.length;
    return start;
  }

  name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.src);
    if (!m) this.fail("expected an element name");
    this.pos = NAME.lastIndex;
    return m[0];
  }

  /** Reads `<name>…</name>` starting at its "<". */
  element(depth: number): [string, XmlNode] {
    this.pos++;
    const name = this.name();
    this.skipSpaceAndComments();
    if (this.at("/>")) {
      this.pos += 2;
      return [name, ""];
    }
    if (!this.at(">")) this.fail("attributes are not supported");
    this.pos++;
    const children: XmlObject = Object.create(null);
    let hasChildren = false;
    let text = "";
    for (;;) {
      if (this.pos >= this.src.length) this.fail(`unterminated <${name}>`);
      if (this.at("<![CDATA[")) {
        this.pos += "<![CDATA[".length;
        const start = this.skipPast("]]>");
        text += this.src.slice(start, this.pos - 3);
      } else if (this.at("<!--")) {
        this.skipPast("-->");
      } else if (this.at("</")) {
        this.pos += 2;
        const close = this.name();
        this.skipSpaceAndComments();
        if (close !== name || !this.at(">")) this.fail(`expected </${name}>`);
        this.pos++;
        break;
      } else if (this.at("<")) {
        if (this.at("<!") || this.at("<?")) this.fail("declarations are not allowed inside elements");
        if (depth >= MAX_DEPTH) this.fail("nested too deeply");
        const [key, value] = this.element(depth + 1);
        hasChildren = true;
        // Repeated elements (list items) keep the first; WeChat's inbound fields are not lists.
        if (!(key in children)) children[key] = value;
      } else {
        const next = this.src.indexOf("<", this.pos);
        const end = next < 0 ? this.src.length : next;
        text += decodeEntities(this.src.slice(this.pos, end), (m) => this.fail(m));
        this.pos = end;
      }
    }
    if (!hasChildren) return [name, text];
    if (text.trim()) this.fail(`<${name}> mixes text and elements`);
    return [name, children];
  }

  document(): XmlObject {
    if (this.at("\ufeff")) this.pos++;
    this.skipSpaceAndComments();
    if (this.at("<?xml")) this.skipPast("?>");
    this.skipSpaceAndComments();
    if (this.at("<!")) this.fail("DOCTYPE and other declarations are not allowed");
    if (!this.at("<")) this.fail("expected the root element");
    const [, root] = this.element(1);
    this.skipSpaceAndComments();
    if (this.pos !== this.src.length) this.fail("content after the root element");
    if (typeof root === "string") this.fail("the root element has no fields");
    return root;
  }
}

export function parseWeChatXml(src: string): XmlObject {
  return new Reader(src).document();
}
