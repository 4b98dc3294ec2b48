/**
 * Trace panel app: one trace's header, span tree + waterfall (virtualized), in-trace search and
 * span details. The host pushes complete TraceSnapshots; full spans are fetched with SpanGet on
 * selection (cached). Only UI state (collapsed spans, selection, tab, column width) is persisted.
 * All trace content is untrusted and reaches the DOM as text only.
 */
import type { Assessment, SpanRecord, SpanSkeleton, TraceSkeleton } from "../protocol/model";
import { buildSpanTree, flattenVisible, type SpanTree } from "../protocol/spanTree";
import {
  AssessmentDelete,
  ExpectationSet,
  FeedbackLog,
  JudgeTraceOpen,
  SourceReveal,
  SpanGet,
  TraceCompareWith,
  TraceCopyId,
  TraceDelete,
  TraceSearch,
  type TraceSnapshot,
} from "../protocol/webview";
import { h } from "./lib/dom";
import { onSnapshot, request } from "./lib/vscodeApi";
import { SpanDetail, type TabId } from "./trace/detail";
import { fmtInt } from "./trace/format";
import { TraceHeader } from "./trace/header";
import { icon } from "./trace/icons";
import { Timeline } from "./trace/timeline";
import { saveTab, savedTab, savedTreeWidth, saveTraceUi, saveTreeWidth, traceUi, type TraceUi } from "./trace/uiState";

const app = document.getElementById("app") as HTMLElement;

// ─── span cache ───────────────────────────────────────────────────────────────

const CACHE_MAX = 300;
interface CacheEntry {
  sig: string;
  promise: Promise<SpanRecord | null>;
}
const spanCache = new Map<string, CacheEntry>();

function skeletonSig(s: SpanSkeleton): string {
  return `${s.durationMs}|${s.statusCode}|${s.name}|${s.totalTokens ?? ""}`;
}

function getSpan(s: SpanSkeleton): Promise<SpanRecord | null> {
  const sig = skeletonSig(s);
  const hit = spanCache.get(s.spanId);
  if (hit && hit.sig === sig) {
    spanCache.delete(s.spanId); // LRU: move to the end
    spanCache.set(s.spanId, hit);
    return hit.promise;
  }
  const promise = request(SpanGet, { spanId: s.spanId });
  const entry = { sig, promise };
  spanCache.set(s.spanId, entry);
  promise.catch(() => {
    if (spanCache.get(s.spanId) === entry) spanCache.delete(s.spanId); // retry next time
  });
  while (spanCache.size > CACHE_MAX) spanCache.delete(spanCache.keys().next().value!);
  return promise;
}

// ─── toast ───────────────────────────────────────────────────────────────────

const toastEl = h("div", { class: "toast", role: "status", "aria-live": "polite", hidden: true });
let toastTimer: ReturnType<typeof setTimeout> | null = null;
function toast(text: string, kind: "info" | "error" = "info"): void {
  toastEl.textContent = text;
  toastEl.className = `toast ${kind}`;
  toastEl.hidden = false;
  if (toastTimer !== null) clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (toastEl.hidden = true), kind === "error" ? 6000 : 2500);
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = h("textarea", { class: "offscreen", "aria-hidden": "true" });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}

// ─── collapse state <-> persisted form ───────────────────────────────────────

function collapsedFromUi(tree: SpanTree, ui: TraceUi): Set<string> {
  const toggled = new Set(ui.toggled);
  if (ui.base === "expanded") return new Set([...toggled].filter((id) => tree.children.has(id)));
  const roots = new Set(tree.roots);
  const out = new Set<string>();
  for (const id of tree.children.keys()) {
    const baseCollapsed = !roots.has(id);
    if (baseCollapsed !== toggled.has(id)) out.add(id);
  }
  return out;
}

function uiFromCollapsed(tree: SpanTree, collapsed: ReadonlySet<string>, ui: TraceUi): TraceUi {
  const parents = tree.children.size;
  if (collapsed.size <= parents / 2) return { ...ui, base: "expanded", toggled: [...collapsed] };
  const roots = new Set(tree.roots);
  const toggled: string[] = [];
  for (const id of tree.children.keys()) {
    const baseCollapsed = !roots.has(id);
    if (baseCollapsed !== collapsed.has(id)) toggled.push(id);
  }
  return { ...ui, base: "collapsed", toggled };
}

// ─── the panel ───────────────────────────────────────────────────────────────

class TracePanel {
  readonly el: HTMLElement;
  private readonly banner = h("div", { class: "banner", hidden: true, role: "status" });
  private readonly header: TraceHeader;
  private readonly timeline: Timeline;
  private readonly detail: SpanDetail;
  private readonly searchInput: HTMLInputElement;
  private readonly searchCount: HTMLElement;
  private readonly spanCount: HTMLElement;

  private trace: TraceSkeleton | null = null;
  private tree: SpanTree | null = null;
  private ui: TraceUi = { traceId: "", base: "expanded", toggled: [], selected: null };
  private assessments: Assessment[] = [];
  private readonly localAdds = new Map<string, Assessment>();
  private readonly localDeletes = new Set<string>();
  private fullOrder: Map<string, number> | null = null;

  private searchSeq = 0;
  private searchTimer: ReturnType<typeof setTimeout> | null = null;
  private searchedText = "";
  private matches: string[] = [];
  private matchIdx = -1;
  private detailTimer: ReturnType<typeof setTimeout> | null = null;
  private firstRender = true;

  constructor() {
    this.header = new TraceHeader({
      copyId: async () => void (await request(TraceCopyId, {})),
      compareWith: async () => void (await request(TraceCompareWith, {})),
      deleteTrace: async () => void (await request(TraceDelete, {})),
      logFeedback: async (value, comment, spanId) => {
        const a = await request(FeedbackLog, { value, comment, spanId, name: "user_feedback" });
        this.addLocal(a);
        return a;
      },
      setExpectation: async (name, value) => {
        const a = await request(ExpectationSet, { name, value });
        this.addLocal(a);
        return a;
      },
      selectedSpan: () => {
        const id = this.timeline.getSelected();
        const s = id !== null ? this.tree?.byId.get(id) : undefined;
        return s ? { id: s.spanId, name: s.name } : null;
      },
      assessments: () => this.assessments,
      toast,
    });

    this.timeline = new Timeline({
      select: (id) => this.onUserSelect(id),
      open: () => this.detail.focus(),
      collapsedChanged: (c) => {
        if (!this.tree) return;
        this.ui = uiFromCollapsed(this.tree, c, this.ui);
        saveTraceUi(this.ui);
        this.updateCount();
      },
      treeWidthChanged: (px) => saveTreeWidth(px),
    });
    this.timeline.setTreeWidth(savedTreeWidth());

    this.detail = new SpanDetail({
      getSpan: (id) => {
        const s = this.tree?.byId.get(id);
        return s ? getSpan(s) : Promise.resolve(null);
      },
      assessments: (spanId) => ({
        span: this.assessments.filter((a) => a.spanId === spanId),
        trace: this.assessments.filter((a) => a.spanId === null),
      }),
      deleteAssessment: async (id) => {
        await request(AssessmentDelete, { assessmentId: id });
        this.localDeletes.add(id);
        this.localAdds.delete(id);
        this.mergeAssessments();
        toast("Assessment deleted");
      },
      openJudgeTrace: (traceId) => {
        request(JudgeTraceOpen, { traceId }).catch((e: unknown) => toast(`Open judge trace failed: ${e instanceof Error ? e.message : String(e)}`, "error"));
      },
      revealSource: (spanId) => request(SourceReveal, { spanId }),
      savedTab,
      saveTab: (t: TabId) => saveTab(t),
      isOrphan: (id) => this.tree?.orphanIds.has(id) ?? false,
      focusTree: () => this.timeline.focus(),
      copyText,
    });

    // toolbar: search + collapse/expand
    this.searchInput = h("input", {
      type: "text",
      class: "search-input",
      placeholder: "Search spans: names, inputs, outputs, attributes",
      "aria-label": "Search in this trace",
      spellcheck: "false",
      maxlength: "500",
    });
    this.searchCount = h("span", { class: "search-count muted", "aria-live": "polite" });
    const prev = h("button", { type: "button", class: "icon-button", title: "Previous match (Shift+Enter)", "aria-label": "Previous match" }, icon("up"));
    const next = h("button", { type: "button", class: "icon-button", title: "Next match (Enter)", "aria-label": "Next match" }, icon("down"));
    const clear = h("button", { type: "button", class: "icon-button", title: "Clear search (Escape)", "aria-label": "Clear search" }, icon("close"));
    prev.addEventListener("click", () => this.step(-1));
    next.addEventListener("click", () => this.step(1));
    clear.addEventListener("click", () => {
      this.searchInput.value = "";
      this.runSearch("");
      this.searchInput.focus();
    });
    this.searchInput.addEventListener("input", () => {
      if (this.searchTimer !== null) clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => this.runSearch(this.searchInput.value), 250);
    });
    this.searchInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        if (this.searchInput.value.trim() !== this.searchedText) this.runSearch(this.searchInput.value, e.shiftKey ? -1 : 0);
        else this.step(e.shiftKey ? -1 : 1);
      } else if (e.key === "Escape") {
        e.preventDefault();
        this.searchInput.value = "";
        this.runSearch("");
        this.timeline.focus();
      } else if (e.key === "ArrowDown") {
        e.preventDefault();
        this.timeline.focus();
      }
    });
    const collapseAll = h("button", { type: "button", class: "icon-button", title: "Collapse all", "aria-label": "Collapse all" }, icon("collapseAll"));
    const expandAll = h("button", { type: "button", class: "icon-button", title: "Expand all", "aria-label": "Expand all" }, icon("expandAll"));
    collapseAll.addEventListener("click", () => this.timeline.collapseAll());
    expandAll.addEventListener("click", () => this.timeline.expandAll());
    this.spanCount = h("span", { class: "muted tl-count" });

    const toolbar = h(
      "div",
      { class: "tl-toolbar" },
      h("div", { class: "search", role: "search" }, icon("search", "search-icon"), this.searchInput, this.searchCount, prev, next, clear),
      this.spanCount,
      h("span", { class: "btn-group" }, collapseAll, expandAll),
    );
    const pane = h("section", { class: "tl-pane", "aria-label": "Span tree and timeline" }, toolbar, this.timeline.el);
    this.el = h("div", { class: "trace-app" }, this.header.el, this.banner, h("div", { class: "trace-body" }, pane, this.detail.el));
  }

  focusSearch(): void {
    this.searchInput.focus();
    this.searchInput.select();
  }

  // ─── snapshots ─────────────────────────────────────────────────────────────

  setTrace(t: TraceSkeleton, message: string | null): void {
    const sameTrace = this.trace?.summary.traceId === t.summary.traceId;
    const tree = buildSpanTree(t.spans);
    this.trace = t;
    this.tree = tree;
    this.fullOrder = null;
    if (!sameTrace) {
      spanCache.clear();
      this.localAdds.clear();
      this.localDeletes.clear();
      this.ui = traceUi(t.summary.traceId);
      this.matches = [];
      this.matchIdx = -1;
      this.searchedText = "";
      this.searchInput.value = "";
      this.searchCount.textContent = "";
      this.timeline.setMatches(new Set(), null, "");
    }
    const collapsed = sameTrace ? new Set([...this.timeline.getCollapsed()].filter((id) => tree.children.has(id))) : collapsedFromUi(tree, this.ui);
    this.timeline.setTree(tree, collapsed);
    this.timeline.setTotalMs(t.summary.durationMs);
    this.mergeAssessments(false);
    this.header.update(t.summary, t.spans.length);

    // banner: message, partial traces
    const notes: string[] = [];
    if (message) notes.push(message);
    if (t.spans.length > 0 && t.spans.length < t.summary.spanCount) notes.push(`Showing ${fmtInt(t.spans.length)} of ${fmtInt(t.summary.spanCount)} spans; the rest are still arriving.`);
    if (t.spans.length > 0 && !t.summary.hasRoot) notes.push("The root span has not arrived yet; spans whose parent is missing are marked “orphan”.");
    if (tree.cycleIds.size > 0) notes.push(`${tree.cycleIds.size} span${tree.cycleIds.size === 1 ? "" : "s"} had a parent cycle; shown under the root and marked “orphan”.`);
    this.banner.textContent = notes.join(" ");
    this.banner.hidden = notes.length === 0;

    if (t.spans.length === 0) {
      this.timeline.setEmptyMessage(t.summary.state === "IN_PROGRESS" || t.summary.spanCount > 0 ? "Waiting for spans…" : "This trace has no spans.");
      this.detail.showNothing(t.summary.state === "IN_PROGRESS" ? "Spans are still loading." : "This trace has no spans.");
    } else {
      this.timeline.setEmptyMessage(null);
      // keep / restore the selection
      const current = this.timeline.getSelected();
      const want = sameTrace ? current : this.ui.selected;
      const sel = want !== null && tree.byId.has(want) ? want : tree.roots[0]!;
      this.timeline.select(sel, !sameTrace || current !== sel);
      const sk = tree.byId.get(sel)!;
      if (this.detail.currentSpanId() !== sel || !sameTrace) this.detail.show(sk);
      else {
        const cached = spanCache.get(sel);
        if (cached && cached.sig !== skeletonSig(sk)) this.detail.show(sk);
        else this.detail.refreshAssessments();
      }
      this.header.selectionChanged();
    }
    // drop stale cache entries (the span changed since it was fetched)
    for (const [id, e] of spanCache) {
      const s = tree.byId.get(id);
      if (!s || skeletonSig(s) !== e.sig) spanCache.delete(id);
    }
    if (this.matches.length > 0) {
      this.matches = this.matches.filter((id) => tree.byId.has(id));
      this.matchIdx = Math.min(this.matchIdx, this.matches.length - 1);
      this.applyMatches();
    }
    this.updateCount();
    this.timeline.renderNow();
    if (this.firstRender && t.spans.length > 0) {
      this.firstRender = false;
      performance.mark("scorelens:trace-first-render");
      document.body.dataset.firstRenderMs = String(Math.round(performance.now()));
    }
    if (!sameTrace && t.spans.length > 0) this.timeline.focus();
  }

  private updateCount(): void {
    if (!this.tree) return;
    const total = this.tree.byId.size;
    const shown = this.timeline.visibleRows().length;
    this.spanCount.textContent = shown < total ? `${fmtInt(shown)} of ${fmtInt(total)} spans shown` : `${fmtInt(total)} span${total === 1 ? "" : "s"}`;
  }

  private addLocal(a: Assessment): void {
    this.localAdds.set(a.assessmentId, a);
    this.localDeletes.delete(a.assessmentId);
    this.mergeAssessments();
  }

  /** Snapshot assessments + the ones added here since (until the host's next snapshot has them). */
  private mergeAssessments(rerender = true): void {
    const base = this.trace?.assessments ?? [];
    const ids = new Set(base.map((a) => a.assessmentId));
    for (const id of this.localAdds.keys()) if (ids.has(id)) this.localAdds.delete(id);
    for (const id of [...this.localDeletes]) if (!ids.has(id)) this.localDeletes.delete(id);
    const adds = [...this.localAdds.values()];
    // an expectation set again under the same name replaces the old one
    const replaced = new Set(adds.filter((a) => a.kind === "expectation").map((a) => `${a.spanId ?? ""}|${a.name}`));
    this.assessments = [
      ...base.filter((a) => !this.localDeletes.has(a.assessmentId) && !(a.kind === "expectation" && replaced.has(`${a.spanId ?? ""}|${a.name}`))),
      ...adds,
    ];
    if (rerender && this.trace) {
      this.header.update(this.trace.summary, this.trace.spans.length);
      this.detail.refreshAssessments();
    }
  }

  // ─── selection ───────────────────────────────────────────────────────────

  private onUserSelect(id: string): void {
    this.ui = { ...this.ui, selected: id };
    saveTraceUi(this.ui);
    this.header.selectionChanged();
    const s = this.tree?.byId.get(id);
    if (!s) return;
    // Debounce the fetch a little so holding ↓ does not request every span on the way.
    if (this.detailTimer !== null) clearTimeout(this.detailTimer);
    this.detailTimer = setTimeout(() => {
      this.detailTimer = null;
      if (this.timeline.getSelected() === id) this.detail.show(s);
    }, 70);
  }

  private selectMatch(id: string): void {
    this.timeline.select(id);
    this.onUserSelect(id);
  }

  // ─── search ──────────────────────────────────────────────────────────────

  private order(): Map<string, number> {
    if (!this.fullOrder && this.tree) {
      this.fullOrder = new Map();
      flattenVisible(this.tree, new Set()).forEach((id, i) => this.fullOrder!.set(id, i));
    }
    return this.fullOrder ?? new Map();
  }

  private runSearch(raw: string, startDir: -1 | 0 = 0): void {
    if (this.searchTimer !== null) clearTimeout(this.searchTimer);
    this.searchTimer = null;
    const text = raw.trim().slice(0, 500);
    this.searchedText = text;
    const seq = ++this.searchSeq;
    if (text === "") {
      this.matches = [];
      this.matchIdx = -1;
      this.searchCount.textContent = "";
      this.searchInput.classList.remove("no-match");
      this.timeline.setMatches(new Set(), null, "");
      return;
    }
    this.searchCount.textContent = "Searching…";
    const done = (ids: string[], note: string) => {
      if (seq !== this.searchSeq || !this.tree) return;
      const order = this.order();
      const uniq = [...new Set(ids)].filter((id) => order.has(id));
      uniq.sort((a, b) => order.get(a)! - order.get(b)!);
      this.matches = uniq;
      this.timeline.revealRows(uniq);
      if (uniq.length === 0) {
        this.matchIdx = -1;
        this.searchCount.textContent = `No matches${note}`;
        this.searchInput.classList.add("no-match");
        this.timeline.setMatches(new Set(), null, text);
        return;
      }
      this.searchInput.classList.remove("no-match");
      // start at the first match at/after the selection
      const sel = this.timeline.getSelected();
      const selPos = sel !== null ? (order.get(sel) ?? -1) : -1;
      let i = uniq.findIndex((id) => order.get(id)! >= selPos);
      if (i < 0) i = 0;
      if (startDir === -1) i = (i - 1 + uniq.length) % uniq.length;
      this.matchIdx = i;
      this.applyMatches(note);
      this.selectMatch(uniq[i]!);
    };
    request(TraceSearch, { text }).then(
      (r) => done(r.spanIds, ""),
      () => {
        // Fall back to names when the server search is unavailable.
        const q = text.toLowerCase();
        const ids = this.trace?.spans.filter((s) => s.name.toLowerCase().includes(q)).map((s) => s.spanId) ?? [];
        done(ids, " (names only: search failed)");
      },
    );
  }

  private applyMatches(note = ""): void {
    const cur = this.matches[this.matchIdx] ?? null;
    this.timeline.setMatches(new Set(this.matches), cur, this.searchedText);
    this.searchCount.textContent = this.matches.length > 0 ? `${fmtInt(this.matchIdx + 1)} of ${fmtInt(this.matches.length)}${note}` : "";
  }

  private step(dir: 1 | -1): void {
    if (this.searchInput.value.trim() !== this.searchedText) {
      this.runSearch(this.searchInput.value, dir === -1 ? -1 : 0);
      return;
    }
    if (this.matches.length === 0) return;
    this.matchIdx = (this.matchIdx + dir + this.matches.length) % this.matches.length;
    this.applyMatches();
    this.selectMatch(this.matches[this.matchIdx]!);
  }
}

// ─── wiring ──────────────────────────────────────────────────────────────────

let panel: TracePanel | null = null;

function renderSnapshot(s: TraceSnapshot): void {
  document.body.dataset.theme = s.theme;
  if (s.trace === null) {
    panel = null;
    app.replaceChildren(
      h(
        "div",
        { class: "empty-state" },
        h("h1", {}, "No trace to show"),
        h("p", { class: "muted", id: "trace-message" }, s.message ?? "This trace is not available."),
      ),
      toastEl,
    );
    app.setAttribute("aria-busy", "false");
    return;
  }
  if (!panel) {
    panel = new TracePanel();
    app.replaceChildren(panel.el, toastEl);
  }
  panel.setTrace(s.trace, s.message);
  app.setAttribute("aria-busy", "false");
}

// Ctrl/Cmd+F: search in this trace (one listener for the page, whichever panel is showing).
document.addEventListener("keydown", (e) => {
  if (panel && (e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "f" && !e.shiftKey && !e.altKey) {
    e.preventDefault();
    panel.focusSearch();
  }
});

onSnapshot("trace", (msg) => {
  if (msg.type === "trace/snapshot") renderSnapshot(msg);
});
