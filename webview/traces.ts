/**
 * Traces view (a webview *view* in the sidebar, so usually 300–400 px wide): newest traces
 * first, live unless paused, with an MLflow filter_string quick filter, multi-select, compare
 * and delete. The host pushes complete snapshots; rows are keyed by traceId, so selection,
 * keyboard focus and the scroll position survive every snapshot. More than 200 rows are
 * virtualized (load-more can grow the list to thousands).
 */
import "./lib/zodConfig";
import { z } from "zod";
import { formatCount } from "../protocol/format";
import type { TraceListRow } from "../protocol/model";
import { TracesCompare, TracesDelete, TracesSelect, TracesLoadMore, TracesOpen, TracesSetFilter, TracesSetPaused, type TracesSnapshot } from "../protocol/webview";
import { h, replaceChildren } from "./lib/dom";
import { getUiState, onSnapshot, request, setUiState } from "./lib/vscodeApi";
import { renderFilterError, renderHelp } from "./traces/filterHelp";
import { refreshAges, renderRow, rowDomId } from "./traces/rows";
import { VirtualList } from "./traces/virtualList";

const AGE_REFRESH_MS = 30_000;
const DEFAULT_ROW_HEIGHT = 40;

/** UI state only (never trace data), persisted by VS Code across reloads of the view. */
const UiState = z.object({
  v: z.literal(1),
  selected: z.array(z.string()).max(10_000),
  focus: z.string().nullable(),
  scrollTop: z.number(),
  helpOpen: z.boolean(),
  draft: z.string().max(10_000).nullable(),
});
type UiState = z.infer<typeof UiState>;

const saved = getUiState(UiState);

// ─── state ────────────────────────────────────────────────────────────────────

let snap: TracesSnapshot | null = null;
let rows: readonly TraceListRow[] = [];
let indexOf = new Map<string, number>();
const selected = new Set<string>(saved?.selected ?? []);
let anchorId: string | null = saved?.focus ?? null;
let focusId: string | null = saved?.focus ?? null;
let pendingScrollTop: number | null = saved?.scrollTop ?? null;
let helpOpen = saved?.helpOpen ?? false;
/** Optimistic Live/Paused state until the next snapshot confirms it. */
let pausedOverride: boolean | null = null;
let applyingFilter = false;
let loadingMore = false;
let confirmingDelete = false;
let deleting = false;
let actionMessage: { text: string; error: boolean } | null = null;
let actionMessageTimer = 0;
let charWidth = 0;

// ─── static skeleton ──────────────────────────────────────────────────────────

const app = document.getElementById("app") as HTMLElement;

const countEl = h("span", { class: "tv-count", id: "count" });
const liveBtn = h("button", { type: "button", class: "tv-live", id: "live" });
const helpBtn = h(
  "button",
  { type: "button", class: "icon-btn", id: "help-toggle", "aria-controls": "filter-help", "aria-label": "Filter examples", title: "Filter examples" },
  "?",
);
const input = h("input", {
  type: "text",
  id: "filter",
  class: "tv-input",
  spellcheck: "false",
  autocomplete: "off",
  placeholder: "Filter, e.g. trace.status = 'ERROR'",
  "aria-label": "Filter traces (MLflow filter syntax; Enter applies, Escape clears)",
});
const clearBtn = h(
  "button",
  { type: "button", class: "icon-btn tv-clear", id: "filter-clear", title: "Clear filter (Escape)", "aria-label": "Clear filter" },
  "✕",
);
const inputWrap = h("div", { class: "tv-input-wrap" }, input, clearBtn);
const hintEl = h("div", { class: "tv-hint", id: "filter-hint", "aria-live": "polite" });
const errorSlot = h("div", { class: "tv-error-slot" });
const helpSlot = h("div", { class: "tv-help-slot" });
const bannerEl = h("div", { class: "tv-banner", id: "server-message", role: "status" });
const spacer = h("div", { class: "tv-spacer", role: "presentation" });
const listFooter = h("div", { class: "tv-list-footer", id: "list-footer" });
const list = h(
  "div",
  { class: "tv-list", id: "list", role: "listbox", tabindex: "0", "aria-multiselectable": "true", "aria-label": "Traces" },
  spacer,
  listFooter,
);
const emptyEl = h("div", { class: "tv-empty", id: "empty" });
const actions = h("footer", { class: "tv-actions", id: "actions", role: "toolbar", "aria-label": "Selection" });
const measure = h("span", { class: "tv-measure", "aria-hidden": "true" }, "0000000000");

const vl = new VirtualList<TraceListRow>({
  scroller: list,
  spacer,
  rowHeight: DEFAULT_ROW_HEIGHT,
  threshold: 200,
  overscan: 10,
  render: (r) => renderRow(r, { selected: selected.has(r.traceId), focused: r.traceId === focusId, nowMs: Date.now() }),
  patch: (el, r) => {
    const sel = selected.has(r.traceId);
    el.classList.toggle("selected", sel);
    el.classList.toggle("focused", r.traceId === focusId);
    el.setAttribute("aria-selected", sel ? "true" : "false");
  },
});

// ─── rendering ────────────────────────────────────────────────────────────────

function isPaused(): boolean {
  return pausedOverride ?? snap?.paused ?? false;
}

function renderHeader(s: TracesSnapshot): void {
  const n = rows.length;
  if (s.serverMessage && n === 0) {
    countEl.textContent = "Traces";
  } else if (s.filter && !s.filterError) {
    countEl.textContent = `${formatCount(n)}${s.hasMore ? "+" : ""} matching of ${formatCount(s.total)}`;
  } else {
    countEl.textContent = `${formatCount(s.total)} trace${s.total === 1 ? "" : "s"}`;
  }
  const paused = isPaused();
  replaceChildren(liveBtn, h("span", { class: "tv-live-dot", "aria-hidden": "true" }, paused ? "❚❚" : "●"), paused ? "Paused" : "Live");
  liveBtn.classList.toggle("paused", paused);
  liveBtn.setAttribute("aria-pressed", paused ? "false" : "true");
  liveBtn.title = paused
    ? "Paused: the list is not updating. Click to show new traces as they arrive."
    : "Live: new traces appear as they arrive. Click to pause.";
  helpBtn.setAttribute("aria-expanded", helpOpen ? "true" : "false");
  helpBtn.classList.toggle("active", helpOpen);
}

function excerptWidthChars(): number {
  if (!charWidth) charWidth = measure.getBoundingClientRect().width / 10 || 7;
  const w = errorSlot.clientWidth || app.clientWidth - 16;
  return Math.max(12, Math.floor((w - 14) / charWidth));
}

function renderFilterState(): void {
  const s = snap;
  const err = s?.filterError ?? null;
  const draft = input.value.trim();
  inputWrap.classList.toggle("invalid", err !== null);
  input.setAttribute("aria-invalid", err ? "true" : "false");
  if (err) input.setAttribute("aria-describedby", "filter-error");
  else input.removeAttribute("aria-describedby");
  clearBtn.hidden = input.value === "";
  if (err && s) replaceChildren(errorSlot, renderFilterError(s.filter, err, excerptWidthChars()));
  else replaceChildren(errorSlot);
  let hint = "";
  if (applyingFilter) hint = "Filtering…";
  else if (s && draft !== s.filter) hint = draft === "" ? "Press Enter to show all traces" : "Press Enter to apply";
  hintEl.textContent = hint;
  hintEl.hidden = hint === "";
  replaceChildren(helpSlot, helpOpen ? renderHelp(pickExample) : null);
}

function renderBanner(s: TracesSnapshot): void {
  bannerEl.hidden = !(s.serverMessage && rows.length > 0);
  bannerEl.textContent = s.serverMessage ?? "";
}

function emptyContent(s: TracesSnapshot): HTMLElement[] {
  if (s.serverMessage) {
    return [
      h("div", { class: "tv-empty-icon spin", "aria-hidden": "true" }, "◌"),
      h("p", { class: "tv-empty-title" }, s.serverMessage),
      h("p", { class: "muted" }, "Traces will show up here once the server is ready."),
    ];
  }
  if (s.filterError) {
    return [
      h("p", { class: "tv-empty-title" }, "The filter can't be read."),
      h("p", { class: "muted" }, "Fix it above and press Enter, or press Escape to clear it."),
      clearFilterButton(),
    ];
  }
  if (s.filter) {
    return [
      h("p", { class: "tv-empty-title" }, "No traces match this filter."),
      h("pre", { class: "tv-empty-filter" }, s.filter),
      h("p", { class: "muted" }, s.total > 0 ? `${formatCount(s.total)} traces in the store.` : "The store is empty."),
      clearFilterButton(),
    ];
  }
  if (s.total === 0) {
    return [
      h("p", { class: "tv-empty-title" }, "No traces yet"),
      h("p", {}, "Point your app's OpenTelemetry exporter at ScoreLens:"),
      h("pre", { class: "tv-env", id: "otlp-env" }, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:<port>/v1/traces"),
      h("p", { class: "muted" }, "See the status bar for the port (the ScoreLens item). OTLP over HTTP, protobuf or JSON."),
      h(
        "p",
        { class: "muted" },
        isPaused() ? "The view is paused: click Live to see traces as they arrive." : "New traces appear here as they arrive.",
      ),
    ];
  }
  return [h("p", { class: "tv-empty-title" }, "No traces to show.")];
}

function clearFilterButton(): HTMLElement {
  const b = h("button", { type: "button", class: "secondary", id: "empty-clear-filter" }, "Clear filter");
  b.addEventListener("click", () => {
    input.value = "";
    applyFilter();
    input.focus();
  });
  return b;
}

function renderBody(s: TracesSnapshot): void {
  const empty = rows.length === 0;
  list.hidden = empty;
  emptyEl.hidden = !empty;
  if (empty) replaceChildren(emptyEl, ...emptyContent(s));
  let text: string;
  if (s.filter && !s.filterError) text = `${formatCount(rows.length)} matching trace${rows.length === 1 ? "" : "s"}${s.hasMore ? " loaded" : ""}`;
  else text = rows.length < s.total ? `Showing ${formatCount(rows.length)} of ${formatCount(s.total)}` : `All ${formatCount(rows.length)} traces shown`;
  const more = s.hasMore
    ? h("button", { type: "button", class: "secondary tv-load-more", id: "load-more", disabled: loadingMore }, loadingMore ? "Loading…" : "Load more")
    : null;
  more?.addEventListener("click", loadMore);
  replaceChildren(listFooter, h("span", { class: "muted" }, text), more);
}

let reportedSelection = "";
let selectionTimer = 0;
/** Tells the host what is selected (debounced), so "Run on… the selected traces" can use it. */
function reportSelection(): void {
  const key = [...selected].sort().join(",");
  if (key === reportedSelection) return;
  clearTimeout(selectionTimer);
  selectionTimer = window.setTimeout(() => {
    reportedSelection = key;
    void request(TracesSelect, { traceIds: [...selected].slice(0, 10_000) }).catch(() => undefined);
  }, 200);
}

function renderActions(): void {
  reportSelection();
  const n = selected.size;
  if (n === 0 && !actionMessage) {
    actions.hidden = true;
    replaceChildren(actions);
    return;
  }
  actions.hidden = false;
  const msg = actionMessage ? h("span", { class: actionMessage.error ? "tv-action-error" : "tv-action-note", role: "status" }, actionMessage.text) : null;
  if (n === 0) {
    replaceChildren(actions, msg);
    return;
  }
  if (confirmingDelete) {
    const yes = h("button", { type: "button", class: "danger", id: "confirm-delete", disabled: deleting }, deleting ? "Deleting…" : "Delete");
    const no = h("button", { type: "button", class: "secondary", id: "cancel-delete", disabled: deleting }, "Cancel");
    yes.addEventListener("click", () => void confirmDelete());
    no.addEventListener("click", cancelDelete);
    replaceChildren(
      actions,
      h("span", { class: "tv-confirm-text" }, `Delete ${n} trace${n === 1 ? "" : "s"}? This can't be undone.`),
      h("span", { class: "tv-actions-buttons" }, yes, no),
      msg,
    );
    queueMicrotask(() => (deleting ? undefined : yes.focus()));
    return;
  }
  const compare =
    n === 2
      ? h("button", { type: "button", id: "compare", title: "Compare the two selected traces side by side (older on the left)" }, "Compare")
      : null;
  compare?.addEventListener("click", () => void compareSelected());
  const del = h("button", { type: "button", class: "secondary", id: "delete", title: "Delete the selected traces (Delete key)" }, "Delete");
  del.addEventListener("click", startDelete);
  const clear = h("button", { type: "button", class: "icon-btn", id: "clear-selection", title: "Clear selection (Escape)", "aria-label": "Clear selection" }, "✕");
  clear.addEventListener("click", () => {
    selected.clear();
    afterSelectionChange();
  });
  replaceChildren(
    actions,
    h("span", { class: "tv-selected-count", id: "selected-count" }, `${n} selected`),
    h("span", { class: "tv-actions-buttons" }, compare, del, clear),
    msg,
  );
}

function updateActiveDescendant(): void {
  if (focusId && indexOf.has(focusId)) list.setAttribute("aria-activedescendant", rowDomId(focusId));
  else list.removeAttribute("aria-activedescendant");
}

function renderAll(): void {
  if (!snap) return;
  renderHeader(snap);
  renderFilterState();
  renderBanner(snap);
  renderBody(snap);
  renderActions();
}

// ─── persistence ──────────────────────────────────────────────────────────────

let saveTimer = 0;
function saveUi(): void {
  clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => {
    const state: UiState = {
      v: 1,
      selected: [...selected].slice(0, 10_000),
      focus: focusId,
      scrollTop: list.scrollTop,
      helpOpen,
      draft: snap && input.value !== snap.filter ? input.value : null,
    };
    setUiState(state);
  }, 150);
}

// ─── snapshots ────────────────────────────────────────────────────────────────

function onTraces(s: TracesSnapshot): void {
  const first = snap === null;
  const prevFilter = snap?.filter ?? null;
  const prevFocusIndex = focusId !== null ? (indexOf.get(focusId) ?? -1) : -1;
  // keep the first visible row in place when rows are added above it (live mode, newest first)
  const anchor = !first && list.scrollTop > 0 && rows.length > 0 ? { id: rows[vl.firstVisible().index]?.traceId, offset: vl.firstVisible().offset } : null;

  snap = s;
  rows = s.rows;
  indexOf = new Map(rows.map((r, i) => [r.traceId, i]));
  pausedOverride = null;
  applyingFilter = false;
  loadingMore = false;
  document.body.dataset.theme = s.theme;

  for (const id of [...selected]) if (!indexOf.has(id)) selected.delete(id);
  if (focusId !== null && !indexOf.has(focusId)) {
    focusId = prevFocusIndex >= 0 && rows.length > 0 ? (rows[Math.min(prevFocusIndex, rows.length - 1)]?.traceId ?? null) : null;
  }
  if (anchorId !== null && !indexOf.has(anchorId)) anchorId = focusId;
  if (selected.size === 0) confirmingDelete = false;

  if (first) {
    input.value = saved?.draft ?? s.filter;
    app.setAttribute("aria-busy", "false");
  } else if (input.value.trim() === prevFilter) {
    input.value = s.filter;
  }

  renderAll();
  vl.setRowHeight(readRowHeight()); // the list may just have become visible
  vl.setItems(rows);
  if (first && pendingScrollTop !== null) {
    list.scrollTop = pendingScrollTop;
    pendingScrollTop = null;
    vl.refresh();
  } else if (anchor?.id !== undefined) {
    const idx = indexOf.get(anchor.id);
    if (idx !== undefined) vl.scrollToRow(idx, anchor.offset);
  }
  updateActiveDescendant();
  saveUi();
}

// ─── actions ──────────────────────────────────────────────────────────────────

function reportError(what: string, e: unknown): void {
  flash(`${what} failed: ${e instanceof Error ? e.message : String(e)}`, true);
}

function flash(text: string, error = false): void {
  actionMessage = { text, error };
  clearTimeout(actionMessageTimer);
  actionMessageTimer = window.setTimeout(
    () => {
      actionMessage = null;
      renderActions();
    },
    error ? 8000 : 3000,
  );
  renderActions();
}

function applyFilter(): void {
  const filter = input.value.trim();
  applyingFilter = true;
  renderFilterState();
  request(TracesSetFilter, { filter }).catch((e: unknown) => {
    applyingFilter = false;
    renderFilterState();
    reportError("Filter", e);
  });
  saveUi();
}

function pickExample(filter: string): void {
  input.value = filter;
  helpOpen = false;
  applyFilter();
  if (snap) renderHeader(snap);
  input.focus();
}

function loadMore(): void {
  if (loadingMore) return;
  loadingMore = true;
  if (snap) renderBody(snap);
  request(TracesLoadMore, {}).catch((e: unknown) => {
    loadingMore = false;
    if (snap) renderBody(snap);
    reportError("Load more", e);
  });
}

function togglePaused(): void {
  const paused = !isPaused();
  pausedOverride = paused;
  if (snap) renderHeader(snap);
  request(TracesSetPaused, { paused }).catch((e: unknown) => {
    pausedOverride = null;
    if (snap) renderHeader(snap);
    reportError(paused ? "Pause" : "Resume", e);
  });
}

function open(traceId: string): void {
  request(TracesOpen, { traceId }).catch((e: unknown) => reportError("Open", e));
}

async function compareSelected(): Promise<void> {
  const pair = [...selected].map((id) => rows[indexOf.get(id) ?? -1]).filter((r): r is TraceListRow => r !== undefined);
  if (pair.length !== 2) return;
  pair.sort((a, b) => a.startTimeMs - b.startTimeMs);
  const [left, right] = pair as [TraceListRow, TraceListRow];
  try {
    await request(TracesCompare, { left: left.traceId, right: right.traceId });
  } catch (e) {
    reportError("Compare", e);
  }
}

function startDelete(): void {
  if (selected.size === 0) return;
  confirmingDelete = true;
  renderActions();
}

function cancelDelete(): void {
  confirmingDelete = false;
  renderActions();
  list.focus({ preventScroll: true });
}

async function confirmDelete(): Promise<void> {
  const traceIds = [...selected];
  if (traceIds.length === 0) return;
  deleting = true;
  renderActions();
  try {
    const { deleted } = await request(TracesDelete, { traceIds });
    for (const id of traceIds) selected.delete(id);
    confirmingDelete = false;
    deleting = false;
    flash(`Deleted ${deleted} trace${deleted === 1 ? "" : "s"}.`);
    vl.refreshState();
  } catch (e) {
    deleting = false;
    confirmingDelete = false;
    reportError("Delete", e);
  }
  list.focus({ preventScroll: true });
}

// ─── selection and keyboard ───────────────────────────────────────────────────

function afterSelectionChange(): void {
  if (selected.size === 0) confirmingDelete = false;
  vl.refreshState();
  updateActiveDescendant();
  renderActions();
  saveUi();
}

function selectRange(fromId: string, toId: string, additive: boolean): void {
  const a = indexOf.get(fromId);
  const b = indexOf.get(toId);
  if (a === undefined || b === undefined) return;
  if (!additive) selected.clear();
  for (let i = Math.min(a, b); i <= Math.max(a, b); i++) selected.add((rows[i] as TraceListRow).traceId);
}

function moveFocus(to: number, extend: boolean): void {
  if (rows.length === 0) return;
  const idx = Math.max(0, Math.min(rows.length - 1, to));
  const id = (rows[idx] as TraceListRow).traceId;
  focusId = id;
  if (extend && anchorId !== null && indexOf.has(anchorId)) selectRange(anchorId, id, false);
  else {
    selected.clear();
    selected.add(id);
    anchorId = id;
  }
  confirmingDelete = false;
  vl.ensureVisible(idx);
  afterSelectionChange();
}

/** The row under the last mousedown, in case a snapshot re-rendered it before the click. */
let pressedId: string | undefined;
list.addEventListener("mousedown", (e) => {
  const row = (e.target as Element).closest<HTMLElement>(".tv-row");
  pressedId = row?.dataset.id;
  // no text selection on shift-click
  if (e.shiftKey && row) e.preventDefault();
});

list.addEventListener("click", (e) => {
  const row = (e.target as Element).closest<HTMLElement>(".tv-row");
  const id = row?.dataset.id ?? (e.target === spacer || e.target === list ? pressedId : undefined);
  pressedId = undefined;
  if (!id || !indexOf.has(id)) return;
  confirmingDelete = false;
  if (e.ctrlKey || e.metaKey) {
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    anchorId = id;
  } else if (e.shiftKey) {
    selectRange(anchorId ?? id, id, false);
  } else {
    selected.clear();
    selected.add(id);
    anchorId = id;
    open(id);
  }
  focusId = id;
  list.focus({ preventScroll: true });
  afterSelectionChange();
});

list.addEventListener("keydown", (e) => {
  if (rows.length === 0) return;
  const cur = focusId !== null ? (indexOf.get(focusId) ?? -1) : -1;
  const mod = e.ctrlKey || e.metaKey;
  switch (e.key) {
    case "ArrowDown":
      moveFocus(cur + 1, e.shiftKey);
      break;
    case "ArrowUp":
      if (cur <= 0 && !e.shiftKey) {
        input.focus();
        break;
      }
      moveFocus(cur - 1, e.shiftKey);
      break;
    case "PageDown":
      moveFocus(cur + vl.pageSize(), e.shiftKey);
      break;
    case "PageUp":
      moveFocus(cur - vl.pageSize(), e.shiftKey);
      break;
    case "Home":
      moveFocus(0, e.shiftKey);
      break;
    case "End":
      moveFocus(rows.length - 1, e.shiftKey);
      break;
    case "Enter":
      if (focusId !== null) open(focusId);
      break;
    case " ":
      if (focusId === null) return;
      if (selected.has(focusId)) selected.delete(focusId);
      else selected.add(focusId);
      anchorId = focusId;
      afterSelectionChange();
      break;
    case "a":
    case "A":
      if (!mod) return;
      for (const r of rows) selected.add(r.traceId);
      afterSelectionChange();
      break;
    case "Delete":
    case "Backspace":
      startDelete();
      break;
    case "Escape":
      if (confirmingDelete) cancelDelete();
      else {
        selected.clear();
        afterSelectionChange();
      }
      break;
    default:
      return;
  }
  e.preventDefault();
});

list.addEventListener("focus", () => {
  if (focusId === null && rows.length > 0) {
    focusId = (rows[vl.firstVisible().index] as TraceListRow).traceId;
    vl.refreshState();
    updateActiveDescendant();
  }
});

list.addEventListener("scroll", () => saveUi(), { passive: true });

input.addEventListener("keydown", (e) => {
  if (e.key === "Enter") {
    e.preventDefault();
    applyFilter();
  } else if (e.key === "Escape") {
    e.preventDefault();
    const had = input.value !== "";
    input.value = "";
    if (had || snap?.filter) applyFilter();
    renderFilterState();
  } else if (e.key === "ArrowDown" && rows.length > 0) {
    e.preventDefault();
    list.focus();
    moveFocus(focusId !== null ? (indexOf.get(focusId) ?? 0) : 0, false);
  }
});
input.addEventListener("input", () => {
  renderFilterState();
  saveUi();
});
clearBtn.addEventListener("click", () => {
  input.value = "";
  applyFilter();
  input.focus();
});
helpBtn.addEventListener("click", () => {
  helpOpen = !helpOpen;
  if (snap) renderHeader(snap);
  renderFilterState();
  saveUi();
});
liveBtn.addEventListener("click", togglePaused);

// ─── layout ───────────────────────────────────────────────────────────────────

function readRowHeight(): number {
  const v = parseFloat(getComputedStyle(spacer).getPropertyValue("--row-h"));
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_ROW_HEIGHT;
}

let lastWidth = -1;
const resizeObserver = new ResizeObserver(() => {
  vl.setRowHeight(readRowHeight());
  const w = app.clientWidth;
  if (w !== lastWidth) {
    lastWidth = w;
    if (snap?.filterError) renderFilterState();
  }
});
resizeObserver.observe(app);
resizeObserver.observe(list);

window.setInterval(() => refreshAges(spacer, Date.now()), AGE_REFRESH_MS);

app.classList.add("tv");
replaceChildren(
  app,
  h(
    "header",
    { class: "tv-header" },
    h("div", { class: "tv-titlebar" }, countEl, h("span", { class: "tv-titlebar-actions" }, liveBtn, helpBtn)),
    h("div", { class: "tv-filter" }, inputWrap, hintEl, errorSlot, helpSlot),
    bannerEl,
  ),
  list,
  emptyEl,
  actions,
  measure,
);
list.hidden = true;
replaceChildren(emptyEl, h("p", { class: "muted" }, "Loading traces…"));
actions.hidden = true;
bannerEl.hidden = true;
hintEl.hidden = true;
clearBtn.hidden = true;
vl.setRowHeight(readRowHeight());

onSnapshot("traces", (msg) => {
  if (msg.type === "traces/snapshot") onTraces(msg);
});
