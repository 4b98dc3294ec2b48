/**
 * Model providers for judges. {@link OpenAICompatibleProvider} speaks OpenAI's chat-completions
 * protocol (`POST {baseUrl}/chat/completions`), which OpenAI, Azure OpenAI, Ollama, LM Studio and
 * vLLM all serve. Retries: 429, 5xx, network errors and timeouts, with exponential backoff and full
 * jitter, honouring `Retry-After`; at most `maxAttempts` attempts. Each attempt holds a slot of the
 * process-wide concurrency cap (see limiter.ts). The API key is kept in a private field and is
 * removed from every error message (`redact`).
 */
import { defaultJudgeModel, type JudgeModelConfig } from "./config";
import { JudgeConfigError, JudgeModelError, JudgeTimeoutError } from "./errors";
import { judgeBackoffMs, postJudgeRequest } from "./judgeHttp";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatCompletion {
  /** The answer's text (`choices[0].message.content`). */
  text: string;
  /** The model the endpoint says answered (else the requested one). */
  model: string;
  inputTokens: number | null;
  outputTokens: number | null;
  attempts: number;
}

/** Anything that can answer chat messages. Implement it to plug in another model API. */
export interface ModelProvider {
  /** The model's name, recorded in Feedback metadata and used for pricing. */
  readonly model: string;
  complete(messages: readonly ChatMessage[]): Promise<ChatCompletion>;
  /** Removes secrets from text that will be stored (errors, raw answers). */
  redact?(text: string): string;
  /** `false`: calls are not billed per token (VS Code's language models come with the user's subscription), so no cost is recorded. */
  readonly priced?: boolean;
}

const DEFAULTS = { timeoutMs: 60_000, maxAttempts: 4, retryBaseDelayMs: 500, maxRetryDelayMs: 30_000 } as const;
const MAX_BODY_IN_ERROR = 500;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function positive(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`judge model: ${what} must be a non-negative number, got ${String(value)}`);
  return value;
}

function tokenCount(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : null;
}

/** `choices[0].message.content` as text: a string, or the text parts of a content array. */
function contentText(content: unknown): string | null {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return null;
  const parts = content.map((part: unknown) => (typeof part === "object" && part !== null && typeof (part as { text?: unknown }).text === "string" ? (part as { text: string }).text : ""));
  return parts.join("");
}

interface AttemptResult {
  ok: boolean;
  status: number | null;
  retryable: boolean;
  retryAfterMs: number | null;
  body: string;
  error: Error | null;
}

/** An OpenAI-compatible chat-completions endpoint. See the module doc. */
export class OpenAICompatibleProvider implements ModelProvider {
  readonly model: string;
  readonly baseUrl: string;
  readonly #apiKey: string | null;
  readonly #config: JudgeModelConfig;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;

  constructor(config: JudgeModelConfig) {
    if (typeof config?.baseUrl !== "string" || config.baseUrl.trim() === "") throw new TypeError("judge model: baseUrl must be a non-empty string");
    if (typeof config.model !== "string" || config.model.trim() === "") throw new TypeError("judge model: model must be a non-empty string");
    try {
      new URL(config.baseUrl);
    } catch {
      throw new TypeError(`judge model: baseUrl is not a URL: ${JSON.stringify(config.baseUrl)}`);
    }
    this.model = config.model;
    this.baseUrl = config.baseUrl.replace(/\/+$/, "");
    this.#apiKey = config.apiKey !== undefined && config.apiKey !== "" ? config.apiKey : null;
    this.#config = { ...config, apiKey: undefined };
    this.#timeoutMs = positive(config.timeoutMs, DEFAULTS.timeoutMs, "timeoutMs");
    const attempts = positive(config.maxAttempts, DEFAULTS.maxAttempts, "maxAttempts");
    this.#maxAttempts = Math.max(1, Math.floor(attempts));
    this.#baseDelayMs = positive(config.retryBaseDelayMs, DEFAULTS.retryBaseDelayMs, "retryBaseDelayMs");
    this.#maxDelayMs = positive(config.maxRetryDelayMs, DEFAULTS.maxRetryDelayMs, "maxRetryDelayMs");
  }

  /** The request URL (no secrets in it). */
  get url(): string {
    const url = `${this.baseUrl}/chat/completions`;
    return this.#config.apiVersion === undefined ? url : `${url}?api-version=${encodeURIComponent(this.#config.apiVersion)}`;
  }

  redact(text: string): string {
    return this.#apiKey === null ? text : text.split(this.#apiKey).join("[redacted]");
  }

  /** Only `{ baseUrl, model }`: never the key. */
  toJSON(): Record<string, string> {
    return { baseUrl: this.baseUrl, model: this.model };
  }

  #headers(): Record<string, string> {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json", ...this.#config.headers };
    if (this.#apiKey !== null) {
      const style = this.#config.authHeader ?? (this.#config.apiVersion !== undefined ? "api-key" : "bearer");
      if (style === "api-key") headers["api-key"] = this.#apiKey;
      else headers["authorization"] = `Bearer ${this.#apiKey}`;
    }
    return headers;
  }

  #body(messages: readonly ChatMessage[]): string {
    const body: Record<string, unknown> = { model: this.model, messages, temperature: this.#config.temperature ?? 0 };
    if (this.#config.maxTokens !== undefined) body["max_tokens"] = this.#config.maxTokens;
    if (this.#config.jsonMode === true) body["response_format"] = { type: "json_object" };
    return JSON.stringify(body);
  }

  async #attempt(body: string): Promise<AttemptResult> {
    const r = await postJudgeRequest(this.url, this.#headers(), body, this.#timeoutMs);
    const status = r.status;
    return { ...r, ok: status !== null && status >= 200 && status < 300, retryable: status === null || status === 429 || status >= 500 };
  }

  #failure(result: AttemptResult, attempts: number): JudgeModelError {
    const where = `${this.model} at ${this.baseUrl}`;
    const tries = attempts === 1 ? "" : ` after ${attempts} attempts`;
    if (result.error !== null) {
      const Ctor = result.error instanceof JudgeTimeoutError ? JudgeTimeoutError : JudgeModelError;
      return new Ctor(this.redact(`chat completion for ${where} failed${tries}: ${result.error.message}`), null, attempts);
    }
    const body = result.body.length > MAX_BODY_IN_ERROR ? `${result.body.slice(0, MAX_BODY_IN_ERROR)}…` : result.body;
    return new JudgeModelError(this.redact(`chat completion for ${where} failed${tries}: HTTP ${String(result.status)}: ${body}`), result.status, attempts);
  }

  #parse(body: string, attempts: number): ChatCompletion {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new JudgeModelError(this.redact(`the endpoint's answer is not JSON: ${body.slice(0, MAX_BODY_IN_ERROR)}`), 200, attempts);
    }
    const record = (typeof json === "object" && json !== null ? json : {}) as { choices?: unknown; usage?: unknown; model?: unknown };
    const first: unknown = Array.isArray(record.choices) ? record.choices[0] : undefined;
    const message = typeof first === "object" && first !== null ? (first as { message?: unknown }).message : undefined;
    const text = typeof message === "object" && message !== null ? contentText((message as { content?: unknown }).content) : null;
    if (text === null) throw new JudgeModelError(this.redact(`the endpoint's answer has no choices[0].message.content: ${body.slice(0, MAX_BODY_IN_ERROR)}`), 200, attempts);
    const usage = (typeof record.usage === "object" && record.usage !== null ? record.usage : {}) as Record<string, unknown>;
    return {
      text,
      model: typeof record.model === "string" && record.model !== "" ? record.model : this.model,
      inputTokens: tokenCount(usage["prompt_tokens"]),
      outputTokens: tokenCount(usage["completion_tokens"]),
      attempts,
    };
  }

  async complete(messages: readonly ChatMessage[]): Promise<ChatCompletion> {
    const body = this.#body(messages);
    for (let attempt = 1; ; attempt++) {
      const result = await this.#attempt(body);
      if (result.ok) return this.#parse(result.body, attempt);
      if (!result.retryable || attempt >= this.#maxAttempts) throw this.#failure(result, attempt);
      const delay = result.retryAfterMs ?? judgeBackoffMs(attempt, this.#baseDelayMs, this.#maxDelayMs);
      if (delay > this.#maxDelayMs) {
        const error = this.#failure(result, attempt);
        error.message += ` (Retry-After ${Math.round(delay)} ms exceeds maxRetryDelayMs ${this.#maxDelayMs})`;
        throw error;
      }
      await sleep(delay);
    }
  }
}

function isProvider(value: unknown): value is ModelProvider {
  return typeof value === "object" && value !== null && typeof (value as { complete?: unknown }).complete === "function" && typeof (value as { model?: unknown }).model === "string";
}

/** A provider from a judge's `model` option: a provider as-is, a config → {@link OpenAICompatibleProvider}. */
export function toProvider(model: JudgeModelConfig | ModelProvider): ModelProvider {
  return isProvider(model) ? model : new OpenAICompatibleProvider(model);
}

/** The judge's provider, or the default one (configureJudges / environment); throws {@link JudgeConfigError} when there is none. */
export function resolveProvider(explicit: ModelProvider | null): ModelProvider {
  if (explicit !== null) return explicit;
  const fallback = defaultJudgeModel();
  if (fallback === null) {
    throw new JudgeConfigError(
      "no judge model configured: pass { model: { baseUrl, model, apiKey? } } to the judge, call configureJudges({ defaultModel }), or set SCORELENS_JUDGE_BASE_URL and SCORELENS_JUDGE_MODEL (key: SCORELENS_JUDGE_API_KEY or OPENAI_API_KEY)",
    );
  }
  return toProvider(fallback);
}

/** The model name a judge would use now, or null when none is configured. */
export function modelNameOf(explicit: ModelProvider | null): string | null {
  if (explicit !== null) return explicit.model;
  const fallback = defaultJudgeModel();
  return fallback === null ? null : fallback.model;
}
