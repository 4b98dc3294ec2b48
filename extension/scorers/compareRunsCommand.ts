/**
 * "ScoreLens: Compare Runs": with a run id (from a lens, the results panel…) compares it with its
 * previous run of the same scorers; without one, quick-picks the head run, then the base run
 * (its previous run of the same scorers first).
 */
import type * as vscode from "vscode";
import type { ServerClient } from "../serverClient";
import { pickRun, RunComparePanel } from "../webviews/runComparePanel";

export interface CompareRunsCtx {
  context: vscode.ExtensionContext;
  client: ServerClient;
}

export async function compareRuns(ctx: CompareRunsCtx, headRunId?: string, baseRunId?: string): Promise<void> {
  if (headRunId) {
    RunComparePanel.show(ctx.context, ctx.client, headRunId, baseRunId);
    return;
  }
  const head = await pickRun(ctx.client, { title: "Compare runs (1/2): the run to check (head)" });
  if (!head) return;
  const base = await pickRun(ctx.client, { title: "Compare runs (2/2): compare it with (base)", exclude: head, previousOf: head });
  if (!base) return;
  RunComparePanel.show(ctx.context, ctx.client, head, base);
}
