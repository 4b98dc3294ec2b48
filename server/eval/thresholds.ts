/**
 * CI thresholds for `scorelens eval`. Pure.
 *
 * Grammar (one spec per flag, repeatable):
 *   --fail-under METRIC=NUMBER   fails when the metric is below NUMBER (a floor)
 *   --fail-over  METRIC=NUMBER   fails when the metric is above NUMBER (a ceiling)
 *   METRIC := ASSESSMENT "/" STAT | "errors"
 *   STAT   := an aggregation the run computed (mean, min, max, median, variance, p90, or a
 *             custom one), "pass_rate" (share of true/"yes" among the pass/fail values, 0..1;
 *             NUMBER may be written as a percentage, e.g. 90%), or "errors" (that assessment's
 *             error count)
 *   "errors" alone is the run's error count (rows where a scorer failed).
 * The assessment is everything before the last "/", so names may contain "/". Error counts are
 * ceilings: `--fail-under errors=…` is refused. A threshold naming a metric the run doesn't have
 * fails, listing the metrics it has.
 */
import { z } from "zod";
import type { AggregateMetric } from "../../protocol/scoring";
import type { AssessmentSummary } from "./passRates";

export const ThresholdSpec = z.object({
  /** As given, e.g. "--fail-under relevance/mean=0.8". */
  text: z.string(),
  /** "relevance/mean", "relevance/pass_rate", "errors". */
  metric: z.string(),
  /** null for the run's "errors". */
  assessment: z.string().nullable(),
  stat: z.string(),
  /** under: fails when actual < limit; over: fails when actual > limit. */
  op: z.enum(["under", "over"]),
  limit: z.number(),
});
export type ThresholdSpec = z.infer<typeof ThresholdSpec>;

export const ThresholdResult = ThresholdSpec.extend({
  /** The metric's value, or null when the run doesn't have it. */
  actual: z.number().nullable(),
  passed: z.boolean(),
  /** One line: "relevance/mean = 0.72, below the floor 0.8" / "errors = 0, within the ceiling 0". */
  message: z.string(),
});
export type ThresholdResult = z.infer<typeof ThresholdResult>;

export class ThresholdSyntaxError extends Error {}

/** What thresholds are checked against. */
export interface RunFacts {
  aggregates: readonly AggregateMetric[];
  assessments: readonly AssessmentSummary[];
  /** The run's error count (EvalRun.errorCount). */
  errorCount: number;
}

/** Parses "METRIC=NUMBER" given to --fail-under (op "under") or --fail-over (op "over"). */
export function parseThreshold(spec: string, op: "under" | "over"): ThresholdSpec {
  const flag = op === "under" ? "--fail-under" : "--fail-over";
  const text = `${flag} ${spec}`;
  const eq = spec.lastIndexOf("=");
  const example = "e.g. relevance/mean=0.8, relevance/pass_rate=90% or errors=0";
  if (eq < 0) throw new ThresholdSyntaxError(`${flag} "${spec}": expected METRIC=NUMBER, ${example}`);
  const metric = spec.slice(0, eq).trim();
  const rawLimit = spec.slice(eq + 1).trim();
  if (metric === "") throw new ThresholdSyntaxError(`${flag} "${spec}": the metric before "=" is missing (${example})`);
  const slash = metric.lastIndexOf("/");
  const assessment = metric === "errors" ? null : slash > 0 ? metric.slice(0, slash).trim() : null;
  const stat = metric === "errors" ? "errors" : slash > 0 ? metric.slice(slash + 1).trim() : "";
  if (metric !== "errors" && (assessment === null || stat === "")) {
    throw new ThresholdSyntaxError(`${flag} "${spec}": "${metric}" is not a metric; write ASSESSMENT/STAT (e.g. ${metric}/mean or ${metric}/pass_rate) or errors`);
  }
  const percent = rawLimit.endsWith("%");
  const limit = Number(percent ? rawLimit.slice(0, -1).trim() : rawLimit);
  if (rawLimit === "" || rawLimit === "%" || !Number.isFinite(limit)) throw new ThresholdSyntaxError(`${flag} "${spec}": "${rawLimit}" is not a number`);
  if (percent && stat !== "pass_rate") throw new ThresholdSyntaxError(`${flag} "${spec}": a percentage only makes sense for a pass_rate`);
  if (stat === "errors" && op === "under") {
    throw new ThresholdSyntaxError(`${flag} "${spec}": an error count is a ceiling; use --fail-over ${metric}=${rawLimit}`);
  }
  const value = percent ? limit / 100 : limit;
  if (stat === "pass_rate" && (value < 0 || value > 1)) throw new ThresholdSyntaxError(`${flag} "${spec}": a pass_rate is between 0 and 1 (or 0% and 100%)`);
  return { text, metric: assessment === null ? "errors" : `${assessment}/${stat}`, assessment, stat, op, limit: value };
}

/** The metric names a run has, for "available: …". */
export function availableMetrics(facts: RunFacts): string[] {
  const names = facts.aggregates.map((a) => a.name);
  for (const s of facts.assessments) {
    if (s.passRate !== null) names.push(`${s.name}/pass_rate`);
    names.push(`${s.name}/errors`);
  }
  names.push("errors");
  return [...new Set(names)];
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)));
}

/** The value of a metric, or why there is none. */
function valueOf(spec: ThresholdSpec, facts: RunFacts): { value: number } | { missing: string } {
  const avail = () => `available: ${availableMetrics(facts).join(", ")}`;
  if (spec.assessment === null) return { value: facts.errorCount };
  const summary = facts.assessments.find((s) => s.name === spec.assessment);
  if (spec.stat === "errors" || spec.stat === "pass_rate") {
    if (!summary) return { missing: `no assessment "${spec.assessment}" in this run; ${avail()}` };
    if (spec.stat === "errors") return { value: summary.errors };
    if (summary.passRate === null) {
      return { missing: `"${spec.assessment}" has no pass/fail values (booleans or yes/no) to make a pass_rate from; ${avail()}` };
    }
    return { value: summary.passRate };
  }
  const agg = facts.aggregates.find((a) => a.name === spec.metric || (a.assessment === spec.assessment && a.aggregation === spec.stat));
  if (!agg) return { missing: `no metric "${spec.metric}" in this run; ${avail()}` };
  if (agg.value === null) return { missing: `"${spec.metric}" has no value${agg.note ? ` (${agg.note})` : ""}` };
  return { value: agg.value };
}

/** Checks each threshold; a missing metric is a failure with a message naming what exists. */
export function evaluateThresholds(specs: readonly ThresholdSpec[], facts: RunFacts): ThresholdResult[] {
  return specs.map((spec) => {
    const v = valueOf(spec, facts);
    if ("missing" in v) return { ...spec, actual: null, passed: false, message: `${spec.text}: ${v.missing}` };
    const passed = spec.op === "under" ? v.value >= spec.limit : v.value <= spec.limit;
    const bound = spec.op === "under" ? "floor" : "ceiling";
    const rel = passed ? (spec.op === "under" ? "meets" : "within") : spec.op === "under" ? "below" : "above";
    return { ...spec, actual: v.value, passed, message: `${spec.metric} = ${fmt(v.value)}, ${rel} the ${bound} ${fmt(spec.limit)}` };
  });
}
