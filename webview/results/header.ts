/**
 * The run header: title (scorers, selection), status (with a progress bar while running),
 * started time, duration, traces scored, the error count (which filters the table to the rows
 * with errors when clicked) and, when the run called LLM judges, their calls, tokens, cost and
 * models ("Judge: 100 calls · 84,210 in / 12,003 out tokens · $0.0213 · gpt-4o-mini").
 */
import { formatCount, formatDuration, formatTimestamp } from "../../protocol/format";
import { judgeUsageText } from "../../protocol/judgeCost";
import type { EvalRun } from "../../protocol/scoring";
import { h } from "../lib/dom";
import { formatPercent } from "./values";

export interface HeaderState {
  run: EvalRun;
  progress: { done: number; total: number } | null;
  nowMs: number;
  errorRows: number;
  errorsOnly: boolean;
}

const STATUS: Record<EvalRun["status"], { glyph: string; label: string }> = {
  running: { glyph: "◌", label: "Running" },
  completed: { glyph: "✓", label: "Completed" },
  cancelled: { glyph: "⊘", label: "Cancelled" },
  failed: { glyph: "✕", label: "Failed" },
};

export function runTitle(run: EvalRun): string {
  const names = run.scorers.map((s) => s.name);
  return names.length === 0 ? "Evaluation run" : names.join(", ");
}

export function statusPill(run: EvalRun): HTMLElement {
  const s = STATUS[run.status];
  return h(
    "span",
    { class: `rs-status status-${run.status}`, id: "status", role: "status" },
    h("span", { class: `rs-status-glyph${run.status === "running" ? " spin" : ""}`, "aria-hidden": "true" }, s.glyph),
    s.label,
  );
}

/** Done and total of the progress bar: live progress if any, else the run's counts. */
export function progressOf(run: EvalRun, progress: { done: number; total: number } | null): { done: number; total: number } {
  if (progress) return { done: Math.min(progress.done, progress.total), total: progress.total };
  return { done: run.scoredCount, total: Math.max(run.traceCount, run.scoredCount) };
}

export function durationText(run: EvalRun, nowMs: number): string {
  if (run.durationMs !== null) return formatDuration(run.durationMs);
  if (run.status === "running") return `${formatDuration(Math.max(0, nowMs - run.startedMs))} so far`;
  return "—";
}

/** The meta line's items; `errors` is a button (or a span when there are none). */
export function renderMeta(st: HeaderState, onErrors: () => void): HTMLElement[] {
  const { run } = st;
  const p = progressOf(run, st.progress);
  const item = (label: string, value: Node | string, id: string, title?: string): HTMLElement =>
    h("span", { class: "rs-meta-item", id, title }, h("span", { class: "rs-meta-label" }, label), value);
  const errorCount = Math.max(run.errorCount, st.errorRows);
  let errors: HTMLElement;
  if (errorCount > 0) {
    errors = h(
      "button",
      {
        type: "button",
        class: `rs-errors-link${st.errorsOnly ? " active" : ""}`,
        id: "errors-link",
        "aria-pressed": st.errorsOnly ? "true" : "false",
        title: st.errorsOnly ? "Showing only rows with errors. Click to show all rows." : "Show only the rows with errors",
      },
      `${formatCount(errorCount)} error${errorCount === 1 ? "" : "s"}`,
    );
    errors.addEventListener("click", onErrors);
  } else {
    errors = h("span", { class: "rs-no-errors", id: "errors-link" }, "no errors");
  }
  const usage = run.judgeUsage;
  return [
    item("Started", formatTimestamp(run.startedMs), "started"),
    item("Duration", durationText(run, st.nowMs), "duration"),
    item(
      "Scored",
      `${formatCount(run.scoredCount)} of ${formatCount(Math.max(run.traceCount, p.total))} trace${Math.max(run.traceCount, p.total) === 1 ? "" : "s"}`,
      "scored",
    ),
    h("span", { class: "rs-meta-item" }, errors),
    ...(usage
      ? [
          h(
            "span",
            { class: "rs-meta-item", id: "judge-usage", title: "The LLM judge calls of this run: calls, tokens in and out, cost (when the model has a price) and models" },
            h("span", { class: "rs-meta-label" }, "Judge:"),
            judgeUsageText(usage).replace(/^Judge:/, ""),
          ),
        ]
      : []),
  ];
}

export function renderProgress(run: EvalRun, progress: { done: number; total: number } | null): HTMLElement | null {
  if (run.status !== "running") return null;
  const p = progressOf(run, progress);
  const share = p.total > 0 ? p.done / p.total : 0;
  const fill = h("span", { class: "rs-progress-fill" });
  fill.style.width = `${(share * 100).toFixed(2)}%`;
  const bar = h(
    "div",
    {
      class: `rs-progress-track${p.total === 0 ? " indeterminate" : ""}`,
      role: "progressbar",
      "aria-valuemin": "0",
      "aria-valuemax": String(p.total),
      "aria-valuenow": String(p.done),
      "aria-label": "Scoring progress",
    },
    fill,
  );
  return h(
    "div",
    { class: "rs-progress", id: "progress" },
    bar,
    h("span", { class: "rs-progress-text" }, p.total > 0 ? `${formatCount(p.done)} / ${formatCount(p.total)} · ${formatPercent(share)}` : "Starting…"),
  );
}

/** Banners above the summary: the run failed (its message), the run's and the host's notes, every call failed. */
export function renderBanners(run: EvalRun, hostMessage: string | null, everyCallFailed: boolean): HTMLElement[] {
  const parts: HTMLElement[] = [];
  if (run.status === "failed") {
    parts.push(
      h(
        "div",
        { class: "rs-banner error" },
        h("div", { class: "rs-banner-title" }, "The run failed."),
        run.message ? h("pre", { class: "rs-pre rs-banner-pre" }, run.message) : null,
      ),
    );
  } else if (run.message) {
    parts.push(h("div", { class: "rs-banner warning" }, run.message));
  }
  if (hostMessage) parts.push(h("div", { class: "rs-banner warning" }, hostMessage));
  if (everyCallFailed) {
    parts.push(
      h(
        "div",
        { class: "rs-banner error", id: "all-errors" },
        h("span", { class: "rs-banner-title" }, "Every scorer call failed. "),
        "Select a row to see the error and its stack trace.",
      ),
    );
  }
  return parts;
}
