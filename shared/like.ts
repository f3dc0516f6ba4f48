/**
 * Substring search with SQL LIKE where the user's text is literal: `%`, `_` and the escape character itself are
 * escaped, so "50%" finds "50%" and not "500". Use the pattern with `ESCAPE '\'` (LIKE_ESCAPE).
 */
export const LIKE_ESCAPE = "\\";

export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => LIKE_ESCAPE + ch)}%`;
}
