/** Extension entry point: wiring only. */
import * as vscode from "vscode";
import { registerCommands, scorerCtx, type Ctx } from "./commands";
import { initLog, log } from "./log";
import { ServerClient } from "./serverClient";
import { StatusBar } from "./statusBar";
import { REQUIRES_SERVER_RESTART, SETTINGS_SECTION } from "../protocol/settings";
import { RunLoggedNotification, RunProgressNotification, SetTrustNotification, TracesChangedNotification } from "../protocol/lsp";
import { runSummaryText } from "../protocol/scoring";
import { ResultsPanel } from "./webviews/resultsPanel";
import { activeReporters, runScorers } from "./scorers/scorerCommands";
import { WatchMode } from "./scorers/watchMode";
import { registerScorersView } from "./monitoring/scorersView";
import { TracesView } from "./views/tracesView";
import { TracePanel } from "./webviews/tracePanel";

let client: ServerClient | null = null;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(initLog());
  const statusBar = new StatusBar();
  client = new ServerClient(context);
  const c = client;
  const tracesView = new TracesView(context, c);
  c.onNotification(TracesChangedNotification, (p) => TracePanel.refresh(p.traceIds));
  c.onNotification(RunProgressNotification, (p) => activeReporters.get(p.runId)?.(p.done, p.total, p.errors));
  c.onNotification(RunLoggedNotification, (p) => {
    void vscode.window.showInformationMessage(`ScoreLens: ${p.run.selectionLabel} — ${runSummaryText(p.run)}`, "Open Results").then((a) => {
      if (a) ResultsPanel.show(context, c, p.run.runId, "Results", null);
    });
  });
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void c.notify(SetTrustNotification, { trusted: true })));
  const ctx: Ctx = { context, client: c, tracesView, watchMode: new WatchMode(context, c, (scorers, selection, panelKey) => runScorers(scorerCtx(ctx), scorers, selection, { panelKey })) };
  let wasReady = false;
  context.subscriptions.push(
    statusBar,
    tracesView,
    ctx.watchMode,
    vscode.window.registerWebviewViewProvider(TracesView.viewId, tracesView, { webviewOptions: { retainContextWhenHidden: true } }),
    c.onDidChange((s) => {
      statusBar.update(s);
      // A (re)started server learns which scorers are watched.
      if (c.isReady && !wasReady) ctx.watchMode.sync();
      wasReady = c.isReady;
    }),
    ...registerCommands(ctx),
    registerScorersView(c),
  );
  statusBar.update(c.state);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (REQUIRES_SERVER_RESTART.some((k) => e.affectsConfiguration(`${SETTINGS_SECTION}.${k}`))) {
        log.info("a setting that needs a server restart changed; restarting");
        void c.restart();
      }
    }),
  );
  try {
    await c.start();
    log.info("ScoreLens server started");
  } catch (e) {
    log.error("Cannot start the ScoreLens server:", e);
    void vscode.window.showErrorMessage(`ScoreLens could not start its server: ${e instanceof Error ? e.message : String(e)}. See the ScoreLens output.`);
  }
}

export async function deactivate(): Promise<void> {
  await client?.dispose();
  client = null;
}
