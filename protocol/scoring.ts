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
