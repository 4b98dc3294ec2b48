/**
 * Compare two evaluation runs (the diff is computed by the server: scorelens/compareRuns). The
 * base defaults to the head's previous run of the same scorers; the panel can swap the runs,
 * pick another base, and change the numeric threshold.
 */
import * as vscode from "vscode";
import { ListRunsRequest } from "../../protocol/lsp";
import { CompareRunsRequest, DEFAULT_THRESHOLD, PreviousRunRequest, sameScorerSet } from "../../protocol/runDiff";
import { RunCompareOpenRun, RunCompareOpenTrace, RunComparePickBase, RunCompareSetThreshold, RunCompareSwap } from "../../protocol/runCompareWebview";
import { runSummaryText, type EvalRun } from "../../protocol/scoring";
import type { RunCompareSnapshot } from "../../protocol/webview";
import type { ServerClient } from "../serverClient";
import { panelHtml, themeKind, WebviewHost, webviewOptions } from "./webviewHost";

type RunItem = vscode.QuickPickItem & { runId?: string };

function runItem(r: EvalRun, hint?: string): RunItem {
  return {
    label: r.scorers.map((s) => s.name).join(", ") || "(no scorers)",
    description: [hint, r.selectionLabel, runSummaryText(r)].filter(Boolean).join(" · "),
    detail: `${new Date(r.startedMs).toLocaleString()} · ${r.runId}`,
    runId: r.runId,
  };
}

/**
 * Quick-picks a run (newest first). With `previousOf`, that run's previous run of the same
 * scorers comes first (the default base), then the other runs of the same scorers, then the rest.
 */
export async function pickRun(client: ServerClient, opts: { title: string; exclude?: string; previousOf?: string }): Promise<string | undefined> {
  const [{ runs }, prev] = await Promise.all([
    client.request(ListRunsRequest, { limit: 200 }),
    opts.previousOf ? client.request(PreviousRunRequest, { runId: opts.previousOf }) : Promise.resolve({ run: null }),
  ]);
  const head = opts.previousOf ? runs.find((r) => r.runId === opts.previousOf) : undefined;
  const rest = runs.filter((r) => r.runId !== opts.exclude && r.runId !== prev.run?.runId);
  const same = head ? rest.filter((r) => sameScorerSet(r.scorers, head.scorers)) : [];
  const others = head ? rest.filter((r) => !sameScorerSet(r.scorers, head.scorers)) : rest;
  const sep = (label: string): RunItem => ({ label, kind: vscode.QuickPickItemKind.Separator });
  const items: RunItem[] = [
    ...(prev.run ? [runItem(prev.run, "$(history) previous run of the same scorers")] : []),
    ...(same.length ? [sep("same scorers"), ...same.map((r) => runItem(r))] : []),
    ...(others.length ? [sep(head ? "other scorers" : "runs"), ...others.map((r) => runItem(r))] : []),
  ];
  if (!items.some((i) => i.runId)) {
    void vscode.window.showInformationMessage(runs.length ? "ScoreLens: there is no other run to compare with." : "ScoreLens has no evaluation runs yet. Run a scorer first.");
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, { title: opts.title, matchOnDescription: true, matchOnDetail: true });
  return pick?.runId;
}

export class RunComparePanel implements vscode.Disposable {
  private static readonly open = new Map<string, RunComparePanel>();
  private readonly host: WebviewHost;
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private threshold = DEFAULT_THRESHOLD;
  private key: string;

  /** Opens (or reveals) the comparison of `headRunId` with `baseRunId` (default: its previous run of the same scorers). */
  static show(context: vscode.ExtensionContext, client: ServerClient, headRunId: string, baseRunId?: string): RunComparePanel {
    const existing = RunComparePanel.open.get(`${headRunId}|${baseRunId ?? ""}`);
    if (existing) {
      existing.panel.reveal();
      void existing.push();
      return existing;
    }
    return new RunComparePanel(context, client, headRunId, baseRunId ?? null);
  }

  private constructor(
    context: vscode.ExtensionContext,
    private readonly client: ServerClient,
    private head: string,
    private base: string | null,
  ) {
    this.key = `${head}|${base ?? ""}`;
    RunComparePanel.open.set(this.key, this);
    this.panel = vscode.window.createWebviewPanel("scorelens.runCompare", "Compare runs", vscode.ViewColumn.Active, {
      ...webviewOptions(context.extensionUri),
      retainContextWhenHidden: true,
    });
    this.panel.iconPath = vscode.Uri.joinPath(context.extensionUri, "media", "scorelens.svg");
    this.panel.webview.html = panelHtml(this.panel.webview, context.extensionUri, "runCompare", "ScoreLens Compare Runs");
    this.host = new WebviewHost(this.panel.webview, "runCompare", () => this.panel.visible, () => void this.push())
      .handle(RunCompareOpenTrace, async (p) => {
        await vscode.commands.executeCommand("scorelens.openTrace", p.traceId);
        return { ok: true as const };
      })
      .handle(RunCompareOpenRun, async (p) => {
        await vscode.commands.executeCommand("scorelens.showRun", p.runId);
        return { ok: true as const };
      })
      .handle(RunCompareSwap, async () => {
        if (this.base === null) throw new Error("there is no base run to swap with");
        [this.head, this.base] = [this.base, this.head];
        this.rekey();
        await this.push();
        return { ok: true as const };
      })
      .handle(RunComparePickBase, async () => {
        const picked = await pickRun(client, { title: "Compare with which run (base)?", exclude: this.head, previousOf: this.head });
        if (!picked) return { changed: false };
        this.base = picked;
        this.rekey();
        await this.push();
        return { changed: true };
      })
      .handle(RunCompareSetThreshold, async (p) => {
        this.threshold = p.threshold;
        await this.push();
        return { ok: true as const };
      });
    this.disposables.push(
      this.host,
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(() => this.host.visibilityChanged()),
      vscode.window.onDidChangeActiveColorTheme(() => void this.push()),
    );
  }

  private rekey(): void {
    if (RunComparePanel.open.get(this.key) === this) RunComparePanel.open.delete(this.key);
    this.key = `${this.head}|${this.base ?? ""}`;
    RunComparePanel.open.set(this.key, this);
  }

  private async push(): Promise<void> {
    let snapshot: RunCompareSnapshot;
    try {
      const r = await this.client.request(CompareRunsRequest, { headRunId: this.head, ...(this.base ? { baseRunId: this.base } : {}), threshold: this.threshold });
      if (r.diff && this.base === null) this.base = r.diff.base.runId; // pin the default base: swap and re-push keep it
      snapshot = { type: "runCompare/snapshot", diff: r.diff, message: r.message, headRunId: this.head, baseRunId: this.base, theme: themeKind() };
      if (r.diff) this.panel.title = `Compare runs: ${r.diff.head.scorers.map((s) => s.name).join(", ") || this.head}`;
    } catch (e) {
      snapshot = { type: "runCompare/snapshot", diff: null, message: e instanceof Error ? e.message : String(e), headRunId: this.head, baseRunId: this.base, theme: themeKind() };
    }
    this.host.post(snapshot);
  }

  dispose(): void {
    if (RunComparePanel.open.get(this.key) === this) RunComparePanel.open.delete(this.key);
    for (const d of this.disposables) d.dispose();
  }
}
