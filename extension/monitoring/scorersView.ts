/**
 * The Scorers view (a tree in the ScoreLens sidebar): every registered scorer with its version,
 * state, sample rate and backlog (children: filter, source file, scored count, last error), and
 * the backfill jobs that are running or finished in the last hour with their progress. Context
 * actions are the monitoring commands (package.json `view/item/context`, keyed by contextValue:
 * scorer.registered / scorer.active / scorer.stopped, backfill.active / backfill.done).
 */
import * as vscode from "vscode";
import type { BackfillJob, RegisteredScorer } from "../../protocol/monitoring";
import type { ServerClient } from "../serverClient";
import { MonitoringModel } from "./monitoringModel";
import { backfillDescription, backfillLabel, formatRate, isJobActive, scorerDescription, scorerTooltip } from "./scorerText";

export type ScorersNode =
  | { kind: "scorer"; scorer: RegisteredScorer }
  | { kind: "detail"; scorer: RegisteredScorer; field: "filter" | "file" | "scored" | "error" }
  | { kind: "job"; job: BackfillJob }
  | { kind: "message"; text: string };

const RECENT_MS = 3_600_000;
const STATE_ICON: Record<RegisteredScorer["state"], [string, string]> = {
  active: ["pulse", "testing.iconPassed"],
  stopped: ["debug-pause", "editorWarning.foreground"],
  registered: ["circle-outline", "descriptionForeground"],
};

export function scorerItem(sc: RegisteredScorer): vscode.TreeItem {
  const item = new vscode.TreeItem(sc.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `scorer:${sc.name}`;
  item.description = scorerDescription(sc);
  item.tooltip = scorerTooltip(sc);
  item.contextValue = `scorer.${sc.state}`;
  const [icon, color] = sc.lastError ? ["warning", "editorWarning.foreground"] : STATE_ICON[sc.state];
  item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
  return item;
}

function detailItem(sc: RegisteredScorer, field: "filter" | "file" | "scored" | "error"): vscode.TreeItem {
  const item = new vscode.TreeItem("", vscode.TreeItemCollapsibleState.None);
  item.id = `scorer:${sc.name}:${field}`;
  switch (field) {
    case "filter":
      item.label = sc.filterString ?? "every trace";
      item.description = sc.state === "active" ? `filter · ${formatRate(sc.sampleRate)} sampled` : "filter";
      item.iconPath = new vscode.ThemeIcon("filter");
      item.tooltip = sc.filterString ?? "No filter: every new trace is eligible.";
      break;
    case "file":
      item.label = vscode.workspace.asRelativePath(sc.file);
      item.description = `${sc.exportName} · registered ${new Date(sc.createdMs).toLocaleDateString()}`;
      item.iconPath = new vscode.ThemeIcon("file-code");
      item.tooltip = `Registered from ${sc.file} (export ${sc.exportName}). Monitoring runs the snapshot of version ${sc.version}, not this file.`;
      item.command = { command: "scorelens.revealScorerSource", title: "Reveal Source", arguments: [sc.name] };
      break;
    case "scored":
      item.label = `${sc.scoredCount.toLocaleString("en-US")} traces scored`;
      item.description = `backlog ${sc.backlog.toLocaleString("en-US")}`;
      item.iconPath = new vscode.ThemeIcon("checklist");
      break;
    case "error":
      item.label = sc.lastError ?? "";
      item.description = "last error";
      item.iconPath = new vscode.ThemeIcon("error", new vscode.ThemeColor("errorForeground"));
      item.tooltip = sc.lastError ?? "";
      break;
  }
  return item;
}

export function jobItem(job: BackfillJob): vscode.TreeItem {
  const item = new vscode.TreeItem(backfillLabel(job), vscode.TreeItemCollapsibleState.None);
  item.id = `job:${job.jobId}`;
  item.description = backfillDescription(job);
  const active = isJobActive(job);
  item.contextValue = active ? "backfill.active" : "backfill.done";
  const icon = active ? "sync~spin" : job.status === "completed" ? "pass" : job.status === "failed" ? "error" : "circle-slash";
  item.iconPath = new vscode.ThemeIcon(icon);
  item.tooltip = [
    `Backfill ${job.jobId} (${job.status})`,
    `Range: ${new Date(job.fromMs).toLocaleString()} – ${new Date(job.toMs).toLocaleString()}`,
    ...job.scorers.map((s) => `  ${s.name} v${s.version} at ${formatRate(s.sampleRate)}`),
    `${job.done} / ${job.total} traces · ${job.scored} scored · ${job.skipped} skipped · ${job.errors} errors${job.rescore ? " · re-scoring" : ""}`,
    job.message ?? "",
  ]
    .filter(Boolean)
    .join("\n");
  return item;
}

export class ScorersView implements vscode.TreeDataProvider<ScorersNode>, vscode.Disposable {
  static readonly viewId = "scorelens.scorers";
  private readonly changed = new vscode.EventEmitter<ScorersNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly model: MonitoringModel) {
    this.disposables.push(model.onDidChange(() => this.changed.fire(undefined)));
  }

  getTreeItem(node: ScorersNode): vscode.TreeItem {
    switch (node.kind) {
      case "scorer":
        return scorerItem(node.scorer);
      case "detail":
        return detailItem(node.scorer, node.field);
      case "job":
        return jobItem(node.job);
      case "message": {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon("info");
        return item;
      }
    }
  }

  getChildren(node?: ScorersNode): ScorersNode[] {
    if (node?.kind === "scorer") {
      const sc = node.scorer;
      const fields: Array<"filter" | "file" | "scored" | "error"> = ["filter", "file", "scored"];
      if (sc.lastError) fields.unshift("error");
      return fields.map((field) => ({ kind: "detail", scorer: sc, field }));
    }
    if (node) return [];
    const s = this.model.snapshot;
    if (!s) return this.model.error ? [{ kind: "message", text: this.model.error }] : [];
    const now = Date.now();
    const jobs = s.jobs.filter((j) => isJobActive(j) || (j.finishedMs !== null && now - j.finishedMs < RECENT_MS));
    return [...s.scorers.map((scorer): ScorersNode => ({ kind: "scorer", scorer })), ...jobs.map((job): ScorersNode => ({ kind: "job", job }))];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** Creates the Scorers tree view; the view's badge counts the backlog of active scorers. */
export function registerScorersView(client: ServerClient): vscode.Disposable {
  const model = MonitoringModel.for(client);
  const provider = new ScorersView(model);
  const view = vscode.window.createTreeView(ScorersView.viewId, { treeDataProvider: provider, showCollapseAll: true });
  const update = (): void => {
    const backlog = model.snapshot?.scorers.reduce((n, s) => n + (s.state === "active" ? s.backlog : 0), 0) ?? 0;
    view.badge = backlog > 0 ? { value: backlog, tooltip: `${backlog.toLocaleString("en-US")} traces waiting to be scored` } : undefined;
  };
  const sub = model.onDidChange(update);
  update();
  void model.refresh();
  return vscode.Disposable.from(sub, view, provider);
}
