/**
 * The property every channel's parser must hold: whatever bytes arrive, parse returns a well-formed result
 * (every message has at least one valid content part) or throws ChannelError 400/422, never anything else.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ContentPart } from "../../shared/message";
import { ChannelError } from "../../workers/channels/adapter";
import type { ChannelAdapter, InboundRequest, ParseResult } from "../../workers/channels/adapter";

type Path = (string | number)[];
type Bodies = fc.Arbitrary<string | Uint8Array>;

const encode = (s: string | Uint8Array): Uint8Array => (typeof s === "string" ? new TextEncoder().encode(s) : s);

/** Every message item carries at least one part, and every part is a valid ContentPart. */
export function expectWellFormed(r: ParseResult): void {
  for (const item of r.items) if (item.kind === "message") expect(ContentPart.array().min(1).safeParse(item.parts).success).toBe(true);
}

/** The parse either succeeds and passes `check`, or fails with a ChannelError 400/422 (403: a delivery for another recipient). */
export async function parsedOr4xx(p: Promise<ParseResult>, check: (r: ParseResult) => void = expectWellFormed): Promise<void> {
  try {
    check(await p);
  } catch (e) {
    expect(e).toBeInstanceOf(ChannelError);
    expect([400, 403, 422]).toContain((e as ChannelError).status);
  }
}

/** Every path into a JSON document, the document itself ([]) included. */
function paths(v: unknown, at: Path = []): Path[] {
  return v && typeof v === "object" ? [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, Array.isArray(v) ? Number(k) : k]))] : [at];
}

/** A copy of `v` with `x` at `path`; missing steps become objects. */
function put(v: unknown, path: Path, x: unknown): unknown {
  if (path.length === 0) return x;
  const copy = (v && typeof v === "object" ? structuredClone(v) : {}) as Record<string | number, unknown>;
  const [head, ...rest] = path as [string | number, ...Path];
  copy[head] = put(copy[head], rest, x);
  return copy;
}

// Values that have tripped parsers before: prototype keys, lone surrogates, empty strings, known type names.
const leaf = fc.oneof(fc.jsonValue(), fc.constantFrom("toString", "__proto__", "\ud800", "", "https://x.test/a", "image", "text", "message", "postback", -1, 1e300, null, {}, []));

/** One to three edits (any path, a tricky value) of one of the documented JSON payloads. */
export function mutatedJson(fixtures: readonly string[]): fc.Arbitrary<string> {
  return fc.constantFrom(...fixtures.map((f) => JSON.parse(f) as unknown)).chain((doc) =>
    fc
      .array(fc.tuple(fc.constantFrom(...paths(doc)), leaf), { minLength: 1, maxLength: 3 })
      .map((edits) => JSON.stringify(edits.reduce((d, [path, x]) => put(d, path, x), doc))),
  );
}

/** Form bodies (a=b&c=d) from a provider's parameter names and the given values. */
export function forms(key: fc.Arbitrary<string>, value: fc.Arbitrary<string>, maxLength = 12): fc.Arbitrary<string> {
  return fc.array(fc.tuple(key, value), { maxLength }).map((pairs) => new URLSearchParams(pairs).toString());
}

export type NeverCrashesOptions<C> = {
  /** The describe block is "<name> parse never crashes". */
  name: string;
  adapter: ChannelAdapter<C>;
  config: C;
  /** The channel's webhook request around the given body (signature headers do not matter to parse). */
  request: (rawBody: Uint8Array) => InboundRequest;
  /**
   * The channel's documented JSON payloads: one property over any bytes, any JSON and any mutation of one of
   * them (plus extraBodies), titled "any bytes, any JSON, any mutation of a documented <noun>…".
   */
  fixtures?: readonly string[];
  /** What the fixtures are called in the title; "payload" unless given. */
  noun?: string;
  /** More bodies for the fixtures property, by how the title names them (e.g. "any form post"). */
  extraBodies?: Record<string, Bodies>;
  /** Further properties, one test each: title → bodies. */
  cases?: Record<string, Bodies>;
  /** Runs per property; fast-check's default unless given. */
  numRuns?: number;
  /** What a successful parse must satisfy; every message well-formed unless given. */
  check?: (r: ParseResult) => void;
};

/** Declares `describe("<name> parse never crashes")` with one property test per body family. */
export function parseNeverCrashes<C>(o: NeverCrashesOptions<C>): void {
  const properties: [string, Bodies][] = [];
  if (o.fixtures) {
    const extra = Object.entries(o.extraBodies ?? {});
    const title = ["any bytes", "any JSON", `any mutation of a documented ${o.noun ?? "payload"}`, ...extra.map(([label]) => label)].join(", ");
    properties.push([
      `${title} → a well-formed result or a 400/422`,
      fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.json(), mutatedJson(o.fixtures), ...extra.map(([, bodies]) => bodies)),
    ]);
  }
  properties.push(...Object.entries(o.cases ?? {}));

  describe(`${o.name} parse never crashes`, () => {
    for (const [title, bodies] of properties) {
      it(title, async () => {
        const property = fc.asyncProperty(bodies, (body) => parsedOr4xx(o.adapter.parse(o.request(encode(body)), o.config), o.check));
        await fc.assert(property, o.numRuns === undefined ? {} : { numRuns: o.numRuns });
      });
    }
  });
}
