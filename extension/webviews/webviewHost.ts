/**
 * Shared host side of every ScoreLens webview (panels and views): strict CSP with a per-load
 * nonce, the ready handshake (nothing is posted before the webview says `webview/ready`),
 * validated inbound requests dispatched to typed handlers, and typed outbound snapshots. A
 * hidden webview keeps only the newest snapshot.
 */
import * as crypto from "node:crypto";
import * as vscode from "vscode";
import type { z } from "zod";
import { formatZodError, type RequestDescriptor } from "../../protocol/descriptors";
import { WEBVIEW_REQUESTS, WebviewToHost, type HostToWebview, type PanelKind, type ThemeKind } from "../../protocol/webview";
import { log } from "../log";

export function nonce(): string {
  return crypto.randomBytes(18).toString("base64url");
}

export function themeKind(): ThemeKind {
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

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist", "webview")] };
}

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, panel: PanelKind, title: string): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", "webview", `${panel}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", "webview", "panel.css"));
  const panelStyle = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", "webview", `${panel}.css`));
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
<link rel="stylesheet" href="${panelStyle.toString()}">
<title>${title}</title>
</head>
<body data-panel="${panel}">
<main id="app" aria-busy="true"><p class="muted">Loading…</p></main>
<script nonce="${n}" type="module" src="${script.toString()}"></script>
</body>
</html>`;
}

type AnyDescriptor = RequestDescriptor<string, z.ZodType, z.ZodType>;
type Handler = (params: unknown) => Promise<unknown> | unknown;

export type Snapshot = Exclude<HostToWebview, { type: "host/response" }>;

export class WebviewHost implements vscode.Disposable {
  private ready = false;
  private pending: Snapshot | null = null;
  private readonly handlers = new Map<string, Handler>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly webview: vscode.Webview,
    private readonly kind: PanelKind,
    private readonly isVisible: () => boolean,
    private readonly onReady: () => void,
  ) {
    this.disposables.push(webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)));
  }

  /** Registers the handler for one request descriptor; params arrive validated. */
  handle<M extends string, P extends z.ZodType, R extends z.ZodType>(
    desc: RequestDescriptor<M, P, R>,
    handler: (params: z.output<P>) => Promise<z.input<R>> | z.input<R>,
  ): this {
    this.handlers.set(desc.method, handler as Handler);
    return this;
  }

  /** Call when the webview becomes visible again: delivers the newest pending snapshot. */
  visibilityChanged(): void {
    if (this.isVisible() && this.ready && this.pending) this.flush();
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
        const reply = (result: unknown, error: string | null) =>
          void this.webview.postMessage({ type: "host/response", id: msg.id, result, error } satisfies HostToWebview);
        const desc = (WEBVIEW_REQUESTS as Record<string, AnyDescriptor | undefined>)[msg.method];
        const handler = this.handlers.get(msg.method);
        if (!desc || !handler) return reply(null, `unknown request "${msg.method}" for the ${this.kind} webview`);
        const params = desc.params.safeParse(msg.params ?? {});
        if (!params.success) return reply(null, `invalid params for ${msg.method}: ${formatZodError(params.error)}`);
        try {
          reply(await handler(params.data), null);
        } catch (e) {
          log.warn(`${this.kind} webview request ${msg.method} failed: ${e instanceof Error ? e.message : String(e)}`);
          reply(null, e instanceof Error ? e.message : String(e));
        }
        return;
      }
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  /** Posts a complete snapshot; if the webview isn't ready or visible, keeps only the newest one. */
  post(snapshot: Snapshot): void {
    this.pending = snapshot;
    if (this.ready && this.isVisible()) this.flush();
  }

  private flush(): void {
    const s = this.pending;
    if (!s) return;
    this.pending = null;
    void this.webview.postMessage(s);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
