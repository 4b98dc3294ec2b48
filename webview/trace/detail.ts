/**
 * The span detail pane: a header from the light skeleton right away, then (once SpanGet answers)
 * tabs: Chat (when the inputs/outputs hold a transcript), Inputs/Outputs, Attributes, Events and
 * Assessments (an LLM judge's with its model, tokens, cost and "Open judge trace"). All content is
 * rendered as text; media become `[mime, size]` chips.
 */
import { chatView, type ChatView } from "../../protocol/chatMessages";
import { replaceMedia } from "../../protocol/mediaRefs";
import type { Assessment, SpanRecord, SpanSkeleton } from "../../protocol/model";
import { h, replaceChildren } from "../lib/dom";
import { fmtCost, fmtDateTime, fmtDuration, fmtInt, fmtSpanKind, nanoToMs, TYPE_LABEL, TYPE_TITLE } from "./format";
import { icon } from "./icons";
import { judgeCallRow } from "./judgeCall";
import { renderChat } from "./chatPane";
import { compactText, longText, renderJson } from "./jsonView";
import { retrievedDocs, sourceLocation, type RetrievedDoc } from "./values";

export type TabId = "chat" | "docs" | "io" | "attrs" | "events" | "assess";

export interface DetailDeps {
  getSpan(spanId: string): Promise<SpanRecord | null>;
  /** Assessments on this span and on the whole trace. */
  assessments(spanId: string): { span: Assessment[]; trace: Assessment[] };
  deleteAssessment(assessmentId: string): Promise<void>;
  /** Opens the trace of the LLM judge call that made an assessment. */
  openJudgeTrace(traceId: string): void;
  revealSource(spanId: string): Promise<{ ok: boolean; message: string | null }>;
  savedTab(): string;
  saveTab(tab: TabId): void;
  isOrphan(spanId: string): boolean;
  /** Escape in the pane: back to the tree. */
  focusTree(): void;
  copyText(text: string): Promise<boolean>;
}

interface Prepared {
  inputs: unknown;
  outputs: unknown;
  chat: ChatView | null;
  docs: RetrievedDoc[] | null;
  media: number;
}

const prepared = new WeakMap<SpanRecord, Prepared>();

function prepare(span: SpanRecord): Prepared {
  let p = prepared.get(span);
  if (!p) {
    const i = replaceMedia(span.inputs);
    const o = replaceMedia(span.outputs);
    p = { inputs: i.value, outputs: o.value, chat: chatView(i.value, o.value), docs: retrievedDocs(o.value), media: i.count + o.count };
    prepared.set(span, p);
  }
  return p;
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

function kvTable(entries: Array<[string, unknown]>, cls = ""): HTMLElement {
  const tbody = h("tbody");
  for (const [k, v] of entries) {
    const { value } = replaceMedia(v);
    const text = compactText(value);
    tbody.append(h("tr", {}, h("th", { scope: "row", title: k }, k), h("td", {}, longText(text, 1500))));
  }
  return h("table", { class: `kv ${cls}`.trim() }, tbody);
}

function fmtValue(v: unknown): string {
  if (v === true) return "yes";
  if (v === false) return "no";
  if (typeof v === "string") return v;
  return compactText(v);
}

export class SpanDetail {
  readonly el: HTMLElement;
  private readonly head: HTMLElement;
  private readonly errorBox: HTMLElement;
  private readonly tabs: HTMLElement;
  private readonly body: HTMLElement;
  private skeleton: SpanSkeleton | null = null;
  private span: SpanRecord | null = null;
  private tab: TabId = "io";
  private loadSeq = 0;
  private revealMessage: string | null = null;

  constructor(private readonly deps: DetailDeps) {
    this.head = h("div", { class: "dt-head" });
    this.errorBox = h("div", { class: "dt-error", hidden: true });
    this.tabs = h("div", { class: "tabs", role: "tablist", "aria-label": "Span details" });
    this.body = h("div", { class: "dt-body", role: "tabpanel", tabindex: "-1" });
    this.el = h("section", { class: "detail", "aria-label": "Span details" }, this.head, this.errorBox, this.tabs, this.body);
    this.el.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        this.deps.focusTree();
      }
    });
    this.tabs.addEventListener("keydown", (e) => this.onTabKey(e));
    this.showNothing();
  }

  currentSpanId(): string | null {
    return this.skeleton?.spanId ?? null;
  }

  showNothing(message = "Select a span to see its inputs, outputs, attributes and events."): void {
    this.skeleton = null;
    this.span = null;
    this.loadSeq++;
    this.head.replaceChildren();
    this.errorBox.hidden = true;
    this.tabs.replaceChildren();
    this.body.replaceChildren(h("div", { class: "dt-placeholder muted" }, message));
  }

  /** Shows a span: the skeleton header at once, the full record when it arrives. */
  show(s: SpanSkeleton): void {
    const same = this.skeleton?.spanId === s.spanId;
    this.skeleton = s;
    if (!same) {
      this.span = null;
      this.revealMessage = null;
    }
    this.renderHead();
    if (same && this.span) {
      this.renderBody();
      return;
    }
    const seq = ++this.loadSeq;
    this.errorBox.hidden = true;
    this.tabs.replaceChildren();
    const loading = h("div", { class: "dt-placeholder muted loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), "Loading span…");
    // Avoid a flash of "Loading…" when the span is cached.
    const timer = setTimeout(() => {
      if (seq === this.loadSeq) this.body.replaceChildren(loading);
    }, 60);
    this.deps.getSpan(s.spanId).then(
      (rec) => {
        clearTimeout(timer);
        if (seq !== this.loadSeq) return;
        if (rec === null) {
          this.body.replaceChildren(h("div", { class: "dt-placeholder muted" }, "This span is no longer in the store (the trace may have been deleted)."));
          return;
        }
        this.span = rec;
        this.renderHead();
        this.renderBody();
      },
      (e: unknown) => {
        clearTimeout(timer);
        if (seq !== this.loadSeq) return;
        const retry = h("button", { type: "button", class: "secondary" }, "Retry");
        retry.addEventListener("click", () => {
          this.skeleton = null;
          this.show(s);
        });
        this.body.replaceChildren(h("div", { class: "dt-placeholder" }, h("p", { class: "error-text" }, `Could not load the span: ${e instanceof Error ? e.message : String(e)}`), retry));
      },
    );
  }

  /** Re-renders the Assessments tab (after a snapshot or a change). */
  refreshAssessments(): void {
    if (!this.span) return;
    this.renderTabs();
    if (this.tab === "assess") this.renderBody();
  }

  focus(): void {
    const active = this.tabs.querySelector<HTMLElement>('[aria-selected="true"]');
    (active ?? this.body).focus();
  }

  selectTab(tab: TabId): void {
    this.tab = tab;
    this.deps.saveTab(tab);
    this.renderBody();
  }

  // ─── header ───────────────────────────────────────────────────────────────

  private renderHead(): void {
    const s = this.skeleton;
    if (!s) return;
    const rec = this.span;
    const title = h(
      "div",
      { class: "dt-title" },
      h("span", { class: `type-badge t-${s.spanType}`, title: TYPE_TITLE[s.spanType] }, TYPE_LABEL[s.spanType]),
      h("h2", { class: "dt-name", title: s.name }, s.name),
      s.statusCode === "ERROR" ? h("span", { class: "status-chip status-ERROR" }, "ERROR") : null,
      this.deps.isOrphan(s.spanId) ? h("span", { class: "tl-orphan", title: `Parent ${s.parentSpanId ?? "?"} is not in this trace` }, "orphan") : null,
    );
    const meta = h("div", { class: "dt-meta" });
    const item = (label: string, value: string, cls = "") => meta.append(h("span", { class: `dt-meta-item ${cls}`.trim() }, h("span", { class: "dt-meta-label" }, label), value));
    item("Duration", fmtDuration(s.durationMs));
    item("Start", `+${fmtDuration(s.startMs)}`);
    if (s.model || rec?.model) item("Model", (rec?.model ?? s.model)!);
    if (rec?.provider) item("Provider", rec.provider);
    const u = rec?.usage;
    if (u && (u.totalTokens !== null || u.inputTokens !== null)) {
      const parts = [u.inputTokens !== null ? `${fmtInt(u.inputTokens)} in` : null, u.outputTokens !== null ? `${fmtInt(u.outputTokens)} out` : null].filter(Boolean).join(" · ");
      item("Tokens", `${u.totalTokens !== null ? fmtInt(u.totalTokens) : "?"}${parts ? ` (${parts})` : ""}`);
    } else if (s.totalTokens !== null) item("Tokens", fmtInt(s.totalTokens));
    if (rec?.cost?.totalCost !== null && rec?.cost?.totalCost !== undefined) item("Cost", fmtCost(rec.cost.totalCost));
    item("Span ID", s.spanId, "mono");

    const links = h("div", { class: "dt-links" });
    const loc = rec ? sourceLocation(rec) : null;
    if (loc) {
      const label = `${baseName(loc.file)}${loc.line !== null ? `:${loc.line}` : ""}`;
      const a = h("button", { type: "button", class: "link reveal", title: `Reveal ${loc.file}${loc.line !== null ? `:${loc.line}` : ""}${loc.fn ? ` (${loc.fn})` : ""} in the editor` }, icon("file"), `Reveal source: ${label}`);
      a.addEventListener("click", () => {
        const id = s.spanId;
        this.deps.revealSource(id).then(
          (r) => {
            if (this.skeleton?.spanId !== id) return;
            this.revealMessage = r.ok ? null : (r.message ?? "Could not open the source file.");
            this.renderHead();
          },
          (e: unknown) => {
            this.revealMessage = e instanceof Error ? e.message : String(e);
            this.renderHead();
          },
        );
      });
      links.append(a);
      if (this.revealMessage) links.append(h("span", { class: "reveal-msg warning-text", role: "status" }, this.revealMessage));
    }
    replaceChildren(this.head, title, meta, links.childElementCount > 0 ? links : null);
    this.renderError();
  }

  private renderError(): void {
    const s = this.skeleton;
    const rec = this.span;
    const err = rec?.error ?? null;
    const isErr = s?.statusCode === "ERROR" || err !== null;
    if (!isErr) {
      this.errorBox.hidden = true;
      return;
    }
    const msgText = [err?.type, err?.message].filter(Boolean).join(": ") || rec?.statusMessage || "This span failed.";
    const children: Array<Node | null> = [icon("error"), h("span", { class: "dt-error-text" }, longText(msgText, 600))];
    if (err?.stacktrace || rec?.events.some((e) => e.name === "exception")) {
      const b = h("button", { type: "button", class: "link" }, "stack trace");
      b.addEventListener("click", () => this.selectTab("events"));
      children.push(b);
    }
    this.errorBox.replaceChildren(...children.filter((c): c is Node => c !== null));
    this.errorBox.hidden = false;
  }

  // ─── tabs ─────────────────────────────────────────────────────────────────

  private available(): Array<{ id: TabId; label: string; count?: number }> {
    const rec = this.span!;
    const p = prepare(rec);
    const a = this.deps.assessments(rec.spanId);
    const out: Array<{ id: TabId; label: string; count?: number }> = [];
    if (p.chat) out.push({ id: "chat", label: "Chat" });
    if (p.docs) out.push({ id: "docs", label: "Documents", count: p.docs.length });
    out.push({ id: "io", label: "Inputs / Outputs" });
    out.push({ id: "attrs", label: "Attributes", count: Object.keys(rec.attributes).length });
    out.push({ id: "events", label: "Events", count: rec.events.length });
    out.push({ id: "assess", label: "Assessments", count: a.span.length + a.trace.length });
    return out;
  }

  private renderTabs(): void {
    const tabs = this.available();
    const want = this.deps.savedTab();
    const ids = tabs.map((t) => t.id);
    // The saved tab when this span has it; otherwise Inputs/Outputs (the saved choice is kept).
    this.tab = ids.includes(want as TabId) ? (want as TabId) : ids.includes("docs") ? "docs" : "io";
    this.tabs.replaceChildren(
      ...tabs.map((t) => {
        const b = h(
          "button",
          {
            type: "button",
            role: "tab",
            class: "tab",
            id: `tab-${t.id}`,
            "aria-selected": String(t.id === this.tab),
            tabindex: t.id === this.tab ? "0" : "-1",
            "data-tab": t.id,
          },
          t.label,
          t.count !== undefined ? h("span", { class: "tab-count" }, String(t.count)) : null,
        );
        b.addEventListener("click", () => this.selectTab(t.id));
        return b;
      }),
    );
  }

  private onTabKey(e: KeyboardEvent): void {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft" && e.key !== "Home" && e.key !== "End") return;
    const btns = [...this.tabs.querySelectorAll<HTMLButtonElement>("[role=tab]")];
    const i = btns.findIndex((b) => b.getAttribute("aria-selected") === "true");
    const n = btns.length;
    const j = e.key === "Home" ? 0 : e.key === "End" ? n - 1 : (i + (e.key === "ArrowRight" ? 1 : -1) + n) % n;
    const next = btns[j];
    if (!next) return;
    e.preventDefault();
    this.selectTab(next.dataset.tab as TabId);
    this.tabs.querySelector<HTMLElement>(`[data-tab="${next.dataset.tab}"]`)?.focus();
  }

  private renderBody(): void {
    if (!this.span) return;
    this.renderTabs();
    const rec = this.span;
    this.body.setAttribute("aria-labelledby", `tab-${this.tab}`);
    this.body.scrollTop = 0;
    switch (this.tab) {
      case "chat":
        this.body.replaceChildren(this.chatTab(rec));
        break;
      case "docs":
        this.body.replaceChildren(this.docsTab(rec));
        break;
      case "io":
        this.body.replaceChildren(this.ioTab(rec));
        break;
      case "attrs":
        this.body.replaceChildren(this.attrsTab(rec));
        break;
      case "events":
        this.body.replaceChildren(this.eventsTab(rec));
        break;
      case "assess":
        this.body.replaceChildren(this.assessTab(rec));
        break;
    }
  }

  private chatTab(rec: SpanRecord): HTMLElement {
    const p = prepare(rec);
    return p.chat ? renderChat(p.chat) : h("div", { class: "muted" }, "No chat messages.");
  }

  private docsTab(rec: SpanRecord): HTMLElement {
    const docs = prepare(rec).docs ?? [];
    const el = h("div", { class: "docs" });
    docs.forEach((d, i) => {
      const source = d.metadata.source ?? d.metadata.url ?? d.metadata.file_path ?? d.metadata.title;
      const meta = Object.keys(d.metadata).filter((k) => d.metadata[k] !== source);
      el.append(
        h(
          "div",
          { class: "doc" },
          h(
            "div",
            { class: "doc-head" },
            h("span", { class: "doc-rank" }, `#${i + 1}`),
            d.id ? h("span", { class: "doc-id mono" }, d.id) : null,
            source !== undefined ? h("span", { class: "doc-source", title: compactText(source) }, compactText(source)) : null,
            h("span", { class: "spacer" }),
            d.score !== null ? h("span", { class: "doc-score", title: "score" }, d.score.toFixed(3)) : null,
          ),
          typeof d.text === "string" ? h("div", { class: "doc-text" }, longText(d.text, 1500)) : renderJson(d.text, { expandDepth: 2 }),
          meta.length > 0
            ? h(
                "div",
                { class: "doc-meta" },
                ...meta.map((k) => h("span", { class: "chip" }, h("span", { class: "chip-k" }, k), h("span", { class: "chip-v" }, compactText(d.metadata[k]).slice(0, 120)))),
              )
            : null,
        ),
      );
    });
    return el;
  }

  private ioSection(title: string, raw: unknown, shown: unknown): HTMLElement {
    const head = h("div", { class: "section-head" }, h("h3", {}, title));
    const box = h("div", { class: "io-box" });
    if (raw === null || raw === undefined || raw === "") {
      box.append(h("div", { class: "muted" }, `No ${title.toLowerCase()} recorded.`));
    } else {
      const copy = h("button", { type: "button", class: "icon-button", title: `Copy ${title.toLowerCase()} as JSON`, "aria-label": `Copy ${title.toLowerCase()}` }, icon("copy"));
      copy.addEventListener("click", () => {
        const text = typeof raw === "string" ? raw : JSON.stringify(raw, null, 2);
        void this.deps.copyText(text).then((ok) => {
          copy.classList.toggle("done", ok);
          copy.title = ok ? "Copied" : "Copy failed";
        });
      });
      head.append(copy);
      if (typeof shown === "string") box.append(h("div", { class: "text-block" }, longText(shown, 20_000)));
      else box.append(renderJson(shown, { expandDepth: 6 }));
    }
    return h("div", { class: "io-section" }, head, box);
  }

  private ioTab(rec: SpanRecord): HTMLElement {
    const p = prepare(rec);
    const el = h("div", { class: "io" }, this.ioSection("Inputs", rec.inputs, p.inputs), this.ioSection("Outputs", rec.outputs, p.outputs));
    if (p.media > 0) el.prepend(h("div", { class: "note muted" }, `${p.media} media value${p.media === 1 ? "" : "s"} shown as references, not inline.`));
    return el;
  }

  private attrsTab(rec: SpanRecord): HTMLElement {
    const filter = h("input", { type: "search", class: "filter", placeholder: "Filter attributes", "aria-label": "Filter attributes" });
    const content = h("div");
    const start = nanoToMs(rec.startTimeUnixNano);
    const end = nanoToMs(rec.endTimeUnixNano);
    const info: Array<[string, unknown]> = [
      ["Span ID", rec.spanId],
      ["Parent span ID", rec.parentSpanId ?? "(root)"],
      ["Trace ID", rec.traceId],
      ["Name", rec.name],
      ["Kind", fmtSpanKind(rec.kind)],
      ["Status", rec.statusMessage ? `${rec.statusCode}: ${rec.statusMessage}` : rec.statusCode],
      ["Start", fmtDateTime(start)],
      ["End", fmtDateTime(end)],
      ["Duration", fmtDuration(end - start)],
      ["Scope", rec.scope.version ? `${rec.scope.name}@${rec.scope.version}` : rec.scope.name],
      ["Conventions", rec.conventions.join(", ") || "—"],
    ];
    if (rec.sessionId) info.push(["Session", rec.sessionId]);
    if (rec.userId) info.push(["User", rec.userId]);
    const sorted = (o: Record<string, unknown>) => Object.keys(o).sort().map((k): [string, unknown] => [k, o[k]]);
    const attrs = sorted(rec.attributes);
    const resource = sorted(rec.resource);
    const render = () => {
      const q = filter.value.trim().toLowerCase();
      const match = ([k, v]: [string, unknown]) => !q || k.toLowerCase().includes(q) || compactText(v).toLowerCase().includes(q);
      const section = (title: string, rows: Array<[string, unknown]>, cls = "") => {
        const shown = rows.filter(match);
        return h(
          "div",
          { class: "attr-section" },
          h("div", { class: "section-head" }, h("h3", {}, title), h("span", { class: "muted count" }, q ? `${shown.length} of ${rows.length}` : String(rows.length))),
          shown.length > 0 ? kvTable(shown, cls) : h("div", { class: "muted" }, rows.length === 0 ? "None." : "No match."),
        );
      };
      const links = rec.links.map((l, i): [string, unknown] => [`link ${i + 1}`, `${l.traceId}/${l.spanId}${Object.keys(l.attributes).length ? ` ${compactText(l.attributes)}` : ""}`]);
      replaceChildren(
        content,
        section("Attributes", attrs, "mono-keys"),
        section("Span", info),
        section("Resource", resource, "mono-keys"),
        links.length > 0 ? section("Links", links) : null,
      );
    };
    filter.addEventListener("input", render);
    render();
    return h("div", { class: "attrs" }, filter, content);
  }

  private eventsTab(rec: SpanRecord): HTMLElement {
    const start = BigInt(rec.startTimeUnixNano);
    const list = h("div", { class: "events" });
    const err = rec.error;
    const exceptionEvents = rec.events.filter((e) => e.name === "exception");
    if (err?.stacktrace && exceptionEvents.length === 0) {
      list.append(this.exceptionCard("error", err.type, err.message, err.stacktrace, null));
    }
    if (rec.events.length === 0 && list.childElementCount === 0) return h("div", { class: "muted" }, "No events on this span.");
    for (const ev of rec.events) {
      const offsetMs = Number(BigInt(ev.timeUnixNano) - start) / 1e6;
      const at = `+${fmtDuration(Math.max(0, offsetMs))}`;
      if (ev.name === "exception") {
        const a = ev.attributes;
        const rest = Object.keys(a)
          .filter((k) => !["exception.type", "exception.message", "exception.stacktrace"].includes(k))
          .sort()
          .map((k): [string, unknown] => [k, a[k]]);
        const card = this.exceptionCard(
          "exception",
          typeof a["exception.type"] === "string" ? a["exception.type"] : null,
          typeof a["exception.message"] === "string" ? a["exception.message"] : null,
          typeof a["exception.stacktrace"] === "string" ? a["exception.stacktrace"] : null,
          at,
        );
        if (rest.length > 0) card.append(kvTable(rest, "mono-keys"));
        list.append(card);
        continue;
      }
      const keys = Object.keys(ev.attributes).sort();
      list.append(
        h(
          "div",
          { class: "event" },
          h("div", { class: "event-head" }, h("span", { class: "event-name" }, ev.name), h("span", { class: "event-time muted" }, at)),
          keys.length > 0 ? kvTable(keys.map((k): [string, unknown] => [k, ev.attributes[k]]), "mono-keys") : null,
        ),
      );
    }
    return list;
  }

  private exceptionCard(name: string, type: string | null, message: string | null, stack: string | null, at: string | null): HTMLElement {
    return h(
      "div",
      { class: "event exception" },
      h("div", { class: "event-head" }, icon("error"), h("span", { class: "event-name" }, name), at ? h("span", { class: "event-time muted" }, at) : null),
      h("div", { class: "exc-title" }, h("span", { class: "exc-type" }, type ?? "Error"), message ? h("span", { class: "exc-message" }, longText(`: ${message}`, 2000)) : null),
      stack ? h("pre", { class: "stack" }, longText(stack, 20_000)) : null,
    );
  }

  private assessTab(rec: SpanRecord): HTMLElement {
    const { span, trace } = this.deps.assessments(rec.spanId);
    const el = h("div", { class: "assessments" });
    const group = (title: string, list: Assessment[], empty: string) => {
      el.append(h("div", { class: "section-head" }, h("h3", {}, title), h("span", { class: "muted count" }, String(list.length))));
      if (list.length === 0) el.append(h("div", { class: "muted empty-line" }, empty));
      for (const a of list) el.append(this.assessmentCard(a));
    };
    group("On this span", span, "No assessments on this span.");
    group("On the trace", trace, "No trace-level assessments. Use the thumbs in the header to add feedback.");
    return el;
  }

  private assessmentCard(a: Assessment): HTMLElement {
    const v = a.value;
    const pass = v === true || v === "yes" ? true : v === false || v === "no" ? false : null;
    const valueEl = h("span", { class: `as-value${pass === true ? " pass" : pass === false ? " fail" : ""}` });
    if (pass !== null) valueEl.append(icon(pass ? "thumbsUp" : "thumbsDown"));
    const structured = v !== null && typeof v === "object";
    if (structured) valueEl.append(h("span", { class: "muted" }, Array.isArray(v) ? `[${v.length} items]` : "{…}"));
    else valueEl.append(longText(fmtValue(v), 1000));
    const del = h("button", { type: "button", class: "icon-button", title: "Delete this assessment", "aria-label": `Delete assessment ${a.name}` }, icon("trash"));
    const actions = h("div", { class: "as-actions" }, del);
    del.addEventListener("click", () => {
      const yes = h("button", { type: "button", class: "danger small" }, "Delete");
      const no = h("button", { type: "button", class: "secondary small" }, "Cancel");
      actions.replaceChildren(h("span", { class: "muted" }, "Delete?"), yes, no);
      no.addEventListener("click", () => actions.replaceChildren(del));
      yes.addEventListener("click", () => {
        yes.disabled = true;
        this.deps.deleteAssessment(a.assessmentId).then(
          () => this.refreshAssessments(),
          (e: unknown) => actions.replaceChildren(h("span", { class: "error-text" }, e instanceof Error ? e.message : String(e)), del),
        );
      });
      yes.focus();
    });
    return h(
      "div",
      { class: `assessment kind-${a.kind}` },
      h(
        "div",
        { class: "as-head" },
        h("span", { class: "as-name" }, a.name),
        h("span", { class: "as-kind" }, a.kind),
        valueEl,
        h("span", { class: "spacer" }),
        actions,
      ),
      structured ? h("div", { class: "as-json" }, renderJson(replaceMedia(v).value, { expandDepth: 3 })) : null,
      a.rationale ? h("div", { class: "as-rationale" }, longText(a.rationale, 1500)) : null,
      a.error ? h("div", { class: "as-error error-text" }, `${a.error.type ?? "Error"}: ${a.error.message ?? ""}`, a.error.stack ? h("pre", { class: "stack" }, longText(a.error.stack, 5000)) : null) : null,
      h("div", { class: "as-source muted" }, `${a.source.type.replace(/_/g, " ").toLowerCase()}${a.source.id ? ` · ${a.source.id}` : ""} · ${fmtDateTime(a.updatedMs || a.createdMs)}`),
      judgeCallRow(a.metadata, (id) => this.deps.openJudgeTrace(id), "as-head"),
    );
  }
}
