/** One aligned row of the compare panel: left span | what changed | right span. Text only. */
import { formatDuration, formatDurationDelta, formatRatio, formatTokens, formatTokensDelta } from "../../protocol/format";
import type { SpanRecord, SpanType } from "../../protocol/model";
import { latencyVerdict, spanDurationMs, type AlignedRow, type ValueChange } from "../../protocol/traceAlign";
import { h } from "../lib/dom";

const TYPE_LABEL: Record<SpanType, string> = {
  LLM: "LLM",
  CHAT_MODEL: "CHAT",
  RETRIEVER: "RETR",
  TOOL: "TOOL",
  AGENT: "AGENT",
  CHAIN: "CHAIN",
  EMBEDDING: "EMB",
  RERANKER: "RANK",
  PARSER: "PARSE",
  MEMORY: "MEM",
  GUARDRAIL: "GUARD",
  EVALUATOR: "EVAL",
  UNKNOWN: "SPAN",
};

export function typeTag(t: SpanType): HTMLElement {
  return h("span", { class: `span-type type-${t.toLowerCase()}`, title: t }, TYPE_LABEL[t]);
}

export function rowKey(r: AlignedRow): string {
  return `${r.left?.spanId ?? "-"}:${r.right?.spanId ?? "-"}`;
}

const INDENT_PX = 14;
const MAX_INDENT_LEVELS = 24;

function side(span: SpanRecord | null, depth: number, which: "a" | "b", gapTitle: string): HTMLElement {
  if (!span) return h("div", { class: `cmp-cell cmp-${which} gap`, title: gapTitle });
  const tokens = span.usage?.totalTokens ?? null;
  const cell = h(
    "div",
    { class: `cmp-cell cmp-${which}` },
    typeTag(span.spanType),
    h("span", { class: "cmp-span-name", title: span.name }, span.name || "(unnamed span)"),
    span.statusCode === "ERROR" ? h("span", { class: "cmp-err", title: span.statusMessage || "Error" }, "✕") : null,
    h("span", { class: "cmp-num cmp-tok" }, tokens !== null ? formatTokens(tokens) : ""),
    h("span", { class: "cmp-num cmp-dur" }, formatDuration(spanDurationMs(span))),
  );
  // CSSOM, not a style attribute: allowed by the webview CSP
  cell.style.paddingLeft = `${6 + Math.min(depth, MAX_INDENT_LEVELS) * INDENT_PX}px`;
  return cell;
}

const CHANGE_TEXT: Record<ValueChange, string> = {
  same: "same",
  changed: "changed",
  "only-left": "only in A",
  "only-right": "only in B",
  none: "none",
};

function marker(label: string, c: ValueChange): HTMLElement {
  return h("span", { class: `mk mk-${c}`, title: `${label === "in" ? "Inputs" : "Outputs"}: ${CHANGE_TEXT[c]}` }, label);
}

function middle(r: AlignedRow): HTMLElement {
  const c = r.changes;
  const both = r.left !== null && r.right !== null;
  const status =
    both && c.status === "changed"
      ? h("span", { class: "mk mk-status", title: `Status: ${r.left?.statusCode} → ${r.right?.statusCode}` }, `${r.left?.statusCode}→${r.right?.statusCode}`)
      : null;
  let latency: HTMLElement | null = null;
  if (both && c.latencyDeltaMs !== null) {
    const v = latencyVerdict(c);
    latency = h(
      "span",
      { class: `cmp-delta lat-${v}`, title: `Latency ${formatDurationDelta(c.latencyDeltaMs)} (${formatRatio(c.latencyRatio)})` },
      v === "same" ? "" : `${formatDurationDelta(c.latencyDeltaMs)}`,
    );
  }
  const tok =
    both && c.tokensDelta !== null && c.tokensDelta !== 0
      ? h("span", { class: `cmp-delta ${c.tokensDelta > 0 ? "worse" : "better"}`, title: "Total tokens, B − A" }, `${formatTokensDelta(c.tokensDelta)} tok`)
      : null;
  const gap = !both ? h("span", { class: `cmp-only ${r.left ? "only-a" : "only-b"}` }, r.left ? "only in A" : "only in B") : null;
  return h("div", { class: "cmp-mid" }, marker("in", c.inputs), marker("out", c.outputs), gap, status, latency, tok);
}

export interface RowState {
  selected: boolean;
}

export function renderAlignedRow(r: AlignedRow, index: number, s: RowState): HTMLElement {
  const kind = !r.left ? "only-b" : !r.right ? "only-a" : "both";
  const el = h(
    "div",
    {
      class: `cmp-row ${kind}${s.selected ? " selected" : ""}`,
      role: "option",
      id: `row-${index}`,
      "aria-selected": s.selected ? "true" : "false",
    },
    side(r.left, r.depth, "a", "Not in A"),
    middle(r),
    side(r.right, r.depth, "b", "Not in B"),
  );
  el.dataset.key = rowKey(r);
  return el;
}
