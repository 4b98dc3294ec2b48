/**
 * The attribute keys the SDK writes, following MLflow's conventions so that the ScoreLens server's
 * normalizer (and MLflow itself) understands the spans.
 *
 * Encoding rules:
 * - `mlflow.spanType`, `mlflow.spanInputs`, `mlflow.spanOutputs`, `mlflow.spanFunctionName` and
 *   `mlflow.traceRequestId` are JSON-encoded strings, as MLflow writes them (`"\"LLM\""`).
 * - Trace tags are written on the trace's (local) root span as `mlflow.traceTag.<key>` and trace
 *   metadata as `mlflow.traceMetadata.<key>`; both are plain (not JSON-encoded) strings.
 * - `session.id` and `user.id` are plain strings on the root span.
 * - `code.*` keys follow the OTel semantic conventions (plain strings / ints).
 */

/** MLflow's span types, plus GUARDRAIL and EVALUATOR; kept in sync with `protocol/model.ts`. */
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

export type KnownSpanType = (typeof SPAN_TYPES)[number];

/** A known span type, or any custom string (MLflow allows custom types). */
export type SpanType = KnownSpanType | (string & Record<never, never>);

export const DEFAULT_SPAN_TYPE: KnownSpanType = "UNKNOWN";

export const SpanAttributeKey = {
  /** JSON string, e.g. `"\"LLM\""`. */
  SPAN_TYPE: "mlflow.spanType",
  /** JSON-encoded inputs. */
  INPUTS: "mlflow.spanInputs",
  /** JSON-encoded outputs. */
  OUTPUTS: "mlflow.spanOutputs",
  /** JSON string: name of the wrapped function (set by `trace()`). */
  FUNCTION_NAME: "mlflow.spanFunctionName",
  /** JSON string: MLflow request id `"tr-<traceId>"`, on every span. */
  TRACE_REQUEST_ID: "mlflow.traceRequestId",
  /** Prefix of trace tags (root span), plain string values. */
  TRACE_TAG_PREFIX: "mlflow.traceTag.",
  /** Prefix of trace metadata (root span), plain string values. */
  TRACE_METADATA_PREFIX: "mlflow.traceMetadata.",
  /** Plain string, root span. */
  SESSION_ID: "session.id",
  /** Plain string, root span. */
  USER_ID: "user.id",
  CODE_FUNCTION_NAME: "code.function.name",
  CODE_FILE_PATH: "code.file.path",
  CODE_LINE_NUMBER: "code.line.number",
  CODE_COLUMN_NUMBER: "code.column.number",
} as const;

/** The OTel exception event and its attributes, written by `LiveSpan.recordException`. */
export const EXCEPTION_EVENT_NAME = "exception";
export const ExceptionAttributeKey = {
  TYPE: "exception.type",
  MESSAGE: "exception.message",
  STACKTRACE: "exception.stacktrace",
} as const;

/** OTLP scope name of every span the SDK exports. */
export const SCOPE_NAME = "scorelens-sdk";
