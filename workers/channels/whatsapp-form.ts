/**
 * WhatsApp Flows (and address messages) answer with `nfm_reply.response_json`: a JSON string whose shape the
 * business's Flow defines. A `form` part holds flat fields, so nested objects become dotted keys
 * ("values.city"), and everything is bounded: a customer's client writes this JSON, not Meta.
 * https://developers.facebook.com/docs/whatsapp/flows/reference/responsemsgwebhook
 */
type FieldValue = string | number | boolean | null | string[];

const MAX_FIELDS = 50;
const MAX_DEPTH = 4;
const MAX_KEY = 100;
const MAX_STRING = 4000;
const MAX_LIST = 50;
const MAX_ITEM = 1000;
/** Characters across all values, the size of a text part: the whole answer stays readable in one message. */
const MAX_TOTAL = 16_000;

export type FlowFields = { fields: Record<string, FieldValue>; note?: string };

function scalar(v: unknown): FieldValue | undefined {
  if (v === null || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "string") return v.slice(0, MAX_STRING);
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.slice(0, MAX_LIST).map((x: string) => x.slice(0, MAX_ITEM));
  return undefined;
}

function size(v: FieldValue): number {
  return Array.isArray(v) ? v.reduce((n, x) => n + x.length, 0) : typeof v === "string" ? v.length : 8;
}

/** The answer as form fields; JSON that is not JSON is kept whole under `response_json`, with a note saying so. */
export function flowFields(responseJson: string): FlowFields {
  let parsed: unknown;
  try {
    parsed = JSON.parse(responseJson);
  } catch {
    return { fields: { response_json: responseJson.slice(0, MAX_STRING) }, note: "response_json is not valid JSON; kept as sent" };
  }
  const entries: [string, FieldValue][] = [];
  let total = 0;
  let full = false;
  let shortened = false;
  const add = (key: string, v: FieldValue) => {
    const n = size(v);
    if (entries.length >= MAX_FIELDS || total + n > MAX_TOTAL) full = shortened = true;
    else {
      entries.push([key, v]);
      total += n;
    }
  };
  // Breadth-first over an explicit queue: depth is bounded, and a deep document cannot overflow the stack.
  const queue: { key: string; v: unknown; depth: number }[] = [{ key: "", v: parsed, depth: 0 }];
  while (queue.length && !full) {
    const { key, v, depth } = queue.shift()!;
    const flat = scalar(v);
    if (flat !== undefined) {
      add(key || "response", flat);
      continue;
    }
    if (depth >= MAX_DEPTH || Array.isArray(v)) {
      add(key || "response", JSON.stringify(v).slice(0, MAX_STRING));
      continue;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const path = key ? `${key}.${k}` : k;
      // An own "__proto__" key would become the record's prototype once assigned: never a field name.
      if (k === "__proto__" || path.length > MAX_KEY || entries.length + queue.length >= MAX_FIELDS) shortened = true;
      else queue.push({ key: path, v: x, depth: depth + 1 });
    }
  }
  const fields = Object.fromEntries(entries);
  return shortened ? { fields, note: `response_json shortened to ${MAX_FIELDS} fields, ${MAX_TOTAL} characters and keys of ${MAX_KEY} characters` } : { fields };
}
