/**
 * The canonical trace model shared by the server, the extension, the webviews and the SDK.
 *
 * Every ingestion path (OTLP protobuf, OTLP JSON, MLflow trace JSON import) produces
 * {@link SpanRecord}s; the store keeps them and computes {@link TraceSummary} rollups.
 * IDs are lowercase hex (32 chars for traces, 16 for spans). Times in nanoseconds are decimal
 * strings, because they do not fit in a JS number; `*Ms` fields are plain numbers.
 *
 * No `vscode`, no Node built-ins, no DOM: only zod.
 */
import { z } from "zod";

/** MLflow span types, plus GUARDRAIL and EVALUATOR (OpenInference / Langfuse). */
export const SPAN_TYPES = [
  "LLM",
  "CHAT_MODEL",
  "RETRIEVER",
  "TOOL",
  "AGENT",
  "CHAIN",
  "EMBEDDING",
  "RERANKER",
  "PARSER",
  "MEMORY",
  "GUARDRAIL",
  "EVALUATOR",
  "UNKNOWN",
] as const;
export const SpanType = z.enum(SPAN_TYPES);
export type SpanType = z.infer<typeof SpanType>;

export const SpanStatusCode = z.enum(["UNSET", "OK", "ERROR"]);
export type SpanStatusCode = z.infer<typeof SpanStatusCode>;

/** A trace's state, as MLflow names it. */
export const TraceState = z.enum(["OK", "ERROR", "IN_PROGRESS"]);
export type TraceState = z.infer<typeof TraceState>;

/**
 * An attribute value after OTLP's AnyValue is flattened: scalars, arrays, nested maps.
 * 64-bit ints that do not fit a double stay strings. Bytes become `{ "$bytes": base64 }`.
 */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export const AttrValue: z.ZodType<AttrValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(AttrValue), z.record(z.string(), AttrValue)]),
);
export const Attributes = z.record(z.string(), AttrValue);
export type Attributes = z.infer<typeof Attributes>;

export const HexTraceId = z.string().regex(/^[0-9a-f]{32}$/, "trace id must be 32 lowercase hex chars");
export const HexSpanId = z.string().regex(/^[0-9a-f]{16}$/, "span id must be 16 lowercase hex chars");
/** Unsigned nanoseconds since the epoch as a decimal string. */
export const NanoTime = z.string().regex(/^\d{1,20}$/, "time must be a decimal string of nanoseconds");

export const SpanEvent = z.object({
  name: z.string(),
  timeUnixNano: NanoTime,
  attributes: Attributes,
});
export type SpanEvent = z.infer<typeof SpanEvent>;

export const SpanLink = z.object({
  traceId: HexTraceId,
  spanId: HexSpanId,
  attributes: Attributes,
});
export type SpanLink = z.infer<typeof SpanLink>;

export const TokenUsage = z.object({
  inputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  totalTokens: z.number().nullable(),
  cacheReadInputTokens: z.number().nullable().optional(),
  cacheCreationInputTokens: z.number().nullable().optional(),
  reasoningTokens: z.number().nullable().optional(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

/** Cost in USD. */
export const Cost = z.object({
  inputCost: z.number().nullable(),
  outputCost: z.number().nullable(),
  totalCost: z.number().nullable(),
});
export type Cost = z.infer<typeof Cost>;

export const SpanError = z.object({
  type: z.string().nullable(),
  message: z.string().nullable(),
  stacktrace: z.string().nullable(),
});
export type SpanError = z.infer<typeof SpanError>;

/** What the normalizer derives from raw attributes and events (see server/normalize). */
export const NormalizedSpan = z.object({
  spanType: SpanType,
  /** Parsed inputs: a JSON value (object, array, string…), or null when the span carries none. */
  inputs: z.unknown(),
  outputs: z.unknown(),
  model: z.string().nullable(),
  provider: z.string().nullable(),
  usage: TokenUsage.nullable(),
  cost: Cost.nullable(),
  error: SpanError.nullable(),
  /** session.id / langfuse / mlflow session, when the span carries it. */
  sessionId: z.string().nullable(),
  userId: z.string().nullable(),
  /** Trace-level tags carried on this span (mlflow.traceTag.*, langfuse.trace.tags, tag.tags). */
  tags: z.record(z.string(), z.string()),
  /** Trace-level metadata carried on this span (metadata JSON, langfuse.trace.metadata.*, …). */
  metadata: z.record(z.string(), z.string()),
  /** Which convention(s) the mapper recognized, in priority order, e.g. ["mlflow","openinference"]. */
  conventions: z.array(z.string()),
});
export type NormalizedSpan = z.infer<typeof NormalizedSpan>;

/** One span, as stored: the OTLP facts plus the normalized view. */
export const SpanRecord = NormalizedSpan.extend({
  traceId: HexTraceId,
  spanId: HexSpanId,
  parentSpanId: HexSpanId.nullable(),
  name: z.string(),
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: z.number().int(),
  startTimeUnixNano: NanoTime,
  endTimeUnixNano: NanoTime,
  statusCode: SpanStatusCode,
  statusMessage: z.string(),
  /** Raw attributes exactly as received (after AnyValue flattening). */
  attributes: Attributes,
  events: z.array(SpanEvent),
  links: z.array(SpanLink),
  resource: Attributes,
  scope: z.object({ name: z.string(), version: z.string() }),
});
export type SpanRecord = z.infer<typeof SpanRecord>;

/** The raw span as decoded from OTLP (protobuf or JSON) before normalization. */
export type RawSpan = Omit<SpanRecord, keyof NormalizedSpan>;

/** Trace-level rollup, maintained at ingest so listing never scans spans. */
export const TraceSummary = z.object({
  traceId: HexTraceId,
  /** MLflow-style id: "tr-" + traceId. */
  requestId: z.string(),
  name: z.string(),
  state: TraceState,
  startTimeMs: z.number(),
  endTimeMs: z.number(),
  durationMs: z.number(),
  spanCount: z.number().int(),
  errorCount: z.number().int(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z.number().nullable(),
  requestPreview: z.string(),
  responsePreview: z.string(),
  tags: z.record(z.string(), z.string()),
  metadata: z.record(z.string(), z.string()),
  sessionId: z.string().nullable(),
  userId: z.string().nullable(),
  serviceName: z.string().nullable(),
  /** True once the root span arrived. */
  hasRoot: z.boolean(),
});
export type TraceSummary = z.infer<typeof TraceSummary>;

export const TraceDetail = z.object({
  summary: TraceSummary,
  spans: z.array(SpanRecord),
});
export type TraceDetail = z.infer<typeof TraceDetail>;
