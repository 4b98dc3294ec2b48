/**
 * The editor's judge settings become the environment the SDK's judges read (sdk/judges/config.ts):
 * scorer worker threads copy the server's environment when they start, so this runs before any
 * pool exists. Settings left empty keep what the environment already had (the CLI's way).
 */
import type { ServerInitOptions } from "../../protocol/settings";

export function applyJudgeEnvironment(o: Pick<ServerInitOptions, "judgeBaseUrl" | "judgeModel" | "judgeApiKey" | "judgeMaxConcurrency">, env: NodeJS.ProcessEnv = process.env): void {
  if (o.judgeBaseUrl) env.SCORELENS_JUDGE_BASE_URL = o.judgeBaseUrl;
  if (o.judgeModel) env.SCORELENS_JUDGE_MODEL = o.judgeModel;
  if (o.judgeApiKey) env.SCORELENS_JUDGE_API_KEY = o.judgeApiKey;
  env.SCORELENS_JUDGE_MAX_CONCURRENCY = String(o.judgeMaxConcurrency);
}
