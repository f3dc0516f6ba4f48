import { z } from "zod";

/** Whether a string names a time zone this runtime knows (Intl throws a RangeError for anything else). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const TimeZone = z.string().min(1).max(64).refine(isTimeZone, "not an IANA time zone");

/** A tenant's NLP settings: relative dates resolve in its time zone; its own order-number formats join the built-in ones. */
export const NlpSettings = z.strictObject({
  timezone: TimeZone.default("UTC"),
  /** Regular-expression sources; each is compiled with the `u` flag and must match an order id as a whole. */
  order_patterns: z
    .array(
      z
        .string()
        .min(1)
        .max(200)
        .refine((src) => {
          try {
            new RegExp(src, "u");
            return true;
          } catch {
            return false;
          }
        }, "not a valid regular expression"),
    )
    .max(20)
    .default([]),
});
export type NlpSettings = z.infer<typeof NlpSettings>;
