import { createRequire } from "node:module";
import path from "node:path";
import { ROOT } from "./wrangler.ts";

/**
 * nlp.js v4 (@nlpjs/nlp with @nlpjs/lang-en-min and @nlpjs/lang-zh), the reference the built-in classifier is
 * compared with. It is a Node library, so it runs in this Node process, not in workerd; only its accuracy is
 * compared. Untyped CommonJS packages: the slice used here is typed by hand.
 */
type NlpJs = {
  settings: { autoSave: boolean; autoLoad: boolean; calculateSentiment: boolean };
  addLanguage(locale: string): void;
  addDocument(locale: string, utterance: string, intent: string): void;
  train(): Promise<unknown>;
  process(locale: string, utterance: string): Promise<{ intent: string; score: number }>;
};
type Container = { use(plugin: unknown): void; get(name: "nlp"): NlpJs };

const require = createRequire(path.join(ROOT, "package.json"));

const loud = { log: console.log, info: console.info };
let muted = 0;

/**
 * Runs `fn` with console.log/info muted: nlp.js prints every training epoch and the Chinese dictionary build.
 * Counted, so overlapping calls (process() calls in parallel) restore the console only when the last one ends.
 */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  if (muted++ === 0) console.log = console.info = () => {};
  try {
    return await fn();
  } finally {
    if (--muted === 0) Object.assign(console, loud);
  }
}

export type NlpJsModel = { classify(lang: string, text: string): Promise<string>; trainMs: number };

/** Trains one nlp.js NLU over the given lines (its locale is each line's language) with its default settings. */
export async function trainNlpJs(lines: { text: string; intent: string; lang: string }[]): Promise<NlpJsModel> {
  const { containerBootstrap } = require("@nlpjs/core") as { containerBootstrap(): Promise<Container> };
  const { Nlp } = require("@nlpjs/nlp") as { Nlp: unknown };
  const { LangEn } = require("@nlpjs/lang-en-min") as { LangEn: unknown };
  const { LangZh } = require("@nlpjs/lang-zh") as { LangZh: unknown };
  return quietly(async () => {
    const container = await containerBootstrap();
    container.use(Nlp);
    container.use(LangEn);
    container.use(LangZh);
    const nlp = container.get("nlp");
    nlp.settings.autoSave = false;
    nlp.settings.autoLoad = false;
    // Intent only: its sentiment pass would add time to every process() call and is not compared.
    nlp.settings.calculateSentiment = false;
    for (const lang of new Set(lines.map((l) => l.lang))) nlp.addLanguage(lang);
    for (const l of lines) nlp.addDocument(l.lang, l.text, l.intent);
    const t0 = performance.now();
    await nlp.train();
    const trainMs = performance.now() - t0;
    return {
      trainMs,
      classify: (lang, text) => quietly(async () => (await nlp.process(lang, text)).intent),
    };
  });
}
