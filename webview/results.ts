/**
 * Evaluation results panel: one run of one or more scorers over a trace selection.
 *
 * - Header: scorers and selection, status (progress bar while running), started, duration,
 *   traces scored and errors (click: only rows with errors); Re-run, Cancel while running.
 * - Summary: a card per assessment with the run's aggregates, a pass rate (boolean / yes-no,
 *   computed here from the rows), errors, notes and a chart (histogram, pass/fail bars, or
 *   the most common text values). Clicking a bar filters the table to the rows it counts.
 * - Table: one row per trace, virtualized (100,000 rows render only the ~40 in view), sortable
 *   columns, a text filter (matched by the host over full rows), "errors only"; the selected
 *   row's feedbacks, errors with stack traces and scorer output show in the detail pane (the
 *   full row is requested from the host). Enter / double-click open the trace.
 *
 * The host pushes complete snapshots of the columnar table (protocol/runTable; repeatedly while
 * the run is going); sort, filters, selection (by row) and scroll position survive them.
 * Everything shown comes from user code or LLM output: text only, through h().
 */
import "./lib/zodConfig";
import { z } from "zod";
import { formatCount } from "../protocol/format";
import { NO_TRACE_STATE } from "../protocol/scoring";
import { JudgeTraceOpen, ResultsCancel, ResultsCompare, ResultsOpenTrace, ResultsRerun, ResultsRow, ResultsSearch, type ResultsSnapshot } from "../protocol/webview";
import { h, replaceChildren } from "./lib/dom";
import { getUiState, onSnapshot, request, setUiState } from "./lib/vscodeApi";
import { sameSelection, type BarSelection } from "./results/chart";
import { renderDetailBody, renderDetailHead, type RowHead } from "./results/detail";
import { durationText, renderBanners, renderMeta, renderProgress, runTitle, statusPill } from "./results/header";
import { buildModel, type Cell, type Column, type ResultsModel } from "./results/model";
import { RowDetails } from "./results/rowDetails";
import { filterRows, nextSort, sortRows, type SortBy, type SortSpec } from "./results/sortFilter";
import { renderCard } from "./results/summary";
import { gridTemplate, minTableWidth, noRowsYet, renderHeader as renderTableHeader, renderRow, rowDomId } from "./results/table";
import { TextSearch } from "./results/textSearch";
import { jsonText, numberOf, passOf } from "./results/values";
import { VirtualList } from "./traces/virtualList";

const ROW_HEIGHT = 22;

// ─── persisted UI state (never data) ──────────────────────────────────────────

const SortByState = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("trace") }),
  z.object({ kind: z.literal("state") }),
  z.object({ kind: z.literal("duration") }),
  z.object({ kind: z.literal("column"), key: z.string().max(1000) }),
]);
const UiState = z.object({
  v: z.literal(2),
  runId: z.string().nullable(),
  sort: z.object({ by: SortByState, dir: z.enum(["asc", "desc"]) }).nullable(),
  filter: z.string().max(1000),
  errorsOnly: z.boolean(),
  /** The selected row's index in the run's table. */
  selected: z.number().int().min(0).nullable(),
  summaryOpen: z.boolean(),
  scrollTop: z.number(),
});
type UiState = z.infer<typeof UiState>;
const saved = getUiState(UiState);

// ─── state ────────────────────────────────────────────────────────────────────

/** A chart or card selection that filters the table: a bar, or the errors of one column. */
type CellSelection = BarSelection | { t: "error"; label: string };

let snap: ResultsSnapshot | null = null;
let model: ResultsModel = buildModel(null, null);
let sorted: number[] = [];
let visible: number[] = [];
let sort: SortSpec | null = saved?.sort ?? null;
let filterText = saved?.filter ?? "";
/** Rows matching filterText (from the host); null: no text filter (or its first answer is pending). */
let matches: Uint8Array | null = null;
let errorsOnly = saved?.errorsOnly ?? false;
let cellFilter: { key: string; sel: CellSelection } | null = null;
let selectedRow: number | null = saved?.selected ?? null;
/** The run (and its status) the table belongs to: full rows are kept while it stays the same. */
let tableKey = "";
let summaryOpen = saved?.summaryOpen ?? true;
let pendingScrollTop: number | null = saved?.scrollTop ?? null;
let cancelling = false;
let rerunning = false;
let actionMessage: { text: string; error: boolean } | null = null;
let actionTimer = 0;
let tickTimer = 0;

// ─── static skeleton ──────────────────────────────────────────────────────────

const app = document.getElementById("app") as HTMLElement;

const titleEl = h("h1", { class: "rs-title", id: "run-title" });
const selectionEl = h("span", { class: "rs-selection", id: "run-selection" });
const statusSlot = h("span", { class: "rs-status-slot" });
const rerunBtn = h("button", { type: "button", class: "secondary", id: "rerun", title: "Run the same scorers on the same selection again" }, "↻ Re-run");
const cancelBtn = h("button", { type: "button", class: "secondary", id: "cancel", title: "Stop the run; traces scored so far are kept" }, "■ Cancel");
const compareBtn = h("button", { type: "button", class: "secondary", id: "compare-previous", title: "Compare this run with the previous run of the same scorers: aggregate deltas and flipped rows" }, "⇄ Compare with previous");
/** "Δ mean −0.12 · errors +1 vs the previous run" */
const deltaEl = h("span", { class: "rs-delta", id: "delta" });
const metaEl = h("div", { class: "rs-meta", id: "meta" });
const progressSlot = h("div", { class: "rs-progress-slot" });
const actionEl = h("div", { class: "rs-action-msg", id: "action-message", role: "status" });
const headerEl = h(
  "header",
  { class: "rs-header" },
  h("div", { class: "rs-titlebar" }, titleEl, selectionEl, statusSlot, h("span", { class: "rs-actions" }, compareBtn, rerunBtn, cancelBtn)),
  deltaEl,
  metaEl,
  progressSlot,
  actionEl,
);
const messageEl = h("div", { class: "rs-message", id: "message", role: "alert" });

const summaryToggle = h("button", { type: "button", class: "rs-section-toggle", id: "summary-toggle", "aria-controls": "cards" });
const cardsEl = h("div", { class: "rs-cards", id: "cards" });
const summaryEl = h("section", { class: "rs-summary", id: "summary", "aria-label": "Summary" }, summaryToggle, cardsEl);

const filterInput = h("input", {
  type: "search",
  id: "filter",
  class: "rs-filter",
  spellcheck: "false",
  autocomplete: "off",
  placeholder: "Filter rows: trace, value, rationale…",
  "aria-label": "Filter rows by trace name or id, values, rationales and error messages",
});
const errorsOnlyBtn = h("button", { type: "button", class: "rs-toggle", id: "errors-only", "aria-pressed": "false" });
const chipSlot = h("span", { class: "rs-chip-slot" });
const rowCountEl = h("span", { class: "rs-row-count muted", id: "row-count", "aria-live": "polite" });
const toolbarEl = h("div", { class: "rs-toolbar", id: "toolbar", role: "toolbar", "aria-label": "Table" }, filterInput, errorsOnlyBtn, chipSlot, rowCountEl);

const theadEl = h("div", { class: "rs-thead", role: "row" });
const spacer = h("div", { class: "rs-spacer", role: "presentation" });
const tableEl = h("div", { class: "rs-table", id: "table", role: "grid", tabindex: "0", "aria-label": "Results, one row per trace" }, theadEl, spacer);
const tableEmptyEl = h("div", { class: "rs-table-empty", id: "table-empty" });
const tableWrap = h("div", { class: "rs-table-wrap" }, tableEl, tableEmptyEl);
const detailEl = h("aside", { class: "rs-detail", id: "detail", "aria-label": "Selected trace" });
const mainEl = h("div", { class: "rs-main" }, tableWrap, detailEl);
const emptyEl = h("div", { class: "rs-empty", id: "empty" });
const tipEl = h("div", { class: "rs-tip", id: "tip", role: "tooltip", "aria-live": "polite" });

const vl = new VirtualList<number>({
  scroller: tableEl,
  spacer,
  rowHeight: ROW_HEIGHT,
  threshold: 150,
  overscan: 12,
  render: (ri, pos) => renderRow(model, ri, ri === selectedRow, pos % 2 === 1),
  patch: (el, ri) => {
    const sel = ri === selectedRow;
    el.classList.toggle("selected", sel);
    el.setAttribute("aria-selected", sel ? "true" : "false");
  },
});

// ─── helpers ──────────────────────────────────────────────────────────────────

function selectedRowIndex(): number {
  return selectedRow !== null && selectedRow < model.rowCount ? selectedRow : -1;
}

const details = new RowDetails(
  (index) => request(ResultsRow, { index }),
  (index) => {
    if (index === selectedRowIndex()) renderDetailPane();
  },
);

const search = new TextSearch(
  async (text) => (await request(ResultsSearch, { text })).rows,
  (m, user) => {
    matches = m;
    applyFilters(user);
  },
  (e) => {
    reportError("Filter", e);
    renderToolbar();
  },
);

function flash(text: string, error = false): void {
  actionMessage = { text, error };
  clearTimeout(actionTimer);
  actionTimer = window.setTimeout(
    () => {
      actionMessage = null;
      renderAction();
    },
    error ? 8000 : 3000,
  );
  renderAction();
}

function reportError(what: string, e: unknown): void {
  flash(`${what} failed: ${e instanceof Error ? e.message : String(e)}`, true);
}

function renderAction(): void {
  actionEl.hidden = actionMessage === null;
  actionEl.className = `rs-action-msg${actionMessage?.error ? " error" : ""}`;
  actionEl.textContent = actionMessage?.text ?? "";
}

// ─── header ───────────────────────────────────────────────────────────────────

function renderHeader(): void {
  const run = snap?.run ?? null;
  headerEl.hidden = run === null;
  if (!run || !snap) return;
  titleEl.textContent = runTitle(run);
  titleEl.title = run.scorers.map((s) => `${s.name} — ${s.file}`).join("\n");
  selectionEl.textContent = run.selectionLabel ? `on ${run.selectionLabel}` : "";
  replaceChildren(statusSlot, statusPill(run));
  const running = run.status === "running";
  cancelBtn.hidden = !running;
  cancelBtn.disabled = cancelling;
  cancelBtn.textContent = cancelling ? "Cancelling…" : "■ Cancel";
  rerunBtn.disabled = running || rerunning;
  const prev = snap.previous;
  compareBtn.hidden = prev === null;
  deltaEl.hidden = prev === null;
  deltaEl.textContent = prev ? `${prev.delta ?? "no change in the first aggregate or errors"} vs the previous run (${new Date(prev.startedMs).toLocaleTimeString()})` : "";
  rerunBtn.title = running ? "The run is still going: cancel it or wait for it to finish" : "Run the same scorers on the same selection again";
  replaceChildren(metaEl, ...renderMeta({ run, progress: snap.progress, nowMs: Date.now(), errorRows: model.errorRows, errorsOnly }, toggleErrorsOnly));
  replaceChildren(progressSlot, renderProgress(run, snap.progress));
  clearInterval(tickTimer);
  if (running) {
    tickTimer = window.setInterval(() => {
      const d = document.querySelector("#duration");
      const r = snap?.run;
      if (d && r) d.lastChild?.replaceWith(document.createTextNode(durationText(r, Date.now())));
    }, 1000);
  }
}

function renderMessage(): void {
  const run = snap?.run ?? null;
  const allFailed = model.errorFeedbacks > 0 && model.columns.every((c) => c.stats.present === c.stats.errors);
  const parts = run ? renderBanners(run, snap?.message ?? null, allFailed) : [];
  messageEl.hidden = parts.length === 0;
  replaceChildren(messageEl, ...parts);
}

// ─── summary ──────────────────────────────────────────────────────────────────

function cellTest(sel: CellSelection): (f: Cell) => boolean {
  switch (sel.t) {
    case "error":
      return (f) => f.error !== null;
    case "pass":
      return (f) => f.error === null && passOf(f.value) === sel.value;
    case "text":
      return (f) => f.error === null && (typeof f.value === "string" ? f.value : jsonText(f.value)) === sel.value;
    case "range":
      return (f) => {
        if (f.error) return false;
        const n = numberOf(f.value);
        if (n === null) return false;
        return (sel.first || n >= sel.lo) && (sel.last || n < sel.hi);
      };
  }
}

/** Shows the shared chart tooltip above `anchor` (below when there is no room); null hides it. */
function showTip(anchor: HTMLElement | null, lines: string[]): void {
  if (!anchor) {
    tipEl.hidden = true;
    return;
  }
  replaceChildren(tipEl, ...lines.map((l, i) => h("div", { class: i === 0 ? "rs-tip-title" : "rs-tip-line" }, l)));
  tipEl.hidden = false;
  const a = anchor.getBoundingClientRect();
  const t = tipEl.getBoundingClientRect();
  const left = Math.max(4, Math.min(window.innerWidth - t.width - 4, a.left + a.width / 2 - t.width / 2));
  const above = a.top - t.height - 6;
  tipEl.style.left = `${Math.round(left)}px`;
  tipEl.style.top = `${Math.round(above >= 4 ? above : a.bottom + 6)}px`;
}

function setCellFilter(next: { key: string; sel: CellSelection } | null): void {
  const same = next && cellFilter && next.key === cellFilter.key && JSON.stringify(next.sel) === JSON.stringify(cellFilter.sel);
  cellFilter = same ? null : next;
  tipEl.hidden = true;
  renderSummary();
  applyFilters(true);
}

function renderSummary(): void {
  const n = model.columns.length;
  const run = snap?.run ?? null;
  summaryEl.hidden = run === null || n === 0;
  replaceChildren(
    summaryToggle,
    h("span", { class: "rs-twisty", "aria-hidden": "true" }, summaryOpen ? "▾" : "▸"),
    "Summary",
    h("span", { class: "muted" }, ` · ${n} assessment${n === 1 ? "" : "s"}`),
    snap?.partial ? h("span", { class: "muted rs-partial-note", id: "summary-partial" }, ` · from the first ${formatCount(model.rowCount)} rows, loading the rest…`) : null,
  );
  summaryToggle.setAttribute("aria-expanded", summaryOpen ? "true" : "false");
  cardsEl.hidden = !summaryOpen;
  if (!summaryOpen) return;
  const cards = model.columns.map((c, ci) =>
    renderCard(model, ci, {
      tip: showTip,
      isSelected: (sel) => cellFilter !== null && cellFilter.key === c.key && cellFilter.sel.t !== "error" && sameSelection(cellFilter.sel, sel),
      select: (sel) => setCellFilter({ key: c.key, sel }),
      showErrors: (col: Column) => setCellFilter({ key: col.key, sel: { t: "error", label: `${col.name} errors` } }),
    }),
  );
  replaceChildren(cardsEl, ...cards);
}

// ─── toolbar and table ────────────────────────────────────────────────────────

function renderToolbar(): void {
  const total = model.rowCount;
  errorsOnlyBtn.setAttribute("aria-pressed", errorsOnly ? "true" : "false");
  errorsOnlyBtn.classList.toggle("active", errorsOnly);
  replaceChildren(
    errorsOnlyBtn,
    h("span", { class: "rs-toggle-box", "aria-hidden": "true" }, errorsOnly ? "✓" : ""),
    "Errors only",
    h("span", { class: `rs-count-badge${model.errorRows > 0 ? " has-errors" : ""}` }, formatCount(model.errorRows)),
  );
  errorsOnlyBtn.title = "Show only traces where a scorer failed";
  if (cellFilter) {
    const clear = h("button", { type: "button", class: "rs-chip-clear", "aria-label": "Clear the chart filter", title: "Clear the chart filter" }, "✕");
    clear.addEventListener("click", () => setCellFilter(null));
    replaceChildren(chipSlot, h("span", { class: "rs-chip", id: "chart-filter" }, h("span", { class: "rs-chip-text" }, cellFilter.sel.label), clear));
  } else replaceChildren(chipSlot);
  const run = snap?.run;
  const partial =
    run?.status === "running"
      ? ` · partial: ${formatCount(total)} of ${formatCount(Math.max(run.traceCount, snap?.progress?.total ?? 0))} scored so far`
      : snap?.partial
        ? ` · loading the rest of ${formatCount(Math.max(run?.scoredCount ?? 0, total))}…`
        : "";
  rowCountEl.textContent =
    search.pendingText !== null
      ? `Filtering ${formatCount(total)} rows…`
      : visible.length === total
        ? `${formatCount(total)} row${total === 1 ? "" : "s"}${partial}`
        : `${formatCount(visible.length)} of ${formatCount(total)} rows${partial}`;
}

function renderTableEmpty(): void {
  const run = snap?.run ?? null;
  const empty = visible.length === 0;
  tableEl.hidden = empty;
  tableEmptyEl.hidden = !empty;
  if (!empty || !run) return;
  if (model.rowCount === 0) {
    replaceChildren(tableEmptyEl, ...noRowsYet(run));
    return;
  }
  const clear = h("button", { type: "button", class: "secondary", id: "clear-filters" }, "Clear filters");
  clear.addEventListener("click", () => {
    filterInput.value = "";
    setFilterText("");
    errorsOnly = false;
    cellFilter = null;
    renderSummary();
    renderHeader();
    applyFilters(true);
  });
  replaceChildren(tableEmptyEl, h("p", { class: "rs-empty-title" }, "No rows match."), h("p", { class: "muted" }, "Change the filter or show all rows."), clear);
}

let measureCtx: CanvasRenderingContext2D | null = null;
/** The width of a header label in the header font (canvas text metrics; ~7 px a character without). */
function labelWidth(text: string): number {
  if (!measureCtx) {
    measureCtx = document.createElement("canvas").getContext("2d");
    if (measureCtx) measureCtx.font = `600 12px ${getComputedStyle(document.body).fontFamily}`;
  }
  return measureCtx ? measureCtx.measureText(text).width : text.length * 7;
}

function renderThead(): void {
  tableEl.style.setProperty("--rs-cols", gridTemplate(model.columns, labelWidth));
  tableEl.style.setProperty("--rs-min-w", `${minTableWidth(model.columns, labelWidth)}px`);
  replaceChildren(theadEl, ...renderTableHeader(model.columns, sort));
  tableEl.setAttribute("aria-rowcount", String(visible.length + 1));
  tableEl.setAttribute("aria-colcount", String(model.columns.length + 3));
}

function rowHead(i: number): RowHead {
  const t = model.table;
  return {
    index: i,
    traceId: t.traceIds[i] as string,
    traceName: t.traceNames[i] as string,
    traceState: t.traceStates[i] as string,
    durationMs: t.durationsMs[i] as number,
    datasetRow: t.datasetRows[i] ?? null,
  };
}

function renderDetailPane(): void {
  const i = selectedRowIndex();
  if (i < 0) {
    replaceChildren(detailEl, ...renderDetailHead(null, { openTrace: () => undefined }));
    return;
  }
  replaceChildren(detailEl, ...renderDetailHead(rowHead(i), { openTrace: () => openTrace(i) }), renderDetailBody(details.get(i), { openJudgeTrace }));
}

function updateActiveDescendant(): void {
  const i = selectedRowIndex();
  if (i >= 0 && document.getElementById(rowDomId(i))) tableEl.setAttribute("aria-activedescendant", rowDomId(i));
  else tableEl.removeAttribute("aria-activedescendant");
}

/**
 * Re-applies the filters to the sorted order. `userChange`: the person changed a filter, so
 * scroll to the top and, if the selected row is filtered out, select the first one left.
 */
function applyFilters(userChange: boolean): void {
  const col = cellFilter ? model.columns.findIndex((c) => c.key === cellFilter?.key) : -1;
  if (cellFilter && col < 0) cellFilter = null;
  visible = filterRows(sorted, model, { matches: matches && matches.length === model.rowCount ? matches : null, errorsOnly, cell: cellFilter && col >= 0 ? { col, test: cellTest(cellFilter.sel) } : null });
  vl.setItems(visible);
  if (userChange) {
    tableEl.scrollTop = 0;
    vl.refresh();
    const sel = selectedRowIndex();
    if (visible.length > 0 && (sel < 0 || !visible.includes(sel))) {
      selectedRow = visible[0] as number;
      vl.refreshState();
      renderDetailPane();
    }
  }
  tableEl.setAttribute("aria-rowcount", String(visible.length + 1));
  renderToolbar();
  renderTableEmpty();
  updateActiveDescendant();
  saveUi();
}

function applySort(): void {
  sorted = sortRows(model, sort);
  renderThead();
  applyFilters(false);
  const pos = visible.indexOf(selectedRowIndex());
  if (pos >= 0) ensureVisible(pos);
}

// ─── selection and actions ────────────────────────────────────────────────────

/** Scrolls the least needed to show row `pos` entirely, below the sticky column header. */
function ensureVisible(pos: number): void {
  if (pos < 0 || pos >= visible.length) return;
  const head = theadEl.offsetHeight;
  const top = spacer.offsetTop + pos * vl.rowHeight;
  if (top - head < tableEl.scrollTop) vl.scrollToRow(pos, -head);
  else vl.ensureVisible(pos);
}

function select(pos: number, scroll = true): void {
  if (visible.length === 0) return;
  const p = Math.max(0, Math.min(visible.length - 1, pos));
  const ri = visible[p] as number;
  if (scroll) ensureVisible(p);
  if (ri === selectedRow) return;
  selectedRow = ri;
  vl.refreshState();
  updateActiveDescendant();
  renderDetailPane();
  detailEl.scrollTop = 0;
  saveUi();
}

/** Opens the trace of table row `i` (rows of deleted traces and dataset rows without one can't). */
function openTrace(i: number): void {
  const r = rowHead(i);
  if (r.traceState === "DELETED") {
    flash("That trace was deleted from the store.", true);
    return;
  }
  if (r.traceState === NO_TRACE_STATE) {
    flash(`This result is for dataset row ${r.datasetRow ?? "?"}, which has no trace.`, true);
    return;
  }
  request(ResultsOpenTrace, { traceId: r.traceId }).catch((e: unknown) => reportError("Open trace", e));
}

/** Opens the trace of an LLM judge's call in the trace panel. */
function openJudgeTrace(traceId: string): void {
  request(JudgeTraceOpen, { traceId }).catch((e: unknown) => reportError("Open judge trace", e));
}

function setFilterText(text: string): void {
  filterText = text;
  search.run(text, model.rowCount, true);
  renderToolbar();
}

function toggleErrorsOnly(): void {
  errorsOnly = !errorsOnly;
  renderHeader();
  applyFilters(true);
  tableEl.focus({ preventScroll: true });
}

rerunBtn.addEventListener("click", () => {
  rerunning = true;
  renderHeader();
  request(ResultsRerun, {})
    .then(() => flash("Re-run started: it opens in a new tab."))
    .catch((e: unknown) => reportError("Re-run", e))
    .finally(() => {
      rerunning = false;
      renderHeader();
    });
});

compareBtn.addEventListener("click", () => {
  request(ResultsCompare, {}).catch((e: unknown) => reportError("Compare", e));
});

cancelBtn.addEventListener("click", () => {
  cancelling = true;
  renderHeader();
  request(ResultsCancel, {}).catch((e: unknown) => {
    cancelling = false;
    renderHeader();
    reportError("Cancel", e);
  });
});

summaryToggle.addEventListener("click", () => {
  summaryOpen = !summaryOpen;
  renderSummary();
  saveUi();
});

let filterTimer = 0;
filterInput.addEventListener("input", () => {
  clearTimeout(filterTimer);
  // large runs: wait for a pause in typing before scanning 100,000 rows
  filterTimer = window.setTimeout(() => setFilterText(filterInput.value), model.rowCount > 5000 ? 200 : 60);
});
filterInput.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && filterInput.value !== "") {
    e.preventDefault();
    filterInput.value = "";
    setFilterText("");
  } else if (e.key === "ArrowDown" || e.key === "Enter") {
    e.preventDefault();
    clearTimeout(filterTimer);
    if (filterText !== filterInput.value) setFilterText(filterInput.value);
    tableEl.focus();
  }
});
errorsOnlyBtn.addEventListener("click", toggleErrorsOnly);

theadEl.addEventListener("click", (e) => {
  const b = (e.target as Element).closest<HTMLElement>(".rs-sort");
  const id = b?.dataset.sort;
  if (!id) return;
  let by: SortBy;
  if (id === "trace" || id === "state" || id === "duration") by = { kind: id };
  else if (id.startsWith("col:")) by = { kind: "column", key: id.slice(4) };
  else return;
  sort = nextSort(sort, by);
  applySort();
  saveUi();
});

function rowPos(e: Event): number {
  const row = (e.target as Element).closest<HTMLElement>(".rs-row");
  const p = Number(row?.dataset.index);
  return row && Number.isInteger(p) ? p : -1;
}

spacer.addEventListener("click", (e) => {
  const p = rowPos(e);
  if (p < 0) return;
  select(p, false);
  tableEl.focus({ preventScroll: true });
});
spacer.addEventListener("dblclick", (e) => {
  const p = rowPos(e);
  if (p >= 0) openTrace(visible[p] as number);
});

tableEl.addEventListener("keydown", (e) => {
  if (e.target !== tableEl) return;
  const cur = visible.indexOf(selectedRowIndex());
  switch (e.key) {
    case "ArrowDown":
      select(cur + 1);
      break;
    case "ArrowUp":
      if (cur <= 0) {
        filterInput.focus();
        break;
      }
      select(cur - 1);
      break;
    case "PageDown":
      select(cur + vl.pageSize());
      break;
    case "PageUp":
      select(Math.max(0, cur - vl.pageSize()));
      break;
    case "Home":
      select(0);
      break;
    case "End":
      select(visible.length - 1);
      break;
    case "Enter":
      if (selectedRowIndex() >= 0) openTrace(selectedRowIndex());
      break;
    default:
      return;
  }
  e.preventDefault();
});
tableEl.addEventListener("focus", () => {
  if (selectedRowIndex() < 0 && visible.length > 0) select(vl.firstVisible().index, false);
});
tableEl.addEventListener("scroll", () => {
  tipEl.hidden = true;
  saveUi();
}, { passive: true });
cardsEl.addEventListener("scroll", () => (tipEl.hidden = true), { passive: true });

// ─── persistence ──────────────────────────────────────────────────────────────

let saveTimer = 0;
function saveUi(): void {
  clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => {
    const state: UiState = {
      v: 2,
      runId: snap?.run?.runId ?? null,
      sort,
      filter: filterText.slice(0, 1000),
      errorsOnly,
      selected: selectedRow,
      summaryOpen,
      scrollTop: tableEl.scrollTop,
    };
    setUiState(state);
  }, 150);
}

// ─── snapshots ────────────────────────────────────────────────────────────────

function onResults(s: ResultsSnapshot): void {
  const first = snap === null;
  const prevRunId = snap?.run?.runId ?? saved?.runId ?? null;
  snap = s;
  document.body.dataset.theme = s.theme;
  app.setAttribute("aria-busy", "false");

  const run = s.run;
  if (run && prevRunId !== null && run.runId !== prevRunId) {
    // a different run (the UI state belonged to another one): start clean
    sort = null;
    filterText = "";
    filterInput.value = "";
    errorsOnly = false;
    cellFilter = null;
    selectedRow = null;
    pendingScrollTop = null;
  }
  if (run?.status !== "running") cancelling = false;

  const prevRows = model.rowCount;
  model = buildModel(s.table, run);
  const rowCount = model.rowCount;
  // Rows are only ever appended while the run and its status stay the same (first rows → all
  // rows, a running run growing): full rows already fetched and text matches still hold.
  const key = `${run?.runId ?? ""}\u0000${run?.status ?? ""}`;
  if (key !== tableKey || rowCount < prevRows) {
    tableKey = key;
    details.reset();
    matches = null;
    if (filterText.trim() !== "") search.run(filterText, rowCount, false);
  } else if (rowCount !== prevRows && filterText.trim() !== "") {
    // new rows don't match until the host says so
    if (matches) {
      const grown = new Uint8Array(rowCount);
      grown.set(matches.subarray(0, rowCount));
      matches = grown;
    }
    search.run(filterText, rowCount, false);
  }
  if (first) filterInput.value = filterText;

  emptyEl.hidden = run !== null;
  headerEl.hidden = run === null;
  // no rows (yet): no filter box, no detail pane, just what the table area says
  toolbarEl.hidden = run === null || rowCount === 0;
  mainEl.hidden = run === null;
  mainEl.classList.toggle("no-rows", rowCount === 0);
  detailEl.hidden = rowCount === 0;
  if (!run) {
    replaceChildren(
      emptyEl,
      h("p", { class: "rs-empty-title" }, "No results to show"),
      h("p", { class: "muted", id: "empty-message" }, s.message ?? "This run is not available."),
    );
  }

  renderHeader();
  renderMessage();
  renderSummary();
  sorted = sortRows(model, sort);
  renderThead();
  const scrollBefore = tableEl.scrollTop;
  applyFilters(false);
  if (first && pendingScrollTop !== null) {
    tableEl.scrollTop = pendingScrollTop;
    pendingScrollTop = null;
    vl.refresh();
  } else if (!first) {
    tableEl.scrollTop = scrollBefore;
    vl.refresh();
  }
  // no selection yet, or the selected row is gone: the first row, so the detail pane has content
  if (selectedRowIndex() < 0 && visible.length > 0) {
    selectedRow = visible[0] as number;
    vl.refreshState();
  }
  renderDetailPane();
  updateActiveDescendant();
  renderAction();
  saveUi();
}

// ─── boot ─────────────────────────────────────────────────────────────────────

app.classList.add("rs");
replaceChildren(app, headerEl, messageEl, summaryEl, toolbarEl, mainEl, emptyEl, tipEl);
headerEl.hidden = true;
messageEl.hidden = true;
summaryEl.hidden = true;
toolbarEl.hidden = true;
mainEl.hidden = true;
tipEl.hidden = true;
actionEl.hidden = true;
replaceChildren(emptyEl, h("p", { class: "muted" }, "Loading results…"));

onSnapshot("results", (msg) => {
  if (msg.type === "results/snapshot") onResults(msg);
});
