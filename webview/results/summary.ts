/**
 * The summary: one card per assessment with its aggregate metrics ("{assessment}/{agg}"), the
 * pass rate of boolean / yes-no assessments (computed here from the rows), the error count,
 * notes (values excluded, from the server and from the rows) and a distribution chart.
 */
import { formatCount } from "../../protocol/format";
import type { AggregateMetric } from "../../protocol/scoring";
import { h } from "../lib/dom";
import { renderHistogram, renderPassFail, renderTopValues, type ChartHooks } from "./chart";
import { CODE_VALUE, columnNotes, type Column, type ResultsModel } from "./model";
import { histogram, passRate } from "./stats";
import { formatMetric, formatPercent, jsonText } from "./values";

export interface SummaryHooks extends ChartHooks {
  /** Show only the rows where this column has an error. */
  showErrors(col: Column): void;
}

const KIND_LABEL: Record<Column["kind"], string> = { numeric: "numeric", pass: "pass/fail", text: "text", empty: "no values" };

const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;

function tile(label: string, value: string, opts: { title: string; cls?: string; metric?: string; sub?: string }): HTMLElement {
  return h(
    "div",
    { class: `rs-tile${opts.cls ? ` ${opts.cls}` : ""}`, title: opts.title, "data-metric": opts.metric },
    h("span", { class: "rs-tile-label" }, label),
    h("span", { class: "rs-tile-value" }, value),
    opts.sub ? h("span", { class: "rs-tile-sub muted" }, opts.sub) : null,
  );
}

function aggregateTile(a: AggregateMetric): HTMLElement {
  const title = `${a.name} = ${a.value === null ? "no value" : String(a.value)}\n${plural(a.count, "value")} counted${a.note ? `\n${a.note}` : ""}`;
  return tile(a.aggregation, formatMetric(a.value), { title, metric: a.name, cls: "agg" });
}

function textCounts(model: ResultsModel, col: number): Map<string, number> {
  const counts = new Map<string, number>();
  const d = model.columns[col]?.data;
  if (!d) return counts;
  for (let r = 0; r < model.rowCount; r++) {
    if (d.cells.charCodeAt(r) !== CODE_VALUE) continue;
    const value = d.values[r];
    if (value === null || value === undefined || typeof value === "number" || typeof value === "boolean") continue;
    const v = typeof value === "string" ? value : jsonText(value);
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

function chartOf(model: ResultsModel, ci: number, hooks: SummaryHooks): HTMLElement {
  const c = model.columns[ci] as Column;
  const s = c.stats;
  if (c.kind === "numeric") {
    const hist = histogram(s.numbers);
    if (hist) return renderHistogram(c.name, hist, hooks);
  }
  if (c.kind === "pass") return renderPassFail(c.name, s.pass, s.fail, hooks);
  if (c.kind === "text") return renderTopValues(c.name, textCounts(model, ci), hooks);
  const why =
    s.present === 0
      ? "No results yet."
      : s.errors === s.present
        ? `No values: ${s.errors === 1 ? "the scorer call" : `all ${formatCount(s.errors)} scorer calls`} failed.`
        : "No values to chart.";
  return h("div", { class: "rs-chart rs-chart-empty muted" }, why);
}

/**
 * Notes under a card: the server's aggregate notes (the same note of several aggregations
 * once: "2 non-numeric values excluded (mean, median, p90)"), then what the panel excluded
 * from its own chart / pass rate when the server said nothing about it.
 */
export function cardNotes(c: Column): string[] {
  const byNote = new Map<string, string[]>();
  for (const a of c.aggregates) {
    if (!a.note) continue;
    const list = byNote.get(a.note) ?? [];
    list.push(a.aggregation);
    byNote.set(a.note, list);
  }
  const notes = [...byNote].map(([note, aggs]) => (c.aggregates.length > 1 ? `${note} (${aggs.join(", ")})` : note));
  const own = columnNotes(c);
  return notes.length > 0 ? [...notes, ...own.filter((n) => !/excluded/.test(n))] : own;
}

export function renderCard(model: ResultsModel, ci: number, hooks: SummaryHooks): HTMLElement {
  const c = model.columns[ci] as Column;
  const s = c.stats;
  const tiles: HTMLElement[] = c.aggregates.map(aggregateTile);
  if (c.kind === "pass" || (s.pass + s.fail > 0 && c.kind !== "numeric")) {
    const rate = passRate(s);
    tiles.unshift(
      tile("pass rate", formatPercent(rate), {
        title: `Share of ✓ (true / "yes") among ${plural(s.pass + s.fail, "pass/fail value")}; errors excluded`,
        cls: `pass-rate ${rate === null ? "" : rate >= 0.5 ? "good" : "bad"}`,
        sub: `${formatCount(s.pass)} of ${formatCount(s.pass + s.fail)}`,
        metric: `${c.name}/pass_rate`,
      }),
    );
  }
  if (c.kind === "numeric" && c.aggregates.length === 0 && s.numbers.length > 0) {
    // no declared aggregations: a mean computed here, so the card is not empty
    const mean = s.numbers.reduce((a, b) => a + b, 0) / s.numbers.length;
    tiles.push(
      tile("mean", formatMetric(mean), {
        title: `Mean of ${plural(s.numbers.length, "value")}, computed in the panel from the rows (the run has no aggregates${c.aggregates.length ? "" : " for it"} yet)`,
        cls: "agg local",
        sub: "from rows",
      }),
    );
  }
  if (s.errors > 0) {
    const errTile = tile("errors", formatCount(s.errors), {
      title: `${plural(s.errors, "scorer call")} failed for ${c.name}. Click to show them.`,
      cls: "errors has-errors",
      sub: `of ${formatCount(s.present)}`,
    });
    errTile.setAttribute("role", "button");
    errTile.setAttribute("tabindex", "0");
    errTile.addEventListener("click", () => hooks.showErrors(c));
    errTile.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        hooks.showErrors(c);
      }
    });
    tiles.push(errTile);
  }

  const notes = cardNotes(c);
  const from = c.scorers.length > 0 ? `from ${c.scorers.join(", ")}` : "";
  return h(
    "article",
    { class: `rs-card kind-${c.kind}`, "data-key": c.key, "aria-label": `${c.name} summary` },
    h(
      "div",
      { class: "rs-card-head" },
      h("span", { class: "rs-card-name", title: `${c.name}${from ? ` (${from})` : ""}` }, c.name),
      c.source ? h("span", { class: "rs-card-source muted" }, c.source) : null,
      h("span", { class: "rs-card-kind" }, KIND_LABEL[c.kind]),
      h("span", { class: "rs-card-count muted", title: s.errors === 0 && s.present > 0 ? "No errors" : undefined }, plural(s.present - s.errors, "value")),
    ),
    h("div", { class: "rs-tiles" }, ...tiles),
    notes.length > 0 ? h("ul", { class: "rs-notes" }, ...notes.map((n) => h("li", {}, n))) : null,
    chartOf(model, ci, hooks),
  );
}
