/**
 * The editor's judge settings become the environment the SDK's judges read (sdk/judges/config.ts):
 * scorer worker threads copy the server's environment when they start, so this runs before any
 * pool exists. Settings left empty keep what the environment already had (the CLI's way).
 */
import { LM_BRIDGE_URL_ENV } from "../../protocol/languageModel";
import type { ServerInitOptions } from "../../protocol/settings";
import { VSCODE_PROVIDER_NEEDS_EDITOR } from "../../sdk/judges/vscodeProvider";

export function applyJudgeEnvironment(
  o: Pick<ServerInitOptions, "judgeBaseUrl" | "judgeModel" | "judgeApiKey" | "judgeMaxConcurrency" | "judgeProvider" | "judgeVscodeModel">,
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (o.judgeBaseUrl) env.SCORELENS_JUDGE_BASE_URL = o.judgeBaseUrl;
  if (o.judgeModel) env.SCORELENS_JUDGE_MODEL = o.judgeModel;
  if (o.judgeApiKey) env.SCORELENS_JUDGE_API_KEY = o.judgeApiKey;
  env.SCORELENS_JUDGE_MAX_CONCURRENCY = String(o.judgeMaxConcurrency);
  // "openai" is the default: leave an environment that already chose a provider alone.
  if (o.judgeProvider === "vscode") env.SCORELENS_JUDGE_PROVIDER = "vscode";
  if (o.judgeVscodeModel) env.SCORELENS_JUDGE_VSCODE_MODEL = o.judgeVscodeModel;
}

/**
 * For the CLI (`serve`, `eval`), which has no editor: a note when the environment picks VS Code's
 * language models as the judges' default, which only work in a server the extension started.
 */
export function judgeEnvironmentNote(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.SCORELENS_JUDGE_PROVIDER?.trim().toLowerCase() !== "vscode" || env[LM_BRIDGE_URL_ENV]) return null;
  return `SCORELENS_JUDGE_PROVIDER=vscode: judges without their own model will fail here. ${VSCODE_PROVIDER_NEEDS_EDITOR}`;
}
