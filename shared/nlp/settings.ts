import { z } from "zod";
import { validTimezone } from "../routing/schemas";
import { compileOrderPattern } from "./entities";

export const TimeZone = z.string().min(1).max(64).refine(validTimezone, "not an IANA time zone");

/** A tenant's NLP settings: relative dates resolve in its time zone; its own order-number formats join the built-in ones. */
export const NlpSettings = z.strictObject({
  timezone: TimeZone.default("UTC"),
  /**
   * Regular-expression sources, each matching an order id as a whole. Refused here exactly when entity extraction
   * would refuse to compile them (invalid, back-references, unbounded shapes), so no accepted pattern is ignored.
   */
  order_patterns: z
    .array(z.string().min(1).max(200).refine((src) => compileOrderPattern(src) !== undefined, "not a usable regular expression (invalid, or unbounded)"))
    .max(20)
    .default([]),
}).meta({ id: "NlpSettings" });
export type NlpSettings = z.infer<typeof NlpSettings>;
