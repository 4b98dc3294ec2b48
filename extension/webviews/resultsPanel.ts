/** The evaluation results panel: one tab per run, live while the run is going. */
import * as vscode from "vscode";
import { CancelRunRequest, GetRunRequest, RunProgressNotification } from "../../protocol/lsp";
import { ResultsCancel, ResultsOpenTrace, ResultsRerun, type ResultsSnapshot } from "../../protocol/webview";
import type { ServerClient } from "../serverClient";
import { panelHtml, themeKind, WebviewHost, webviewOptions } from "./webviewHost";

export class ResultsPanel implements vscode.Disposable {
  private static readonly open = new Map<string, ResultsPanel>();
  private static progressBound = false;
  private readonly host: WebviewHost;
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private progress: { done: number; total: number } | null = null;

  /** Opens (or reveals) the panel of a run. `rerun` re-runs the same scorer and selection. */
  static show(context: vscode.ExtensionContext, client: ServerClient, runId: string, title: string, rerun: (() => void) | null): ResultsPanel {
    if (!ResultsPanel.progressBound) {
      ResultsPanel.progressBound = true;
      client.onNotification(RunProgressNotification, (p) => {
        const panel = ResultsPanel.open.get(p.runId);
        if (panel) {
          panel.progress = { done: p.done, total: p.total };
          panel.pushSoon();
        }
      });
    }
    const existing = ResultsPanel.open.get(runId);
    if (existing) {
      existing.panel.reveal();
      void existing.push();
      return existing;
    }
    const p = new ResultsPanel(context, client, runId, title, rerun);
    ResultsPanel.open.set(runId, p);
    return p;
  }

  /** Called when a run finished: the panel stops showing progress and loads all rows. */
  static finished(runId: string): void {
    const p = ResultsPanel.open.get(runId);
    if (p) {
      p.progress = null;
      void p.push();
    }
  }

  private constructor(
    context: vscode.ExtensionContext,
    private readonly client: ServerClient,
    private readonly runId: string,
    title: string,
    rerun: (() => void) | null,
  ) {
    this.panel = vscode.window.createWebviewPanel("scorelens.results", title, vscode.ViewColumn.Active, {
      ...webviewOptions(context.extensionUri),
      retainContextWhenHidden: true,
    });
    this.panel.iconPath = vscode.Uri.joinPath(context.extensionUri, "media", "scorelens.svg");
    this.panel.webview.html = panelHtml(this.panel.webview, context.extensionUri, "results", "ScoreLens Results");
    this.host = new WebviewHost(this.panel.webview, "results", () => this.panel.visible, () => void this.push())
      .handle(ResultsOpenTrace, async (p) => {
        await vscode.commands.executeCommand("scorelens.openTrace", p.traceId);
        return { ok: true as const };
      })
      .handle(ResultsCancel, async () => {
        await client.request(CancelRunRequest, { runId });
        return { ok: true as const };
      })
      .handle(ResultsRerun, () => {
        if (!rerun) throw new Error("this run can't be re-run from here");
        rerun();
        return { ok: true as const };
      });
    this.disposables.push(
      this.host,
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(() => this.host.visibilityChanged()),
      vscode.window.onDidChangeActiveColorTheme(() => void this.push()),
    );
  }

  private pushTimer: NodeJS.Timeout | null = null;

  /** Progress arrives often: push at most every 300 ms. */
  private pushSoon(): void {
    this.pushTimer ??= setTimeout(() => {
      this.pushTimer = null;
      void this.push();
    }, 300);
  }

  private pushing = false;
  private again = false;

  private async push(): Promise<void> {
    if (this.pushing) {
      this.again = true;
      return;
    }
    this.pushing = true;
    try {
      let snapshot: ResultsSnapshot;
      try {
        const r = await this.client.request(GetRunRequest, { runId: this.runId, offset: 0, limit: 200_000 });
        snapshot = {
          type: "results/snapshot",
          run: r?.run ?? null,
          rows: r?.rows ?? [],
          progress: r?.run.status === "running" ? this.progress : null,
          message: r ? null : `Run ${this.runId} is not in the store.`,
          theme: themeKind(),
        };
        if (r) this.panel.title = `${r.run.scorers.map((s) => s.name).join(", ")} · ${r.run.selectionLabel}`;
      } catch (e) {
        snapshot = { type: "results/snapshot", run: null, rows: [], progress: null, message: e instanceof Error ? e.message : String(e), theme: themeKind() };
      }
      this.host.post(snapshot);
    } finally {
      this.pushing = false;
      if (this.again) {
        this.again = false;
        void this.push();
      }
    }
  }

  dispose(): void {
    if (this.pushTimer) clearTimeout(this.pushTimer);
    ResultsPanel.open.delete(this.runId);
    for (const d of this.disposables) d.dispose();
  }
}
