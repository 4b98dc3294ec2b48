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

/** MLflow assessment source types (AI_JUDGE is read as LLM_JUDGE). */
export const AssessmentSourceType = z.enum(["HUMAN", "LLM_JUDGE", "CODE", "SOURCE_TYPE_UNSPECIFIED"]);
export type AssessmentSourceType = z.infer<typeof AssessmentSourceType>;

/** An MLflow-style assessment: feedback (a judgement) or expectation (ground truth). */
export const Assessment = z.object({
  assessmentId: z.string(),
  traceId: z.string(),
  spanId: z.string().nullable(),
  name: z.string(),
  kind: z.enum(["feedback", "expectation"]),
  /** JSON value: boolean, number, "yes"/"no", string, object… */
  value: z.unknown(),
  rationale: z.string().nullable(),
  error: z.object({ type: z.string().nullable(), message: z.string().nullable(), stack: z.string().nullable() }).nullable(),
  source: z.object({ type: AssessmentSourceType, id: z.string() }),
  metadata: z.record(z.string(), z.string()),
  runId: z.string().nullable(),
  createdMs: z.number(),
  updatedMs: z.number(),
});
export type Assessment = z.infer<typeof Assessment>;

/** A compact badge for trace lists: one per assessment name (the newest value). */
export const AssessmentBadge = z.object({
  name: z.string(),
  kind: z.enum(["feedback", "expectation"]),
  /** Display text of the value ("yes", "0.82", "error"). */
  text: z.string(),
  /** true = pass, false = fail, null = neither (numbers, free text). */
  pass: z.boolean().nullable(),
  error: z.boolean(),
});
export type AssessmentBadge = z.infer<typeof AssessmentBadge>;

export const TraceListRow = TraceSummary.extend({ badges: z.array(AssessmentBadge) });
export type TraceListRow = z.infer<typeof TraceListRow>;

/**
 * The light view of a span for tree and waterfall rendering of huge traces; the full SpanRecord
 * (inputs, outputs, attributes, events) is fetched when a span is selected.
 */
export const SpanSkeleton = z.object({
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  name: z.string(),
  spanType: SpanType,
  /** Start, in ms from the trace's start (fractional). */
  startMs: z.number(),
  durationMs: z.number(),
  statusCode: SpanStatusCode,
  model: z.string().nullable(),
  totalTokens: z.number().nullable(),
});
export type SpanSkeleton = z.infer<typeof SpanSkeleton>;

export const TraceSkeleton = z.object({
  summary: TraceSummary,
  spans: z.array(SpanSkeleton),
  assessments: z.array(Assessment),
});
export type TraceSkeleton = z.infer<typeof TraceSkeleton>;

/** A filter_string error, pointing at the column where parsing failed. */
export const FilterError = z.object({ message: z.string(), column: z.number().int(), excerpt: z.string() });
export type FilterError = z.infer<typeof FilterError>;
