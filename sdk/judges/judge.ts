/**
 * `LlmJudge`: the base of every LLM judge. It is a `Scorer` subclass, so `runScorer`, `evaluate`,
 * registration and the ScoreLens worker runtime treat a judge like any other scorer.
 *
 * One call (`score(args)`):
 * 1. the subclass builds the chat messages from the arguments (a missing expectation or retriever
 *    span throws {@link JudgeInputError} → an error Feedback, no model call);
 * 2. the model is called inside its own trace: a root EVALUATOR span `judge:<name>` tagged
 *    `scorelens.source = "judge"` and `scorelens.judge.name` (so ScoreLens monitoring never samples
 *    it), with a CHAT_MODEL child whose inputs are the messages and outputs the answer;
 * 3. the subclass reads the answer (strict JSON, parsed robustly); an unreadable answer is an error
 *    Feedback that keeps the raw text.
 * Every Feedback has `source: { type: "LLM_JUDGE", id: <name> }` and metadata `mlflow.judge.model`,
 * `scorelens.judge.input_tokens` / `output_tokens` / `cost_usd` (when known) and
 * `scorelens.judge.trace_id` (when tracing is on). The API key never reaches any of them.
 */
import type { Aggregation } from "../scoring/aggregate";
import { Feedback, toFeedbackError } from "../scoring/feedback";
import { Scorer } from "../scoring/scorer";
import type { ScorerArgsShape } from "../scoring/types";
import { SpanAttributeKey } from "../tracing/attributes";
import { withSpan } from "../tracing/fluent";
import type { LiveSpan } from "../tracing/span";
import type { JudgeModelConfig } from "./config";
import { JudgeParseError } from "./errors";
import { truncateRaw } from "./parse";
import { costFor } from "./prices";
import { modelNameOf, resolveProvider, toProvider, type ChatCompletion, type ChatMessage, type ModelProvider } from "./provider";

export const JudgeMetadataKey = {
  MODEL: "mlflow.judge.model",
  INPUT_TOKENS: "scorelens.judge.input_tokens",
  OUTPUT_TOKENS: "scorelens.judge.output_tokens",
  COST_USD: "scorelens.judge.cost_usd",
  TRACE_ID: "scorelens.judge.trace_id",
  ATTEMPTS: "scorelens.judge.attempts",
  RAW_ANSWER: "scorelens.judge.raw_answer",
} as const;

/** The trace tag that marks ScoreLens's own traces (monitoring skips them), and its value for judges. */
export const JUDGE_SOURCE_TAG = "scorelens.source";
export const JUDGE_SOURCE_VALUE = "judge";
export const JUDGE_NAME_TAG = "scorelens.judge.name";

export interface JudgeOptions {
  /** The judge's (and its Feedbacks') name. */
  name?: string;
  /** An OpenAI-compatible endpoint or any {@link ModelProvider}. Default: `configureJudges({ defaultModel })`, else `SCORELENS_JUDGE_*`. */
  model?: JudgeModelConfig | ModelProvider;
  aggregations?: readonly Aggregation[] | null;
  description?: string | null;
}

/** What a subclass reads from the answer. */
export interface JudgeVerdict {
  value: unknown;
  rationale: string | null;
}

/** A part of a trace that a judge puts in its prompt: the root span's inputs or outputs, the RETRIEVER spans' documents, or the whole trace. */
export type JudgeInputPart = "inputs" | "outputs" | "documents" | "trace";

/** What the cost estimate needs to know about a judge (the SDK's judges: judgeProfiles.ts). */
export interface JudgeCostProfile {
  /** Characters of fixed prompt text per call (instructions, format), without the trace's data. */
  promptChars: number;
  /** Model calls per trace. */
  callsPerTrace: number;
  /** Typical answer length in tokens. */
  outputTokensPerCall: number;
  /** What of a trace goes into the prompt (for estimates from stored traces). Default: inputs and outputs. */
  reads?: readonly JudgeInputPart[];
}

function setChatAttributes(span: LiveSpan, completion: ChatCompletion, priced: boolean): void {
  span.setAttribute("mlflow.llm.model", JSON.stringify(completion.model));
  if (completion.inputTokens !== null || completion.outputTokens !== null) {
    const input = completion.inputTokens ?? 0;
    const output = completion.outputTokens ?? 0;
    span.setAttribute("mlflow.chat.tokenUsage", { input_tokens: input, output_tokens: output, total_tokens: input + output });
    const cost = priced ? costFor(completion.model, input, output) : null;
    if (cost !== null) span.setAttribute("mlflow.llm.cost", { input_cost: cost.inputCost, output_cost: cost.outputCost, total_cost: cost.totalCost });
  }
}

function usageMetadata(completion: ChatCompletion, priced: boolean): Record<string, string> {
  const metadata: Record<string, string> = { [JudgeMetadataKey.ATTEMPTS]: String(completion.attempts) };
  if (completion.inputTokens !== null) metadata[JudgeMetadataKey.INPUT_TOKENS] = String(completion.inputTokens);
  if (completion.outputTokens !== null) metadata[JudgeMetadataKey.OUTPUT_TOKENS] = String(completion.outputTokens);
  if (priced && completion.inputTokens !== null && completion.outputTokens !== null) {
    const cost = costFor(completion.model, completion.inputTokens, completion.outputTokens);
    if (cost !== null) metadata[JudgeMetadataKey.COST_USD] = cost.totalCost.toFixed(8);
  }
  return metadata;
}

/** The base class of LLM judges. Subclasses implement {@link LlmJudge.buildMessages} and {@link LlmJudge.readVerdict}. */
export abstract class LlmJudge extends Scorer<ScorerArgsShape> {
  readonly #provider: ModelProvider | null;

  constructor(defaultName: string, options: JudgeOptions = {}) {
    super({ name: options.name ?? defaultName, aggregations: options.aggregations ?? null, description: options.description ?? null });
    this.#provider = options.model === undefined ? null : toProvider(options.model);
  }

  /** The chat messages for these arguments. Throw {@link JudgeInputError} when the judge cannot run on them. */
  protected abstract buildMessages(args: ScorerArgsShape): ChatMessage[];

  /** The value and rationale from the model's answer to `messages`. Throw {@link JudgeParseError} when it is unreadable. */
  protected abstract readVerdict(text: string, messages: readonly ChatMessage[]): JudgeVerdict;

  /** For {@link estimateJudgeCost}. */
  abstract costProfile(): JudgeCostProfile;

  /** The model this judge calls now (its own, else the configured default), or null when none is configured. */
  get modelName(): string | null {
    return modelNameOf(this.#provider);
  }

  /** Only the name and model: never the provider's key. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, judge: this.constructor.name, model: this.modelName };
  }

  #error(error: unknown, metadata: Record<string, string>, redact: (text: string) => string): Feedback {
    const { type, message, stack } = toFeedbackError(error);
    const meta = { ...metadata };
    if (error instanceof JudgeParseError) meta[JudgeMetadataKey.RAW_ANSWER] = redact(error.rawText);
    return new Feedback({ name: this.name, error: { type, message: redact(message), stack: stack === null ? null : redact(stack) }, source: { type: "LLM_JUDGE", id: this.name }, metadata: meta });
  }

  async score(args: ScorerArgsShape): Promise<Feedback> {
    const identity = (text: string): string => text;
    let provider: ModelProvider;
    let messages: ChatMessage[];
    try {
      provider = resolveProvider(this.#provider);
      messages = this.buildMessages(args ?? {});
    } catch (error) {
      const model = this.modelName;
      return this.#error(error, model === null ? {} : { [JudgeMetadataKey.MODEL]: model }, identity);
    }
    const redact = (text: string): string => (provider.redact === undefined ? text : provider.redact(text));
    const metadata: Record<string, string> = { [JudgeMetadataKey.MODEL]: provider.model };
    return withSpan(
      `judge:${this.name}`,
      async (root) => {
        if (root.isRecording) {
          root.setAttribute(`${SpanAttributeKey.TRACE_TAG_PREFIX}${JUDGE_SOURCE_TAG}`, JUDGE_SOURCE_VALUE);
          root.setAttribute(`${SpanAttributeKey.TRACE_TAG_PREFIX}${JUDGE_NAME_TAG}`, this.name);
          metadata[JudgeMetadataKey.TRACE_ID] = root.traceId;
        }
        let feedback: Feedback;
        try {
          const completion = await withSpan(
            provider.model,
            async (chat) => {
              const answer = await provider.complete(messages);
              setChatAttributes(chat, answer, provider.priced !== false);
              chat.setOutputs({ choices: [{ index: 0, message: { role: "assistant", content: redact(answer.text) } }], model: answer.model, usage: { prompt_tokens: answer.inputTokens, completion_tokens: answer.outputTokens } });
              return answer;
            },
            { spanType: "CHAT_MODEL", inputs: { model: provider.model, messages } },
          );
          Object.assign(metadata, usageMetadata(completion, provider.priced !== false));
          metadata[JudgeMetadataKey.MODEL] = completion.model;
          const verdict = this.readVerdict(completion.text, messages);
          feedback = new Feedback({ name: this.name, value: verdict.value, rationale: verdict.rationale, source: { type: "LLM_JUDGE", id: this.name }, metadata });
        } catch (error) {
          feedback = this.#error(error, metadata, redact);
          const recorded = new Error(feedback.error?.message ?? "judge failed");
          recorded.name = feedback.error?.type ?? "Error";
          root.recordException(recorded);
        }
        root.setOutputs({ value: feedback.value, rationale: feedback.rationale, error: feedback.error === null ? null : feedback.error.message });
        return feedback;
      },
      { parent: null, spanType: "EVALUATOR", inputs: { judge: this.name, model: provider.model } },
    );
  }
}

/** Throws a parse error keeping the raw answer. */
export function unreadable(text: string, why: string): never {
  throw new JudgeParseError(`${why}; raw answer: ${truncateRaw(text)}`, truncateRaw(text));
}
