/**
 * Token usage and cost. Each sub-field (input, output, total, cache read/creation, reasoning;
 * input/output/total cost) is taken from the highest-priority convention that provides it:
 * Langfuse `usage_details`/`cost_details` > MLflow `mlflow.chat.tokenUsage`/`mlflow.llm.cost` >
 * OpenInference `llm.token_count.*`/`llm.cost.*` > GenAI `gen_ai.usage.*` (current, then
 * deprecated) > Traceloop `llm.usage.total_tokens` > Vercel AI `ai.usage.*`.
 * Counts arriving as numeric or int64 strings are coerced. A missing total is input + output.
 */
import type { Cost, TokenUsage } from "../../protocol/model";
import type { NormalizeContext } from "./context";
import { decodeJson, isRecord, toNumber } from "./jsonValue";

type UsageField = "input" | "output" | "total" | "cacheRead" | "cacheCreation" | "reasoning";
type UsageKeys = Readonly<Partial<Record<UsageField, readonly string[]>>>;

class UsageAccumulator {
  input: number | null = null;
  output: number | null = null;
  total: number | null = null;
  cacheRead: number | null = null;
  cacheCreation: number | null = null;
  reasoning: number | null = null;

  /** Fill still-missing fields from `source`, trying each field's keys in order. */
  fill(source: Readonly<Record<string, unknown>>, keys: UsageKeys): void {
    if (this.input === null && keys.input) this.input = first(source, keys.input);
    if (this.output === null && keys.output) this.output = first(source, keys.output);
    if (this.total === null && keys.total) this.total = first(source, keys.total);
    if (this.cacheRead === null && keys.cacheRead) this.cacheRead = first(source, keys.cacheRead);
    if (this.cacheCreation === null && keys.cacheCreation) this.cacheCreation = first(source, keys.cacheCreation);
    if (this.reasoning === null && keys.reasoning) this.reasoning = first(source, keys.reasoning);
  }

  result(): TokenUsage | null {
    const { input, output, cacheRead, cacheCreation, reasoning } = this;
    let total = this.total;
    if (input === null && output === null && total === null && cacheRead === null && cacheCreation === null && reasoning === null) {
      return null;
    }
    if (total === null && (input !== null || output !== null)) total = (input ?? 0) + (output ?? 0);
    const usage: TokenUsage = { inputTokens: input, outputTokens: output, totalTokens: total };
    if (cacheRead !== null) usage.cacheReadInputTokens = cacheRead;
    if (cacheCreation !== null) usage.cacheCreationInputTokens = cacheCreation;
    if (reasoning !== null) usage.reasoningTokens = reasoning;
    return usage;
  }
}

function first(source: Readonly<Record<string, unknown>>, keys: readonly string[]): number | null {
  for (const key of keys) {
    const n = toNumber(source[key]);
    if (n !== null) return n;
  }
  return null;
}

/** A JSON object attribute (string or already-structured), or null. */
function jsonObject(value: unknown): Readonly<Record<string, unknown>> | null {
  const decoded = decodeJson(value);
  return isRecord(decoded) ? decoded : null;
}

const LANGFUSE_USAGE: UsageKeys = {
  input: ["input", "input_tokens", "prompt_tokens"],
  output: ["output", "output_tokens", "completion_tokens"],
  total: ["total", "total_tokens"],
  cacheRead: ["cache_read_input_tokens", "input_cached_tokens", "input_cache_read"],
  cacheCreation: ["cache_creation_input_tokens", "input_cache_creation"],
  reasoning: ["output_reasoning_tokens", "output_reasoning", "reasoning_tokens"],
};
const MLFLOW_USAGE: UsageKeys = {
  input: ["input_tokens"],
  output: ["output_tokens"],
  total: ["total_tokens"],
  cacheRead: ["cache_read_input_tokens"],
  cacheCreation: ["cache_creation_input_tokens"],
  reasoning: ["reasoning_tokens"],
};
const OI_USAGE: UsageKeys = {
  input: ["llm.token_count.prompt"],
  output: ["llm.token_count.completion"],
  total: ["llm.token_count.total"],
  cacheRead: ["llm.token_count.prompt_details.cache_read"],
  cacheCreation: ["llm.token_count.prompt_details.cache_write"],
  reasoning: ["llm.token_count.completion_details.reasoning"],
};
const GENAI_USAGE: UsageKeys = {
  input: ["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"],
  output: ["gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"],
  total: ["gen_ai.usage.total_tokens"],
  cacheRead: ["gen_ai.usage.cache_read.input_tokens"],
  cacheCreation: ["gen_ai.usage.cache_creation.input_tokens"],
  reasoning: ["gen_ai.usage.reasoning.output_tokens"],
};
const TRACELOOP_USAGE: UsageKeys = {
  total: ["llm.usage.total_tokens"],
  cacheRead: ["gen_ai.usage.cache_read_input_tokens"],
  cacheCreation: ["gen_ai.usage.cache_creation_input_tokens"],
};
const VERCEL_USAGE: UsageKeys = {
  input: ["ai.usage.inputTokens", "ai.usage.promptTokens"],
  output: ["ai.usage.outputTokens", "ai.usage.completionTokens"],
  total: ["ai.usage.totalTokens"],
  cacheRead: ["ai.usage.cachedInputTokens"],
  reasoning: ["ai.usage.reasoningTokens"],
};

export function mapUsage(ctx: NormalizeContext): TokenUsage | null {
  const a = ctx.attrs;
  const acc = new UsageAccumulator();
  if (ctx.langfuse) {
    const details = jsonObject(a["langfuse.observation.usage_details"]);
    if (details !== null) acc.fill(details, LANGFUSE_USAGE);
  }
  if (ctx.mlflow) {
    const usage = jsonObject(a["mlflow.chat.tokenUsage"]);
    if (usage !== null) acc.fill(usage, MLFLOW_USAGE);
  }
  if (ctx.openinference) acc.fill(a, OI_USAGE);
  if (ctx.genai) acc.fill(a, GENAI_USAGE);
  if (ctx.traceloop) acc.fill(a, TRACELOOP_USAGE);
  if (ctx.vercel) acc.fill(a, VERCEL_USAGE);
  return acc.result();
}

type CostField = "input" | "output" | "total";
type CostKeys = Readonly<Record<CostField, readonly string[]>>;

const LANGFUSE_COST: CostKeys = { input: ["input"], output: ["output"], total: ["total"] };
const MLFLOW_COST: CostKeys = { input: ["input_cost"], output: ["output_cost"], total: ["total_cost"] };
const OI_COST: CostKeys = { input: ["llm.cost.prompt"], output: ["llm.cost.completion"], total: ["llm.cost.total"] };

interface CostAccumulator {
  input: number | null;
  output: number | null;
  total: number | null;
}

function fillCost(acc: CostAccumulator, source: Readonly<Record<string, unknown>>, keys: CostKeys): void {
  if (acc.input === null) acc.input = first(source, keys.input);
  if (acc.output === null) acc.output = first(source, keys.output);
  if (acc.total === null) acc.total = first(source, keys.total);
}

export function mapCost(ctx: NormalizeContext): Cost | null {
  const a = ctx.attrs;
  const acc: CostAccumulator = { input: null, output: null, total: null };
  if (ctx.langfuse) {
    const details = jsonObject(a["langfuse.observation.cost_details"]);
    if (details !== null) fillCost(acc, details, LANGFUSE_COST);
  }
  if (ctx.mlflow) {
    const cost = jsonObject(a["mlflow.llm.cost"]);
    if (cost !== null) fillCost(acc, cost, MLFLOW_COST);
  }
  if (ctx.openinference) fillCost(acc, a, OI_COST);
  const { input, output } = acc;
  if (input === null && output === null && acc.total === null) return null;
  const total = acc.total ?? (input ?? 0) + (output ?? 0);
  return { inputCost: input, outputCost: output, totalCost: total };
}
