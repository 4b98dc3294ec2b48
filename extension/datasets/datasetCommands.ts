/**
 * Datasets from the editor: make one from the Traces view's selection (or its filter), carrying
 * the traces' expectations; import a JSON / JSONL / CSV file; export one; and run scorers on one
 * (through "Run on… → A dataset").
 */
import * as path from "node:path";
import * as vscode from "vscode";
import { DatasetName } from "../../protocol/datasets";
import { CreateDatasetRequest, ExportDatasetRequest, ImportDatasetRequest, ListDatasetsRequest } from "../../protocol/lsp";
import type { ServerClient } from "../serverClient";

export interface DatasetCtx {
  client: ServerClient;
  currentFilter(): string;
  selectedTraceIds(): string[];
}

const validateName = (v: string): string | null => {
  const r = DatasetName.safeParse(v);
  return r.success ? null : (r.error.issues[0]?.message ?? "not a valid dataset name");
};

async function askName(value: string, prompt: string): Promise<string | undefined> {
  return vscode.window.showInputBox({ title: "ScoreLens dataset", prompt, value, validateInput: validateName });
}

export async function createDatasetFromTraces(ctx: DatasetCtx): Promise<void> {
  const ids = ctx.selectedTraceIds();
  const filter = ctx.currentFilter();
  if (ids.length === 0 && !filter) {
    void vscode.window.showInformationMessage("Select traces in the ScoreLens Traces view (or filter it) first; the dataset takes them with their expectations.");
    return;
  }
  const what = ids.length > 0 ? `${ids.length} selected trace${ids.length === 1 ? "" : "s"}` : `traces matching ${filter}`;
  const name = await askName(`dataset-${new Date().toISOString().slice(0, 10)}`, `Name for a dataset of the ${what}`);
  if (!name) return;
  const info = await ctx.client.request(CreateDatasetRequest, ids.length > 0 ? { name, traceIds: ids } : { name, filter });
  void vscode.window.showInformationMessage(`ScoreLens: dataset "${info.name}" has ${info.rowCount} row${info.rowCount === 1 ? "" : "s"}. Run scorers on it with "Run on… → A dataset".`);
}

export async function importDataset(ctx: DatasetCtx): Promise<void> {
  const picked = await vscode.window.showOpenDialog({ title: "Import a dataset", canSelectMany: false, filters: { Datasets: ["jsonl", "json", "csv"] } });
  const file = picked?.[0]?.fsPath;
  if (!file) return;
  const base = path.basename(file).replace(/\.[^.]+$/, "").replace(/[^A-Za-z0-9._ -]/g, "-").replace(/^[^A-Za-z0-9]+/, "") || "dataset";
  const name = await askName(base, `Name for the dataset from ${path.basename(file)}`);
  if (!name) return;
  const r = await ctx.client.request(ImportDatasetRequest, { name, file });
  const warn = r.warnings.length > 0 ? ` ${r.warnings.length} warning(s): ${r.warnings.slice(0, 3).join("; ")}` : "";
  void vscode.window.showInformationMessage(`ScoreLens: imported ${r.info.rowCount} row(s) into "${r.info.name}".${warn}`);
}

export async function exportDataset(ctx: DatasetCtx): Promise<void> {
  const { datasets } = await ctx.client.request(ListDatasetsRequest, {});
  if (datasets.length === 0) {
    void vscode.window.showInformationMessage("The store has no datasets yet.");
    return;
  }
  const pick = await vscode.window.showQuickPick(
    datasets.map((d) => ({ label: d.name, description: `${d.rowCount} rows`, detail: d.description ?? undefined })),
    { title: "Export which dataset?" },
  );
  if (!pick) return;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: `Export ${pick.label}`,
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `${pick.label}.jsonl`) } : {}),
    filters: { JSONL: ["jsonl"], JSON: ["json"], CSV: ["csv"] },
  });
  if (!target) return;
  const r = await ctx.client.request(ExportDatasetRequest, { name: pick.label, file: target.fsPath });
  void vscode.window.showInformationMessage(`ScoreLens: wrote ${r.rows} row(s) of "${pick.label}" to ${vscode.workspace.asRelativePath(target)} (${r.format}).`);
}
