/**
 * Charts of the summary cards, in plain DOM (no innerHTML, no inline style attributes: bar
 * sizes are set through CSSOM, which the webview CSP allows):
 * - a histogram of a numeric assessment (bins from stats.histogram), min/max on the axis;
 *   hovering a bar shows its range and count in a tooltip;
 * - horizontal bars for pass/fail (boolean, yes/no) and for the most common text values.
 * Clicking a bar asks the panel to filter the table to the rows it counts.
 */
import { formatCount, formatTokens } from "../../protocol/format";
import { h } from "../lib/dom";
import { binLabel, type Histogram } from "./stats";
import { formatMetric, formatPercent, oneLine, truncate } from "./values";

/** What a click on a bar selects: a value range, pass/fail, or one text value. */
export type BarSelection =
  | { t: "range"; lo: number; hi: number; first: boolean; last: boolean; label: string }
  | { t: "pass"; value: boolean; label: string }
  | { t: "text"; value: string; label: string };

export interface ChartHooks {
  /** Shows the shared tooltip next to `anchor` (null hides it). */
  tip(anchor: HTMLElement | null, lines: string[]): void;
  select(sel: BarSelection): void;
  /** Whether `sel` is the table's current chart filter (drawn highlighted). */
  isSelected(sel: BarSelection): boolean;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;

function sameSelection(a: BarSelection, b: BarSelection): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
export { sameSelection };

/** A histogram of `hist` for assessment `name`. */
export function renderHistogram(name: string, hist: Histogram, hooks: ChartHooks): HTMLElement {
  const bars: HTMLElement[] = hist.bins.map((b, i) => {
    const label = binLabel(hist, i, formatMetric);
    const share = hist.total > 0 ? b.count / hist.total : 0;
    const lines = [`${name}: ${label}`, `${plural(b.count, "trace")} (${formatPercent(share)})`];
    const sel: BarSelection = { t: "range", lo: b.lo, hi: b.hi, first: i === 0, last: i === hist.bins.length - 1, label: `${name} ${label}` };
    const fill = h("span", { class: "rs-bar-fill" });
    // at least a sliver for non-empty bins, so a single trace in a bin is visible
    fill.style.height = b.count === 0 ? "0" : `max(2px, ${((b.count / hist.maxCount) * 100).toFixed(2)}%)`;
    const bar = h(
      "button",
      {
        type: "button",
        class: `rs-bar${b.count === 0 ? " empty" : ""}${hooks.isSelected(sel) ? " active" : ""}`,
        "data-bin": String(i),
        "aria-label": `${label}: ${plural(b.count, "trace")}`,
        tabindex: "-1",
      },
      fill,
    );
    bar.addEventListener("pointerenter", () => hooks.tip(bar, lines));
    bar.addEventListener("focus", () => hooks.tip(bar, lines));
    bar.addEventListener("click", () => {
      if (b.count > 0) hooks.select(sel);
    });
    return bar;
  });
  // keyboard: the plot is one tab stop; ←/→ move between bars (tooltip follows), Enter filters
  const plot = h("div", { class: "rs-hist-plot", tabindex: "0", "aria-label": `${name} histogram: use the arrow keys to read the bins, Enter to filter` }, ...bars);
  let cur = -1;
  const focusBar = (i: number): void => {
    cur = Math.max(0, Math.min(bars.length - 1, i));
    bars.forEach((b, j) => b.classList.toggle("kbd", j === cur));
    const bar = bars[cur] as HTMLElement;
    bar.dispatchEvent(new Event("focus")); // shows its tooltip (announced: the tooltip is a live region)
  };
  plot.addEventListener("keydown", (e) => {
    if (e.key === "ArrowRight") focusBar(cur + 1);
    else if (e.key === "ArrowLeft") focusBar(cur < 0 ? 0 : cur - 1);
    else if (e.key === "Home") focusBar(0);
    else if (e.key === "End") focusBar(bars.length - 1);
    else if ((e.key === "Enter" || e.key === " ") && cur >= 0) bars[cur]?.click();
    else return;
    e.preventDefault();
  });
  plot.addEventListener("focus", () => {
    if (cur < 0) focusBar(Math.max(0, hist.bins.findIndex((b) => b.count > 0)));
    else focusBar(cur);
  });
  plot.addEventListener("blur", () => {
    bars.forEach((b) => b.classList.remove("kbd"));
    hooks.tip(null, []);
  });
  if (hist.bins.length === 1) plot.classList.add("single");
  const axis = h(
    "div",
    { class: "rs-hist-axis" },
    h("span", { class: "rs-axis-min", title: `min ${hist.min}` }, formatMetric(hist.step === 0 ? hist.min : hist.lo)),
    h("span", { class: "rs-axis-mid muted" }, `${plural(hist.total, "value")} · ${hist.bins.length} bin${hist.bins.length === 1 ? "" : "s"}`),
    h("span", { class: "rs-axis-max", title: `max ${hist.max}` }, formatMetric(hist.step === 0 ? hist.max : hist.hi)),
  );
  const yMax = h("span", { class: "rs-hist-ymax muted", "aria-hidden": "true", title: `highest bar: ${formatCount(hist.maxCount)}` }, formatTokens(hist.maxCount));
  return h(
    "div",
    {
      class: "rs-chart rs-hist",
      role: "group",
      "aria-label": `Distribution of ${name}: ${plural(hist.total, "value")} from ${formatMetric(hist.min)} to ${formatMetric(hist.max)}`,
    },
    h("div", { class: "rs-hist-frame" }, yMax, plot),
    axis,
  );
}

interface HBar {
  key: string;
  glyph: string;
  label: string;
  count: number;
  cls: string;
  sel: BarSelection;
}

function renderHBars(name: string, bars: HBar[], total: number, hooks: ChartHooks, cls: string): HTMLElement {
  const max = Math.max(1, ...bars.map((b) => b.count));
  return h(
    "div",
    { class: `rs-chart rs-hbars ${cls}`, role: "group", "aria-label": `${name}: ${bars.map((b) => `${b.label} ${b.count}`).join(", ")}` },
    ...bars.map((b) => {
      const share = total > 0 ? b.count / total : 0;
      const fill = h("span", { class: `rs-hbar-fill ${b.cls}` });
      fill.style.width = b.count === 0 ? "0" : `max(2px, ${((b.count / max) * 100).toFixed(2)}%)`;
      const row = h(
        "button",
        {
          type: "button",
          class: `rs-hbar ${b.cls}${hooks.isSelected(b.sel) ? " active" : ""}${b.count === 0 ? " empty" : ""}`,
          "data-value": b.key,
          title: `${b.label}: ${plural(b.count, "trace")} (${formatPercent(share)}). Click to show only these rows.`,
        },
        h("span", { class: "rs-hbar-label" }, b.glyph ? h("span", { class: `rs-glyph ${b.cls}` }, b.glyph) : null, b.label),
        h("span", { class: "rs-hbar-track" }, fill),
        h("span", { class: "rs-hbar-count" }, `${formatCount(b.count)}`, h("span", { class: "muted" }, ` ${formatPercent(share)}`)),
      );
      row.addEventListener("click", () => {
        if (b.count > 0) hooks.select(b.sel);
      });
      return row;
    }),
  );
}

/** Two bars, pass and fail, for a boolean / yes-no assessment. */
export function renderPassFail(name: string, pass: number, fail: number, hooks: ChartHooks): HTMLElement {
  return renderHBars(
    name,
    [
      { key: "pass", glyph: "✓", label: "pass", count: pass, cls: "pass", sel: { t: "pass", value: true, label: `${name} ✓ pass` } },
      { key: "fail", glyph: "✗", label: "fail", count: fail, cls: "fail", sel: { t: "pass", value: false, label: `${name} ✗ fail` } },
    ],
    pass + fail,
    hooks,
    "rs-pf",
  );
}

/** The most common values of a text assessment (at most `limit` bars, the rest summed up). */
export function renderTopValues(name: string, counts: Map<string, number>, hooks: ChartHooks, limit = 5): HTMLElement {
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const total = sorted.reduce((n, [, c]) => n + c, 0);
  const bars: HBar[] = sorted.slice(0, limit).map(([v, c], i) => ({
    key: `v${i}`,
    glyph: "",
    label: truncate(oneLine(v), 40) || "(empty)",
    count: c,
    cls: "text",
    sel: { t: "text", value: v, label: `${name} = ${truncate(oneLine(v), 40)}` },
  }));
  const el = renderHBars(name, bars, total, hooks, "rs-top");
  if (sorted.length > limit) {
    const rest = sorted.slice(limit).reduce((n, [, c]) => n + c, 0);
    el.append(h("div", { class: "rs-top-more muted" }, `${plural(sorted.length - limit, "other value")} (${plural(rest, "trace")})`));
  }
  return el;
}
