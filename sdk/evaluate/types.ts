/** Public types of `evaluate()` (MLflow's `mlflow.genai.evaluate`). */
import type { AggregateMetric, FeedbackError, FeedbackResult } from "../../protocol/scoring";
import type { ScorerLike } from "../scoring/brand";
import type { ScorerTrace, TraceDetailLike } from "../scoring/scorerTrace";
import type { UploadOutcome } from "./upload";

/** Inputs of one example: an object keyed by name, as MLflow's `predict_fn(**inputs)` receives them. */
export type EvalInputs = Record<string, unknown>;

/**
 * One example to evaluate: a dataset row (`protocol/datasets.ts` `DatasetRow`), optionally with a trace.
 * - With `predictFn`: `inputs` is required; `outputs` is ignored (predictFn's return value is used).
 * - Without: the row's `outputs` are scored. A `trace` (a `ScorerTrace` or a stored `TraceDetail`)
 *   is passed to the scorers, and fills `inputs`/`outputs`/`expectations` the row leaves out.
 *   A `trace_id` alone ("tr-…" or bare hex) only links the results to that stored trace.
 */
export interface EvalDataRow<I extends EvalInputs = EvalInputs> {
  inputs?: I;
  outputs?: unknown;
  /** Ground truth, name → value. */
  expectations?: Record<string, unknown>;
  trace_id?: string;
  trace?: ScorerTrace | TraceDetailLike;
  tags?: Record<string, string>;
}

export interface EvaluateOptions<I extends EvalInputs = EvalInputs, O = unknown> {
  /** The examples: dataset rows, or traces (`ScorerTrace`s) to score as they are. */
  data: ReadonlyArray<EvalDataRow<I> | ScorerTrace>;
  /**
   * Called once per row with the row's `inputs`; its (awaited) return value becomes the row's outputs.
   * Each call is one trace, tagged `scorelens.eval_run_id`. A call that is already traced (`trace()`,
   * `withSpan()`…) keeps its own trace; an untraced one gets a root span named after the function.
   */
  predictFn?: (inputs: I) => O | Promise<O>;
  /** Scorers made with `scorer(fn)` or `Scorer` subclasses. */
  scorers: readonly ScorerLike[];
  /** A label for the run in the results panel. */
  name?: string;
  /** Rows evaluated at once (predictFn and scorers). Default 4. */
  concurrency?: number;
  /** Gives up on one predictFn or scorer call after this many ms (the call is not cancelled). Default: no limit. */
  timeoutMs?: number;
  /** Post the run to the ScoreLens server so it shows in the editor. Default true. */
  logToServer?: boolean;
  /** The ScoreLens server's base URL. Default: the OTLP traces endpoint without `/v1/traces`. */
  serverUrl?: string;
}

/** One evaluated example. */
export interface EvaluateRow<I extends EvalInputs = EvalInputs> {
  /** Position in `data`. */
  index: number;
  inputs: I | undefined;
  /** predictFn's return value (undefined when it failed), or the row's / trace's outputs. */
  outputs: unknown;
  expectations: Record<string, unknown> | undefined;
  /** The row's trace id, bare lowercase hex as the store keeps it; null when the row has no trace. */
  traceId: string | null;
  /** The trace the scorers saw, or null. */
  trace: ScorerTrace | null;
  /** Every scorer's Feedbacks, in scorer order. */
  feedbacks: FeedbackResult[];
  /** Set when predictFn threw or timed out. The scorers still ran (with `outputs` undefined). */
  error: FeedbackError | null;
  /** predictFn plus scoring, ms. */
  durationMs: number;
}

export interface EvaluateResult<I extends EvalInputs = EvalInputs> {
  runId: string;
  rows: Array<EvaluateRow<I>>;
  /** `"{assessment}/{aggregation}"` → value, for every aggregate that has a value. */
  metrics: Record<string, number>;
  /** Every aggregate, with counts and notes (also those without a value). */
  aggregates: AggregateMetric[];
  /** Rows where predictFn failed or a scorer returned an error Feedback. */
  errorCount: number;
  /** What the server said about the uploaded run; null when `logToServer` is false. */
  upload: UploadOutcome | null;
}
