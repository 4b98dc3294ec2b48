/**
 * The aggregate deltas table: per assessment, its pass rate, aggregates ("{assessment}/{agg}")
 * and error count in base and head, the change coloured better/worse, and how many matched
 * rows changed and how. Text only.
 */
import { formatCount } from "../../protocol/format";
import { CHANGE_KINDS, type AggregateDelta, type AssessmentDiff, type RunDiff, type Verdict } from "../../protocol/runDiff";
import { h } from "../lib/dom";
import { formatNum, formatPct, formatPp, formatSigned, kindClass, KIND_LABEL, verdictClass } from "./format";

interface MetricRow {
  metric: string;
  title: string;
  base: string;
  head: string;
  change: string;
  verdict: Verdict;
}

const VERDICT_TITLE: Record<Verdict, string> = {
  better: "Better in head",
  worse: "Worse in head",
  changed: "Changed (no better direction)",
  same: "Same",
  unknown: "Only in one run",
};

function passRateText(s: AssessmentDiff["base"]): string {
  const n = s.passCount + s.failCount;
  return n === 0 ? "—" : `${formatPct(s.passRate)} (${formatCount(s.passCount)}/${formatCount(n)})`;
}

function metricRows(a: AssessmentDiff | undefined, aggs: readonly AggregateDelta[]): MetricRow[] {
  const out: MetricRow[] = [];
  if (a && a.base.passCount + a.base.failCount + a.head.passCount + a.head.failCount > 0) {
    out.push({ metric: "pass rate", title: "Passing values (true, \"yes\") of all pass/fail values", base: passRateText(a.base), head: passRateText(a.head), change: formatPp(a.passRateDelta), verdict: a.passRateVerdict });
  }
  for (const g of aggs) {
    const dir = g.aggregation === "variance" ? " (no better direction)" : a?.lowerIsBetter ? " (lower is better)" : "";
    out.push({ metric: g.aggregation, title: `${g.name}${dir}`, base: formatNum(g.base), head: formatNum(g.head), change: formatSigned(g.delta), verdict: g.verdict });
  }
  if (a && aggs.length === 0 && (a.base.numericCount > 0 || a.head.numericCount > 0)) {
    const d = a.base.mean !== null && a.head.mean !== null ? a.head.mean - a.base.mean : null;
    const verdict: Verdict = d === null ? "unknown" : d === 0 ? "same" : (d > 0) !== a.lowerIsBetter ? "better" : "worse";
    out.push({ metric: "mean", title: "Mean of the numeric values (no aggregate stored)", base: formatNum(a.base.mean), head: formatNum(a.head.mean), change: formatSigned(d), verdict });
  }
  if (a && out.length === 0) {
    const d = a.head.rows - a.base.rows;
    out.push({ metric: "values", title: "Rows with a value (text values have no aggregate)", base: formatCount(a.base.rows), head: formatCount(a.head.rows), change: formatSigned(d), verdict: d === 0 ? "same" : "changed" });
  }
  if (a && (a.base.errorCount > 0 || a.head.errorCount > 0)) {
    out.push({ metric: "errors", title: "Rows where the scorer failed (fewer is better)", base: formatCount(a.base.errorCount), head: formatCount(a.head.errorCount), change: formatSigned(a.errorDelta), verdict: a.errorVerdict });
  }
  return out;
}

function changesCell(a: AssessmentDiff | undefined, rowspan: number, threshold: number): HTMLElement {
  const parts: HTMLElement[] = [];
  const count = (cls: string, n: number, text: string, title?: string) => {
    if (n > 0) parts.push(h("span", { class: `rc-count ${cls}`, title }, `${formatCount(n)} ${text}`));
  };
  for (const k of a ? CHANGE_KINDS : []) {
    if (!a || k === "same") continue;
    if (k !== "changed") {
      count(`k-${kindClass(k)}`, a.changes[k], KIND_LABEL[k]);
      continue;
    }
    const by = `by more than ${formatNum(threshold)}`;
    count("k-worse", a.changedWorse, a.lowerIsBetter ? "higher" : "lower", `Numbers that got worse ${by}`);
    count("k-better", a.changedBetter, a.lowerIsBetter ? "lower" : "higher", `Numbers that got better ${by}`);
    count("k-changed", a.changes.changed - a.changedWorse - a.changedBetter, "changed", "Values that changed with no better/worse direction");
  }
  return h("td", { class: "rc-changes", rowspan: String(rowspan) }, ...(parts.length ? parts : [h("span", { class: "muted" }, a ? "no row changed" : "—")]));
}

export function renderDeltas(diff: RunDiff): HTMLElement {
  const names = [...new Set([...diff.assessments.map((a) => a.name), ...diff.aggregates.map((g) => g.assessment)])];
  const body: HTMLElement[] = [];
  for (const name of names) {
    const a = diff.assessments.find((x) => x.name === name);
    const rows = metricRows(a, diff.aggregates.filter((g) => g.assessment === name));
    if (rows.length === 0) continue;
    rows.forEach((m, i) => {
      body.push(
        h(
          "tr",
          { class: `rc-metric${i === 0 ? " first" : ""}`, "data-assessment": name, "data-metric": m.metric },
          i === 0 ? h("th", { scope: "rowgroup", rowspan: String(rows.length), class: "rc-assessment", title: name }, name) : null,
          h("td", { class: "rc-metric-name", title: m.title }, m.metric),
          h("td", { class: "num" }, m.base),
          h("td", { class: "num" }, m.head),
          // a change too small to show ("±0 pp") is not coloured either
          h("td", { class: `num rc-delta v-${m.change.startsWith("±0") ? "same" : verdictClass(m.verdict)}`, title: VERDICT_TITLE[m.verdict] }, m.change),
          i === 0 ? changesCell(a, rows.length, diff.threshold) : null,
        ),
      );
    });
  }
  if (body.length === 0) return h("p", { class: "muted rc-no-metrics" }, "Neither run has results to compare.");
  return h(
    "table",
    { class: "rc-deltas", id: "deltas" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Assessment"),
        h("th", { scope: "col" }, "Metric"),
        h("th", { scope: "col", class: "num" }, h("span", { class: "rc-tag tag-base" }, "BASE")),
        h("th", { scope: "col", class: "num" }, h("span", { class: "rc-tag tag-head" }, "HEAD")),
        h("th", { scope: "col", class: "num" }, "Change"),
        h("th", { scope: "col" }, "Matched rows that changed"),
      ),
    ),
    h("tbody", {}, ...body),
  );
}
