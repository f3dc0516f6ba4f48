/**
 * Form text ⇄ API values for the admin pages. DOM-free so it can be property-tested: every `format` is read back
 * by its `parse` to the same value, and every `parse` either yields a value the API schema accepts or says which
 * part of the text is wrong, in words a person can act on.
 */
import { RESOURCES, type Scope } from "../../../shared/api-scopes";
import type { AgentSkill, Calendar, Condition, RequiredSkill, Scalar } from "../../../shared/routing/schemas";

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** "a, b\nc" → ["a", "b", "c"]: commas or new lines, blanks dropped, first occurrence kept. */
export function parseList(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean))];
}

export function formatList(items: readonly string[]): string {
  return items.join(", ");
}

/** Skill levels are 1–5 with fractions (shared/routing/schemas.ts Proficiency); a bare skill name means level 3. */
export const DEFAULT_LEVEL = 3;

function level(raw: string | undefined, what: string): Parsed<number> {
  if (raw === undefined || raw.trim() === "") return ok(DEFAULT_LEVEL);
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 5) return fail(`${what}: the level must be a number above 0 and at most 5`);
  return ok(n);
}

function skillName(raw: string): Parsed<string> {
  const name = raw.trim();
  if (!name) return fail("a skill needs a name before the colon");
  if (name.length > 64) return fail(`${name.slice(0, 20)}…: skill names are at most 64 characters`);
  return ok(name);
}

/** "billing:4, refunds:2.5, chinese" → skills with proficiency; a skill named twice keeps its last level. */
export function parseSkills(text: string): Parsed<AgentSkill[]> {
  const out = new Map<string, number>();
  for (const item of parseList(text)) {
    const [rawName, rawLevel, ...rest] = item.split(":");
    if (rest.length) return fail(`${item}: write a skill as name:level`);
    const name = skillName(rawName!);
    if (!name.ok) return name;
    const lvl = level(rawLevel, name.value);
    if (!lvl.ok) return lvl;
    out.delete(name.value);
    out.set(name.value, lvl.value);
  }
  return ok([...out].map(([skill, proficiency]) => ({ skill, proficiency })));
}

export function formatSkills(skills: readonly AgentSkill[]): string {
  return skills.map((s) => `${s.skill}:${s.proficiency}`).join(", ");
}

/** Queue requirements: "billing:3, spanish:2?" — a trailing "?" makes the skill preferred instead of required. */
export function parseRequiredSkills(text: string): Parsed<RequiredSkill[]> {
  const out = new Map<string, RequiredSkill>();
  for (const item of parseList(text)) {
    const preferred = item.endsWith("?");
    const core = preferred ? item.slice(0, -1) : item;
    const [rawName, rawLevel, ...rest] = core.split(":");
    if (rest.length) return fail(`${item}: write a requirement as name:level, with ? for preferred`);
    const name = skillName(rawName!);
    if (!name.ok) return name;
    const lvl = rawLevel === undefined || rawLevel.trim() === "" ? ok(1) : level(rawLevel, name.value);
    if (!lvl.ok) return lvl;
    out.delete(name.value);
    out.set(name.value, { skill: name.value, min_proficiency: lvl.value, mode: preferred ? "preferred" : "required" });
  }
  return ok([...out.values()]);
}

export function formatRequiredSkills(skills: readonly RequiredSkill[]): string {
  return skills.map((s) => `${s.skill}:${s.min_proficiency}${s.mode === "preferred" ? "?" : ""}`).join(", ");
}

export type Hours = Calendar["hours"];
type Weekday = Hours[number]["days"][number];
/** Display order: the working week first. */
export const WEEKDAYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const CLOCK = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

function days(spec: string): Parsed<Weekday[]> {
  const picked = new Set<Weekday>();
  for (const part of spec.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    const [from, to, ...rest] = part.split("-");
    const a = WEEKDAYS.indexOf(from as Weekday);
    const b = to === undefined ? a : WEEKDAYS.indexOf(to as Weekday);
    if (rest.length || a < 0 || b < 0) return fail(`${part}: days are mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri`);
    if (b < a) return fail(`${part}: a range runs forward through the week, from mon to sun`);
    for (let i = a; i <= b; i++) picked.add(WEEKDAYS[i]!);
  }
  if (picked.size === 0) return fail("name at least one day");
  return ok(WEEKDAYS.filter((d) => picked.has(d)));
}

/**
 * One opening interval per line: "mon-fri 09:00-17:00", "sat,sun 10:00-14:00". Times are local to the calendar's
 * time zone; an interval that crosses midnight is written as two lines, as the API requires.
 */
export function parseHours(text: string): Parsed<Hours> {
  const out: Hours = [];
  const lines = text.split("\n").map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (!line) continue;
    const where = `line ${i + 1}`;
    const m = /^(\S+)\s+(\S+)\s*-\s*(\S+)$/.exec(line);
    if (!m) return fail(`${where}: write days then times, e.g. mon-fri 09:00-17:00`);
    const d = days(m[1]!);
    if (!d.ok) return fail(`${where}: ${d.error}`);
    const [open, close] = [m[2]!, m[3]!];
    if (!CLOCK.test(open) || !CLOCK.test(close)) return fail(`${where}: times are HH:MM from 00:00 to 24:00`);
    if (open >= close) return fail(`${where}: opening must be before closing (split an overnight shift into two lines)`);
    out.push({ days: d.value, open, close });
  }
  if (out.length > 50) return fail("at most 50 lines of opening hours");
  return ok(out);
}

/** Consecutive days are written as a range ("mon-fri"), others listed ("mon,wed"). */
function formatDays(list: readonly string[]): string {
  const idx = WEEKDAYS.map((d, i) => (list.includes(d) ? i : -1)).filter((i) => i >= 0);
  const runs: string[] = [];
  for (let k = 0; k < idx.length; ) {
    let j = k;
    while (j + 1 < idx.length && idx[j + 1] === idx[j]! + 1) j++;
    runs.push(j - k >= 2 ? `${WEEKDAYS[idx[k]!]}-${WEEKDAYS[idx[j]!]}` : idx.slice(k, j + 1).map((i) => WEEKDAYS[i]).join(","));
    k = j + 1;
  }
  return runs.join(",");
}

export function formatHours(hours: Hours): string {
  return hours.map((h) => `${formatDays(h.days)} ${h.open}-${h.close}`).join("\n");
}

/** Holidays: one local date (YYYY-MM-DD) per line or comma; sorted, each once, impossible dates refused. */
export function parseDates(text: string): Parsed<string[]> {
  const dates = parseList(text);
  for (const d of dates) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    const t = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
    if (!t || t.toISOString().slice(0, 10) !== d) return fail(`${d}: write dates as YYYY-MM-DD`);
  }
  if (dates.length > 400) return fail("at most 400 holidays");
  return ok(dates.sort());
}

export type Op = Condition["op"];

/** A single scalar as typed: true/false are booleans, numbers are numbers, anything else is text. */
function scalar(raw: string): Scalar {
  const t = raw.trim();
  if (t === "true" || t === "false") return t === "true";
  if (t !== "" && Number.isFinite(Number(t))) return Number(t);
  return t;
}

/** A rule condition's value from its text, in the shape its operator takes: a list for `in`, a number for gte/lte. */
export function parseConditionValue(op: Op, text: string): Parsed<Condition["value"]> {
  if (op === "exists") {
    const t = text.trim();
    if (t === "" || t === "true") return ok(true);
    if (t === "false") return ok(false);
    return fail("exists takes true or false");
  }
  if (op === "in") {
    const items = parseList(text).map(scalar);
    return items.length ? ok(items) : fail("list at least one value, separated by commas");
  }
  if (text.trim() === "") return fail("a value is required");
  const v = scalar(text);
  if ((op === "gte" || op === "lte") && typeof v !== "number") return fail(`${op} compares numbers`);
  return ok(v);
}

export function formatConditionValue(value: Condition["value"]): string {
  if (value === undefined) return "";
  return Array.isArray(value) ? value.map(String).join(", ") : String(value);
}

/** A whole, bounded number from an input, or an error naming the range. */
export function parseWhole(text: string, min: number, max: number): Parsed<number> {
  const n = Number(text.trim());
  if (text.trim() === "" || !Number.isInteger(n) || n < min || n > max) return fail(`a whole number from ${min} to ${max}`);
  return ok(n);
}

/**
 * Field errors from the API (`skills.0.proficiency`) placed on the form control that produced them: the longest
 * known field that is the error's path or a prefix of it. What matches no field is kept under "" for the form.
 */
export function errorsByField(errors: readonly { field: string; message: string }[], fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const owner = fields.filter((f) => e.field === f || e.field.startsWith(`${f}.`)).sort((a, b) => b.length - a.length)[0] ?? "";
    const text = owner === "" && e.field && e.field !== "(root)" ? `${e.field}: ${e.message}` : e.message;
    out[owner] = out[owner] ? `${out[owner]}; ${text}` : text;
  }
  return out;
}

/** The one tag a customer pastes into their site (the widget reads its settings from the tenant's config). */
export function embedSnippet(origin: string, tenantId: string): string {
  const attr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return `<script src="${attr(origin)}/widget.js" data-tenant="${attr(tenantId)}" async></script>`;
}

/** A bounded decimal from an input (scores, thresholds, rates). */
export function parseDecimal(text: string, min: number, max: number): Parsed<number> {
  const n = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(n) || n < min || n > max) return fail(`a number from ${min} to ${max}`);
  return ok(n);
}

/**
 * Runs a form's parsers and collects every error under its field, so all mistakes show at once; `value` is
 * present only when every field parsed.
 */
export function collect<T extends Record<string, Parsed<unknown>>>(parsed: T): { value: { [K in keyof T]: T[K] extends Parsed<infer V> ? V : never } | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const value: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(parsed)) {
    if (p.ok) value[k] = p.value;
    else errors[k] = p.error;
  }
  return { value: Object.keys(errors).length ? null : (value as never), errors };
}

export type Access = "none" | "read" | "write";

/** The scopes a new API key asks for, from the per-resource choice (or everything). */
export function scopesFrom(all: boolean, access: Record<string, Access>): Scope[] {
  if (all) return ["*"];
  return RESOURCES.flatMap((r) => (access[r] === "read" ? [`${r}:read` as const] : access[r] === "write" ? [`${r}:write` as const] : []));
}
