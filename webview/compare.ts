/**
 * Compare panel: two traces side by side. The header compares the traces (status, duration,
 * tokens, cost, spans, errors, coloured better/worse for B relative to A); the rows are the
 * two span trees aligned by protocol/traceAlign (gaps where a span exists on one side only);
 * selecting a row shows both spans' inputs and outputs as text with a line diff.
 */
import "./lib/zodConfig";
import { z } from "zod";
import {
  formatCost,
  formatCostDelta,
  formatCount,
  formatDuration,
  formatDurationDelta,
  formatRatio,
  formatTimestamp,
  formatTokens,
  formatTokensDelta,
} from "../protocol/format";
import type { TraceDetail, TraceSummary } from "../protocol/model";
import { alignTraces, rowHasDifference, summaryDeltas, type AlignedRow, type MetricDelta, type TraceAlignment } from "../protocol/traceAlign";
import { CompareOpenTrace, type CompareSnapshot } from "../protocol/webview";
import { renderDetail } from "./compare/detail";
import { renderAlignedRow, rowKey } from "./compare/rows";
import { h, replaceChildren } from "./lib/dom";
import { getUiState, onSnapshot, request, setUiState } from "./lib/vscodeApi";
import { statusIcon, STATUS_LABEL } from "./traces/rows";
import { VirtualList } from "./traces/virtualList";

const ROW_HEIGHT = 22;

const UiState = z.object({ v: z.literal(1), selectedKey: z.string().nullable(), diffOnly: z.boolean() });
type UiState = z.infer<typeof UiState>;
const saved = getUiState(UiState);

let alignment: TraceAlignment | null = null;
let alignedFor = "";
let visible: AlignedRow[] = [];
let selectedKey: string | null = saved?.selectedKey ?? null;
let diffOnly = saved?.diffOnly ?? false;
let errorText: string | null = null;

const app = document.getElementById("app") as HTMLElement;
const headerEl = h("header", { class: "cmp-header" });
const toolbar = h("div", { class: "cmp-toolbar" });
const colHead = h(
  "div",
  { class: "cmp-colhead", "aria-hidden": "true" },
  h("div", {}, h("span", { class: "cmp-tag tag-a" }, "A"), " span"),
  h("div", {}, "difference"),
  h("div", {}, h("span", { class: "cmp-tag tag-b" }, "B"), " span"),
);
const spacer = h("div", { class: "cmp-spacer", role: "presentation" });
const rowsEl = h("div", { class: "cmp-rows", id: "rows", role: "listbox", tabindex: "0", "aria-label": "Aligned spans" }, spacer);
const detailEl = h("section", { class: "cmp-detail", id: "detail", "aria-label": "Selected spans" });
const messageEl = h("div", { class: "cmp-message", id: "message" });

const vl = new VirtualList<AlignedRow>({
  scroller: rowsEl,
  spacer,
  rowHeight: ROW_HEIGHT,
  threshold: 300,
  overscan: 15,
  render: (r, i) => renderAlignedRow(r, i, { selected: rowKey(r) === selectedKey }),
  patch: (el, r) => {
    const sel = rowKey(r) === selectedKey;
    el.classList.toggle("selected", sel);
    el.setAttribute("aria-selected", sel ? "true" : "false");
  },
});

// ─── header ───────────────────────────────────────────────────────────────────

function openButton(t: TraceSummary, label: "A" | "B"): HTMLElement {
  const b = h("button", { type: "button", class: "secondary", id: `open-${label.toLowerCase()}`, title: `Open trace ${label} in the trace panel` }, `Open trace ${label}`);
  b.addEventListener("click", () => {
    request(CompareOpenTrace, { traceId: t.traceId }).catch((e: unknown) => {
      errorText = `Open failed: ${e instanceof Error ? e.message : String(e)}`;
      renderToolbar();
    });
  });
  return b;
}

function traceCard(t: TraceSummary | null, label: "A" | "B"): HTMLElement {
  const tag = h("span", { class: `cmp-tag tag-${label.toLowerCase()}` }, label);
  if (!t) return h("section", { class: `cmp-card card-${label.toLowerCase()} missing` }, h("div", { class: "cmp-card-title" }, tag, h("span", { class: "muted" }, "Not available")));
  return h(
    "section",
    { class: `cmp-card card-${label.toLowerCase()}` },
    h("div", { class: "cmp-card-title" }, tag, statusIcon(t.state), h("span", { class: "cmp-card-name", title: t.name }, t.name || "(unnamed trace)")),
    h("div", { class: "cmp-card-sub muted" }, `${t.requestId.slice(0, 15)}… · ${formatTimestamp(t.startTimeMs)}${t.serviceName ? ` · ${t.serviceName}` : ""}`),
    h("div", { class: "cmp-card-preview", title: t.requestPreview }, t.requestPreview || "—"),
    h("div", { class: "cmp-card-actions" }, openButton(t, label)),
  );
}

function fmtMetric(m: MetricDelta, v: number | null): string {
  if (v === null) return "—";
  switch (m.key) {
    case "duration":
      return formatDuration(v);
    case "tokens":
      return formatTokens(v);
    case "cost":
      return formatCost(v);
    default:
      return formatCount(v);
  }
}

function fmtDelta(m: MetricDelta): string {
  if (m.delta === null) return "—";
  if (m.delta === 0) return "same";
  const d =
    m.key === "duration"
      ? formatDurationDelta(m.delta)
      : m.key === "tokens"
        ? formatTokensDelta(m.delta)
        : m.key === "cost"
          ? formatCostDelta(m.delta)
          : `${m.delta > 0 ? "+" : ""}${formatCount(m.delta)}`;
  return m.ratio !== null && m.key !== "spans" && m.key !== "errors" ? `${d} (${formatRatio(m.ratio)})` : d;
}

const METRIC_LABEL: Record<MetricDelta["key"], string> = { duration: "Duration", tokens: "Tokens", cost: "Cost", spans: "Spans", errors: "Errors" };

function metricsTable(a: TraceSummary, b: TraceSummary): HTMLElement {
  const statusVerdict = a.state === b.state ? "same" : b.state === "ERROR" ? "worse" : a.state === "ERROR" ? "better" : "changed";
  const rows = [
    h(
      "tr",
      { class: "m-status" },
      h("th", { scope: "row" }, "Status"),
      h("td", {}, STATUS_LABEL[a.state]),
      h("td", {}, STATUS_LABEL[b.state]),
      h("td", { class: `v-${statusVerdict}` }, statusVerdict === "same" ? "same" : `${STATUS_LABEL[a.state]} → ${STATUS_LABEL[b.state]}`),
    ),
    ...summaryDeltas(a, b).map((m) =>
      h(
        "tr",
        { class: `m-${m.key}` },
        h("th", { scope: "row" }, METRIC_LABEL[m.key]),
        h("td", {}, fmtMetric(m, m.left)),
        h("td", {}, fmtMetric(m, m.right)),
        h("td", { class: `v-${m.verdict}` }, fmtDelta(m)),
      ),
    ),
  ];
  return h(
    "table",
    { class: "cmp-metrics", id: "metrics" },
    h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {}, h("span", { class: "cmp-tag tag-a" }, "A")), h("th", {}, h("span", { class: "cmp-tag tag-b" }, "B")), h("th", {}, "B vs A"))),
    h("tbody", {}, ...rows),
  );
}

function renderHeader(s: CompareSnapshot): void {
  const a = s.left?.summary ?? null;
  const b = s.right?.summary ?? null;
  replaceChildren(headerEl, traceCard(a, "A"), a && b ? metricsTable(a, b) : h("div", {}), traceCard(b, "B"));
}

// ─── toolbar ──────────────────────────────────────────────────────────────────

function renderToolbar(): void {
  if (!alignment) {
    replaceChildren(toolbar);
    return;
  }
  const st = alignment.stats;
  const diffs = alignment.rows.filter(rowHasDifference).length;
  const cb = h("input", { type: "checkbox", id: "diff-only", checked: diffOnly });
  cb.addEventListener("change", () => {
    diffOnly = cb.checked;
    applyVisible();
    saveUi();
  });
  const prev = h("button", { type: "button", class: "secondary", id: "prev-diff", title: "Previous difference (Shift+F7 or p)", disabled: diffs === 0 }, "↑ Prev");
  const next = h("button", { type: "button", class: "secondary", id: "next-diff", title: "Next difference (F7 or n)", disabled: diffs === 0 }, "↓ Next difference");
  prev.addEventListener("click", () => jumpDiff(-1));
  next.addEventListener("click", () => jumpDiff(1));
  replaceChildren(
    toolbar,
    h(
      "span",
      { class: "cmp-stats", id: "stats" },
      h("span", {}, `${formatCount(st.matched)} aligned`),
      h("span", { class: "sep" }, "·"),
      h("span", { class: st.changed ? "s-changed" : "" }, `${formatCount(st.changed)} with changed I/O or status`),
      h("span", { class: "sep" }, "·"),
      h("span", { class: st.onlyLeft ? "s-only-a" : "" }, `${formatCount(st.onlyLeft)} only in A`),
      h("span", { class: "sep" }, "·"),
      h("span", { class: st.onlyRight ? "s-only-b" : "" }, `${formatCount(st.onlyRight)} only in B`),
      alignment.method === "greedy" ? h("span", { class: "muted", title: "The traces are too large for an exact alignment" }, " · approximate alignment") : null,
    ),
    h("span", { class: "cmp-toolbar-right" }, h("label", { class: "cmp-check" }, cb, "Differences only"), prev, next),
    errorText ? h("span", { class: "cmp-error", role: "alert" }, errorText) : null,
  );
}

// ─── rows, selection ──────────────────────────────────────────────────────────

function selectedIndex(): number {
  return selectedKey === null ? -1 : visible.findIndex((r) => rowKey(r) === selectedKey);
}

function renderDetailPane(): void {
  const i = selectedIndex();
  replaceChildren(detailEl, ...renderDetail(i >= 0 ? (visible[i] as AlignedRow) : null));
  detailEl.scrollTop = 0;
}

function select(index: number, scroll = true): void {
  if (visible.length === 0) return;
  const i = Math.max(0, Math.min(visible.length - 1, index));
  const key = rowKey(visible[i] as AlignedRow);
  if (key === selectedKey) return;
  selectedKey = key;
  if (scroll) vl.ensureVisible(i);
  vl.refreshState();
  rowsEl.setAttribute("aria-activedescendant", `row-${i}`);
  renderDetailPane();
  saveUi();
}

function jumpDiff(dir: 1 | -1): void {
  const n = visible.length;
  if (n === 0) return;
  let i = selectedIndex();
  for (let step = 0; step < n; step++) {
    i = (i + dir + n) % n;
    if (rowHasDifference(visible[i] as AlignedRow)) {
      select(i);
      return;
    }
  }
}

function applyVisible(): void {
  if (!alignment) {
    visible = [];
    vl.setItems(visible);
    return;
  }
  visible = diffOnly ? alignment.rows.filter(rowHasDifference) : alignment.rows;
  vl.setItems(visible);
  if (selectedIndex() < 0) {
    // keep a selection: the first difference, else the first row
    const first = visible.findIndex(rowHasDifference);
    selectedKey = null;
    if (visible.length > 0) select(first >= 0 ? first : 0, true);
    else renderDetailPane();
  } else {
    vl.ensureVisible(selectedIndex());
    renderDetailPane();
  }
}

rowsEl.addEventListener("click", (e) => {
  const row = (e.target as Element).closest<HTMLElement>(".cmp-row");
  if (!row) return;
  const i = Number(row.dataset.index);
  if (Number.isInteger(i)) select(i, false);
  rowsEl.focus({ preventScroll: true });
});

function onKey(e: KeyboardEvent): void {
  const i = selectedIndex();
  switch (e.key) {
    case "ArrowDown":
      select(i + 1);
      break;
    case "ArrowUp":
      select(i - 1);
      break;
    case "PageDown":
      select(i + vl.pageSize());
      break;
    case "PageUp":
      select(i - vl.pageSize());
      break;
    case "Home":
      select(0);
      break;
    case "End":
      select(visible.length - 1);
      break;
    case "F7":
      jumpDiff(e.shiftKey ? -1 : 1);
      break;
    case "n":
      jumpDiff(1);
      break;
    case "p":
      jumpDiff(-1);
      break;
    default:
      return;
  }
  e.preventDefault();
}
rowsEl.addEventListener("keydown", onKey);

// ─── snapshots ────────────────────────────────────────────────────────────────

let saveTimer = 0;
function saveUi(): void {
  clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => setUiState({ v: 1, selectedKey, diffOnly } satisfies UiState), 100);
}

function identity(d: TraceDetail | null): string {
  return d ? `${d.summary.traceId}/${d.spans.length}/${d.summary.endTimeMs}` : "-";
}

function onCompare(s: CompareSnapshot): void {
  document.body.dataset.theme = s.theme;
  app.setAttribute("aria-busy", "false");
  renderHeader(s);
  const key = `${identity(s.left)}|${identity(s.right)}`;
  if (s.left && s.right) {
    if (key !== alignedFor) {
      alignment = alignTraces(s.left.spans, s.right.spans);
      alignedFor = key;
    }
  } else {
    alignment = null;
    alignedFor = "";
  }
  const ok = alignment !== null;
  messageEl.hidden = ok && !s.message;
  replaceChildren(messageEl, s.message ?? (ok ? "" : "Both traces are needed for a comparison."));
  toolbar.hidden = !ok;
  colHead.hidden = !ok;
  rowsEl.hidden = !ok;
  detailEl.hidden = !ok;
  renderToolbar();
  applyVisible();
}

replaceChildren(app, headerEl, messageEl, toolbar, colHead, rowsEl, detailEl);
app.classList.add("cmp");
toolbar.hidden = true;
colHead.hidden = true;
rowsEl.hidden = true;
detailEl.hidden = true;
replaceChildren(messageEl, h("p", { class: "muted" }, "Loading the traces…"));

onSnapshot("compare", (msg) => {
  if (msg.type === "compare/snapshot") onCompare(msg);
});
