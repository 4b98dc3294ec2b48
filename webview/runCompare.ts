/**
 * Run-compare panel: two evaluation runs of the same scorers. The header shows both runs and
 * what makes the comparison questionable; the deltas table shows pass rates, aggregates and
 * errors per assessment (green better, red worse); the list shows the matched rows that
 * flipped (regressions first), filtered by the chips; the detail pane shows the selected row's
 * values and rationales side by side. The diff itself comes from the host (protocol/runDiff).
 */
import "./lib/zodConfig";
import { z } from "zod";
import { formatCount } from "../protocol/format";
import type { FlippedRow, RunDiff } from "../protocol/runDiff";
import { RunCompareOpenRun, RunCompareOpenTrace, RunComparePickBase, RunCompareSetThreshold, RunCompareSwap } from "../protocol/runCompareWebview";
import type { RunCompareSnapshot } from "../protocol/webview";
import { h, replaceChildren } from "./lib/dom";
import { getUiState, onSnapshot, request, setUiState } from "./lib/vscodeApi";
import { renderDeltas } from "./runCompare/deltas";
import { renderDetail } from "./runCompare/detail";
import { FILTER_LABEL, FILTER_TITLE, filterCounts, FILTERS, formatNum, matchesFilter, type RowFilter } from "./runCompare/format";
import { renderBanners, renderHeader } from "./runCompare/header";
import { renderFlippedRow, ROW_HEIGHT } from "./runCompare/rows";
import { VirtualList } from "./traces/virtualList";

const UiState = z.object({ v: z.literal(1), filter: z.enum(FILTERS), selectedKey: z.string().nullable() });
type UiState = z.infer<typeof UiState>;
const saved = getUiState(UiState);

let snapshot: RunCompareSnapshot | null = null;
let filter: RowFilter = saved?.filter ?? "all";
let selectedKey: string | null = saved?.selectedKey ?? null;
let visible: FlippedRow[] = [];
let actionText: { text: string; error: boolean } | null = null;

const app = document.getElementById("app") as HTMLElement;
const headerEl = h("header", { class: "rc-header" });
const bannersEl = h("div", { class: "rc-banners" });
const deltasEl = h("section", { class: "rc-deltas-wrap", "aria-label": "Aggregate deltas" });
const toolbar = h("div", { class: "rc-toolbar" });
const spacer = h("div", { class: "rc-spacer", role: "presentation" });
const rowsEl = h("div", { class: "rc-rows", id: "rows", role: "listbox", tabindex: "0", "aria-label": "Rows that changed" }, spacer);
const emptyEl = h("div", { class: "rc-empty muted", id: "empty" });
const detailEl = h("section", { class: "rc-detail", id: "detail", "aria-label": "Selected row" });

const vl = new VirtualList<FlippedRow>({
  scroller: rowsEl,
  spacer,
  rowHeight: ROW_HEIGHT,
  threshold: 200,
  overscan: 12,
  render: (r, i) => renderFlippedRow(r, i, r.key === selectedKey),
  patch: (el, r) => {
    const sel = r.key === selectedKey;
    el.classList.toggle("selected", sel);
    el.setAttribute("aria-selected", sel ? "true" : "false");
  },
});

function fail(what: string, e: unknown): void {
  actionText = { text: `${what} failed: ${e instanceof Error ? e.message : String(e)}`, error: true };
  renderToolbar();
}

function openTrace(traceId: string): void {
  request(RunCompareOpenTrace, { traceId }).catch((e: unknown) => fail("Open trace", e));
}

const actions = {
  openRun: (runId: string) => void request(RunCompareOpenRun, { runId }).catch((e: unknown) => fail("Open run", e)),
  swap: () => void request(RunCompareSwap, {}).catch((e: unknown) => fail("Swap", e)),
  pickBase: () => void request(RunComparePickBase, {}).catch((e: unknown) => fail("Change base", e)),
};

// ─── toolbar: filter chips, counts, threshold ─────────────────────────────────

function thresholdInput(diff: RunDiff): HTMLElement {
  const input = h("input", { type: "number", id: "threshold", min: "0", step: "0.05", value: String(diff.threshold), "aria-label": "Numeric change threshold" });
  input.addEventListener("change", () => {
    const v = Number(input.value);
    if (!(v >= 0) || input.value.trim() === "") {
      input.value = String(diff.threshold);
      return;
    }
    actionText = { text: "Recomputing…", error: false };
    renderToolbar();
    request(RunCompareSetThreshold, { threshold: v }).catch((e: unknown) => fail("Threshold", e));
  });
  return h("label", { class: "rc-threshold", title: "A number counts as changed when it moves by more than this (absolute)" }, "Numbers changed when |Δ| >", input);
}

function renderToolbar(): void {
  const diff = snapshot?.diff;
  if (!diff) return replaceChildren(toolbar);
  const counts = filterCounts(diff.flipped);
  const chips = FILTERS.map((f) => {
    const b = h(
      "button",
      { type: "button", class: `rc-filter f-${f}${f === filter ? " active" : ""}`, id: `filter-${f}`, "aria-pressed": f === filter ? "true" : "false", title: FILTER_TITLE[f] },
      FILTER_LABEL[f],
      h("span", { class: "rc-filter-count" }, formatCount(counts[f])),
    );
    b.addEventListener("click", () => {
      filter = f;
      renderToolbar();
      applyVisible();
      saveUi();
    });
    return b;
  });
  const r = diff.rows;
  replaceChildren(
    toolbar,
    h("span", { class: "rc-chips-bar", role: "group", "aria-label": "Show rows" }, ...chips),
    h(
      "span",
      { class: "rc-stats", id: "stats" },
      `${formatCount(r.matched)} matched · ${formatCount(r.changed)} changed · ${formatCount(r.onlyBase)} only in base · ${formatCount(r.onlyHead)} only in head`,
    ),
    h("span", { class: "rc-toolbar-right" }, thresholdInput(diff)),
    diff.truncated ? h("span", { class: "rc-note muted", id: "truncated" }, `Listing the first ${formatCount(diff.flipped.length)} of ${formatCount(diff.flippedTotal)} changed rows.`) : null,
    actionText ? h("span", { class: `rc-action-msg${actionText.error ? " error" : ""}`, role: actionText.error ? "alert" : "status" }, actionText.text) : null,
  );
}

// ─── rows and selection ───────────────────────────────────────────────────────

function selectedIndex(): number {
  return selectedKey === null ? -1 : visible.findIndex((r) => r.key === selectedKey);
}

function renderDetailPane(): void {
  const i = selectedIndex();
  replaceChildren(detailEl, ...renderDetail(i >= 0 ? (visible[i] as FlippedRow) : null, openTrace));
  detailEl.scrollTop = 0;
}

function select(index: number, scroll = true): void {
  if (visible.length === 0) return;
  const i = Math.max(0, Math.min(visible.length - 1, index));
  const key = (visible[i] as FlippedRow).key;
  if (key === selectedKey) return;
  selectedKey = key;
  if (scroll) vl.ensureVisible(i);
  vl.refreshState();
  rowsEl.setAttribute("aria-activedescendant", `row-${i}`);
  renderDetailPane();
  saveUi();
}

function applyVisible(): void {
  const diff = snapshot?.diff;
  visible = diff ? diff.flipped.filter((r) => matchesFilter(r, filter)) : [];
  vl.setItems(visible);
  const none = !!diff && visible.length === 0;
  emptyEl.hidden = !none;
  rowsEl.hidden = !diff || none;
  if (none) {
    replaceChildren(
      emptyEl,
      diff.flippedTotal === 0
        ? `No matched row changed between these runs (numbers within ±${formatNum(diff.threshold)}).`
        : `No ${filter === "changed" ? "rows with other changes" : filter}. ${formatCount(diff.flippedTotal)} row${diff.flippedTotal === 1 ? "" : "s"} changed in all.`,
    );
  }
  if (selectedIndex() < 0) {
    selectedKey = null;
    if (visible.length > 0) select(0, true);
    else renderDetailPane();
  } else {
    vl.ensureVisible(selectedIndex());
    renderDetailPane();
  }
}

rowsEl.addEventListener("click", (e) => {
  const row = (e.target as Element).closest<HTMLElement>(".rc-row");
  if (!row) return;
  const i = Number(row.dataset.index);
  if (Number.isInteger(i)) select(i, false);
  rowsEl.focus({ preventScroll: true });
});

rowsEl.addEventListener("keydown", (e) => {
  const i = selectedIndex();
  const moves: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, PageDown: i + vl.pageSize(), PageUp: i - vl.pageSize(), Home: 0, End: visible.length - 1 };
  const to = moves[e.key];
  if (to !== undefined) select(to);
  else if (e.key === "Enter" && i >= 0) {
    const r = visible[i] as FlippedRow;
    const id = r.headTraceId ?? r.baseTraceId;
    if (id) openTrace(id);
  } else return;
  e.preventDefault();
});

// ─── snapshots ────────────────────────────────────────────────────────────────

let saveTimer = 0;
function saveUi(): void {
  clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => setUiState({ v: 1, filter, selectedKey } satisfies UiState), 100);
}

function onRunCompare(s: RunCompareSnapshot): void {
  snapshot = s;
  actionText = null;
  document.body.dataset.theme = s.theme;
  app.setAttribute("aria-busy", "false");
  replaceChildren(headerEl, ...renderHeader(s.diff, { base: s.baseRunId, head: s.headRunId }, actions));
  replaceChildren(bannersEl, ...renderBanners(s.diff, s.message, actions.pickBase));
  bannersEl.hidden = bannersEl.childElementCount === 0;
  deltasEl.hidden = !s.diff;
  detailEl.hidden = !s.diff;
  if (s.diff) replaceChildren(deltasEl, renderDeltas(s.diff));
  renderToolbar();
  applyVisible();
}

replaceChildren(app, headerEl, bannersEl, deltasEl, toolbar, rowsEl, emptyEl, detailEl);
app.classList.add("rc");
for (const el of [deltasEl, rowsEl, emptyEl, detailEl]) el.hidden = true;
replaceChildren(bannersEl, h("p", { class: "muted" }, "Comparing the runs…"));

onSnapshot("runCompare", (msg) => {
  if (msg.type === "runCompare/snapshot") onRunCompare(msg);
});
