/**
 * Run comparison on the wire: the RunDiff schema (what protocol/runDiff.ts computes), the LSP
 * requests that compute it on the server, and the run-compare panel's snapshot fields and
 * webview → host requests (registered in protocol/webview.ts). Schemas only; no logic.
 */
import { z } from "zod";
import { defineRequest } from "./descriptors";
import { EvalRun } from "./scoring";

export const DEFAULT_THRESHOLD = 0.1;

export const CHANGE_KINDS = ["pass→fail", "fail→pass", "changed", "error", "fixed", "added", "removed", "same"] as const;
export const ChangeKind = z.enum(CHANGE_KINDS);
export type ChangeKind = z.infer<typeof ChangeKind>;

export const Direction = z.enum(["regression", "improvement", "neutral", "none"]);
export type Direction = z.infer<typeof Direction>;

/** How a metric moved from base to head: better/worse (directional), changed (no direction), same, unknown (a side is missing). */
export const Verdict = z.enum(["better", "worse", "changed", "same", "unknown"]);
export type Verdict = z.infer<typeof Verdict>;

/** One side's value of an assessment, ready to show as text. */
export const SideValue = z.object({
  kind: z.enum(["pass", "fail", "number", "text", "null", "error"]),
  /** The value as text (strings as they are, other values as JSON), capped. */
  text: z.string(),
  number: z.number().nullable(),
  rationale: z.string().nullable(),
  /** "Type: message" when the scorer failed on this row. */
  error: z.string().nullable(),
});
export type SideValue = z.infer<typeof SideValue>;

export const AssessmentChange = z.object({
  name: z.string(),
  kind: ChangeKind,
  direction: Direction,
  base: SideValue.nullable(),
  head: SideValue.nullable(),
  /** head − base for two numbers, else null. */
  delta: z.number().nullable(),
});
export type AssessmentChange = z.infer<typeof AssessmentChange>;

/** A matched row where at least one assessment did not stay the same. */
export const FlippedRow = z.object({
  key: z.string(),
  traceName: z.string(),
  /** Trace ids to open (null for dataset rows without a trace). */
  baseTraceId: z.string().nullable(),
  headTraceId: z.string().nullable(),
  datasetRow: z.number().int().nullable(),
  /** regression if any assessment regressed, else improvement if any improved, else neutral. */
  direction: Direction,
  regressions: z.number().int(),
  improvements: z.number().int(),
  /** Every assessment of the row (the unchanged ones too, for context), by name. */
  changes: z.array(AssessmentChange),
});
export type FlippedRow = z.infer<typeof FlippedRow>;

export const AssessmentStats = z.object({
  /** Rows that have this assessment. */
  rows: z.number().int(),
  passCount: z.number().int(),
  failCount: z.number().int(),
  /** pass / (pass + fail), null when no pass/fail value. */
  passRate: z.number().nullable(),
  errorCount: z.number().int(),
  numericCount: z.number().int(),
  mean: z.number().nullable(),
});
export type AssessmentStats = z.infer<typeof AssessmentStats>;

const counts = z.object(Object.fromEntries(CHANGE_KINDS.map((k) => [k, z.number().int()])) as Record<ChangeKind, z.ZodNumber>);

export const AssessmentDiff = z.object({
  name: z.string(),
  lowerIsBetter: z.boolean(),
  base: AssessmentStats,
  head: AssessmentStats,
  passRateDelta: z.number().nullable(),
  passRateVerdict: Verdict,
  errorDelta: z.number().int(),
  errorVerdict: Verdict,
  /** Change kinds over the matched rows. */
  changes: counts,
  /** Of the "changed" rows: numbers that moved the bad way, and the good way, by more than the threshold. */
  changedWorse: z.number().int(),
  changedBetter: z.number().int(),
});
export type AssessmentDiff = z.infer<typeof AssessmentDiff>;

export const AggregateDelta = z.object({
  name: z.string(),
  assessment: z.string(),
  aggregation: z.string(),
  base: z.number().nullable(),
  head: z.number().nullable(),
  delta: z.number().nullable(),
  verdict: Verdict,
});
export type AggregateDelta = z.infer<typeof AggregateDelta>;

export const Compatibility = z.object({
  /** Both runs have the same set of scorer names. */
  sameScorers: z.boolean(),
  /** Things that make the comparison questionable (different scorers, partial runs). */
  warnings: z.array(z.string()),
  /** Worth knowing, expected when iterating (code changed, different selection). */
  notes: z.array(z.string()),
});
export type Compatibility = z.infer<typeof Compatibility>;

export const RunDiff = z.object({
  base: EvalRun,
  head: EvalRun,
  threshold: z.number(),
  compatibility: Compatibility,
  aggregates: z.array(AggregateDelta),
  assessments: z.array(AssessmentDiff),
  rows: z.object({
    base: z.number().int(),
    head: z.number().int(),
    matched: z.number().int(),
    onlyBase: z.number().int(),
    onlyHead: z.number().int(),
    /** Matched rows with at least one change (= flippedTotal). */
    changed: z.number().int(),
    regressions: z.number().int(),
    improvements: z.number().int(),
  }),
  /** Regressions first, then improvements, then other changes. Capped at `maxFlipped`. */
  flipped: z.array(FlippedRow),
  flippedTotal: z.number().int(),
  truncated: z.boolean(),
});
export type RunDiff = z.infer<typeof RunDiff>;

// ─── LSP requests ─────────────────────────────────────────────────────────────

/** client → server: compare two runs; without `baseRunId`, the head's previous run of the same scorers. */
export const CompareRunsRequest = defineRequest(
  "scorelens/compareRuns",
  "clientToServer",
  z.object({
    headRunId: z.string().min(1),
    baseRunId: z.string().min(1).optional(),
    threshold: z.number().min(0).max(1e12).optional(),
    lowerIsBetter: z.array(z.string()).max(200).optional(),
  }),
  /** `diff` null: `message` says why (a run is missing, no previous run). */
  z.object({ diff: RunDiff.nullable(), message: z.string().nullable() }),
);

/** client → server: the newest completed/cancelled run that started before `runId`, with the same scorers (names and files). */
export const PreviousRunRequest = defineRequest("scorelens/previousRun", "clientToServer", z.object({ runId: z.string().min(1) }), z.object({ run: EvalRun.nullable() }));

// ─── the run-compare panel (host ↔ webview) ──────────────────────────────────

/** The fields of the panel's snapshot; protocol/webview.ts adds `type` and `theme`. */
export const RunCompareSnapshotFields = {
  diff: RunDiff.nullable(),
  /** Why `diff` is null (no previous run, a run is missing, the server is down), or a note. */
  message: z.string().nullable(),
  /** The ids the panel compares (the base may be unknown before the server picked the previous run). */
  headRunId: z.string(),
  baseRunId: z.string().nullable(),
};

const Ok = z.object({ ok: z.literal(true) });

export const RunCompareOpenTrace = defineRequest("runCompare/openTrace", "webviewToHost", z.object({ traceId: z.string().min(1) }), Ok);
/** Open a run in the results panel. */
export const RunCompareOpenRun = defineRequest("runCompare/openRun", "webviewToHost", z.object({ runId: z.string().min(1) }), Ok);
/** Swap base and head. */
export const RunCompareSwap = defineRequest("runCompare/swap", "webviewToHost", z.object({}), Ok);
/** Let the user pick another base run (a quick pick in the host); `changed` false when dismissed. */
export const RunComparePickBase = defineRequest("runCompare/pickBase", "webviewToHost", z.object({}), z.object({ changed: z.boolean() }));
/** Recompute with another numeric threshold. */
export const RunCompareSetThreshold = defineRequest("runCompare/setThreshold", "webviewToHost", z.object({ threshold: z.number().min(0).max(1e12) }), Ok);
