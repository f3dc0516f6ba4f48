import { lexiconPhrases } from "./lexicon";
import { HYPER } from "./intent";

let memo: string | null = null;

/**
 * What a trained intent model depends on besides its training lines: the concept lexicon and the training
 * hyper-parameters. A stored model whose fingerprint differs was trained by another build and is retrained from
 * its stored lines, so a lexicon change reaches every tenant without anyone retraining by hand. A change to the
 * feature code alone is not seen here: whoever makes one changes HYPER with it.
 */
export function modelFingerprint(): string {
  if (memo) return memo;
  const text = JSON.stringify([lexiconPhrases(), HYPER]);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  memo = h.toString(16).padStart(8, "0");
  return memo;
}
