import { z } from "zod";

/** Language detection for the two languages the built-in NLP supports. */
export const Lang = z.enum(["en", "zh"]);
export type Lang = z.infer<typeof Lang>;

const HAN = /\p{Script=Han}/gu;
const LATIN = /\p{Script=Latin}/gu;
// Order numbers, e-mails and links are Latin letters that say nothing about the language of the sentence: runs of
// code-like characters holding a digit, "@" or "://" are left out. One pass over runs, so any input stays linear.
const RUN = /[#@:/.\w-]+/gu;
const CODE = /[\d@]|:\/\//u;

/**
 * One Han character carries about as much as a short English word, so a Chinese sentence with an English
 * word or two in it still has a large share of Han among its letters: 30 % is where Chinese customers
 * writing "我的order还没到" land well above and English with a quoted product name stays below.
 */
export function detectLanguage(text: string): Lang {
  const stripped = text.normalize("NFKC").replace(RUN, (run) => (CODE.test(run) ? " " : run));
  const han = stripped.match(HAN)?.length ?? 0;
  if (han === 0) return "en";
  const latin = stripped.match(LATIN)?.length ?? 0;
  return han / (han + latin) >= 0.3 ? "zh" : "en";
}
