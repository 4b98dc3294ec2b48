/**
 * The vscode-free half of the language model host (languageModelHost.ts): converting a judge's
 * chat messages to what `vscode.lm` accepts, naming models, and turning the errors VS Code throws
 * into the bridge's error codes. Pure functions, unit-tested without VS Code.
 */
import { describeSelector, type LanguageModelChatMessage, type LanguageModelErrorCode, type LanguageModelSelector } from "../../protocol/languageModel";

export const LM_JUSTIFICATION = "ScoreLens runs your LLM judge on traces";

export interface HostMessage {
  role: "user" | "assistant";
  content: string;
}

/**
 * VS Code's chat messages have no system role: a system message becomes a user message starting
 * with "Instructions:". Order is kept; everything else passes through.
 */
export function toHostMessages(messages: readonly LanguageModelChatMessage[]): HostMessage[] {
  return messages.map((m) => (m.role === "system" ? { role: "user", content: `Instructions:\n${m.content}` } : { role: m.role, content: m.content }));
}

/** The parts of `vscode.LanguageModelChat` used to name a model. */
export interface ModelInfo {
  id: string;
  vendor: string;
  family: string;
  name: string;
  version: string;
}

/** "GPT-4o (copilot/gpt-4o)". */
export function describeModel(m: ModelInfo): string {
  const key = `${m.vendor}/${m.family}`;
  return m.name !== "" && m.name !== m.family ? `${m.name} (${key})` : key;
}

export const NO_MODELS_AT_ALL =
  "no language models are available in this VS Code: install or sign in to a chat extension such as GitHub Copilot, or use an OpenAI-compatible endpoint (scorelens.judges.baseUrl and scorelens.judges.model)";

/** The error when the selector matched nothing: which models do exist. */
export function noModelMessage(selector: LanguageModelSelector, available: readonly ModelInfo[]): string {
  if (available.length === 0) return NO_MODELS_AT_ALL;
  const names = [...new Set(available.map(describeModel))].sort();
  const list = names.length > 20 ? `${names.slice(0, 20).join(", ")} and ${names.length - 20} more` : names.join(", ");
  return `no VS Code language model matches ${describeSelector(selector)}; available: ${list}. Change scorelens.judges.vscodeModel (or run "ScoreLens: Choose LLM Judge Model…").`;
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown): string {
  if (value instanceof Error) return value.message;
  return typeof value === "string" ? value : "";
}

const RATE_LIMITED = /rate.?limit|too many requests|\b429\b|quota|throttl/i;
const BUSY = /\b50[234]\b|server error|temporarily|overloaded|unavailable|busy|ECONNRESET|ETIMEDOUT|network/i;

/**
 * `vscode.LanguageModelError` (`code` NoPermissions, Blocked, NotFound, or Unknown with the real
 * error as `cause`), cancellations, and anything else a chat extension throws.
 */
export function classifyLanguageModelError(error: unknown): { code: LanguageModelErrorCode; message: string } {
  const code = field(error, "code");
  const name = field(error, "name");
  const own = text(error) || String(error);
  const cause = text(field(error, "cause"));
  const detail = cause !== "" && !own.includes(cause) ? `${own} (${cause})` : own;
  if (code === "NoPermissions") {
    return { code: "no-permission", message: `VS Code did not allow ScoreLens to use this language model (${detail}). Allow it when VS Code asks, or under Accounts → Manage Language Model Access.` };
  }
  if (code === "Blocked") return { code: "blocked", message: `VS Code blocked ScoreLens from this language model: ${detail}` };
  if (code === "NotFound") return { code: "no-model", message: `the language model is not available: ${detail}` };
  if (name === "Canceled" || name === "CancellationError" || own === "Canceled") return { code: "cancelled", message: "the language model request was cancelled" };
  if (RATE_LIMITED.test(detail)) return { code: "rate-limited", message: `the language model is rate limited: ${detail}` };
  if (BUSY.test(detail)) return { code: "busy", message: `the language model is busy or unreachable: ${detail}` };
  return { code: "model-error", message: `the language model failed: ${detail}` };
}
