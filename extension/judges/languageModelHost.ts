/**
 * Answers the server's `scorelens/languageModel/chat` requests with VS Code's Language Model API:
 * judges that use the "vscode" provider run on the models the user already has in the editor
 * (GitHub Copilot's, or any chat extension's). The first use asks the user for consent (VS Code's
 * dialog) once per model: other calls wait for that answer, and after a refusal they fail at once
 * until the user starts a run or chooses a model (consentGate.ts); a refusal comes back as
 * `no-permission` and is not retried. Thin on purpose: message
 * conversion and error mapping live in languageModelMessages.ts.
 */
import * as vscode from "vscode";
import { formatZodError } from "../../protocol/descriptors";
import { LanguageModelChatParams, type LanguageModelChatOutcome } from "../../protocol/languageModel";
import { ConsentGate } from "./consentGate";
import { classifyLanguageModelError, LM_JUSTIFICATION, noModelMessage, toHostMessages, type ModelInfo } from "./languageModelMessages";

/** The editor's chat models (empty when the API is missing or no chat extension provides any). */
export async function availableChatModels(selector: vscode.LanguageModelChatSelector = {}): Promise<vscode.LanguageModelChat[]> {
  if (typeof vscode.lm?.selectChatModels !== "function") return [];
  return vscode.lm.selectChatModels(selector);
}

/** One consent question per model, not one per judge call (consentGate.ts). */
const consent = new ConsentGate();

/** The user starts a run or chooses a judge model: a refused model may be asked again. */
export function askLanguageModelConsentAgain(): void {
  consent.reset();
}

export function modelInfo(m: vscode.LanguageModelChat): ModelInfo {
  return { id: m.id, vendor: m.vendor, family: m.family, name: m.name, version: m.version };
}

async function count(model: vscode.LanguageModelChat, parts: ReadonlyArray<string | vscode.LanguageModelChatMessage>, token: vscode.CancellationToken): Promise<number | null> {
  try {
    let total = 0;
    for (const part of parts) total += await model.countTokens(part, token);
    return total;
  } catch {
    return null;
  }
}

/** One chat request from a judge. `lspToken` is the LSP request's cancellation (the judge gave up). */
export async function answerLanguageModelChat(raw: unknown, lspToken: vscode.CancellationToken): Promise<LanguageModelChatOutcome> {
  // vscode.lm gets a token of VS Code's own making, linked to the language client's.
  const source = new vscode.CancellationTokenSource();
  const link = lspToken.onCancellationRequested(() => source.cancel());
  try {
    return await answer(raw, source.token);
  } finally {
    link.dispose();
    source.dispose();
  }
}

async function answer(raw: unknown, token: vscode.CancellationToken): Promise<LanguageModelChatOutcome> {
  const parsed = LanguageModelChatParams.safeParse(raw);
  if (!parsed.success) return { ok: false, error: { code: "bad-request", message: `invalid language model request: ${formatZodError(parsed.error)}` } };
  const { selector, messages } = parsed.data;
  if (typeof vscode.lm?.selectChatModels !== "function") {
    return { ok: false, error: { code: "no-editor", message: `this VS Code (${vscode.version}) has no Language Model API; update VS Code or use an OpenAI-compatible endpoint` } };
  }
  try {
    const [model] = await vscode.lm.selectChatModels(selector);
    if (model === undefined) {
      const all = await vscode.lm.selectChatModels();
      return { ok: false, error: { code: "no-model", message: noModelMessage(selector, all.map(modelInfo)) } };
    }
    return await consent.run(`${model.vendor}/${model.id}`, () => send(model, messages, token));
  } catch (e) {
    return failure(e, token);
  }
}

function failure(e: unknown, token: vscode.CancellationToken): LanguageModelChatOutcome {
  if (token.isCancellationRequested) return { ok: false, error: { code: "cancelled", message: "the language model request was cancelled" } };
  return { ok: false, error: classifyLanguageModelError(e) };
}

async function send(model: vscode.LanguageModelChat, messages: LanguageModelChatParams["messages"], token: vscode.CancellationToken): Promise<LanguageModelChatOutcome> {
  try {
    const chat = toHostMessages(messages).map((m) => (m.role === "user" ? vscode.LanguageModelChatMessage.User(m.content) : vscode.LanguageModelChatMessage.Assistant(m.content)));
    const response = await model.sendRequest(chat, { justification: LM_JUSTIFICATION }, token);
    let text = "";
    for await (const chunk of response.text) text += chunk;
    const [inputTokens, outputTokens] = await Promise.all([count(model, chat, token), count(model, [text], token)]);
    return { ok: true, answer: { text, model: model.id, vendor: model.vendor, family: model.family, inputTokens, outputTokens } };
  } catch (e) {
    return failure(e, token);
  }
}
