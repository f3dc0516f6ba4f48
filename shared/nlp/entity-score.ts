/**
 * Strict entity F1: a predicted entity counts only when a gold entity of the same document has the same
 * type, start and end (the value follows from the span). Micro-averaged over all documents.
 */
import type { Entity } from "./entities";

export type EntityCounts = { truePositives: number; predicted: number; gold: number };

export function entityCounts(gold: Entity[][], predicted: Entity[][]): EntityCounts {
  let truePositives = 0;
  let predictedCount = 0;
  let goldCount = 0;
  const docs = Math.max(gold.length, predicted.length);
  for (let i = 0; i < docs; i++) {
    const g = gold[i] ?? [];
    const p = predicted[i] ?? [];
    goldCount += g.length;
    predictedCount += p.length;
    const open = new Map<string, number>();
    for (const e of g) open.set(key(e), (open.get(key(e)) ?? 0) + 1);
    for (const e of p) {
      const left = open.get(key(e)) ?? 0;
      if (left > 0) {
        truePositives++;
        open.set(key(e), left - 1);
      }
    }
  }
  return { truePositives, predicted: predictedCount, gold: goldCount };
}

const key = (e: Entity) => `${e.type}\u0000${e.start}\u0000${e.end}`;

/** F1 of the strict matches; 1 when there is nothing to find and nothing was found. */
export function entityF1(gold: Entity[][], predicted: Entity[][]): number {
  const c = entityCounts(gold, predicted);
  if (c.gold === 0 && c.predicted === 0) return 1;
  if (c.truePositives === 0) return 0;
  const precision = c.truePositives / c.predicted;
  const recall = c.truePositives / c.gold;
  return (2 * precision * recall) / (precision + recall);
}
