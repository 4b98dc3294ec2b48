/**
 * VS Code's Language Model API as a judge model: the models the user already has in the editor
 * (GitHub Copilot's, or any other chat extension's). Only the extension host can call `vscode.lm`,
 * so a judge POSTs its messages to the ScoreLens server's bridge (protocol/languageModel.ts), which
 * asks the editor over LSP. The bridge exists only in a server started by VS Code: it sets
 * `SCORELENS_LM_BRIDGE_URL` and `SCORELENS_LM_BRIDGE_TOKEN` for its scorer workers. Both are read at
 * call time; without them the call fails with a {@link JudgeConfigError} saying the provider needs
 * VS Code. Retries only the host's transient refusals (rate limited, busy) and network errors;
 * refused consent, a blocked extension, no matching model and timeouts are final. Each attempt
 * holds a slot of the process-wide concurrency cap (limiter.ts).
 */
import type { LanguageModelChatParams } from "../../protocol/languageModel";
import { JudgeConfigError, JudgeModelError, JudgeTimeoutError } from "./errors";
import { judgeBackoffMs, postJudgeRequest, type JudgePostResult } from "./judgeHttp";
import type { ChatCompletion, ChatMessage, ModelProvider } from "./provider";

/** The SDK has no zod: these mirror protocol/languageModel.ts (a unit test checks they agree). */
export const LM_BRIDGE_URL_ENV = "SCORELENS_LM_BRIDGE_URL";
export const LM_BRIDGE_TOKEN_ENV = "SCORELENS_LM_BRIDGE_TOKEN";
export const LM_TOKEN_HEADER = "x-scorelens-lm-token";
const RETRYABLE_CODES = new Set(["rate-limited", "busy"]);

export const VSCODE_PROVIDER_NEEDS_EDITOR =
  "The VS Code Language Model provider needs VS Code: run this judge from the ScoreLens extension (lens, Scorers view, monitoring). In the CLI or your own scripts use an OpenAI-compatible endpoint: SCORELENS_JUDGE_BASE_URL + SCORELENS_JUDGE_MODEL.";

/** `vscode.LanguageModelChatSelector`: which of the editor's models to use. Empty: any model. */
export interface VSCodeModelSelector {
  /** e.g. "copilot". */
  vendor?: string;
  /** e.g. "gpt-4o", "claude-3.5-sonnet". */
  family?: string;
  id?: string;
  version?: string;
}

export interface VSCodeLanguageModelOptions {
  /** Per attempt, including the editor's consent prompt and the whole answer. Default 60 000. */
  timeoutMs?: number;
  /** Attempts in all (retries on rate limiting, a busy host, network errors). Default 3. */
  maxAttempts?: number;
  /** First backoff delay, doubled each retry, with jitter. Default 1 000. */
  retryBaseDelayMs?: number;
  /** Longest wait between attempts. Default 30 000. */
  maxRetryDelayMs?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function processEnv(): Env {
  return (globalThis as { process?: { env?: Env } }).process?.env ?? {};
}

function clean(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" || trimmed === "*" ? undefined : trimmed;
}

/** `"vendor/family"`, `"family"`, `"vendor/*"` or `""` (any model), as in `SCORELENS_JUDGE_VSCODE_MODEL`. */
export function parseVSCodeModelSelector(text: string | undefined): VSCodeModelSelector {
  const raw = (text ?? "").trim();
  const slash = raw.indexOf("/");
  const vendor = slash === -1 ? undefined : clean(raw.slice(0, slash));
  const family = clean(slash === -1 ? raw : raw.slice(slash + 1));
  return { ...(vendor !== undefined ? { vendor } : {}), ...(family !== undefined ? { family } : {}) };
}

/** The provider's name until a model answered: "vscode:copilot/gpt-4o", "vscode:gpt-4o", "vscode:any". */
export function vscodeSelectorLabel(selector: VSCodeModelSelector): string {
  const parts: string[] = [];
  if (selector.vendor !== undefined) parts.push(`${selector.vendor}/${selector.family ?? "*"}`);
  else if (selector.family !== undefined) parts.push(selector.family);
  if (selector.id !== undefined) parts.push(`id=${selector.id}`);
  if (selector.version !== undefined) parts.push(`version=${selector.version}`);
  return `vscode:${parts.length === 0 ? "any" : parts.join(",")}`;
}

function normalizeSelector(selector: VSCodeModelSelector | undefined): VSCodeModelSelector {
  const out: VSCodeModelSelector = {};
  for (const key of ["vendor", "family", "id", "version"] as const) {
    const value = selector?.[key];
    if (value === undefined) continue;
    if (typeof value !== "string") throw new TypeError(`vscode language model: selector.${key} must be a string`);
    const trimmed = clean(value);
    if (trimmed !== undefined) out[key] = trimmed;
  }
  return out;
}

function option(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`vscode language model: ${what} must be a non-negative number, got ${String(value)}`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function tokens(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : null;
}

type Attempt = JudgePostResult;

/** A model the user has in VS Code, reached through the ScoreLens server's bridge. See the module doc. */
export class VSCodeLanguageModelProvider implements ModelProvider {
  readonly selector: Readonly<VSCodeModelSelector>;
  /** VS Code's models come with the user's subscription: no per-token cost is recorded. */
  readonly priced = false;
  readonly #label: string;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  #answeredBy: string | null = null;

  constructor(selector: VSCodeModelSelector = {}, options: VSCodeLanguageModelOptions = {}) {
    this.selector = Object.freeze(normalizeSelector(selector));
    this.#label = vscodeSelectorLabel(this.selector);
    this.#timeoutMs = option(options.timeoutMs, 60_000, "timeoutMs");
    this.#maxAttempts = Math.max(1, Math.floor(option(options.maxAttempts, 3, "maxAttempts")));
    this.#baseDelayMs = option(options.retryBaseDelayMs, 1_000, "retryBaseDelayMs");
    this.#maxDelayMs = option(options.maxRetryDelayMs, 30_000, "maxRetryDelayMs");
  }

  /** The selector as text ("vscode:copilot/gpt-4o") until a model answered, then that model's id. */
  get model(): string {
    return this.#answeredBy ?? this.#label;
  }

  toJSON(): Record<string, unknown> {
    return { provider: "vscode", selector: { ...this.selector }, model: this.model };
  }

  redact(text: string): string {
    const token = processEnv()[LM_BRIDGE_TOKEN_ENV];
    return token === undefined || token === "" ? text : text.split(token).join("[redacted]");
  }

  async complete(messages: readonly ChatMessage[]): Promise<ChatCompletion> {
    const env = processEnv();
    const url = env[LM_BRIDGE_URL_ENV]?.trim();
    const token = env[LM_BRIDGE_TOKEN_ENV]?.trim();
    if (url === undefined || url === "" || token === undefined || token === "") throw new JudgeConfigError(VSCODE_PROVIDER_NEEDS_EDITOR);
    const params: LanguageModelChatParams = { selector: { ...this.selector }, messages: messages.map((m) => ({ role: m.role, content: m.content })) };
    const body = JSON.stringify(params);
    for (let attempt = 1; ; attempt++) {
      const result = await this.#attempt(url, token, body);
      if (result.status === 200) return this.#parse(result.body, attempt);
      const failure = this.#failure(result, attempt);
      const retryable = result.error !== null ? !(result.error instanceof JudgeTimeoutError) : failure.retryable;
      if (!retryable || attempt >= this.#maxAttempts) throw failure.error;
      const delay = result.retryAfterMs ?? judgeBackoffMs(attempt, this.#baseDelayMs, this.#maxDelayMs);
      if (delay > this.#maxDelayMs) throw failure.error;
      await sleep(delay);
    }
  }

  #attempt(url: string, token: string, body: string): Promise<Attempt> {
    return postJudgeRequest(url, { "content-type": "application/json", [LM_TOKEN_HEADER]: token }, body, this.#timeoutMs);
  }

  #failure(result: Attempt, attempts: number): { error: JudgeModelError; retryable: boolean } {
    const where = `VS Code language model ${this.#label}`;
    const tries = attempts === 1 ? "" : ` after ${attempts} attempts`;
    if (result.error !== null) {
      const Ctor = result.error instanceof JudgeTimeoutError ? JudgeTimeoutError : JudgeModelError;
      const message = `${where} failed${tries}: ${result.error.message}${Ctor === JudgeModelError ? " (is the ScoreLens server still running?)" : ""}`;
      return { error: new Ctor(this.redact(message), null, attempts), retryable: true };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(result.body);
    } catch {
      parsed = null;
    }
    const detail = record(record(parsed)?.["error"]);
    const code = typeof detail?.["code"] === "string" ? detail["code"] : null;
    const text = typeof detail?.["message"] === "string" ? detail["message"] : `HTTP ${String(result.status)}: ${result.body.slice(0, 500)}`;
    const hint = code === "unauthorized" ? " (the bridge token does not match: was the ScoreLens server restarted?)" : "";
    const message = `${where} failed${tries}: ${text}${code === null ? "" : ` [${code}]`}${hint}`;
    return { error: new JudgeModelError(this.redact(message), result.status, attempts), retryable: code !== null && RETRYABLE_CODES.has(code) };
  }

  #parse(body: string, attempts: number): ChatCompletion {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = null;
    }
    const answer = record(json);
    const text = answer?.["text"];
    const model = answer?.["model"];
    if (answer === null || typeof text !== "string" || typeof model !== "string" || model === "") {
      throw new JudgeModelError(this.redact(`the ScoreLens language model bridge sent an answer without text and model: ${body.slice(0, 500)}`), 200, attempts);
    }
    this.#answeredBy = model;
    return { text, model, inputTokens: tokens(answer["inputTokens"]), outputTokens: tokens(answer["outputTokens"]), attempts };
  }
}

/** A judge model from VS Code's Language Model API, e.g. `vscodeLanguageModel({ vendor: "copilot", family: "gpt-4o" })`. */
export function vscodeLanguageModel(selector: VSCodeModelSelector = {}, options: VSCodeLanguageModelOptions = {}): VSCodeLanguageModelProvider {
  return new VSCodeLanguageModelProvider(selector, options);
}
