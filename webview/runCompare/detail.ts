/**
 * The selected flipped row, side by side: per assessment the base and head values with their
 * rationales and errors, and buttons to open the trace(s). Untrusted text: textContent only.
 */
import type { AssessmentChange, FlippedRow, SideValue } from "../../protocol/runDiff";
import { h } from "../lib/dom";
import { directionClass, formatNum, formatSigned, KIND_LABEL, kindClass } from "./format";

/** Values longer than this are folded behind their first lines (the full text stays selectable). */
const VALUE_PREVIEW = 600;

function valueBlock(v: SideValue | null, side: "base" | "head"): HTMLElement {
  if (!v) return h("div", { class: `rc-side ${side} absent` }, h("span", { class: "muted" }, `Not in the ${side} run`));
  const main =
    v.kind === "pass"
      ? h("span", { class: "rc-val v-pass" }, `✓ ${v.text}`)
      : v.kind === "fail"
        ? h("span", { class: "rc-val v-fail" }, `✗ ${v.text}`)
        : v.kind === "error"
          ? h("span", { class: "rc-val v-error" }, "error")
          : v.kind === "number"
            ? h("span", { class: "rc-val v-num" }, formatNum(v.number))
            : h("span", { class: `rc-val v-${v.kind}` }, v.text.length > VALUE_PREVIEW ? `${v.text.slice(0, VALUE_PREVIEW)}…` : v.text);
  return h(
    "div",
    { class: `rc-side ${side}` },
    main,
    v.error ? h("div", { class: "rc-error-text" }, v.error) : null,
    v.rationale ? h("div", { class: "rc-rationale" }, v.rationale) : h("div", { class: "rc-rationale none muted" }, "No rationale"),
  );
}

function assessmentRow(c: AssessmentChange): HTMLElement[] {
  const same = c.kind === "same";
  return [
    h(
      "div",
      { class: `rc-a-name${same ? " same" : ""}`, "data-assessment": c.name },
      h("span", { class: "rc-a-title" }, c.name),
      h(
        "span",
        { class: `rc-kind d-${directionClass(c.direction)} k-${kindClass(c.kind)}` },
        KIND_LABEL[c.kind],
        c.delta !== null && c.kind === "changed" ? ` ${formatSigned(c.delta)}` : "",
      ),
    ),
    valueBlock(c.base, "base"),
    valueBlock(c.head, "head"),
  ];
}

export function renderDetail(r: FlippedRow | null, openTrace: (traceId: string) => void): HTMLElement[] {
  if (!r) return [h("p", { class: "muted rc-detail-empty" }, "Select a row to see both runs' values and rationales.")];
  const open = (id: string | null, label: string, elId: string): HTMLElement | null => {
    if (id === null) return null;
    const b = h("button", { type: "button", class: "secondary", id: elId, title: `Open tr-${id} in the trace panel` }, label);
    b.addEventListener("click", () => openTrace(id));
    return b;
  };
  const sameTrace = r.baseTraceId !== null && r.baseTraceId === r.headTraceId;
  const buttons = sameTrace
    ? [open(r.headTraceId, "Open trace", "open-trace")]
    : [open(r.baseTraceId, "Open base trace", "open-trace-base"), open(r.headTraceId, "Open head trace", "open-trace")];
  const changed = r.changes.filter((c) => c.kind !== "same");
  const same = r.changes.filter((c) => c.kind === "same");
  return [
    h(
      "div",
      { class: "rc-detail-head" },
      h("span", { class: `rc-dir d-${directionClass(r.direction)}` }, r.direction === "regression" ? "▼" : r.direction === "improvement" ? "▲" : "●"),
      h("span", { class: "rc-detail-name", title: r.traceName }, r.traceName || "(unnamed trace)"),
      h("span", { class: "muted rc-detail-ids" }, r.headTraceId ? `tr-${r.headTraceId}` : r.datasetRow !== null ? `dataset row ${r.datasetRow} (no trace)` : ""),
      h("span", { class: "rc-detail-actions" }, ...buttons),
    ),
    h(
      "div",
      { class: "rc-sides", id: "sides" },
      h("div", { class: "rc-sides-head" }, "Assessment"),
      h("div", { class: "rc-sides-head" }, h("span", { class: "rc-tag tag-base" }, "BASE")),
      h("div", { class: "rc-sides-head" }, h("span", { class: "rc-tag tag-head" }, "HEAD")),
      ...[...changed, ...same].flatMap(assessmentRow),
    ),
  ];
}
