/**
 * The monitoring dashboard panel (one per window): the series of scorelens/getDashboard for the
 * chosen range and bucket (15-second buckets up to days; a bucket too fine for the range is
 * coarsened), with the registered scorers, backfill jobs and lag from the MonitoringModel.
 * Scorer/job changes re-post the header at once and re-fetch the series at most every 10 s. Drill-down: a clicked bucket's traces (scorelens/dashboardTraces) in a quick pick
 * with names and previews; picking one opens it (a single trace opens directly).
 */
import * as vscode from "vscode";
import { DashboardCancelBackfill, DashboardDrill, DashboardRefresh, DashboardSetRange, type DashboardRange } from "../../protocol/dashboardWebview";
import { ListTracesRequest } from "../../protocol/lsp";
import { CancelBackfillRequest, DashboardTracesRequest, GetDashboardRequest, type DashboardSeries } from "../../protocol/monitoring";
import type { TraceListRow } from "../../protocol/model";
import { MonitoringModel } from "../monitoring/monitoringModel";
import { fitBucket, PRESET_MS, presetRange } from "../monitoring/scorerText";
import type { ServerClient } from "../serverClient";
import { panelHtml, themeKind, WebviewHost, webviewOptions } from "./webviewHost";

const SERIES_REFRESH_MS = 10_000;
const DRILL_LIMIT = 500;

export class DashboardPanel implements vscode.Disposable {
  private static current: DashboardPanel | null = null;
  private readonly host: WebviewHost;
  private readonly panel: vscode.WebviewPanel;
  private readonly model: MonitoringModel;
  private readonly disposables: vscode.Disposable[] = [];
  private range: DashboardRange;
  private series: DashboardSeries[] = [];
  private message: string | null = null;
  private fetchedMs = 0;
  private fetchTimer: NodeJS.Timeout | null = null;

  /** Opens (or reveals) the dashboard, scrolled to `focusScorer` when given. */
  static show(context: vscode.ExtensionContext, client: ServerClient, focusScorer?: string): DashboardPanel {
    const cur = DashboardPanel.current ?? new DashboardPanel(context, client);
    DashboardPanel.current = cur;
    cur.focus = focusScorer ?? null;
    cur.panel.reveal();
    void cur.fetch();
    return cur;
  }

  private focus: string | null = null;

  private constructor(
    context: vscode.ExtensionContext,
    private readonly client: ServerClient,
  ) {
    this.model = MonitoringModel.for(client);
    // The last hour by minute first: a local session's traffic is recent; wider ranges are a click away.
    this.range = { preset: "1h", bucket: "minute", ...presetRange("1h", "minute", Date.now()) };
    this.panel = vscode.window.createWebviewPanel("scorelens.dashboard", "Monitoring", vscode.ViewColumn.Active, { ...webviewOptions(context.extensionUri), retainContextWhenHidden: true });
    this.panel.iconPath = vscode.Uri.joinPath(context.extensionUri, "media", "scorelens.svg");
    this.panel.webview.html = panelHtml(this.panel.webview, context.extensionUri, "dashboard", "ScoreLens Monitoring");
    this.host = new WebviewHost(this.panel.webview, "dashboard", () => this.panel.visible, () => void this.fetch())
      .handle(DashboardSetRange, async (p) => {
        const now = Date.now();
        if (p.preset === "custom") {
          if (p.fromMs === undefined || p.toMs === undefined || p.toMs <= p.fromMs) throw new Error("a custom range needs a start before its end");
          this.range = { preset: "custom", bucket: fitBucket(p.bucket, p.fromMs, p.toMs), fromMs: p.fromMs, toMs: p.toMs };
        } else {
          // a bucket too fine for the range (15 s over 30 days) becomes the first one that fits
          const bucket = fitBucket(p.bucket, now - PRESET_MS[p.preset], now);
          this.range = { preset: p.preset, bucket, ...presetRange(p.preset, bucket, now) };
        }
        await this.fetch();
        return { ok: true as const };
      })
      .handle(DashboardRefresh, async () => {
        await Promise.all([this.model.refresh(), this.fetch()]);
        return { ok: true as const };
      })
      .handle(DashboardDrill, (p) => this.drill(p.scorer, p.assessment, p.fromMs, p.toMs))
      .handle(DashboardCancelBackfill, async (p) => {
        await client.request(CancelBackfillRequest, { jobId: p.jobId });
        await this.model.refresh();
        return { ok: true as const };
      });
    this.disposables.push(
      this.host,
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(() => this.host.visibilityChanged()),
      vscode.window.onDidChangeActiveColorTheme(() => this.push()),
      this.model.onDidChange(() => {
        this.push();
        this.scheduleFetch();
      }),
    );
  }

  /** Re-fetch the series soon, but not more often than every SERIES_REFRESH_MS. */
  private scheduleFetch(): void {
    if (this.fetchTimer) return;
    const wait = Math.max(0, this.fetchedMs + SERIES_REFRESH_MS - Date.now());
    this.fetchTimer = setTimeout(() => {
      this.fetchTimer = null;
      void this.fetch();
    }, wait);
  }

  private async fetch(): Promise<void> {
    this.fetchedMs = Date.now();
    if (this.range.preset !== "custom") this.range = { ...this.range, ...presetRange(this.range.preset, this.range.bucket, this.fetchedMs) };
    if (!this.client.isReady) {
      this.series = [];
      this.message = "The ScoreLens server is not running.";
      return this.push();
    }
    try {
      if (!this.model.snapshot) await this.model.refresh();
      const r = await this.client.request(GetDashboardRequest, { fromMs: this.range.fromMs, toMs: this.range.toMs, bucket: this.range.bucket });
      this.series = r.series;
      this.message = null;
    } catch (e) {
      this.series = [];
      this.message = `Cannot load the dashboard: ${e instanceof Error ? e.message : String(e)}`;
    }
    this.push();
  }

  private push(): void {
    const s = this.model.snapshot;
    this.host.post({
      type: "dashboard/snapshot",
      range: this.range,
      series: this.series,
      scorers: s?.scorers ?? [],
      jobs: s?.jobs ?? [],
      lagP50Ms: s?.lagP50Ms ?? null,
      lagP95Ms: s?.lagP95Ms ?? null,
      message: this.message ?? (s ? null : this.model.error),
      focusScorer: this.focus,
      nowMs: Date.now(),
      theme: themeKind(),
    });
  }

  private async drill(scorer: string, assessment: string, fromMs: number, toMs: number): Promise<{ count: number }> {
    const { traceIds } = await this.client.request(DashboardTracesRequest, { scorer, assessment, fromMs, toMs, limit: DRILL_LIMIT });
    const when = `${new Date(fromMs).toLocaleString()} – ${new Date(toMs).toLocaleTimeString()}`;
    if (traceIds.length === 0) {
      void vscode.window.showInformationMessage(`ScoreLens: no traces with ${assessment} from ${scorer} in ${when}.`);
      return { count: 0 };
    }
    if (traceIds.length === 1) {
      await vscode.commands.executeCommand("scorelens.openTrace", traceIds[0]);
      return { count: 1 };
    }
    const rows = await this.traceRows(traceIds);
    const items = traceIds.map((id) => {
      const t = rows.get(id);
      const badge = t?.badges.find((b) => b.name === assessment);
      return {
        label: `${t?.state === "ERROR" ? "$(error) " : ""}${t?.name ?? `tr-${id}`}`,
        description: [badge ? `${assessment}: ${badge.text}` : null, t ? new Date(t.startTimeMs).toLocaleString() : null, `tr-${id.slice(0, 12)}`].filter(Boolean).join(" · "),
        detail: t?.requestPreview.slice(0, 160),
        traceId: id,
      };
    });
    const more = traceIds.length >= DRILL_LIMIT ? ` (first ${DRILL_LIMIT})` : "";
    const pick = await vscode.window.showQuickPick(items, { title: `${scorer} · ${assessment}: ${traceIds.length} traces${more}, ${when}`, matchOnDescription: true, matchOnDetail: true });
    if (pick) await vscode.commands.executeCommand("scorelens.openTrace", pick.traceId);
    return { count: traceIds.length };
  }

  /** Names, times and previews of the traces (one filtered listTraces; empty when it fails). */
  private async traceRows(ids: string[]): Promise<Map<string, TraceListRow>> {
    const quoted = ids.map((id) => `'${id.replace(/[^0-9a-zA-Z-]/g, "")}'`).join(", ");
    try {
      const r = await this.client.request(ListTracesRequest, { limit: Math.min(1000, ids.length), filter: `trace.trace_id IN (${quoted})` });
      return new Map(r.traces.map((t) => [t.traceId, t]));
    } catch {
      return new Map();
    }
  }

  dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = null;
    if (this.fetchTimer) clearTimeout(this.fetchTimer);
    for (const d of this.disposables) d.dispose();
  }
}
