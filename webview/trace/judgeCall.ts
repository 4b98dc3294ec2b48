/**
 * What an assessment says about the LLM judge call that made it: the model, tokens and cost, and
 * an "Open judge trace" button when the call was traced (`scorelens.judge.trace_id`), which shows
 * exactly what the judge was asked and answered. Used by the trace panel's Assessments tab and
 * the results panel's row details. Metadata is untrusted: text only, through h().
 */
import { judgeCallOf, judgeCallText } from "../../protocol/judgeCost";
import { h } from "../lib/dom";

/** The row for `metadata`'s judge call, or null when it records none. */
export function judgeCallRow(metadata: Readonly<Record<string, string>>, open: (traceId: string) => void, cls: string): HTMLElement | null {
  const call = judgeCallOf(metadata);
  if (!call) return null;
  let button: HTMLElement | null = null;
  if (call.traceId !== null) {
    const id = call.traceId;
    button = h("button", { type: "button", class: "secondary small", "data-judge-trace": id, title: `What the judge was asked and answered: trace tr-${id}` }, "Open judge trace");
    button.addEventListener("click", () => open(id));
  }
  const text = judgeCallText(call);
  return h("div", { class: `judge-call ${cls}` }, button, text ? h("span", { class: "judge-call-text muted" }, text) : null);
}
