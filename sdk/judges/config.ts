/**
 * Judge model configuration: the per-judge `model` option, the process-wide defaults
 * ({@link configureJudges}) and the environment.
 *
 * Environment (read at call time, so a worker thread sees what its process set):
 * - `SCORELENS_JUDGE_BASE_URL`: an OpenAI-compatible base URL, e.g. `https://api.openai.com/v1`,
 *   `http://127.0.0.1:11434/v1` (Ollama), `http://127.0.0.1:1234/v1` (LM Studio);
 * - `SCORELENS_JUDGE_MODEL`: the model (Azure: the deployment's model name, for pricing);
 * - `SCORELENS_JUDGE_API_KEY`, else `OPENAI_API_KEY`: the key (optional for local servers);
 * - `SCORELENS_JUDGE_API_VERSION`: Azure OpenAI's `api-version` (switches the key to the `api-key` header);
 * - `SCORELENS_JUDGE_MAX_CONCURRENCY`: the process-wide cap on simultaneous model calls (default 4);
 * - `SCORELENS_JUDGE_PROVIDER`: `openai` (default: the endpoint above) or `vscode` (VS Code's
 *   Language Model API through the editor, see vscodeProvider.ts), with `SCORELENS_JUDGE_VSCODE_MODEL`
 *   = `vendor/family`, `family` or empty (any model).
 */
import { JudgeConfigError } from "./errors";
import type { ModelProvider } from "./provider";
import { parseVSCodeModelSelector, VSCodeLanguageModelProvider } from "./vscodeProvider";

/** An OpenAI-compatible chat-completions endpoint. */
export interface JudgeModelConfig {
  /** `POST {baseUrl}/chat/completions`. Azure: `https://<resource>.openai.azure.com/openai/deployments/<deployment>`. */
  baseUrl: string;
  /** The `model` field of the request; also the key of the price table. */
  model: string;
  /** Sent as `Authorization: Bearer <key>` (or `api-key: <key>` for Azure). Never logged, traced or put in a Feedback. */
  apiKey?: string;
  /** Azure OpenAI: added as `?api-version=`; the key then goes in the `api-key` header unless `authHeader` says otherwise. */
  apiVersion?: string;
  authHeader?: "bearer" | "api-key";
  /** Extra request headers (not traced). */
  headers?: Record<string, string>;
  /** Default 0. */
  temperature?: number;
  /** `max_tokens` of the request; default: not sent. */
  maxTokens?: number;
  /** Ask for `response_format: {type: "json_object"}` (OpenAI, Ollama, vLLM support it). Default false. */
  jsonMode?: boolean;
  /** Per attempt, including reading the answer. Default 60 000. */
  timeoutMs?: number;
  /** Attempts in all (first call + retries on 429, 5xx, network errors and timeouts). Default 4. */
  maxAttempts?: number;
  /** First backoff delay; doubled each retry, with jitter. Default 500. */
  retryBaseDelayMs?: number;
  /** Longest wait between attempts; a longer `Retry-After` gives up at once. Default 30 000. */
  maxRetryDelayMs?: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_MAX_CONCURRENCY = 4;

interface JudgeSettings {
  defaultModel: JudgeModelConfig | ModelProvider | null;
  maxConcurrency: number | null;
}

const settings: JudgeSettings = { defaultModel: null, maxConcurrency: null };
const listeners = new Set<() => void>();

export interface ConfigureJudgesOptions {
  /** The model of judges created without `model` (overrides the environment). `null` goes back to the environment. */
  defaultModel?: JudgeModelConfig | ModelProvider | null;
  /** Simultaneous model calls in this process, for every judge together. `null` goes back to the environment / default. */
  maxConcurrency?: number | null;
}

function processEnv(): Env {
  const env = (globalThis as { process?: { env?: Env } }).process?.env;
  return env ?? {};
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

/** Sets process-wide judge defaults. */
export function configureJudges(options: ConfigureJudgesOptions): void {
  if (options.maxConcurrency !== undefined && options.maxConcurrency !== null) {
    if (!Number.isInteger(options.maxConcurrency) || options.maxConcurrency < 1) {
      throw new RangeError(`configureJudges: maxConcurrency must be an integer ≥ 1, got ${String(options.maxConcurrency)}`);
    }
  }
  if (options.defaultModel !== undefined) settings.defaultModel = options.defaultModel;
  if (options.maxConcurrency !== undefined) settings.maxConcurrency = options.maxConcurrency;
  for (const listener of listeners) listener();
}

/** @internal Called when the settings change (the limiter re-reads its cap). */
export function onJudgeSettingsChange(listener: () => void): void {
  listeners.add(listener);
}

/** The model from `SCORELENS_JUDGE_*` (and `OPENAI_API_KEY`), or null when the base URL or model is missing. */
export function judgeModelFromEnv(env: Env = processEnv()): JudgeModelConfig | null {
  const baseUrl = nonEmpty(env["SCORELENS_JUDGE_BASE_URL"]);
  const model = nonEmpty(env["SCORELENS_JUDGE_MODEL"]);
  if (baseUrl === undefined || model === undefined) return null;
  const config: JudgeModelConfig = { baseUrl, model };
  const apiKey = nonEmpty(env["SCORELENS_JUDGE_API_KEY"]) ?? nonEmpty(env["OPENAI_API_KEY"]);
  if (apiKey !== undefined) config.apiKey = apiKey;
  const apiVersion = nonEmpty(env["SCORELENS_JUDGE_API_VERSION"]);
  if (apiVersion !== undefined) config.apiVersion = apiVersion;
  return config;
}

export type JudgeProviderKind = "openai" | "vscode";

/** `SCORELENS_JUDGE_PROVIDER`: `openai` (also when unset) or `vscode`; anything else throws {@link JudgeConfigError}. */
export function judgeProviderFromEnv(env: Env = processEnv()): JudgeProviderKind {
  const raw = nonEmpty(env["SCORELENS_JUDGE_PROVIDER"])?.toLowerCase();
  if (raw === undefined || raw === "openai") return "openai";
  if (raw === "vscode") return "vscode";
  throw new JudgeConfigError(`SCORELENS_JUDGE_PROVIDER must be "openai" or "vscode", got ${JSON.stringify(env["SCORELENS_JUDGE_PROVIDER"])}`);
}

/** One provider per selector text, so the model it learnt from its first answer is kept. */
let vscodeDefault: { key: string; provider: VSCodeLanguageModelProvider } | null = null;

function vscodeModelFromEnv(env: Env): VSCodeLanguageModelProvider {
  const key = nonEmpty(env["SCORELENS_JUDGE_VSCODE_MODEL"]) ?? "";
  if (vscodeDefault?.key !== key) vscodeDefault = { key, provider: new VSCodeLanguageModelProvider(parseVSCodeModelSelector(key)) };
  return vscodeDefault.provider;
}

/** The configured default model: `configureJudges({ defaultModel })`, else the environment, else null. */
export function defaultJudgeModel(): JudgeModelConfig | ModelProvider | null {
  if (settings.defaultModel !== null) return settings.defaultModel;
  const env = processEnv();
  return judgeProviderFromEnv(env) === "vscode" ? vscodeModelFromEnv(env) : judgeModelFromEnv(env);
}

/** The concurrency cap: `configureJudges`, else `SCORELENS_JUDGE_MAX_CONCURRENCY`, else {@link DEFAULT_MAX_CONCURRENCY}. */
export function judgeMaxConcurrency(): number {
  if (settings.maxConcurrency !== null) return settings.maxConcurrency;
  const raw = nonEmpty(processEnv()["SCORELENS_JUDGE_MAX_CONCURRENCY"]);
  const parsed = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(parsed) && parsed >= 1 ? parsed : DEFAULT_MAX_CONCURRENCY;
}
