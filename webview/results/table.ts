/**
 * The results table's header and rows (rendered by the virtual list). One row per trace: the
 * trace (name, short id — the dataset row for rows without a trace), its state, one cell per
 * assessment, the scorer duration. Values are untrusted: text only, through h().
 */
import { formatDuration } from "../../protocol/format";
import { NO_TRACE_STATE, type EvalRun } from "../../protocol/scoring";
import { h } from "../lib/dom";
import { cellOf, type Column, type ResultsModel } from "./model";
import { sortId, type SortBy, type SortSpec } from "./sortFilter";
import { cellText, shortId } from "./values";

export const STATE_LABEL: Record<string, string> = { OK: "OK", ERROR: "Error", IN_PROGRESS: "Running", DELETED: "Deleted", [NO_TRACE_STATE]: "No trace" };
const STATE_GLYPH: Record<string, string> = { OK: "✓", ERROR: "✕", IN_PROGRESS: "◔", DELETED: "⊘", [NO_TRACE_STATE]: "∅" };

export function stateCell(state: string): HTMLElement {
  const key = state.toLowerCase().replace(/[^a-z_]/g, "");
  return h(
    "span",
    { class: `rs-state st-${key}` },
    h("span", { class: "rs-state-glyph", "aria-hidden": "true" }, STATE_GLYPH[state] ?? "•"),
    STATE_LABEL[state] ?? state,
  );
}

const KIND_MIN: Record<Column["kind"], number> = { pass: 56, numeric: 72, text: 120, empty: 64 };
const KIND_FR: Record<Column["kind"], number> = { pass: 0.5, numeric: 0.8, text: 1.4, empty: 0.5 };
const TRACE_MIN = 170;
const STATE_W = 84;
const DUR_W = 66;

/** A column's minimum width: its header label (measured by `labelWidth`) or its kind's minimum. */
export function columnWidth(c: Column, labelWidth: (text: string) => number): number {
  // padding, sort arrow, and a pixel or two so subpixel text widths never ellipsize
  const label = Math.ceil(labelWidth(headerLabel(c))) + 16 + 12 + 2;
  return Math.min(220, Math.max(KIND_MIN[c.kind], label));
}

/** The CSS grid template of the columns (set through CSSOM on the table). */
export function gridTemplate(columns: readonly Column[], labelWidth: (text: string) => number): string {
  const cols = columns.map((c) => `minmax(${columnWidth(c, labelWidth)}px, ${KIND_FR[c.kind]}fr)`);
  return [`minmax(${TRACE_MIN}px, 2.2fr)`, `${STATE_W}px`, ...cols, `${DUR_W}px`].join(" ");
}

/** The table's minimum width for `columns` (horizontal scroll below it). */
export function minTableWidth(columns: readonly Column[], labelWidth: (text: string) => number): number {
  return TRACE_MIN + STATE_W + DUR_W + columns.reduce((w, c) => w + columnWidth(c, labelWidth), 0);
}

export function headerLabel(c: Column): string {
  return c.source ? `${c.name} (${c.source})` : c.name;
}

function headerCell(label: string, by: SortBy, sort: SortSpec | null, opts: { title: string; numeric?: boolean; cls?: string }): HTMLElement {
  const active = sort !== null && sortId(sort.by) === sortId(by);
  const arrow = active ? (sort.dir === "asc" ? "▲" : "▼") : "";
  const b = h(
    "button",
    { type: "button", class: "rs-sort", "data-sort": sortId(by), title: `${opts.title}\nClick to sort` },
    h("span", { class: "rs-th-label" }, label),
    h("span", { class: "rs-sort-arrow", "aria-hidden": "true" }, arrow),
  );
  return h(
    "div",
    {
      class: `rs-th${opts.numeric ? " num" : ""}${active ? " sorted" : ""}${opts.cls ? ` ${opts.cls}` : ""}`,
      role: "columnheader",
      "aria-sort": active ? (sort.dir === "asc" ? "ascending" : "descending") : "none",
    },
    b,
  );
}

export function renderHeader(columns: readonly Column[], sort: SortSpec | null): HTMLElement[] {
  return [
    headerCell("Trace", { kind: "trace" }, sort, { title: "Trace name and id" }),
    headerCell("State", { kind: "state" }, sort, { title: "The trace's status" }),
    ...columns.map((c) =>
      headerCell(headerLabel(c), { kind: "column", key: c.key }, sort, {
        title: `${c.name} — ${c.kind === "pass" ? "pass/fail" : c.kind}${c.scorers.length ? `\nfrom ${c.scorers.join(", ")} (${c.sourceTypes.join(", ")})` : ""}`,
        numeric: c.kind === "numeric",
        cls: `col kind-${c.kind}`,
      }),
    ),
    headerCell("Time", { kind: "duration" }, sort, { title: "How long the scorers took on this trace", numeric: true }),
  ];
}

export function rowDomId(index: number): string {
  return `rs-row-${index}`;
}

/** The short reference of a row in the trace column: the trace id's start, or the dataset row. */
export function rowRef(traceId: string, traceState: string, datasetRow: number | null): string {
  return traceState === NO_TRACE_STATE && datasetRow !== null ? `row ${datasetRow}` : shortId(traceId);
}

export function renderRow(model: ResultsModel, rowIndex: number, selected: boolean, odd: boolean): HTMLElement {
  const t = model.table;
  const traceId = t.traceIds[rowIndex] as string;
  const traceName = t.traceNames[rowIndex] as string;
  const state = t.traceStates[rowIndex] as string;
  const datasetRow = t.datasetRows[rowIndex] ?? null;
  const cells: HTMLElement[] = [
    h(
      "div",
      { class: "rs-td c-trace", role: "gridcell", title: `${traceName}\n${state === NO_TRACE_STATE ? `dataset row ${datasetRow ?? "?"} (no trace)` : traceId}` },
      h("span", { class: "rs-trace-name" }, traceName || "(unnamed trace)"),
      h("span", { class: "rs-trace-id" }, rowRef(traceId, state, datasetRow)),
    ),
    h("div", { class: "rs-td c-state", role: "gridcell" }, stateCell(state)),
  ];
  model.columns.forEach((c, ci) => {
    const x = cellText(cellOf(model, rowIndex, ci), c.decimals);
    const inner = x.cls === "v-error" ? h("span", { class: "rs-chip-error" }, "error") : x.text;
    cells.push(h("div", { class: `rs-td c-col ${x.cls}`, role: "gridcell", title: `${c.name}: ${x.title}` }, inner));
  });
  cells.push(h("div", { class: "rs-td c-dur num", role: "gridcell" }, formatDuration(t.durationsMs[rowIndex])));
  return h(
    "div",
    {
      class: `rs-row${odd ? " odd" : ""}${selected ? " selected" : ""}${model.rowHasError[rowIndex] ? " has-error" : ""}`,
      role: "row",
      id: rowDomId(rowIndex),
      "data-id": traceId,
      "data-row": String(rowIndex),
      "aria-selected": selected ? "true" : "false",
    },
    ...cells,
  );
}

/** What the table area says when the run has no rows (yet). */
export function noRowsYet(run: EvalRun): HTMLElement[] {
  const none = h("p", { class: "rs-empty-title" }, "No traces were scored.");
  switch (run.status) {
    case "running":
      return [
        h("div", { class: "rs-empty-icon spin", "aria-hidden": "true" }, "◌"),
        h("p", { class: "rs-empty-title" }, "Scoring…"),
        h("p", { class: "muted" }, "Results appear here as traces are scored."),
      ];
    case "failed":
      return [none, h("p", { class: "muted" }, "The run failed before scoring any trace (see above).")];
    case "cancelled":
      return [none, h("p", { class: "muted" }, "The run was cancelled before scoring any trace.")];
    default:
      return [none, h("p", { class: "muted" }, `The selection (${run.selectionLabel || "traces"}) matched no traces. Re-run once there are traces that match.`)];
  }
}
