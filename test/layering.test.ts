import { describe, expect, it } from "vitest";

/**
 * The picture of the code is gateway (workers/) → objects/ → shared/, with db/ and connectors/ beside the
 * objects: an arrow back makes an object depend on HTTP concerns, and shared/ must stay plain values in and out.
 */
const sources = {
  objects: import.meta.glob("../objects/**/*.ts", { query: "?raw", import: "default", eager: true }),
  shared: import.meta.glob("../shared/**/*.ts", { query: "?raw", import: "default", eager: true }),
  db: import.meta.glob("../db/**/*.ts", { query: "?raw", import: "default", eager: true }),
  connectors: import.meta.glob("../connectors/**/*.ts", { query: "?raw", import: "default", eager: true }),
} as Record<string, Record<string, string>>;

const forbidden: Record<string, string[]> = {
  objects: ["workers"],
  db: ["workers", "objects", "connectors"],
  connectors: ["workers", "objects"],
  shared: ["workers", "objects", "db", "connectors"],
};

function importsOf(file: string, text: string): string[] {
  const dir = file.split("/").slice(0, -1);
  return [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => {
    const parts = [...dir];
    for (const seg of m[1]!.split("/")) {
      if (seg === "..") parts.pop();
      else if (seg !== ".") parts.push(seg);
    }
    return parts.filter((p) => p !== "..").join("/");
  });
}

describe("layering", () => {
  for (const [layer, files] of Object.entries(sources)) {
    it(`${layer}/ imports nothing from ${forbidden[layer]!.join(", ")}`, () => {
      expect(Object.keys(files).length).toBeGreaterThan(0);
      const arrowsBack = Object.entries(files).flatMap(([file, text]) =>
        importsOf(file, text)
          .filter((target) => forbidden[layer]!.includes(target.split("/")[0]!))
          .map((target) => `${file} → ${target}`),
      );
      expect(arrowsBack).toEqual([]);
    });
  }
});
