/**
 * Model and provider, by convention priority:
 * Langfuse `langfuse.observation.model.name` > MLflow `mlflow.llm.model|provider` >
 * OpenInference `llm.response.model_name` > `llm.model_name` > `llm.request.model_name` >
 * `embedding.model_name` > `reranker.model_name`, `llm.provider` > `llm.system` >
 * GenAI `gen_ai.response.model` > `gen_ai.request.model`, `gen_ai.provider.name` > `gen_ai.system` >
 * Vercel AI `ai.response.model` > `ai.model.id`, `ai.model.provider`.
 */
import type { NormalizeContext } from "./context";
import { decodeJson, toStringOrNull } from "./jsonValue";

function firstString(ctx: NormalizeContext, keys: readonly string[]): string | null {
  for (const key of keys) {
    const s = toStringOrNull(ctx.attrs[key]);
    if (s !== null) return s;
  }
  return null;
}

const LANGFUSE_MODEL = ["langfuse.observation.model.name", "langfuse.observation.model"] as const;
const OI_MODEL = [
  "llm.response.model_name",
  "llm.model_name",
  "llm.request.model_name",
  "embedding.model_name",
  "reranker.model_name",
] as const;
const GENAI_MODEL = ["gen_ai.response.model", "gen_ai.request.model"] as const;
const VERCEL_MODEL = ["ai.response.model", "ai.model.id"] as const;

export function mapModel(ctx: NormalizeContext): string | null {
  let v: string | null = null;
  if (ctx.langfuse && (v = firstString(ctx, LANGFUSE_MODEL)) !== null) return v;
  if (ctx.mlflow && (v = toStringOrNull(decodeJson(ctx.attrs["mlflow.llm.model"]))) !== null) return v;
  if (ctx.openinference && (v = firstString(ctx, OI_MODEL)) !== null) return v;
  if (ctx.genai && (v = firstString(ctx, GENAI_MODEL)) !== null) return v;
  if (ctx.vercel && (v = firstString(ctx, VERCEL_MODEL)) !== null) return v;
  return null;
}

const OI_PROVIDER = ["llm.provider", "llm.system"] as const;
const GENAI_PROVIDER = ["gen_ai.provider.name", "gen_ai.system"] as const;

export function mapProvider(ctx: NormalizeContext): string | null {
  let v: string | null = null;
  if (ctx.mlflow && (v = toStringOrNull(decodeJson(ctx.attrs["mlflow.llm.provider"]))) !== null) return v;
  if (ctx.openinference && (v = firstString(ctx, OI_PROVIDER)) !== null) return v;
  if (ctx.genai && (v = firstString(ctx, GENAI_PROVIDER)) !== null) return v;
  if (ctx.vercel && (v = toStringOrNull(ctx.attrs["ai.model.provider"])) !== null) return v;
  return null;
}
