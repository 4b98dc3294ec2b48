/**
 * The compare panel's detail pane: the selected row's two spans, their facts, and their
 * inputs/outputs side by side as text with a line diff. Untrusted content: text only.
 */
import { formatCost, formatDuration, formatDurationDelta, formatRatio, formatTokens } from "../../protocol/format";
import type { SpanRecord } from "../../protocol/model";
import { diffLines, displayText, type DiffLine } from "../../protocol/textDiff";
import { spanDurationMs, type AlignedRow, type ValueChange } from "../../protocol/traceAlign";
import { h } from "../lib/dom";
import { typeTag } from "./rows";

/** Lines rendered per diff before "show all"; keeps a multi-MB payload from freezing the panel. */
const MAX_LINES = 1500;
/** Unchanged runs longer than this are folded to their first/last CONTEXT lines. */
const CONTEXT = 3;

function facts(span: SpanRecord | null, label: "A" | "B"): HTMLElement {
  if (!span) return h("div", { class: "cmp-facts missing" }, h("span", { class: `cmp-tag tag-${label.toLowerCase()}` }, label), h("span", { class: "muted" }, `Not in ${label}`));
  const tokens = span.usage?.totalTokens ?? null;
  const bits = [
    formatDuration(spanDurationMs(span)),
    tokens !== null ? `${formatTokens(tokens)} tokens` : null,
    span.cost?.totalCost != null ? formatCost(span.cost.totalCost) : null,
    span.model,
  ].filter((x): x is string => !!x);
  return h(
    "div",
    { class: "cmp-facts" },
    h("span", { class: `cmp-tag tag-${label.toLowerCase()}` }, label),
    typeTag(span.spanType),
    h("span", { class: "cmp-facts-name" }, span.name || "(unnamed span)"),
    h("span", { class: `cmp-status ${span.statusCode === "ERROR" ? "st-error" : "st-ok"}` }, span.statusCode),
    h("span", { class: "muted" }, bits.join(" · ")),
  );
}

function errorLine(span: SpanRecord | null): HTMLElement | null {
  if (!span || span.statusCode !== "ERROR") return h("div", {});
  const msg = span.error?.message || span.statusMessage || "Error";
  return h("div", { class: "cmp-span-error" }, `${span.error?.type ? `${span.error.type}: ` : ""}${msg}`);
}

const BADGE: Record<ValueChange, string> = {
  same: "same",
  changed: "changed",
  "only-left": "only in A",
  "only-right": "only in B",
  none: "none",
};

function diffRow(l: DiffLine): HTMLElement[] {
  return [
    h("span", { class: `ln ${l.kind}` }, l.leftNo ?? ""),
    h("span", { class: `tx a ${l.kind}${l.left === null ? " empty" : ""}` }, l.left ?? ""),
    h("span", { class: `ln ${l.kind}` }, l.rightNo ?? ""),
    h("span", { class: `tx b ${l.kind}${l.right === null ? " empty" : ""}` }, l.right ?? ""),
  ];
}

/** Texts up to this many lines are never folded. */
const SHORT = 8;

/** Folds long unchanged runs; returns the items to show (lines or "n unchanged lines"). */
function fold(lines: DiffLine[], expand: boolean): Array<DiffLine | number> {
  if (expand || lines.length <= SHORT) return lines;
  const out: Array<DiffLine | number> = [];
  let i = 0;
  while (i < lines.length) {
    if ((lines[i] as DiffLine).kind !== "same") {
      out.push(lines[i] as DiffLine);
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && (lines[j] as DiffLine).kind === "same") j++;
    const run = j - i;
    const head = i === 0 ? 0 : CONTEXT;
    const tail = j === lines.length ? 0 : CONTEXT;
    if (run > head + tail + 2) {
      for (let k = i; k < i + head; k++) out.push(lines[k] as DiffLine);
      out.push(run - head - tail);
      for (let k = j - tail; k < j; k++) out.push(lines[k] as DiffLine);
    } else for (let k = i; k < j; k++) out.push(lines[k] as DiffLine);
    i = j;
  }
  return out;
}

function diffBlock(title: string, change: ValueChange, left: unknown, right: unknown, id: string): HTMLElement {
  const a = displayText(left);
  const b = displayText(right);
  const section = h("section", { class: "cmp-io", id });
  const head = h("h3", {}, title, h("span", { class: `chip chip-${change}` }, BADGE[change]));
  if (a === "" && b === "") {
    section.append(head, h("p", { class: "muted cmp-none" }, `No ${title.toLowerCase()} on either side.`));
    return section;
  }
  const d = diffLines(a, b);
  let expanded = false;
  let showAll = false;
  const grid = h("div", { class: "diff", role: "table", "aria-label": `${title}: A and B side by side` });
  const controls = h("span", { class: "cmp-io-controls" });
  const render = (): void => {
    const items = fold(d.lines, expanded);
    const shown = showAll ? items : items.slice(0, MAX_LINES);
    const cells: HTMLElement[] = [];
    for (const it of shown) {
      if (typeof it === "number") {
        const btn = h("button", { type: "button", class: "fold" }, `⋯ ${it} unchanged line${it === 1 ? "" : "s"}`);
        btn.addEventListener("click", () => {
          expanded = true;
          render();
        });
        cells.push(btn);
      } else cells.push(...diffRow(it));
    }
    if (shown.length < items.length) {
      const more = h("button", { type: "button", class: "fold" }, `Show all ${items.length.toLocaleString("en-US")} lines`);
      more.addEventListener("click", () => {
        showAll = true;
        render();
      });
      cells.push(more);
    }
    grid.replaceChildren(...cells);
    controls.replaceChildren();
    if (d.lines.length > SHORT && (expanded || items.some((x) => typeof x === "number"))) {
      const t = h("button", { type: "button", class: "link" }, expanded ? "Fold unchanged lines" : "Show all lines");
      t.addEventListener("click", () => {
        expanded = !expanded;
        render();
      });
      controls.append(t);
    }
  };
  render();
  const summary =
    d.changes === 0 ? "identical" : `${d.changes} line${d.changes === 1 ? "" : "s"} differ${d.changes === 1 ? "s" : ""}${d.method === "greedy" ? " (approximate)" : ""}`;
  head.append(h("span", { class: "muted cmp-io-summary" }, summary), controls);
  section.append(head, grid);
  return section;
}

export function renderDetail(row: AlignedRow | null): HTMLElement[] {
  if (!row) return [h("p", { class: "muted cmp-detail-empty" }, "Select a row to compare its spans' inputs and outputs.")];
  const c = row.changes;
  const lat =
    row.left && row.right && c.latencyDeltaMs !== null
      ? h("span", { class: "muted" }, `Latency ${formatDurationDelta(c.latencyDeltaMs)} (${formatRatio(c.latencyRatio)})`)
      : null;
  return [
    h("div", { class: "cmp-detail-head" }, facts(row.left, "A"), facts(row.right, "B")),
    row.left?.statusCode === "ERROR" || row.right?.statusCode === "ERROR" ? h("div", { class: "cmp-detail-head" }, errorLine(row.left), errorLine(row.right)) : null,
    lat ? h("div", { class: "cmp-detail-latency" }, lat) : null,
    diffBlock("Inputs", c.inputs, row.left?.inputs, row.right?.inputs, "diff-inputs"),
    diffBlock("Outputs", c.outputs, row.left?.outputs, row.right?.outputs, "diff-outputs"),
  ].filter((x): x is HTMLElement => x !== null);
}
