/** "ScoreLens: Show Server Status": a single panel rendering the server status snapshot. */
import * as vscode from "vscode";
import { RestartServer, ShowLog, StatusRefresh, type StatusSnapshot } from "../../protocol/webview";
import type { ServerClient } from "../serverClient";
import { log } from "../log";
import { panelHtml, themeKind, WebviewHost, webviewOptions } from "./webviewHost";

export class StatusPanel implements vscode.Disposable {
  private static current: StatusPanel | null = null;
  private readonly host: WebviewHost;
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];

  static show(context: vscode.ExtensionContext, client: ServerClient): void {
    if (StatusPanel.current) {
      StatusPanel.current.panel.reveal();
      StatusPanel.current.push();
      return;
    }
    StatusPanel.current = new StatusPanel(context, client);
  }

  private constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: ServerClient,
  ) {
    const panel = vscode.window.createWebviewPanel("scorelens.status", "ScoreLens: Server Status", vscode.ViewColumn.Active, {
      ...webviewOptions(context.extensionUri),
      retainContextWhenHidden: false,
    });
    this.panel = panel;
    panel.webview.html = panelHtml(panel.webview, context.extensionUri, "status", "ScoreLens: Server Status");
    this.host = new WebviewHost(panel.webview, "status", () => panel.visible, () => this.push())
      .handle(StatusRefresh, () => {
        this.push();
        return { ok: true as const };
      })
      .handle(ShowLog, () => {
        log.show();
        return { ok: true as const };
      })
      .handle(RestartServer, async () => {
        await vscode.commands.executeCommand("scorelens.restartServer");
        return { ok: true as const };
      });
    this.disposables.push(
      this.host,
      client.onDidChange(() => this.push()),
      vscode.window.onDidChangeActiveColorTheme(() => this.push()),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => this.host.visibilityChanged()),
    );
  }

  private push(): void {
    const snapshot: StatusSnapshot = {
      type: "status/snapshot",
      status: this.client.state.status,
      client: {
        restarts: this.client.state.restarts,
        lastRestartReason: this.client.state.lastRestartReason,
        extensionVersion: String((this.context.extension.packageJSON as { version?: unknown }).version ?? ""),
      },
      theme: themeKind(),
    };
    this.host.post(snapshot);
  }

  dispose(): void {
    StatusPanel.current = null;
    for (const d of this.disposables) d.dispose();
  }
}
