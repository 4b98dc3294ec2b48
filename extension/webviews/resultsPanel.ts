/**
 * The evaluation results panel: one tab per run, live while the run is going. The host asks the
 * server for the run's columnar table (protocol/runTable: every row, only what the table, sort,
 * filters and charts need) and posts it whole. The first time, it asks for the first rows
 * first and posts them (the panel paints at once), then for all of them. Full rows (detail pane)
 * and the text filter are answered on request. A finished run's table does not change, so it is
 * kept for re-posts (theme changes, a reloaded webview) instead of being read again.
 */
import * as vscode from "vscode";
import { CancelRunRequest, RunProgressNotification } from "../../protocol/lsp";
import {
  GetRunRowRequest,
  GetRunTableRequest,
  loadRunTable,
  RESULTS_CHUNK_ROWS,
  RESULTS_FIRST_ROWS,
  SearchRunRowsRequest,
  seqOfRow,
  type RunTableRead,
} from "../../protocol/runTable";
import { JudgeTraceOpen, ResultsCancel, ResultsCompare, ResultsOpenTrace, ResultsRerun, ResultsRow, ResultsSearch, type ResultsSnapshot } from "../../protocol/webview";
import { PreviousRunRequest } from "../../protocol/runCompareWebview";
import { runDeltaText, type EvalRun } from "../../protocol/scoring";
import type { ServerClient } from "../serverClient";
import { panelHtml, themeKind, WebviewHost, webviewOptions } from "./webviewHost";

type TableRead = RunTableRead;

export class ResultsPanel implements vscode.Disposable {
  private static readonly open = new Map<string, ResultsPanel>();
  private static progressBound = false;
  private readonly host: WebviewHost;
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private progress: { done: number; total: number } | null = null;
  /** The last table read, while its run was no longer running (it can't change). */
  private finishedTable: TableRead | null = null;
  /** The table last posted (row indexes → seqs for full rows). */
  private posted: TableRead | null = null;

  /**
   * Opens (or reveals) the panel of a run. `rerun` re-runs the same scorer and selection. With a
   * `reuseKey` (watch mode), the panel last opened with that key switches to the new run instead
   * of another tab opening for every save.
   */
  static show(context: vscode.ExtensionContext, client: ServerClient, runId: string, title: string, rerun: (() => void) | null, reuseKey?: string): ResultsPanel {
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
    const reused = reuseKey ? [...ResultsPanel.open.values()].find((x) => x.reuseKey === reuseKey) : undefined;
    if (reused) {
      ResultsPanel.open.delete(reused.runId);
      reused.retarget(runId, rerun);
      ResultsPanel.open.set(runId, reused);
      reused.panel.reveal(undefined, true);
      void reused.push();
      return reused;
    }
    const p = new ResultsPanel(context, client, runId, title, rerun, reuseKey ?? null);
    ResultsPanel.open.set(runId, p);
    return p;
  }

  /** Called when a run finished: the panel stops showing progress and loads all rows. */
  static finished(runId: string): void {
    const p = ResultsPanel.open.get(runId);
    if (p) {
      p.progress = null;
      p.finishedTable = null;
      // read the finished run's first rows first again, so a big run paints at once
      p.posted = null;
      void p.push();
    }
  }

  private previous: ResultsSnapshot["previous"] = null;
  /** The run `previous` was looked up for. */
  private previousFor: string | null = null;

  private constructor(
    context: vscode.ExtensionContext,
    private readonly client: ServerClient,
    private runId: string,
    title: string,
    private rerun: (() => void) | null,
    private readonly reuseKey: string | null,
  ) {
    // Watch mode's panel opens beside the editor without taking focus: the person keeps typing.
    const where = reuseKey ? { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true } : vscode.ViewColumn.Active;
    this.panel = vscode.window.createWebviewPanel("scorelens.results", title, where, {
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
      .handle(JudgeTraceOpen, async (p) => {
        await vscode.commands.executeCommand("scorelens.openTrace", p.traceId);
        return { ok: true as const };
      })
      .handle(ResultsCancel, async () => {
        await client.request(CancelRunRequest, { runId: this.runId });
        return { ok: true as const };
      })
      .handle(ResultsRerun, () => {
        if (!this.rerun) throw new Error("this run can't be re-run from here");
        this.rerun();
        return { ok: true as const };
      })
      .handle(ResultsCompare, async () => {
        await vscode.commands.executeCommand("scorelens.compareRuns", this.runId, this.previous?.runId);
        return { ok: true as const };
      })
      .handle(ResultsRow, (p) => {
        const seq = this.posted ? seqOfRow(this.posted.table, p.index) : null;
        return seq === null ? null : client.request(GetRunRowRequest, { runId: this.runId, seq });
      })
      .handle(ResultsSearch, (p) => client.request(SearchRunRowsRequest, { runId: this.runId, text: p.text }));
    this.disposables.push(
      this.host,
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(() => this.host.visibilityChanged()),
      vscode.window.onDidChangeActiveColorTheme(() => void this.push()),
    );
  }

  /** Shows another run in this panel (watch mode's next run). */
  private retarget(runId: string, rerun: (() => void) | null): void {
    this.runId = runId;
    this.rerun = rerun;
    this.progress = null;
    this.finishedTable = null;
    this.posted = null;
    this.previous = null;
    this.previousFor = null;
  }

  /** The previous run of the same scorers and the change from it (asked once the run has finished). */
  private async loadPrevious(run: EvalRun): Promise<void> {
    if (run.status === "running" || this.previousFor === run.runId) return;
    this.previousFor = run.runId;
    const { run: prev } = await this.client.request(PreviousRunRequest, { runId: run.runId });
    this.previous = prev ? { runId: prev.runId, startedMs: prev.startedMs, delta: runDeltaText(run, prev) } : null;
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

  private post(r: TableRead | null, message: string | null): void {
    if (r) this.posted = r;
    this.host.post({
      type: "results/snapshot",
      run: r?.run ?? null,
      table: r?.table ?? null,
      partial: r ? !r.complete : false,
      progress: r?.run.status === "running" ? this.progress : null,
      previous: this.previous,
      message,
      theme: themeKind(),
    } satisfies ResultsSnapshot);
    if (r) this.panel.title = `${r.run.scorers.map((s) => s.name).join(", ")} · ${r.run.selectionLabel}`;
  }

  /** Reads the table in chunks (the first rows posted at once when nothing was posted yet) and posts it. */
  private async load(): Promise<void> {
    if (this.finishedTable) return this.post(this.finishedTable, null);
    const first = this.posted === null;
    const r = await loadRunTable((p) => this.client.request(GetRunTableRequest, p), this.runId, {
      firstRows: RESULTS_FIRST_ROWS,
      chunkRows: RESULTS_CHUNK_ROWS,
      onFirst: (head) => {
        if (first) this.post(head, null);
      },
    });
    if (r && r.run.status !== "running" && this.progress === null) this.finishedTable = r;
    if (r) await this.loadPrevious(r.run).catch(() => undefined);
    this.post(r, r ? null : `Run ${this.runId} is not in the store.`);
  }

  private async push(): Promise<void> {
    if (this.pushing) {
      this.again = true;
      return;
    }
    this.pushing = true;
    try {
      await this.load();
    } catch (e) {
      this.post(null, e instanceof Error ? e.message : String(e));
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
