/**
 * The server's span normalizer (server/normalize/normalizeSpan.ts), for spans this SDK produced.
 *
 * Every field comes from the server's own field mappers, except the span type: the server's
 * spanTypeMapper imports protocol/model.ts at runtime (its `SPAN_TYPES`), which would pull zod into
 * the SDK. For SDK spans the server's decision is simple, and reproduced here: a specific Langfuse
 * `langfuse.observation.type` wins, else `mlflow.spanType` (which the SDK writes on every span)
 * decides. test/unit/sdk/evaluate-trace.test.ts checks that the result equals the server's
 * `normalizeSpan` on the exported bytes.
 */
import type { NormalizedSpan, RawSpan, SpanType } from "../../protocol/model";
import { buildContext, type NormalizeContext } from "../../server/normalize/context";
import { mapMetadata, mapSessionId, mapTags, mapUserId } from "../../server/normalize/contextMapper";
import { conventionNames } from "../../server/normalize/conventions";
import { mapError } from "../../server/normalize/errorMapper";
import { mapInputs, mapOutputs } from "../../server/normalize/ioMapper";
import { decodeJson, hasValue } from "../../server/normalize/jsonValue";
import { mapModel, mapProvider } from "../../server/normalize/modelMapper";
import { mapCost, mapUsage } from "../../server/normalize/usageMapper";
import { SPAN_TYPES } from "../tracing/attributes";

const KNOWN_TYPES: ReadonlySet<string> = new Set<string>(SPAN_TYPES);

/** `langfuse.observation.type` values that name a span type ("span" and "event" decide nothing). */
const LANGFUSE_TYPES: Readonly<Record<string, SpanType>> = {
  generation: "LLM",
  embedding: "EMBEDDING",
  agent: "AGENT",
  tool: "TOOL",
  chain: "CHAIN",
  retriever: "RETRIEVER",
  guardrail: "GUARDRAIL",
  evaluator: "EVALUATOR",
};

/** As the server's `mlflowSpanType`: known types as they are, WORKFLOW/TASK → CHAIN, other custom types → UNKNOWN. */
function mlflowSpanType(value: string): SpanType {
  const upper = value.toUpperCase();
  if (KNOWN_TYPES.has(upper)) return upper as SpanType;
  if (upper === "WORKFLOW" || upper === "TASK") return "CHAIN";
  return "UNKNOWN";
}

function sdkSpanType(ctx: NormalizeContext, model: string | null): SpanType {
  const observation = ctx.attrs["langfuse.observation.type"];
  if (ctx.langfuse && typeof observation === "string" && Object.hasOwn(LANGFUSE_TYPES, observation.toLowerCase())) {
    return LANGFUSE_TYPES[observation.toLowerCase()] as SpanType;
  }
  const raw = ctx.attrs["mlflow.spanType"];
  if (hasValue(raw)) {
    const decoded = decodeJson(raw);
    return typeof decoded === "string" && decoded.length > 0 ? mlflowSpanType(decoded) : "UNKNOWN";
  }
  // Only when the user removed mlflow.spanType: the server then tries other conventions; the
  // last resort of its chain is kept here.
  return model !== null ? "LLM" : "UNKNOWN";
}

/** The normalized view of a span exported by this SDK, as the server computes it. */
export function normalizeSdkSpan(raw: RawSpan): NormalizedSpan {
  const ctx = buildContext(raw);
  const model = mapModel(ctx);
  return {
    spanType: sdkSpanType(ctx, model),
    inputs: mapInputs(ctx),
    outputs: mapOutputs(ctx),
    model,
    provider: mapProvider(ctx),
    usage: mapUsage(ctx),
    cost: mapCost(ctx),
    error: mapError(ctx),
    sessionId: mapSessionId(ctx),
    userId: mapUserId(ctx),
    tags: mapTags(ctx),
    metadata: mapMetadata(ctx),
    conventions: conventionNames(ctx.flags),
  };
}
