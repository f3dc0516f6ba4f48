import type { Context } from "hono";
import { validator } from "hono/validator";
import type { z } from "zod";
import { HttpError, invalid } from "./problem";

/**
 * JSON body validation: wrong media type → 415, unparsable → 400, schema mismatch → 422 with
 * field-level errors. Handlers only ever see valid input.
 */
export const jsonBody = <S extends z.ZodType>(schema: S) =>
  validator("json", (value, c: Context) => {
    // Hono only parses JSON media types (and answers 400 for unparsable bodies); anything else lands here unparsed.
    if (!/^application\/([\w.-]+\+)?json$/i.test((c.req.header("content-type") ?? "").split(";")[0]!.trim())) {
      throw new HttpError(415, "unsupported media type", "send application/json");
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw invalid(parsed.error);
    return parsed.data as z.output<S>;
  });

export const queryOf = <S extends z.ZodType>(schema: S) =>
  validator("query", (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw invalid(parsed.error, "invalid query");
    return parsed.data as z.output<S>;
  });

export const paramsOf = <S extends z.ZodType>(schema: S) =>
  validator("param", (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new HttpError(404, "not found", parsed.error.issues[0]?.message);
    return parsed.data as z.output<S>;
  });

