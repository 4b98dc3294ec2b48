/**
 * Trace-level rollups, computed from the spans a batch actually inserted (duplicates excluded),
 * so the traces table stays exact without ever re-scanning spans. Pure: no database here.
 */
import type { SpanRecord, SpanType } from "../../protocol/model";

/** Preview length, as MLflow OSS truncates request/response previews. */
export const PREVIEW_CHARS = 1000;

/** Spans whose token usage and cost count toward the trace total (wrappers would double count). */
const USAGE_SPAN_TYPES: ReadonlySet<SpanType> = new Set<SpanType>(["LLM", "CHAT_MODEL", "EMBEDDING", "RERANKER"]);

export interface TraceDelta {
  traceId: string;
  /** Name/state/previews come from the root when the batch holds it; otherwise from the earliest span. */
  name: string;
  rootSpanId: string | null;
  rootStatus: "OK" | "ERROR" | null;
  startNs: bigint;
  endNs: bigint;
  spanCount: number;
  errorCount: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number | null;
  requestPreview: string;
  responsePreview: string;
  tags: Record<string, string>;
  metadata: Record<string, string>;
  sessionId: string | null;
  userId: string | null;
  serviceName: string | null;
}

export function previewOf(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (typeof value === "string") text = value;
  else {
    try {
      text = JSON.stringify(value) ?? "";
    } catch {
      text = String(value);
    }
  }
  return text.length > PREVIEW_CHARS ? text.slice(0, PREVIEW_CHARS - 1) + "…" : text;
}

export function accumulate(deltas: Map<string, TraceDelta>, span: SpanRecord): void {
  const startNs = BigInt(span.startTimeUnixNano);
  const endNs = BigInt(span.endTimeUnixNano);
  const isRoot = span.parentSpanId === null;
  let d = deltas.get(span.traceId);
  if (!d) {
    d = {
      traceId: span.traceId,
      name: span.name,
      rootSpanId: null,
      rootStatus: null,
      startNs,
      endNs,
      spanCount: 0,
      errorCount: 0,
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
      costUsd: null,
      requestPreview: "",
      responsePreview: "",
      tags: {},
      metadata: {},
      sessionId: null,
      userId: null,
      serviceName: null,
    };
    deltas.set(span.traceId, d);
  }
  d.spanCount++;
  if (span.statusCode === "ERROR") d.errorCount++;
  if (startNs < d.startNs) {
    d.startNs = startNs;
    if (d.rootSpanId === null) d.name = span.name;
  }
  if (endNs > d.endNs) d.endNs = endNs;
  if (isRoot) {
    d.rootSpanId = span.spanId;
    d.name = span.name;
    d.rootStatus = span.statusCode === "ERROR" ? "ERROR" : "OK";
    d.requestPreview = previewOf(span.inputs);
    d.responsePreview = previewOf(span.outputs);
  }
  if (USAGE_SPAN_TYPES.has(span.spanType) && span.usage) {
    d.inputTokens += span.usage.inputTokens ?? 0;
    d.outputTokens += span.usage.outputTokens ?? 0;
    d.totalTokens += span.usage.totalTokens ?? (span.usage.inputTokens ?? 0) + (span.usage.outputTokens ?? 0);
  }
  if (USAGE_SPAN_TYPES.has(span.spanType) && span.cost?.totalCost != null) {
    d.costUsd = (d.costUsd ?? 0) + span.cost.totalCost;
  }
  for (const k in span.tags) d.tags[k] = span.tags[k] as string;
  for (const k in span.metadata) d.metadata[k] = span.metadata[k] as string;
  d.sessionId ??= span.sessionId;
  d.userId ??= span.userId;
  if (d.serviceName === null) {
    const svc = span.resource["service.name"];
    if (typeof svc === "string") d.serviceName = svc;
  }
}
