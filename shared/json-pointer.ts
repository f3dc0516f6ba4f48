/** RFC 6901 JSON Pointer: "" is the whole document, "/a~1b/0" is key "a/b" then index 0. */

const POINTER = /^(\/([^~]|~[01])*)*$/;

export function isPointer(pointer: string): boolean {
  return POINTER.test(pointer);
}

export function parsePointer(pointer: string): string[] {
  if (!isPointer(pointer)) throw new SyntaxError(`invalid JSON pointer: ${pointer}`);
  if (pointer === "") return [];
  // ~1 before ~0, so "~01" decodes to "~1" and not to "/"
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
}

export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((t) => "/" + t.replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}

const INDEX = /^(0|[1-9][0-9]*)$/;

/** The value at `pointer`, or undefined when any step is missing. Only own properties are followed. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  let cur: unknown = doc;
  for (const token of parsePointer(pointer)) {
    if (Array.isArray(cur)) {
      if (!INDEX.test(token)) return undefined;
      cur = cur[Number(token)];
    } else if (cur !== null && typeof cur === "object" && Object.hasOwn(cur, token)) {
      cur = (cur as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return cur;
}
