/**
 * VS Code's Language Model API as a judge model (issue 8). Judges run in the server's scorer
 * workers (or in the SDK anywhere); only the extension host can call `vscode.lm`. The bridge:
 *
 *   judge (SDK, worker thread)
 *     POST {SCORELENS_LM_BRIDGE_URL}   x-scorelens-lm-token: {SCORELENS_LM_BRIDGE_TOKEN}
 *     body: LanguageModelChatParams
 *   → server (server/ingest/languageModelBridge.ts, its own 127.0.0.1 listener)
 *     LSP request `scorelens/languageModel/chat` (server → client)
 *   → extension (extension/judges/languageModelHost.ts): vscode.lm.selectChatModels + sendRequest
 *
 * Answers: 200 LanguageModelChatAnswer, or a status ≥ 400 with LanguageModelErrorBody. The bridge
 * variables exist only in a server started by the editor, so elsewhere the SDK says the provider
 * needs VS Code. Shared by all sides: no Node or vscode imports here.
 */
import { z } from "zod";
import { defineRequest } from "./descriptors";

/** The bridge's path on its listener. */
export const LM_BRIDGE_PATH = "/scorelens/v1/lm/chat";
/** The request header carrying the bridge token (also spelled out in sdk/judges/vscodeProvider.ts). */
export const LM_TOKEN_HEADER = "x-scorelens-lm-token";
/** The environment variables the server sets for its workers (and the SDK reads at call time). */
export const LM_BRIDGE_URL_ENV = "SCORELENS_LM_BRIDGE_URL";
export const LM_BRIDGE_TOKEN_ENV = "SCORELENS_LM_BRIDGE_TOKEN";

/** `vscode.LanguageModelChatSelector`; every field optional, an empty selector means any model. */
export const LanguageModelSelector = z
  .object({
    vendor: z.string().min(1).max(200).optional(),
    family: z.string().min(1).max(200).optional(),
    id: z.string().min(1).max(200).optional(),
    version: z.string().min(1).max(200).optional(),
  })
  .strict();
export type LanguageModelSelector = z.infer<typeof LanguageModelSelector>;

export const LanguageModelChatMessage = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
});
export type LanguageModelChatMessage = z.infer<typeof LanguageModelChatMessage>;

export const LanguageModelChatParams = z.object({
  selector: LanguageModelSelector,
  messages: z.array(LanguageModelChatMessage).min(1, "at least one message").max(500),
});
export type LanguageModelChatParams = z.infer<typeof LanguageModelChatParams>;

/** What the model answered, and which model it was. Token counts come from `model.countTokens`. */
export const LanguageModelChatAnswer = z.object({
  text: z.string(),
  /** `LanguageModelChat.id`: recorded as the judge's model. */
  model: z.string().min(1),
  vendor: z.string(),
  family: z.string(),
  inputTokens: z.number().int().min(0).nullable(),
  outputTokens: z.number().int().min(0).nullable(),
});
export type LanguageModelChatAnswer = z.infer<typeof LanguageModelChatAnswer>;

/**
 * Why a call failed. `no-permission` (the user refused consent), `blocked` and `no-model` come from
 * `vscode.LanguageModelError` (NoPermissions, Blocked, NotFound) and are never retried;
 * `rate-limited` and `busy` are the host's transient refusals and are retried.
 */
export const LanguageModelErrorCode = z.enum([
  "bad-request",
  "unauthorized",
  "no-permission",
  "blocked",
  "no-model",
  "cancelled",
  "rate-limited",
  "busy",
  "model-error",
  "no-editor",
  "internal",
]);
export type LanguageModelErrorCode = z.infer<typeof LanguageModelErrorCode>;

export const LanguageModelErrorBody = z.object({ error: z.object({ code: LanguageModelErrorCode, message: z.string() }) });
export type LanguageModelErrorBody = z.infer<typeof LanguageModelErrorBody>;

/** The HTTP status the bridge answers for each error code. */
export const LM_ERROR_STATUS: Readonly<Record<LanguageModelErrorCode, number>> = {
  "bad-request": 400,
  unauthorized: 401,
  "no-permission": 403,
  blocked: 403,
  "no-model": 404,
  cancelled: 408,
  "rate-limited": 429,
  busy: 503,
  "model-error": 502,
  "no-editor": 503,
  internal: 500,
};

/** The errors worth another attempt. */
export const RETRYABLE_LM_ERRORS: ReadonlySet<LanguageModelErrorCode> = new Set(["rate-limited", "busy"]);

/** The extension's answer over LSP: errors travel as data so both sides validate them. */
export const LanguageModelChatOutcome = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), answer: LanguageModelChatAnswer }),
  z.object({ ok: z.literal(false), error: LanguageModelErrorBody.shape.error }),
]);
export type LanguageModelChatOutcome = z.infer<typeof LanguageModelChatOutcome>;

/** server → client: run chat messages on a VS Code language model. */
export const LanguageModelChatRequest = defineRequest("scorelens/languageModel/chat", "serverToClient", LanguageModelChatParams, LanguageModelChatOutcome);

/** "copilot/gpt-4o", "gpt-4o" (family only), "copilot/*" (vendor only), "id gpt-4o-2024", or "any model". */
export function describeSelector(selector: LanguageModelSelector): string {
  const parts: string[] = [];
  if (selector.vendor !== undefined) parts.push(`${selector.vendor}/${selector.family ?? "*"}`);
  else if (selector.family !== undefined) parts.push(selector.family);
  if (selector.id !== undefined) parts.push(`id ${selector.id}`);
  if (selector.version !== undefined) parts.push(`version ${selector.version}`);
  return parts.length === 0 ? "any model" : parts.join(", ");
}
