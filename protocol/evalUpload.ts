/**
 * The evaluation run that the SDK's `evaluate()` uploads to the ScoreLens server, so the run shows
 * in the editor's results panel like a run started from a code lens.
 *
 *   POST {server}/scorelens/v1/runs   content-type: application/json   body: EvalUpload
 *
 * `{server}` is the origin (plus any base path) of the OTLP traces endpoint the SDK exports to,
 * without `/v1/traces`: `http://127.0.0.1:4318/v1/traces` → `http://127.0.0.1:4318/scorelens/v1/runs`.
 * The SDK flushes the run's traces (OTLP) before it posts, so rows with a trace id name traces the
 * store already has (unless the export failed).
 *
 * Ids follow protocol/model.ts: trace ids are bare lowercase hex (no "tr-"). A row that has no trace
 * (no predictFn, no trace, no trace_id) is named "row-<index>", as dataset-row results are
 * (`NO_TRACE_STATE` in protocol/scoring.ts).
 */
import { z } from "zod";
import { HexTraceId } from "./model";
import { AggregateMetric, FeedbackError, FeedbackResult } from "./scoring";

/** The path of the upload endpoint on the ScoreLens server. */
export const EVAL_UPLOAD_PATH = "/scorelens/v1/runs";

/** A stored trace (32 hex) or a dataset row without a trace ("row-<index>"). */
export const EvalUploadTraceId = z.union([HexTraceId, z.string().regex(/^row-\d+$/, 'a row without a trace is "row-<index>"')]);

/** What one scorer said about one row (maps to a `TraceScore` saved under that scorer's name). */
export const EvalUploadScore = z.object({
  scorer: z.string().min(1),
  feedbacks: z.array(FeedbackResult),
  /** How long the scorer took on this row. */
  durationMs: z.number().nonnegative(),
});
export type EvalUploadScore = z.infer<typeof EvalUploadScore>;

/** A JSON object keyed by name (inputs, expectations), as in a dataset row. */
const JsonRecord = z.record(z.string(), z.unknown());

export const EvalUploadRow = z.object({
  /** The trace the row produced (predictFn) or came with (trace / trace_id), bare hex; else "row-<index>". */
  traceId: EvalUploadTraceId,
  /** Position of the row in the data passed to `evaluate()`. */
  datasetRow: z.number().int().nonnegative(),
  /** Every scorer's Feedbacks for this row, in scorer order (what the results panel shows). */
  feedbacks: z.array(FeedbackResult),
  /** The same Feedbacks grouped by scorer. */
  scores: z.array(EvalUploadScore),
  /** Time spent on the row: predictFn (when given) plus scoring. */
  durationMs: z.number().nonnegative(),
  /** Scorer output lines; the SDK captures none (scorers print to the app's own console). */
  logs: z.array(z.string()),
  /** JSON-safe copies (cycles, bigints and huge values are converted or truncated by the SDK). */
  inputs: z.unknown().optional(),
  outputs: z.unknown().optional(),
  expectations: JsonRecord.optional(),
  /** Set when predictFn threw or timed out for this row (the scorers still ran). */
  error: FeedbackError.nullable().optional(),
});
export type EvalUploadRow = z.infer<typeof EvalUploadRow>;

export const EvalUploadScorer = z.object({
  name: z.string().min(1),
  /** Declared aggregations (built-in names, or a custom function's name); null for the default ["mean"]. */
  aggregations: z.array(z.string()).nullable().optional(),
  /** The SDK does not know the scorer's file: always "". */
  sourceHash: z.string().default(""),
});
export type EvalUploadScorer = z.infer<typeof EvalUploadScorer>;

export const EvalUpload = z.object({
  /** `run-<base36 time>-<8 hex>`, the server's own run id format. */
  runId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, "run ids are letters, digits, '.', '_' and '-'"),
  /** The `name` option of `evaluate()`, when given. */
  name: z.string().max(500).optional(),
  /** Epoch ms when `evaluate()` started. */
  startedMs: z.number().nonnegative(),
  durationMs: z.number().nonnegative(),
  /** True when the rows' outputs came from a predictFn (their traces were made by this run). */
  predicted: z.boolean(),
  scorers: z.array(EvalUploadScorer).min(1),
  /** "{assessment}/{aggregation}" metrics, per scorer with its declared aggregations (sdk/scoring/aggregate.ts). */
  aggregates: z.array(AggregateMetric),
  /** Rows with a predictFn error or at least one error Feedback. */
  errorCount: z.number().int().nonnegative(),
  rows: z.array(EvalUploadRow),
});
export type EvalUpload = z.infer<typeof EvalUpload>;
