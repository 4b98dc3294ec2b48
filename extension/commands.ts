/** Every command the extension registers, in one table (checked against package.json by a test). */
import * as vscode from "vscode";
import type { CommandId } from "../protocol/commands";
import { ListTracesRequest } from "../protocol/lsp";
import type { ServerClient } from "./serverClient";
import { log } from "./log";
import type { TracesView } from "./views/tracesView";
import { ComparePanel } from "./webviews/comparePanel";
import { StatusPanel } from "./webviews/statusPanel";
import { TracePanel } from "./webviews/tracePanel";
import { pickAndRunScorer, runScorer, runScorerOn, runScorers, showRun, type ScorerCtx } from "./scorers/scorerCommands";
import type { WatchMode } from "./scorers/watchMode";
import { compareRuns } from "./scorers/compareRunsCommand";
import { MONITORING_COMMANDS } from "./monitoring/monitoringCommands";
import { setJudgeApiKey } from "./judges/judgeApiKey";
import { chooseJudgeModel } from "./judges/chooseJudgeModel";
import { createDatasetFromTraces, exportDataset, importDataset } from "./datasets/datasetCommands";
import { ScorerRef, TraceSelection } from "../protocol/scoring";
import { ListDatasetsRequest } from "../protocol/lsp";
import { z } from "zod";
import { bareTraceId } from "../protocol/format";

export interface Ctx {
  context: vscode.ExtensionContext;
  client: ServerClient;
  tracesView: TracesView;
  watchMode: WatchMode;
}

export function scorerCtx(ctx: Ctx): ScorerCtx {
  return {
    context: ctx.context,
    client: ctx.client,
    currentFilter: () => ctx.tracesView.currentFilter,
    selectedTraceIds: () => ctx.tracesView.selectedTraceIds,
    listDatasets: async () => (await ctx.client.request(ListDatasetsRequest, {})).datasets.map((d) => d.name),
  };
}

const str = (v: unknown, what: string): string => {
  if (typeof v !== "string" || v === "") throw new Error(`missing ${what}`);
  return v;
};

type Handler = (ctx: Ctx, ...args: unknown[]) => unknown;

const lastNSetting = (): number => vscode.workspace.getConfiguration("scorelens").get<number>("scorers.lastN", 100);

async function pickTrace(ctx: Ctx, title: string, exclude?: string): Promise<string | undefined> {
  const { traces } = await ctx.client.request(ListTracesRequest, { limit: 200 });
  if (traces.length === 0) {
    void vscode.window.showInformationMessage("ScoreLens has no traces yet. Send some over OTLP (see the status bar for the port).");
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    traces
      .filter((t) => t.traceId !== exclude)
      .map((t) => ({
        label: `${t.state === "ERROR" ? "$(error) " : ""}${t.name}`,
        description: `tr-${t.traceId.slice(0, 12)} · ${Math.round(t.durationMs)} ms · ${new Date(t.startTimeMs).toLocaleTimeString()}`,
        detail: t.requestPreview.slice(0, 140),
        traceId: t.traceId,
      })),
    { title, matchOnDescription: true, matchOnDetail: true },
  );
  return pick?.traceId;
}

const isId = (v: unknown): v is string => typeof v === "string" && /^(tr-)?[0-9a-f]{32}$/.test(v);

export const COMMANDS: Record<CommandId, Handler> = {
  "scorelens.showServerStatus": (ctx) => StatusPanel.show(ctx.context, ctx.client),
  "scorelens.showLog": () => log.show(),
  "scorelens.restartServer": async (ctx) => {
    log.info("restarting the server on request");
    await ctx.client.restart();
  },
  "scorelens.showTraces": () => vscode.commands.executeCommand("scorelens.traces.focus"),
  "scorelens.refreshTraces": (ctx) => ctx.tracesView.refresh(),
  "scorelens.openTrace": async (ctx, traceId) => {
    const id = isId(traceId) ? bareTraceId(traceId) : await pickTrace(ctx, "Open which trace?");
    if (id) TracePanel.show(ctx.context, ctx.client, id);
  },
  "scorelens.compareTraces": async (ctx, left, right) => {
    const l = isId(left) ? bareTraceId(left) : await pickTrace(ctx, "Compare: first trace");
    if (!l) return;
    const r = isId(right) ? bareTraceId(right) : await pickTrace(ctx, "Compare: second trace", l);
    if (r) ComparePanel.show(ctx.context, ctx.client, l, r);
  },
  "scorelens.runScorer": async (ctx, file, name, target) => {
    const sel = TraceSelection.safeParse(target);
    await runScorer(scorerCtx(ctx), str(file, "scorer file"), str(name, "scorer name"), sel.success ? sel.data : { kind: "lastN", n: lastNSetting() });
  },
  "scorelens.runScorers": async (ctx, refs, target) => {
    const scorers = z.array(ScorerRef).min(1).parse(refs);
    const sel = TraceSelection.safeParse(target);
    await runScorers(scorerCtx(ctx), scorers, sel.success ? sel.data : { kind: "lastN", n: lastNSetting() });
  },
  "scorelens.toggleWatch": (ctx, file, name) => ctx.watchMode.toggle(str(file, "scorer file"), str(name, "scorer name"), { kind: "lastN", n: lastNSetting() }),
  "scorelens.createDataset": (ctx) => createDatasetFromTraces(scorerCtx(ctx)),
  "scorelens.importDataset": (ctx) => importDataset(scorerCtx(ctx)),
  "scorelens.exportDataset": (ctx) => exportDataset(scorerCtx(ctx)),
  "scorelens.setJudgeApiKey": (ctx) => setJudgeApiKey(ctx.context, ctx.client),
  "scorelens.chooseJudgeModel": (ctx) => chooseJudgeModel(ctx.context, ctx.client),
  "scorelens.compareRuns": (ctx, head, base) => compareRuns(ctx, typeof head === "string" ? head : undefined, typeof base === "string" ? base : undefined),
  "scorelens.runScorerOn": (ctx, file, name) => runScorerOn(scorerCtx(ctx), str(file, "scorer file"), str(name, "scorer name")),
  "scorelens.runScorerPick": (ctx) => pickAndRunScorer(scorerCtx(ctx)),
  "scorelens.showRun": (ctx, runId) => showRun(scorerCtx(ctx), runId),
  ...MONITORING_COMMANDS,
};

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(ctx, ...args);
      } catch (e) {
        log.error(`${id} failed:`, e);
        void vscode.window.showErrorMessage(`ScoreLens: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    }),
  );
}
