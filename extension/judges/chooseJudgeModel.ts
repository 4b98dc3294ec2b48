/**
 * "ScoreLens: Choose LLM Judge Model…": the default model of LLM judges, picked from the language
 * models the user already has in VS Code (`vscode.lm`, e.g. GitHub Copilot's) or an
 * OpenAI-compatible endpoint (base URL + model, key in SecretStorage via setJudgeApiKey). Writes
 * the `scorelens.judges.*` settings (workspace scope when a folder is open); the server restarts
 * on those settings and passes them to judges.
 */
import * as vscode from "vscode";
import { SETTINGS_SECTION, type Settings } from "../../protocol/settings";
import { readSettings } from "../config";
import type { ServerClient } from "../serverClient";
import { setJudgeApiKey } from "./judgeApiKey";
import { askLanguageModelConsentAgain, availableChatModels } from "./languageModelHost";
import { NO_MODELS_AT_ALL } from "./languageModelMessages";

type Choice = { kind: "vscode"; model: string } | { kind: "openai" };
interface ChoiceItem extends vscode.QuickPickItem {
  choice?: Choice;
}

function target(): vscode.ConfigurationTarget {
  return (vscode.workspace.workspaceFolders?.length ?? 0) > 0 ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

/** Writes only what changes: each write restarts the server. */
async function write(settings: Partial<Pick<Settings, "judges.provider" | "judges.vscodeModel" | "judges.baseUrl" | "judges.model">>): Promise<void> {
  const current = readSettings();
  const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  for (const [key, value] of Object.entries(settings) as Array<[keyof typeof settings, string]>) {
    if (current[key] !== value) await cfg.update(key, value, target());
  }
}

async function pick(current: Settings): Promise<Choice | undefined> {
  const models = await availableChatModels();
  const items: ChoiceItem[] = [{ label: "VS Code language models", kind: vscode.QuickPickItemKind.Separator }];
  const seen = new Set<string>();
  for (const m of models) {
    const key = `${m.vendor}/${m.family}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const chosen = current["judges.provider"] === "vscode" && current["judges.vscodeModel"] === key;
    items.push({ label: `$(sparkle) ${m.name}`, description: `${m.vendor}/${m.family}${chosen ? " · current" : ""}`, detail: `max input ${m.maxInputTokens} tokens · no API key needed (uses your ${m.vendor} sign-in)`, choice: { kind: "vscode", model: key } });
  }
  if (models.length === 0) items.push({ label: "$(info) None available", detail: NO_MODELS_AT_ALL });
  const openai = current["judges.provider"] === "openai" && current["judges.baseUrl"] !== "" ? ` · current: ${current["judges.model"]} at ${current["judges.baseUrl"]}` : "";
  items.push(
    { label: "Other", kind: vscode.QuickPickItemKind.Separator },
    { label: "$(globe) OpenAI-compatible endpoint…", description: openai.replace(/^ · /, ""), detail: "OpenAI, Azure OpenAI, Ollama, LM Studio, vLLM: base URL + model (+ API key)", choice: { kind: "openai" } },
  );
  const picked = await vscode.window.showQuickPick(items, { title: "ScoreLens: default model of LLM judges", placeHolder: "A judge's own model option still wins", matchOnDescription: true });
  return picked?.choice;
}

function validUrl(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? undefined : "use an http:// or https:// URL";
  } catch {
    return "not a URL, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1";
  }
}

async function chooseEndpoint(current: Settings, context: vscode.ExtensionContext, client: ServerClient): Promise<void> {
  const baseUrl = await vscode.window.showInputBox({
    title: "ScoreLens: judge endpoint (1/2)",
    prompt: "OpenAI-compatible base URL (POST {baseUrl}/chat/completions)",
    value: current["judges.baseUrl"] || "https://api.openai.com/v1",
    validateInput: validUrl,
    ignoreFocusOut: true,
  });
  if (baseUrl === undefined) return;
  const model = await vscode.window.showInputBox({
    title: "ScoreLens: judge endpoint (2/2)",
    prompt: "Model name, e.g. gpt-4o-mini or llama3.1",
    value: current["judges.model"] || "gpt-4o-mini",
    validateInput: (v) => (v.trim() === "" ? "enter a model name" : undefined),
    ignoreFocusOut: true,
  });
  if (model === undefined) return;
  await write({ "judges.provider": "openai", "judges.baseUrl": baseUrl.trim().replace(/\/+$/, ""), "judges.model": model.trim() });
  const answer = await vscode.window.showInformationMessage(`ScoreLens judges now use ${model.trim()} at ${baseUrl.trim()}. Set its API key?`, "Set API Key…", "No Key Needed");
  if (answer === "Set API Key…") await setJudgeApiKey(context, client);
}

export async function chooseJudgeModel(context: vscode.ExtensionContext, client: ServerClient): Promise<void> {
  const current = readSettings();
  const choice = await pick(current);
  if (choice === undefined) return;
  if (choice.kind === "openai") return chooseEndpoint(current, context, client);
  askLanguageModelConsentAgain();
  await write({ "judges.provider": "vscode", "judges.vscodeModel": choice.model });
  void vscode.window.showInformationMessage(`ScoreLens judges now use VS Code's ${choice.model}. VS Code asks once whether ScoreLens may use it.`);
}
