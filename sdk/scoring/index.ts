/** The scorer API (MLflow `@scorer` / `Scorer` / `Feedback`). Re-exported from the SDK's entry point. */
export { scorer, Scorer, isScorer, type FunctionScorer, type ScorerOptions, type ScorerCallArgs, type ScorerLike } from "./scorer";
export { Feedback, isFeedback, toFeedbackError, type FeedbackInit, type FeedbackErrorInit, type FeedbackSource, type FeedbackSourceType } from "./feedback";
export { runScorer, SCORER_TIMEOUT_ERROR_TYPE, type RunScorerOptions } from "./run";
export { normalizeScorerReturn, describeValue, INVALID_RETURN_ERROR_TYPE } from "./normalize";
export {
  aggregate,
  numericValue,
  AGGREGATION_NAMES,
  DEFAULT_AGGREGATIONS,
  type Aggregation,
  type AggregationFn,
  type AggregatableResult,
} from "./aggregate";
export {
  ScorerTrace,
  ScorerSpan,
  scorerArgsFromTrace,
  type TraceDetailLike,
  type ScorerTraceInfo,
  type ScorerSpanStatus,
  type SearchSpansOptions,
} from "./scorerTrace";
export type { ScorerArgs, ScorerArgsShape, ScorerReturn, ScorerFn } from "./types";
export type { FeedbackResult, FeedbackError, AggregateMetric, AggregationName } from "../../protocol/scoring";
