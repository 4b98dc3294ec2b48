/**
 * A fixed-row-height list that renders only the rows in view (plus some overscan) once it
 * holds more than `threshold` items; below that it renders every row. Rows are absolutely
 * positioned inside a sized spacer, placed through CSSOM (`el.style.top`), which the webview
 * CSP allows (unlike inline style attributes). Used by the Traces view and the compare panel.
 */

export interface VirtualListOptions<T> {
  /** The scrolling element (overflow: auto). */
  scroller: HTMLElement;
  /** A `position: relative` element inside the scroller; the list sizes it and fills it. */
  spacer: HTMLElement;
  rowHeight: number;
  /** Render every row up to this many items; virtualize beyond. */
  threshold?: number;
  /** Extra rows rendered above and below the viewport. */
  overscan?: number;
  render: (item: T, index: number) => HTMLElement;
  /**
   * Updates a rendered row in place for a state change (selection, focus). Re-rendering
   * instead would replace the node under the pointer between mousedown and mouseup, and the
   * browser would then send the click to the spacer instead of the row.
   */
  patch?: (el: HTMLElement, item: T, index: number) => void;
}

export class VirtualList<T> {
  private items: readonly T[] = [];
  private rowH: number;
  private readonly threshold: number;
  private readonly overscan: number;
  private first = -1;
  private last = -1;
  private frame = 0;

  constructor(private readonly o: VirtualListOptions<T>) {
    this.rowH = o.rowHeight;
    this.threshold = o.threshold ?? 200;
    this.overscan = o.overscan ?? 12;
    o.scroller.addEventListener("scroll", () => this.schedule(), { passive: true });
  }

  get length(): number {
    return this.items.length;
  }

  get rowHeight(): number {
    return this.rowH;
  }

  get virtualized(): boolean {
    return this.items.length > this.threshold;
  }

  /** Replaces the items and re-renders the visible window. */
  setItems(items: readonly T[]): void {
    this.items = items;
    this.o.spacer.style.height = `${items.length * this.rowH}px`;
    this.render(true);
  }

  setRowHeight(h: number): void {
    if (!(h > 0) || h === this.rowH) return;
    const top = this.firstVisible();
    this.rowH = h;
    this.o.spacer.style.height = `${this.items.length * h}px`;
    this.o.scroller.scrollTop = top.index * h + top.offset;
    this.render(true);
  }

  /** Re-renders the rows in view (after a data change). */
  refresh(): void {
    this.render(true);
  }

  /** Updates the rows in view in place (after a selection or focus change). */
  refreshState(): void {
    const patch = this.o.patch;
    if (!patch) return this.render(true);
    for (const el of this.o.spacer.children) {
      if (!(el instanceof HTMLElement)) continue;
      const i = Number(el.dataset.index);
      const item = this.items[i];
      if (item !== undefined) patch(el, item, i);
    }
  }

  /** The first row (partly) in view and how far the viewport top is into it. */
  firstVisible(): { index: number; offset: number } {
    const top = Math.max(0, this.o.scroller.scrollTop - this.o.spacer.offsetTop);
    const index = Math.min(Math.floor(top / this.rowH), Math.max(0, this.items.length - 1));
    return { index, offset: top - index * this.rowH };
  }

  /** Scrolls so that the row at `index` sits `offset` px above the viewport top. */
  scrollToRow(index: number, offset = 0): void {
    this.o.scroller.scrollTop = this.o.spacer.offsetTop + index * this.rowH + offset;
    this.render(false);
  }

  /** Scrolls the minimum needed to show row `index` entirely. */
  ensureVisible(index: number): void {
    if (index < 0 || index >= this.items.length) return;
    const s = this.o.scroller;
    const top = this.o.spacer.offsetTop + index * this.rowH;
    const bottom = top + this.rowH;
    if (top < s.scrollTop) s.scrollTop = top;
    else if (bottom > s.scrollTop + s.clientHeight) s.scrollTop = bottom - s.clientHeight;
    this.render(false);
  }

  /** How many rows fit in the viewport (for Page Up/Down). */
  pageSize(): number {
    return Math.max(1, Math.floor(this.o.scroller.clientHeight / this.rowH) - 1);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render(false);
    });
  }

  private render(force: boolean): void {
    const n = this.items.length;
    let first = 0;
    let last = n - 1;
    if (n > this.threshold) {
      const s = this.o.scroller;
      const top = s.scrollTop - this.o.spacer.offsetTop;
      first = Math.max(0, Math.floor(top / this.rowH) - this.overscan);
      last = Math.min(n - 1, Math.ceil((top + s.clientHeight) / this.rowH) + this.overscan);
    }
    if (!force && first === this.first && last === this.last) return;
    this.first = first;
    this.last = last;
    const frag = document.createDocumentFragment();
    for (let i = first; i <= last; i++) {
      const el = this.o.render(this.items[i] as T, i);
      el.style.top = `${i * this.rowH}px`;
      el.dataset.index = String(i);
      frag.append(el);
    }
    this.o.spacer.replaceChildren(frag);
  }
}
