/** The one id generator: a short type prefix makes ids self-describing in logs and URLs. */
export type IdPrefix = "ten" | "key" | "agt" | "ctc" | "cnv" | "msg" | "evt" | "ptc";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** The one clock; objects and workers read time only through it so tests and the simulator agree. */
export function now(): number {
  return Date.now();
}
