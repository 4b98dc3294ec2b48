/**
 * Scorer types shared by the SDK, the server (discovery, runtime) and the extension (lenses,
 * results). MLflow semantics: a scorer returns a value, a Feedback, a list of Feedbacks, or
 * nothing; errors become Feedbacks that carry an error.
 */
import { z } from "zod";

export const AGGREGATIONS = ["mean", "min", "max", "median", "variance", "p90"] as const;
export const AggregationName = z.enum(AGGREGATIONS);
export type AggregationName = z.infer<typeof AggregationName>;

/** The keyword parameters a scorer function may destructure. */
export const SCORER_PARAMS = ["inputs", "outputs", "expectations", "trace"] as const;

export const SourceRange = z.object({
  startLine: z.number().int(),
  startCharacter: z.number().int(),
  endLine: z.number().int(),
  endCharacter: z.number().int(),
});
export type SourceRange = z.infer<typeof SourceRange>;

/** A scorer definition found in a workspace file (0-based LSP positions). */
export const ScorerDef = z.object({
  /** The scorer's name: the explicit name, else the variable/class name. */
  name: z.string(),
  /** The exported binding that holds it (for `import { x }`), or null when not exported. */
  exportName: z.string().nullable(),
  /** Absolute file path. */
  file: z.string(),
  kind: z.enum(["function", "class"]),
  /** Where the definition is (the whole `scorer(...)` call or class). */
  range: SourceRange,
  /** Where the name is (for lenses and diagnostics). */
  nameRange: SourceRange,
  /** Declared aggregations (names or "custom" for functions), or null when none are declared. */
  aggregations: z.array(z.string()).nullable(),
  /** Destructured parameter names of the scorer function, when statically visible. */
  params: z.array(z.string()),
  description: z.string().nullable(),
});
export type ScorerDef = z.infer<typeof ScorerDef>;

export const FeedbackError = z.object({
  type: z.string(),
  message: z.string(),
  stack: z.string().nullable(),
});
export type FeedbackError = z.infer<typeof FeedbackError>;

/** One normalized Feedback (what a scorer call produced for one trace). */
export const FeedbackResult = z.object({
  name: z.string(),
  /** JSON value: number, boolean, string ("yes"/"no"…), object, or null when there is an error. */
  value: z.unknown(),
  rationale: z.string().nullable(),
  error: FeedbackError.nullable(),
  metadata: z.record(z.string(), z.string()),
  source: z.object({ type: z.enum(["CODE", "LLM_JUDGE", "HUMAN"]), id: z.string() }),
});
export type FeedbackResult = z.infer<typeof FeedbackResult>;

/** The result of one scorer on one trace. */
export const TraceScore = z.object({
  traceId: z.string(),
  feedbacks: z.array(FeedbackResult),
  durationMs: z.number(),
  /** Lines the scorer printed while scoring this trace (console.*), capped. */
  logs: z.array(z.string()),
});
export type TraceScore = z.infer<typeof TraceScore>;

/** An aggregate metric named "{assessment}/{agg}" as MLflow names them. */
export const AggregateMetric = z.object({
  name: z.string(),
  assessment: z.string(),
  aggregation: z.string(),
  value: z.number().nullable(),
  /** Values counted, and values excluded (non-numeric strings…) with why. */
  count: z.number().int(),
  note: z.string().nullable(),
});
export type AggregateMetric = z.infer<typeof AggregateMetric>;

/** Which traces a run scores. */
export const TraceSelection = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("lastN"), n: z.number().int().min(1).max(1_000_000) }),
  z.object({ kind: z.literal("filter"), filter: z.string(), limit: z.number().int().min(1).max(1_000_000) }),
  z.object({ kind: z.literal("traceIds"), traceIds: z.array(z.string()).min(1) }),
  z.object({ kind: z.literal("timeRange"), fromMs: z.number(), toMs: z.number(), limit: z.number().int().min(1).max(1_000_000) }),
  /** The rows of a stored dataset: rows with a trace_id score that trace (with the row's expectations), others score the row's own inputs/outputs. */
  z.object({ kind: z.literal("dataset"), name: z.string().min(1) }),
]);
export type TraceSelection = z.infer<typeof TraceSelection>;

export const RunStatus = z.enum(["running", "completed", "cancelled", "failed"]);
export type RunStatus = z.infer<typeof RunStatus>;

/** What a run's LLM judges used: totals of the judges' Feedback metadata (protocol/judgeCost.ts judgeUsageOf). */
export const JudgeUsage = z.object({
  /** Model calls (Feedbacks with judge call metadata). */
  calls: z.number().int().min(0),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  /** USD summed over the calls that had a price; null when none had one. */
  costUsd: z.number().min(0).nullable(),
  /** The models that answered, in order of first use. */
  models: z.array(z.string()),
});
export type JudgeUsage = z.infer<typeof JudgeUsage>;

/** One evaluation run: scorers over a trace selection. */
export const EvalRun = z.object({
  runId: z.string(),
  scorers: z.array(z.object({ name: z.string(), file: z.string(), sourceHash: z.string() })),
  selection: TraceSelection,
  /** Human label of the selection ("last 100 traces", "filter: …"). */
  selectionLabel: z.string(),
  status: RunStatus,
  startedMs: z.number(),
  durationMs: z.number().nullable(),
  traceCount: z.number().int(),
  scoredCount: z.number().int(),
  errorCount: z.number().int(),
  aggregates: z.array(AggregateMetric),
  /** Set when the run failed as a whole (bundle error, no traces…). */
  message: z.string().nullable(),
  /** Totals of the LLM judge calls the run made; absent when it made none. */
  judgeUsage: JudgeUsage.optional(),
});
export type EvalRun = z.infer<typeof EvalRun>;

/** A scorer to run: a file and the export (or scorer) name in it. */
export const ScorerRef = z.object({ file: z.string(), scorerName: z.string() });
export type ScorerRef = z.infer<typeof ScorerRef>;

/** Trace state of a result row that scored a dataset row with no trace. */
export const NO_TRACE_STATE = "NO_TRACE";

/** One row of a run's results: a trace (or dataset row) and what each scorer said about it. */
export const RunResultRow = z.object({
  /** The trace scored; for a dataset row without a trace, "row-<index>" and traceState NO_TRACE. */
  traceId: z.string(),
  traceName: z.string(),
  traceState: z.string(),
  feedbacks: z.array(FeedbackResult),
  durationMs: z.number(),
  logs: z.array(z.string()),
  /** Index of the dataset row this result is for (dataset selections), else null. */
  datasetRow: z.number().int().nullable(),
});
export type RunResultRow = z.infer<typeof RunResultRow>;

/** A short summary for lenses: "mean 0.82 · 3 errors · 1.2 s". */
export function runSummaryText(run: Pick<EvalRun, "aggregates" | "errorCount" | "durationMs" | "status" | "scoredCount">): string {
  const parts: string[] = [];
  const first = run.aggregates.find((a) => a.value !== null);
  if (first && first.value !== null) parts.push(`${first.aggregation} ${Number.isInteger(first.value) ? first.value : first.value.toFixed(2)}`);
  parts.push(`${run.scoredCount} traces`);
  if (run.errorCount > 0) parts.push(`${run.errorCount} error${run.errorCount === 1 ? "" : "s"}`);
  if (run.durationMs !== null) parts.push(run.durationMs < 1000 ? `${Math.round(run.durationMs)} ms` : `${(run.durationMs / 1000).toFixed(1)} s`);
  if (run.status !== "completed") parts.push(run.status);
  return parts.join(" · ");
}

/**
 * How a run differs from the one before it, for lenses: "Δ mean +0.05 · errors −2". The first
 * aggregate both runs have (the same one runSummaryText shows), then the error count; null when
 * nothing comparable changed or there is no previous run.
 */
export function runDeltaText(
  latest: Pick<EvalRun, "aggregates" | "errorCount">,
  previous: Pick<EvalRun, "aggregates" | "errorCount"> | null,
): string | null {
  if (!previous) return null;
  const parts: string[] = [];
  const first = latest.aggregates.find((a) => a.value !== null);
  const before = first ? previous.aggregates.find((a) => a.name === first.name && a.value !== null) : undefined;
  if (first && first.value !== null && before && before.value !== null) {
    const d = first.value - before.value;
    const text = Math.abs(d) < 1e-9 ? "±0" : `${d > 0 ? "+" : "−"}${trimNumber(Math.abs(d))}`;
    parts.push(`Δ ${first.aggregation} ${text}`);
  }
  const de = latest.errorCount - previous.errorCount;
  if (de !== 0) parts.push(`errors ${de > 0 ? "+" : "−"}${Math.abs(de)}`);
  return parts.length > 0 ? parts.join(" · ") : null;
}

function trimNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2).replace(/\.?0+$/, "") : Number(v.toPrecision(2)).toString();
}
