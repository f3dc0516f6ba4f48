import { z } from "zod";
import { AnalyticsSummary as Summary } from "../../shared/analytics/summary";
import { duration } from "../lib/format";

/**
 * The part of an analytics summary the history page shows. Responses are validated against it alone, so a field
 * the page does not show (transfer rate, occupancy) cannot keep the page from showing the rest.
 */
export const ShownSummary = Summary.pick({
  conversations: true,
  first_response_time_s: true,
  asa_s: true,
  service_level: true,
  abandonment_rate: true,
  aht_s: true,
  fcr_rate: true,
  bot_containment_rate: true,
  csat: true,
  nps: true,
});
export type ShownSummary = z.infer<typeof ShownSummary>;
export const ShownTimeseries = z.object({ tz: z.string(), buckets: z.array(ShownSummary.extend({ start_ms: z.number() })) });
export type ShownTimeseries = z.infer<typeof ShownTimeseries>;

/**
 * The history page's metrics: where each one is in an analytics summary (shared/analytics/summary.ts), its unit,
 * and how it reads. Charts and summary numbers use the same definitions, so a chart and its headline agree.
 */
export type Unit = "count" | "seconds" | "rate" | "csat" | "nps";
export type MetricId = "volume" | "frt" | "asa" | "sl" | "abandonment" | "aht" | "fcr" | "csat" | "nps" | "bot-containment";
export type MetricDef = {
  id: MetricId;
  label: string;
  unit: Unit;
  /** What the metric means, for the chart's caption. */
  hint: string;
  read: (s: ShownSummary) => number | null;
};

export const METRICS: readonly MetricDef[] = [
  { id: "volume", label: "Volume", unit: "count", hint: "Conversations started", read: (s) => s.conversations },
  { id: "frt", label: "First response time", unit: "seconds", hint: "Average time to the first reply (bot or agent)", read: (s) => s.first_response_time_s.avg },
  { id: "asa", label: "Average speed of answer", unit: "seconds", hint: "Average wait in the queue before an agent took it", read: (s) => s.asa_s },
  { id: "sl", label: "Service level", unit: "rate", hint: "Answered within the queue's threshold", read: (s) => s.service_level.value },
  { id: "abandonment", label: "Abandonment", unit: "rate", hint: "Customers who left the queue before an answer", read: (s) => s.abandonment_rate },
  { id: "aht", label: "Average handle time", unit: "seconds", hint: "Time agents held a conversation", read: (s) => s.aht_s },
  { id: "fcr", label: "First contact resolution", unit: "rate", hint: "Resolved without the customer coming back", read: (s) => s.fcr_rate },
  { id: "csat", label: "CSAT", unit: "csat", hint: "Average satisfaction score, 1–5", read: (s) => s.csat.mean },
  { id: "nps", label: "NPS", unit: "nps", hint: "Promoters minus detractors, −100…100", read: (s) => s.nps.score },
  { id: "bot-containment", label: "Bot containment", unit: "rate", hint: "Conversations the bot resolved without an agent", read: (s) => s.bot_containment_rate },
];

/** A value as the chart's y axis plots it: rates in percent, everything else as the API gives it. */
export function plotted(unit: Unit, v: number | null): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  return unit === "rate" ? Math.round(v * 10_000) / 100 : v;
}

/** A plotted value for people, as axis labels, tooltips and headline numbers show it. */
export function formatPlotted(unit: Unit, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return "—";
  switch (unit) {
    case "count":
      return Math.round(v).toLocaleString("en");
    case "seconds":
      // Sub-second and few-second values (a bot's replies) would all read "0s" or "1s" rounded to whole seconds.
      return v < 10 && !Number.isInteger(v) ? `${Number(v.toFixed(1))}s` : duration(v);
    case "rate":
      return `${Number(v.toFixed(1))}%`;
    case "csat":
      return v.toFixed(2).replace(/\.?0+$/, "");
    case "nps":
      return `${v > 0 ? "+" : ""}${Math.round(v)}`;
  }
}

export const formatMetric = (m: MetricDef, s: ShownSummary) => formatPlotted(m.unit, plotted(m.unit, m.read(s)));

/** What a headline adds under its number: how many answers a score stands on, the threshold of the service level. */
export function metricNote(m: MetricDef, s: ShownSummary): string | null {
  if (m.id === "csat") return `${s.csat.responses} ${s.csat.responses === 1 ? "response" : "responses"}${s.csat.satisfied_rate === null ? "" : `, ${Math.round(s.csat.satisfied_rate * 100)}% satisfied`}`;
  if (m.id === "nps") return `${s.nps.responses} ${s.nps.responses === 1 ? "response" : "responses"}`;
  if (m.id === "sl") return s.service_level.threshold_s === null ? "thresholds vary by queue" : `within ${duration(s.service_level.threshold_s)}`;
  if (m.id === "frt" && s.first_response_time_s.p90 !== null) return `p90 ${duration(s.first_response_time_s.p90)}`;
  return null;
}

/** The axis range a unit always shows, so a chart of one good day does not look like a cliff. */
export function yRange(unit: Unit, values: readonly (number | null)[]): [number, number] {
  const seen = values.filter((v): v is number => v !== null);
  const max = seen.length ? Math.max(...seen) : 0;
  const min = seen.length ? Math.min(...seen) : 0;
  switch (unit) {
    case "rate":
      return [0, 100];
    case "csat":
      return [1, 5];
    case "nps":
      return [-100, 100];
    default:
      return [Math.min(0, min), max > 0 ? max * 1.1 : 1];
  }
}

/** uPlot's columns for one metric: x in seconds (uPlot's time scale), y plotted, a gap where there is no value. */
export type Series = { x: number[]; y: (number | null)[]; startsMs: number[] };

export function seriesOf(ts: ShownTimeseries, m: MetricDef): Series {
  return {
    x: ts.buckets.map((b) => b.start_ms / 1000),
    y: ts.buckets.map((b) => plotted(m.unit, m.read(b))),
    startsMs: ts.buckets.map((b) => b.start_ms),
  };
}

/** Whether a series has anything to draw: a chart of only gaps (or of no conversations at all) says so instead. */
export const hasData = (s: Series, unit: Unit) => s.y.some((v) => v !== null && (unit !== "count" || v > 0));
