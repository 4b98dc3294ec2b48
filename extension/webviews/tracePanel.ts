/**
 * The trace panel: one editor tab per trace, rendering its span tree, waterfall and details.
 * The host fetches the light skeleton for the snapshot; full spans are fetched on selection.
 */
import * as vscode from "vscode";
import {
  DeleteAssessmentRequest,
  DeleteTracesRequest,
  GetSpanRequest,
  GetTraceSkeletonRequest,
  LogAssessmentRequest,
  SearchTraceRequest,
} from "../../protocol/lsp";
import {
  AssessmentDelete,
  ExpectationSet,
  FeedbackLog,
  JudgeTraceOpen,
  SourceReveal,
  SpanGet,
  TraceCompareWith,
  TraceCopyId,
  TraceDelete,
  TraceSearch,
  type TraceSnapshot,
} from "../../protocol/webview";
import { log } from "../log";
import type { ServerClient } from "../serverClient";
import { sourceOf } from "../sourcePath";
import { panelHtml, themeKind, WebviewHost, webviewOptions } from "./webviewHost";

export class TracePanel implements vscode.Disposable {
  private static readonly open = new Map<string, TracePanel>();
  private readonly host: WebviewHost;
  private readonly disposables: vscode.Disposable[] = [];

  static show(context: vscode.ExtensionContext, client: ServerClient, traceId: string): void {
    const existing = TracePanel.open.get(traceId);
    if (existing) {
      existing.panel.reveal();
      void existing.push();
      return;
    }
    TracePanel.open.set(traceId, new TracePanel(context, client, traceId));
  }

  /** Refreshes open panels whose trace changed (new spans, assessments). */
  static refresh(traceIds: readonly string[]): void {
    for (const id of traceIds) void TracePanel.open.get(id)?.push();
  }

  private readonly panel: vscode.WebviewPanel;

  private constructor(
    context: vscode.ExtensionContext,
    private readonly client: ServerClient,
    private readonly traceId: string,
  ) {
    this.panel = vscode.window.createWebviewPanel("scorelens.trace", `Trace ${traceId.slice(0, 8)}`, vscode.ViewColumn.Active, {
      ...webviewOptions(context.extensionUri),
      retainContextWhenHidden: true,
    });
    this.panel.iconPath = vscode.Uri.joinPath(context.extensionUri, "media", "scorelens.svg");
    this.panel.webview.html = panelHtml(this.panel.webview, context.extensionUri, "trace", "ScoreLens Trace");
    const id = traceId;
    this.host = new WebviewHost(this.panel.webview, "trace", () => this.panel.visible, () => void this.push())
      .handle(SpanGet, (p) => client.request(GetSpanRequest, { traceId: id, spanId: p.spanId }))
      .handle(TraceSearch, (p) => client.request(SearchTraceRequest, { traceId: id, text: p.text }))
      .handle(SourceReveal, async (p) => this.revealSource(p.spanId))
      .handle(FeedbackLog, async (p) => {
        const a = await client.request(LogAssessmentRequest, {
          traceId: id,
          spanId: p.spanId,
          kind: "feedback",
          name: p.name,
          value: p.value,
          rationale: p.comment,
        });
        this.changed();
        return a;
      })
      .handle(ExpectationSet, async (p) => {
        const a = await client.request(LogAssessmentRequest, { traceId: id, kind: "expectation", name: p.name, value: p.value });
        this.changed();
        return a;
      })
      .handle(AssessmentDelete, async (p) => {
        await client.request(DeleteAssessmentRequest, { assessmentId: p.assessmentId });
        this.changed();
        return { ok: true as const };
      })
      .handle(TraceDelete, async () => {
        await client.request(DeleteTracesRequest, { traceIds: [id] });
        await vscode.commands.executeCommand("scorelens.refreshTraces");
        this.panel.dispose();
        return { ok: true as const };
      })
      .handle(TraceCompareWith, async () => {
        // the compare command asks for the other trace (the same picker as the palette uses)
        await vscode.commands.executeCommand("scorelens.compareTraces", this.traceId);
        return { ok: true as const };
      })
      .handle(JudgeTraceOpen, async (p) => {
        // the judge's own trace opens in its own trace panel (the same command as the Traces view)
        await vscode.commands.executeCommand("scorelens.openTrace", p.traceId);
        return { ok: true as const };
      })
      .handle(TraceCopyId, async () => {
        await vscode.env.clipboard.writeText(`tr-${id}`);
        void vscode.window.setStatusBarMessage(`Copied tr-${id}`, 3000);
        return { ok: true as const };
      });
    this.disposables.push(
      this.host,
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(() => this.host.visibilityChanged()),
      vscode.window.onDidChangeActiveColorTheme(() => void this.push()),
    );
  }

  /** Assessments changed: refresh this panel and the Traces view's badges. */
  private changed(): void {
    void this.push();
    void vscode.commands.executeCommand("scorelens.refreshTraces");
  }

  private async push(): Promise<void> {
    let snapshot: TraceSnapshot;
    try {
      const trace = await this.client.request(GetTraceSkeletonRequest, { traceId: this.traceId });
      if (trace) this.panel.title = `${trace.summary.name} · ${this.traceId.slice(0, 8)}`;
      snapshot = {
        type: "trace/snapshot",
        trace,
        message: trace ? null : `Trace tr-${this.traceId} is not in the store (it may have been deleted).`,
        theme: themeKind(),
      };
    } catch (e) {
      snapshot = { type: "trace/snapshot", trace: null, message: e instanceof Error ? e.message : String(e), theme: themeKind() };
    }
    this.host.post(snapshot);
  }

  private async revealSource(spanId: string): Promise<{ ok: boolean; message: string | null }> {
    const span = await this.client.request(GetSpanRequest, { traceId: this.traceId, spanId });
    if (!span) return { ok: false, message: "the span is no longer in the store" };
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const r = sourceOf(span.attributes, folders);
    if (!r.ok) return { ok: false, message: r.message };
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(r.location.file));
      const pos = new vscode.Position(r.location.line - 1, r.location.column - 1);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.Beside });
      return { ok: true, message: null };
    } catch (e) {
      return { ok: false, message: `could not open ${r.location.file}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  dispose(): void {
    TracePanel.open.delete(this.traceId);
    for (const d of this.disposables) d.dispose();
    log.info(`closed trace panel tr-${this.traceId}`);
  }
}
