/**
 * The detail pane of the selected row: the trace (from the table, at once), then — once the host
 * sent the full row — each feedback (name, value, rationale, source, metadata; for errors the
 * type, message and stack trace; for an LLM judge's, its model, tokens and cost and a button that
 * opens the judge call's own trace), then the lines the scorers printed. Everything here is user
 * code or LLM output: text only, through h().
 */
import { formatDuration } from "../../protocol/format";
import { NO_TRACE_STATE, type FeedbackResult, type RunResultRow } from "../../protocol/scoring";
import { h } from "../lib/dom";
import { judgeCallRow } from "../trace/judgeCall";
import { stateCell } from "./table";
import { cellText, fullValueText, passOf, valueKind } from "./values";

export interface DetailHooks {
  openTrace(traceId: string): void;
}

export interface BodyHooks {
  /** Opens the trace of a judge call (an assessment's `scorelens.judge.trace_id`). */
  openJudgeTrace(traceId: string): void;
}

const SOURCE_LABEL: Record<string, string> = { CODE: "code", LLM_JUDGE: "LLM judge", HUMAN: "human" };

function valueBlock(f: FeedbackResult): HTMLElement {
  const kind = valueKind(f.value);
  const pass = passOf(f.value);
  if (pass !== null) {
    const raw = typeof f.value === "string" ? f.value : String(f.value);
    return h("span", { class: `rs-fb-value ${pass ? "v-pass" : "v-fail"}` }, h("span", { class: "rs-glyph" }, pass ? "✓" : "✗"), ` ${raw}`);
  }
  if (kind === "number") return h("span", { class: "rs-fb-value v-num" }, String(f.value));
  if (kind === "null") return h("span", { class: "rs-fb-value v-null" }, "null");
  const text = fullValueText(f.value);
  if (kind === "string" && text.length <= 80 && !text.includes("\n")) return h("span", { class: "rs-fb-value v-str" }, text);
  return h("pre", { class: "rs-fb-value rs-pre" }, text);
}

function feedbackSection(f: FeedbackResult, i: number, hooks: BodyHooks): HTMLElement {
  const meta = Object.entries(f.metadata);
  const block = f.error ? null : valueBlock(f);
  const long = block !== null && block.tagName === "PRE";
  // long values: the head shows a one-line preview, the block below the full text
  const preview = long ? cellText(f, 2) : null;
  const head = h(
    "div",
    { class: "rs-fb-head" },
    h("span", { class: "rs-fb-name" }, f.name),
    f.error ? h("span", { class: "rs-chip-error" }, "error") : preview ? h("span", { class: `rs-fb-value ${preview.cls}` }, preview.text) : block,
    h("span", { class: "rs-fb-source muted", title: `Source: ${f.source.type} · ${f.source.id}` }, `${SOURCE_LABEL[f.source.type] ?? f.source.type} · ${f.source.id}`),
  );
  const parts: Array<HTMLElement | null> = [head, long ? block : null];
  if (f.error) {
    parts.push(
      h(
        "div",
        { class: "rs-fb-error", role: "group", "aria-label": "Error" },
        h("div", { class: "rs-err-msg" }, h("span", { class: "rs-err-type" }, f.error.type), ": ", f.error.message),
        f.error.stack ? h("pre", { class: "rs-pre rs-stack", "aria-label": "Stack trace" }, f.error.stack) : h("div", { class: "muted" }, "No stack trace."),
      ),
    );
  }
  if (f.rationale) parts.push(h("div", { class: "rs-rationale" }, h("div", { class: "rs-label" }, "Rationale"), h("div", { class: "rs-rationale-text" }, f.rationale)));
  parts.push(judgeCallRow(f.metadata, hooks.openJudgeTrace, "rs-fb-head"));
  if (meta.length > 0) {
    parts.push(
      h(
        "dl",
        { class: "rs-meta-list" },
        ...meta.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
      ),
    );
  }
  return h("section", { class: `rs-fb${f.error ? " is-error" : ""}`, "data-name": f.name, "data-index": String(i) }, ...parts);
}

/** What the table knows of the selected row (shown before the full row arrives). */
export interface RowHead {
  index: number;
  traceId: string;
  traceName: string;
  traceState: string;
  durationMs: number;
  datasetRow: number | null;
}

/** The full row: being requested, here, gone from the store, or the request failed. */
export type DetailBody = { kind: "loading" } | { kind: "row"; row: RunResultRow } | { kind: "gone" } | { kind: "error"; message: string };

export function renderDetailHead(r: RowHead | null, hooks: DetailHooks): HTMLElement[] {
  if (!r) return [h("div", { class: "rs-detail-empty muted" }, "Select a row to see what the scorers said about that trace.")];
  const noTrace = r.traceState === NO_TRACE_STATE;
  const deleted = r.traceState === "DELETED";
  const why = noTrace ? `This result is for dataset row ${r.datasetRow ?? "?"}, which has no trace` : deleted ? "The trace was deleted from the store" : "Open the trace in the trace panel (Enter)";
  const open = h("button", { type: "button", class: "secondary", id: "open-trace", disabled: noTrace || deleted, title: why }, "Open trace");
  open.addEventListener("click", () => hooks.openTrace(r.traceId));
  const ref = noTrace
    ? h("span", { class: "rs-detail-id" }, `dataset row ${r.datasetRow ?? "?"}`)
    : h("span", { class: "rs-detail-id" }, r.traceId);
  const dataset = !noTrace && r.datasetRow !== null ? ` · dataset row ${r.datasetRow}` : "";
  return [
    h(
      "div",
      { class: "rs-detail-head" },
      h("div", { class: "rs-detail-title" }, stateCell(r.traceState), h("span", { class: "rs-detail-name", title: r.traceName }, r.traceName || "(unnamed trace)")),
      h("div", { class: "rs-detail-sub muted" }, ref, `${dataset} · scored in ${formatDuration(r.durationMs)}`),
      h("div", { class: "rs-detail-actions" }, open),
    ),
  ];
}

export function renderDetailBody(body: DetailBody, hooks: BodyHooks): HTMLElement {
  if (body.kind === "loading") return h("div", { class: "rs-detail-body" }, h("p", { class: "rs-detail-loading muted", role: "status" }, "Loading…"));
  if (body.kind === "gone") return h("div", { class: "rs-detail-body" }, h("p", { class: "muted" }, "This result is no longer in the store."));
  if (body.kind === "error") return h("div", { class: "rs-detail-body" }, h("p", { class: "rs-detail-failed" }, `The row could not be loaded: ${body.message}`));
  const r = body.row;
  const logs = r.logs;
  return h(
    "div",
    { class: "rs-detail-body" },
    r.feedbacks.length === 0 ? h("p", { class: "muted" }, "The scorers returned nothing for this trace.") : null,
    // errors first: they are what a person opening a failing row looks for
    ...[...r.feedbacks.filter((f) => f.error), ...r.feedbacks.filter((f) => !f.error)].map((f, i) => feedbackSection(f, i, hooks)),
    h(
      "section",
      { class: "rs-logs", id: "logs" },
      h("div", { class: "rs-label" }, logs.length > 0 ? `Scorer output (${logs.length} line${logs.length === 1 ? "" : "s"})` : "Scorer output"),
      logs.length > 0 ? h("pre", { class: "rs-pre rs-log-lines" }, logs.join("\n")) : h("div", { class: "muted" }, "Nothing was printed."),
    ),
  );
}
