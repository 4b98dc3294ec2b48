/** The extension host's one log module, over the "ScoreLens" LogOutputChannel. */
import * as vscode from "vscode";

let channel: vscode.LogOutputChannel | null = null;

export function initLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel("ScoreLens", { log: true });
  return channel;
}

function fmt(parts: unknown[]): string {
  return parts.map((p) => (p instanceof Error ? (p.stack ?? p.message) : typeof p === "string" ? p : JSON.stringify(p))).join(" ");
}

export const log = {
  info: (...p: unknown[]) => channel?.info(fmt(p)),
  warn: (...p: unknown[]) => channel?.warn(fmt(p)),
  /** Logs and reveals the channel, so the user sees what went wrong. */
  error: (...p: unknown[]) => {
    channel?.error(fmt(p));
    channel?.show(true);
  },
  show: () => channel?.show(true),
};
