/** Compare two traces side by side (alignment and diffs are computed in the webview). */
import * as vscode from "vscode";
import { GetTraceRequest } from "../../protocol/lsp";
import { CompareOpenTrace, type CompareSnapshot } from "../../protocol/webview";
import type { ServerClient } from "../serverClient";
import { panelHtml, themeKind, WebviewHost, webviewOptions } from "./webviewHost";

export class ComparePanel implements vscode.Disposable {
  private readonly host: WebviewHost;
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];

  static show(context: vscode.ExtensionContext, client: ServerClient, left: string, right: string): ComparePanel {
    return new ComparePanel(context, client, left, right);
  }

  private constructor(
    context: vscode.ExtensionContext,
    private readonly client: ServerClient,
    private readonly left: string,
    private readonly right: string,
  ) {
    this.panel = vscode.window.createWebviewPanel("scorelens.compare", `Compare ${left.slice(0, 6)} ↔ ${right.slice(0, 6)}`, vscode.ViewColumn.Active, {
      ...webviewOptions(context.extensionUri),
      retainContextWhenHidden: true,
    });
    this.panel.iconPath = vscode.Uri.joinPath(context.extensionUri, "media", "scorelens.svg");
    this.panel.webview.html = panelHtml(this.panel.webview, context.extensionUri, "compare", "ScoreLens Compare");
    this.host = new WebviewHost(this.panel.webview, "compare", () => this.panel.visible, () => void this.push()).handle(
      CompareOpenTrace,
      async (p) => {
        await vscode.commands.executeCommand("scorelens.openTrace", p.traceId);
        return { ok: true as const };
      },
    );
    this.disposables.push(this.host, this.panel.onDidDispose(() => this.dispose()), this.panel.onDidChangeViewState(() => this.host.visibilityChanged()));
  }

  private async push(): Promise<void> {
    let snapshot: CompareSnapshot;
    try {
      const [l, r] = await Promise.all([
        this.client.request(GetTraceRequest, { traceId: this.left }),
        this.client.request(GetTraceRequest, { traceId: this.right }),
      ]);
      const missing = [!l ? this.left : null, !r ? this.right : null].filter((x): x is string => x !== null);
      snapshot = {
        type: "compare/snapshot",
        left: l,
        right: r,
        message: missing.length ? `Not in the store: ${missing.map((m) => `tr-${m}`).join(", ")}` : null,
        theme: themeKind(),
      };
    } catch (e) {
      snapshot = { type: "compare/snapshot", left: null, right: null, message: e instanceof Error ? e.message : String(e), theme: themeKind() };
    }
    this.host.post(snapshot);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
