/** The status bar item: starting / ready with the OTLP port / attached / error. Click opens the log. */
import * as vscode from "vscode";
import type { ClientState } from "./serverClient";

export function statusBarText(state: ClientState): { text: string; tooltip: string; error: boolean } {
  const s = state.status;
  if (state.phase === "stopped") {
    return { text: "$(error) ScoreLens: stopped", tooltip: "The server stopped repeatedly. Click to see the log.", error: true };
  }
  if (!s || state.phase === "restarting" || s.health === "starting") {
    const text = state.phase === "restarting" ? "$(sync~spin) ScoreLens: restarting…" : "$(sync~spin) ScoreLens: starting…";
    return { text, tooltip: "Starting the ScoreLens trace server", error: false };
  }
  const counts = `${s.traceCount} traces · ${s.spanCount} spans`;
  switch (s.health) {
    case "ready":
      return {
        text: `$(pulse) ScoreLens :${s.otlpPort ?? "?"}`,
        tooltip: `Ready — send OTLP traces to ${s.otlpEndpoint ?? "?"}\n${counts}${s.portNote ? `\n${s.portNote}` : ""}\nStore: ${s.dbPath}`,
        error: false,
      };
    case "attached":
      return {
        text: `$(plug) ScoreLens :${s.otlpPort ?? "?"} (shared)`,
        tooltip: `${s.message}\n${counts}\nStore: ${s.dbPath}`,
        error: false,
      };
    case "error":
      return { text: "$(error) ScoreLens: error", tooltip: `${s.message}\nClick to see the log.`, error: true };
  }
  return { text: "ScoreLens", tooltip: "", error: false };
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("scorelens.status", vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = "ScoreLens";
    this.item.command = "scorelens.showLog";
    this.item.show();
  }

  update(state: ClientState): void {
    const v = statusBarText(state);
    this.item.text = v.text;
    this.item.tooltip = v.tooltip;
    this.item.backgroundColor = v.error ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
