/**
 * The Traces view (a webview view in the ScoreLens activity-bar container): newest traces, live
 * as they arrive unless paused, with an MLflow filter box, load more, open, compare and delete.
 * The host owns the data and pushes complete snapshots.
 */
import * as vscode from "vscode";
import { DeleteTracesRequest, ListTracesRequest, TracesChangedNotification } from "../../protocol/lsp";
import type { FilterError, TraceListRow } from "../../protocol/model";
import {
  TracesCompare,
  TracesDelete,
  TracesLoadMore,
  TracesOpen,
  TracesSelect,
  TracesSetFilter,
  TracesSetPaused,
  type TracesSnapshot,
} from "../../protocol/webview";
import { log } from "../log";
import type { ServerClient } from "../serverClient";
import { panelHtml, themeKind, WebviewHost, webviewOptions } from "../webviews/webviewHost";

const PAGE = 50;

export class TracesView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = "scorelens.traces";
  private view: vscode.WebviewView | null = null;
  private host: WebviewHost | null = null;
  private rows: TraceListRow[] = [];
  private total = 0;
  private hasMore = false;
  private filter = "";
  private filterError: FilterError | null = null;
  private paused = false;
  private loaded = PAGE;
  private selection: string[] = [];
  private serverMessage: string | null = "Starting the ScoreLens server…";
  private refreshTimer: NodeJS.Timeout | null = null;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: ServerClient,
  ) {
    this.disposables.push(
      client.onDidChange((s) => {
        const wasDown = this.serverMessage !== null;
        this.serverMessage = s.status && (s.status.health === "ready" || s.status.health === "attached") ? null : statusMessage(s.phase);
        if (wasDown && this.serverMessage === null) this.scheduleRefresh(0);
        else this.push();
      }),
    );
    client.onNotification(TracesChangedNotification, () => {
      if (!this.paused) this.scheduleRefresh(300);
    });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.context.extensionUri);
    view.webview.html = panelHtml(view.webview, this.context.extensionUri, "traces", "ScoreLens Traces");
    this.host?.dispose();
    this.host = new WebviewHost(view.webview, "traces", () => view.visible, () => this.scheduleRefresh(0))
      .handle(TracesSetFilter, async (p) => {
        this.filter = p.filter.trim();
        this.loaded = PAGE;
        await this.refresh();
        return { ok: true as const };
      })
      .handle(TracesLoadMore, async () => {
        this.loaded += PAGE;
        await this.refresh();
        return { ok: true as const };
      })
      .handle(TracesSetPaused, async (p) => {
        this.paused = p.paused;
        if (!this.paused) await this.refresh();
        else this.push();
        return { ok: true as const };
      })
      .handle(TracesOpen, async (p) => {
        await vscode.commands.executeCommand("scorelens.openTrace", p.traceId);
        return { ok: true as const };
      })
      .handle(TracesSelect, (p) => {
        this.selection = p.traceIds;
        return { ok: true as const };
      })
      .handle(TracesCompare, async (p) => {
        await vscode.commands.executeCommand("scorelens.compareTraces", p.left, p.right);
        return { ok: true as const };
      })
      .handle(TracesDelete, async (p) => {
        const r = await this.client.request(DeleteTracesRequest, { traceIds: p.traceIds });
        await this.refresh();
        return r;
      });
    this.disposables.push(
      view.onDidChangeVisibility(() => {
        if (view.visible) this.scheduleRefresh(0);
        this.host?.visibilityChanged();
      }),
      view.onDidDispose(() => {
        this.host?.dispose();
        this.host = null;
        this.view = null;
      }),
    );
  }

  private scheduleRefresh(delayMs: number): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, delayMs);
  }

  async refresh(): Promise<void> {
    if (!this.view || !this.client.isReady) {
      this.push();
      return;
    }
    try {
      const r = await this.client.request(ListTracesRequest, { limit: Math.min(this.loaded, 1000), ...(this.filter ? { filter: this.filter } : {}) });
      this.rows = r.traces;
      this.total = r.total;
      this.hasMore = r.hasMore;
      this.filterError = r.filterError;
      this.view.badge = r.total > 0 ? { value: r.total, tooltip: `${r.total} traces` } : undefined;
    } catch (e) {
      log.warn(`listing traces failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.push();
  }

  private push(): void {
    const snapshot: TracesSnapshot = {
      type: "traces/snapshot",
      rows: this.rows,
      total: this.total,
      hasMore: this.hasMore,
      filter: this.filter,
      filterError: this.filterError,
      paused: this.paused,
      serverMessage: this.serverMessage,
      theme: themeKind(),
    };
    this.host?.post(snapshot);
  }

  /** Trace ids selected in the view. */
  get selectedTraceIds(): string[] {
    return this.selection;
  }

  /** The filter applied in the view ("" for none). */
  get currentFilter(): string {
    return this.filterError ? "" : this.filter;
  }

  /** Newest trace ids currently listed (for quick picks). */
  get listed(): readonly TraceListRow[] {
    return this.rows;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.host?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function statusMessage(phase: string): string {
  switch (phase) {
    case "restarting":
      return "The ScoreLens server is restarting…";
    case "stopped":
      return "The ScoreLens server stopped. Run “ScoreLens: Restart Server”.";
    default:
      return "Starting the ScoreLens server…";
  }
}
