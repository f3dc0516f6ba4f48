import { z } from "zod";

/** The one id generator: a short type prefix makes ids self-describing in logs and URLs. */
export type IdPrefix = "ten" | "key" | "agt" | "ctc" | "cnv" | "msg" | "evt" | "ptc" | "kb" | "kbl" | "whe" | "req" | "aud" | "tkt" | "cnd" | "nte" | "ses";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** The one clock; objects and workers read time only through it so tests and the simulator agree. */
export function now(): number {
  return Date.now();
}

/**
 * What any id a client names may look like (agents, queues, calendars, teams, conversations, offers): printable
 * ASCII that starts with a letter or digit, so it is safe in URLs, object names and logs, and never one of
 * Object.prototype's names, so no lookup anywhere can land on the prototype.
 */
export const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, "ids are letters, digits, '_', '.', ':' and '-', starting with a letter or digit")
  .refine((s) => !(s in Object.prototype), "reserved id");
