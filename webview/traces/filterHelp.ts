/** The quick filter's help list and its error display (message + excerpt with a caret). */
import type { FilterError } from "../../protocol/model";
import { filterErrorCaret, windowAround } from "../../protocol/format";
import { h } from "../lib/dom";

export const FILTER_EXAMPLES: ReadonlyArray<{ filter: string; what: string }> = [
  { filter: "trace.status = 'ERROR'", what: "failed traces" },
  { filter: "trace.execution_time_ms > 2000", what: "slower than 2 s" },
  { filter: "span.type = 'TOOL' AND trace.execution_time_ms > 500", what: "used a tool and took over 500 ms" },
  { filter: "trace.name LIKE '%agent%'", what: "name contains “agent” (% is a wildcard)" },
  { filter: "span.name ILIKE '%openai%'", what: "a span name, case-insensitive" },
  { filter: "feedback.correctness = 'no'", what: "an assessment's value" },
  { filter: "tag.environment = 'production'", what: "a tag" },
  { filter: "metadata.`mlflow.user` = 'alice'", what: "backticks quote dotted keys" },
  { filter: "trace.text LIKE '%refund%'", what: "full text of inputs and outputs" },
];

export function renderHelp(onPick: (filter: string) => void): HTMLElement {
  const items = FILTER_EXAMPLES.map((ex) => {
    const b = h("button", { type: "button", class: "tv-example", title: "Use this filter" }, h("code", {}, ex.filter));
    b.addEventListener("click", () => onPick(ex.filter));
    return h("li", {}, b, h("span", { class: "muted" }, ex.what));
  });
  return h(
    "div",
    { class: "tv-help", id: "filter-help", role: "region", "aria-label": "Filter examples" },
    h("p", {}, "MLflow ", h("code", {}, "filter_string"), " syntax. Join conditions with ", h("code", {}, "AND"), " (no OR). Strings in single quotes."),
    h("ul", {}, ...items),
    h("p", { class: "muted" }, "Enter applies · Escape clears"),
  );
}

/**
 * The error under the filter box: the message, then the excerpt in a monospace block with a
 * caret under the failing column. `widthChars` is how many monospace characters fit; longer
 * excerpts are windowed around the caret.
 */
export function renderFilterError(filter: string, err: FilterError, widthChars: number): HTMLElement {
  const caret = filterErrorCaret(filter, err);
  const win = windowAround(err.excerpt, caret, Math.max(8, widthChars));
  const block =
    err.excerpt.length > 0
      ? h("pre", { class: "tv-excerpt", "aria-hidden": "true" }, win.text, "\n", " ".repeat(win.caret), h("span", { class: "tv-caret" }, "^"))
      : null;
  return h(
    "div",
    { class: "tv-filter-error", id: "filter-error", role: "alert" },
    h("div", { class: "tv-error-msg" }, err.message, h("span", { class: "muted" }, ` (column ${err.column})`)),
    block,
  );
}
