import { useEffect, useMemo, useState } from "preact/hooks";
import { unwrap } from "../../sdk/rest";
import { api } from "../lib/session";
import { MetricChart } from "./chart";
import { errorText, type Directory, type Loaded } from "./directory";
import { CHANNEL_OPTIONS } from "./labels";
import { formatMetric, hasData, metricNote, METRICS, seriesOf, ShownSummary, ShownTimeseries } from "./metrics";
import { bucketRange, localDate, presetRange, PRESETS, rangeProblem, type Granularity, type Preset, type Range } from "./range";
import { routeHash } from "./route";

/** The filters of the history page as its hash carries them. */
export type HistoryParams = { preset: Preset; from: string; to: string; granularity: Granularity; channel: string; queue: string; agent: string };

export function historyParams(p: Record<string, string>): HistoryParams {
  const preset = (PRESETS.some((x) => x.id === p.preset) ? p.preset : "7d") as Preset;
  const granularity: Granularity = p.granularity === "hour" || p.granularity === "day" ? p.granularity : preset === "today" ? "hour" : "day";
  return { preset, from: p.from ?? "", to: p.to ?? "", granularity, channel: p.channel ?? "", queue: p.queue ?? "", agent: p.agent ?? "" };
}

const filterQuery = (h: HistoryParams) => ({ ...(h.channel ? { channel: h.channel } : {}), ...(h.queue ? { queue: h.queue } : {}), ...(h.agent ? { agent: h.agent } : {}) });

type Report = { summary: ShownSummary; series: ShownTimeseries };

export function HistoryPage(props: { params: Record<string, string>; directory: Directory; tz: string }) {
  const h = historyParams(props.params);
  const today = localDate(Date.now(), props.tz);
  const range: Range = h.preset === "custom" ? { from: h.from || today, to: h.to || today } : presetRange(h.preset, today);
  const problem = rangeProblem(range, h.granularity);
  const [report, setReport] = useState<Loaded<Report>>({ state: "loading" });
  const key = JSON.stringify([range, h.granularity, filterQuery(h)]);

  const go = (next: Partial<HistoryParams>) => {
    const merged = { ...h, ...next };
    // A preset names its own days; only a custom range keeps dates in the hash.
    const dates = merged.preset === "custom" ? { from: merged.from || range.from, to: merged.to || range.to } : { from: "", to: "" };
    location.hash = routeHash("history", { ...merged, ...dates });
  };

  useEffect(() => {
    if (problem) return;
    let live = true;
    setReport((r) => (r.state === "ready" ? r : { state: "loading" }));
    const query = { from: range.from, to: range.to, ...filterQuery(h) };
    Promise.all([
      unwrap(api.v1.analytics.summary.$get({ query })).then((b) => ShownSummary.parse(b)),
      unwrap(api.v1.analytics.timeseries.$get({ query: { ...query, granularity: h.granularity } })).then((b) => ShownTimeseries.parse(b)),
    ]).then(
      ([summary, series]) => live && setReport({ state: "ready", value: { summary, series } }),
      (err: unknown) => live && setReport({ state: "error", message: errorText(err) }),
    );
    return () => {
      live = false;
    };
  }, [key, problem]);

  const drill = (startsMs: number[], index: number) => {
    const bucket = bucketRange(startsMs, index, range);
    location.hash = routeHash("conversations", { ...bucket, ...filterQuery(h) });
  };

  return (
    <section class="dash-page" aria-labelledby="history-title">
      <header class="page-head">
        <h1 id="history-title">History</h1>
        <p class="muted">Times in {props.tz}. Click a point to see the conversations behind it.</p>
      </header>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Period and filters">
        <div class="segmented" role="group" aria-label="Period">
          {PRESETS.map((p) => (
            <button type="button" key={p.id} class={h.preset === p.id ? "on" : ""} aria-pressed={h.preset === p.id} data-testid={`range-${p.id}`} onClick={() => go({ preset: p.id, granularity: p.id === "today" ? "hour" : p.id === "custom" ? h.granularity : "day" })}>
              {p.label}
            </button>
          ))}
        </div>
        <label>
          From
          <input type="date" data-testid="range-from" value={range.from} max={today} onChange={(e) => go({ preset: "custom", from: e.currentTarget.value, to: range.to })} />
        </label>
        <label>
          To
          <input type="date" data-testid="range-to" value={range.to} max={today} onChange={(e) => go({ preset: "custom", from: range.from, to: e.currentTarget.value })} />
        </label>
        <label>
          Per
          <select data-testid="granularity" value={h.granularity} onChange={(e) => go({ granularity: e.currentTarget.value as Granularity })}>
            <option value="hour">Hour</option>
            <option value="day">Day</option>
          </select>
        </label>
        <label>
          Channel
          <select data-testid="filter-channel" value={h.channel} onChange={(e) => go({ channel: e.currentTarget.value })}>
            <option value="">All channels</option>
            {CHANNEL_OPTIONS.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Queue
          <select data-testid="filter-queue" value={h.queue} onChange={(e) => go({ queue: e.currentTarget.value })}>
            <option value="">All queues</option>
            {props.directory.queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Agent
          <select data-testid="filter-agent" value={h.agent} onChange={(e) => go({ agent: e.currentTarget.value })}>
            <option value="">All agents</option>
            {props.directory.agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <a class="button secondary" href={routeHash("conversations", { ...range, ...filterQuery(h) })} data-testid="history-conversations">
          Conversations of this period
        </a>
      </form>
      {problem ? (
        <p class="notice error" role="alert" data-testid="range-error">
          {problem}
        </p>
      ) : report.state === "error" ? (
        <p class="notice error" role="alert">
          The reports could not be loaded: {report.message}
        </p>
      ) : report.state === "loading" ? (
        <p class="notice" aria-busy="true">
          Loading reports…
        </p>
      ) : (
        <Report report={report.value} granularity={h.granularity} tz={props.tz} onPick={drill} />
      )}
    </section>
  );
}

function Report(props: { report: Report; granularity: Granularity; tz: string; onPick: (startsMs: number[], index: number) => void }) {
  const { summary, series } = props.report;
  const shaped = useMemo(() => METRICS.map((m) => ({ m, s: seriesOf(series, m) })), [series]);
  return (
    <>
      <div class="summary-grid" aria-label="Summary of the period">
        {METRICS.map((m) => {
          const note = metricNote(m, summary);
          return (
            <div class="summary" key={m.id}>
              <span class="summary-label">{m.label}</span>
              <strong class="summary-value" data-testid={`summary-${m.id}`}>
                {formatMetric(m, summary)}
              </strong>
              {note && <span class="summary-note">{note}</span>}
            </div>
          );
        })}
      </div>
      {summary.conversations === 0 && <p class="notice">No conversations in this period with these filters.</p>}
      <div class="chart-grid">
        {shaped.map(({ m, s }) => (
          <figure class="chart" key={m.id}>
            <figcaption>
              <strong>{m.label}</strong> <span class="muted">{m.hint}</span>
            </figcaption>
            <MetricChart id={m.id} label={m.label} unit={m.unit} series={s} granularity={props.granularity} tz={props.tz} onPick={(i) => props.onPick(s.startsMs, i)} />
            {!hasData(s, m.unit) && <p class="chart-empty">No data in this period</p>}
          </figure>
        ))}
      </div>
    </>
  );
}
