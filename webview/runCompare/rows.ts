/** One flipped row of the run-compare list: direction, trace name, and each changed assessment as "name base → head". Text only. */
import type { FlippedRow } from "../../protocol/runDiff";
import { h } from "../lib/dom";
import { changeText, DIRECTION_GLYPH, directionClass, KIND_LABEL, kindClass } from "./format";

export const ROW_HEIGHT = 26;

const DIRECTION_TITLE = { regression: "Regression", improvement: "Improvement", neutral: "Changed", none: "" } as const;

function shortTrace(r: FlippedRow): string {
  if (r.headTraceId === null && r.baseTraceId === null) return r.datasetRow !== null ? `row ${r.datasetRow}` : "";
  const id = r.headTraceId ?? r.baseTraceId ?? "";
  return `tr-${id.slice(0, 8)}`;
}

export function renderFlippedRow(r: FlippedRow, index: number, selected: boolean): HTMLElement {
  const chips = r.changes
    .filter((c) => c.kind !== "same")
    .map((c) =>
      h(
        "span",
        { class: `rc-chip d-${directionClass(c.direction)} k-${kindClass(c.kind)}`, title: `${c.name}: ${KIND_LABEL[c.kind]} (${changeText(c)})` },
        h("span", { class: "rc-chip-name" }, c.name),
        h("span", { class: "rc-chip-value" }, changeText(c)),
      ),
    );
  return h(
    "div",
    {
      class: `rc-row d-${directionClass(r.direction)}${selected ? " selected" : ""}`,
      role: "option",
      id: `row-${index}`,
      "aria-selected": selected ? "true" : "false",
      "data-key": r.key,
    },
    h("span", { class: "rc-dir", title: DIRECTION_TITLE[r.direction], "aria-label": DIRECTION_TITLE[r.direction] }, DIRECTION_GLYPH[r.direction]),
    h("span", { class: "rc-row-name", title: r.traceName }, r.traceName || "(unnamed trace)"),
    h("span", { class: "rc-row-id muted" }, shortTrace(r)),
    h("span", { class: "rc-chips" }, ...chips),
  );
}
