/**
 * "ScoreLens: Set LLM Judge API Key…": the key for the judges' OpenAI-compatible endpoint lives in
 * VS Code's SecretStorage (never in settings or the store). The server gets it at start, so setting
 * or clearing it restarts the server.
 */
import * as vscode from "vscode";
import type { ServerClient } from "../serverClient";

export const JUDGE_API_KEY_SECRET = "scorelens.judges.apiKey";

export async function setJudgeApiKey(context: vscode.ExtensionContext, client: ServerClient): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: "ScoreLens: LLM judge API key",
    prompt: "The key of the endpoint set in scorelens.judges.baseUrl (stored in VS Code's secret storage). Leave empty to remove it.",
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  if (value.trim() === "") await context.secrets.delete(JUDGE_API_KEY_SECRET);
  else await context.secrets.store(JUDGE_API_KEY_SECRET, value.trim());
  await client.restart();
  void vscode.window.showInformationMessage(value.trim() === "" ? "ScoreLens: judge API key removed." : "ScoreLens: judge API key saved; the server restarted with it.");
}
