import { z } from "zod";
import { countWithin, percentile } from "./bins";
import { METRIC, type Metric } from "./contributions";

/** A rollup cell summed over a period, with the dimensions a service level depends on. */
export type Cell = { metric: string; bin: number; n: number; total: number; queue: string; channel: string };

export const Rate = z.number().min(0).max(1).nullable();
const Seconds = z.number().nonnegative().nullable();
export const Durations = z.object({ avg: Seconds, p50: Seconds, p90: Seconds });

/** The summary contract (issue 8): rates in 0…1, seconds for durations, null where a ratio has no denominator. */
export const AnalyticsSummary = z.object({
  conversations: z.int().nonnegative(),
  first_response_time_s: Durations,
  first_human_response_time_s: Durations,
  asa_s: Seconds,
  /** `threshold_s` is null when the period mixes queues or channels with different thresholds; each wait is still judged by its own. */
  service_level: z.object({ threshold_s: z.number().nullable(), value: Rate }),
  abandonment_rate: Rate,
  aht_s: Seconds,
  fcr_rate: Rate,
  bot_containment_rate: Rate,
  transfer_rate: Rate,
  occupancy: Rate,
  idle_rate: Rate,
  csat: z.object({ responses: z.int().nonnegative(), satisfied_rate: Rate, mean: z.number().nullable() }),
  nps: z.object({ responses: z.int().nonnegative(), score: z.number().min(-100).max(100).nullable() }),
}).meta({ id: "AnalyticsSummary" });
export type AnalyticsSummary = z.infer<typeof AnalyticsSummary>;

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
/** Rates and seconds are rounded for reading; counts stay exact. */
const round = (x: number | null, digits = 4) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);
/** A rate as every analytics response gives it: 0…1 to four places, null without a denominator. */
export const rate = (a: number, b: number) => round(ratio(a, b));
/**
 * A rate whose numerator and denominator are counted at different moments of a conversation (its first transfer
 * or bot resolution, against its first assignment or bot start): in a short bucket the numerator's conversations
 * may have started in an earlier one, so the quotient is capped at 1 rather than reported as an impossible share.
 */
const cohortRate = (a: number, b: number) => round(b > 0 ? Math.min(1, a / b) : null);

export function summarize(cells: readonly Cell[], thresholdOf: (queue: string, channel: string) => number): AnalyticsSummary {
  const sums = new Map<string, { n: number; total: number }>();
  const hist = new Map<string, Map<number, number>>();
  for (const c of cells) {
    const s = sums.get(c.metric) ?? { n: 0, total: 0 };
    s.n += c.n;
    s.total += c.total;
    sums.set(c.metric, s);
    const h = hist.get(c.metric) ?? new Map<number, number>();
    h.set(c.bin, (h.get(c.bin) ?? 0) + c.n);
    hist.set(c.metric, h);
  }
  const n = (m: Metric) => sums.get(m)?.n ?? 0;
  const total = (m: Metric) => sums.get(m)?.total ?? 0;
  const durations = (m: Metric) => {
    const h = hist.get(m) ?? new Map();
    return { avg: round(ratio(total(m), n(m) * 1000), 3), p50: percentile(h, 0.5), p90: percentile(h, 0.9) };
  };

  let withinSl = 0;
  const thresholds = new Set<number>();
  for (const c of cells) {
    if (c.metric !== METRIC.answered && c.metric !== METRIC.abandoned) continue;
    const y = thresholdOf(c.queue, c.channel);
    thresholds.add(y);
    if (c.metric === METRIC.answered) withinSl += countWithin(new Map([[c.bin, c.n]]), y);
  }
  const offered = n(METRIC.answered) + n(METRIC.abandoned);
  const csat = hist.get(METRIC.csat) ?? new Map<number, number>();
  const nps = hist.get(METRIC.nps) ?? new Map<number, number>();
  const npsShare = (lo: number, hi: number) => [...nps].reduce((acc, [score, k]) => acc + (score >= lo && score <= hi ? k : 0), 0);
  const staffed = total(METRIC.staffed);
  return {
    conversations: n(METRIC.conversations),
    first_response_time_s: durations(METRIC.firstResponse),
    first_human_response_time_s: durations(METRIC.firstHumanResponse),
    asa_s: round(ratio(total(METRIC.answered), n(METRIC.answered) * 1000), 3),
    service_level: { threshold_s: thresholds.size === 1 ? [...thresholds][0]! : null, value: round(ratio(withinSl, offered)) },
    abandonment_rate: round(ratio(n(METRIC.abandoned), offered)),
    aht_s: round(ratio(total(METRIC.handle), n(METRIC.handle) * 1000), 3),
    fcr_rate: cohortRate(n(METRIC.fcr), n(METRIC.fcrEligible)),
    bot_containment_rate: cohortRate(n(METRIC.resolvedBot), n(METRIC.botHandled)),
    transfer_rate: cohortRate(n(METRIC.transferred), n(METRIC.assigned)),
    occupancy: round(ratio(total(METRIC.occupied), staffed)),
    idle_rate: round(ratio(total(METRIC.idle), staffed)),
    csat: {
      responses: n(METRIC.csat),
      satisfied_rate: round(ratio((csat.get(4) ?? 0) + (csat.get(5) ?? 0), n(METRIC.csat))),
      mean: round(ratio(total(METRIC.csat), n(METRIC.csat)), 3),
    },
    nps: { responses: n(METRIC.nps), score: n(METRIC.nps) ? round((100 * (npsShare(9, 10) - npsShare(0, 6))) / n(METRIC.nps), 2) : null },
  };
}
