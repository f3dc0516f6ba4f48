import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { useEffect, useRef } from "preact/hooks";
import { formatPlotted, yRange, type Series, type Unit } from "./metrics";
import type { Granularity } from "./range";

const HEIGHT = 170;

/** Tick steps a unit can be read in: whole conversations, and seconds that land on round durations. */
const decades = (steps: number[], from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => steps.map((x) => x * 10 ** (from + i))).flat();
const INCRS: Partial<Record<Unit, number[]>> = {
  count: decades([1, 2, 5], 0, 7),
  seconds: [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800, 604_800],
};
const COLOR = "#0f766e";

/** Axis labels in the tenant's zone: hours for an hourly series, dates otherwise. */
function tickFormat(g: Granularity, tz: string): (u: uPlot, splits: number[]) => string[] {
  const f = new Intl.DateTimeFormat(undefined, g === "hour" ? { timeZone: tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : { timeZone: tz, month: "short", day: "numeric" });
  return (_u, splits) => splits.map((s) => f.format(new Date(s * 1000)));
}

/**
 * One metric over time. A click on the plot picks the bucket under the cursor (uPlot snaps the cursor to the
 * nearest point) and hands its index to `onPick`; from the keyboard, Enter picks the latest bucket.
 */
export function MetricChart(props: { id: string; label: string; unit: Unit; series: Series; granularity: Granularity; tz: string; onPick: (index: number) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const pick = useRef(props.onPick);
  pick.current = props.onPick;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const { x, y } = props.series;
    const bars = props.unit === "count";
    const full = tickFormat(props.granularity, props.tz);
    const when = new Intl.DateTimeFormat(undefined, { timeZone: props.tz, month: "short", day: "numeric", ...(props.granularity === "hour" ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : {}) });
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), props.tz),
      legend: { show: true, live: true },
      cursor: { points: { size: 8 }, drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: () => yRange(props.unit, y) } },
      series: [
        { value: (_u, v) => (v === null || v === undefined ? "—" : when.format(new Date(v * 1000))) },
        {
          label: props.label,
          stroke: COLOR,
          width: 2,
          fill: bars ? "rgba(15,118,110,0.35)" : "rgba(15,118,110,0.08)",
          points: { show: !bars && x.length <= 60, size: 5 },
          spanGaps: false,
          value: (_u, v) => formatPlotted(props.unit, v),
          ...(bars ? { paths: uPlot.paths.bars!({ size: [0.7, 40] }) } : {}),
        },
      ],
      axes: [
        { values: full, stroke: "#475569", grid: { stroke: "#e2e8f0" }, ticks: { stroke: "#cbd5e1" } },
        { values: (_u, splits) => splits.map((v) => formatPlotted(props.unit, v)), ...(INCRS[props.unit] ? { incrs: INCRS[props.unit] } : {}), size: 60, stroke: "#475569", grid: { stroke: "#e2e8f0" }, ticks: { stroke: "#cbd5e1" } },
      ],
      hooks: {
        ready: [
          (u) => {
            u.over.style.cursor = "pointer";
            u.over.addEventListener("click", () => {
              const i = u.cursor.idx;
              if (i !== null && i !== undefined) pick.current(i);
            });
          },
        ],
      },
    };
    const plot = new uPlot(opts, [x, y], el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.series, props.unit, props.granularity, props.tz, props.label]);

  const keys = (e: KeyboardEvent) => {
    if (e.key !== "Enter") return;
    const last = props.series.x.length - 1;
    if (last >= 0) props.onPick(last);
  };

  return <div class="chart-plot" ref={box} data-testid={`chart-${props.id}`} tabIndex={0} aria-label={`${props.label} chart; press Enter for the conversations of the latest bucket`} onKeyDown={keys} />;
}
