/**
 * The priority-ordered span normalizer: derives the {@link NormalizedSpan} view (type, I/O,
 * model, usage, cost, error, session/user, tags, metadata) from a raw span's attributes and
 * events, whatever convention produced them.
 *
 * Conventions, highest priority first (per field, the first one that provides a value wins):
 * Langfuse explicit overrides > MLflow > OpenInference > OTel GenAI (current, then deprecated) >
 * Traceloop/OpenLLMetry > Vercel AI SDK > remaining Langfuse keys > heuristics. The field mappers
 * (spanTypeMapper, ioMapper, modelMapper, usageMapper, errorMapper, contextMapper) each document
 * their exact chain.
 *
 * Pure and total: never throws on odd input, never mutates or deep-copies the raw span. It runs
 * once per ingested span, so attribute keys are scanned once (attributeScan) and everything else
 * is a direct key lookup.
 */
import type { NormalizedSpan, RawSpan } from "../../protocol/model";
import { buildContext } from "./context";
import { mapSessionId, mapMetadata, mapTags, mapUserId } from "./contextMapper";
import { conventionNames } from "./conventions";
import { mapError } from "./errorMapper";
import { mapInputs, mapOutputs } from "./ioMapper";
import { mapModel, mapProvider } from "./modelMapper";
import { mapSpanType } from "./spanTypeMapper";
import { mapCost, mapUsage } from "./usageMapper";

export type { Convention } from "./conventions";
export { CONVENTIONS } from "./conventions";
export { LIST_TAG_VALUE } from "./contextMapper";

export function normalizeSpan(raw: RawSpan): NormalizedSpan {
  const ctx = buildContext(raw);
  const model = mapModel(ctx);
  return {
    spanType: mapSpanType(ctx, model),
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
