/**
 * The trace header: name, state, rollups, tags/metadata/assessment chips, request/response
 * previews, and the trace actions (Copy ID, Compare with…, Delete with inline confirm, thumbs
 * feedback with an optional comment on the trace or the selected span, and the expectations editor).
 */
import type { Assessment, TraceSummary } from "../../protocol/model";
import { h, replaceChildren } from "../lib/dom";
import { fmtAgo, fmtCost, fmtDateTime, fmtDuration, fmtInt } from "./format";
import { icon } from "./icons";
import { compactText } from "./jsonView";
import { parseExpectationValue } from "./values";

export interface HeaderDeps {
  copyId(): Promise<void>;
  compareWith(): Promise<void>;
  deleteTrace(): Promise<void>;
  logFeedback(value: boolean, comment: string | null, spanId: string | null): Promise<Assessment>;
  setExpectation(name: string, value: unknown): Promise<Assessment>;
  /** The selected span, for "feedback on this span". */
  selectedSpan(): { id: string; name: string } | null;
  assessments(): Assessment[];
  toast(text: string, kind?: "info" | "error"): void;
}

function errMsg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class TraceHeader {
  readonly el: HTMLElement;
  private readonly info: HTMLElement;
  private readonly actions: HTMLElement;
  private readonly form: HTMLElement;
  private openForm: "feedback" | "expectation" | null = null;
  private feedbackValue: boolean | null = null;
  private readonly thumbUp: HTMLButtonElement;
  private readonly thumbDown: HTMLButtonElement;
  private readonly expectBtn: HTMLButtonElement;
  private readonly spanToggleLabel: HTMLElement;
  private readonly spanToggle: HTMLInputElement;
  private readonly comment: HTMLTextAreaElement;
  private readonly exName: HTMLInputElement;
  private readonly exValue: HTMLTextAreaElement;
  private readonly exHint: HTMLElement;
  private readonly exList: HTMLElement;
  private readonly feedbackForm: HTMLElement;
  private readonly expectForm: HTMLElement;

  constructor(private readonly deps: HeaderDeps) {
    this.info = h("div", { class: "th-info" });
    this.thumbUp = h("button", { type: "button", class: "icon-button thumb up", title: "Good: log positive feedback", "aria-label": "Thumbs up", "aria-pressed": "false" }, icon("thumbsUp"));
    this.thumbDown = h("button", { type: "button", class: "icon-button thumb down", title: "Bad: log negative feedback", "aria-label": "Thumbs down", "aria-pressed": "false" }, icon("thumbsDown"));
    this.expectBtn = h("button", { type: "button", class: "secondary with-icon", title: "Set the expected response or other ground truth", "aria-expanded": "false" }, icon("target"), "Expectations");
    this.actions = h("div", { class: "th-actions" });
    this.form = h("div", { class: "th-form", hidden: true });

    // feedback form
    this.comment = h("textarea", { class: "fb-comment", rows: "2", placeholder: "Comment (optional): what was good or wrong?", "aria-label": "Feedback comment", maxlength: "10000" });
    this.spanToggle = h("input", { type: "checkbox", class: "fb-span" });
    this.spanToggleLabel = h("span");
    const send = h("button", { type: "button", class: "primary" }, "Send feedback");
    const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
    this.feedbackForm = h(
      "div",
      { class: "fb-form", role: "group", "aria-label": "Feedback" },
      h("div", { class: "form-title" }, h("span", { class: "fb-value" }), h("span", { class: "muted" }, " · saved as ", h("code", {}, "user_feedback"))),
      this.comment,
      h("div", { class: "form-row" }, h("label", { class: "check" }, this.spanToggle, this.spanToggleLabel), h("span", { class: "spacer" }), cancel, send),
    );
    send.addEventListener("click", () => void this.sendFeedback(send));
    cancel.addEventListener("click", () => this.closeForm());
    this.comment.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void this.sendFeedback(send);
      if (e.key === "Escape") this.closeForm();
    });

    // expectations form
    this.exName = h("input", { type: "text", class: "ex-name", value: "expected_response", "aria-label": "Expectation name", maxlength: "250", spellcheck: "false" });
    this.exValue = h("textarea", { class: "ex-value mono", rows: "3", placeholder: 'The expected value: text, or JSON such as {"answer": "Paris"} or ["a", "b"]', "aria-label": "Expectation value" });
    this.exHint = h("span", { class: "muted ex-hint" });
    this.exList = h("div", { class: "ex-list" });
    const save = h("button", { type: "button", class: "primary" }, "Save expectation");
    const exCancel = h("button", { type: "button", class: "secondary" }, "Cancel");
    this.expectForm = h(
      "div",
      { class: "ex-form", role: "group", "aria-label": "Expectations" },
      h("div", { class: "form-title" }, "Expectations", h("span", { class: "muted" }, " · ground truth that scorers compare against")),
      this.exList,
      h("div", { class: "form-row" }, h("label", { class: "ex-name-label" }, "Name", this.exName)),
      this.exValue,
      h("div", { class: "form-row" }, this.exHint, h("span", { class: "spacer" }), exCancel, save),
    );
    this.exValue.addEventListener("input", () => this.updateHint());
    save.addEventListener("click", () => void this.saveExpectation(save));
    exCancel.addEventListener("click", () => this.closeForm());
    this.exValue.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void this.saveExpectation(save);
      if (e.key === "Escape") this.closeForm();
    });

    this.thumbUp.addEventListener("click", () => this.openFeedback(true));
    this.thumbDown.addEventListener("click", () => this.openFeedback(false));
    this.expectBtn.addEventListener("click", () => (this.openForm === "expectation" ? this.closeForm() : this.openExpectations()));

    this.el = h("header", { class: "th" }, h("div", { class: "th-top" }, this.info, this.actions), this.form);
    this.renderActions();
  }

  update(summary: TraceSummary, receivedSpans: number): void {
    const s = summary;
    const title = h(
      "div",
      { class: "th-title" },
      h("h1", { title: s.name }, s.name || "(unnamed trace)"),
      h("span", { class: `status-chip status-${s.state}`, title: `Trace state: ${s.state}` }, s.state === "IN_PROGRESS" ? "IN PROGRESS" : s.state),
      h("span", { class: "th-id mono muted", title: `Trace ID ${s.traceId}` }, s.requestId),
    );
    const metrics = h("div", { class: "th-metrics" });
    const m = (label: string, value: string | Node, cls = "", tip?: string) =>
      metrics.append(h("span", { class: `metric ${cls}`.trim(), title: tip }, h("span", { class: "metric-label" }, label), value));
    m("Duration", fmtDuration(s.durationMs));
    m("Spans", receivedSpans < s.spanCount ? `${fmtInt(receivedSpans)} / ${fmtInt(s.spanCount)}` : fmtInt(s.spanCount));
    m("Errors", fmtInt(s.errorCount), s.errorCount > 0 ? "bad" : "");
    if (s.totalTokens > 0 || s.inputTokens > 0 || s.outputTokens > 0)
      m(
        "Tokens",
        h("span", {}, fmtInt(s.totalTokens), h("span", { class: "muted" }, ` (${fmtInt(s.inputTokens)} in · ${fmtInt(s.outputTokens)} out)`)),
        "",
        `${fmtInt(s.inputTokens)} input + ${fmtInt(s.outputTokens)} output tokens`,
      );
    if (s.costUsd !== null) m("Cost", fmtCost(s.costUsd), "", `$${s.costUsd}`);
    m("Started", fmtDateTime(s.startTimeMs), "", fmtAgo(s.startTimeMs));
    if (s.sessionId) m("Session", s.sessionId, "mono");
    if (s.userId) m("User", s.userId, "mono");
    if (s.serviceName) m("Service", s.serviceName);

    const chips = h("div", { class: "th-chips" });
    for (const k of Object.keys(s.tags).sort()) chips.append(h("span", { class: "chip tag", title: `tag ${k} = ${s.tags[k]}` }, h("span", { class: "chip-k" }, k), h("span", { class: "chip-v" }, s.tags[k] ?? "")));
    for (const k of Object.keys(s.metadata).sort())
      chips.append(h("span", { class: "chip meta", title: `metadata ${k} = ${s.metadata[k]}` }, h("span", { class: "chip-k" }, k), h("span", { class: "chip-v" }, s.metadata[k] ?? "")));
    for (const a of this.latestAssessments()) chips.append(this.assessmentChip(a));

    const previews = h("div", { class: "th-previews" });
    const preview = (label: string, text: string) => {
      if (!text) return;
      const body = h("span", { class: "preview-text" }, text.length > 1200 ? `${text.slice(0, 1200)}…` : text);
      const el = h("button", { type: "button", class: "preview", title: "Click to expand", "aria-expanded": "false" }, h("span", { class: "preview-label" }, label), body);
      el.addEventListener("click", () => {
        const open = el.classList.toggle("open");
        el.setAttribute("aria-expanded", String(open));
      });
      previews.append(el);
    };
    preview("Request", s.requestPreview);
    preview("Response", s.responsePreview);

    replaceChildren(this.info, title, metrics, chips.childElementCount > 0 ? chips : null, previews.childElementCount > 0 ? previews : null);
    if (this.openForm === "expectation") this.renderExpectationList();
    this.selectionChanged();
  }

  /** One chip per assessment name: the newest (trace- or span-level). */
  private latestAssessments(): Assessment[] {
    const byName = new Map<string, Assessment>();
    for (const a of this.deps.assessments()) {
      const prev = byName.get(a.name);
      if (!prev || a.updatedMs > prev.updatedMs) byName.set(a.name, a);
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  private assessmentChip(a: Assessment): HTMLElement {
    const v = a.value;
    const pass = v === true || v === "yes" ? true : v === false || v === "no" ? false : null;
    const text = a.error ? "error" : v === true ? "yes" : v === false ? "no" : compactText(v);
    const cls = a.error ? "fail" : pass === true ? "pass" : pass === false ? "fail" : "";
    return h(
      "span",
      { class: `chip assess ${a.kind} ${cls}`.trim(), title: `${a.kind} ${a.name}${a.spanId ? " (on a span)" : ""}: ${text}${a.rationale ? `\n${a.rationale}` : ""}\nsource: ${a.source.type}` },
      h("span", { class: "chip-k" }, a.kind === "expectation" ? `expected · ${a.name}` : a.name),
      h("span", { class: "chip-v" }, text.length > 60 ? `${text.slice(0, 60)}…` : text),
    );
  }

  private renderActions(confirmDelete = false): void {
    const copy = h("button", { type: "button", class: "secondary with-icon", title: "Copy the trace ID" }, icon("copy"), "Copy ID");
    copy.addEventListener("click", () => {
      this.deps.copyId().then(
        () => this.deps.toast("Trace ID copied"),
        (e: unknown) => this.deps.toast(errMsg(e), "error"),
      );
    });
    const compare = h("button", { type: "button", class: "secondary with-icon", title: "Pick another trace to compare side by side" }, icon("compare"), "Compare with…");
    compare.addEventListener("click", () => void this.deps.compareWith().catch((e: unknown) => this.deps.toast(errMsg(e), "error")));
    let del: HTMLElement;
    if (!confirmDelete) {
      const b = h("button", { type: "button", class: "secondary with-icon danger-hover", title: "Delete this trace" }, icon("trash"), "Delete");
      b.addEventListener("click", () => {
        this.renderActions(true);
        this.actions.querySelector<HTMLButtonElement>(".confirm-delete")?.focus();
      });
      del = b;
    } else {
      const yes = h("button", { type: "button", class: "danger confirm-delete" }, "Delete trace");
      const no = h("button", { type: "button", class: "secondary" }, "Cancel");
      yes.addEventListener("click", () => {
        yes.disabled = true;
        this.deps.deleteTrace().then(
          () => this.deps.toast("Trace deleted"),
          (e: unknown) => {
            this.renderActions(false);
            this.deps.toast(`Delete failed: ${errMsg(e)}`, "error");
          },
        );
      });
      no.addEventListener("click", () => this.renderActions(false));
      del = h("span", { class: "confirm", role: "group", "aria-label": "Confirm delete" }, h("span", { class: "confirm-text" }, "Delete this trace?"), yes, no);
      del.addEventListener("keydown", (e) => {
        if (e.key === "Escape") this.renderActions(false);
      });
    }
    this.actions.replaceChildren(
      h("span", { class: "btn-group", role: "group", "aria-label": "Feedback" }, this.thumbUp, this.thumbDown),
      this.expectBtn,
      h("span", { class: "sep" }),
      copy,
      compare,
      del,
    );
  }

  /** Call when the span selection changes: updates the "on this span" toggle. */
  selectionChanged(): void {
    const sel = this.deps.selectedSpan();
    this.spanToggle.disabled = sel === null;
    if (sel === null) this.spanToggle.checked = false;
    this.spanToggleLabel.textContent = sel ? ` On the selected span “${sel.name.length > 48 ? `${sel.name.slice(0, 48)}…` : sel.name}” (not the whole trace)` : " On the selected span (select one first)";
  }

  private openFeedback(value: boolean): void {
    this.feedbackValue = value;
    this.openForm = "feedback";
    this.thumbUp.setAttribute("aria-pressed", String(value));
    this.thumbDown.setAttribute("aria-pressed", String(!value));
    this.thumbUp.classList.toggle("active", value);
    this.thumbDown.classList.toggle("active", !value);
    this.expectBtn.setAttribute("aria-expanded", "false");
    const label = this.feedbackForm.querySelector(".fb-value")!;
    label.replaceChildren(icon(value ? "thumbsUp" : "thumbsDown"), value ? " Good" : " Bad");
    label.className = `fb-value ${value ? "pass" : "fail"}`;
    this.selectionChanged();
    this.form.replaceChildren(this.feedbackForm);
    this.form.hidden = false;
    this.comment.focus();
  }

  private openExpectations(): void {
    this.openForm = "expectation";
    this.resetThumbs();
    this.expectBtn.setAttribute("aria-expanded", "true");
    this.renderExpectationList();
    this.updateHint();
    this.form.replaceChildren(this.expectForm);
    this.form.hidden = false;
    this.exValue.focus();
  }

  private renderExpectationList(): void {
    const ex = this.deps.assessments().filter((a) => a.kind === "expectation");
    this.exList.replaceChildren();
    if (ex.length === 0) return;
    for (const a of ex) {
      const text = typeof a.value === "string" ? a.value : JSON.stringify(a.value, null, 2);
      const oneLine = typeof a.value === "string" ? a.value : JSON.stringify(a.value);
      const b = h(
        "button",
        { type: "button", class: "ex-item", title: "Load into the editor" },
        h("span", { class: "ex-item-name" }, a.name),
        h("span", { class: "ex-item-value" }, oneLine.length > 160 ? `${oneLine.slice(0, 160)}…` : oneLine),
      );
      b.addEventListener("click", () => {
        this.exName.value = a.name;
        this.exValue.value = text;
        this.updateHint();
        this.exValue.focus();
      });
      this.exList.append(b);
    }
  }

  private updateHint(): void {
    const { kind } = parseExpectationValue(this.exValue.value);
    this.exHint.textContent = this.exValue.value.trim() === "" ? "Text, or JSON (parsed when it is valid JSON)." : `Will be saved as ${kind}.`;
  }

  private resetThumbs(): void {
    this.feedbackValue = null;
    for (const b of [this.thumbUp, this.thumbDown]) {
      b.classList.remove("active");
      b.setAttribute("aria-pressed", "false");
    }
  }

  private closeForm(): void {
    this.openForm = null;
    this.resetThumbs();
    this.expectBtn.setAttribute("aria-expanded", "false");
    this.form.replaceChildren();
    this.form.hidden = true;
  }

  private async sendFeedback(btn: HTMLButtonElement): Promise<void> {
    if (this.feedbackValue === null || btn.disabled) return;
    const sel = this.deps.selectedSpan();
    const spanId = this.spanToggle.checked && sel ? sel.id : null;
    const comment = this.comment.value.trim() || null;
    btn.disabled = true;
    try {
      await this.deps.logFeedback(this.feedbackValue, comment, spanId);
      this.deps.toast(`Feedback saved${spanId ? " on the span" : ""}`);
      this.comment.value = "";
      this.spanToggle.checked = false;
      this.closeForm();
    } catch (e) {
      this.deps.toast(`Feedback failed: ${errMsg(e)}`, "error");
    } finally {
      btn.disabled = false;
    }
  }

  private async saveExpectation(btn: HTMLButtonElement): Promise<void> {
    if (btn.disabled) return;
    const name = this.exName.value.trim();
    if (!name) {
      this.exName.focus();
      this.deps.toast("The expectation needs a name", "error");
      return;
    }
    if (this.exValue.value.trim() === "") {
      this.exValue.focus();
      this.deps.toast("The expectation needs a value", "error");
      return;
    }
    const { value } = parseExpectationValue(this.exValue.value);
    btn.disabled = true;
    try {
      await this.deps.setExpectation(name, value);
      this.deps.toast(`Expectation “${name}” saved`);
      this.exValue.value = "";
      this.closeForm();
    } catch (e) {
      this.deps.toast(`Saving the expectation failed: ${errMsg(e)}`, "error");
    } finally {
      btn.disabled = false;
    }
  }
}
