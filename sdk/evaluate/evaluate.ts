/**
 * `evaluate()`: MLflow's `mlflow.genai.evaluate(data, predict_fn, scorers)` for TypeScript.
 *
 *   const result = await evaluate({
 *     data: [{ inputs: { question: "Are Paris museums free?" }, expectations: { city: "Paris" } }],
 *     predictFn: ({ question }) => answer(question),
 *     scorers: [mentionsCity, toolCallEfficiency],
 *   });
 *   result.metrics; // { "mentions_city/mean": 1, "tool_call_efficiency/mean": 1 }
 *
 * For each row (`concurrency` at a time): call predictFn in its own trace (see predict.ts), or take
 * the row's outputs / trace; then run every scorer with `runScorer` (the normalization and error
 * capture the server's worker uses: a throwing scorer yields an error Feedback, the run goes on).
 * Then aggregate per scorer with its declared aggregations, flush the traces, and post the run to
 * the ScoreLens server (upload.ts). Only misuse (bad arguments) rejects.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { EvalUpload, EvalUploadRow } from "../../protocol/evalUpload";
import type { AggregateMetric, FeedbackResult } from "../../protocol/scoring";
import { log } from "../log";
import { aggregate, aggregationLabel } from "../scoring/aggregate";
import { isScorer, type ScorerLike } from "../scoring/brand";
import { ScorerTrace, scorerArgsFromTrace } from "../scoring/scorerTrace";
import { getConfig } from "../tracing/config";
import { normalizeTraceId } from "../tracing/ids";
import { flush } from "../tracing/pipeline";
import { toJsonValue } from "../tracing/serialize";
import { acquireCaptureListener } from "./capture";
import { predictRow } from "./predict";
import { scoreRow, type RowScores } from "./score";
import type { EvalDataRow, EvalInputs, EvaluateOptions, EvaluateResult, EvaluateRow } from "./types";
import { runsUrl, uploadRun } from "./upload";

/** The trace tag that marks the traces of an evaluation run (value: the run id). */
export const EVAL_RUN_ID_TAG = "scorelens.eval_run_id";
const DEFAULT_CONCURRENCY = 4;
/** Longest JSON text kept per inputs / outputs / expectations value in the upload. */
const UPLOAD_VALUE_CHARS = 100_000;

/** A run id in the server's format: `run-<base36 time>-<8 hex>`. */
function newRunId(): string {
  return `run-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

function validate<I extends EvalInputs, O>(options: EvaluateOptions<I, O>): void {
  if (typeof options !== "object" || options === null) throw new TypeError("evaluate() expects { data, scorers, predictFn? }");
  if (!Array.isArray(options.data)) throw new TypeError("evaluate(): data must be an array of rows { inputs, outputs?, expectations?, trace? } or traces");
  if (!Array.isArray(options.scorers) || options.scorers.length === 0) throw new TypeError("evaluate(): scorers must be a non-empty array");
  options.scorers.forEach((candidate: unknown, i: number) => {
    if (!isScorer(candidate)) throw new TypeError(`evaluate(): scorers[${i}] is not a scorer; make it with scorer(fn) or a Scorer subclass`);
  });
  if (options.predictFn !== undefined && typeof options.predictFn !== "function") throw new TypeError("evaluate(): predictFn must be a function");
  options.data.forEach((row: unknown, i: number) => {
    if (row instanceof ScorerTrace) return;
    if (typeof row !== "object" || row === null || Array.isArray(row)) throw new TypeError(`evaluate(): data[${i}] must be an object`);
    const inputs = (row as { inputs?: unknown }).inputs;
    const isObject = typeof inputs === "object" && inputs !== null && !Array.isArray(inputs);
    if (options.predictFn !== undefined && !isObject) throw new TypeError(`evaluate(): data[${i}].inputs must be an object, passed to predictFn`);
    if (inputs !== undefined && !isObject) throw new TypeError(`evaluate(): data[${i}].inputs must be an object`);
  });
  for (const key of ["concurrency", "timeoutMs"] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== "number" || !(value > 0))) throw new TypeError(`evaluate(): ${key} must be a positive number`);
  }
}

/** Runs `work(i)` for i in [0, count) with at most `limit` running at once; results in index order. */
async function mapLimited<T>(count: number, limit: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await work(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

interface Evaluated<I extends EvalInputs> {
  row: EvaluateRow<I>;
  scores: RowScores;
}

async function evaluateOne<I extends EvalInputs, O>(
  options: EvaluateOptions<I, O>,
  item: EvalDataRow<I> | ScorerTrace,
  index: number,
  runId: string,
): Promise<Evaluated<I>> {
  const started = performance.now();
  const given: EvalDataRow<I> = item instanceof ScorerTrace ? { trace: item } : item;
  const timeoutMs = options.timeoutMs ?? null;
  let inputs = given.inputs;
  let outputs: unknown = given.outputs;
  let expectations = given.expectations;
  let trace: ScorerTrace | null = null;
  let traceId: string | null = given.trace_id === undefined ? null : normalizeTraceId(String(given.trace_id));
  let error: EvaluateRow<I>["error"] = null;
  if (options.predictFn !== undefined) {
    const tags = { ...given.tags, [EVAL_RUN_ID_TAG]: runId };
    const predicted = await predictRow(options.predictFn, inputs as I, tags, timeoutMs);
    ({ outputs, error, trace, traceId } = predicted);
  } else if (given.trace !== undefined) {
    trace = given.trace instanceof ScorerTrace ? given.trace : new ScorerTrace(given.trace);
    traceId = trace.summary.traceId;
    const fromTrace = scorerArgsFromTrace(trace);
    if (inputs === undefined) inputs = fromTrace.inputs as I | undefined;
    if (!("outputs" in given)) outputs = fromTrace.outputs;
    if (fromTrace.expectations !== undefined) expectations = { ...fromTrace.expectations, ...expectations };
  }
  const scores = await scoreRow(options.scorers, { inputs, outputs, expectations, trace: trace ?? undefined }, timeoutMs);
  const row: EvaluateRow<I> = {
    index,
    inputs,
    outputs,
    expectations,
    traceId,
    trace,
    feedbacks: scores.flatMap((score) => score.feedbacks),
    error,
    durationMs: performance.now() - started,
  };
  return { row, scores };
}

function aggregatesOf(scorers: readonly ScorerLike[], evaluated: ReadonlyArray<Evaluated<EvalInputs>>): AggregateMetric[] {
  return scorers.flatMap((scorer, i) => {
    const results: FeedbackResult[] = evaluated.flatMap((entry) => entry.scores[i]?.feedbacks ?? []);
    return aggregate(results, scorer.aggregations);
  });
}

function jsonSafe(value: unknown): unknown {
  return value === undefined ? undefined : toJsonValue(value, { maxChars: UPLOAD_VALUE_CHARS });
}

function uploadRowOf(entry: Evaluated<EvalInputs>): EvalUploadRow {
  const { row, scores } = entry;
  return {
    traceId: row.traceId ?? `row-${row.index}`,
    datasetRow: row.index,
    feedbacks: row.feedbacks,
    scores: scores.map((score) => ({ scorer: score.scorer, feedbacks: score.feedbacks, durationMs: score.durationMs })),
    durationMs: row.durationMs,
    logs: [],
    inputs: jsonSafe(row.inputs),
    outputs: jsonSafe(row.outputs),
    ...(row.expectations === undefined ? {} : { expectations: jsonSafe(row.expectations) as Record<string, unknown> }),
    error: row.error,
  };
}

/**
 * Evaluates `scorers` over `data`, calling `predictFn` on each row's inputs when given. Resolves
 * with every row's Feedbacks and the run's metrics; rejects only for invalid arguments.
 */
export async function evaluate<I extends EvalInputs = EvalInputs, O = unknown>(options: EvaluateOptions<I, O>): Promise<EvaluateResult<I>> {
  validate(options);
  const runId = newRunId();
  const startedMs = Date.now();
  const started = performance.now();
  const release = options.predictFn === undefined ? () => undefined : acquireCaptureListener();
  let evaluated: Array<Evaluated<I>>;
  try {
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
    evaluated = await mapLimited(options.data.length, concurrency, (index) => evaluateOne(options, options.data[index] as EvalDataRow<I> | ScorerTrace, index, runId));
  } finally {
    release();
  }
  const aggregates = aggregatesOf(options.scorers, evaluated);
  const metrics: Record<string, number> = {};
  for (const metric of aggregates) if (metric.value !== null) metrics[metric.name] = metric.value;
  const rows = evaluated.map((entry) => entry.row);
  const errorCount = rows.filter((row) => row.error !== null || row.feedbacks.some((feedback) => feedback.error !== null)).length;
  const durationMs = performance.now() - started;

  let upload: EvaluateResult<I>["upload"] = null;
  await flush();
  if (options.logToServer !== false) {
    const config = getConfig();
    const body: EvalUpload = {
      runId,
      ...(options.name === undefined ? {} : { name: String(options.name) }),
      startedMs,
      durationMs,
      predicted: options.predictFn !== undefined,
      scorers: options.scorers.map((scorer) => ({
        name: scorer.name,
        aggregations: scorer.aggregations === null ? null : scorer.aggregations.map(aggregationLabel),
        sourceHash: "",
      })),
      aggregates,
      errorCount,
      rows: evaluated.map(uploadRowOf),
    };
    upload = await uploadRun(runsUrl(config.endpoint, options.serverUrl), body, config.headers, config.exportTimeoutMs);
    if (!upload.ok) log.warn(`evaluate(): could not log run ${runId} to the ScoreLens server at ${upload.url}: ${upload.error ?? "unknown error"}`);
  }
  return { runId, rows, metrics, aggregates, errorCount, upload };
}
