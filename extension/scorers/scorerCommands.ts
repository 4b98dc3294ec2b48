/**
 * Running scorers from lenses and the palette: picks the traces (for an LLM judge, each choice
 * shows the estimated judge calls, tokens and cost), shows progress with cancel, opens the
 * results panel, and reports the outcome.
 */
import * as crypto from "node:crypto";
import * as vscode from "vscode";
import { EstimateJudgeRunRequest, judgeEstimateText, perTraceEstimateText } from "../../protocol/judgeCost";
import { CancelRunRequest, ListRunsRequest, ListScorersRequest, RunScorerRequest } from "../../protocol/lsp";
import { runSummaryText, type EvalRun, type ScorerRef, type TraceSelection } from "../../protocol/scoring";
import { askLanguageModelConsentAgain } from "../judges/languageModelHost";
import type { ServerClient } from "../serverClient";
import { ResultsPanel } from "../webviews/resultsPanel";

export interface ScorerCtx {
  context: vscode.ExtensionContext;
  client: ServerClient;
  /** The Traces view's current filter and selection. */
  currentFilter(): string;
  selectedTraceIds(): string[];
  /** Dataset names in the store (for "Run on… a dataset"). */
  listDatasets(): Promise<string[]>;
}

export function lastN(): number {
  return vscode.workspace.getConfiguration("scorelens").get<number>("scorers.lastN", 100);
}

export async function runScorer(ctx: ScorerCtx, file: string, scorerName: string, selection: TraceSelection): Promise<EvalRun | null> {
  return runScorers(ctx, [{ file, scorerName }], selection);
}

/** One run of several scorers over a selection: progress with cancel, the results panel, errors reported. */
export async function runScorers(ctx: ScorerCtx, scorers: ScorerRef[], selection: TraceSelection, opts: { panelKey?: string } = {}): Promise<EvalRun | null> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage("ScoreLens runs scorer code only in a trusted workspace.", "Manage Workspace Trust").then((a) => {
      if (a) void vscode.commands.executeCommand("workbench.trust.manage");
    });
    return null;
  }
  const names = scorers.map((s) => s.scorerName).join(", ");
  const runId = `run-${Date.now().toString(36)}-${crypto.randomBytes(4).toString("hex")}`;
  askLanguageModelConsentAgain(); // a judge on VS Code's models may ask for consent again
  const rerun = () => void runScorers(ctx, scorers, selection, opts);
  const panel = ResultsPanel.show(ctx.context, ctx.client, runId, `${names} · running`, rerun, opts.panelKey);
  const run = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ScoreLens: running ${names}`, cancellable: true },
    async (progress, token) => {
      token.onCancellationRequested(() => void ctx.client.request(CancelRunRequest, { runId }));
      const sub = progressReporter(progress);
      activeReporters.set(runId, sub);
      try {
        return await ctx.client.request(RunScorerRequest, { scorers, selection, runId });
      } finally {
        activeReporters.delete(runId);
      }
    },
  );
  ResultsPanel.finished(runId);
  void panel;
  if (run.status === "failed") {
    void vscode.window.showErrorMessage(`ScoreLens: ${names} could not run: ${run.message ?? "unknown error"}`);
  }
  return run;
}

/** Progress callbacks keyed by run id (fed by the server's runProgress notifications). */
export const activeReporters = new Map<string, (done: number, total: number, errors: number) => void>();

function progressReporter(progress: vscode.Progress<{ message?: string; increment?: number }>) {
  let last = 0;
  return (done: number, total: number, errors: number) => {
    const pct = total > 0 ? (done / total) * 100 : 0;
    progress.report({ message: `${done} / ${total} traces${errors ? ` · ${errors} errors` : ""}`, increment: pct - last });
    last = pct;
  };
}

export async function runScorerOn(ctx: ScorerCtx, file: string, scorerName: string): Promise<void> {
  const selection = await pickSelection(ctx, `Run ${scorerName} on…`, { file, scorerName });
  if (selection) await runScorer(ctx, file, scorerName, selection);
}

type PickItem = vscode.QuickPickItem & { make: () => Promise<TraceSelection | undefined>; known?: TraceSelection };

/** How long the dialog waits for judge estimates before showing the choices without them. */
const ESTIMATE_WAIT_MS = 2000;

/**
 * For an LLM judge: each choice's estimate ("≈100 judge calls · ~85k tokens · ~$0.02") in its
 * detail line, per trace for choices whose size is not known yet. Other scorers: unchanged.
 */
async function withJudgeEstimates(ctx: ScorerCtx, scorer: ScorerRef, items: PickItem[]): Promise<PickItem[]> {
  const known = items.flatMap((i) => (i.known ? [i.known] : []));
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), ESTIMATE_WAIT_MS));
  const asked = Promise.resolve()
    .then(() => ctx.client.request(EstimateJudgeRunRequest, { file: scorer.file, scorerName: scorer.scorerName, selections: known }))
    .catch(() => null);
  const answer = await Promise.race([asked, timeout]);
  if (!answer?.judge) return items;
  let k = 0;
  return items.map((item) => {
    const estimate = item.known ? answer.estimates[k++] : answer.perTrace;
    if (!estimate) return item;
    return { ...item, detail: item.known ? `LLM judge: ${judgeEstimateText(estimate)}` : `LLM judge: ${perTraceEstimateText(estimate)}` };
  });
}

/** The "Run on…" quick pick: last N, the Traces view's filter or selection, a time range, a dataset (with judge estimates for `judge`). */
export async function pickSelection(ctx: ScorerCtx, title: string, judge?: ScorerRef): Promise<TraceSelection | undefined> {
  const n = lastN();
  const filter = ctx.currentFilter();
  const selected = ctx.selectedTraceIds();
  type Item = PickItem;
  const items: Item[] = [
    { label: `Last ${n} traces`, make: async () => ({ kind: "lastN", n }), known: { kind: "lastN", n } },
    {
      label: "Last N traces…",
      make: async () => {
        const v = await vscode.window.showInputBox({ prompt: "How many of the newest traces?", value: "1000", validateInput: (s) => (/^\d+$/.test(s) && Number(s) > 0 ? null : "a positive whole number") });
        return v ? { kind: "lastN", n: Number(v) } : undefined;
      },
    },
    {
      label: filter ? `Traces matching the Traces view filter` : "Traces matching a filter…",
      ...(filter ? { description: filter, known: { kind: "filter", filter, limit: 100_000 } as TraceSelection } : {}),
      make: async () => {
        const f = filter || (await vscode.window.showInputBox({ prompt: "MLflow filter_string", placeHolder: "trace.status = 'ERROR' AND tag.env = 'prod'" }));
        return f ? { kind: "filter", filter: f, limit: 100_000 } : undefined;
      },
    },
    ...(selected.length
      ? [
          {
            label: `The ${selected.length} selected trace${selected.length === 1 ? "" : "s"}`,
            make: async () => ({ kind: "traceIds", traceIds: selected }) as TraceSelection,
            known: { kind: "traceIds", traceIds: selected } as TraceSelection,
          },
        ]
      : []),
    {
      label: "A time range…",
      make: async () => {
        const pick = await vscode.window.showQuickPick(
          [
            { label: "Last hour", ms: 3_600_000 },
            { label: "Last 24 hours", ms: 86_400_000 },
            { label: "Last 7 days", ms: 7 * 86_400_000 },
          ],
          { title: "Time range" },
        );
        if (!pick) return undefined;
        const now = Date.now();
        return { kind: "timeRange", fromMs: now - pick.ms, toMs: now, limit: 100_000 };
      },
    },
  ];
  const datasets = await ctx.listDatasets().catch(() => [] as string[]);
  if (datasets.length > 0) {
    items.push({
      label: "A dataset…",
      description: `${datasets.length} in the store`,
      make: async () => {
        const name = await vscode.window.showQuickPick(datasets, { title: "Which dataset?" });
        return name ? { kind: "dataset", name } : undefined;
      },
    });
  }
  // the picker opens at once (busy) while a judge's estimates are computed
  const pick = await vscode.window.showQuickPick(judge ? withJudgeEstimates(ctx, judge, items) : items, { title });
  return pick?.make();
}

export async function showRun(ctx: ScorerCtx, runId?: unknown): Promise<void> {
  let id = typeof runId === "string" ? runId : undefined;
  if (!id) {
    const { runs } = await ctx.client.request(ListRunsRequest, { limit: 50 });
    const pick = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.scorers.map((s) => s.name).join(", "), description: `${r.selectionLabel} · ${runSummaryText(r)}`, detail: new Date(r.startedMs).toLocaleString(), id: r.runId })),
      { title: "Open which run?" },
    );
    id = pick?.id;
  }
  if (id) ResultsPanel.show(ctx.context, ctx.client, id, "Results", null);
}

export async function pickAndRunScorer(ctx: ScorerCtx): Promise<void> {
  const { scorers } = await ctx.client.request(ListScorersRequest, {});
  if (scorers.length === 0) {
    void vscode.window.showInformationMessage("No scorer() definitions found in this workspace. See examples/scorers.ts for the shape.");
    return;
  }
  const picks = await vscode.window.showQuickPick(
    scorers.map((s) => ({ label: s.name, description: vscode.workspace.asRelativePath(s.file), file: s.file, name: s.exportName ?? s.name })),
    { title: "Run which scorers? (several make one run)", canPickMany: true },
  );
  if (!picks || picks.length === 0) return;
  if (picks.length === 1) {
    const [only] = picks;
    if (only) await runScorerOn(ctx, only.file, only.name);
    return;
  }
  const selection = await pickSelection(ctx, `Run ${picks.length} scorers on…`);
  if (selection) await runScorers(ctx, picks.map((p) => ({ file: p.file, scorerName: p.name })), selection);
}
