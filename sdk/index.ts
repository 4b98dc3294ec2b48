/**
 * ScoreLens SDK: trace your LLM app and send the spans to the local ScoreLens server over
 * OTLP/HTTP JSON (MLflow span conventions).
 *
 *   import { trace, withSpan, updateCurrentTrace, flush } from "scorelens";
 *
 *   const answer = trace(async (question: string) => { ... }, { spanType: "CHAIN" });
 *   await answer("What is 2+2?");
 *   await flush(); // short scripts: wait for the export
 */
export {
  trace,
  withSpan,
  startSpan,
  withActiveSpan,
  getCurrentSpan,
  getCurrentTraceId,
  updateCurrentTrace,
  type TraceOptions,
  type WithSpanOptions,
  type StartSpanOptions,
} from "./tracing/fluent";
export {
  TracingClient,
  client,
  type StartTraceOptions,
  type ClientStartSpanOptions,
  type EndTraceOptions,
} from "./tracing/client";
export {
  LiveSpan,
  NOOP_SPAN,
  type EndSpanOptions,
  type SpanStatus,
  type StatusCode,
  type SpanContextLike,
  type SpanEventRecord,
  type StoredAttributeValue,
  type AttributeScalar,
} from "./tracing/span";
export type { TraceUpdate } from "./tracing/trace-update";
export { flush, shutdown } from "./tracing/pipeline";
export {
  configure,
  getConfig,
  resolveEndpoint,
  resolveHeaders,
  configFromEnv,
  DEFAULT_ENDPOINT,
  type TracingConfig,
  type ConfigureOptions,
  type CallSiteMode,
  type Env,
} from "./tracing/config";
export {
  SPAN_TYPES,
  SpanAttributeKey,
  ExceptionAttributeKey,
  EXCEPTION_EVENT_NAME,
  SCOPE_NAME,
  type SpanType,
  type KnownSpanType,
} from "./tracing/attributes";
export { toJsonString, TRUNCATED_MARKER_KEY } from "./tracing/serialize";
export { SDK_VERSION } from "./version";
export {
  scorer,
  Scorer,
  isScorer,
  Feedback,
  isFeedback,
  runScorer,
  normalizeScorerReturn,
  aggregate,
  numericValue,
  AGGREGATION_NAMES,
  DEFAULT_AGGREGATIONS,
  INVALID_RETURN_ERROR_TYPE,
  SCORER_TIMEOUT_ERROR_TYPE,
  ScorerTrace,
  ScorerSpan,
  scorerArgsFromTrace,
  type FunctionScorer,
  type ScorerOptions,
  type ScorerCallArgs,
  type ScorerLike,
  type FeedbackInit,
  type FeedbackErrorInit,
  type FeedbackSource,
  type FeedbackSourceType,
  type RunScorerOptions,
  type Aggregation,
  type AggregationFn,
  type AggregatableResult,
  type TraceDetailLike,
  type ScorerTraceInfo,
  type ScorerSpanStatus,
  type SearchSpansOptions,
  type ScorerArgs,
  type ScorerArgsShape,
  type ScorerReturn,
  type ScorerFn,
  type FeedbackResult,
  type FeedbackError,
  type AggregateMetric,
  type AggregationName,
} from "./scoring/index";
export {
  evaluate,
  EVAL_RUN_ID_TAG,
  PREDICT_TIMEOUT_ERROR_TYPE,
  RUNS_PATH,
  runsUrl,
  type UploadOutcome,
  type EvalDataRow,
  type EvalInputs,
  type EvaluateOptions,
  type EvaluateResult,
  type EvaluateRow,
  type EvalUpload,
  type EvalUploadRow,
  type EvalUploadScore,
  type EvalUploadScorer,
} from "./evaluate/index";
export {
  getScorer,
  listScorers,
  registerScorer,
  RegisteredScorerHandle,
  ScorerApiError,
  type RegisteredScorerInfo,
  type SamplingConfig,
  type ScorerClientOptions,
  type ScorerState,
} from "./monitoring/index";
