/**
 * One scorer/assessment card of the dashboard: a title with coverage totals, and three small
 * multiples over the same time axis (mean value; pass & error rate; coverage). Hovering any of
 * them moves one guide across all three and shows the bucket's numbers in the tooltip; a click
 * (or Enter) on a bucket with data drills down to its traces. ←/→ move between buckets.
 */
import { formatCount } from "../../protocol/format";
import type { Bucket, DashboardSeries } from "../../protocol/monitoring";
import { h } from "../lib/dom";
import { renderChart, type Chart, type ChartKind } from "./chart";
import { bucketGrid, bucketLabel, BUCKET_MS, num, pct, slotAt, type Slot } from "./scale";

export interface CardHooks {
  /** Shows the tooltip next to (x, y) in viewport px; null hides it. */
  tip(at: { x: number; y: number } | null, lines: string[]): void;
  drill(series: DashboardSeries, fromMs: number, toMs: number, label: string): void;
}

const KINDS: Array<{ kind: ChartKind; title: string; legend: Array<[string, string]> }> = [
  { kind: "value", title: "Value", legend: [["value", "mean value"]] },
  {
    kind: "rates",
    title: "Pass & error rate",
    legend: [
      ["pass", "pass rate"],
      ["error", "error rate"],
    ],
  },
  {
    kind: "coverage",
    title: "Coverage",
    legend: [
      ["scored", "scored"],
      ["eligible", "eligible"],
    ],
  },
];

/** The tooltip text of one bucket. */
export function slotLines(sl: Slot, bucket: Bucket): string[] {
  const head = bucketLabel(sl.t, bucket);
  const p = sl.point;
  if (!p) return [head, "no assessments in this bucket"];
  const cover = p.eligible > 0 ? ` (${pct(p.scored / p.eligible)})` : "";
  const lines = [head, `mean value ${num(p.value)}`, `pass rate ${pct(p.passRate)} · error rate ${pct(p.errorRate)}`, `scored ${formatCount(p.scored)} of ${formatCount(p.eligible)} eligible${cover}`];
  if (p.scored > 0) lines.push("Click to list these traces");
  return lines;
}

export function renderCard(sr: DashboardSeries, range: { fromMs: number; toMs: number; bucket: Bucket }, chartWidth: number, hooks: CardHooks): HTMLElement {
  const slots = bucketGrid(sr.points, range.fromMs, range.toMs, range.bucket);
  const scored = sr.points.reduce((n, p) => n + p.scored, 0);
  const eligible = sr.points.reduce((n, p) => n + p.eligible, 0);
  const charts: Chart[] = [];
  let hover: number | null = null;
  const setHover = (i: number | null, at: { x: number; y: number } | null): void => {
    hover = i;
    for (const c of charts) c.setHover(i);
    const sl = i === null ? undefined : slots[i];
    hooks.tip(sl && at ? at : null, sl ? slotLines(sl, range.bucket) : []);
  };
  const drill = (i: number): void => {
    const sl = slots[i];
    if (!sl?.point || sl.point.scored === 0) return;
    hooks.drill(sr, sl.t, sl.t + BUCKET_MS[range.bucket], bucketLabel(sl.t, range.bucket));
  };

  const figures = KINDS.map(({ kind, title, legend }) => {
    const chart = renderChart(kind, slots, range.bucket, chartWidth, `${sr.scorer} ${sr.assessment}: ${title}`);
    charts.push(chart);
    const wrap = h("div", { class: "dl-plot", tabindex: "0", "data-kind": kind, "aria-label": `${title} of ${sr.assessment}: ←/→ read the buckets, Enter lists the traces` });
    wrap.append(chart.el);
    const indexAt = (ev: MouseEvent): number => {
      const r = chart.el.getBoundingClientRect();
      return slotAt(ev.clientX - r.left, chart.plotLeft, chart.plotWidth, slots.length);
    };
    wrap.addEventListener("pointermove", (ev) => setHover(indexAt(ev), { x: ev.clientX, y: ev.clientY }));
    wrap.addEventListener("pointerleave", () => setHover(null, null));
    wrap.addEventListener("click", (ev) => drill(indexAt(ev)));
    wrap.addEventListener("keydown", (ev) => {
      const cur = hover ?? slots.length - 1;
      const to: Record<string, number> = { ArrowLeft: cur - 1, ArrowRight: cur + 1, Home: 0, End: slots.length - 1 };
      const next = to[ev.key];
      if (next !== undefined) {
        const i = Math.max(0, Math.min(slots.length - 1, next));
        const r = chart.el.getBoundingClientRect();
        setHover(i, { x: r.left + chart.plotLeft + ((i + 0.5) / slots.length) * chart.plotWidth, y: r.top + 20 });
      } else if (ev.key === "Enter" && hover !== null) drill(hover);
      else return;
      ev.preventDefault();
    });
    wrap.addEventListener("blur", () => setHover(null, null));
    return h(
      "figure",
      { class: "dl-figure" },
      h(
        "figcaption",
        {},
        h("span", { class: "dl-fig-title" }, title),
        h("span", { class: "dl-legend" }, ...legend.map(([k, text]) => h("span", { class: `dl-key k-${k}` }, h("span", { class: "dl-swatch", "aria-hidden": "true" }), text))),
      ),
      wrap,
    );
  });

  return h(
    "section",
    { class: "dl-card", "data-scorer": sr.scorer, "data-assessment": sr.assessment, "data-slots": String(slots.length) },
    h(
      "header",
      { class: "dl-card-head" },
      h("span", { class: "dl-card-title" }, h("span", { class: "dl-card-scorer" }, sr.scorer), sr.assessment !== sr.scorer ? h("span", { class: "dl-card-assessment" }, ` · ${sr.assessment}`) : null),
      h("span", { class: "dl-card-facts muted" }, `scored ${formatCount(scored)} of ${formatCount(eligible)} eligible${eligible > 0 ? ` (${pct(scored / eligible)})` : ""}`),
    ),
    h("div", { class: "dl-figures" }, ...figures),
  );
}
