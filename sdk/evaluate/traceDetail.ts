/**
 * Rebuilds a trace in-process exactly as the ScoreLens server will store it: the captured spans are
 * encoded as the exporter encodes them (OTLP/JSON), decoded with the server's OTLP/JSON decoder,
 * normalized with the server's normalizer (server/normalize) and rolled up with the server's
 * trace rollup. So a scorer run by `evaluate()` sees the same span types, inputs, outputs, model,
 * usage and summary as a scorer run later on the stored trace.
 *
 * The server modules used here are pure: no Node built-ins, no I/O, and no runtime import of
 * protocol/ (so no zod in the SDK).
 */
import type { SpanRecord, TraceSummary } from "../../protocol/model";
import { accumulate, type TraceDelta } from "../../server/store/traceRollup";
import { decodeOtlpJson } from "../../server/wire/otlpJson";
import { log } from "../log";
import type { TraceDetailLike } from "../scoring/scorerTrace";
import { getConfig } from "../tracing/config";
import { exportEnvelope } from "../tracing/exporter";
import { encodeExportRequest } from "../tracing/otlp";
import type { LiveSpan } from "../tracing/span";
import { normalizeSpan } from "../../server/normalize/normalizeSpan";

function summaryOf(delta: TraceDelta): TraceSummary {
  return {
    traceId: delta.traceId,
    requestId: `tr-${delta.traceId}`,
    name: delta.name,
    state: delta.rootStatus ?? "IN_PROGRESS",
    startTimeMs: Number(delta.startNs / 1000n) / 1000,
    endTimeMs: Number(delta.endNs / 1000n) / 1000,
    durationMs: Number((delta.endNs - delta.startNs) / 1000n) / 1000,
    spanCount: delta.spanCount,
    errorCount: delta.errorCount,
    inputTokens: delta.inputTokens,
    outputTokens: delta.outputTokens,
    totalTokens: delta.totalTokens,
    costUsd: delta.costUsd,
    requestPreview: delta.requestPreview,
    responsePreview: delta.responsePreview,
    tags: delta.tags,
    metadata: delta.metadata,
    sessionId: delta.sessionId,
    userId: delta.userId,
    serviceName: delta.serviceName,
    hasRoot: delta.rootSpanId !== null,
  };
}

/** The stored form of ended spans of one trace, or null when there are none (or they cannot be decoded). */
export function traceDetailFromSpans(spans: readonly LiveSpan[]): TraceDetailLike | null {
  if (spans.length === 0) return null;
  try {
    const request = encodeExportRequest(spans, exportEnvelope(getConfig()));
    const decoded = decodeOtlpJson(JSON.stringify(request));
    const records: SpanRecord[] = decoded.spans.map((raw) => ({ ...raw, ...normalizeSpan(raw) }));
    const deltas = new Map<string, TraceDelta>();
    for (const record of records) accumulate(deltas, record);
    const delta = deltas.values().next();
    if (delta.done === true) return null;
    return { summary: summaryOf(delta.value), spans: records, assessments: [] };
  } catch (error) {
    log.warn("could not rebuild an evaluation trace in-process", error);
    return null;
  }
}
