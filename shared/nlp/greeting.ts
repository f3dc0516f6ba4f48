import { lexiconPhrases } from "./lexicon";

let opening: RegExp | undefined;

/**
 * What follows the salutations a message opens with ("Hello, my order…", "您好，我的快递…"), or null when there are
 * none or nothing much follows. The salutations are the lexicon's greeting concept.
 */
export function afterGreeting(text: string): string | null {
  if (!opening) {
    const { en, zh } = lexiconPhrases();
    const escape = (p: string) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");
    const alternation = (list: [string, { name: string }][], keep: (p: string) => boolean) =>
      list.filter(([p, c]) => c.name === "greet" && keep(p)).map(([p]) => escape(p)).sort((a, b) => b.length - a.length).join("|");
    // English salutations end at a word boundary; Chinese ones need none, except one-character ones ("早", "亲"),
    // which open a sentence as often as they greet and count only before punctuation or a space.
    opening = new RegExp(
      `^[\\s\\p{P}]*(?:(?:${alternation(en, () => true)})(?![\\p{L}\\p{N}])|(?:${alternation(zh, (p) => p.length > 1)})|(?:${alternation(zh, (p) => p.length === 1)})(?=[\\s\\p{P}\\p{S}]))[\\s\\p{P}\\p{S}]*`,
      "iu",
    );
  }
  let rest = text;
  for (let i = 0; i < 3; i++) {
    const m = opening.exec(rest);
    if (!m || m[0].length === 0) break;
    rest = rest.slice(m[0].length);
  }
  if (rest === text) return null;
  const words = rest.match(/[\p{Script=Han}]|[\p{L}\p{N}]+/gu) ?? [];
  return words.length >= 2 ? rest : null;
}
