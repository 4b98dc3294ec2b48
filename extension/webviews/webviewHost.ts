/**
 * Shared host side of every ScoreLens webview panel: strict CSP with a per-load nonce, the
 * ready handshake (nothing is posted before the webview says `webview/ready`), validated
 * inbound messages, and typed outbound snapshots. A hidden panel keeps only the newest snapshot.
 */
import * as crypto from "node:crypto";
import * as vscode from "vscode";
import { formatZodError } from "../../protocol/descriptors";
import { WebviewToHost, type HostToWebview, type PanelKind } from "../../protocol/webview";
import { log } from "../log";

export function nonce(): string {
  return crypto.randomBytes(18).toString("base64url");
}

export function themeKind(): "light" | "dark" | "highContrast" | "highContrastLight" {
  switch (vscode.window.activeColorTheme.kind) {
    case vscode.ColorThemeKind.Light:
      return "light";
    case vscode.ColorThemeKind.HighContrast:
      return "highContrast";
    case vscode.ColorThemeKind.HighContrastLight:
      return "highContrastLight";
    default:
      return "dark";
  }
}

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, panel: PanelKind, title: string): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", "webview", `${panel}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", "webview", "panel.css"));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${title}</title>
</head>
<body data-panel="${panel}">
<main id="app" aria-busy="true"><p class="muted">Loading…</p></main>
<script nonce="${n}" type="module" src="${script.toString()}"></script>
</body>
</html>`;
}

export type RequestMethod = Extract<WebviewToHost, { type: "webview/request" }>["method"];

export class WebviewHost implements vscode.Disposable {
  private ready = false;
  private pending: HostToWebview | null = null;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly kind: PanelKind,
    private readonly onReady: () => void,
    private readonly onRequest: (method: RequestMethod) => Promise<void>,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidChangeViewState(() => {
        if (panel.visible && this.ready && this.pending) this.flush();
      }),
    );
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = WebviewToHost.safeParse(raw);
    if (!parsed.success) {
      log.warn(`dropped invalid message from the ${this.kind} webview: ${formatZodError(parsed.error)}`);
      return;
    }
    const msg = parsed.data;
    switch (msg.type) {
      case "webview/ready":
        this.ready = true;
        this.onReady();
        this.flush();
        return;
      case "webview/request": {
        let error: string | null = null;
        try {
          await this.onRequest(msg.method);
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
        }
        void this.panel.webview.postMessage({ type: "host/response", id: msg.id, error } satisfies HostToWebview);
        return;
      }
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  /** Posts a complete snapshot; if the webview isn't ready or visible, keeps only the newest one. */
  post(snapshot: HostToWebview): void {
    this.pending = snapshot;
    if (this.ready && this.panel.visible) this.flush();
  }

  private flush(): void {
    const s = this.pending;
    if (!s) return;
    this.pending = null;
    void this.panel.webview.postMessage(s);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
