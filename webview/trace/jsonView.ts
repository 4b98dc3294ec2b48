/**
 * A JSON value as collapsible, pretty-printed text. Untrusted content only ever reaches the DOM
 * as text nodes. Media (see protocol/mediaRefs) shows as `[image/png, 12.3 KB]` chips; long
 * strings are cut with a "show all" toggle; big arrays/objects show their first items with
 * "show more"; collapsed nodes render their children only when first expanded.
 */
import { isMediaRef, type MediaRef } from "../../protocol/mediaRefs";
import { h } from "../lib/dom";

export interface JsonViewOptions {
  /** Nodes shallower than this start expanded. Default 3. */
  expandDepth?: number;
  /** Strings longer than this are cut. Default 2000 characters. */
  maxString?: number;
  /** Children shown before "show more". Default 100. */
  maxItems?: number;
  /** Lines rendered expanded up front; past this budget nodes start collapsed. Default 1500. */
  budget?: number;
}

const DEFAULTS: Required<JsonViewOptions> = { expandDepth: 3, maxString: 2000, maxItems: 100, budget: 1500 };

/** The media chip: `[image/png, 12.3 KB]`. */
export function mediaChip(ref: MediaRef): HTMLElement {
  return h("span", { class: "media-ref", title: `${ref.mime}, ${ref.bytes.toLocaleString("en-US")} bytes (${ref.source}); not shown inline` }, ref.label());
}

/** A long text, cut at `max` characters with a toggle to show all / less. */
export function longText(text: string, max: number, cls = ""): HTMLElement {
  const el = h("span", { class: `long-text ${cls}`.trim() });
  if (text.length <= max) {
    el.textContent = text;
    return el;
  }
  const body = document.createTextNode(text.slice(0, max));
  const more = h("button", { type: "button", class: "link show-all" });
  let open = false;
  const update = () => {
    body.textContent = open ? text : text.slice(0, max);
    more.textContent = open ? "show less" : `… show all (${(text.length - max).toLocaleString("en-US")} more chars)`;
  };
  more.addEventListener("click", (e) => {
    e.stopPropagation();
    open = !open;
    update();
  });
  update();
  el.append(body, more);
  return el;
}

function scalar(v: unknown, o: Required<JsonViewOptions>): HTMLElement {
  if (isMediaRef(v)) return mediaChip(v);
  if (typeof v === "string") {
    const s = h("span", { class: "jv-str" });
    s.append('"', longText(v, o.maxString), '"');
    return s;
  }
  if (typeof v === "number") return h("span", { class: "jv-num" }, String(v));
  if (typeof v === "boolean") return h("span", { class: "jv-bool" }, String(v));
  if (v === null) return h("span", { class: "jv-null" }, "null");
  if (v === undefined) return h("span", { class: "jv-null" }, "undefined");
  return h("span", { class: "jv-str" }, String(v));
}

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === "object" && v !== null && !isMediaRef(v);
}

function entriesOf(v: Record<string, unknown> | unknown[]): Array<[string | null, unknown]> {
  if (Array.isArray(v)) return v.map((x) => [null, x]);
  return Object.keys(v).map((k) => [k, v[k]]);
}

function node(key: string | null, v: unknown, depth: number, last: boolean, o: Required<JsonViewOptions>): HTMLElement {
  o.budget--;
  const line = h("div", { class: "jv-line" });
  const keyEl = key !== null ? h("span", { class: "jv-key" }, JSON.stringify(key)) : null;
  const comma = last ? null : h("span", { class: "jv-punct" }, ",");
  if (!isContainer(v)) {
    line.append(h("span", { class: "jv-toggle-spacer" }));
    if (keyEl) line.append(keyEl, h("span", { class: "jv-punct" }, ": "));
    // the comma flows right after the value, even when a long string wraps
    line.append(h("span", { class: "jv-val" }, scalar(v, o), comma));
    return line;
  }
  const arr = Array.isArray(v);
  const entries = entriesOf(v);
  const open = arr ? "[" : "{";
  const close = arr ? "]" : "}";
  if (entries.length === 0) {
    line.append(h("span", { class: "jv-toggle-spacer" }));
    if (keyEl) line.append(keyEl, h("span", { class: "jv-punct" }, ": "));
    line.append(h("span", { class: "jv-punct" }, open + close));
    if (comma) line.append(comma);
    return line;
  }
  const wrap = h("div", { class: "jv-node" });
  const toggle = h("button", { type: "button", class: "jv-toggle", "aria-label": "Toggle" });
  const summary = h(
    "span",
    { class: "jv-summary" },
    arr ? ` ${entries.length} item${entries.length === 1 ? "" : "s"} ` : ` ${entries.length} key${entries.length === 1 ? "" : "s"} `,
  );
  const head = h("div", { class: "jv-line jv-head" }, toggle);
  if (keyEl) head.append(keyEl, h("span", { class: "jv-punct" }, ": "));
  head.append(h("span", { class: "jv-punct" }, open), summary, h("span", { class: "jv-punct jv-close-inline" }, close));
  if (comma) head.append(h("span", { class: "jv-punct jv-close-inline" }, ","));
  const children = h("div", { class: "jv-children" });
  const tail = h("div", { class: "jv-line jv-tail" }, h("span", { class: "jv-toggle-spacer" }), h("span", { class: "jv-punct" }, close));
  if (comma) tail.append(comma);
  let rendered = 0;
  const renderMore = (): void => {
    const end = Math.min(entries.length, rendered + o.maxItems);
    const frag = document.createDocumentFragment();
    for (let i = rendered; i < end; i++) {
      const [k, x] = entries[i]!;
      frag.append(node(k, x, depth + 1, i === entries.length - 1, o));
    }
    rendered = end;
    children.querySelector(":scope > .jv-more")?.remove();
    children.append(frag);
    if (rendered < entries.length) {
      const more = h("button", { type: "button", class: "link jv-more" }, `show ${Math.min(o.maxItems, entries.length - rendered)} more of ${entries.length - rendered}…`);
      more.addEventListener("click", renderMore);
      children.append(more);
    }
  };
  let expanded = false;
  const setExpanded = (x: boolean): void => {
    expanded = x;
    if (x && rendered === 0) renderMore();
    wrap.classList.toggle("collapsed", !x);
    toggle.setAttribute("aria-expanded", String(x));
  };
  toggle.addEventListener("click", () => setExpanded(!expanded));
  summary.addEventListener("click", () => setExpanded(!expanded));
  setExpanded(depth === 0 || (depth < o.expandDepth && entries.length <= 60 && o.budget > entries.length));
  wrap.append(head, children, tail);
  return wrap;
}

/** Renders any JSON value (after media replacement) as a collapsible tree of text. */
export function renderJson(value: unknown, opts: JsonViewOptions = {}): HTMLElement {
  const o = { ...DEFAULTS, ...opts };
  return h("div", { class: "json-view" }, node(null, value, 0, true, o));
}

/** Compact one-line text for table cells (media labels via toJSON). */
export function compactText(v: unknown): string {
  if (typeof v === "string") return v;
  if (isMediaRef(v)) return v.label();
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
