/**
 * One small SVG chart of a dashboard series over the bucket grid:
 * - "value": the mean assessment value per bucket (a line; auto-scaled axis);
 * - "rates": pass rate and error rate (two lines on a 0–100% axis);
 * - "coverage": eligible traces (pale bars) with the scored ones over them (solid bars).
 * Lines break at empty buckets (an isolated point is a dot). Axes have ticks and labels; the
 * hover guide is moved by the card (setHover). Colours are CSS classes (theme variables).
 */
import type { Bucket, DashboardPoint } from "../../protocol/monitoring";
import { BUCKET_MS, linearScale, niceTicks, num, pct, segmentPath, segments, timeTicks, valueDomain, type Slot } from "./scale";
import { s } from "./svg";

export type ChartKind = "value" | "rates" | "coverage";

export const CHART_HEIGHT = 150;
const M = { left: 46, right: 12, top: 10, bottom: 24 };

interface Metric {
  key: string;
  label: string;
  get: (p: DashboardPoint) => number | null;
}

export const METRICS: Record<Exclude<ChartKind, "coverage">, Metric[]> = {
  value: [{ key: "value", label: "mean value", get: (p) => p.value }],
  rates: [
    { key: "pass", label: "pass rate", get: (p) => p.passRate },
    { key: "error", label: "error rate", get: (p) => p.errorRate },
  ],
};

export interface Chart {
  el: SVGSVGElement;
  /** Left edge and width of the plot area, in px (for mapping the pointer to a slot). */
  plotLeft: number;
  plotWidth: number;
  setHover(i: number | null): void;
}

export function renderChart(kind: ChartKind, slots: readonly Slot[], bucket: Bucket, width: number, label: string): Chart {
  const w = Math.max(200, Math.floor(width));
  const hgt = CHART_HEIGHT;
  const plotW = w - M.left - M.right;
  const plotH = hgt - M.top - M.bottom;
  const n = slots.length;
  const step = BUCKET_MS[bucket];
  const t0 = slots[0]?.t ?? 0;
  const t1 = (slots[n - 1]?.t ?? 0) + step;
  const xt = linearScale(t0, t1, M.left, M.left + plotW);
  const cx = (i: number): number => xt((slots[i]?.t ?? t0) + step / 2);
  const band = plotW / Math.max(1, n);

  const svg = s("svg", { class: `dl-svg k-${kind}`, width: w, height: hgt, viewBox: `0 0 ${w} ${hgt}`, role: "img", "aria-label": label });
  const grid = s("g", { class: "dl-grid" });
  const axisY = s("g", { class: "dl-axis dl-axis-y" });
  const axisX = s("g", { class: "dl-axis dl-axis-x" });
  const marks = s("g", { class: "dl-marks" });
  svg.append(grid, axisY, axisX, marks);

  // ─── y axis ────────────────────────────────────────────────────────────────
  let y = linearScale(0, 1, M.top + plotH, M.top);
  let ticks: number[] = [0, 0.25, 0.5, 0.75, 1];
  let fmt: (v: number) => string = (v) => pct(v);
  if (kind === "value") {
    const d = valueDomain(slots.map((sl) => sl.point?.value ?? null));
    if (d) {
      y = linearScale(d.lo, d.hi, M.top + plotH, M.top);
      ticks = d.ticks;
    }
    fmt = num;
  } else if (kind === "coverage") {
    const max = Math.max(1, ...slots.map((sl) => sl.point?.eligible ?? 0), ...slots.map((sl) => sl.point?.scored ?? 0));
    const d = niceTicks(0, max, 3);
    ticks = d.ticks.filter((v) => Number.isInteger(v));
    y = linearScale(0, d.hi, M.top + plotH, M.top);
    fmt = (v) => num(v);
  }
  for (const v of ticks) {
    const py = Math.round(y(v)) + 0.5;
    grid.append(s("line", { x1: M.left, x2: M.left + plotW, y1: py, y2: py, class: v === ticks[0] ? "dl-baseline" : undefined }));
    axisY.append(s("text", { x: M.left - 6, y: py, "text-anchor": "end", "dominant-baseline": "middle" }, fmt(v)));
  }

  // ─── x axis ────────────────────────────────────────────────────────────────
  for (const tk of timeTicks(t0, t1, Math.max(2, Math.floor(plotW / 56)))) {
    const px = Math.round(xt(tk.t)) + 0.5;
    if (px < M.left || px > M.left + plotW) continue;
    axisX.append(s("line", { x1: px, x2: px, y1: M.top + plotH, y2: M.top + plotH + 4, class: tk.major ? "major" : undefined }));
    if (tk.major) grid.append(s("line", { x1: px, x2: px, y1: M.top, y2: M.top + plotH, class: "dl-vgrid" }));
    const anchor = px - M.left < 20 ? "start" : M.left + plotW - px < 20 ? "end" : "middle";
    axisX.append(s("text", { x: px, y: hgt - 6, "text-anchor": anchor, class: tk.major ? "major" : undefined }, tk.label));
  }

  // ─── marks ─────────────────────────────────────────────────────────────────
  if (kind === "coverage") {
    const bw = Math.max(1, band * 0.8);
    const base = y(0);
    slots.forEach((sl, i) => {
      const p = sl.point;
      if (!p || (p.eligible === 0 && p.scored === 0)) return;
      const x = cx(i) - bw / 2;
      const r = (n2: number): string => (Math.round(n2 * 10) / 10).toString();
      marks.append(s("rect", { class: "dl-bar eligible", x: r(x), width: r(bw), y: r(y(p.eligible)), height: r(base - y(p.eligible)), "data-i": i }));
      marks.append(s("rect", { class: "dl-bar scored", x: r(x), width: r(bw), y: r(y(p.scored)), height: r(Math.max(p.scored > 0 ? 1 : 0, base - y(p.scored))), "data-i": i }));
    });
  } else {
    for (const m of METRICS[kind]) {
      const g = s("g", { class: `dl-series m-${m.key}`, "data-metric": m.key });
      for (const seg of segments(slots, m.get)) {
        if (seg.length === 1) {
          const [i, v] = seg[0] as [number, number];
          g.append(s("circle", { class: "dl-dot", cx: cx(i).toFixed(1), cy: y(v).toFixed(1), r: 2.5, "data-points": 1 }));
        } else g.append(s("path", { class: "dl-line", d: segmentPath(seg, cx, y), "data-points": seg.length }));
      }
      marks.append(g);
    }
  }

  // ─── hover guide ───────────────────────────────────────────────────────────
  const guide = s("line", { class: "dl-guide", y1: M.top, y2: M.top + plotH, x1: 0, x2: 0, visibility: "hidden" });
  const hoverDots = s("g", { class: "dl-hover-dots" });
  svg.append(guide, hoverDots);
  const setHover = (i: number | null): void => {
    hoverDots.replaceChildren();
    const sl = i === null ? undefined : slots[i];
    if (i === null || !sl) {
      guide.setAttribute("visibility", "hidden");
      return;
    }
    const px = cx(i).toFixed(1);
    guide.setAttribute("x1", px);
    guide.setAttribute("x2", px);
    guide.setAttribute("visibility", "visible");
    if (kind === "coverage" || !sl.point) return;
    for (const m of METRICS[kind]) {
      const v = m.get(sl.point);
      if (v !== null) hoverDots.append(s("circle", { class: `dl-hover-dot m-${m.key}`, cx: px, cy: y(v).toFixed(1), r: 4 }));
    }
  };
  return { el: svg, plotLeft: M.left, plotWidth: plotW, setHover };
}
