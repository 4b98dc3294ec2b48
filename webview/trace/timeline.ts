/**
 * The span tree and the waterfall, side by side, as one virtualized list: each row is a tree cell
 * and a waterfall cell, so both columns always share row order, row height and vertical scroll.
 * Only the rows in view (plus overscan) exist in the DOM; a canvas div of `rows × ROW_H` gives
 * the scrollbar its size, and a pool of row elements is re-filled on scroll. A 50,000-span trace
 * keeps ~60 row elements.
 *
 * Keyboard (on the tree, role=tree): ↑/↓ move, ← collapses or goes to the parent, → expands or goes
 * to the first child, Home/End, PageUp/PageDown, Enter opens the details, * expands the subtree.
 */
import type { SpanSkeleton } from "../../protocol/model";
import { ancestorsOf, childrenOf, flattenVisible, spanExtentMs, type SpanTree } from "../../protocol/spanTree";
import { h } from "../lib/dom";
import { fmtCompact, fmtDuration, fmtInt, fmtTick, niceStep, TYPE_LABEL, TYPE_TITLE } from "./format";
import { icon } from "./icons";

export const ROW_H = 24;
const HEAD_H = 28;
const OVERSCAN = 10;
const INDENT = 14;
/** Indentation stops growing at this many levels (or at ~30% of the span column); deeper rows show their level. */
const INDENT_CAP = 14;
const MIN_TREE_W = 220;
const MIN_WF_W = 160;

export interface TimelineEvents {
  /** The user moved the selection (click or keys). */
  select(id: string): void;
  /** Enter on a row. */
  open(id: string): void;
  /** The collapsed set changed (to persist it). */
  collapsedChanged(collapsed: ReadonlySet<string>): void;
  treeWidthChanged(px: number): void;
}

interface RowRefs {
  el: HTMLElement;
  indent: HTMLElement;
  depthChip: HTMLElement;
  chev: HTMLElement;
  badge: HTMLElement;
  name: HTMLElement;
  model: HTMLElement;
  orphan: HTMLElement;
  err: HTMLElement;
  tok: HTMLElement;
  dur: HTMLElement;
  bar: HTMLElement;
  barLabel: HTMLElement;
  id: string | null;
  ver: number;
}

export class Timeline {
  readonly el: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly windowEl: HTMLElement;
  private readonly axis: HTMLElement;
  private readonly splitter: HTMLElement;
  private readonly empty: HTMLElement;

  private tree: SpanTree | null = null;
  private rows: string[] = [];
  private rowIndex = new Map<string, number>();
  private posInSet = new Map<string, number>();
  private collapsed = new Set<string>();
  private selected: string | null = null;
  private matches: ReadonlySet<string> = new Set();
  private currentMatch: string | null = null;
  private query = "";
  private totalMs = 1;
  private stepMs = 1;

  private pool: RowRefs[] = [];
  private ver = 1;
  private frame = 0;
  private lastAxisWidth = -1;
  private indentCap = INDENT_CAP;

  constructor(private readonly events: TimelineEvents) {
    this.axis = h("div", { class: "tl-axis", "aria-hidden": "true" });
    const head = h(
      "div",
      { class: "tl-head", "aria-hidden": "true" },
      h("div", { class: "tl-tree tl-head-tree" }, h("span", { class: "tl-head-name" }, "Span"), h("span", { class: "tl-tok" }, "Tokens"), h("span", { class: "tl-dur" }, "Duration")),
      h("div", { class: "tl-wf" }, h("div", { class: "tl-track" }, this.axis)),
    );
    this.windowEl = h("div", { class: "tl-window", role: "presentation" });
    this.canvas = h("div", { class: "tl-canvas", role: "presentation" }, this.windowEl);
    this.scroller = h("div", { class: "tl-scroll", role: "tree", tabindex: "0", "aria-label": "Spans" }, head, this.canvas);
    this.splitter = h("div", { class: "tl-split", role: "separator", "aria-orientation": "vertical", "aria-label": "Resize the span column", tabindex: "-1" });
    this.empty = h("div", { class: "tl-empty muted", hidden: true });
    this.el = h("div", { class: "tl" }, this.scroller, this.splitter, this.empty);

    this.scroller.addEventListener("scroll", () => this.schedule(), { passive: true });
    this.scroller.addEventListener("keydown", (e) => this.onKey(e));
    this.scroller.addEventListener("click", (e) => this.onClick(e));
    this.scroller.addEventListener("mouseover", (e) => {
      const row = e.target instanceof Element ? e.target.closest<HTMLElement>(".tl-row") : null;
      if (row && !row.hasAttribute("title") && row.dataset.id) row.title = this.rowTitle(row.dataset.id);
    });
    this.scroller.addEventListener("dblclick", (e) => {
      const id = this.rowIdAt(e.target);
      if (id !== null && this.hasChildren(id)) this.toggle(id);
    });
    this.scroller.addEventListener("focus", () => {
      if (this.selected === null && this.rows.length > 0) this.userSelect(this.rows[0]!);
    });
    new ResizeObserver(() => {
      this.clampTreeWidth();
      this.schedule();
    }).observe(this.scroller);
    this.initSplitter();
  }

  // ─── data ──────────────────────────────────────────────────────────────────

  setTree(tree: SpanTree, collapsed: ReadonlySet<string>): void {
    this.tree = tree;
    this.collapsed = new Set(collapsed);
    this.posInSet = new Map();
    for (const r of [tree.roots, ...tree.children.values()]) r.forEach((id, i) => this.posInSet.set(id, i + 1));
    const prevTotal = this.totalMs;
    this.totalMs = Math.max(spanExtentMs(tree), 1e-3);
    if (prevTotal !== this.totalMs) this.lastAxisWidth = -1;
    if (this.selected !== null && !tree.byId.has(this.selected)) this.selected = null;
    this.reflatten();
  }

  /** The trace's duration, when it is longer than the spans' extent (in-progress traces). */
  setTotalMs(ms: number): void {
    const t = Math.max(ms, this.tree ? spanExtentMs(this.tree) : 0, 1e-3);
    if (t !== this.totalMs) {
      this.totalMs = t;
      this.lastAxisWidth = -1;
      this.bump();
    }
  }

  setEmptyMessage(text: string | null): void {
    this.empty.hidden = text === null;
    this.empty.textContent = text ?? "";
  }

  getCollapsed(): ReadonlySet<string> {
    return this.collapsed;
  }

  visibleRows(): readonly string[] {
    return this.rows;
  }

  focus(): void {
    this.scroller.focus({ preventScroll: true });
  }

  setTreeWidth(px: number | null): void {
    if (px === null) this.el.style.removeProperty("--tree-w");
    else this.el.style.setProperty("--tree-w", `${px}px`);
    this.clampTreeWidth();
  }

  private reflatten(): void {
    this.rows = this.tree ? flattenVisible(this.tree, this.collapsed) : [];
    this.rowIndex = new Map();
    for (let i = 0; i < this.rows.length; i++) this.rowIndex.set(this.rows[i]!, i);
    this.canvas.style.height = `${this.rows.length * ROW_H}px`;
    this.bump();
  }

  private bump(): void {
    this.ver++;
    this.schedule();
  }

  // ─── selection, collapse, search ──────────────────────────────────────────

  getSelected(): string | null {
    return this.selected;
  }

  /** Selects (programmatically), expanding ancestors so the row is visible; no select event. */
  select(id: string | null, scroll = true): void {
    if (id !== null && this.tree && !this.tree.byId.has(id)) id = null;
    this.selected = id;
    if (id !== null) {
      this.revealRow(id);
      if (scroll) this.scrollToRow(id);
    }
    this.bump();
  }

  private userSelect(id: string): void {
    if (id === this.selected) return;
    this.select(id);
    this.events.select(id);
  }

  /** Expands every collapsed ancestor of `id`. */
  revealRow(id: string): void {
    if (!this.tree) return;
    let changed = false;
    for (const a of ancestorsOf(this.tree, id)) if (this.collapsed.delete(a)) changed = true;
    if (changed) {
      this.reflatten();
      this.events.collapsedChanged(this.collapsed);
    }
  }

  revealRows(ids: Iterable<string>): void {
    if (!this.tree) return;
    let changed = false;
    for (const id of ids) for (const a of ancestorsOf(this.tree, id)) if (this.collapsed.delete(a)) changed = true;
    if (changed) {
      this.reflatten();
      this.events.collapsedChanged(this.collapsed);
    }
  }

  private hasChildren(id: string): boolean {
    return this.tree !== null && childrenOf(this.tree, id).length > 0;
  }

  toggle(id: string, collapse = !this.collapsed.has(id)): void {
    if (!this.hasChildren(id)) return;
    if (collapse === this.collapsed.has(id)) return;
    if (collapse) this.collapsed.add(id);
    else this.collapsed.delete(id);
    // keep the selection visible: collapsing an ancestor of the selected row selects it
    if (collapse && this.selected !== null && this.tree && ancestorsOf(this.tree, this.selected).includes(id)) {
      this.selected = id;
      this.events.select(id);
    }
    this.reflatten();
    this.events.collapsedChanged(this.collapsed);
  }

  /** Collapses every span that has children, except the roots. */
  collapseAll(): void {
    if (!this.tree) return;
    this.collapsed = new Set();
    const roots = new Set(this.tree.roots);
    for (const id of this.tree.children.keys()) if (!roots.has(id)) this.collapsed.add(id);
    if (this.selected !== null && !roots.has(this.selected)) {
      const chain = ancestorsOf(this.tree, this.selected);
      // the nearest ancestor that stays visible: a root's direct child
      const visible = chain.length >= 2 ? chain[chain.length - 2]! : this.selected;
      if (visible !== this.selected) {
        this.selected = visible;
        this.events.select(visible);
      }
    }
    this.reflatten();
    this.events.collapsedChanged(this.collapsed);
    if (this.selected) this.scrollToRow(this.selected);
  }

  expandAll(): void {
    this.collapsed = new Set();
    this.reflatten();
    this.events.collapsedChanged(this.collapsed);
    if (this.selected) this.scrollToRow(this.selected);
  }

  /** Highlights search matches; `current` is the focused one. */
  setMatches(matches: ReadonlySet<string>, current: string | null, query: string): void {
    this.matches = matches;
    this.currentMatch = current;
    this.query = query.toLowerCase();
    this.bump();
  }

  scrollToRow(id: string): void {
    const i = this.rowIndex.get(id);
    if (i === undefined) return;
    const view = this.scroller.clientHeight - HEAD_H;
    const top = i * ROW_H;
    const st = this.scroller.scrollTop;
    if (top < st) this.scroller.scrollTop = top;
    else if (top + ROW_H > st + view) this.scroller.scrollTop = top + ROW_H - view;
    this.schedule();
  }

  // ─── input ─────────────────────────────────────────────────────────────────

  private rowIdAt(target: EventTarget | null): string | null {
    const row = target instanceof Element ? target.closest<HTMLElement>(".tl-row") : null;
    return row?.dataset.id ?? null;
  }

  private onClick(e: MouseEvent): void {
    const id = this.rowIdAt(e.target);
    if (id === null) return;
    if (e.target instanceof Element && e.target.closest(".tl-chev")) {
      this.toggle(id);
      return;
    }
    this.userSelect(id);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const n = this.rows.length;
    if (n === 0) return;
    const cur = this.selected !== null ? (this.rowIndex.get(this.selected) ?? -1) : -1;
    const page = Math.max(1, Math.floor((this.scroller.clientHeight - HEAD_H) / ROW_H) - 1);
    const go = (i: number) => this.userSelect(this.rows[Math.max(0, Math.min(n - 1, i))]!);
    let handled = true;
    switch (e.key) {
      case "ArrowDown":
        go(cur + 1);
        break;
      case "ArrowUp":
        go(cur < 0 ? 0 : cur - 1);
        break;
      case "Home":
        go(0);
        break;
      case "End":
        go(n - 1);
        break;
      case "PageDown":
        go(cur + page);
        break;
      case "PageUp":
        go(cur - page);
        break;
      case "ArrowRight": {
        if (cur < 0) go(0);
        else {
          const id = this.rows[cur]!;
          if (this.hasChildren(id)) {
            if (this.collapsed.has(id)) this.toggle(id, false);
            else go(cur + 1);
          }
        }
        break;
      }
      case "ArrowLeft": {
        if (cur < 0) go(0);
        else {
          const id = this.rows[cur]!;
          if (this.hasChildren(id) && !this.collapsed.has(id)) this.toggle(id, true);
          else {
            const p = this.tree?.parentOf.get(id) ?? null;
            if (p !== null) this.userSelect(p);
          }
        }
        break;
      }
      case "Enter":
        if (this.selected !== null) this.events.open(this.selected);
        break;
      case "*":
        if (this.selected !== null) this.expandSubtree(this.selected);
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  }

  private expandSubtree(id: string): void {
    if (!this.tree) return;
    const stack = [id];
    while (stack.length > 0) {
      const x = stack.pop()!;
      this.collapsed.delete(x);
      for (const c of childrenOf(this.tree, x)) stack.push(c);
    }
    this.reflatten();
    this.events.collapsedChanged(this.collapsed);
  }

  private initSplitter(): void {
    let startX = 0;
    let startW = 0;
    this.splitter.addEventListener("pointerdown", (e) => {
      startX = e.clientX;
      startW = this.treeWidth();
      this.splitter.setPointerCapture(e.pointerId);
      this.el.classList.add("resizing");
      e.preventDefault();
    });
    this.splitter.addEventListener("pointermove", (e) => {
      if (!this.splitter.hasPointerCapture(e.pointerId)) return;
      this.el.style.setProperty("--tree-w", `${this.clampW(startW + e.clientX - startX)}px`);
      this.lastAxisWidth = -1;
      this.schedule();
    });
    const end = (e: PointerEvent) => {
      if (!this.splitter.hasPointerCapture(e.pointerId)) return;
      this.splitter.releasePointerCapture(e.pointerId);
      this.el.classList.remove("resizing");
      this.events.treeWidthChanged(this.treeWidth());
    };
    this.splitter.addEventListener("pointerup", end);
    this.splitter.addEventListener("pointercancel", end);
  }

  private treeWidth(): number {
    const cell = this.scroller.querySelector<HTMLElement>(".tl-head-tree");
    return cell ? cell.getBoundingClientRect().width : MIN_TREE_W;
  }

  private clampW(px: number): number {
    const total = this.scroller.clientWidth;
    return Math.max(MIN_TREE_W, Math.min(px, Math.max(MIN_TREE_W, total - MIN_WF_W)));
  }

  private clampTreeWidth(): void {
    const v = this.el.style.getPropertyValue("--tree-w");
    if (!v) return;
    const px = parseFloat(v);
    const c = this.clampW(px);
    if (c !== px) this.el.style.setProperty("--tree-w", `${c}px`);
  }

  // ─── rendering ────────────────────────────────────────────────────────────

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Renders now (tests and first paint). */
  renderNow(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.render();
  }

  private render(): void {
    this.renderAxis();
    const top = this.scroller.scrollTop;
    const view = Math.max(this.scroller.clientHeight - HEAD_H, ROW_H * 10);
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + view) / ROW_H) + OVERSCAN);
    const count = Math.max(0, last - first);
    while (this.pool.length < count) {
      const r = this.makeRow();
      this.pool.push(r);
      this.windowEl.append(r.el);
    }
    while (this.pool.length > count) this.pool.pop()!.el.remove();
    this.windowEl.style.transform = `translateY(${first * ROW_H}px)`;
    for (let i = 0; i < count; i++) this.fill(this.pool[i]!, this.rows[first + i]!);
    const sel = this.selected !== null ? this.rowIndex.get(this.selected) : undefined;
    if (sel !== undefined && sel >= first && sel < last) this.scroller.setAttribute("aria-activedescendant", rowDomId(this.selected!));
    else this.scroller.removeAttribute("aria-activedescendant");
  }

  private renderAxis(): void {
    const w = this.axis.clientWidth;
    if (w === this.lastAxisWidth) return;
    this.lastAxisWidth = w;
    const cell = this.scroller.querySelector<HTMLElement>(".tl-head-tree");
    if (cell) {
      this.splitter.style.left = `${cell.offsetLeft + cell.offsetWidth - 3}px`;
      const cap = Math.max(3, Math.min(INDENT_CAP, Math.floor((cell.offsetWidth * 0.3) / INDENT)));
      if (cap !== this.indentCap) {
        this.indentCap = cap;
        this.ver++;
      }
    }
    const maxTicks = Math.max(2, Math.floor(w / 64));
    const step = niceStep(this.totalMs, maxTicks);
    this.stepMs = step;
    this.el.style.setProperty("--tick-pct", `${(step / this.totalMs) * 100}%`);
    this.axis.replaceChildren();
    for (let t = 0, i = 0; t <= this.totalMs + 1e-9 && i < 200; t = step * ++i) {
      const pct = (t / this.totalMs) * 100;
      const label = fmtTick(t, this.stepMs, this.totalMs);
      // no label running past the track's right margin (~12 px); its gridline is still drawn by the rows
      if ((pct / 100) * w + label.length * 6.5 + 4 > w + 12) continue;
      const tick = h("span", { class: "tl-tick" }, label);
      tick.style.left = `${pct}%`;
      this.axis.append(tick);
    }
  }

  private makeRow(): RowRefs {
    const indent = h("span", { class: "tl-indent" });
    const depthChip = h("span", { class: "tl-depth" });
    const chev = h("span", { class: "tl-chev" });
    const badge = h("span", { class: "type-badge" });
    const name = h("span", { class: "tl-name" });
    const model = h("span", { class: "tl-model" });
    const orphan = h("span", { class: "tl-orphan", title: "Orphan: its parent span is not in this trace (shown under the root)" }, "orphan");
    const err = h("span", { class: "tl-err", title: "Error" }, icon("error"));
    const tok = h("span", { class: "tl-tok" });
    const dur = h("span", { class: "tl-dur" });
    const bar = h("span", { class: "tl-bar" });
    const barLabel = h("span", { class: "tl-bar-label" });
    const el = h(
      "div",
      { class: "tl-row", role: "treeitem" },
      h("div", { class: "tl-tree" }, indent, depthChip, chev, badge, h("span", { class: "tl-label" }, name, err, orphan, model), tok, dur),
      h("div", { class: "tl-wf", "aria-hidden": "true" }, h("div", { class: "tl-track" }, bar, barLabel)),
    );
    return { el, indent, depthChip, chev, badge, name, model, orphan, err, tok, dur, bar, barLabel, id: null, ver: 0 };
  }

  private fill(r: RowRefs, id: string): void {
    if (r.id === id && r.ver === this.ver) return;
    r.id = id;
    r.ver = this.ver;
    const tree = this.tree!;
    const s: SpanSkeleton = tree.byId.get(id)!;
    const depth = tree.depth.get(id) ?? 0;
    const kids = childrenOf(tree, id);
    const hasKids = kids.length > 0;
    const open = hasKids && !this.collapsed.has(id);
    const isErr = s.statusCode === "ERROR";
    const el = r.el;
    el.id = rowDomId(id);
    el.dataset.id = id;
    el.className = `tl-row t-${s.spanType}${isErr ? " error" : ""}${id === this.selected ? " selected" : ""}${this.matches.has(id) ? " match" : ""}${id === this.currentMatch ? " current" : ""}`;
    el.setAttribute("aria-level", String(depth + 1));
    el.setAttribute("aria-selected", String(id === this.selected));
    el.setAttribute("aria-setsize", String(depth === 0 ? tree.roots.length : childrenOf(tree, tree.parentOf.get(id) ?? "").length));
    el.setAttribute("aria-posinset", String(this.posInSet.get(id) ?? 1));
    if (hasKids) el.setAttribute("aria-expanded", String(open));
    else el.removeAttribute("aria-expanded");
    el.removeAttribute("title"); // set on hover (rowTitle), not for every row on every scroll

    const cap = this.indentCap;
    r.indent.style.width = `${Math.min(depth, cap) * INDENT}px`;
    r.depthChip.hidden = depth <= cap;
    if (depth > cap) {
      r.depthChip.textContent = `L${depth}`;
      r.depthChip.title = `Nesting level ${depth}`;
    }
    r.chev.classList.toggle("leaf", !hasKids);
    r.chev.classList.toggle("open", open);
    r.badge.textContent = TYPE_LABEL[s.spanType];
    this.fillName(r.name, s.name);
    r.model.textContent = s.model ?? "";
    r.model.hidden = !s.model || s.model === s.name;
    r.orphan.hidden = !tree.orphanIds.has(id);
    r.err.hidden = !isErr;
    r.tok.textContent = s.totalTokens !== null && s.totalTokens > 0 ? fmtCompact(s.totalTokens) : "";
    r.dur.textContent = fmtDuration(s.durationMs);

    const start = Math.max(0, s.startMs) / this.totalMs;
    const width = Math.max(0, s.durationMs) / this.totalMs;
    r.bar.style.left = `${start * 100}%`;
    r.bar.style.width = `${Math.min(width, 1 - start) * 100}%`;
    r.barLabel.textContent = fmtDuration(s.durationMs);
    const end = start + width;
    const lbl = r.barLabel.style;
    if (end < 0.8) {
      // after the bar
      lbl.left = `calc(${end * 100}% + 4px)`;
      lbl.right = "";
      r.barLabel.className = "tl-bar-label";
    } else if (start > 0.2) {
      // before the bar
      lbl.left = "";
      lbl.right = `calc(${(1 - start) * 100}% + 4px)`;
      r.barLabel.className = "tl-bar-label";
    } else {
      // a long bar: inside it
      lbl.left = `calc(${start * 100}% + 6px)`;
      lbl.right = "";
      r.barLabel.className = "tl-bar-label inside";
    }
  }

  /** The tooltip of a row, built when the pointer enters it. */
  private rowTitle(id: string): string {
    const tree = this.tree;
    const s = tree?.byId.get(id);
    if (!tree || !s) return "";
    const kids = childrenOf(tree, id).length;
    const lines = [
      s.name,
      `${TYPE_TITLE[s.spanType]}${s.model ? ` · ${s.model}` : ""}`,
      `start +${fmtDuration(s.startMs)} · duration ${fmtDuration(s.durationMs)}${s.totalTokens !== null ? ` · ${fmtInt(s.totalTokens)} tokens` : ""}`,
    ];
    if (s.statusCode === "ERROR") lines.push("status: ERROR");
    if (tree.orphanIds.has(id)) lines.push(`orphan: parent ${s.parentSpanId ?? "?"} is not in this trace`);
    if (kids > 0) lines.push(`${kids} child span${kids === 1 ? "" : "s"}`);
    return lines.join("\n");
  }

  private fillName(el: HTMLElement, name: string): void {
    const q = this.query;
    const i = q ? name.toLowerCase().indexOf(q) : -1;
    if (i < 0) {
      if (el.childElementCount > 0 || el.textContent !== name) el.textContent = name;
      return;
    }
    el.replaceChildren(name.slice(0, i), h("mark", {}, name.slice(i, i + q.length)), name.slice(i + q.length));
  }
}

export function rowDomId(spanId: string): string {
  return `span-row-${spanId}`;
}
