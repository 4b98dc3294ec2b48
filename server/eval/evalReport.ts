/**
 * The JSON report of `scorelens eval --json FILE`: the run (with `judgeUsage`, the totals of its
 * LLM judge calls, when it made any), its aggregates, per-assessment pass rates and error counts,
 * the thresholds with pass/fail, and every result row. Pure: the caller writes
 * `JSON.stringify(report, null, 2)`.
 */
import { z } from "zod";
import { judgeUsageText } from "../../protocol/judgeCost";
import { AggregateMetric, EvalRun, FeedbackResult, type RunResultRow } from "../../protocol/scoring";
import { AssessmentSummary, summarizeAssessments } from "./passRates";
import { evaluateThresholds, ThresholdResult, type RunFacts, type ThresholdSpec } from "./thresholds";

export const EVAL_REPORT_VERSION = 1;

export const EvalReportRow = z.object({
  /** "tr-…" for a trace; "row-<index>" for a dataset row scored without a trace. */
  traceId: z.string(),
  traceName: z.string(),
  traceState: z.string(),
  datasetRow: z.number().int().nullable(),
  durationMs: z.number(),
  feedbacks: z.array(FeedbackResult),
  logs: z.array(z.string()),
});
export type EvalReportRow = z.infer<typeof EvalReportRow>;

export const EvalReport = z.object({
  reportVersion: z.literal(EVAL_REPORT_VERSION),
  tool: z.object({ name: z.literal("scorelens"), version: z.string() }),
  generatedMs: z.number(),
  run: EvalRun.omit({ aggregates: true }),
  aggregates: z.array(AggregateMetric),
  assessments: z.array(AssessmentSummary),
  errorCount: z.number().int(),
  thresholds: z.array(ThresholdResult),
  /** The run completed and every threshold passed. */
  passed: z.boolean(),
  rows: z.array(EvalReportRow),
});
export type EvalReport = z.infer<typeof EvalReport>;

export interface ReportInput {
  run: EvalRun;
  rows: readonly RunResultRow[];
  thresholds: readonly ThresholdSpec[];
  /** ScoreLens's version (server/core/version.ts). */
  version: string;
  nowMs?: number;
}

/** What thresholds are checked against, from a run and its rows. */
export function runFacts(run: EvalRun, rows: readonly RunResultRow[]): RunFacts & { assessments: AssessmentSummary[] } {
  return { aggregates: run.aggregates, assessments: summarizeAssessments(rows), errorCount: run.errorCount };
}

const requestId = (id: string): string => (id.startsWith("tr-") || id.startsWith("row-") ? id : `tr-${id}`);

export function buildEvalReport(input: ReportInput): EvalReport {
  const { run, rows } = input;
  const facts = runFacts(run, rows);
  const thresholds = evaluateThresholds(input.thresholds, facts);
  const { aggregates, ...runInfo } = run;
  return {
    reportVersion: EVAL_REPORT_VERSION,
    tool: { name: "scorelens", version: input.version },
    generatedMs: input.nowMs ?? Date.now(),
    run: runInfo,
    aggregates,
    assessments: facts.assessments,
    errorCount: run.errorCount,
    thresholds,
    passed: run.status === "completed" && thresholds.every((t) => t.passed),
    rows: rows.map((r) => ({
      traceId: requestId(r.traceId),
      traceName: r.traceName,
      traceState: r.traceState,
      datasetRow: r.datasetRow,
      durationMs: r.durationMs,
      feedbacks: r.feedbacks,
      logs: r.logs,
    })),
  };
}

/** A few lines for the terminal: thresholds, then one line per aggregate and pass rate. */
export function reportSummaryText(report: EvalReport): string {
  const lines: string[] = [];
  const r = report.run;
  lines.push(`run ${r.runId}: ${r.status}, ${r.scoredCount}/${r.traceCount} scored from ${r.selectionLabel}, ${report.errorCount} error(s)${r.message ? ` — ${r.message}` : ""}`);
  for (const a of report.aggregates) lines.push(`  ${a.name} = ${a.value === null ? "—" : Number(a.value.toPrecision(6))}${a.note ? `  (${a.note})` : ""}`);
  for (const s of report.assessments) {
    if (s.passRate !== null) lines.push(`  ${s.name}/pass_rate = ${(s.passRate * 100).toFixed(1)}% (${s.passed}/${s.passed + s.failed})`);
  }
  if (r.judgeUsage) lines.push(`  ${judgeUsageText(r.judgeUsage)}`);
  for (const t of report.thresholds) lines.push(`${t.passed ? "PASS" : "FAIL"} ${t.message}`);
  lines.push(report.passed ? "eval passed" : "eval FAILED");
  return lines.join("\n");
}
